//! The orchestration engine's side of the listener: every request becomes
//! `handle(action, payload, context)`, and its answer or error becomes the HTTP response.

use crate::json::Value;
use std::fmt;
use std::net::SocketAddr;

/// What a worker asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// `POST /_worker/workers/register` — payload: the registration.
    Register,
    /// `GET /_worker/workers/{id}/tasks/next` — payload: the worker id (a string). Answer a
    /// task, or `None` for "no task" (204).
    Poll,
    /// `POST /_worker/tasks/result` — payload: the result.
    Result,
    /// `PATCH /_worker/workers/{id}` — payload: the heartbeat (`null` when the body is empty).
    Heartbeat,
    /// `POST /_worker/events`, or a frame up the WebSocket — payload: the event.
    Event,
    /// `POST /_worker/auth/token` — payload: `null`.
    StsToken,
    /// `POST /_worker/auth/token/refresh` — payload: `{"refresh_token": …}`.
    StsRefresh,
    /// Asked before a WebSocket upgrade — payload: `null`. An error refuses it (403 for
    /// [`HandlerError::PermissionDenied`]).
    WebsocketAuth,
}

impl Action {
    /// The reference's name of the action (`register`, `poll`, …).
    pub fn name(self) -> &'static str {
        match self {
            Action::Register => "register",
            Action::Poll => "poll",
            Action::Result => "result",
            Action::Heartbeat => "heartbeat",
            Action::Event => "event",
            Action::StsToken => "sts_token",
            Action::StsRefresh => "sts_refresh",
            Action::WebsocketAuth => "websocket_auth",
        }
    }
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 8] = [
        Action::Register,
        Action::Poll,
        Action::Result,
        Action::Heartbeat,
        Action::Event,
        Action::StsToken,
        Action::StsRefresh,
        Action::WebsocketAuth,
    ];

    /// The action of a reference name (`register`, `poll`, …).
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|action| action.name() == name)
    }

    /// Its place in [`Action::ALL`] (an index for per-action tables).
    pub fn index(self) -> usize {
        Action::ALL
            .iter()
            .position(|action| *action == self)
            .unwrap_or_default()
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the listener knows of the request besides its payload. Its `Debug` output leaves the
/// token out.
#[derive(Clone, Default, PartialEq)]
pub struct Context {
    /// `X-Worker-Token`.
    pub token: Option<String>,
    /// `X-Worker-ID`, or the worker id of the path (poll, heartbeat, WebSocket).
    pub worker_id_hint: Option<String>,
    /// `X-RXON-Version`.
    pub protocol_version: Option<String>,
    /// The Common Name of the worker's client certificate (mTLS), if it presented one.
    pub cert_identity: Option<String>,
    /// `"http"`, or `"websocket"` for frames up the WebSocket.
    pub transport: &'static str,
    /// Poll only: the `timeout` query parameter in seconds (0 when absent or unreadable).
    pub poll_timeout: Option<f64>,
    /// Poll only: `available_skills`, split on commas, blanks dropped.
    pub available_skills: Option<Vec<String>>,
    /// Poll only: `hot_skills`, split on commas, blanks dropped.
    pub hot_skills: Option<Vec<String>>,
    /// The peer's address.
    pub remote_addr: Option<SocketAddr>,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("token", &crate::security::Redacted(&self.token))
            .field("worker_id_hint", &self.worker_id_hint)
            .field("protocol_version", &self.protocol_version)
            .field("cert_identity", &self.cert_identity)
            .field("transport", &self.transport)
            .field("poll_timeout", &self.poll_timeout)
            .field("available_skills", &self.available_skills)
            .field("hot_skills", &self.hot_skills)
            .field("remote_addr", &self.remote_addr)
            .finish()
    }
}

/// Why the engine refused a request; each kind has its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandlerError {
    /// 403.
    #[error("{0}")]
    PermissionDenied(String),
    /// 429 with `{"error": …, "code": …}` (code `LIMIT_EXCEEDED_ERROR` unless given), and
    /// `Retry-After` when given.
    #[error("{message}")]
    RateLimited {
        /// What limit.
        message: String,
        /// The error code for the body.
        code: Option<String>,
        /// Seconds the worker should wait.
        retry_after: Option<u64>,
    },
    /// 400.
    #[error("{0}")]
    InvalidValue(String),
    /// Any status the engine chooses.
    #[error("{message}")]
    Http {
        /// The HTTP status.
        status: u16,
        /// The error text.
        message: String,
    },
    /// 500.
    #[error("{0}")]
    Internal(String),
}

impl HandlerError {
    /// The error an engine gives as an HTTP `status` (the inverse of [`HandlerError::status`]):
    /// 403, 429 (with `code` and `retry_after` seconds), 400 and 500 as their kinds, any other
    /// status from 100 to 599 as it is; `None` outside that range.
    pub fn with_status(status: u16, message: String, code: Option<String>, retry_after: Option<u64>) -> Option<Self> {
        Some(match status {
            403 => HandlerError::PermissionDenied(message),
            429 => HandlerError::RateLimited {
                message,
                code,
                retry_after,
            },
            400 => HandlerError::InvalidValue(message),
            500 => HandlerError::Internal(message),
            100..=599 => HandlerError::Http { status, message },
            _ => return None,
        })
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            HandlerError::PermissionDenied(_) => 403,
            HandlerError::RateLimited { .. } => 429,
            HandlerError::InvalidValue(_) => 400,
            HandlerError::Http { status, .. } => *status,
            HandlerError::Internal(_) => 500,
        }
    }
}

/// Whether a worker's command WebSocket opened or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEvent {
    /// The WebSocket is open; commands can be sent.
    Opened,
    /// The WebSocket closed.
    Closed,
}

/// The orchestration engine.
#[async_trait::async_trait]
pub trait Handler: Send + Sync + 'static {
    /// Handles one action. `Ok(None)` answers the action's default (`{"status": "registered"}`,
    /// `{"status": "ok"}`, `{"status": "event_accepted"}`, 204 for a poll, `null` otherwise).
    async fn handle(&self, action: Action, payload: Value, context: &Context) -> Result<Option<Value>, HandlerError>;

    /// Told when a worker's command WebSocket opens or closes.
    async fn on_session(&self, _worker_id: &str, _event: SessionEvent, _context: &Context) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_gives_the_error_that_answers_with_it() {
        for status in [400, 403, 404, 410, 429, 500, 503] {
            let error = HandlerError::with_status(status, "m".into(), None, Some(2)).unwrap();
            assert_eq!(error.status(), status);
        }
        assert!(HandlerError::with_status(99, "m".into(), None, None).is_none());
        assert!(HandlerError::with_status(600, "m".into(), None, None).is_none());
    }
}
