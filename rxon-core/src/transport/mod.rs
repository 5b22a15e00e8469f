//! The worker side: the [`Transport`] trait, its HTTP + WebSocket implementation
//! ([`HttpTransport`]), an in-memory [`MockTransport`] for testing workers, and
//! [`create_transport`] choosing one by URL scheme.
//!
//! Everything is pull-based: the caller awaits `poll_task` and pulls commands from a
//! [`CommandStream`]; nothing runs behind its back.

mod base_url;
mod client;
mod command_socket;
mod commands;
mod delay;
mod http;
mod mock;
mod options;

pub use delay::{MAX_SERVER_DELAY, server_delay};
pub use http::HttpTransport;
pub use mock::MockTransport;
pub use options::TransportOptions;

use crate::constants::{HB_RESP_CANCEL_TASKS, HB_RESP_REQUIRE_FULL_SYNC};
use crate::error::{Result, RxonError};
use crate::json::Value;
use crate::models::{
    Heartbeat, Received, TaskPayload, TaskResult, TokenResponse, WorkerCommand, WorkerEventPayload, WorkerRegistration,
};
use std::time::Duration;

/// What the orchestrator did with a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultOutcome {
    /// Accepted.
    Accepted,
    /// Refused (`{"status": "ignored", "reason": …}`): late, cancelled, unknown, …
    Ignored {
        /// One of the `IGNORED_REASON_*` constants, when given.
        reason: Option<String>,
    },
}

/// How a result is retried on network errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResultRetry {
    /// Attempts (at least one is made).
    pub tries: u32,
    /// The wait after the first failure, doubled after each.
    pub delay: Duration,
}

/// The orchestrator's answer to a heartbeat, with the members a worker acts on typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HeartbeatAnswer {
    /// Send the full registration again.
    pub require_full_sync: bool,
    /// Cancel these tasks.
    pub cancel_task_ids: Vec<String>,
    /// The whole answer (`null` when there was none).
    pub raw: Value,
}

impl HeartbeatAnswer {
    /// Reads the typed members out of an answer.
    pub fn from_value(raw: Value) -> Self {
        let require_full_sync = match raw.get(HB_RESP_REQUIRE_FULL_SYNC) {
            Some(Value::Bool(b)) => *b,
            Some(Value::Null) | None => false,
            // Python truthiness, as the reference SDK reads it.
            Some(Value::Number(n)) => n.as_f64() != 0.0,
            Some(Value::String(s)) => !s.is_empty(),
            Some(Value::Array(a)) => !a.is_empty(),
            Some(Value::Object(o)) => !o.is_empty(),
        };
        let cancel_task_ids = raw
            .get(HB_RESP_CANCEL_TASKS)
            .and_then(Value::as_array)
            .map(|ids| ids.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        HeartbeatAnswer {
            require_full_sync,
            cancel_task_ids,
            raw,
        }
    }
}

/// Commands from the orchestrator, pulled one at a time.
#[async_trait::async_trait]
pub trait CommandStream: Send {
    /// The next command; `None` once the stream has ended (transport closed, or the connection
    /// dropped and reconnecting was not asked for).
    async fn next(&mut self) -> Option<WorkerCommand>;
}

/// A worker's connection to its orchestrator.
#[async_trait::async_trait]
pub trait Transport: Send + Sync {
    /// Opens the connection (after [`Transport::close`], opens it again).
    async fn connect(&self) -> Result<()>;
    /// Closes the connection; pending calls and the command stream end.
    async fn close(&self);
    /// Registers the worker; returns the orchestrator's answer. An answer holding an
    /// `access_token` switches the transport to that token.
    async fn register(&self, registration: &WorkerRegistration) -> Result<Value>;
    /// Long-polls for a task: `None` when none arrived within `timeout`. The task comes with
    /// its members as received, which its signature covers.
    async fn poll_task(
        &self,
        timeout: Duration,
        available_skills: Option<&[String]>,
        hot_skills: Option<&[String]>,
    ) -> Result<Option<Received<TaskPayload>>>;
    /// Sends a result, retrying network errors with exponential backoff.
    async fn send_result(&self, result: &TaskResult) -> Result<ResultOutcome>;
    /// [`Transport::send_result`] with this result's own retry policy (the reference's
    /// `send_result(result, max_retries, delay)`); a transport that does not retry ignores it.
    async fn send_result_retrying(&self, result: &TaskResult, retry: ResultRetry) -> Result<ResultOutcome> {
        let _ = retry;
        self.send_result(result).await
    }
    /// Sends a heartbeat.
    async fn send_heartbeat(&self, heartbeat: &Heartbeat) -> Result<HeartbeatAnswer>;
    /// Emits an event (up the WebSocket when open); false instead of an error when it could
    /// not be delivered.
    async fn emit_event(&self, event: &WorkerEventPayload) -> bool;
    /// Gets a new access token (refresh endpoint when a refresh token is known, else the
    /// token endpoint); `None` when the orchestrator gave none.
    async fn refresh_token(&self) -> Option<TokenResponse>;
    /// The orchestrator's commands; with `reconnect`, a dropped connection is reopened with
    /// backoff. From then on the HTTP transport advertises the socket in its registrations and
    /// heartbeats, where avtomatika looks before pushing `cancel_task`.
    fn commands(&self, reconnect: bool) -> Box<dyn CommandStream>;
}

/// The transport for `url`: `http://`, `https://`, `ws://`, `wss://` (mapped to http(s)) or
/// `mock://`. Any other scheme is an error naming it.
pub fn create_transport(
    url: &str,
    worker_id: &str,
    token: &str,
    options: TransportOptions,
) -> Result<Box<dyn Transport>> {
    let scheme = url.split_once("://").map(|(scheme, _)| scheme.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("http" | "https") => Ok(Box::new(HttpTransport::new(url, worker_id, token, options)?)),
        // ws://h → http://h, wss://h → https://h
        Some("ws" | "wss") => Ok(Box::new(HttpTransport::new(
            &format!("http{}", &url[2..]),
            worker_id,
            token,
            options,
        )?)),
        Some("mock") => Ok(Box::new(MockTransport::new(worker_id, token))),
        Some(other) => Err(
            RxonError::invalid_value(format!("Unsupported transport scheme in URL: {other}://"))
                .with_detail("url", url),
        ),
        None => Err(
            RxonError::invalid_value(format!("Unsupported transport URL (no scheme): {url}")).with_detail("url", url),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heartbeat_answers_read_like_the_reference() {
        let answer =
            HeartbeatAnswer::from_value(crate::json!({"require_full_sync": 1, "cancel_task_ids": ["a", 2, "b"]}));
        assert!(answer.require_full_sync);
        assert_eq!(answer.cancel_task_ids, ["a", "b"]);
        assert_eq!(HeartbeatAnswer::from_value(Value::Null), HeartbeatAnswer::default());
    }

    #[test]
    fn unknown_schemes_are_named() {
        let err = create_transport("grpc://x", "w", "t", TransportOptions::default())
            .err()
            .map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("Unsupported transport scheme in URL: grpc://"));
        assert!(create_transport("mock://", "w", "t", TransportOptions::default()).is_ok());
        assert!(create_transport("WS://127.0.0.1:1", "w", "t", TransportOptions::default()).is_ok());
    }
}
