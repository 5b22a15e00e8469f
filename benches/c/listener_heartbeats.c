/* The C API's listener with a C handler doing what the echo_listener example's engine does:
 * check the worker token, count the action, answer the default. Prints `READY <port>`; stops on
 * SIGTERM and prints the count (benches/compare_c.py puts it under wrk). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <rxon.h>

static volatile sig_atomic_t stopping = 0;
static void on_signal(int sig) { (void)sig; stopping = 1; }
static long handled = 0;

static void handle(void *context, const char *action, const char *payload, const char *request, rxon_answer_t *answer) {
  (void)context;
  (void)action;
  (void)payload;
  /* The context is compact JSON: the token member as the worker sent it. */
  if (strstr(request, "\"token\":\"token\"") == NULL) {
    rxon_answer_error(answer, 403, "invalid worker token", NULL, -1);
    return;
  }
  __atomic_add_fetch(&handled, 1, __ATOMIC_RELAXED);
  rxon_answer_json(answer, NULL);
}

int main(void) {
  rxon_listener_options_t opts;
  rxon_listener_options_default(&opts);
  rxon_handler_t handler = {NULL, handle, NULL};
  rxon_listener_t *listener = NULL;
  if (rxon_listener_new(&opts, handler, &listener) != RXON_OK) {
    fprintf(stderr, "listener_heartbeats: %s\n", rxon_last_error_message());
    return 1;
  }
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  printf("READY %u\n", (unsigned)rxon_listener_port(listener));
  fflush(stdout);
  while (!stopping) {
    struct timespec tick = {0, 50 * 1000 * 1000};
    nanosleep(&tick, NULL);
  }
  rxon_listener_shutdown(listener, 1000);
  rxon_listener_free(&listener);
  printf("%ld handled\n", handled);
  return 0;
}
