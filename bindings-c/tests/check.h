/* A tiny check macro for the C API tests: failures are printed and counted; main returns the
 * count (0: passed). */
#ifndef RXON_CHECK_H
#define RXON_CHECK_H
#include <stdio.h>
#include <string.h>

static int check_failures = 0;
#define CHECK(cond)                                                                             \
  do {                                                                                          \
    if (!(cond)) {                                                                              \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, #cond,   \
              rxon_last_error_message());                                                       \
      check_failures++;                                                                         \
    }                                                                                           \
  } while (0)
#define CHECK_STR(actual, expected) CHECK((actual) != NULL && strcmp((actual), (expected)) == 0)
#endif
