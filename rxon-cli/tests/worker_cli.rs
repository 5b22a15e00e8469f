//! `rxon worker` as a user runs it: the real binary, a real listener on loopback, shell
//! commands as the skill. Success, failures (permanent and transient exit codes, bad stdout),
//! progress lines, input contracts (the command is not run), cancellation (SIGTERM).

mod common;

use common::KillOnDrop;
use rxon_core::json::Value;
use rxon_core::listener::{Action, Context, Handler, HandlerError, Listener, ListenerOptions};
use rxon_core::models::{Message, TaskResult, WorkerCommand};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct Engine {
    tasks: Mutex<Vec<Value>>,
    results: Mutex<Vec<TaskResult>>,
    events: Mutex<Vec<Value>>,
}

#[async_trait::async_trait]
impl Handler for Engine {
    async fn handle(&self, action: Action, payload: Value, context: &Context) -> Result<Option<Value>, HandlerError> {
        match action {
            Action::Poll => {
                let next = self.tasks.lock().unwrap().pop();
                if next.is_none() {
                    tokio::time::sleep(Duration::from_secs_f64(context.poll_timeout.unwrap_or(0.0).min(0.2))).await;
                }
                Ok(next)
            }
            Action::Result => {
                let result = TaskResult::from_value(&payload).map_err(|e| HandlerError::InvalidValue(e.to_string()))?;
                assert!(result.security.is_some(), "rxon worker signs its results");
                self.results.lock().unwrap().push(result);
                Ok(None)
            }
            Action::Event => {
                self.events.lock().unwrap().push(payload);
                Ok(None)
            }
            _ => Ok(None),
        }
    }
}

/// `rxon worker` for skill `job` at `url` running `sh -c command`.
fn rxon_command(url: &str, extra: &[&str], command: &str) -> Command {
    let mut rxon = Command::new(env!("CARGO_BIN_EXE_rxon"));
    rxon.args([
        "worker",
        "--url",
        url,
        "--id",
        "cli-worker",
        "--token",
        "secret",
        "--skill",
        "job",
        "--grace-seconds",
        "1",
    ])
    .args(extra)
    .args(["--", "sh", "-c", command])
    .env_remove("RXON_TASK_SECRET")
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    rxon
}

fn rxon_worker(url: &str, extra: &[&str], command: &str) -> KillOnDrop {
    KillOnDrop(rxon_command(url, extra, command).spawn().expect("start rxon worker"))
}

async fn wait_results(engine: &Engine, count: usize) -> Vec<TaskResult> {
    for _ in 0..500 {
        if engine.results.lock().unwrap().len() >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut results = engine.results.lock().unwrap().clone();
    assert!(results.len() >= count, "expected {count} results, got {results:?}");
    results.sort_by(|a, b| a.task_id.cmp(&b.task_id));
    results
}

fn task(id: &str, params: serde_json::Value) -> Value {
    Value::from(serde_json::json!({"job_id": format!("job-{id}"), "task_id": id, "type": "job", "params": params}))
}

async fn listener(engine: Arc<Engine>) -> (Listener, String) {
    let listener = Listener::bind("127.0.0.1:0", ListenerOptions::default()).await.unwrap();
    listener.set_handler(engine);
    let url = format!("http://{}", listener.local_addr());
    (listener, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_commands_and_reports_their_outcomes() {
    let engine = Arc::new(Engine::default());
    for (id, params) in [
        ("a-ok", serde_json::json!({"n": 1})),
        ("b-permanent", serde_json::json!({"exit": 3})),
        ("c-transient", serde_json::json!({"exit": 75})),
        ("d-not-json", serde_json::json!({"garbage": true})),
        ("e-killed", serde_json::json!({"signal": true})),
        ("f-sdk-failure", serde_json::json!({"sdkfail": true})),
    ] {
        engine.tasks.lock().unwrap().push(task(id, params));
    }
    let (listener, url) = listener(engine.clone()).await;
    // Echo the params back, except: {"exit": N} exits N; {"garbage": …} prints no JSON;
    // {"signal": …} is killed by SIGKILL; {"sdkfail": …} prints the worker SDK's failure result.
    let script = r#"p=$(cat); echo "progress 0.5 half way" >&2; echo "a log line" >&2
        case "$p" in *'"exit":'*) code=$(echo "$p" | tr -dc 0-9); exit "$code";; *garbage*) echo not json; exit 0;; *signal*) kill -KILL $$;;
          *sdkfail*) echo '{"status": "failure", "error": {"code": "DEPENDENCY_ERROR", "message": "no gpu"}}'; exit 0;; esac
        echo "$p""#;
    let _worker = rxon_worker(&url, &["--transient-exit-codes", "75,111"], script);
    let results = wait_results(&engine, 6).await;
    let summary: Vec<(String, String, Option<String>)> = results
        .iter()
        .map(|r| {
            (
                r.task_id.clone(),
                r.status().to_string(),
                r.error.as_ref().map(|e| e.code.clone()),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("a-ok".to_string(), "success".to_string(), None),
            (
                "b-permanent".to_string(),
                "failure".to_string(),
                Some("PERMANENT_ERROR".to_string())
            ),
            (
                "c-transient".to_string(),
                "failure".to_string(),
                Some("TRANSIENT_ERROR".to_string())
            ),
            (
                "d-not-json".to_string(),
                "failure".to_string(),
                Some("PERMANENT_ERROR".to_string())
            ),
            (
                "e-killed".to_string(),
                "failure".to_string(),
                Some("TRANSIENT_ERROR".to_string())
            ),
            (
                "f-sdk-failure".to_string(),
                "failure".to_string(),
                Some("DEPENDENCY_ERROR".to_string())
            ),
        ]
    );
    assert!(
        results[4].error.as_ref().unwrap().message.contains("signal 9"),
        "{:?}",
        results[4].error
    );
    assert_eq!(results[0].data.as_ref().unwrap()["n"], 1);
    assert!(
        results[1].error.as_ref().unwrap().message.contains("exit code 3"),
        "{:?}",
        results[1].error
    );
    let events = engine.events.lock().unwrap().clone();
    assert!(
        events
            .iter()
            .any(|e| e["event_type"] == "progress" && e["payload"]["progress"] == 0.5),
        "{events:?}"
    );
    listener.shutdown(Duration::from_secs(2)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_contracts_and_cancellation() {
    let engine = Arc::new(Engine::default());
    engine
        .tasks
        .lock()
        .unwrap()
        .push(task("slow", serde_json::json!({"n": 1})));
    engine
        .tasks
        .lock()
        .unwrap()
        .push(task("invalid", serde_json::json!({"m": 1})));
    let (listener, url) = listener(engine.clone()).await;
    let schema = std::env::temp_dir().join(format!("rxon-cli-schema-{}.json", std::process::id()));
    std::fs::write(&schema, r#"{"type": "object", "required": ["n"]}"#).unwrap();
    let marker = std::env::temp_dir().join(format!("rxon-cli-ran-{}", std::process::id()));
    let script = format!("cat > /dev/null; touch {}; sleep 30; echo '{{}}'", marker.display());
    let _worker = rxon_worker(&url, &["--input-schema", schema.to_str().unwrap()], &script);

    let invalid = wait_results(&engine, 1).await.remove(0);
    assert_eq!(invalid.task_id, "invalid");
    let error = invalid.error.unwrap();
    assert_eq!(
        (error.code.as_str(), error.message.as_str()),
        ("INVALID_INPUT_ERROR", "Missing required field: 'n'")
    );

    // The slow task starts; cancel it over the WebSocket: SIGTERM ends `sleep`.
    let sessions = listener.sessions();
    for _ in 0..500 {
        if marker.exists() && sessions.is_connected("cli-worker") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(marker.exists(), "the command ran for the valid task");
    let cancel = WorkerCommand {
        command: "cancel_task".into(),
        task_id: Some("slow".into()),
        ..Default::default()
    };
    assert!(sessions.send_command("cli-worker", cancel).await);
    let results = wait_results(&engine, 2).await;
    let slow = results.iter().find(|r| r.task_id == "slow").unwrap();
    assert_eq!(slow.status(), "cancelled");
    let _ = std::fs::remove_file(&marker);
    let _ = std::fs::remove_file(&schema);
    listener.shutdown(Duration::from_secs(2)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_task_secret_is_no_secret_in_the_environment_and_refused_as_a_flag() {
    let engine = Arc::new(Engine::default());
    engine
        .tasks
        .lock()
        .unwrap()
        .push(task("unsigned", serde_json::json!({"n": 1})));
    let (listener, url) = listener(engine.clone()).await;

    let refused = rxon_command(&url, &["--task-secret", ""], "cat")
        .stderr(Stdio::piped())
        .output()
        .expect("rxon worker runs");
    assert_eq!(refused.status.code(), Some(2), "an empty --task-secret stops the start");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("task_secret is empty"), "{stderr}");

    // Set but empty, as deployment templates leave it: tasks run unsigned.
    let mut blank = rxon_command(&url, &[], "cat");
    blank.env("RXON_TASK_SECRET", "");
    let _worker = KillOnDrop(blank.spawn().expect("start rxon worker"));
    let result = wait_results(&engine, 1).await.remove(0);
    assert_eq!((result.task_id.as_str(), result.status()), ("unsigned", "success"));
    listener.shutdown(Duration::from_secs(2)).await;
}
