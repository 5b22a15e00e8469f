//! Interoperability with the reference package (rxon 1.0b17), both directions, over loopback:
//! (a) our transport against the reference `HttpListener`; (b) the reference `HttpTransport`
//! (and its `listen_for_commands`) against our listener.
//!
//! The reference runs from a virtualenv named by `RXON_REFERENCE_PYTHON` (the README's test
//! command, `scripts/test.sh`, creates it with `scripts/python-venv.sh`).

mod common;

use common::{fast_options, idle_heartbeat, listener, progress_event, results_accepted_then_late_ignored};
use rxon_core::RxonError;
use rxon_core::json::{self, Value};
use rxon_core::listener::{Action, ListenerOptions};
use rxon_core::models::*;
use rxon_core::transport::{HttpTransport, Transport};
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn reference_python() -> String {
    std::env::var("RXON_REFERENCE_PYTHON").unwrap_or_else(|_| {
        panic!("RXON_REFERENCE_PYTHON is not set: run ./scripts/test.sh, or point it at a python with rxon==1.0b17")
    })
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/interop")
        .join(name)
}

/// A child process killed when the test ends, however it ends.
struct Reference(Child);

impl Drop for Reference {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the reference listener and returns it with its base URL.
fn start_reference_listener() -> (Reference, String) {
    let mut child = Command::new(reference_python())
        .arg(script("reference_listener.py"))
        .args(["--lifetime", "120"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the reference listener");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("READY line");
    let port = line
        .trim()
        .strip_prefix("READY ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    (Reference(child), format!("http://127.0.0.1:{port}"))
}

async fn reference_calls(base: &str) -> Vec<Value> {
    let body = reqwest::get(format!("{base}/_test/calls"))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    json::parse(&body).unwrap().as_array().cloned().unwrap()
}

fn calls_of<'a>(calls: &'a [Value], action: &str) -> Vec<&'a Value> {
    calls.iter().filter(|c| c["action"] == action).collect()
}

#[tokio::test]
async fn our_transport_against_the_reference_listener() {
    let (_reference, base) = start_reference_listener();
    let worker = HttpTransport::new(&base, "w1", "secret", fast_options()).unwrap();
    worker.connect().await.unwrap();

    let registration = WorkerRegistration {
        worker_id: "w1".into(),
        supported_skills: Some(vec![SkillInfo::named("echo")]),
        capabilities: Some(WorkerCapabilities {
            hostname: Some("box".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(
        worker.register(&registration).await.unwrap(),
        rxon_core::json!({"status": "registered"})
    );

    let task =
        rxon_core::json!({"job_id": "j1", "task_id": "t1", "type": "echo", "params": {"x": 1.5}, "priority": 1.0});
    reqwest::Client::new()
        .post(format!("{base}/_test/task"))
        .body(task.to_string())
        .send()
        .await
        .unwrap();
    let skills = ["echo".to_string(), "add".to_string()];
    let polled = worker
        .poll_task(Duration::from_secs(2), Some(&skills), Some(&skills[..1]))
        .await
        .unwrap()
        .expect("a task");
    assert_eq!((polled.task_id.as_str(), polled.priority()), ("t1", 1.0));
    assert_eq!(
        worker.poll_task(Duration::from_millis(300), None, None).await.unwrap(),
        None,
        "204 means no task"
    );

    let result = results_accepted_then_late_ignored(&worker).await;
    let busy = TaskResult {
        job_id: "busy".into(),
        ..result.clone()
    };
    match worker.send_result(&busy).await.unwrap_err() {
        RxonError::RateLimit { code, message, .. } => {
            assert_eq!((code.as_str(), message.as_str()), ("QUOTA", "slow down"))
        }
        other => panic!("expected a rate limit, got {other:?}"),
    }

    let answer = worker.send_heartbeat(&idle_heartbeat()).await.unwrap();
    assert!(answer.require_full_sync);
    assert_eq!(answer.cancel_task_ids, ["t9"]);

    let event = progress_event("e-http");
    assert!(worker.emit_event(&event).await);

    // WebSocket: two frames that are no command are skipped, then the command arrives.
    let mut commands = worker.commands(false);
    let command = tokio::time::timeout(Duration::from_secs(10), commands.next())
        .await
        .unwrap()
        .expect("a command");
    assert_eq!(
        (command.command.as_str(), command.task_id.as_deref()),
        ("cancel_task", Some("t1"))
    );
    let ws_event = WorkerEventPayload {
        event_id: "e-ws".into(),
        ..event.clone()
    };
    assert!(worker.emit_event(&ws_event).await, "event sent up the WebSocket");

    assert_eq!(
        worker.refresh_token().await.map(|t| t.access_token).as_deref(),
        Some("sts-1")
    );
    assert_eq!(
        worker.refresh_token().await.map(|t| t.access_token).as_deref(),
        Some("sts-2")
    );

    // 401 → one token refresh → the retry carries the new token.
    let expired = HttpTransport::new(&base, "w1", "expired", fast_options()).unwrap();
    expired.send_heartbeat(&idle_heartbeat()).await.unwrap();
    assert_eq!(expired.token(), "sts-1");

    tokio::time::sleep(Duration::from_millis(200)).await;
    let calls = reference_calls(&base).await;
    let register = calls_of(&calls, "register")[0];
    assert_eq!(
        register["payload"],
        rxon_core::json!({"worker_id": "w1", "supported_skills": [{"name": "echo"}], "capabilities": {"hostname": "box"}})
    );
    assert_eq!(
        register["context"]["token"], "secret",
        "X-Worker-Token reached the reference"
    );
    assert_eq!(
        register["context"]["worker_id_hint"], "w1",
        "X-Worker-ID reached the reference"
    );
    assert_eq!(
        register["context"]["protocol_version"], "1.0b17",
        "X-RXON-Version reached the reference"
    );
    let poll = calls_of(&calls, "poll")[0];
    assert_eq!(poll["context"]["poll_timeout"], 2.0);
    assert_eq!(poll["context"]["available_skills"], rxon_core::json!(["echo", "add"]));
    assert_eq!(poll["context"]["hot_skills"], rxon_core::json!(["echo"]));
    assert_eq!(
        calls_of(&calls, "result")[0]["payload"],
        rxon_core::json!({"job_id": "j1", "task_id": "t1", "worker_id": "w1"})
    );
    assert_eq!(calls_of(&calls, "event")[0]["payload"]["event_id"], "e-http");
    assert_eq!(calls_of(&calls, "ws_event")[0]["payload"]["event_id"], "e-ws");
    assert_eq!(
        calls_of(&calls, "sts_refresh")[0]["payload"],
        rxon_core::json!({"refresh_token": "r1"})
    );
    worker.close().await;
}

#[tokio::test]
async fn our_websocket_is_refused_by_the_reference_without_a_socket() {
    let (_reference, base) = start_reference_listener();
    let worker = HttpTransport::new(&base, "w1", "denied", fast_options()).unwrap();
    let mut commands = worker.commands(false);
    assert_eq!(
        tokio::time::timeout(Duration::from_secs(10), commands.next())
            .await
            .unwrap(),
        None
    );
    let calls = reference_calls(&base).await;
    assert_eq!(calls_of(&calls, "websocket").len(), 0, "no socket was opened");
}

#[tokio::test]
async fn the_reference_transport_against_our_listener() {
    let (listener, engine) = listener(ListenerOptions::default()).await;
    engine
        .tasks
        .lock()
        .unwrap()
        .push(rxon_core::json!({"job_id": "j1", "task_id": "t1", "type": "echo", "params": {"x": 1}}));
    let sessions = listener.sessions();
    let pusher = tokio::spawn(async move {
        for _ in 0..500 {
            if sessions.is_connected("w1") {
                let command = WorkerCommand {
                    command: "cancel_task".into(),
                    task_id: Some("t1".into()),
                    job_id: Some("j1".into()),
                    ..Default::default()
                };
                return sessions.send_command("w1", command).await;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    });
    let url = format!("http://{}", listener.local_addr());
    let output = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(reference_python())
            .arg(script("reference_worker.py"))
            .args(["--url", &url])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the reference worker");
        let mut stdout = String::new();
        let mut stderr = String::new();
        child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
        child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        (child.wait().unwrap(), stdout, stderr)
    })
    .await
    .unwrap();
    let (status, stdout, stderr) = output;
    assert!(status.success(), "reference worker failed: {stderr}");
    assert!(pusher.await.unwrap(), "the command reached the open WebSocket");
    let out = json::parse(stdout.trim().as_bytes()).unwrap_or_else(|e| panic!("{e}: {stdout}"));

    assert_eq!(out["register"], rxon_core::json!({"status": "registered"}));
    assert_eq!(
        out["task"],
        rxon_core::json!({"job_id": "j1", "task_id": "t1", "type": "echo", "params": {"x": 1}})
    );
    assert_eq!(out["empty_poll"], Value::Null);
    assert_eq!(out["result"], true);
    assert_eq!(
        out["late_result"], false,
        "an `ignored` answer makes the reference's send_result return False"
    );
    assert_eq!(
        out["heartbeat"],
        rxon_core::json!({"status": "ok", "require_full_sync": true, "cancel_task_ids": ["t9"]})
    );
    assert_eq!(out["event_http"], true);
    assert_eq!(
        out["command"],
        rxon_core::json!({"command": "cancel_task", "task_id": "t1", "job_id": "j1"})
    );
    assert_eq!(out["event_ws"], true);
    assert_eq!(out["sts_token"]["access_token"], "sts-1");
    assert_eq!(out["sts_refresh"]["access_token"], "sts-2");

    let (payload, context) = engine.calls(Action::Register).remove(0);
    assert_eq!(
        payload,
        rxon_core::json!({"worker_id": "w1", "supported_skills": [{"name": "echo"}]})
    );
    assert_eq!(
        context.token.as_deref(),
        Some("secret"),
        "the reference sends X-Worker-Token"
    );
    assert_eq!(
        context.worker_id_hint.as_deref(),
        Some("w1"),
        "the reference sends X-Worker-ID"
    );
    assert_eq!(context.protocol_version.as_deref(), Some("1.0b17"));
    let (_, poll) = engine.calls(Action::Poll).remove(0);
    assert_eq!(poll.poll_timeout, Some(5.0));
    assert_eq!(poll.available_skills, Some(vec!["echo".to_string(), "add".to_string()]));
    let results = engine.calls(Action::Result);
    assert_eq!(results[0].0["data"], rxon_core::json!({"echo": {"x": 1}}));
    let events: Vec<(Option<String>, &str)> = engine
        .calls(Action::Event)
        .iter()
        .map(|(p, c)| (p["event_id"].as_str().map(str::to_string), c.transport))
        .collect();
    assert!(events.contains(&(Some("e-http".to_string()), "http")), "{events:?}");
    assert!(events.contains(&(Some("e-ws".to_string()), "websocket")), "{events:?}");
    assert_eq!(
        engine.calls(Action::StsRefresh)[0].0,
        rxon_core::json!({"refresh_token": "r1"})
    );
    listener.shutdown(Duration::from_secs(2)).await;
}

/// The reference, decoding each wire of models.json and roundtrip.json from its JSON text as a
/// receiving peer does, and re-encoding it: rxon must give the same text, the same verdict on
/// the sender's signature over the decoded message, and the same refusals.
#[test]
fn decoding_then_encoding_matches_the_reference_on_every_vector_wire() {
    let dir = match std::env::var_os("RXON_VECTORS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"),
    };
    for file in ["models.json", "roundtrip.json"] {
        let doc = json::parse(&std::fs::read(dir.join(file)).expect("vector file")).expect("JSON");
        let cases = doc["cases"].as_array().expect("cases");
        let mut input = String::new();
        for case in cases {
            let signature = case["wire_signature"].as_str().unwrap_or("-");
            let model = case["model"].as_str().expect("model");
            input.push_str(&format!("{model}\t{}\t{signature}\n", json::to_text(&case["wire"])));
        }
        let mut child = Command::new(reference_python())
            .arg(script("reference_reencode.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the reference");
        let mut stdin = child.stdin.take().expect("stdin");
        let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, input.as_bytes()));
        let mut output = String::new();
        child
            .stdout
            .take()
            .expect("stdout")
            .read_to_string(&mut output)
            .expect("answers");
        writer.join().expect("writer").expect("input written");
        assert!(child.wait().expect("reference exits").success());
        let answers: Vec<Value> = output
            .lines()
            .map(|l| json::parse(l.as_bytes()).expect("answer"))
            .collect();
        assert_eq!(answers.len(), cases.len(), "{file}: one answer per case");
        let mut disagreements = Vec::new();
        for (i, (case, answer)) in cases.iter().zip(&answers).enumerate() {
            let ours = match decode_named(case["model"].as_str().expect("model"), &case["wire"]) {
                Ok(decoded) => {
                    let signature = case["wire_signature"].as_str().unwrap_or("-");
                    let verifies = rxon_core::security::verify_signature(&decoded, signature, "vector-secret", &[])
                        .unwrap_or(false);
                    rxon_core::json!([decoded.to_string(), verifies])
                }
                Err(err) => rxon_core::json!(["error", err.message()]),
            };
            if &ours != answer {
                disagreements.push(format!("case {i}: rxon {ours} != reference {answer}"));
            }
        }
        println!(
            "{file}: {} agree with the reference decoding the wire text",
            cases.len() - disagreements.len()
        );
        assert!(disagreements.is_empty(), "{file}:\n{}", disagreements.join("\n"));
    }
}
