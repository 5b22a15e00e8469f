//! The HTTP routes: each turns a request into `handle(action, payload, context)` and the
//! answer (or error) into the response. Bad input never reaches the handler: malformed JSON
//! is a 400 naming the problem, an oversize body a 413.

use super::handler::{Action, Context, Handler, HandlerError};
use super::sessions::Sessions;
use crate::constants::*;
use crate::json::{self, Value};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State, WebSocketUpgrade};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
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
}

impl AppState {
    fn handler(&self) -> Option<Arc<dyn Handler>> {
        self.handler
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// The router of every worker endpoint.
pub(super) fn router(state: AppState) -> Router {
    Router::new()
        .route(ENDPOINT_WORKER_REGISTER, post(register))
        .route(ENDPOINT_TASK_NEXT, get(poll))
        .route(ENDPOINT_TASK_RESULT, post(result))
        .route(ENDPOINT_WORKER_HEARTBEAT, patch(heartbeat))
        .route(ENDPOINT_WORKER_EVENTS, post(event))
        .route(STS_TOKEN_ENDPOINT, post(sts_token))
        .route(STS_REFRESH_ENDPOINT, post(sts_refresh))
        .route(&format!("{WS_ENDPOINT}/{{worker_id}}"), get(websocket))
        .fallback(not_found)
        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("x-rxon-version"),
            HeaderValue::from_static(PROTOCOL_VERSION),
        ))
        .with_state(state)
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    match crate::canonical::to_canonical_vec(value) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(err) => error_body(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("answer not serializable: {err}"),
        ),
    }
}

fn error_body(status: StatusCode, message: &str) -> Response {
    json_response(status, &crate::json!({ "error": message }))
}

fn handler_error(err: HandlerError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match err {
        HandlerError::RateLimited {
            message,
            code,
            retry_after,
        } => {
            let code = code.unwrap_or_else(|| ERROR_CODE_LIMIT_EXCEEDED.to_string());
            let mut response = json_response(status, &crate::json!({ "error": message, "code": code }));
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            response
        }
        other => error_body(status, &other.to_string()),
    }
}

fn unavailable() -> Response {
    error_body(StatusCode::SERVICE_UNAVAILABLE, "Service is initializing")
}

async fn not_found() -> Response {
    error_body(StatusCode::NOT_FOUND, "Not found")
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// The context of a request: its headers and the connection's facts.
fn context(request: &Request) -> Context {
    let headers = request.headers();
    let conn = request.extensions().get::<ConnInfo>().cloned().unwrap_or_default();
    Context {
        token: header_text(headers, AUTH_HEADER_WORKER),
        worker_id_hint: header_text(headers, AUTH_HEADER_WORKER_ID),
        protocol_version: header_text(headers, PROTOCOL_VERSION_HEADER),
        cert_identity: conn.cert_identity,
        transport: "http",
        remote_addr: conn.remote_addr,
        ..Context::default()
    }
}

/// Reads a JSON body within the limit; `empty_is_null` for the heartbeat, whose body may be
/// absent.
async fn read_json(body: Body, limit: usize, empty_is_null: bool) -> Result<Value, Response> {
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(err) => {
            let too_large = std::error::Error::source(&err).is_some_and(|e| e.is::<http_body_util::LengthLimitError>());
            return Err(if too_large {
                error_body(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &format!("Request body exceeds {limit} bytes"),
                )
            } else {
                error_body(StatusCode::BAD_REQUEST, &format!("Cannot read the request body: {err}"))
            });
        }
    };
    if empty_is_null && bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    json::parse(&bytes).map_err(|e| error_body(StatusCode::BAD_REQUEST, &format!("Invalid JSON: {e}")))
}

/// Runs an action whose payload is the JSON body.
async fn body_action(
    state: &AppState,
    action: Action,
    context: Context,
    body: Body,
    default: &'static str,
) -> Response {
    let payload = match read_json(body, state.body_limit, action == Action::Heartbeat).await {
        Ok(payload) => payload,
        Err(response) => return response,
    };
    let Some(handler) = state.handler() else {
        return unavailable();
    };
    match handler.handle(action, payload, &context).await {
        Ok(Some(answer)) => json_response(StatusCode::OK, &answer),
        Ok(None) => (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], default).into_response(),
        Err(err) => handler_error(err),
    }
}

async fn register(State(state): State<AppState>, request: Request) -> Response {
    let context = context(&request);
    body_action(
        &state,
        Action::Register,
        context,
        request.into_body(),
        r#"{"status":"registered"}"#,
    )
    .await
}

async fn result(State(state): State<AppState>, request: Request) -> Response {
    let context = context(&request);
    body_action(
        &state,
        Action::Result,
        context,
        request.into_body(),
        r#"{"status":"ok"}"#,
    )
    .await
}

async fn event(State(state): State<AppState>, request: Request) -> Response {
    let context = context(&request);
    body_action(
        &state,
        Action::Event,
        context,
        request.into_body(),
        r#"{"status":"event_accepted"}"#,
    )
    .await
}

async fn heartbeat(State(state): State<AppState>, Path(worker_id): Path<String>, request: Request) -> Response {
    let mut context = context(&request);
    context.worker_id_hint = Some(worker_id);
    body_action(&state, Action::Heartbeat, context, request.into_body(), "null").await
}

async fn sts_refresh(State(state): State<AppState>, request: Request) -> Response {
    let context = context(&request);
    body_action(&state, Action::StsRefresh, context, request.into_body(), "null").await
}

async fn sts_token(State(state): State<AppState>, request: Request) -> Response {
    let Some(handler) = state.handler() else {
        return unavailable();
    };
    match handler.handle(Action::StsToken, Value::Null, &context(&request)).await {
        Ok(answer) => json_response(StatusCode::OK, &answer.unwrap_or(Value::Null)),
        Err(err) => handler_error(err),
    }
}

/// A comma list split, blanks dropped.
fn skills(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A query parameter, percent-decoded (the last one when repeated).
fn query_param(request: &Request, name: &str) -> Option<String> {
    let query = request.uri().query()?;
    form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key == name)
        .last()
        .map(|(_, value)| value.into_owned())
}

async fn poll(State(state): State<AppState>, Path(worker_id): Path<String>, request: Request) -> Response {
    let mut context = context(&request);
    context.worker_id_hint = Some(worker_id.clone());
    context.poll_timeout = Some(
        query_param(&request, "timeout")
            .and_then(|t| t.trim().parse::<f64>().ok())
            .unwrap_or(0.0),
    );
    context.available_skills = query_param(&request, "available_skills").map(|s| skills(&s));
    context.hot_skills = query_param(&request, "hot_skills").map(|s| skills(&s));
    // Nothing of the request is kept while the poll waits.
    drop(request);
    let Some(handler) = state.handler() else {
        return unavailable();
    };
    let mut shutdown = state.shutdown.clone();
    tokio::select! {
        answer = handler.handle(Action::Poll, Value::String(worker_id.into()), &context) => match answer {
            Ok(Some(task)) if !task.is_null() => json_response(StatusCode::OK, &task),
            Ok(_) => StatusCode::NO_CONTENT.into_response(),
            Err(err) => handler_error(err),
        },
        // Shutting down: long polls end at once with "no task".
        _ = super::stopping(&mut shutdown) => StatusCode::NO_CONTENT.into_response(),
    }
}

async fn websocket(State(state): State<AppState>, Path(worker_id): Path<String>, request: Request) -> Response {
    let mut context = context(&request);
    let (mut parts, _body) = request.into_parts();
    let upgrade =
        match <WebSocketUpgrade as axum::extract::FromRequestParts<AppState>>::from_request_parts(&mut parts, &state)
            .await
        {
            Ok(upgrade) => upgrade,
            Err(rejection) => return rejection.into_response(),
        };
    context.worker_id_hint = Some(worker_id.clone());
    let handler = state.handler();
    if let Some(handler) = &handler {
        if let Err(err) = handler.handle(Action::WebsocketAuth, Value::Null, &context).await {
            return handler_error(err);
        }
    }
    let sessions = state.sessions.clone();
    let shutdown = state.shutdown.clone();
    upgrade.on_upgrade(move |socket| sessions.run(socket, worker_id, handler, context, shutdown))
}
