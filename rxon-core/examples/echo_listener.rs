//! An RXON orchestrator in a few lines: our listener with a small in-memory engine. Every
//! registration is accepted, every poll is answered at once with an `echo` task (or held until
//! its timeout with `--hold-polls`), results, heartbeats and events are acknowledged; with
//! `--token`, requests carrying another token are refused (403).
//!
//!     cargo run --release -p rxon-core --example echo_listener -- --bind 127.0.0.1:8080 [--token T] [--hold-polls]
//!
//! Runs until SIGINT or SIGTERM, then prints its counts as one JSON line.

use rxon_core::json::Value;
use rxon_core::listener::{Action, Context, Handler, HandlerError, Listener, ListenerOptions};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Default)]
struct EchoEngine {
    token: Option<String>,
    hold_polls: bool,
    next_task: AtomicU64,
    counts: [AtomicU64; 8],
}

#[async_trait::async_trait]
impl Handler for EchoEngine {
    async fn handle(&self, action: Action, payload: Value, context: &Context) -> Result<Option<Value>, HandlerError> {
        if let Some(expected) = &self.token
            && context.token.as_deref() != Some(expected.as_str())
        {
            return Err(HandlerError::PermissionDenied("invalid worker token".into()));
        }
        self.counts[action.index()].fetch_add(1, Ordering::Relaxed);
        match action {
            Action::Poll if self.hold_polls => {
                tokio::time::sleep(Duration::from_secs_f64(
                    context.poll_timeout.unwrap_or(0.0).clamp(0.0, 300.0),
                ))
                .await;
                Ok(None)
            }
            Action::Poll => {
                let n = self.next_task.fetch_add(1, Ordering::Relaxed);
                let worker = payload.as_str().unwrap_or("worker");
                Ok(Some(rxon_core::json!({
                    "job_id": format!("job-{worker}-{n}"),
                    "task_id": format!("task-{n}"),
                    "type": "echo",
                    "params": {"n": n},
                })))
            }
            Action::StsToken | Action::StsRefresh => Ok(Some(rxon_core::json!({
                "access_token": context.token.clone().unwrap_or_default(),
                "expires_in": 3600,
                "worker_id": context.worker_id_hint.clone().unwrap_or_default(),
            }))),
            _ => Ok(None),
        }
    }
}

fn usage() -> ! {
    eprintln!("usage: echo_listener --bind HOST:PORT [--token T] [--hold-polls]");
    std::process::exit(2);
}

async fn terminated() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(_) => return std::future::pending().await,
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (mut bind, mut engine) = (None, EchoEngine::default());
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--bind" => bind = args.next(),
            "--token" => engine.token = Some(args.next().unwrap_or_else(|| usage())),
            "--hold-polls" => engine.hold_polls = true,
            _ => usage(),
        }
    }
    let bind = bind.unwrap_or_else(|| usage());
    let listener = match Listener::bind(&bind, ListenerOptions::default()).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("echo_listener: {err}");
            std::process::exit(1);
        }
    };
    let engine = Arc::new(engine);
    listener.set_handler(engine.clone());
    println!("listening on {}", listener.local_addr());
    terminated().await;
    listener.shutdown(Duration::from_secs(5)).await;
    let counts: Vec<String> = Action::ALL
        .iter()
        .map(|a| format!("\"{}\":{}", a.name(), engine.counts[a.index()].load(Ordering::Relaxed)))
        .collect();
    println!("{{{}}}", counts.join(","));
}
