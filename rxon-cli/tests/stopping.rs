//! Stopping `rxon worker` is bounded, and results outlive the process: SIGTERM with the
//! orchestrator gone ends the worker within its grace, keeping the undelivered result in the
//! outbox; a second signal stops it at once (its command's process group killed); a worker
//! killed with SIGKILL while its result is on the wire delivers it at the next start, once.

mod common;

use common::KillOnDrop;
use rxon_core::json::Value;
use rxon_core::listener::{Action, Context, Handler, HandlerError, Listener, ListenerOptions};
use rxon_core::models::{Message, TaskResult};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One task to hand out; results accepted (counted) or held unanswered.
#[derive(Default)]
struct Engine {
    task: Mutex<Option<Value>>,
    hold_results: AtomicBool,
    held: AtomicUsize,
    accepted: Mutex<Vec<TaskResult>>,
}

#[async_trait::async_trait]
impl Handler for Engine {
    async fn handle(&self, action: Action, payload: Value, context: &Context) -> Result<Option<Value>, HandlerError> {
        match action {
            Action::Poll => {
                let next = self.task.lock().unwrap().take();
                if next.is_none() {
                    tokio::time::sleep(Duration::from_secs_f64(context.poll_timeout.unwrap_or(0.0).min(0.2))).await;
                }
                Ok(next)
            }
            Action::Result if self.hold_results.load(Ordering::SeqCst) => {
                // The result is on the wire and never answered (a proxy holding it).
                self.held.fetch_add(1, Ordering::SeqCst);
                std::future::pending().await
            }
            Action::Result => {
                let result = TaskResult::from_value(&payload).map_err(|e| HandlerError::InvalidValue(e.to_string()))?;
                self.accepted.lock().unwrap().push(result);
                Ok(None)
            }
            _ => Ok(None),
        }
    }
}

fn task() -> Value {
    Value::from(serde_json::json!({"job_id": "job-1", "task_id": "task-1", "type": "job", "params": {"n": 1}}))
}

async fn serve(addr: &str, engine: Arc<Engine>) -> Listener {
    let listener = Listener::bind(addr, ListenerOptions::default()).await.unwrap();
    listener.set_handler(engine);
    listener
}

fn worker(url: &str, outbox: &Path, grace: &str, command: &str) -> KillOnDrop {
    let child = Command::new(env!("CARGO_BIN_EXE_rxon"))
        .args([
            "worker",
            "--url",
            url,
            "--id",
            "stopping-worker",
            "--token",
            "secret",
            "--skill",
            "job",
        ])
        .args(["--grace-seconds", grace, "--heartbeat-seconds", "1", "--outbox"])
        .arg(outbox)
        .args(["--", "sh", "-c", command])
        .env_remove("RXON_TASK_SECRET")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start rxon worker");
    KillOnDrop(child)
}

async fn until(what: &str, within: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < within, "waited {within:?} for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn signal(child: &KillOnDrop, signal: nix::sys::signal::Signal) {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.0.id() as i32), signal).unwrap();
}

/// Waits for the process to exit; its status and how long it took.
async fn exited(child: &mut KillOnDrop, within: Duration) -> (std::process::ExitStatus, Duration) {
    let start = Instant::now();
    loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            return (status, start.elapsed());
        }
        assert!(start.elapsed() < within, "still running after {within:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Whether process `pid` runs (a zombie waiting to be reaped does not).
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command name, which is in parentheses.
        Ok(stat) => stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().next()) != Some("Z"),
        Err(_) => false,
    }
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rxon-stopping-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_the_orchestrator_gone_ends_within_the_grace_and_the_result_arrives_at_restart() {
    let engine = Arc::new(Engine::default());
    *engine.task.lock().unwrap() = Some(task());
    engine.hold_results.store(true, Ordering::SeqCst);
    let listener = serve("127.0.0.1:0", engine.clone()).await;
    let addr = listener.local_addr();
    let url = format!("http://{addr}");
    let outbox = scratch("gone");
    let mut first = worker(&url, &outbox, "2", "cat");
    until("the result on the wire", Duration::from_secs(20), || {
        engine.held.load(Ordering::SeqCst) > 0
    })
    .await;
    // The orchestrator goes away for good, then the worker is asked to stop.
    listener.shutdown(Duration::from_millis(100)).await;
    signal(&first, nix::sys::signal::Signal::SIGTERM);
    let (status, took) = exited(&mut first, Duration::from_secs(10)).await;
    assert!(status.success(), "{status:?}");
    assert!(
        took < Duration::from_millis(2_900),
        "stopped in {took:?}, the grace is 2 s"
    );

    // The orchestrator is back (same address); a new worker delivers the kept result once.
    let engine = Arc::new(Engine::default());
    let _listener = serve(&addr.to_string(), engine.clone()).await;
    let _second = worker(&url, &outbox, "2", "cat");
    until("the kept result", Duration::from_secs(20), || {
        !engine.accepted.lock().unwrap().is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let accepted = engine.accepted.lock().unwrap().clone();
    assert_eq!(accepted.len(), 1, "{accepted:?}");
    assert_eq!(
        (accepted[0].job_id.as_str(), accepted[0].task_id.as_str()),
        ("job-1", "task-1")
    );
    let _ = std::fs::remove_dir_all(&outbox);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_while_its_result_is_held_the_result_arrives_once_at_the_next_start() {
    let engine = Arc::new(Engine::default());
    *engine.task.lock().unwrap() = Some(task());
    engine.hold_results.store(true, Ordering::SeqCst);
    let listener = serve("127.0.0.1:0", engine.clone()).await;
    let url = format!("http://{}", listener.local_addr());
    let outbox = scratch("killed");
    let first = worker(&url, &outbox, "2", "cat");
    until("the result on the wire", Duration::from_secs(20), || {
        engine.held.load(Ordering::SeqCst) > 0
    })
    .await;
    signal(&first, nix::sys::signal::Signal::SIGKILL);
    drop(first);
    engine.hold_results.store(false, Ordering::SeqCst);
    let _second = worker(&url, &outbox, "2", "cat");
    until("the result", Duration::from_secs(20), || {
        !engine.accepted.lock().unwrap().is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(engine.accepted.lock().unwrap().len(), 1, "exactly once");
    let _ = std::fs::remove_dir_all(&outbox);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_signal_stops_at_once_and_ends_the_command() {
    let engine = Arc::new(Engine::default());
    *engine.task.lock().unwrap() = Some(task());
    let listener = serve("127.0.0.1:0", engine.clone()).await;
    let url = format!("http://{}", listener.local_addr());
    let outbox = scratch("second");
    let pid_file = outbox.with_extension("pid");
    let command = format!("echo $$ > {}; sleep 60", pid_file.display());
    let mut worker = worker(&url, &outbox, "30", &command);
    until("the command", Duration::from_secs(20), || pid_file.exists()).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    signal(&worker, nix::sys::signal::Signal::SIGTERM);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        worker.0.try_wait().unwrap().is_none(),
        "the first signal lets the task finish (grace 30 s)"
    );
    signal(&worker, nix::sys::signal::Signal::SIGINT);
    let (status, took) = exited(&mut worker, Duration::from_secs(5)).await;
    assert!(
        took < Duration::from_secs(2),
        "the second signal stopped it in {took:?}"
    );
    assert_eq!(status.code(), Some(128 + 2), "{status:?}");
    let pid: i32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
    until("the command's end", Duration::from_secs(5), || !alive(pid)).await;
    let _ = std::fs::remove_dir_all(&outbox);
    let _ = std::fs::remove_file(&pid_file);
}
