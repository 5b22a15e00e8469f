/* The C API's worker, driven as a C program drives it: one worker with N slots and N threads
 * taking `echo` tasks and completing them with their params. Prints the poll → result cycles
 * per second over the duration, after one second of warm-up (benches/compare_c.py).
 *
 *     worker_cycles URL SLOTS SECONDS */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <rxon.h>

static volatile int counting = 0;
static long done = 0;

static void *take(void *arg) {
  rxon_worker_t *worker = (rxon_worker_t *)arg;
  for (;;) {
    rxon_task_t *task = NULL;
    rxon_result_t got = rxon_worker_next_task(worker, 100, &task);
    if (got == RXON_ECLOSED) return NULL;
    if (got != RXON_OK) continue;
    rxon_task_complete(task, rxon_task_params_json(task));
    rxon_task_free(&task);
    if (__atomic_load_n(&counting, __ATOMIC_RELAXED)) __atomic_add_fetch(&done, 1, __ATOMIC_RELAXED);
  }
}

static void sleep_s(double seconds) {
  struct timespec t = {(time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9)};
  nanosleep(&t, NULL);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: worker_cycles URL SLOTS SECONDS\n");
    return 2;
  }
  int slots = atoi(argv[2]);
  double seconds = atof(argv[3]);
  rxon_worker_options_t opts;
  rxon_worker_options_default(&opts);
  opts.url = argv[1];
  opts.worker_id = "bench-c";
  opts.token = "token";
  opts.signing = "off";
  opts.skills_json = "[\"echo\"]";
  opts.concurrency = (uint32_t)slots;
  opts.poll_timeout_ms = 5000;
  rxon_worker_t *worker = NULL;
  if (rxon_worker_new(&opts, &worker) != RXON_OK) {
    fprintf(stderr, "worker_cycles: %s\n", rxon_last_error_message());
    return 1;
  }
  pthread_t *threads = calloc((size_t)slots, sizeof *threads);
  for (int i = 0; i < slots; i++) pthread_create(&threads[i], NULL, take, worker);
  sleep_s(1);
  __atomic_store_n(&counting, 1, __ATOMIC_RELAXED);
  sleep_s(seconds);
  __atomic_store_n(&counting, 0, __ATOMIC_RELAXED);
  printf("%.0f\n", (double)__atomic_load_n(&done, __ATOMIC_RELAXED) / seconds);
  fflush(stdout);
  rxon_worker_shutdown(worker, 1000);
  for (int i = 0; i < slots; i++) pthread_join(threads[i], NULL);
  free(threads);
  rxon_worker_free(&worker);
  return 0;
}
