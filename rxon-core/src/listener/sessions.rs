//! Workers' command WebSockets: the engine pushes [`WorkerCommand`]s to a worker through
//! [`Sessions`]; frames the worker sends up are events for the handler.

use super::handler::{Action, Context, Handler, SessionEvent};
use crate::json;
use crate::models::WorkerCommand;
use axum::extract::ws::{Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{mpsc, watch};

/// Commands queued for one session before the sender waits.
const SESSION_QUEUE: usize = 256;

struct Session {
    id: u64,
    commands: mpsc::Sender<WorkerCommand>,
}

/// The open command WebSockets, by worker id (the newest one per worker).
#[derive(Clone, Default)]
pub struct Sessions {
    open: Arc<Mutex<HashMap<String, Session>>>,
    next_id: Arc<AtomicU64>,
}

impl Sessions {
    fn open(&self) -> MutexGuard<'_, HashMap<String, Session>> {
        self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Sends a command to a worker; false when it has no open WebSocket (or it just closed).
    pub async fn send_command(&self, worker_id: &str, command: WorkerCommand) -> bool {
        let sender = self.open().get(worker_id).map(|s| s.commands.clone());
        match sender {
            Some(sender) => sender.send(command).await.is_ok(),
            None => false,
        }
    }

    /// Whether a worker has an open WebSocket.
    pub fn is_connected(&self, worker_id: &str) -> bool {
        self.open().contains_key(worker_id)
    }

    /// The workers with an open WebSocket.
    pub fn connected_workers(&self) -> Vec<String> {
        let mut workers: Vec<String> = self.open().keys().cloned().collect();
        workers.sort();
        workers
    }

    fn register(&self, worker_id: &str) -> (u64, mpsc::Receiver<WorkerCommand>) {
        let (sender, receiver) = mpsc::channel(SESSION_QUEUE);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.open()
            .insert(worker_id.to_string(), Session { id, commands: sender });
        (id, receiver)
    }

    fn unregister(&self, worker_id: &str, id: u64) {
        let mut open = self.open();
        if open.get(worker_id).is_some_and(|s| s.id == id) {
            open.remove(worker_id);
        }
    }

    /// Runs one worker's WebSocket until it closes or the listener shuts down.
    pub(super) async fn run(
        self,
        socket: WebSocket,
        worker_id: String,
        handler: Option<Arc<dyn Handler>>,
        mut context: Context,
        mut shutdown: watch::Receiver<bool>,
    ) {
        context.transport = "websocket";
        let (id, mut commands) = self.register(&worker_id);
        if let Some(handler) = &handler {
            handler.on_session(&worker_id, SessionEvent::Opened, &context).await;
        }
        let (mut sink, mut frames) = socket.split();
        loop {
            tokio::select! {
                frame = frames.next() => match frame {
                    Some(Ok(Message::Text(text))) => {
                        let Some(handler) = &handler else { continue };
                        match json::parse(text.as_bytes()) {
                            Ok(event) => {
                                if let Err(err) = handler.handle(Action::Event, event, &context).await {
                                    tracing::warn!(worker = %worker_id, %err, "event from the WebSocket refused");
                                }
                            }
                            Err(err) => tracing::warn!(worker = %worker_id, %err, "skipping a WebSocket frame that is not JSON"),
                        }
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                },
                command = commands.recv() => {
                    let Some(command) = command else { break };
                    let text = match crate::canonical::json_dumps(&command) {
                        Ok(text) => text,
                        Err(err) => {
                            tracing::error!(%err, "command not serializable");
                            continue;
                        }
                    };
                    if sink.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                _ = super::stopping(&mut shutdown) => {
                    let _ = sink.send(Message::Close(None)).await;
                    break;
                }
            }
        }
        self.unregister(&worker_id, id);
        if let Some(handler) = &handler {
            handler.on_session(&worker_id, SessionEvent::Closed, &context).await;
        }
    }
}
