/* Every function of rxon.h with good and bad arguments: NULLs, non-UTF-8, bad JSON, frees of
 * NULL and second frees, a task freed without an outcome. Built as C and again as C++. */
#include "rxon.h"
#include "check.h"

static int dropped = 0;
static void count_drop(void *context) { (void)context; dropped++; }

static void protocol(void) {
  char *out = NULL;
  CHECK(rxon_json_dumps("{\"b\": 1, \"a\": 2.0, \"n\": null}", &out) == RXON_OK);
  CHECK_STR(out, "{\"a\":2,\"b\":1}");
  rxon_string_free(&out);
  CHECK(out == NULL);
  rxon_string_free(&out); /* a second free does nothing */
  rxon_string_free(NULL);

  CHECK(rxon_json_dumps(NULL, &out) == RXON_EINVAL);
  CHECK(strstr(rxon_last_error_message(), "NULL") != NULL);
  CHECK(rxon_json_dumps("{not json", &out) == RXON_EINVAL);
  CHECK(strstr(rxon_last_error_message(), "not JSON") != NULL);
  CHECK(rxon_json_dumps("\"\xff\xfe\"", &out) == RXON_EINVAL);
  CHECK(strstr(rxon_last_error_message(), "UTF-8") != NULL);
  CHECK(rxon_json_dumps("{}", NULL) == RXON_EINVAL);

  CHECK(rxon_calculate_dict_hash("{}", &out) == RXON_OK);
  CHECK(out != NULL && strlen(out) == 64);
  rxon_string_free(&out);

  CHECK(rxon_decode("TaskPayload", "{\"job_id\": \"j\", \"task_id\": \"t\", \"type\": \"echo\"}", &out) == RXON_OK);
  CHECK_STR(out, "{\"job_id\":\"j\",\"task_id\":\"t\",\"type\":\"echo\"}");
  rxon_string_free(&out);
  CHECK(rxon_decode("TaskPayload", "{\"job_id\": \"j\"}", &out) == RXON_EINVAL);
  CHECK(strstr(rxon_last_error_message(), "task_id") != NULL);
  CHECK(rxon_decode("NoSuchMessage", "{}", &out) == RXON_EINVAL);

  char *sig = NULL;
  CHECK(rxon_sign_payload("{\"a\": 1, \"security\": {\"x\": 1}}", "secret", NULL, &sig) == RXON_OK);
  CHECK(rxon_verify_signature("{\"a\": 1}", sig, "secret", NULL) == RXON_OK);
  CHECK(rxon_verify_signature("{\"a\": 2}", sig, "secret", NULL) == RXON_ESIGNATURE);
  CHECK(rxon_verify_signature("{\"a\": 1, \"b\": 2}", sig, "secret", "[\"b\"]") == RXON_OK);
  CHECK(rxon_verify_signature("{\"a\": 1}", sig, "secret", "{\"b\": 1}") == RXON_EINVAL);
  CHECK(rxon_verify_signature("{\"a\": 1}", NULL, "secret", NULL) == RXON_EINVAL);
  rxon_string_free(&sig);

  CHECK(rxon_sign_payload_ed25519("{}", "not a key", NULL, &sig) == RXON_EINVAL);
  CHECK(rxon_verify_signature_ed25519("{}", "00", "not a key", NULL) == RXON_ESIGNATURE);
  CHECK(rxon_sign_bubbling_chain_hmac("[\"w1\", \"w2\"]", "secret", &sig) == RXON_OK);
  CHECK(rxon_verify_bubbling_chain_hmac("[\"w1\", \"w2\"]", sig, "secret") == RXON_OK);
  CHECK(rxon_verify_bubbling_chain_hmac("[\"w2\", \"w1\"]", sig, "secret") == RXON_ESIGNATURE);
  rxon_string_free(&sig);
  CHECK(rxon_verify_bubbling_chain_signature("[\"w1\"]", "00", "not a key") == RXON_ESIGNATURE);

  char *message = NULL;
  const char *schema = "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\"}}}";
  CHECK(rxon_validate_data("{\"n\": 1}", schema, &message) == RXON_OK);
  CHECK(message == NULL);
  CHECK(rxon_validate_data("{\"n\": \"x\"}", schema, &message) == RXON_EPARAMS);
  CHECK_STR(message, "Field 'n': Expected integer");
  rxon_string_free(&message);
  CHECK(rxon_validate_data("{\"n\": \"x\"}", NULL, NULL) == RXON_OK);
  CHECK(rxon_validate_data("{}", "[1]", NULL) == RXON_EINVAL);

  CHECK(rxon_is_valid_identifier("worker-1_b"));
  CHECK(!rxon_is_valid_identifier("worker.1"));
  CHECK(!rxon_is_valid_identifier("not an id!"));
  CHECK(!rxon_is_valid_identifier(NULL));

  CHECK(rxon_parse_uri("s3://bucket/dir/", NULL, NULL, &out) == RXON_OK);
  CHECK_STR(out, "{\"bucket\":\"bucket\",\"key\":\"dir/\",\"is_directory\":true}");
  rxon_string_free(&out);
  CHECK(rxon_parse_uri(NULL, NULL, NULL, &out) == RXON_EINVAL);
  CHECK(rxon_calculate_config_hash(NULL, NULL, NULL, &out) == RXON_OK);
  CHECK(out == NULL);
  CHECK(rxon_calculate_config_hash("http://s3", "key", "bucket", &out) == RXON_OK);
  CHECK(out != NULL);
  rxon_string_free(&out);

  CHECK(rxon_json_pointer("{\"a\": {\"b\": [1, \"x\"]}}", "/a/b/1", &out) == RXON_OK);
  CHECK_STR(out, "\"x\"");
  rxon_string_free(&out);
  CHECK(rxon_json_pointer("{\"a\": 1.5}", "/a", &out) == RXON_OK);
  CHECK_STR(out, "1.5");
  rxon_string_free(&out);
  CHECK(rxon_json_pointer("{\"a\": 1}", "/b", &out) == RXON_EINVAL);
  CHECK(rxon_json_pointer("{\"a\": 1}", "", &out) == RXON_OK);
  CHECK_STR(out, "{\"a\":1}");
  rxon_string_free(&out);

  CHECK(rxon_version() != NULL && rxon_version()[0] != '\0');
}

#if defined(RXON_LISTENER)
/* A handler for listeners that are refused before they serve. */
static void never_called(void *context, const char *action, const char *payload_json, const char *context_json,
                         rxon_answer_t *answer) {
  (void)context, (void)action, (void)payload_json, (void)context_json;
  rxon_answer_json(answer, NULL);
}
#endif

static void handles(void) {
  char *out = NULL;
  rxon_worker_options_t opts;
  rxon_worker_options_default(&opts);
  rxon_worker_options_default(NULL);
  CHECK(opts.concurrency == 1 && opts.concurrent_polls == 1 && opts.poll_timeout_ms == 30000 && opts.url == NULL);
  rxon_worker_t *worker = NULL;
  CHECK(rxon_worker_new(&opts, &worker) == RXON_EINVAL); /* no url */
  CHECK(worker == NULL);
  CHECK(rxon_worker_new(NULL, &worker) == RXON_EINVAL);
  opts.url = "http://127.0.0.1:9";
  opts.worker_id = "not an id!";
  CHECK(rxon_worker_new(&opts, &worker) == RXON_EINVAL);
  opts.worker_id = "w1";
  opts.skills_json = "{\"not\": \"an array\"}";
  CHECK(rxon_worker_new(&opts, &worker) == RXON_EINVAL);
  opts.skills_json = "[\"echo\"]";
  opts.signing = "sometimes";
  CHECK(rxon_worker_new(&opts, &worker) == RXON_EINVAL);
  opts.signing = NULL;
  opts.task_secret = "";
  CHECK(rxon_worker_new(&opts, &worker) == RXON_EINVAL); /* an empty secret is no secret */
  opts.task_secret = NULL;

  /* A worker whose orchestrator is not there: it keeps trying; nothing to take. */
  opts.token = "";
  CHECK(rxon_worker_new(&opts, &worker) == RXON_EINVAL); /* signing with an empty token */
  opts.token = "token";
  CHECK(rxon_worker_new(&opts, &worker) == RXON_OK);
  rxon_task_t *task = NULL;
  CHECK(rxon_worker_try_next_task(worker, &task) == RXON_ETIMEDOUT);
  CHECK(rxon_worker_next_task(worker, 50, &task) == RXON_ETIMEDOUT);
  CHECK(rxon_worker_next_task(worker, 50, NULL) == RXON_EINVAL);
  CHECK(rxon_worker_fd(worker) >= 0);
  CHECK(rxon_worker_shutdown(worker, 0) == RXON_OK);
  CHECK(rxon_worker_next_task(worker, -1, &task) == RXON_ECLOSED);
  rxon_worker_free(&worker);
  CHECK(worker == NULL);
  rxon_worker_free(&worker);
  rxon_worker_free(NULL);
  CHECK(rxon_worker_next_task(NULL, 0, &task) == RXON_EINVAL);
  CHECK(rxon_worker_fd(NULL) == -1);

  CHECK(rxon_task_id(NULL) == NULL);
  CHECK(rxon_task_complete(NULL, "{}") == RXON_EINVAL);
  CHECK(rxon_task_complete_with_status(NULL, "done", NULL) == RXON_EINVAL);
  CHECK(rxon_task_fail(NULL, "PERMANENT_ERROR", NULL) == RXON_EINVAL);
  CHECK(rxon_task_report_cancelled(NULL) == RXON_EINVAL);
  CHECK(rxon_task_progress(NULL, 0.5, NULL) == RXON_EINVAL);
  CHECK(rxon_task_payload_json(NULL, &out) == RXON_EINVAL);
  CHECK(rxon_task_type(NULL) == NULL && rxon_task_params_json(NULL) == NULL);
  CHECK(rxon_worker_drain(NULL) == RXON_EINVAL && rxon_worker_shutdown(NULL, 0) == RXON_EINVAL);
  CHECK(!rxon_task_is_cancelled(NULL));
  rxon_task_free(&task);
  rxon_task_free(NULL);

#if defined(RXON_LISTENER)
  rxon_listener_options_t lopts;
  rxon_listener_options_default(&lopts);
  rxon_listener_t *listener = NULL;
  rxon_handler_t no_call = {NULL, NULL, count_drop};
  CHECK(rxon_listener_new(&lopts, no_call, &listener) == RXON_EINVAL);
  CHECK(dropped == 1); /* the handler is released even when refused */
  CHECK(rxon_answer_json(NULL, "{}") == RXON_EINVAL);
  CHECK(rxon_answer_error(NULL, 403, "no", NULL, -1) == RXON_EINVAL);
  CHECK(rxon_listener_send_command(NULL, "w1", "{\"command\": \"drain\"}") == RXON_EINVAL);
  CHECK(rxon_listener_connected_workers(NULL, &out) == RXON_EINVAL);
  CHECK(rxon_listener_shutdown(NULL, 0) == RXON_EINVAL);
  CHECK(!rxon_answer_is_abandoned(NULL));
  CHECK(rxon_listener_port(NULL) == 0);
  rxon_listener_free(&listener);
  rxon_listener_free(NULL);
  lopts.tls_cert_file = "cert.pem"; /* without its key */
  rxon_handler_t counted = {NULL, NULL, count_drop};
  CHECK(rxon_listener_new(&lopts, counted, &listener) == RXON_EINVAL);
  lopts.tls_cert_file = NULL;
  lopts.auth_json = "{\"workers\": {\"w1\": 5}}"; /* a token must be text */
  rxon_handler_t refused = {NULL, never_called, count_drop};
  CHECK(rxon_listener_new(&lopts, refused, &listener) == RXON_EINVAL);
  CHECK(strstr(rxon_last_error_message(), "auth: w1") != NULL);
#endif

  rxon_log_callback_t off = {NULL, NULL, count_drop};
  int before = dropped;
  CHECK(rxon_set_log_callback(off, RXON_LOG_INFO) == RXON_OK);
  CHECK(dropped == before + 1);
  CHECK(rxon_set_log_callback(off, 42) == RXON_EINVAL);
}

int main(void) {
  protocol();
  handles();
  if (check_failures == 0) printf("api: all checks passed\n");
  return check_failures;
}
