//! The HTTP transport (hyper on rustls, see [`super::client`]): long poll, results with retries, heartbeats,
//! events, STS tokens, and the WebSocket command stream (see [`super::commands`]).
//!
//! Error mapping, as the reference and avtomatika expect: 401 → one token refresh and one
//! retry, then an auth error; 403 → auth error; 429 → rate-limit error with `Retry-After`
//! and the body's code; other ≥ 400 → protocol error with the status; a body that is not
//! JSON → protocol error; refused connections and timeouts → network error.

use super::base_url::BaseUrl;
use super::client::{Client, ClientError};
use super::command_socket;
use super::commands::{WsCommands, WsSink};
use super::delay::retry_after_seconds;
use super::options::TransportOptions;
use super::{CommandStream, HeartbeatAnswer, ResultOutcome, ResultRetry, Transport};
use crate::constants::*;
use crate::error::{Result, RxonError};
use crate::identifiers::validate_identifier;
use crate::json::number_text::py_float_repr;
use crate::json::{self, Value};
use crate::models::{
    Heartbeat, Message, Received, TaskPayload, TaskResult, TokenResponse, WorkerEventPayload, WorkerRegistration,
};
use crate::security::Stampable;
use crate::security::tls::{ClientTlsOptions, client_config};
use hyper::header::{HeaderMap, HeaderValue};
use hyper::{Method, StatusCode};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;
use tokio::sync::Notify;

/// What authenticates requests; replaced by STS answers. (No `Debug`: it is all secret.)
#[derive(Clone)]
struct Credentials {
    token: String,
    refresh_token: Option<String>,
}

/// One orchestrator connection, shared by the transport and its command stream: base URL,
/// credentials, pooled HTTP connections and the open command socket.
pub(super) struct Connection {
    pub(super) base_url: BaseUrl,
    pub(super) worker_id: String,
    pub(super) options: TransportOptions,
    pub(super) tls: Option<Arc<rustls::ClientConfig>>,
    client: Client,
    credentials: Mutex<Credentials>,
    version_warned: AtomicBool,
    pub(super) closing: AtomicBool,
    /// Wakes command streams waiting to reconnect when the transport closes.
    pub(super) closed: Notify,
    /// The open command WebSocket's sending half, for events.
    pub(super) ws_sink: tokio::sync::Mutex<Option<WsSink>>,
    /// Whether a command stream was asked for: registrations and heartbeats then advertise the
    /// socket (see [`super::command_socket`]).
    commands_wanted: AtomicBool,
    /// The capabilities last registered with the socket advertised.
    registered_capabilities: Mutex<Option<Value>>,
}

impl Connection {
    fn credentials(&self) -> MutexGuard<'_, Credentials> {
        self.credentials.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The headers of every worker request.
    pub(super) fn headers(&self) -> HeaderMap {
        let token = self.credentials().token.clone();
        let mut headers = HeaderMap::with_capacity(3);
        for (name, value) in [
            (AUTH_HEADER_WORKER, token.as_str()),
            (AUTH_HEADER_WORKER_ID, self.worker_id.as_str()),
            (PROTOCOL_VERSION_HEADER, PROTOCOL_VERSION),
        ] {
            // Tokens with bytes a header cannot carry are left out; the server then refuses.
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(name, value);
            }
        }
        headers
    }

    fn lock_registered_capabilities(&self) -> MutexGuard<'_, Option<Value>> {
        self.registered_capabilities
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn adopt(&self, token: &TokenResponse) {
        let mut credentials = self.credentials();
        credentials.token = token.access_token.clone();
        credentials.refresh_token = token.refresh_token.clone();
    }

    fn check_version(&self, headers: &HeaderMap) {
        let Some(version) = headers.get(PROTOCOL_VERSION_HEADER).and_then(|v| v.to_str().ok()) else {
            return;
        };
        if version != PROTOCOL_VERSION && !self.version_warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                orchestrator = version,
                worker = PROTOCOL_VERSION,
                "RXON protocol version mismatch"
            );
        }
    }
}

/// The HTTP transport.
#[derive(Clone)]
pub struct HttpTransport {
    shared: Arc<Connection>,
}

/// A request body, stamped anew for each try when signing is on.
enum Body<'a, M: Stampable + Clone> {
    None,
    Message(&'a M),
    Raw(Vec<u8>),
}

/// The client TLS configuration; the default one (system roots only) is built once per
/// process, since reading the system's roots takes milliseconds.
fn shared_client_config(options: &ClientTlsOptions) -> Result<Arc<rustls::ClientConfig>> {
    static SYSTEM_DEFAULT: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    let is_default = options.system_roots && options.ca_file.is_none() && options.client_cert.is_none();
    if !is_default {
        return client_config(options);
    }
    if let Some(config) = SYSTEM_DEFAULT.get() {
        return Ok(config.clone());
    }
    let config = client_config(options)?;
    Ok(SYSTEM_DEFAULT.get_or_init(|| config).clone())
}

fn network_error(method: &Method, endpoint: &str, err: &ClientError) -> RxonError {
    RxonError::network(format!("Network error during {method} {endpoint}: {err}")).with_detail("endpoint", endpoint)
}

impl HttpTransport {
    /// A transport to the orchestrator at `base_url` (`http://` or `https://`).
    pub fn new(base_url: &str, worker_id: &str, token: &str, options: TransportOptions) -> Result<Self> {
        validate_identifier(worker_id, "worker_id")?;
        let invalid =
            |e: String| RxonError::invalid_value(format!("Invalid orchestrator URL: {e}")).with_detail("url", base_url);
        let base_url = BaseUrl::parse(base_url).map_err(invalid)?;
        let tls = if base_url.https {
            Some(shared_client_config(&options.tls)?)
        } else {
            None
        };
        let client = Client::new(&base_url, tls.clone(), options.connect_timeout).map_err(invalid)?;
        Ok(HttpTransport {
            shared: Arc::new(Connection {
                base_url,
                worker_id: worker_id.to_string(),
                options,
                tls,
                client,
                credentials: Mutex::new(Credentials {
                    token: token.to_string(),
                    refresh_token: None,
                }),
                version_warned: AtomicBool::new(false),
                closing: AtomicBool::new(false),
                closed: Notify::new(),
                ws_sink: tokio::sync::Mutex::new(None),
                commands_wanted: AtomicBool::new(false),
                registered_capabilities: Mutex::new(None),
            }),
        })
    }

    /// The orchestrator's base URL.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url.text
    }

    /// The worker id it speaks for.
    pub fn worker_id(&self) -> &str {
        &self.shared.worker_id
    }

    /// The token requests carry now.
    pub fn token(&self) -> String {
        self.shared.credentials().token.clone()
    }

    fn ensure_open(&self) -> Result<()> {
        if self.shared.closing.load(Ordering::SeqCst) {
            return Err(transport_closed());
        }
        Ok(())
    }

    fn body_bytes<M: Stampable + Clone>(&self, body: &Body<'_, M>) -> Result<Option<Vec<u8>>> {
        match body {
            Body::None => Ok(None),
            Body::Raw(bytes) => Ok(Some(bytes.clone())),
            Body::Message(message) => {
                let mut owned;
                let message: &M = match &self.shared.options.signing {
                    Some(signer) => {
                        owned = (*message).clone();
                        signer.stamp(&mut owned)?;
                        &owned
                    }
                    None => message,
                };
                Ok(Some(crate::canonical::to_canonical_vec(message)?))
            }
        }
    }

    /// One request with the protocol's error mapping; `None` for 204.
    async fn request<M: Stampable + Clone>(
        &self,
        method: Method,
        endpoint: &str,
        query: &[(&str, String)],
        body: Body<'_, M>,
        timeout: Duration,
    ) -> Result<Option<Value>> {
        self.ensure_open()?;
        let mut target = format!("{}{endpoint}", self.shared.base_url.path);
        if !query.is_empty() {
            let mut pairs = form_urlencoded::Serializer::new(String::new());
            pairs.extend_pairs(query.iter().map(|(k, v)| (k, v.as_str())));
            target.push('?');
            target.push_str(&pairs.finish());
        }
        for attempt in 0..2 {
            let bytes = self.body_bytes(&body)?;
            let response = self
                .shared
                .client
                .send(&method, &target, &self.shared.headers(), bytes, timeout)
                .await
                .map_err(|e| network_error(&method, endpoint, &e))?;
            self.shared.check_version(&response.headers);
            let status = response.status;
            match status {
                StatusCode::NO_CONTENT => return Ok(None),
                StatusCode::UNAUTHORIZED => {
                    if attempt == 0 && self.refresh_token().await.is_some() {
                        continue;
                    }
                    return Err(
                        RxonError::auth(format!("Unauthorized (401) from {endpoint}")).with_detail("status", 401)
                    );
                }
                StatusCode::FORBIDDEN => {
                    let text = String::from_utf8_lossy(&response.body);
                    return Err(
                        RxonError::auth(format!("Forbidden (403) from {endpoint}: {text}")).with_detail("status", 403)
                    );
                }
                StatusCode::TOO_MANY_REQUESTS => {
                    let retry_after = retry_after_seconds(&response.headers);
                    let text = String::from_utf8_lossy(&response.body).into_owned();
                    let body = json::parse(text.as_bytes()).ok();
                    let code = body
                        .as_ref()
                        .and_then(|b| b.get("code"))
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    let message = match body.as_ref().and_then(|b| b.get("error")).and_then(Value::as_str) {
                        Some(error) if !error.is_empty() => error.to_string(),
                        _ => format!("Rate limit exceeded (429): {text}"),
                    };
                    return Err(RxonError::rate_limit(message, retry_after, code).with_detail("status", 429));
                }
                _ if status.as_u16() >= 400 => {
                    let text = String::from_utf8_lossy(&response.body);
                    return Err(RxonError::protocol(
                        format!("HTTP {}: {text}", status.as_u16()),
                        Some(status.as_u16()),
                    )
                    .with_detail("endpoint", endpoint));
                }
                _ => {}
            }
            return json::parse(&response.body).map(Some).map_err(|e| {
                RxonError::protocol(format!("Response is not a valid JSON: {e}"), Some(status.as_u16()))
                    .with_detail("endpoint", endpoint)
            });
        }
        Err(RxonError::auth(format!("Unauthorized (401) from {endpoint}")).with_detail("status", 401))
    }

    async fn post_token(&self, endpoint: &str, body: Option<Vec<u8>>) -> Result<TokenResponse> {
        let target = format!("{}{endpoint}", self.shared.base_url.path);
        let timeout = self.shared.options.request_timeout;
        let response = self
            .shared
            .client
            .send(&Method::POST, &target, &self.shared.headers(), body, timeout)
            .await
            .map_err(|e| network_error(&Method::POST, endpoint, &e))?;
        self.shared.check_version(&response.headers);
        if response.status != StatusCode::OK {
            let text = String::from_utf8_lossy(&response.body);
            let status = response.status.as_u16();
            return Err(RxonError::protocol(format!("HTTP {status}: {text}"), Some(status)));
        }
        TokenResponse::from_json(&response.body)
    }
}

/// The message type named by requests that send no body (`Body::None` needs one).
type Bodiless = Heartbeat;

#[async_trait::async_trait]
impl Transport for HttpTransport {
    async fn connect(&self) -> Result<()> {
        self.shared.closing.store(false, Ordering::SeqCst);
        Ok(())
    }

    async fn close(&self) {
        self.shared.closing.store(true, Ordering::SeqCst);
        self.shared.client.clear();
        self.shared.closed.notify_waiters();
        if let Some(mut sink) = self.shared.ws_sink.lock().await.take() {
            use futures_util::SinkExt;
            let _ = sink.close().await;
        }
    }

    async fn register(&self, registration: &WorkerRegistration) -> Result<Value> {
        let timeout = self.shared.options.request_timeout;
        let advertised;
        let registration = if self.shared.commands_wanted.load(Ordering::SeqCst) {
            let (with_socket, capabilities) = command_socket::advertised_registration(registration)?;
            *self.shared.lock_registered_capabilities() = Some(capabilities);
            advertised = with_socket;
            &advertised
        } else {
            registration
        };
        let answer = self
            .request(
                Method::POST,
                ENDPOINT_WORKER_REGISTER,
                &[],
                Body::Message(registration),
                timeout,
            )
            .await?;
        let answer = answer.unwrap_or(Value::Null);
        if answer.get("access_token").is_some() {
            match TokenResponse::from_value(&answer) {
                Ok(token) => {
                    self.shared.adopt(&token);
                    tracing::info!("token updated from the registration answer");
                }
                Err(err) => tracing::warn!(%err, "registration answer holds an unusable token"),
            }
        }
        Ok(answer)
    }

    async fn poll_task(
        &self,
        timeout: Duration,
        available_skills: Option<&[String]>,
        hot_skills: Option<&[String]>,
    ) -> Result<Option<Received<TaskPayload>>> {
        let endpoint = endpoint_for(ENDPOINT_TASK_NEXT, &self.shared.worker_id);
        let mut query = vec![("timeout", py_float_repr(timeout.as_secs_f64()))];
        if let Some(skills) = available_skills {
            query.push(("available_skills", skills.join(",")));
        }
        if let Some(skills) = hot_skills {
            query.push(("hot_skills", skills.join(",")));
        }
        let client_timeout = timeout + Duration::from_secs(5);
        // A long poll does not outlive `close()`: its connection is dropped at once.
        let closed = self.shared.closed.notified();
        tokio::pin!(closed);
        closed.as_mut().enable();
        self.ensure_open()?;
        let answer = tokio::select! {
            answer = self.request::<Bodiless>(Method::GET, &endpoint, &query, Body::None, client_timeout) => answer?,
            () = closed => return Err(transport_closed()),
        };
        match answer {
            None | Some(Value::Null) => Ok(None),
            Some(value) => Received::decode(value).map(Some).map_err(|e| {
                RxonError::protocol(format!("Task is not a valid TaskPayload: {}", e.message()), Some(200))
            }),
        }
    }

    async fn send_result(&self, result: &TaskResult) -> Result<ResultOutcome> {
        let options = &self.shared.options;
        let retry = ResultRetry {
            tries: options.result_retries,
            delay: options.result_retry_delay,
        };
        self.send_result_retrying(result, retry).await
    }

    async fn send_result_retrying(&self, result: &TaskResult, retry: ResultRetry) -> Result<ResultOutcome> {
        let options = &self.shared.options;
        let mut last_error = None;
        for attempt in 0..retry.tries.max(1) {
            match self
                .request(
                    Method::POST,
                    ENDPOINT_TASK_RESULT,
                    &[],
                    Body::Message(result),
                    options.request_timeout,
                )
                .await
            {
                Ok(answer) => {
                    let answer = answer.unwrap_or(Value::Null);
                    if answer.get("status").and_then(Value::as_str) == Some("ignored") {
                        let reason = answer.get("reason").and_then(Value::as_str).map(str::to_string);
                        match reason.as_deref() {
                            Some(IGNORED_REASON_LATE | IGNORED_REASON_CANCELLED) => {
                                tracing::info!(job = %result.job_id, ?reason, "result ignored")
                            }
                            _ => tracing::warn!(job = %result.job_id, ?reason, "result ignored"),
                        }
                        return Ok(ResultOutcome::Ignored { reason });
                    }
                    return Ok(ResultOutcome::Accepted);
                }
                Err(err @ RxonError::Network { .. }) => {
                    tracing::warn!(%err, attempt, "sending the result failed");
                    last_error = Some(err);
                }
                Err(other) => return Err(other),
            }
            if attempt + 1 < retry.tries {
                tokio::time::sleep(retry.delay * 2u32.saturating_pow(attempt)).await;
            }
        }
        Err(last_error.unwrap_or_else(|| RxonError::network("result not sent")))
    }

    async fn send_heartbeat(&self, heartbeat: &Heartbeat) -> Result<HeartbeatAnswer> {
        let endpoint = endpoint_for(ENDPOINT_WORKER_HEARTBEAT, &self.shared.worker_id);
        let timeout = self.shared.options.request_timeout;
        let answer = if self.shared.commands_wanted.load(Ordering::SeqCst) {
            let open = self.shared.ws_sink.lock().await.is_some();
            let registered = self.shared.lock_registered_capabilities().clone();
            let body = command_socket::advertised_heartbeat(heartbeat, registered.as_ref(), open)?;
            self.request(Method::PATCH, &endpoint, &[], Body::Message(&body), timeout)
                .await
        } else {
            self.request(Method::PATCH, &endpoint, &[], Body::Message(heartbeat), timeout)
                .await
        };
        match answer {
            Ok(answer) => Ok(HeartbeatAnswer::from_value(answer.unwrap_or(Value::Null))),
            Err(err) => {
                tracing::warn!(%err, "heartbeat failed");
                Err(err)
            }
        }
    }

    async fn emit_event(&self, event: &WorkerEventPayload) -> bool {
        if self.shared.closing.load(Ordering::SeqCst) {
            return false;
        }
        let Ok(Some(bytes)) = self.body_bytes(&Body::Message(event)) else {
            return false;
        };
        {
            let mut sink = self.shared.ws_sink.lock().await;
            if let Some(open) = sink.as_mut() {
                use futures_util::SinkExt;
                let text = String::from_utf8_lossy(&bytes).into_owned();
                match open.send(tokio_tungstenite::tungstenite::Message::text(text)).await {
                    Ok(()) => return true,
                    Err(err) => {
                        tracing::debug!(%err, "event not sent up the WebSocket; posting it");
                        *sink = None;
                    }
                }
            }
        }
        let timeout = self.shared.options.request_timeout;
        self.request::<Bodiless>(Method::POST, ENDPOINT_WORKER_EVENTS, &[], Body::Raw(bytes), timeout)
            .await
            .is_ok()
    }

    async fn refresh_token(&self) -> Option<TokenResponse> {
        let refresh = self.shared.credentials().refresh_token.clone();
        let result = match refresh {
            Some(refresh_token) => {
                let body = crate::canonical::to_canonical_vec(&crate::json!({"refresh_token": refresh_token})).ok();
                self.post_token(STS_REFRESH_ENDPOINT, body).await
            }
            None => self.post_token(STS_TOKEN_ENDPOINT, None).await,
        };
        match result {
            Ok(token) => {
                self.shared.adopt(&token);
                tracing::info!(expires_in = token.expires_in, "token refreshed");
                Some(token)
            }
            Err(err) => {
                tracing::error!(%err, "refreshing the token failed");
                None
            }
        }
    }

    fn commands(&self, reconnect: bool) -> Box<dyn CommandStream> {
        self.shared.commands_wanted.store(true, Ordering::SeqCst);
        Box::new(WsCommands::new(self.shared.clone(), reconnect))
    }
}

/// What using a closed transport (or a poll it closed under) fails with, as the reference says it.
fn transport_closed() -> RxonError {
    RxonError::network("Transport is closed. Call connect() first.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_ids_must_be_identifiers() {
        let err = HttpTransport::new("http://127.0.0.1:1", "a/b", "t", TransportOptions::default())
            .err()
            .unwrap();
        assert!(err.message().starts_with("Invalid worker_id"), "{err}");
    }
}
