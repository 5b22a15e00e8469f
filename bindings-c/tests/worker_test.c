/* A C listener and a C worker in one process, over loopback: four threads take tasks with
 * rxon_worker_next_task, one more through the file descriptor; every task is reported (one
 * freed without an outcome is reported INTERNAL_ERROR); a command reaches the worker's
 * WebSocket; the log callback gets records; everything is freed. */
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include "rxon.h"
#include "check.h"

#define TASKS 40

typedef struct engine {
  pthread_mutex_t lock;
  int handed_out;
  int results;
  int internal_errors;
  int contract_violations;
  int needs_review;
  int progress_events;
  int dropped;
} engine;

static void handle(void *context, const char *action, const char *payload, const char *request, rxon_answer_t *answer) {
  engine *e = (engine *)context;
  (void)request;
  char task[160];
  const char *body = NULL;
  pthread_mutex_lock(&e->lock);
  if (strcmp(action, "poll") == 0 && e->handed_out < TASKS) {
    int n = e->handed_out++;
    snprintf(task, sizeof task, "{\"job_id\": \"j%d\", \"task_id\": \"%s%d\", \"type\": \"echo\", \"params\": {\"n\": %d}}",
             n, n == 7 ? "drop-" : "t", n, n);
    body = task;
  } else if (strcmp(action, "result") == 0) {
    e->results++;
    if (strstr(payload, "INTERNAL_ERROR") != NULL) e->internal_errors++;
    if (strstr(payload, "CONTRACT_VIOLATION_ERROR") != NULL) e->contract_violations++;
    if (strstr(payload, "\"status\":\"needs_review\"") != NULL) e->needs_review++;
  } else if (strcmp(action, "event") == 0 && strstr(payload, "\"progress\"") != NULL) {
    e->progress_events++;
  }
  pthread_mutex_unlock(&e->lock);
  if (strcmp(action, "poll") == 0 && body == NULL) usleep(20000); /* nothing to hand out now */
  CHECK(rxon_answer_json(answer, body) == RXON_OK || strcmp(action, "poll") == 0);
}

static void release(void *context) { ((engine *)context)->dropped++; }

static int log_records = 0;
static void count_log(void *context, int32_t level, const char *target, const char *message) {
  (void)context;
  (void)target;
  (void)message;
  if (level >= RXON_LOG_ERROR) __atomic_add_fetch(&log_records, 1, __ATOMIC_RELAXED);
}

static int taken = 0;

/* Takes tasks until the worker hands out no more: completes them, frees one without an outcome. */
static void *take_tasks(void *arg) {
  rxon_worker_t *worker = (rxon_worker_t *)arg;
  for (;;) {
    rxon_task_t *task = NULL;
    rxon_result_t got = rxon_worker_next_task(worker, 100, &task);
    if (got == RXON_ETIMEDOUT) continue;
    if (got == RXON_ECLOSED) break;
    CHECK(got == RXON_OK);
    if (got != RXON_OK) break;
    __atomic_add_fetch(&taken, 1, __ATOMIC_RELAXED);
    CHECK_STR(rxon_task_type(task), "echo");
    char *payload = NULL;
    CHECK(rxon_task_payload_json(task, &payload) == RXON_OK);
    CHECK(payload != NULL && strstr(payload, rxon_task_id(task)) != NULL);
    rxon_string_free(&payload);
    if (strcmp(rxon_task_id(task), "t3") == 0) {
      CHECK(rxon_task_progress(task, 0.5, "halfway") == RXON_OK);
      CHECK(rxon_task_complete_with_status(task, "needs_review", NULL) == RXON_OK);
    } else if (strcmp(rxon_task_id(task), "t5") == 0) {
      /* A status the skill does not declare: reported as a contract violation. */
      CHECK(rxon_task_complete_with_status(task, "lost", NULL) == RXON_OK);
    } else if (strncmp(rxon_task_id(task), "drop-", 5) != 0) {
      CHECK(rxon_task_complete(task, rxon_task_params_json(task)) == RXON_OK);
      CHECK(rxon_task_complete(task, NULL) == RXON_ECLOSED); /* one outcome per task */
      CHECK(rxon_task_fail(task, "PERMANENT_ERROR", "late") == RXON_ECLOSED);
    }
    rxon_task_free(&task);
  }
  return NULL;
}

int main(void) {
  rxon_log_callback_t logs = {NULL, count_log, NULL};
  CHECK(rxon_set_log_callback(logs, RXON_LOG_INFO) == RXON_OK);

  engine e;
  memset(&e, 0, sizeof e);
  pthread_mutex_init(&e.lock, NULL);
  rxon_listener_options_t lopts;
  rxon_listener_options_default(&lopts);
  /* Everything below also runs through zero trust: the C worker's token and signatures. */
  lopts.auth_json = "{\"workers\": {\"c-worker\": \"token\", \"c-freed\": \"token\"}}";
  rxon_handler_t handler = {&e, handle, release};
  rxon_listener_t *listener = NULL;
  CHECK(rxon_listener_new(&lopts, handler, &listener) == RXON_OK);
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%u", (unsigned)rxon_listener_port(listener));

  rxon_worker_options_t opts;
  rxon_worker_options_default(&opts);
  opts.url = url;
  opts.worker_id = "c-worker";
  opts.token = "token";
  opts.skills_json =
      "[{\"name\": \"echo\", \"input_schema\": {\"type\": \"object\", \"required\": [\"n\"]},"
      " \"output_statuses\": [\"success\", \"needs_review\"]}]";
  opts.concurrency = 4;
  opts.concurrent_polls = 2;
  opts.poll_timeout_ms = 1000;
  rxon_worker_t *worker = NULL;
  CHECK(rxon_worker_new(&opts, &worker) == RXON_OK);

  /* One task through the descriptor, as an epoll/poll loop takes it. */
  struct pollfd ready = {rxon_worker_fd(worker), POLLIN, 0};
  CHECK(poll(&ready, 1, 10000) == 1);
  rxon_task_t *first = NULL;
  CHECK(rxon_worker_try_next_task(worker, &first) == RXON_OK);
  CHECK(rxon_task_complete(first, "{\"by\": \"fd\"}") == RXON_OK);
  rxon_task_free(&first);
  taken++;

  pthread_t threads[4];
  for (int i = 0; i < 4; i++) pthread_create(&threads[i], NULL, take_tasks, worker);

  /* The worker's command WebSocket opens; a command for a task it does not have is harmless. */
  char *connected = NULL;
  for (int i = 0; i < 250; i++) {
    CHECK(rxon_listener_connected_workers(listener, &connected) == RXON_OK);
    int open = connected != NULL && strstr(connected, "c-worker") != NULL;
    rxon_string_free(&connected);
    if (open) break;
    usleep(20000);
  }
  CHECK(rxon_listener_send_command(listener, "c-worker", "{\"command\": \"cancel_task\", \"task_id\": \"nope\"}") == RXON_OK);
  CHECK(rxon_listener_send_command(listener, "nobody", "{\"command\": \"drain\"}") == RXON_ECLOSED);
  CHECK(rxon_listener_send_command(listener, "c-worker", "{\"no\": 1}") == RXON_EINVAL);

  for (int i = 0; i < 500; i++) {
    pthread_mutex_lock(&e.lock);
    int done = e.results;
    pthread_mutex_unlock(&e.lock);
    if (done >= TASKS) break;
    usleep(20000);
  }
  CHECK(rxon_worker_shutdown(worker, 1000) == RXON_OK);
  for (int i = 0; i < 4; i++) pthread_join(threads[i], NULL);
  rxon_worker_free(&worker);

  /* A worker freed while running shuts down by itself: its command WebSocket closes. */
  opts.worker_id = "c-freed";
  rxon_worker_t *freed = NULL;
  CHECK(rxon_worker_new(&opts, &freed) == RXON_OK);
  int open = 0;
  for (int i = 0; i < 250 && !open; i++) {
    CHECK(rxon_listener_connected_workers(listener, &connected) == RXON_OK);
    open = strstr(connected, "c-freed") != NULL;
    rxon_string_free(&connected);
    usleep(20000);
  }
  CHECK(open);
  rxon_worker_free(&freed);
  for (int i = 0; i < 250 && open; i++) {
    CHECK(rxon_listener_connected_workers(listener, &connected) == RXON_OK);
    open = strstr(connected, "c-freed") != NULL;
    rxon_string_free(&connected);
    usleep(20000);
  }
  CHECK(!open);

  CHECK(e.results == TASKS);
  CHECK(e.internal_errors == 1);
  CHECK(e.contract_violations == 1);
  CHECK(e.needs_review == 1);
  CHECK(e.progress_events == 1);
  CHECK(taken == TASKS);
  CHECK(rxon_listener_shutdown(listener, 1000) == RXON_OK);
  CHECK(rxon_listener_shutdown(listener, 1000) == RXON_OK); /* a second call does nothing */
  rxon_listener_free(&listener);
  for (int i = 0; i < 100 && e.dropped == 0; i++) usleep(10000);
  CHECK(e.dropped == 1);
  CHECK(log_records > 0);
  rxon_log_callback_t off = {NULL, NULL, NULL};
  CHECK(rxon_set_log_callback(off, RXON_LOG_OFF) == RXON_OK);
  pthread_mutex_destroy(&e.lock);
  if (check_failures == 0) printf("worker: %d tasks over loopback, all checks passed\n", TASKS);
  return check_failures;
}
