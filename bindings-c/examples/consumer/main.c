/* Signs and checks a task as an orchestrator would, with the installed librxon. */
#include <stdio.h>
#include <string.h>
#include <rxon.h>

int main(void) {
  const char *task = "{\"job_id\": \"j1\", \"task_id\": \"t1\", \"type\": \"render\", \"priority\": 5.0}";
  char *canonical = NULL, *signature = NULL;
  if (rxon_decode("TaskPayload", task, &canonical) != RXON_OK ||
      rxon_sign_payload(canonical, "secret", NULL, &signature) != RXON_OK ||
      rxon_verify_signature(task, signature, "secret", NULL) != RXON_OK) {
    fprintf(stderr, "rxon: %s\n", rxon_last_error_message());
    return 1;
  }
  printf("rxon %s: %s signed %.16s…\n", rxon_version(), canonical, signature);
  rxon_string_free(&canonical);
  rxon_string_free(&signature);
  return 0;
}
