//! Zero trust for the listener, opt-in ([`ListenerOptions::auth`](super::ListenerOptions)):
//! the rules avtomatika applies, in front of the engine, so a worker avtomatika accepts is
//! accepted here and every other one is refused before the engine sees its message.
//!
//! * Every request names its worker (`X-Worker-ID`, the path, or the message's `worker_id`)
//!   and carries `X-Worker-Token`: the worker's token (compared in constant time), or an
//!   access token this listener issued (STS, when enabled). A client certificate's name, when
//!   there is one, must be the worker's id.
//! * Registrations, results, heartbeats and events must be stamped and signed by that worker:
//!   `timestamp` within the window (±60 s), `security.signature` over the message as received
//!   (HMAC-SHA256 with the worker's token or an access token it holds, or Ed25519 with its
//!   public key), `security.signer_id` (when given) the worker, the message's own `worker_id`
//!   the worker — and never seen before: a replay cache refuses the same signed message again
//!   for 65 s, in bounded memory (the oldest entries go first when it is full).
//! * Every refusal is a 403 with the reference's body (`{"error": reason}`) and a log line
//!   naming the worker and the reason.

use super::handler::{Action, Context, Handler, HandlerError, SessionEvent};
use crate::json::Value;
use crate::models::{Message, TokenResponse};
use crate::security::{Ed25519Verifier, constant_time_eq, verify_signature};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// What proves a worker: its token, its Ed25519 public key, or both.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct WorkerCredential {
    /// The worker's token (`X-Worker-Token`; also the HMAC key of its signatures).
    pub token: Option<String>,
    /// Its Ed25519 public key (PEM), when it signs with Ed25519.
    pub public_key: Option<String>,
}

impl fmt::Debug for WorkerCredential {
    /// Never the secret: only whether each part is there.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkerCredential")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("public_key", &self.public_key.is_some())
            .finish()
    }
}

/// Where the listener finds a worker's credential: a table, or the user's own lookup.
pub trait Credentials: Send + Sync + 'static {
    /// The credential of `worker_id`; `None` for a worker it does not know (refused).
    fn credential(&self, worker_id: &str) -> Option<WorkerCredential>;
}

impl Credentials for HashMap<String, WorkerCredential> {
    fn credential(&self, worker_id: &str) -> Option<WorkerCredential> {
        self.get(worker_id).cloned()
    }
}

/// The settings of zero trust.
#[derive(Clone)]
pub struct AuthOptions {
    /// The workers' credentials.
    pub credentials: Arc<dyn Credentials>,
    /// How far a message's `timestamp` may be from now (default 60 s, avtomatika's).
    pub timestamp_window: Duration,
    /// How long a signed message is remembered to refuse it again (default 65 s).
    pub replay_window: Duration,
    /// Most messages remembered at once (default 100,000; the oldest go first).
    pub replay_capacity: usize,
    /// Issue short-lived access tokens at `/_worker/auth/token` and refresh them at
    /// `/_worker/auth/token/refresh`, valid this long (default: off).
    pub access_token_ttl: Option<Duration>,
}

impl fmt::Debug for AuthOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthOptions")
            .field("timestamp_window", &self.timestamp_window)
            .field("replay_window", &self.replay_window)
            .field("replay_capacity", &self.replay_capacity)
            .field("access_token_ttl", &self.access_token_ttl)
            .finish_non_exhaustive()
    }
}

impl AuthOptions {
    /// The options every binding takes, as one JSON object: `{"workers": {worker_id: token |
    /// {"token": …, "public_key": Ed25519 PEM}}, "timestamp_window": seconds, "replay_window":
    /// seconds, "replay_capacity": n, "access_token_ttl": seconds}` (JavaScript's camelCase
    /// spellings — `timestampWindow`, `publicKey`, … — are read too). Anything else is refused
    /// by name.
    pub fn from_value(value: &Value) -> crate::Result<AuthOptions> {
        use crate::error::RxonError;
        let invalid = |what: String| RxonError::invalid_value(format!("auth: {what}"));
        let object = value
            .as_object()
            .ok_or_else(|| invalid("must be an object with \"workers\"".into()))?;
        let member =
            |snake: &str, camel: &str| object.get(snake).or_else(|| object.get(camel)).filter(|v| !v.is_null());
        let workers = member("workers", "workers")
            .and_then(Value::as_object)
            .ok_or_else(|| invalid("\"workers\" must map worker ids to their tokens".into()))?;
        let mut credentials = HashMap::new();
        for (worker_id, credential) in workers.iter() {
            let credential = match credential {
                Value::String(token) => WorkerCredential {
                    token: Some(token.to_string()),
                    public_key: None,
                },
                Value::Object(parts) => {
                    let text = |snake: &str, camel: &str| -> crate::Result<Option<String>> {
                        match parts.get(snake).or_else(|| parts.get(camel)) {
                            None | Some(Value::Null) => Ok(None),
                            Some(Value::String(text)) => Ok(Some(text.to_string())),
                            Some(_) => Err(invalid(format!("{worker_id}.{snake} must be a string"))),
                        }
                    };
                    WorkerCredential {
                        token: text("token", "token")?,
                        public_key: text("public_key", "publicKey")?,
                    }
                }
                _ => return Err(invalid(format!("{worker_id} must be a token or {{token, public_key}}"))),
            };
            if credential.token.is_none() && credential.public_key.is_none() {
                return Err(invalid(format!("{worker_id} has neither a token nor a public key")));
            }
            if let Some(pem) = &credential.public_key {
                Ed25519Verifier::from_pem(pem).map_err(|e| invalid(format!("{worker_id}.public_key: {e}")))?;
            }
            credentials.insert(worker_id.to_string(), credential);
        }
        let seconds = |snake: &str, camel: &str| -> crate::Result<Option<Duration>> {
            match member(snake, camel) {
                None => Ok(None),
                Some(value) => value
                    .as_f64()
                    .filter(|s| s.is_finite() && *s >= 0.0)
                    .map(|s| Some(Duration::from_secs_f64(s)))
                    .ok_or_else(|| invalid(format!("{snake} must be a number of seconds ≥ 0"))),
            }
        };
        let mut options = AuthOptions::new(Arc::new(credentials));
        if let Some(window) = seconds("timestamp_window", "timestampWindow")? {
            options.timestamp_window = window;
        }
        if let Some(window) = seconds("replay_window", "replayWindow")? {
            options.replay_window = window;
        }
        options.access_token_ttl = seconds("access_token_ttl", "accessTokenTtl")?;
        if let Some(capacity) = member("replay_capacity", "replayCapacity") {
            options.replay_capacity = capacity
                .as_u64()
                .filter(|n| *n > 0)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| invalid("replay_capacity must be a whole number ≥ 1".into()))?;
        }
        let known = [
            "workers",
            "timestamp_window",
            "timestampWindow",
            "replay_window",
            "replayWindow",
            "replay_capacity",
            "replayCapacity",
            "access_token_ttl",
            "accessTokenTtl",
        ];
        if let Some((unknown, _)) = object.iter().find(|(key, _)| !known.contains(key)) {
            return Err(invalid(format!("unknown option {unknown:?}")));
        }
        Ok(options)
    }

    /// Zero trust with these credentials and every default.
    pub fn new(credentials: Arc<dyn Credentials>) -> Self {
        AuthOptions {
            credentials,
            timestamp_window: Duration::from_secs(60),
            replay_window: Duration::from_secs(65),
            replay_capacity: 100_000,
            access_token_ttl: None,
        }
    }
}

/// Messages seen within the replay window, oldest first.
#[derive(Default)]
struct ReplayCache {
    seen: HashMap<(String, String), Instant>,
    order: VecDeque<(Instant, (String, String))>,
}

impl ReplayCache {
    /// False when `key` was seen within the window; else remembers it.
    fn first_time(&mut self, key: (String, String), window: Duration, capacity: usize) -> bool {
        let now = Instant::now();
        while let Some((expires, _)) = self.order.front() {
            if *expires > now && self.order.len() < capacity.max(1) {
                break;
            }
            if let Some((expires, old)) = self.order.pop_front() {
                // Only this entry's own record: a key seen again later has a newer one.
                if self.seen.get(&old) == Some(&expires) {
                    self.seen.remove(&old);
                }
            }
        }
        if self.seen.get(&key).is_some_and(|expires| *expires > now) {
            return false;
        }
        let expires = now + window;
        self.seen.insert(key.clone(), expires);
        self.order.push_back((expires, key));
        true
    }

    fn len(&self) -> usize {
        self.seen.len()
    }
}

/// Access tokens issued, by the SHA-256 of the token (the tokens themselves are not kept).
#[derive(Default)]
struct Issued {
    access: HashMap<[u8; 32], (String, Instant)>,
    refresh: HashMap<[u8; 32], String>,
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn random_token() -> Result<String, HandlerError> {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| HandlerError::Internal("no random bytes for a token".into()))?;
    Ok(hex::encode(bytes))
}

fn now_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A refusal: 403 with its reason.
fn refuse(reason: impl Into<String>) -> HandlerError {
    HandlerError::PermissionDenied(reason.into())
}

/// The engine behind zero trust: what is refused never reaches it.
pub struct Authenticated {
    inner: Arc<dyn Handler>,
    options: AuthOptions,
    replay: Mutex<ReplayCache>,
    issued: Mutex<Issued>,
}

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Authenticated {
    /// `inner` behind the rules of `options`.
    pub fn new(inner: Arc<dyn Handler>, options: AuthOptions) -> Self {
        Authenticated {
            inner,
            options,
            replay: Mutex::new(ReplayCache::default()),
            issued: Mutex::new(Issued::default()),
        }
    }

    /// Signed messages remembered now (a gauge: bounded by `replay_capacity`).
    pub fn remembered_messages(&self) -> usize {
        locked(&self.replay).len()
    }

    /// The worker a request is for: the header or path, else the message's `worker_id`.
    fn worker_id(action: Action, payload: &Value, context: &Context) -> Result<String, HandlerError> {
        if let Some(hint) = context.worker_id_hint.as_deref().filter(|h| !h.is_empty()) {
            return Ok(hint.to_string());
        }
        let named = match action {
            Action::Poll => payload.as_str(),
            _ => payload.get("worker_id").and_then(Value::as_str),
        };
        named
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .ok_or_else(|| refuse("Unauthorized: Invalid token or missing worker_id hint"))
    }

    /// Who sent the request (its token or access token, its certificate), and the access
    /// token it used, if any.
    fn authenticate(
        &self,
        worker_id: &str,
        context: &Context,
    ) -> Result<(WorkerCredential, Option<String>), HandlerError> {
        if let Some(name) = context.cert_identity.as_deref()
            && name != worker_id
        {
            return Err(refuse(format!(
                "Unauthorized: Certificate CN '{name}' does not match worker_id '{worker_id}'"
            )));
        }
        let Some(credential) = self.options.credentials.credential(worker_id) else {
            return Err(refuse("Unauthorized: No valid token found"));
        };
        let Some(token) = context.token.as_deref().filter(|t| !t.is_empty()) else {
            return Err(refuse("Unauthorized: Missing X-Worker-Token header."));
        };
        if credential
            .token
            .as_deref()
            .is_some_and(|expected| constant_time_eq(expected, token))
        {
            return Ok((credential, None));
        }
        let mut issued = locked(&self.issued);
        match issued.access.get(&digest(token)) {
            Some((owner, expires)) if *expires > Instant::now() => {
                if owner != worker_id {
                    return Err(refuse(format!(
                        "Unauthorized: Access Token belongs to '{owner}', but request is for '{worker_id}'"
                    )));
                }
                Ok((credential, Some(token.to_string())))
            }
            Some(_) => {
                issued.access.remove(&digest(token));
                Err(refuse("Unauthorized: Access token expired"))
            }
            None => Err(refuse("Unauthorized: Invalid individual worker token")),
        }
    }

    /// The zero-trust checks of a message the worker stamped and signed.
    fn check_message(
        &self,
        action: Action,
        payload: &Value,
        worker_id: &str,
        credential: &WorkerCredential,
        access_token: Option<&str>,
    ) -> Result<(), HandlerError> {
        let message = payload
            .as_object()
            .ok_or_else(|| refuse("Missing required security context"))?;
        if let Some(named) = message.get("worker_id").and_then(Value::as_str)
            && named != worker_id
        {
            return Err(refuse("Immediate sender ID mismatch"));
        }
        let timestamp = message
            .get("timestamp")
            .and_then(Value::as_f64)
            .ok_or_else(|| refuse("Missing required timestamp for replay protection"))?;
        if (now_seconds() as f64 - timestamp).abs() > self.options.timestamp_window.as_secs_f64() {
            return Err(refuse("Message timestamp expired (replay protection)"));
        }
        let security = message
            .get("security")
            .and_then(Value::as_object)
            .ok_or_else(|| refuse("Missing required security context"))?;
        let signature = security
            .get("signature")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| refuse("Missing required cryptographic signature"))?;
        if let Some(signer) = security.get("signer_id").and_then(Value::as_str)
            && signer != worker_id
        {
            return Err(refuse(format!(
                "Message signer ID '{signer}' does not match worker ID '{worker_id}'"
            )));
        }
        let ignore: &[&str] = if action == Action::Event {
            &["bubbling_chain"]
        } else {
            &[]
        };
        let by_key = |key: Option<&str>| {
            key.is_some_and(|key| verify_signature(payload, signature, key, ignore).unwrap_or(false))
        };
        let by_public_key = || {
            credential.public_key.as_deref().is_some_and(|pem| {
                Ed25519Verifier::from_pem(pem).is_ok_and(|v| v.verify(payload, signature, ignore).unwrap_or(false))
            })
        };
        if !(by_key(credential.token.as_deref()) || by_key(access_token) || by_public_key()) {
            return Err(refuse("Invalid cryptographic signature"));
        }
        // Remembered only once it verified: strangers cannot fill the cache.
        let nonce = ["event_id", "nonce", "message_id"]
            .iter()
            .find_map(|name| message.get(name).and_then(Value::as_str))
            .unwrap_or(signature);
        let first = locked(&self.replay).first_time(
            (worker_id.to_string(), format!("{}:{nonce}", action.name())),
            self.options.replay_window,
            self.options.replay_capacity,
        );
        if !first {
            return Err(refuse("Duplicate message detected (replay attack)"));
        }
        Ok(())
    }

    /// A new access token (and refresh token) for `worker_id`.
    fn issue(&self, worker_id: &str, ttl: Duration) -> Result<Value, HandlerError> {
        let (access, refresh) = (random_token()?, random_token()?);
        let mut issued = locked(&self.issued);
        let now = Instant::now();
        issued.access.retain(|_, (_, expires)| *expires > now);
        issued
            .access
            .insert(digest(&access), (worker_id.to_string(), now + ttl));
        issued.refresh.retain(|_, owner| owner != worker_id);
        issued.refresh.insert(digest(&refresh), worker_id.to_string());
        TokenResponse {
            access_token: access,
            expires_in: ttl.as_secs() as i64,
            worker_id: worker_id.to_string(),
            refresh_token: Some(refresh),
            metadata: None,
        }
        .to_dict()
        .map_err(|e| HandlerError::Internal(e.to_string()))
    }

    fn refresh(&self, payload: &Value, context: &Context, ttl: Duration) -> Result<Value, HandlerError> {
        let token = payload
            .get("refresh_token")
            .and_then(Value::as_str)
            .ok_or_else(|| HandlerError::InvalidValue("Missing refresh_token in payload".into()))?;
        let owner = locked(&self.issued)
            .refresh
            .get(&digest(token))
            .cloned()
            .ok_or_else(|| refuse("Unauthorized: Invalid refresh token"))?;
        if context.worker_id_hint.as_deref().is_some_and(|hint| hint != owner) {
            return Err(refuse("Unauthorized: Refresh token belongs to another worker"));
        }
        self.issue(&owner, ttl)
    }

    fn admit(&self, action: Action, payload: &Value, context: &Context) -> Result<(), HandlerError> {
        let worker_id = Self::worker_id(action, payload, context)?;
        let (credential, access_token) = self.authenticate(&worker_id, context)?;
        let signed = match action {
            Action::Register | Action::Result | Action::Event => true,
            // A heartbeat without a body says nothing to verify.
            Action::Heartbeat => !payload.is_null(),
            _ => false,
        };
        if signed {
            self.check_message(action, payload, &worker_id, &credential, access_token.as_deref())?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Handler for Authenticated {
    async fn handle(&self, action: Action, payload: Value, context: &Context) -> Result<Option<Value>, HandlerError> {
        let outcome = match (action, self.options.access_token_ttl) {
            (Action::StsRefresh, Some(ttl)) => self.refresh(&payload, context, ttl).map(Some),
            (Action::StsToken, Some(ttl)) => Self::worker_id(action, &payload, context)
                .and_then(|worker_id| {
                    self.authenticate(&worker_id, context)?;
                    self.issue(&worker_id, ttl)
                })
                .map(Some),
            _ => match self.admit(action, &payload, context) {
                Ok(()) => return self.inner.handle(action, payload, context).await,
                Err(err) => Err(err),
            },
        };
        if let Err(err) = &outcome {
            let worker = context.worker_id_hint.as_deref().unwrap_or("?");
            tracing::warn!(worker, action = action.name(), reason = %err, "refused");
        }
        outcome
    }

    async fn on_session(&self, worker_id: &str, event: SessionEvent, context: &Context) {
        self.inner.on_session(worker_id, event, context).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_replay_cache_refuses_a_repeat_and_stays_within_its_capacity() {
        let mut cache = ReplayCache::default();
        let key = |n: usize| ("w".to_string(), format!("n{n}"));
        assert!(cache.first_time(key(0), Duration::from_secs(60), 1000));
        assert!(!cache.first_time(key(0), Duration::from_secs(60), 1000));
        for n in 1..50_000 {
            assert!(cache.first_time(key(n), Duration::from_secs(60), 1000));
        }
        assert!(cache.len() <= 1000, "{} remembered", cache.len());
        assert!(cache.order.len() <= 1000);
        // The newest are remembered; the oldest went first.
        assert!(!cache.first_time(key(49_999), Duration::from_secs(60), 1000));
    }

    #[test]
    fn a_credential_never_shows_its_token() {
        let credential = WorkerCredential {
            token: Some("hunter2".into()),
            public_key: None,
        };
        assert!(!format!("{credential:?}").contains("hunter2"));
    }
}
