//! The worker runtime against the mock transport: contracts, signatures, deadlines,
//! cancellation, capacity and priority, dropped handles, drain.

use rxon_core::json::Object;
use rxon_core::models::*;
use rxon_core::security::sign_payload;
use rxon_core::transport::MAX_SERVER_DELAY;
use rxon_core::transport::{MockTransport, Transport};
use rxon_core::worker::{Worker, WorkerConfig, WorkerState};
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, Mutex};
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
    let worker = Worker::with_transport(config, mock.clone()).unwrap();
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
    assert_eq!((result.status(), result.worker_id.as_deref()), ("success", Some("w1")));
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
        last.usage.is_some_and(|u| u.ram_used_gb() > 0.0),
        "heartbeats carry RAM read from the OS"
    );
    assert!(!mock.is_connected());
}

/// A task as avtomatika sends it: `"priority": 0` (an int on a float member) and `"step": 0`
/// on the wire, `sig` an HMAC over exactly those members without `sig` and
/// `orchestrator_signature`.
fn signed_as_avtomatika_does(task_id: &str, x: i64) -> rxon_core::json::Value {
    let mut wire = rxon_core::json!({
        "job_id": "job", "task_id": task_id, "type": "echo", "params": {"x": x},
        "priority": 0, "step": 0, "timestamp": now(), "security": {"signer_id": "orchestrator"}
    });
    let sig = sign_payload(&wire, "orchestrator-secret", &["sig", "orchestrator_signature"]).unwrap();
    if let Some(members) = wire.as_object_mut() {
        members.insert("sig", sig);
    }
    wire
}

#[tokio::test]
async fn verifies_a_task_signature_over_the_members_as_they_arrived() {
    let mut config = config();
    config.task_secret = Some("orchestrator-secret".into());
    let (worker, mock) = started(config).await;
    let mut tampered = signed_as_avtomatika_does("tampered", 1);
    if let Some(params) = tampered
        .as_object_mut()
        .and_then(|t| t.get_mut("params"))
        .and_then(|p| p.as_object_mut())
    {
        params.insert("x", 2i64);
    }
    mock.push_task_wire(tampered).unwrap();
    let refused = results(&mock, 1).await.remove(0);
    assert_eq!(
        refused.error.map(|e| (e.code, e.message)),
        Some(("SECURITY_ERROR".into(), "Task signature is missing or invalid".into()))
    );
    mock.push_task_wire(signed_as_avtomatika_does("as-sent", 1)).unwrap();
    let handle = tokio::time::timeout(Duration::from_secs(5), worker.next_task())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        handle.payload().task_id,
        "as-sent",
        "the orchestrator's signature verifies"
    );
    assert_eq!(handle.payload().priority, Some(0.0), "priority 0 arrived and is kept");
    handle.complete(handle.params()).unwrap();
    assert_eq!(results(&mock, 2).await[1].status(), "success");
    worker.shutdown(Duration::from_secs(1)).await;
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
    assert_eq!(results(&mock, 1).await[0].status(), "cancelled");

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
        priority: Some(1.0),
        ..task("low", serde_json::json!({"x": 1}))
    };
    let high = TaskPayload {
        priority: Some(5.0),
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

#[tokio::test]
async fn heartbeat_answers_cancel_tasks_and_ask_for_a_full_sync() {
    let (worker, mock) = started(config()).await;
    mock.push_task(task("hb", serde_json::json!({"x": 1})));
    let handle = tokio::time::timeout(Duration::from_secs(5), worker.next_task())
        .await
        .unwrap()
        .unwrap();
    mock.push_heartbeat_answer(rxon_core::json!({"cancel_task_ids": ["hb"], "require_full_sync": true}));
    tokio::time::timeout(Duration::from_secs(5), handle.cancelled())
        .await
        .expect("cancelled by a heartbeat answer");
    for _ in 0..250 {
        if mock.registered().len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(mock.registered().len() >= 2, "a full sync registers again");
    handle
        .complete(rxon_core::json!({"x": 1}).as_object().cloned().unwrap())
        .unwrap();
    assert_eq!(results(&mock, 1).await[0].status(), "cancelled");
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn output_statuses_are_part_of_the_contract() {
    let mut config = config();
    config.skills[0].output_statuses = Some(vec!["success".into(), "needs_review".into()]);
    let (worker, mock) = started(config).await;
    for id in ["review", "bogus"] {
        mock.push_task(task(id, serde_json::json!({"x": 1})));
        let handle = tokio::time::timeout(Duration::from_secs(5), worker.next_task())
            .await
            .unwrap()
            .unwrap();
        let status = if id == "review" { "needs_review" } else { "made_up" };
        handle
            .complete_with_status(status, rxon_core::json!({"x": 1}).as_object().cloned().unwrap())
            .unwrap();
    }
    let results = results(&mock, 2).await;
    assert_eq!(results[0].status(), "needs_review");
    assert_eq!(
        results[1].error.as_ref().map(|e| e.code.as_str()),
        Some("CONTRACT_VIOLATION_ERROR")
    );
    worker.shutdown(Duration::from_secs(1)).await;
}

/// A transport whose first registrations fail, and whose first polls and results are answered
/// 429 with a `Retry-After` of `retry_after` seconds, for tests on tokio's paused clock.
struct Faulty {
    inner: MockTransport,
    failures: AtomicUsize,
    attempts: Mutex<Vec<tokio::time::Instant>>,
    rate_limited_polls: AtomicUsize,
    rate_limited_results: AtomicUsize,
    retry_after: f64,
}

impl Faulty {
    fn new() -> Self {
        Faulty {
            inner: MockTransport::new("w1", "secret"),
            failures: AtomicUsize::new(0),
            attempts: Mutex::new(Vec::new()),
            rate_limited_polls: AtomicUsize::new(0),
            rate_limited_results: AtomicUsize::new(0),
            retry_after: 0.0,
        }
    }

    fn rate_limited(&self, left: &AtomicUsize) -> rxon_core::Result<()> {
        if left.fetch_update(SeqCst, SeqCst, |n| n.checked_sub(1)).is_ok() {
            return Err(rxon_core::RxonError::rate_limit(
                "slow down",
                Some(self.retry_after),
                None,
            ));
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Transport for Faulty {
    async fn connect(&self) -> rxon_core::Result<()> {
        self.inner.connect().await
    }
    async fn close(&self) {
        self.inner.close().await
    }
    async fn register(&self, registration: &WorkerRegistration) -> rxon_core::Result<rxon_core::json::Value> {
        self.attempts.lock().unwrap().push(tokio::time::Instant::now());
        if self.failures.fetch_update(SeqCst, SeqCst, |n| n.checked_sub(1)).is_ok() {
            return Err(rxon_core::RxonError::network("connection refused"));
        }
        self.inner.register(registration).await
    }
    async fn poll_task(
        &self,
        t: Duration,
        a: Option<&[String]>,
        h: Option<&[String]>,
    ) -> rxon_core::Result<Option<Received<TaskPayload>>> {
        self.rate_limited(&self.rate_limited_polls)?;
        self.inner.poll_task(t, a, h).await
    }
    async fn send_result(&self, r: &TaskResult) -> rxon_core::Result<rxon_core::transport::ResultOutcome> {
        self.rate_limited(&self.rate_limited_results)?;
        self.inner.send_result(r).await
    }
    async fn send_heartbeat(&self, h: &Heartbeat) -> rxon_core::Result<rxon_core::transport::HeartbeatAnswer> {
        self.inner.send_heartbeat(h).await
    }
    async fn emit_event(&self, e: &WorkerEventPayload) -> bool {
        self.inner.emit_event(e).await
    }
    async fn refresh_token(&self) -> Option<TokenResponse> {
        self.inner.refresh_token().await
    }
    fn commands(&self, reconnect: bool) -> Box<dyn rxon_core::transport::CommandStream> {
        self.inner.commands(reconnect)
    }
}

#[tokio::test(start_paused = true)]
async fn registration_backs_off_exponentially_with_jitter_and_a_cap() {
    let mut config = config();
    config.initial_backoff = Duration::from_secs(1);
    config.max_backoff = Duration::from_secs(4);
    let transport = Arc::new(Faulty {
        failures: AtomicUsize::new(5),
        ..Faulty::new()
    });
    let worker = Worker::with_transport(config, transport.clone()).unwrap();
    let mut state = worker.state_changes();
    state.wait_for(|s| *s == WorkerState::Running).await.unwrap();
    let attempts = transport.attempts.lock().unwrap().clone();
    assert_eq!(attempts.len(), 6, "five failures, then success");
    let waits: Vec<f64> = attempts.windows(2).map(|w| (w[1] - w[0]).as_secs_f64()).collect();
    // 1, 2, 4, 4, 4 seconds (capped), each within ±25 % jitter.
    for (wait, nominal) in waits.iter().zip([1.0, 2.0, 4.0, 4.0, 4.0]) {
        assert!(
            (nominal * 0.75..=nominal * 1.25).contains(wait),
            "waited {wait} s for a nominal {nominal} s: {waits:?}"
        );
    }
    worker.shutdown(Duration::from_secs(1)).await;
}

/// A `Retry-After` of `inf`, `1e30` or `NaN` (from a misbehaving proxy) costs at most one
/// bounded wait: the worker polls again and delivers its result.
#[tokio::test(start_paused = true)]
async fn hostile_retry_after_values_cost_one_bounded_wait() {
    for retry_after in [f64::INFINITY, 1e30, f64::MAX, f64::NAN, -5.0] {
        let transport = Arc::new(Faulty {
            rate_limited_polls: AtomicUsize::new(1),
            rate_limited_results: AtomicUsize::new(1),
            retry_after,
            ..Faulty::new()
        });
        let worker = Worker::with_transport(config(), transport.clone()).unwrap();
        transport
            .inner
            .push_task(task("after-429", serde_json::json!({"x": 1})));
        let bound = MAX_SERVER_DELAY * 3;
        let handle = tokio::time::timeout(bound, worker.next_task())
            .await
            .unwrap_or_else(|_| panic!("Retry-After {retry_after}: the worker stopped polling"))
            .expect("a task");
        handle.complete(handle.params()).unwrap();
        let delivered = tokio::time::timeout(bound, async {
            while transport.inner.results().is_empty() {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        assert!(
            delivered.await.is_ok(),
            "Retry-After {retry_after}: the result was never delivered"
        );
        assert_eq!(worker.state(), WorkerState::Running);
        worker.shutdown(Duration::from_secs(1)).await;
    }
}

#[tokio::test(start_paused = true)]
async fn a_running_task_past_its_deadline_times_out_on_the_paused_clock() {
    let (worker, mock) = started(config()).await;
    let mut long = task("long", serde_json::json!({"x": 1}));
    long.deadline = Some(now() + 30);
    mock.push_task(long);
    let handle = worker.next_task().await.unwrap();
    // Thirty virtual seconds pass at once while the handle sits unfinished.
    tokio::time::sleep(Duration::from_secs(31)).await;
    let result = results(&mock, 1).await.remove(0);
    assert_eq!(result.error.map(|e| e.code).as_deref(), Some("TIMEOUT_ERROR"));
    assert!(handle.is_cancelled());
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn hot_skills_are_announced_and_contracts_can_stay_private() {
    let mut config = config();
    config.advertise_contracts = false;
    let (worker, mock) = started(config).await;
    let skill = &mock.registered()[0].supported_skills.clone().unwrap()[0];
    assert!(
        skill.input_schema.is_none() && skill.output_schema.is_none(),
        "contracts kept private"
    );
    worker.set_hot_skills(vec!["echo".into()]);
    for _ in 0..250 {
        if mock.heartbeats().last().and_then(|h| h.hot_skills.clone()) == Some(vec!["echo".to_string()]) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        mock.heartbeats().last().and_then(|h| h.hot_skills.clone()),
        Some(vec!["echo".to_string()])
    );
    // A private contract is still checked here.
    mock.push_task(task("bad", serde_json::json!({"y": 1})));
    assert_eq!(
        results(&mock, 1).await[0].error.as_ref().map(|e| e.code.as_str()),
        Some("INVALID_INPUT_ERROR")
    );
    worker.shutdown(Duration::from_secs(1)).await;
}

/// A poll already in flight when the worker drains may still bring a task: it is handed out
/// and runs, and `drain()` returns once its result is in.
#[tokio::test]
async fn a_task_polled_while_draining_is_still_handed_out() {
    let mut config = config();
    config.poll_timeout = Duration::from_secs(5);
    let (worker, mock) = started(config).await;
    let worker = Arc::new(worker);
    let runner = tokio::spawn({
        let worker = worker.clone();
        async move {
            let mut ran = Vec::new();
            while let Some(handle) = worker.next_task().await {
                ran.push(handle.payload().task_id.clone());
                let params = handle.params();
                handle.complete(params).unwrap();
            }
            ran
        }
    });
    let drained = tokio::spawn({
        let worker = worker.clone();
        async move { worker.drain().await }
    });
    // next_task has seen the worker draining with nothing queued, while the poll still waits.
    tokio::time::sleep(Duration::from_millis(100)).await;
    mock.push_task(task("late", serde_json::json!({"x": 1})));
    tokio::time::timeout(Duration::from_secs(3), drained)
        .await
        .expect("drain returns once the late task is reported")
        .unwrap();
    assert_eq!(runner.await.unwrap(), ["late"]);
    let result = mock.results().remove(0);
    assert_eq!((result.task_id.as_str(), result.status()), ("late", "success"));
}

#[tokio::test]
async fn delivered_results_are_not_kept() {
    let (worker, mock) = started(config()).await;
    for i in 0..50 {
        mock.push_task(task(&format!("t{i}"), serde_json::json!({"x": i})));
        let handle = worker.next_task().await.unwrap();
        let params = handle.params();
        handle.complete(params).unwrap();
    }
    results(&mock, 50).await;
    mock.push_task(task("last", serde_json::json!({"x": 0})));
    let handle = worker.next_task().await.unwrap();
    handle.complete(handle.params()).unwrap();
    results(&mock, 51).await;
    // Once the 51st result is handed over, the 50 delivered before it are gone.
    assert!(
        worker.undelivered_results().await <= 1,
        "{}",
        worker.undelivered_results().await
    );
    worker.drain().await;
}

#[tokio::test]
async fn an_empty_task_secret_is_refused_at_start() {
    let mut config = config();
    config.task_secret = Some(String::new());
    let mock = Arc::new(MockTransport::new("w1", "secret"));
    let err = Worker::with_transport(config.clone(), mock.clone())
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("task_secret is empty: give the orchestrator's secret key, or none to run unsigned tasks")
    );
    assert!(Worker::start(config).is_err());
    assert!(mock.registered().is_empty(), "nothing started");
}

/// A worker let go of while running shuts down: the task in hand still reports, nothing is
/// taken afterwards, the transport closes.
#[tokio::test]
async fn a_dropped_worker_shuts_down_and_takes_nothing_more() {
    let mut config = config();
    config.shutdown_grace = Duration::from_secs(2);
    let (worker, mock) = started(config).await;
    mock.push_task(task("in-hand", serde_json::json!({"x": 1})));
    let handle = tokio::time::timeout(Duration::from_secs(5), worker.next_task())
        .await
        .unwrap()
        .unwrap();
    drop(worker);
    handle.complete(handle.params()).unwrap();
    for _ in 0..250 {
        if !mock.is_connected() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!mock.is_connected(), "the dropped worker closed its transport");
    let reported = results(&mock, 1).await;
    assert_eq!(
        (reported[0].task_id.as_str(), reported[0].status()),
        ("in-hand", "success")
    );
    let heartbeats = mock.heartbeats().len();
    mock.push_task(task("after-drop", serde_json::json!({"x": 1})));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(mock.results().len(), 1, "nothing taken after the drop");
    assert_eq!(mock.heartbeats().len(), heartbeats, "no more heartbeats");
}

/// Tasks polled but never handed out are reported cancelled at once when the worker is dropped.
#[tokio::test]
async fn a_dropped_worker_cancels_the_tasks_nobody_took() {
    let (worker, mock) = started(config()).await;
    mock.push_task(task("queued", serde_json::json!({"x": 1})));
    for _ in 0..250 {
        if mock.heartbeats().last().is_some_and(|h| h.status == "busy") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        mock.heartbeats().last().is_some_and(|h| h.status == "busy"),
        "the task was taken"
    );
    drop(worker);
    let reported = results(&mock, 1).await;
    assert_eq!(
        (reported[0].task_id.as_str(), reported[0].status()),
        ("queued", "cancelled")
    );
}

#[tokio::test]
async fn a_task_whose_code_never_reports_is_reported_cancelled_and_does_not_hold_shutdown() {
    let (worker, mock) = started(config()).await;
    mock.push_task(task("stuck", serde_json::json!({"x": 1})));
    // Taken and kept, never reported: a handler that never settles.
    let handle = tokio::time::timeout(Duration::from_secs(5), worker.next_task())
        .await
        .unwrap()
        .unwrap();
    tokio::time::timeout(Duration::from_secs(5), worker.shutdown(Duration::from_millis(100)))
        .await
        .expect("shutdown returns: grace, cancel, grace again, then the runtime reports the task");
    assert!(handle.is_cancelled());
    let results = mock.results();
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(results[0].status.as_deref(), Some("cancelled"));
    assert!(
        handle.complete(Object::new()).is_err(),
        "its outcome was reported already"
    );
}

/// A stop waits for the result of every task that finished before it: with tasks completing
/// as fast as they come, each one completed before `shutdown` has its result delivered when
/// `shutdown` returns, and nothing is left in the outbox.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_result_reported_before_a_stop_is_delivered_by_it() {
    let outboxes = std::env::temp_dir().join(format!("rxon-stop-race-{}", std::process::id()));
    for round in 0..20 {
        let mut config = config();
        config.max_concurrent_tasks = 64;
        config.concurrent_polls = 8;
        config.outbox_dir = Some(outboxes.join(round.to_string()));
        let (worker, mock) = started(config).await;
        for i in 0..2_000 {
            mock.push_task(task(&format!("t{i}"), serde_json::json!({"x": i})));
        }
        let worker = Arc::new(worker);
        let completed = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let taker = {
            let (worker, completed) = (worker.clone(), completed.clone());
            tokio::spawn(async move {
                while let Some(handle) = worker.next_task().await {
                    if handle.complete(handle.params()).is_ok() {
                        completed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                }
            })
        };
        while completed.load(std::sync::atomic::Ordering::SeqCst) < 200 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        worker.shutdown(Duration::from_secs(5)).await;
        let delivered = mock.results().len();
        // The taker ends once the worker hands out nothing more; then its count is final.
        taker.await.unwrap();
        let done = completed.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(
            delivered, done,
            "round {round}: {done} completed, {delivered} delivered by the stop"
        );
        let left: Vec<_> = std::fs::read_dir(outboxes.join(round.to_string()))
            .map(|dir| dir.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        assert!(left.is_empty(), "round {round}: the outbox kept {left:?}");
    }
    let _ = std::fs::remove_dir_all(&outboxes);
}
