//! The worker runtime against the mock transport: contracts, signatures, deadlines,
//! cancellation, capacity and priority, dropped handles, drain.

use rxon_core::json::Object;
use rxon_core::models::*;
use rxon_core::security::sign_payload;
use rxon_core::transport::{MockTransport, Transport};
use rxon_core::worker::{Worker, WorkerConfig, WorkerState};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn config() -> WorkerConfig {
    let schema = rxon_core::json!({"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]});
    let skill = SkillInfo {
        input_schema: schema.as_object().cloned(),
        output_schema: rxon_core::json!({"type": "object", "required": ["x"]})
            .as_object()
            .cloned(),
        ..SkillInfo::named("echo")
    };
    let mut config = WorkerConfig::new("mock://", "w1", "secret", vec![skill]);
    config.poll_timeout = Duration::from_millis(50);
    config.heartbeat_interval = Duration::from_millis(100);
    config.heartbeat_cooldown = Duration::from_millis(100);
    config.initial_backoff = Duration::from_millis(20);
    config
}

fn task(id: &str, params: serde_json::Value) -> TaskPayload {
    TaskPayload {
        job_id: format!("job-{id}"),
        task_id: id.into(),
        type_: "echo".into(),
        params: rxon_core::json::Value::from(params).as_object().cloned(),
        ..Default::default()
    }
}

async fn started(config: WorkerConfig) -> (Worker, Arc<MockTransport>) {
    let mock = Arc::new(MockTransport::new("w1", "secret"));
    let worker = Worker::with_transport(config, mock.clone());
    let mut state = worker.state_changes();
    tokio::time::timeout(Duration::from_secs(5), state.wait_for(|s| *s == WorkerState::Running))
        .await
        .unwrap()
        .unwrap();
    (worker, mock)
}

async fn results(mock: &MockTransport, count: usize) -> Vec<TaskResult> {
    for _ in 0..250 {
        let results = mock.results();
        if results.len() >= count {
            return results;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("expected {count} results, got {:?}", mock.results());
}

#[tokio::test]
async fn registers_runs_and_reports() {
    let (worker, mock) = started(config()).await;
    let registered = mock.registered();
    assert_eq!(registered[0].worker_id, "w1");
    assert_eq!(
        registered[0].supported_skills.as_ref().map(|s| s[0].name.as_str()),
        Some("echo")
    );
    assert!(registered[0].skills_hash.is_some());

    mock.push_task(task("t1", serde_json::json!({"x": 1})));
    let handle = tokio::time::timeout(Duration::from_secs(5), worker.next_task())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(handle.payload().task_id, "t1");
    assert!(handle.progress(0.5, "halfway").await);
    let params = handle.params();
    handle.complete(params).unwrap();
    let result = results(&mock, 1).await.remove(0);
    assert_eq!(
        (result.status.as_str(), result.worker_id.as_deref()),
        ("success", Some("w1"))
    );
    assert_eq!(result.data.unwrap()["x"], 1);
    let progress = &mock.emitted_events()[0];
    assert_eq!(
        (progress.event_type.as_str(), progress.origin_task_id.as_deref()),
        ("progress", Some("t1"))
    );
    assert_eq!(progress.payload["progress"], 0.5);

    worker.drain().await;
    assert_eq!(worker.state(), WorkerState::Stopped);
    let last = mock.heartbeats().last().cloned().unwrap();
    assert_eq!(last.status, "draining");
    assert!(
        last.usage.is_some_and(|u| u.ram_used_gb > 0.0),
        "heartbeats carry RAM read from the OS"
    );
    assert!(!mock.is_connected());
}

#[tokio::test]
async fn refuses_bad_tasks_without_handing_them_out() {
    let mut config = config();
    config.task_secret = Some("orchestrator-secret".into());
    let (worker, mock) = started(config).await;

    let mut valid = task("ok", serde_json::json!({"x": 1}));
    valid.sig = Some(sign_payload(&valid, "orchestrator-secret", &["sig"]).unwrap());
    let mut invalid = task("bad-input", serde_json::json!({"y": 1}));
    invalid.sig = Some(sign_payload(&invalid, "orchestrator-secret", &["sig"]).unwrap());
    let mut forged = task("forged", serde_json::json!({"x": 1}));
    forged.sig = Some("00".repeat(32));
    let mut late = task("late", serde_json::json!({"x": 1}));
    late.deadline = Some(now() - 10);
    late.sig = Some(sign_payload(&late, "orchestrator-secret", &["sig"]).unwrap());
    let unknown = TaskPayload {
        type_: "nope".into(),
        ..valid.clone()
    };
    for t in [invalid, forged, late, unknown] {
        mock.push_task(t);
    }
    let errors: Vec<(String, String, String)> = results(&mock, 4)
        .await
        .into_iter()
        .map(|r| {
            let error = r.error.unwrap();
            (r.task_id, error.code, error.message)
        })
        .collect();
    assert_eq!(
        errors,
        [
            (
                "bad-input".to_string(),
                "INVALID_INPUT_ERROR".to_string(),
                "Missing required field: 'x'".to_string()
            ),
            (
                "forged".to_string(),
                "SECURITY_ERROR".to_string(),
                "Task signature is missing or invalid".to_string()
            ),
            (
                "late".to_string(),
                "TIMEOUT_ERROR".to_string(),
                "The task's deadline passed before it started".to_string()
            ),
            (
                "ok".to_string(),
                "PERMANENT_ERROR".to_string(),
                "Unknown skill: 'nope'".to_string()
            ),
        ]
    );
    mock.push_task(valid);
    let handle = tokio::time::timeout(Duration::from_secs(5), worker.next_task())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(handle.payload().task_id, "ok", "a correctly signed task runs");
    handle.complete(Object::new()).unwrap();
    let result = results(&mock, 5).await.remove(4);
    assert_eq!(
        result.error.map(|e| e.code).as_deref(),
        Some("CONTRACT_VIOLATION_ERROR"),
        "output must hold `x`"
    );
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn cancellation_and_deadlines() {
    let mut config = config();
    config.max_concurrent_tasks = 2;
    let (worker, mock) = started(config).await;
    mock.push_task(task("c", serde_json::json!({"x": 1})));
    let cancelled = tokio::time::timeout(Duration::from_secs(5), worker.next_task())
        .await
        .unwrap()
        .unwrap();
    mock.push_command(WorkerCommand {
        command: "cancel_task".into(),
        task_id: Some("c".into()),
        ..Default::default()
    });
    tokio::time::timeout(Duration::from_secs(5), cancelled.cancelled())
        .await
        .expect("the cancel command fires the signal");
    assert!(cancelled.is_cancelled());
    cancelled
        .complete(rxon_core::json!({"x": 1}).as_object().cloned().unwrap())
        .unwrap();
    assert_eq!(results(&mock, 1).await[0].status, "cancelled");

    let mut soon = task("soon", serde_json::json!({"x": 1}));
    soon.deadline = Some(now() + 1);
    mock.push_task(soon);
    let running = tokio::time::timeout(Duration::from_secs(5), worker.next_task())
        .await
        .unwrap()
        .unwrap();
    let result = results(&mock, 2).await.remove(1);
    assert_eq!(result.error.map(|e| e.code).as_deref(), Some("TIMEOUT_ERROR"));
    assert!(running.is_cancelled(), "the deadline cancels the running task");
    assert!(running.complete(Object::new()).is_err(), "a late outcome is refused");

    mock.push_task(task("dropped", serde_json::json!({"x": 1})));
    drop(
        tokio::time::timeout(Duration::from_secs(5), worker.next_task())
            .await
            .unwrap()
            .unwrap(),
    );
    let result = results(&mock, 3).await.remove(2);
    assert_eq!(result.error.map(|e| e.code).as_deref(), Some("INTERNAL_ERROR"));
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn capacity_bounds_polling_and_priority_orders_the_queue() {
    let mut config = config();
    config.max_concurrent_tasks = 2;
    let (worker, mock) = started(config).await;
    let low = TaskPayload {
        priority: 1.0,
        ..task("low", serde_json::json!({"x": 1}))
    };
    let high = TaskPayload {
        priority: 5.0,
        ..task("high", serde_json::json!({"x": 1}))
    };
    let third = task("third", serde_json::json!({"x": 1}));
    mock.push_task(low);
    mock.push_task(high);
    mock.push_task(third);
    // Both slots fill (the heartbeat after the load change lists two tasks) before any is taken.
    for _ in 0..250 {
        if mock
            .heartbeats()
            .last()
            .and_then(|h| h.current_tasks.clone())
            .is_some_and(|t| t.len() == 2)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let first = worker.next_task().await.unwrap();
    let second = worker.next_task().await.unwrap();
    assert_eq!(
        (first.payload().task_id.as_str(), second.payload().task_id.as_str()),
        ("high", "low")
    );
    // Two slots, both taken: the third task stays with the orchestrator.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), worker.next_task())
            .await
            .is_err()
    );
    first
        .complete(rxon_core::json!({"x": 1}).as_object().cloned().unwrap())
        .unwrap();
    let third = tokio::time::timeout(Duration::from_secs(5), worker.next_task())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(third.payload().task_id, "third");
    // Heartbeats carry the running tasks and the busy status.
    let mut busy = false;
    for _ in 0..250 {
        busy = mock
            .heartbeats()
            .last()
            .is_some_and(|h| h.status == "busy" && h.current_tasks.as_ref().map(Vec::len) == Some(2));
        if busy {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(busy, "{:?}", mock.heartbeats().last());
    second
        .complete(rxon_core::json!({"x": 2}).as_object().cloned().unwrap())
        .unwrap();
    third
        .complete(rxon_core::json!({"x": 3}).as_object().cloned().unwrap())
        .unwrap();
    worker.drain().await;
    assert_eq!(mock.results().len(), 3);
    let _ = mock.close().await;
}
