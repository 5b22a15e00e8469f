/* A small RXON orchestrator in C on rxon's listener: it hands out the tasks given as arguments
 * (JSON, one per argument) to polls, acknowledges results (one for job "late" is answered
 * `ignored`), answers heartbeats asking for a full sync and cancelling task "t9", serves STS
 * tokens, and sends `cancel_task` for task "t1" down each worker's command WebSocket once it
 * opens. Every request is printed as one line, `<action> <payload> <context>`. Prints
 * `READY <port>` once listening on 127.0.0.1; stops on SIGINT or SIGTERM.
 *
 *     ./orchestrator '{"job_id": "j1", "task_id": "t1", "type": "echo", "params": {"x": 1}}' */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <rxon.h>

static volatile sig_atomic_t stopping = 0;
static void on_signal(int sig) { (void)sig; stopping = 1; }

typedef struct engine {
  pthread_mutex_t lock;
  char **tasks;
  int count, next;
} engine;

static void handle(void *context, const char *action, const char *payload, const char *request, rxon_answer_t *answer) {
  engine *e = (engine *)context;
  const char *body = NULL;
  pthread_mutex_lock(&e->lock);
  printf("%s %s %s\n", action, payload, request);
  fflush(stdout);
  if (strcmp(action, "poll") == 0 && e->next < e->count) body = e->tasks[e->next++];
  pthread_mutex_unlock(&e->lock);
  if (strcmp(action, "result") == 0 && strstr(payload, "\"job_id\":\"late\"") != NULL) {
    body = "{\"status\": \"ignored\", \"reason\": \"deadline_exceeded\"}";
  } else if (strcmp(action, "heartbeat") == 0) {
    body = "{\"status\": \"ok\", \"require_full_sync\": true, \"cancel_task_ids\": [\"t9\"]}";
  } else if (strcmp(action, "sts_token") == 0) {
    body = "{\"access_token\": \"sts-1\", \"expires_in\": 60, \"worker_id\": \"w1\", \"refresh_token\": \"r1\"}";
  } else if (strcmp(action, "sts_refresh") == 0) {
    body = "{\"access_token\": \"sts-2\", \"expires_in\": 60, \"worker_id\": \"w1\"}";
  }
  rxon_answer_json(answer, body); /* NULL: the action's default (204 for a poll) */
}

int main(int argc, char **argv) {
  engine e = {PTHREAD_MUTEX_INITIALIZER, argv + 1, argc - 1, 0};
  rxon_listener_options_t opts;
  rxon_listener_options_default(&opts);
  rxon_handler_t handler = {&e, handle, NULL};
  rxon_listener_t *listener = NULL;
  if (rxon_listener_new(&opts, handler, &listener) != RXON_OK) {
    fprintf(stderr, "orchestrator: %s\n", rxon_last_error_message());
    return 1;
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  printf("READY %u\n", (unsigned)rxon_listener_port(listener));
  fflush(stdout);
  char told[4096] = "";
  while (!stopping) {
    char *connected = NULL;
    if (rxon_listener_connected_workers(listener, &connected) == RXON_OK && strcmp(connected, "[]") != 0 &&
        strcmp(connected, told) != 0) {
      /* A worker's socket opened: one cancel for task t1 to each (ids are JSON strings here). */
      for (char *id = strchr(connected, '"'); id != NULL; id = strchr(strchr(id + 1, '"') + 1, '"')) {
        char worker[256];
        int length = (int)(strchr(id + 1, '"') - id - 1);
        snprintf(worker, sizeof worker, "%.*s", length, id + 1);
        char quoted[260];
        snprintf(quoted, sizeof quoted, "\"%s\"", worker);
        if (strstr(told, quoted) == NULL) {
          rxon_listener_send_command(listener, worker, "{\"command\": \"cancel_task\", \"task_id\": \"t1\", \"job_id\": \"j1\"}");
        }
      }
      snprintf(told, sizeof told, "%s", connected);
    }
    rxon_string_free(&connected);
    struct timespec tick = {0, 20 * 1000 * 1000};
    nanosleep(&tick, NULL);
  }
  rxon_listener_shutdown(listener, 1000);
  rxon_listener_free(&listener);
  return 0;
}
