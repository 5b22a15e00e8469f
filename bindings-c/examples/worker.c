/* An RXON worker in C with the `add` skill: two threads take tasks and answer {"sum": a + b}.
 * Configured by the environment, as `rxon worker` is: RXON_URL, RXON_WORKER_ID, RXON_TOKEN and
 * RXON_TASK_SECRET (the orchestrator's key: task signatures are checked). Runs until SIGINT or
 * SIGTERM, then shuts down (tasks in hand get 2 s).
 *
 * Params it understands, to show each way a task can end: "flaky" (fails TRANSIENT_ERROR the
 * first time, so the orchestrator retries it), "refuse" (INVALID_INPUT_ERROR), "permanent"
 * (PERMANENT_ERROR), "sleep" (seconds to work, stopping early when the task is cancelled). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <rxon.h>

static volatile sig_atomic_t stopping = 0;
static void on_signal(int sig) { (void)sig; stopping = 1; }

/* The number at `pointer` in `json` (0 when absent). */
static double number(const char *json, const char *pointer) {
  char *text = NULL;
  double value = 0;
  if (rxon_json_pointer(json, pointer, &text) == RXON_OK) value = strtod(text, NULL);
  rxon_string_free(&text);
  return value;
}

/* Whether the member at `pointer` is `true`. */
static int flag(const char *json, const char *pointer) {
  char *text = NULL;
  int set = rxon_json_pointer(json, pointer, &text) == RXON_OK && strcmp(text, "true") == 0;
  rxon_string_free(&text);
  return set;
}

static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static int flaky_seen = 0;

static void run(rxon_task_t *task) {
  const char *params = rxon_task_params_json(task);
  rxon_result_t reported;
  if (flag(params, "/flaky")) {
    pthread_mutex_lock(&seen_lock);
    int first = flaky_seen++ == 0;
    pthread_mutex_unlock(&seen_lock);
    if (first) {
      rxon_task_fail(task, "TRANSIENT_ERROR", "the GPU went away");
      return;
    }
  }
  if (flag(params, "/refuse")) {
    rxon_task_fail(task, "INVALID_INPUT_ERROR", "b must be positive");
    return;
  }
  if (flag(params, "/permanent")) {
    rxon_task_fail(task, "PERMANENT_ERROR", "will never work");
    return;
  }
  double sleep_s = number(params, "/sleep");
  for (double slept = 0; slept < sleep_s; slept += 0.05) {
    if (rxon_task_is_cancelled(task)) {
      rxon_task_report_cancelled(task);
      printf("task %s cancelled\n", rxon_task_id(task));
      fflush(stdout);
      return;
    }
    struct timespec step = {0, 50 * 1000 * 1000};
    nanosleep(&step, NULL);
  }
  rxon_task_progress(task, 0.5, "halfway");
  char data[64];
  snprintf(data, sizeof data, "{\"sum\": %.17g}", number(params, "/a") + number(params, "/b"));
  reported = rxon_task_complete(task, data);
  if (reported != RXON_OK) fprintf(stderr, "worker: %s\n", rxon_last_error_message());
}

static void *take_tasks(void *arg) {
  rxon_worker_t *worker = (rxon_worker_t *)arg;
  for (;;) {
    rxon_task_t *task = NULL;
    rxon_result_t got = rxon_worker_next_task(worker, 200, &task);
    if (got == RXON_ECLOSED) break;
    if (got != RXON_OK) continue; /* RXON_ETIMEDOUT: look again */
    run(task);
    rxon_task_free(&task);
  }
  return NULL;
}

int main(void) {
  rxon_worker_options_t opts;
  rxon_worker_options_default(&opts);
  opts.url = getenv("RXON_URL");
  opts.worker_id = getenv("RXON_WORKER_ID");
  opts.token = getenv("RXON_TOKEN");
  opts.task_secret = getenv("RXON_TASK_SECRET");
  opts.skills_json = "[\"add\"]";
  opts.concurrency = 2;
  opts.heartbeat_interval_ms = 1000;
  rxon_worker_t *worker = NULL;
  if (rxon_worker_new(&opts, &worker) != RXON_OK) {
    fprintf(stderr, "worker: %s\n", rxon_last_error_message());
    return 1;
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  pthread_t threads[2];
  for (int i = 0; i < 2; i++) pthread_create(&threads[i], NULL, take_tasks, worker);
  printf("worker %s started\n", opts.worker_id);
  fflush(stdout);
  while (!stopping) {
    struct timespec tick = {0, 100 * 1000 * 1000};
    nanosleep(&tick, NULL);
  }
  rxon_worker_shutdown(worker, 2000);
  for (int i = 0; i < 2; i++) pthread_join(threads[i], NULL);
  rxon_worker_free(&worker);
  return 0;
}
