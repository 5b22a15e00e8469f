//! The worker runtime against our listener with faults injected: the listener restarted
//! mid-task, and the connection cut while a result is being sent. Results arrive exactly once.

use rxon_core::json::Value;
use rxon_core::listener::{Action, Context, Handler, HandlerError, Listener, ListenerOptions};
use rxon_core::models::{Message, SkillInfo, TaskResult};
use rxon_core::worker::{Worker, WorkerConfig, WorkerState};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// An orchestrator that hands out queued tasks and accepts each task's result once; a repeat
/// is answered `ignored` (stale), as avtomatika does.
#[derive(Default)]
struct Orchestrator {
    tasks: Mutex<Vec<Value>>,
    accepted: Mutex<HashMap<String, TaskResult>>,
    attempts: Mutex<Vec<TaskResult>>,
    registrations: Mutex<usize>,
}

#[async_trait::async_trait]
impl Handler for Orchestrator {
    async fn handle(&self, action: Action, payload: Value, context: &Context) -> Result<Option<Value>, HandlerError> {
        match action {
            Action::Register => {
                *self.registrations.lock().unwrap() += 1;
                Ok(None)
            }
            Action::Poll => {
                let next = self.tasks.lock().unwrap().pop();
                if next.is_none() {
                    tokio::time::sleep(Duration::from_secs_f64(context.poll_timeout.unwrap_or(0.0).min(0.2))).await;
                }
                Ok(next)
            }
            Action::Result => {
                let result = TaskResult::from_value(&payload).map_err(|e| HandlerError::InvalidValue(e.to_string()))?;
                self.attempts.lock().unwrap().push(result.clone());
                let mut accepted = self.accepted.lock().unwrap();
                if accepted.contains_key(&result.task_id) {
                    return Ok(Some(rxon_core::json!({"status": "ignored", "reason": "stale_task"})));
                }
                accepted.insert(result.task_id.clone(), result);
                Ok(None)
            }
            _ => Ok(None),
        }
    }
}

fn config(url: &str) -> WorkerConfig {
    let mut config = WorkerConfig::new(url, "w-faults", "master", vec![SkillInfo::named("echo")]);
    config.poll_timeout = Duration::from_millis(200);
    config.heartbeat_interval = Duration::from_millis(200);
    config.heartbeat_cooldown = Duration::from_millis(200);
    config.initial_backoff = Duration::from_millis(50);
    config.max_backoff = Duration::from_millis(400);
    config
}

fn task(id: &str) -> Value {
    rxon_core::json!({"job_id": "j", "task_id": id, "type": "echo", "params": {"v": id}})
}

async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..500 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_restart_mid_task_loses_nothing() {
    let orchestrator = Arc::new(Orchestrator::default());
    orchestrator.tasks.lock().unwrap().push(task("t1"));
    let first = Listener::bind("127.0.0.1:0", ListenerOptions::default()).await.unwrap();
    first.set_handler(orchestrator.clone());
    let addr = first.local_addr();
    let worker = Worker::start(config(&format!("http://{addr}"))).unwrap();
    let handle = tokio::time::timeout(Duration::from_secs(10), worker.next_task())
        .await
        .unwrap()
        .unwrap();

    // The orchestrator goes away while the task runs, and comes back on the same address.
    first.shutdown(Duration::from_secs(1)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let second = Listener::bind(&addr.to_string(), ListenerOptions::default())
        .await
        .unwrap();
    second.set_handler(orchestrator.clone());
    handle
        .complete(rxon_core::json!({"v": "t1"}).as_object().cloned().unwrap())
        .unwrap();

    eventually("the result", || {
        orchestrator.accepted.lock().unwrap().contains_key("t1")
    })
    .await;
    eventually("a new registration", || {
        *orchestrator.registrations.lock().unwrap() >= 2
    })
    .await;
    let accepted = orchestrator.accepted.lock().unwrap()["t1"].clone();
    assert_eq!(accepted.data.unwrap()["v"], "t1");
    assert_eq!(
        accepted.security.and_then(|s| s.signer_id).as_deref(),
        Some("w-faults"),
        "results are signed"
    );
    worker.drain().await;
    assert_eq!(worker.state(), WorkerState::Stopped);
    assert_eq!(orchestrator.accepted.lock().unwrap().len(), 1);
    second.shutdown(Duration::from_secs(1)).await;
}

/// A TCP proxy that, once armed, forwards the next result request and then cuts the
/// connection before the answer comes back.
async fn cutting_proxy(upstream: std::net::SocketAddr, armed: Arc<AtomicBool>) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let armed = armed.clone();
            tokio::spawn(async move {
                let Ok(mut server) = TcpStream::connect(upstream).await else {
                    return;
                };
                let (mut client_read, mut client_write) = client.split();
                let (mut server_read, mut server_write) = server.split();
                let mut up = [0u8; 16384];
                let mut down = [0u8; 16384];
                loop {
                    tokio::select! {
                        read = client_read.read(&mut up) => {
                            let Ok(n) = read else { return };
                            if n == 0 || server_write.write_all(&up[..n]).await.is_err() {
                                return;
                            }
                            let is_result = up[..n].windows(26).any(|w| w == b"POST /_worker/tasks/result");
                            if is_result && armed.swap(false, Ordering::SeqCst) {
                                // Let the orchestrator take it, then lose the answer.
                                tokio::time::sleep(Duration::from_millis(200)).await;
                                return;
                            }
                        }
                        read = server_read.read(&mut down) => {
                            let Ok(n) = read else { return };
                            if n == 0 || client_write.write_all(&down[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_cut_while_sending_the_result_delivers_it_once() {
    let orchestrator = Arc::new(Orchestrator::default());
    orchestrator.tasks.lock().unwrap().push(task("t2"));
    let listener = Listener::bind("127.0.0.1:0", ListenerOptions::default()).await.unwrap();
    listener.set_handler(orchestrator.clone());
    let armed = Arc::new(AtomicBool::new(true));
    let proxy = cutting_proxy(listener.local_addr(), armed.clone()).await;
    let worker = Worker::start(config(&format!("http://{proxy}"))).unwrap();
    let handle = tokio::time::timeout(Duration::from_secs(10), worker.next_task())
        .await
        .unwrap()
        .unwrap();
    handle
        .complete(rxon_core::json!({"v": "t2"}).as_object().cloned().unwrap())
        .unwrap();

    eventually("a retried result", || orchestrator.attempts.lock().unwrap().len() >= 2).await;
    assert!(!armed.load(Ordering::SeqCst), "the cut happened");
    // Each try is stamped and signed anew: tries in different seconds never share a signature
    // (avtomatika refuses a repeated signature; the runtime's own retries are ≥ 1 s apart).
    let attempts = orchestrator.attempts.lock().unwrap().clone();
    for pair in attempts.windows(2) {
        let stamp = |r: &TaskResult| (r.timestamp, r.security.clone().and_then(|s| s.signature));
        let (a, b) = (stamp(&pair[0]), stamp(&pair[1]));
        assert!(a.1.is_some() && b.1.is_some(), "every try is signed");
        assert!(
            a.0 == b.0 || a.1 != b.1,
            "a later second means a new signature: {a:?} {b:?}"
        );
    }
    assert_eq!(orchestrator.accepted.lock().unwrap().len(), 1, "accepted exactly once");
    worker.shutdown(Duration::from_secs(1)).await;
    listener.shutdown(Duration::from_secs(1)).await;
}
