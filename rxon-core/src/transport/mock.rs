//! An in-memory transport for testing workers without an orchestrator: push tasks and
//! commands in, read what the worker registered, heartbeated, sent and emitted.

use super::{CommandStream, HeartbeatAnswer, ResultOutcome, Transport};
use crate::error::Result;
use crate::json::Value;
use crate::models::{
    Heartbeat, Received, TaskPayload, TaskResult, TokenResponse, WorkerCommand, WorkerEventPayload, WorkerRegistration,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{Mutex as AsyncMutex, Notify, mpsc};

#[derive(Default)]
struct Recorded {
    registered: Vec<WorkerRegistration>,
    heartbeats: Vec<Heartbeat>,
    results: Vec<TaskResult>,
    emitted_events: Vec<WorkerEventPayload>,
    token: String,
    heartbeat_answers: std::collections::VecDeque<Value>,
}

/// The mock transport (scheme `mock://`).
pub struct MockTransport {
    worker_id: String,
    connected: Arc<AtomicBool>,
    recorded: Mutex<Recorded>,
    tasks_in: mpsc::UnboundedSender<Received<TaskPayload>>,
    tasks_out: AsyncMutex<mpsc::UnboundedReceiver<Received<TaskPayload>>>,
    commands_in: mpsc::UnboundedSender<WorkerCommand>,
    commands_out: Arc<AsyncMutex<mpsc::UnboundedReceiver<WorkerCommand>>>,
    /// Told on `close`, so a command stream waiting for its next command ends.
    closed: Arc<Notify>,
}

impl MockTransport {
    /// A mock for `worker_id`, holding `token`.
    pub fn new(worker_id: &str, token: &str) -> Self {
        let (tasks_in, tasks_out) = mpsc::unbounded_channel();
        let (commands_in, commands_out) = mpsc::unbounded_channel();
        MockTransport {
            worker_id: worker_id.to_string(),
            connected: Arc::new(AtomicBool::new(false)),
            recorded: Mutex::new(Recorded {
                token: token.to_string(),
                ..Recorded::default()
            }),
            tasks_in,
            tasks_out: AsyncMutex::new(tasks_out),
            commands_in,
            commands_out: Arc::new(AsyncMutex::new(commands_out)),
            closed: Arc::new(Notify::new()),
        }
    }

    fn recorded(&self) -> MutexGuard<'_, Recorded> {
        self.recorded.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues a task for the next `poll_task`, as if it arrived encoded canonically.
    pub fn push_task(&self, task: TaskPayload) {
        match Received::from_message(task) {
            // The receiver lives as long as `self`.
            Ok(task) => drop(self.tasks_in.send(task)),
            Err(err) => tracing::error!(%err, "mock task not encodable"),
        }
    }

    /// Queues a task for the next `poll_task` as these exact members (decoding errors are the
    /// reference's).
    pub fn push_task_wire(&self, wire: Value) -> Result<()> {
        let _ = self.tasks_in.send(Received::decode(wire)?);
        Ok(())
    }

    /// Queues the answer to a coming heartbeat (`{"status": "ok"}` when none is queued), e.g.
    /// `{"cancel_task_ids": ["t1"]}` or `{"require_full_sync": true}`.
    pub fn push_heartbeat_answer(&self, answer: Value) {
        self.recorded().heartbeat_answers.push_back(answer);
    }

    /// Queues a command for the command stream.
    pub fn push_command(&self, command: WorkerCommand) {
        let _ = self.commands_in.send(command);
    }

    /// Whether `connect` was called (and `close` not since).
    pub fn is_connected(&self) -> bool {
        self.connected.load(Ordering::SeqCst)
    }

    /// Every registration sent.
    pub fn registered(&self) -> Vec<WorkerRegistration> {
        self.recorded().registered.clone()
    }

    /// Every heartbeat sent.
    pub fn heartbeats(&self) -> Vec<Heartbeat> {
        self.recorded().heartbeats.clone()
    }

    /// Every result sent.
    pub fn results(&self) -> Vec<TaskResult> {
        self.recorded().results.clone()
    }

    /// Every event emitted.
    pub fn emitted_events(&self) -> Vec<WorkerEventPayload> {
        self.recorded().emitted_events.clone()
    }

    /// The current token (`refreshed-mock-token` after a refresh).
    pub fn token(&self) -> String {
        self.recorded().token.clone()
    }
}

struct MockCommands {
    connected: Arc<AtomicBool>,
    queue: Arc<AsyncMutex<mpsc::UnboundedReceiver<WorkerCommand>>>,
    closed: Arc<Notify>,
}

#[async_trait::async_trait]
impl CommandStream for MockCommands {
    async fn next(&mut self) -> Option<WorkerCommand> {
        // Listening for `close` before looking, so a close in between is not missed.
        let closed = self.closed.notified();
        tokio::pin!(closed);
        closed.as_mut().enable();
        if !self.connected.load(Ordering::SeqCst) {
            return None;
        }
        let mut queue = self.queue.lock().await;
        tokio::select! {
            command = queue.recv() => command,
            () = closed => None,
        }
    }
}

#[async_trait::async_trait]
impl Transport for MockTransport {
    async fn connect(&self) -> Result<()> {
        self.connected.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn close(&self) {
        self.connected.store(false, Ordering::SeqCst);
        self.closed.notify_waiters();
    }

    async fn register(&self, registration: &WorkerRegistration) -> Result<Value> {
        self.recorded().registered.push(registration.clone());
        Ok(crate::json!({"status": "registered", "worker_id": self.worker_id}))
    }

    async fn poll_task(
        &self,
        timeout: Duration,
        _available: Option<&[String]>,
        _hot: Option<&[String]>,
    ) -> Result<Option<Received<TaskPayload>>> {
        let mut queue = self.tasks_out.lock().await;
        Ok(tokio::time::timeout(timeout, queue.recv()).await.ok().flatten())
    }

    async fn send_result(&self, result: &TaskResult) -> Result<ResultOutcome> {
        self.recorded().results.push(result.clone());
        Ok(ResultOutcome::Accepted)
    }

    async fn send_heartbeat(&self, heartbeat: &Heartbeat) -> Result<HeartbeatAnswer> {
        let mut recorded = self.recorded();
        recorded.heartbeats.push(heartbeat.clone());
        let answer = recorded
            .heartbeat_answers
            .pop_front()
            .unwrap_or_else(|| crate::json!({"status": "ok"}));
        Ok(HeartbeatAnswer::from_value(answer))
    }

    async fn emit_event(&self, event: &WorkerEventPayload) -> bool {
        self.recorded().emitted_events.push(event.clone());
        true
    }

    async fn refresh_token(&self) -> Option<TokenResponse> {
        let token = "refreshed-mock-token".to_string();
        self.recorded().token = token.clone();
        Some(TokenResponse {
            access_token: token,
            expires_in: 3600,
            worker_id: self.worker_id.clone(),
            ..Default::default()
        })
    }

    fn commands(&self, _reconnect: bool) -> Box<dyn CommandStream> {
        Box::new(MockCommands {
            connected: self.connected.clone(),
            queue: self.commands_out.clone(),
            closed: self.closed.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn records_and_replays() {
        let mock = MockTransport::new("w", "t");
        mock.connect().await.unwrap();
        mock.push_task(TaskPayload {
            job_id: "j".into(),
            task_id: "t1".into(),
            type_: "echo".into(),
            ..Default::default()
        });
        let task = mock.poll_task(Duration::from_millis(10), None, None).await.unwrap();
        assert_eq!(task.map(|t| t.into_message().task_id), Some("t1".to_string()));
        assert_eq!(
            mock.poll_task(Duration::from_millis(10), None, None).await.unwrap(),
            None
        );
        mock.push_command(WorkerCommand {
            command: "cancel_task".into(),
            ..Default::default()
        });
        let mut commands = mock.commands(true);
        assert_eq!(
            commands.next().await.map(|c| c.command),
            Some("cancel_task".to_string())
        );
        mock.send_result(&TaskResult::default()).await.unwrap();
        assert_eq!(mock.results().len(), 1);
        assert_eq!(mock.refresh_token().await.map(|t| t.access_token), Some(mock.token()));
    }

    #[tokio::test]
    async fn a_waiting_command_stream_ends_when_the_transport_closes() {
        let mock = Arc::new(MockTransport::new("w", "t"));
        mock.connect().await.unwrap();
        let mut commands = mock.commands(true);
        let waiting = tokio::spawn(async move { commands.next().await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        mock.close().await;
        let ended = tokio::time::timeout(Duration::from_secs(5), waiting).await;
        assert_eq!(ended.map(|r| r.ok().flatten()), Ok(None));
    }
}
