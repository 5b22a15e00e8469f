//! The hyper + axum side of the server, for what rxon's HTTP/1 front ([`super::http1`]) hands
//! over — WebSocket upgrades above all: each request is read, routed and answered by
//! [`super::exchange`] as the front's are, and the command socket is upgraded here. [`call`],
//! asking the handler, is both sides'.

use super::exchange::{self, Reply, Routed, WorkerRequest};
use super::handler::{Action, Context, Handler, HandlerError};
use super::sessions::Sessions;
use crate::constants::*;
use crate::json::Value;
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State, WebSocketUpgrade};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::watch;

/// What the listener knows of a connection.
#[derive(Debug, Clone, Default)]
pub(super) struct ConnInfo {
    pub(super) cert_identity: Option<String>,
    pub(super) remote_addr: Option<SocketAddr>,
}

/// Shared by every route.
#[derive(Clone)]
pub(super) struct AppState {
    pub(super) handler: Arc<RwLock<Option<Arc<dyn Handler>>>>,
    pub(super) sessions: Sessions,
    pub(super) body_limit: usize,
    pub(super) shutdown: watch::Receiver<bool>,
    pub(super) polls: PollCounts,
}

/// The long polls each worker id holds, capped: a flood of polls from one worker is answered
/// 429, never queued. Only workers with a poll in flight have an entry.
#[derive(Clone)]
pub(super) struct PollCounts {
    held: Arc<Mutex<HashMap<String, usize>>>,
    max: usize,
}

/// One poll's place, given back when dropped.
struct PollSlot {
    counts: PollCounts,
    worker_id: String,
}

impl PollCounts {
    pub(super) fn new(max: usize) -> Self {
        PollCounts {
            held: Arc::default(),
            max: max.max(1),
        }
    }

    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<String, usize>> {
        self.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A place for one more poll of `worker_id`; `None` at the cap.
    fn take(&self, worker_id: &str) -> Option<PollSlot> {
        let mut held = self.held();
        let count = held.entry(worker_id.to_string()).or_insert(0);
        if *count >= self.max {
            return None;
        }
        *count += 1;
        Some(PollSlot {
            counts: self.clone(),
            worker_id: worker_id.to_string(),
        })
    }
}

impl Drop for PollSlot {
    fn drop(&mut self) {
        let mut held = self.counts.held();
        if let Some(count) = held.get_mut(&self.worker_id) {
            *count -= 1;
            if *count == 0 {
                held.remove(&self.worker_id);
            }
        }
    }
}

impl AppState {
    fn handler(&self) -> Option<Arc<dyn Handler>> {
        self.handler
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// The router: every request goes through [`exchange::route`] and [`exchange::reply`], the
/// functions any other HTTP server uses to serve workers too.
pub(super) fn router(state: AppState) -> Router {
    Router::new()
        .fallback(serve)
        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("x-rxon-version"),
            HeaderValue::from_static(PROTOCOL_VERSION),
        ))
        .with_state(state)
}

fn into_response(reply: Reply) -> Response {
    let mut response = (
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        reply.body,
    )
        .into_response();
    for (name, value) in reply.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// The whole body within `limit` (413 beyond it).
async fn read_body(body: Body, limit: usize) -> Result<axum::body::Bytes, Reply> {
    axum::body::to_bytes(body, limit).await.map_err(|err| {
        let too_large = std::error::Error::source(&err).is_some_and(|e| e.is::<http_body_util::LengthLimitError>());
        if too_large {
            exchange::error_reply(413, &format!("Request body exceeds {limit} bytes"))
        } else {
            exchange::error_reply(400, &format!("Cannot read the request body: {err}"))
        }
    })
}

async fn serve(State(state): State<AppState>, request: Request) -> Response {
    let conn = request.extensions().get::<ConnInfo>().cloned().unwrap_or_default();
    let (mut parts, body) = request.into_parts();
    let body = match read_body(body, state.body_limit).await {
        Ok(body) => body,
        Err(reply) => return into_response(reply),
    };
    let routed = exchange::route(
        &WorkerRequest {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query(),
            headers: &parts.headers,
            body: &body,
            cert_identity: conn.cert_identity,
            remote_addr: conn.remote_addr,
        },
        state.body_limit,
    );
    // Nothing of the request is kept while a long poll waits.
    drop(body);
    let (action, payload, context) = match routed {
        Routed::Reply(reply) => return into_response(reply),
        Routed::Upgrade { worker_id, context } => return websocket(&state, &mut parts, worker_id, context).await,
        Routed::Call {
            action,
            payload,
            context,
        } => (action, payload, context),
    };
    drop(parts);
    into_response(call(&state, action, payload, context).await)
}

/// Asks the handler and answers: a long poll within its worker's cap (ended with "no task" at
/// shutdown), every other call run to its end.
pub(super) async fn call(state: &AppState, action: Action, payload: Value, context: Context) -> Reply {
    let Some(handler) = state.handler() else {
        return exchange::unavailable();
    };
    let outcome = if action == Action::Poll {
        let worker_id = context.worker_id_hint.clone().unwrap_or_default();
        let Some(_slot) = state.polls.take(&worker_id) else {
            let limited = HandlerError::RateLimited {
                message: format!("Too many long polls from worker '{worker_id}' at once"),
                code: None,
                retry_after: Some(1),
            };
            return exchange::reply(action, Err(limited));
        };
        let mut shutdown = state.shutdown.clone();
        tokio::select! {
            outcome = handler.handle(action, payload, &context) => outcome,
            // Shutting down: long polls end at once with "no task".
            _ = super::stopping(&mut shutdown) => Ok(None),
        }
    } else {
        // Handled to the end even when the worker hangs up meanwhile (the server would drop
        // this future): what the engine was given is the engine's, and behind zero trust the
        // worker could not send the same signed message again (a replay).
        let handling = tokio::spawn(async move { handler.handle(action, payload, &context).await });
        handling
            .await
            .unwrap_or_else(|err| Err(HandlerError::Internal(format!("the handler failed: {err}"))))
    };
    exchange::reply(action, outcome)
}

async fn websocket(state: &AppState, parts: &mut Parts, worker_id: String, context: Context) -> Response {
    let upgrade = match <WebSocketUpgrade as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let handler = state.handler();
    if let Some(handler) = &handler
        && let Err(err) = handler.handle(Action::WebsocketAuth, Value::Null, &context).await
    {
        return into_response(exchange::reply(Action::WebsocketAuth, Err(err)));
    }
    let sessions = state.sessions.clone();
    let shutdown = state.shutdown.clone();
    // Frames up the socket are events: no larger than a request body may be.
    upgrade
        .max_message_size(state.body_limit)
        .max_frame_size(state.body_limit)
        .on_upgrade(move |socket| sessions.run(socket, worker_id, handler, context, shutdown))
}
