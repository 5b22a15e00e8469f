//! Shared by the loopback and interoperability tests: a small recording engine and helpers.
#![allow(dead_code)]

use rxon_core::json::Value;
use rxon_core::listener::{Action, Context, Handler, HandlerError, Listener, ListenerOptions, SessionEvent};
use rxon_core::models::{Heartbeat, TaskResult, WorkerEventPayload};
use rxon_core::transport::{HttpTransport, ResultOutcome, Transport, TransportOptions};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A small engine that records every call and answers by simple rules.
#[derive(Default)]
pub struct Engine {
    pub calls: Mutex<Vec<(Action, Value, Context)>>,
    pub sessions: Mutex<Vec<(String, SessionEvent)>>,
    pub tasks: Mutex<Vec<Value>>,
}

impl Engine {
    pub fn calls(&self, action: Action) -> Vec<(Value, Context)> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .filter(|(a, _, _)| *a == action)
            .map(|(_, v, c)| (v.clone(), c.clone()))
            .collect()
    }
}

#[async_trait::async_trait]
impl Handler for Engine {
    async fn handle(&self, action: Action, payload: Value, context: &Context) -> Result<Option<Value>, HandlerError> {
        self.calls
            .lock()
            .unwrap()
            .push((action, payload.clone(), context.clone()));
        let token = context.token.as_deref().unwrap_or("");
        if token == "expired" && !matches!(action, Action::StsToken | Action::StsRefresh) {
            return Err(HandlerError::Http {
                status: 401,
                message: "token expired".into(),
            });
        }
        match action {
            Action::WebsocketAuth if token == "denied" => {
                Err(HandlerError::PermissionDenied("no socket for you".into()))
            }
            Action::Poll => {
                let task = self.tasks.lock().unwrap().pop();
                match task {
                    Some(task) => Ok(Some(task)),
                    None => {
                        let wait = context.poll_timeout.unwrap_or(0.0).min(2.0);
                        tokio::time::sleep(Duration::from_secs_f64(wait)).await;
                        Ok(None)
                    }
                }
            }
            Action::Result if payload["job_id"] == "busy" => Err(HandlerError::RateLimited {
                message: "slow down".into(),
                code: Some("QUOTA".into()),
                retry_after: Some(7),
            }),
            Action::Result if payload["job_id"] == "late" => Ok(Some(
                rxon_core::json!({"status": "ignored", "reason": "deadline_exceeded"}),
            )),
            Action::Result if payload["job_id"] == "slow" => {
                tokio::time::sleep(Duration::from_secs(2)).await;
                Ok(None)
            }
            Action::Result if payload["job_id"] == "bad" => Err(HandlerError::InvalidValue("unknown job".into())),
            Action::Heartbeat => Ok(Some(
                rxon_core::json!({"status": "ok", "require_full_sync": true, "cancel_task_ids": ["t9"]}),
            )),
            Action::StsToken => Ok(Some(
                rxon_core::json!({"access_token": "sts-1", "expires_in": 60, "worker_id": "w1", "refresh_token": "r1"}),
            )),
            Action::StsRefresh => Ok(Some(
                rxon_core::json!({"access_token": "sts-2", "expires_in": 60, "worker_id": "w1"}),
            )),
            _ => Ok(None),
        }
    }

    async fn on_session(&self, worker_id: &str, event: SessionEvent, _context: &Context) {
        self.sessions.lock().unwrap().push((worker_id.to_string(), event));
    }
}

pub async fn listener(options: ListenerOptions) -> (Listener, Arc<Engine>) {
    let listener = Listener::bind("127.0.0.1:0", options).await.expect("bind");
    let engine = Arc::new(Engine::default());
    listener.set_handler(engine.clone());
    (listener, engine)
}

pub fn fast_options() -> TransportOptions {
    TransportOptions {
        result_retry_delay: Duration::from_millis(10),
        ws_backoff_initial: Duration::from_millis(50),
        ws_backoff_max: Duration::from_millis(200),
        request_timeout: Duration::from_secs(5),
        ..TransportOptions::default()
    }
}

pub fn transport(listener: &Listener, token: &str) -> HttpTransport {
    HttpTransport::new(
        &format!("http://{}", listener.local_addr()),
        "w1",
        token,
        fast_options(),
    )
    .expect("transport")
}

pub fn task(task_id: &str) -> Value {
    rxon_core::json!({"job_id": "j1", "task_id": task_id, "type": "echo", "params": {"x": 1}, "priority": 2.5})
}

/// An `idle` heartbeat of worker `w1`.
pub fn idle_heartbeat() -> Heartbeat {
    Heartbeat {
        worker_id: "w1".into(),
        status: "idle".into(),
        ..Default::default()
    }
}

/// A progress event of worker `w1`.
pub fn progress_event(event_id: &str) -> WorkerEventPayload {
    WorkerEventPayload {
        event_id: event_id.into(),
        worker_id: "w1".into(),
        origin_worker_id: "w1".into(),
        event_type: "progress".into(),
        ..Default::default()
    }
}

/// Sends result `t1` of job `j1` (accepted) and the same for job `late`, which both test
/// orchestrators ignore as `deadline_exceeded`; returns the first result.
pub async fn results_accepted_then_late_ignored(worker: &HttpTransport) -> TaskResult {
    let result = TaskResult {
        job_id: "j1".into(),
        task_id: "t1".into(),
        worker_id: Some("w1".into()),
        ..Default::default()
    };
    assert_eq!(worker.send_result(&result).await.unwrap(), ResultOutcome::Accepted);
    let late = TaskResult {
        job_id: "late".into(),
        ..result.clone()
    };
    assert_eq!(
        worker.send_result(&late).await.unwrap(),
        ResultOutcome::Ignored {
            reason: Some("deadline_exceeded".into())
        }
    );
    result
}
