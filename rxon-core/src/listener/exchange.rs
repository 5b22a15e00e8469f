//! One worker request, served by any HTTP server. [`route`] turns a request (method, path,
//! query, headers, body) into the handler call it stands for — or into the answer itself when
//! the request is wrong (404, 405, 400, 413) — and [`reply`] turns the handler's outcome into
//! the response. rxon's own server (axum) serves through these two functions; a binding serves
//! from its language's HTTP stack the same way (Python's aiohttp, in `HttpListener(app)`), so
//! routing, decoding, defaults and error statuses are written once.

use super::handler::{Action, Context, HandlerError};
use crate::constants::*;
use crate::json::{self, Value};
use std::net::SocketAddr;

/// A request's headers, looked up by name (case-insensitively).
pub trait Headers {
    /// The value of header `name`, if present and text.
    fn header(&self, name: &str) -> Option<&str>;
}

impl Headers for axum::http::HeaderMap {
    fn header(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|value| value.to_str().ok())
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for [(K, V)] {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_ref())
    }
}

/// A worker's request as the server received it.
pub struct WorkerRequest<'a, H: Headers + ?Sized> {
    /// `GET`, `POST`, `PATCH`, … (upper case).
    pub method: &'a str,
    /// The path, still percent-encoded (`/_worker/workers/w-1/tasks/next`).
    pub path: &'a str,
    /// The query string without `?`, if any.
    pub query: Option<&'a str>,
    /// The request's headers.
    pub headers: &'a H,
    /// The whole body (empty for none).
    pub body: &'a [u8],
    /// The Common Name of the client certificate, when the connection is mutual TLS.
    pub cert_identity: Option<String>,
    /// The peer's address.
    pub remote_addr: Option<SocketAddr>,
}

/// A response to send: status, headers (`X-RXON-Version` always; `Content-Type` with a body;
/// `Retry-After` for a rate limit) and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// Header names (lower case) and values.
    pub headers: Vec<(&'static str, String)>,
    /// The body (empty for 204).
    pub body: Vec<u8>,
}

/// What a request stands for.
#[derive(Debug)]
pub enum Routed {
    /// Answer this, without the handler (an unknown route, a body that is not JSON, …).
    Reply(Reply),
    /// Ask the handler `handle(action, payload, context)`, then answer [`reply`]`(action, outcome)`.
    Call {
        /// What the worker asked for.
        action: Action,
        /// The decoded body (the worker id for a poll, `null` where there is none).
        payload: Value,
        /// Headers and connection facts for the handler.
        context: Context,
    },
    /// Open the worker's command WebSocket: ask the handler [`Action::WebsocketAuth`] with
    /// `context` first (an error is answered with [`reply`]), then upgrade.
    Upgrade {
        /// The worker the socket belongs to.
        worker_id: String,
        /// Headers and connection facts for the handler.
        context: Context,
    },
}

/// The JSON answer `value` with `status`.
fn json_reply(status: u16, value: &Value) -> Reply {
    match crate::canonical::to_canonical_vec(value) {
        Ok(body) => Reply {
            status,
            headers: vec![
                ("x-rxon-version", PROTOCOL_VERSION.to_string()),
                ("content-type", "application/json".to_string()),
            ],
            body,
        },
        Err(err) => error_reply(500, &format!("answer not serializable: {err}")),
    }
}

/// `{"error": message}` with `status`.
pub fn error_reply(status: u16, message: &str) -> Reply {
    json_reply(status, &crate::json!({ "error": message }))
}

/// The answer while no handler is set: 503.
pub fn unavailable() -> Reply {
    error_reply(503, "Service is initializing")
}

fn no_content() -> Reply {
    Reply {
        status: 204,
        headers: vec![("x-rxon-version", PROTOCOL_VERSION.to_string())],
        body: Vec::new(),
    }
}

/// The route a method and path select.
enum Endpoint {
    Action(Action),
    /// An action on the worker the path names.
    WorkerAction(Action, String),
    Upgrade(String),
}

/// `path` against `template` (one `{worker_id}` segment at most): `Some(worker id)` (empty
/// for a template without one) when it matches.
fn match_template(template: &str, path: &str) -> Option<String> {
    let Some((prefix, suffix)) = template.split_once("{worker_id}") else {
        return (template == path).then(String::new);
    };
    let segment = path.strip_prefix(prefix)?.strip_suffix(suffix)?;
    if segment.is_empty() || segment.contains('/') {
        return None;
    }
    Some(
        percent_encoding::percent_decode_str(segment)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// Every route: method, path template, what it stands for. The first route whose path and
/// method match wins; a path that matches only with other methods is a 405 (aiohttp's rule,
/// which the reference listener follows).
const ROUTES: [(&str, &str, Action); 8] = [
    ("POST", ENDPOINT_WORKER_REGISTER, Action::Register),
    ("GET", ENDPOINT_TASK_NEXT, Action::Poll),
    ("POST", ENDPOINT_TASK_RESULT, Action::Result),
    ("PATCH", ENDPOINT_WORKER_HEARTBEAT, Action::Heartbeat),
    ("POST", ENDPOINT_WORKER_EVENTS, Action::Event),
    ("POST", STS_TOKEN_ENDPOINT, Action::StsToken),
    ("POST", STS_REFRESH_ENDPOINT, Action::StsRefresh),
    // The command WebSocket (its upgrade is a GET).
    ("GET", "/_worker/ws/{worker_id}", Action::WebsocketAuth),
];

fn endpoint(method: &str, path: &str) -> Result<Endpoint, Reply> {
    let mut path_known = false;
    for (route_method, template, action) in ROUTES {
        let Some(worker_id) = match_template(template, path) else {
            continue;
        };
        if route_method != method {
            path_known = true;
            continue;
        }
        return Ok(match action {
            Action::WebsocketAuth => Endpoint::Upgrade(worker_id),
            _ if template.contains("{worker_id}") => Endpoint::WorkerAction(action, worker_id),
            _ => Endpoint::Action(action),
        });
    }
    Err(if path_known {
        error_reply(405, "Method Not Allowed")
    } else {
        error_reply(404, "Not found")
    })
}

/// A query parameter, percent-decoded (the last one when repeated).
fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .filter(|(key, _)| key == name)
        .last()
        .map(|(_, value)| value.into_owned())
}

/// A comma list split, blanks dropped.
fn skills(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The body as JSON; `empty_is_null` for the heartbeat, whose body may be absent.
fn body_json(body: &[u8], empty_is_null: bool) -> Result<Value, Reply> {
    if empty_is_null && body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    json::parse(body).map_err(|e| error_reply(400, &format!("Invalid JSON: {e}")))
}

/// What `request` stands for. Bad input never reaches the handler: a body over `body_limit`
/// is a 413, malformed JSON a 400 naming the problem.
pub fn route<H: Headers + ?Sized>(request: &WorkerRequest<'_, H>, body_limit: usize) -> Routed {
    let endpoint = match endpoint(request.method, request.path) {
        Ok(endpoint) => endpoint,
        Err(reply) => return Routed::Reply(reply),
    };
    if request.body.len() > body_limit {
        return Routed::Reply(error_reply(413, &format!("Request body exceeds {body_limit} bytes")));
    }
    let header = |name| request.headers.header(name).map(str::to_string);
    let mut context = Context {
        token: header(AUTH_HEADER_WORKER),
        worker_id_hint: header(AUTH_HEADER_WORKER_ID),
        protocol_version: header(PROTOCOL_VERSION_HEADER),
        cert_identity: request.cert_identity.clone(),
        transport: "http",
        remote_addr: request.remote_addr,
        ..Context::default()
    };
    let (action, payload) = match endpoint {
        Endpoint::Upgrade(worker_id) => {
            context.worker_id_hint = Some(worker_id.clone());
            return Routed::Upgrade { worker_id, context };
        }
        Endpoint::WorkerAction(Action::Poll, worker_id) => {
            context.worker_id_hint = Some(worker_id.clone());
            context.poll_timeout = Some(
                query_param(request.query, "timeout")
                    .and_then(|t| t.trim().parse::<f64>().ok())
                    .unwrap_or(0.0),
            );
            context.available_skills = query_param(request.query, "available_skills").map(|s| skills(&s));
            context.hot_skills = query_param(request.query, "hot_skills").map(|s| skills(&s));
            (Action::Poll, Value::String(worker_id.into()))
        }
        Endpoint::WorkerAction(action, worker_id) => {
            context.worker_id_hint = Some(worker_id);
            match body_json(request.body, action == Action::Heartbeat) {
                Ok(payload) => (action, payload),
                Err(reply) => return Routed::Reply(reply),
            }
        }
        Endpoint::Action(Action::StsToken) => (Action::StsToken, Value::Null),
        Endpoint::Action(action) => match body_json(request.body, false) {
            Ok(payload) => (action, payload),
            Err(reply) => return Routed::Reply(reply),
        },
    };
    Routed::Call {
        action,
        payload,
        context,
    }
}

/// Whether `value` is what Python calls false (`null`, `false`, `0`, `""`, `[]`, `{}`): the
/// reference answers its default in its place.
fn is_falsy(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == 0.0,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

/// The response to `action` once the handler answered `outcome`. No answer (or a falsy one)
/// is the action's default: `{"status": "registered"}`, `{"status": "ok"}` for a result,
/// `{"status": "event_accepted"}`, 204 for a poll, `null` otherwise. An error answers with its
/// status: 403, 429 (with `code` and `Retry-After`), 400, 500 or its own.
pub fn reply(action: Action, outcome: Result<Option<Value>, HandlerError>) -> Reply {
    let answer = match outcome {
        Ok(answer) => answer.unwrap_or(Value::Null),
        Err(err) => return handler_error(err),
    };
    let default = match action {
        Action::Register => Some(crate::json!({ "status": "registered" })),
        Action::Result => Some(crate::json!({ "status": "ok" })),
        Action::Event => Some(crate::json!({ "status": "event_accepted" })),
        Action::Poll if is_falsy(&answer) => return no_content(),
        _ => None,
    };
    match default {
        Some(default) if is_falsy(&answer) => json_reply(200, &default),
        _ => json_reply(200, &answer),
    }
}

fn handler_error(err: HandlerError) -> Reply {
    let status = err.status();
    match err {
        HandlerError::RateLimited {
            message,
            code,
            retry_after,
        } => {
            let code = code.unwrap_or_else(|| ERROR_CODE_LIMIT_EXCEEDED.to_string());
            let mut reply = json_reply(status, &crate::json!({ "error": message, "code": code }));
            if let Some(seconds) = retry_after {
                reply.headers.push(("retry-after", seconds.to_string()));
            }
            reply
        }
        other => error_reply(status, &other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(method: &'a str, path: &'a str, query: Option<&'a str>, body: &'a [u8]) -> Routed {
        let headers: [(&str, &str); 2] = [("X-Worker-Token", "t"), ("x-rxon-version", "1.0b5")];
        route(
            &WorkerRequest {
                method,
                path,
                query,
                headers: &headers[..],
                body,
                cert_identity: None,
                remote_addr: None,
            },
            64,
        )
    }

    fn status(routed: Routed) -> u16 {
        match routed {
            Routed::Reply(reply) => reply.status,
            other => panic!("not a reply: {other:?}"),
        }
    }

    #[test]
    fn each_route_becomes_its_action_with_its_context() {
        let Routed::Call {
            action,
            payload,
            context,
        } = request(
            "GET",
            "/_worker/workers/w%2D1/tasks/next",
            Some("timeout=2.5&available_skills=a,%20b,,&hot_skills="),
            b"",
        )
        else {
            panic!("a poll")
        };
        assert_eq!((action, payload), (Action::Poll, Value::String("w-1".into())));
        assert_eq!(context.token.as_deref(), Some("t"));
        assert_eq!(context.protocol_version.as_deref(), Some("1.0b5"));
        assert_eq!(context.poll_timeout, Some(2.5));
        assert_eq!(context.available_skills, Some(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(context.hot_skills, Some(vec![]));
        let Routed::Call { action, payload, .. } = request("PATCH", "/_worker/workers/w1", None, b" ") else {
            panic!("a heartbeat")
        };
        assert_eq!((action, payload), (Action::Heartbeat, Value::Null));
        let Routed::Call { action, .. } = request("POST", "/_worker/auth/token", None, b"not json") else {
            panic!("an STS token request ignores its body")
        };
        assert_eq!(action, Action::StsToken);
        let Routed::Upgrade { worker_id, context } = request("GET", "/_worker/ws/w1", None, b"") else {
            panic!("an upgrade")
        };
        assert_eq!(
            (worker_id.as_str(), context.worker_id_hint.as_deref()),
            ("w1", Some("w1"))
        );
    }

    #[test]
    fn bad_requests_are_answered_without_the_handler() {
        assert_eq!(status(request("GET", "/_worker/nothing", None, b"")), 404);
        assert_eq!(status(request("GET", "/_worker/workers/register", None, b"")), 405);
        assert_eq!(status(request("GET", "/_worker/workers//tasks/next", None, b"")), 404);
        assert_eq!(status(request("POST", "/_worker/tasks/result", None, b"{\"a\":")), 400);
        assert_eq!(status(request("POST", "/_worker/tasks/result", None, &[b' '; 65])), 413);
    }

    #[test]
    fn answers_defaults_and_errors_are_the_references() {
        let body = |reply: Reply| String::from_utf8(reply.body).unwrap();
        assert_eq!(body(reply(Action::Register, Ok(None))), r#"{"status":"registered"}"#);
        assert_eq!(
            body(reply(Action::Result, Ok(Some(crate::json!({}))))),
            r#"{"status":"ok"}"#
        );
        assert_eq!(
            body(reply(Action::Event, Ok(Some(crate::json!({"b": 1, "a": null}))))),
            r#"{"b":1}"#
        );
        assert_eq!(reply(Action::Poll, Ok(None)).status, 204);
        assert_eq!(body(reply(Action::Heartbeat, Ok(None))), "null");
        let limited = reply(
            Action::Poll,
            Err(HandlerError::RateLimited {
                message: "slow down".into(),
                code: None,
                retry_after: Some(3),
            }),
        );
        assert_eq!(limited.status, 429);
        assert!(limited.headers.contains(&("retry-after", "3".to_string())));
        assert_eq!(body(limited), r#"{"code":"LIMIT_EXCEEDED_ERROR","error":"slow down"}"#);
        let denied = reply(Action::Result, Err(HandlerError::PermissionDenied("no".into())));
        assert_eq!((denied.status, body(denied)), (403, r#"{"error":"no"}"#.to_string()));
    }
}
