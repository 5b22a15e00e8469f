//! A small HTTP/1.1 client for one orchestrator: keep-alive connections (plain or TLS)
//! reused from a pool, a timeout per request, bounded response bodies. A worker sends few
//! requests at a time to one host, so this is all it needs, at a fraction of a general
//! client's cost per request.

use super::base_url::BaseUrl;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderMap, HeaderValue};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use rustls_pki_types::ServerName;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// Largest response body read (a task or an answer); larger ones are an error.
const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// Why a request got no response.
#[derive(Debug)]
pub(super) enum ClientError {
    /// The request or the connection did not finish in time.
    Timeout,
    /// The connection could not be opened (refused, TLS refused, …).
    Connect(String),
    /// The connection failed while the request was under way.
    Io(String),
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientError::Timeout => f.write_str("timeout"),
            ClientError::Connect(e) => write!(f, "connection failed: {e}"),
            ClientError::Io(e) => write!(f, "request failed: {e}"),
        }
    }
}

/// A response: status, headers, whole body.
pub(super) struct Reply {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
}

/// Where the orchestrator is.
struct Origin {
    host: String,
    port: u16,
    host_header: HeaderValue,
    tls: Option<(TlsConnector, ServerName<'static>)>,
}

/// The client of one orchestrator.
pub(super) struct Client {
    origin: Origin,
    connect_timeout: Duration,
    idle: Mutex<Vec<SendRequest<Full<Bytes>>>>,
}

impl Client {
    /// A client for `base_url`'s host and port (its path is the caller's).
    pub(super) fn new(
        base_url: &BaseUrl,
        tls: Option<Arc<rustls::ClientConfig>>,
        connect_timeout: Duration,
    ) -> Result<Self, String> {
        let host_header =
            HeaderValue::from_str(&base_url.authority).map_err(|e| format!("bad host in {}: {e}", base_url.text))?;
        let (bare_host, port) = (base_url.host.clone(), base_url.port);
        let tls = match (base_url.https, tls) {
            (true, Some(config)) => {
                let name =
                    ServerName::try_from(bare_host.clone()).map_err(|e| format!("bad TLS name {bare_host}: {e}"))?;
                Some((TlsConnector::from(config), name))
            }
            (true, None) => return Err("https needs a TLS configuration".into()),
            (false, _) => None,
        };
        Ok(Client {
            origin: Origin {
                host: bare_host,
                port,
                host_header,
                tls,
            },
            connect_timeout,
            idle: Mutex::new(Vec::new()),
        })
    }

    fn take_idle(&self) -> Option<SendRequest<Full<Bytes>>> {
        let mut idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        while let Some(sender) = idle.pop() {
            if !sender.is_closed() {
                return Some(sender);
            }
        }
        None
    }

    fn give_back(&self, sender: SendRequest<Full<Bytes>>) {
        if !sender.is_closed() {
            self.idle
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(sender);
        }
    }

    /// Drops every pooled connection.
    pub(super) fn clear(&self) {
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, ClientError> {
        let origin = &self.origin;
        let opening = async {
            let tcp = TcpStream::connect((origin.host.as_str(), origin.port))
                .await
                .map_err(|e| ClientError::Connect(e.to_string()))?;
            let _ = tcp.set_nodelay(true);
            match &origin.tls {
                None => handshake(TokioIo::new(tcp)).await,
                Some((connector, name)) => {
                    let stream = connector
                        .connect(name.clone(), tcp)
                        .await
                        .map_err(|e| ClientError::Connect(e.to_string()))?;
                    handshake(TokioIo::new(stream)).await
                }
            }
        };
        tokio::time::timeout(self.connect_timeout, opening)
            .await
            .map_err(|_| ClientError::Timeout)?
    }

    /// Sends one request and reads the whole response within `timeout`.
    pub(super) async fn send(
        &self,
        method: &Method,
        path_and_query: &str,
        headers: &HeaderMap,
        body: Option<Vec<u8>>,
        timeout: Duration,
    ) -> Result<Reply, ClientError> {
        let body = Bytes::from(body.unwrap_or_default());
        let exchange = async {
            // A pooled connection the server closed meanwhile fails before the request goes
            // out; then a fresh connection is tried once.
            let (mut sender, reused) = match self.take_idle() {
                Some(sender) => (sender, true),
                None => (self.connect().await?, false),
            };
            let response = match sender
                .send_request(self.request(method, path_and_query, headers, body.clone()))
                .await
            {
                Ok(response) => response,
                Err(err) if reused && err.is_canceled() => {
                    sender = self.connect().await?;
                    sender
                        .send_request(self.request(method, path_and_query, headers, body))
                        .await
                        .map_err(|e| ClientError::Io(e.to_string()))?
                }
                Err(err) => return Err(ClientError::Io(err.to_string())),
            };
            let (parts, incoming) = response.into_parts();
            let body = Limited::new(incoming, MAX_RESPONSE_BYTES)
                .collect()
                .await
                .map_err(|e| ClientError::Io(e.to_string()))?
                .to_bytes();
            self.give_back(sender);
            Ok(Reply {
                status: parts.status,
                headers: parts.headers,
                body,
            })
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| ClientError::Timeout)?
    }

    fn request(&self, method: &Method, path_and_query: &str, headers: &HeaderMap, body: Bytes) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(body.clone()));
        *request.method_mut() = method.clone();
        if let Ok(uri) = path_and_query.parse() {
            *request.uri_mut() = uri;
        }
        let map = request.headers_mut();
        map.reserve(headers.len() + 3);
        map.insert(HOST, self.origin.host_header.clone());
        for (name, value) in headers {
            map.insert(name, value.clone());
        }
        if !body.is_empty() || *method == Method::POST || *method == Method::PATCH {
            map.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
            if !body.is_empty() {
                map.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
        }
        request
    }
}

async fn handshake<I>(io: TokioIo<I>) -> Result<SendRequest<Full<Bytes>>, ClientError>
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| ClientError::Connect(e.to_string()))?;
    // The connection runs until the server closes it or every sender is dropped.
    tokio::spawn(async move {
        if let Err(err) = connection.await {
            tracing::debug!(%err, "orchestrator connection ended");
        }
    });
    Ok(sender)
}
