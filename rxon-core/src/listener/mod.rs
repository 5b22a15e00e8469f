//! The orchestrator side: an HTTP + WebSocket server that turns each worker request into
//! `handle(action, payload, context)` for the engine (see [`Handler`]), with the reference's
//! routes, default answers and error statuses, `X-RXON-Version` on every response, TLS and
//! mTLS (the client certificate's Common Name reaches the handler), and a graceful shutdown.
//! Worker requests are read and answered by rxon's own HTTP/1.1 front, which keeps nothing of
//! a request while its long poll waits (a few KiB per idle worker); WebSocket upgrades and
//! the rare rest (chunked bodies, `Expect`) are served by hyper and axum.
//!
//! ```no_run
//! # async fn demo(handler: std::sync::Arc<dyn rxon_core::listener::Handler>) -> rxon_core::Result<()> {
//! use rxon_core::listener::{Listener, ListenerOptions};
//! let listener = Listener::bind("127.0.0.1:8080", ListenerOptions::default()).await?;
//! listener.set_handler(handler);
//! // … later
//! listener.shutdown(std::time::Duration::from_secs(5)).await;
//! # Ok(()) }
//! ```

pub mod auth;
pub mod exchange;
mod handler;
mod http1;
mod routes;
mod sessions;

pub use auth::{AuthOptions, Authenticated, Credentials, WorkerCredential};
pub use handler::{Action, Context, Handler, HandlerError, SessionEvent};
pub use sessions::Sessions;

use crate::error::{Result, RxonError};
use crate::security::tls::{ServerTlsOptions, common_name, server_config};
use axum::response::IntoResponse;
use hyper_util::rt::TokioIo;
use routes::{AppState, ConnInfo};
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

/// Settings of the listener.
#[derive(Debug, Clone)]
pub struct ListenerOptions {
    /// Largest request body accepted; larger ones are answered 413 (default 16 MiB).
    pub body_limit: usize,
    /// Serve HTTPS with this certificate (and client-certificate policy).
    pub tls: Option<ServerTlsOptions>,
    /// Longest a TLS handshake may take (default 10 s).
    pub handshake_timeout: Duration,
    /// Longest a client may take to send a request's headers, counted from when the
    /// connection is ready for one (default 30 s, hyper's): a connection that dribbles them
    /// (slowloris), or stays idle between requests that long, is closed.
    pub header_read_timeout: Duration,
    /// Largest request head (request line and headers) in bytes (default 64 KiB); a larger one
    /// is answered 431.
    pub max_header_bytes: usize,
    /// Most connections served at once (default 50,000); one more is answered 503 with
    /// `Retry-After` and closed, never queued.
    pub max_connections: usize,
    /// Most long polls one worker id may hold at once (default 16); one more is answered 429
    /// with `Retry-After`.
    pub max_polls_per_worker: usize,
    /// Zero trust in front of the handler (see [`auth`]): off by default.
    pub auth: Option<AuthOptions>,
}

impl Default for ListenerOptions {
    fn default() -> Self {
        ListenerOptions {
            body_limit: 16 * 1024 * 1024,
            tls: None,
            handshake_timeout: Duration::from_secs(10),
            header_read_timeout: Duration::from_secs(30),
            max_header_bytes: 64 * 1024,
            max_connections: 50_000,
            max_polls_per_worker: 16,
            auth: None,
        }
    }
}

/// A running listener.
pub struct Listener {
    local_addr: SocketAddr,
    /// The zero trust every handler set is put behind, when configured.
    auth: Option<AuthOptions>,
    handler: Arc<RwLock<Option<Arc<dyn Handler>>>>,
    sessions: Sessions,
    shutdown: watch::Sender<bool>,
    accept_loop: JoinHandle<JoinSet<()>>,
}

impl Listener {
    /// Binds `addr` (e.g. `127.0.0.1:0`) and starts serving on the current tokio runtime.
    /// Until a handler is set, every action is answered 503.
    pub async fn bind(addr: &str, options: ListenerOptions) -> Result<Listener> {
        let tls = options
            .tls
            .as_ref()
            .map(server_config)
            .transpose()?
            .map(TlsAcceptor::from);
        let tcp = TcpListener::bind(addr)
            .await
            .map_err(|e| RxonError::network(format!("cannot listen on {addr}: {e}")).with_detail("addr", addr))?;
        let local_addr = tcp
            .local_addr()
            .map_err(|e| RxonError::network(format!("no local address: {e}")))?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let handler = Arc::new(RwLock::new(None));
        let sessions = Sessions::default();
        let state = AppState {
            handler: handler.clone(),
            sessions: sessions.clone(),
            body_limit: options.body_limit,
            shutdown: shutdown_rx.clone(),
            polls: routes::PollCounts::new(options.max_polls_per_worker),
        };
        let router = routes::router(state.clone());
        let served = Arc::new(Served {
            state,
            router,
            limits: Limits::from(&options),
        });
        let accept_loop = tokio::spawn(accept_loop(tcp, tls, served, shutdown_rx));
        Ok(Listener {
            local_addr,
            auth: options.auth,
            handler,
            sessions,
            shutdown,
            accept_loop,
        })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Sets (or replaces) the engine (behind zero trust, when the options ask for it).
    pub fn set_handler(&self, handler: Arc<dyn Handler>) {
        let handler = match &self.auth {
            Some(auth) => Arc::new(Authenticated::new(handler, auth.clone())),
            None => handler,
        };
        *self.handler.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(handler);
    }

    /// The workers' command WebSockets.
    pub fn sessions(&self) -> Sessions {
        self.sessions.clone()
    }

    /// Stops accepting, answers long polls 204, closes WebSockets, lets other requests in
    /// flight finish within `grace`, then drops what is left.
    pub async fn shutdown(self, grace: Duration) {
        let _ = self.shutdown.send(true);
        let Ok(mut connections) = self.accept_loop.await else {
            return;
        };
        let drained = tokio::time::timeout(grace, async { while connections.join_next().await.is_some() {} }).await;
        if drained.is_err() {
            tracing::warn!(
                ?grace,
                left = connections.len(),
                "connections still open after the grace period were dropped"
            );
            connections.abort_all();
        }
    }
}

/// The address to bind for `host` and `port`, as [`Listener::bind`] takes it: an IPv6 host
/// (`::1`) in brackets.
pub fn address(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Resolves once the listener is shutting down.
pub(super) async fn stopping(shutdown: &mut watch::Receiver<bool>) {
    // An error means the listener is gone: stop as well.
    let _ = shutdown.wait_for(|stopping| *stopping).await.map(|_| ());
}

/// What one connection may cost.
#[derive(Clone, Copy)]
struct Limits {
    handshake_timeout: Duration,
    header_read_timeout: Duration,
    max_header_bytes: usize,
    max_connections: usize,
}

impl From<&ListenerOptions> for Limits {
    fn from(options: &ListenerOptions) -> Self {
        Limits {
            handshake_timeout: options.handshake_timeout,
            header_read_timeout: options.header_read_timeout,
            // hyper's smallest buffer.
            max_header_bytes: options.max_header_bytes.max(8192),
            max_connections: options.max_connections.max(1),
        }
    }
}

/// The answer to a connection beyond `max_connections`: written, then the connection closed.
const OVERLOADED: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 1\r\ncontent-type: application/json\r\ncontent-length: 44\r\nconnection: close\r\n\r\n{\"error\":\"Too many connections, retry later\"}";

async fn refuse_connection(mut stream: TcpStream) {
    use tokio::io::AsyncWriteExt;
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(OVERLOADED)).await;
    let _ = stream.shutdown().await;
}

/// What every connection is served with, shared (one pointer per connection): the state for
/// rxon's HTTP/1 front, the router for what goes to hyper, and the limits.
pub(super) struct Served {
    state: AppState,
    router: axum::Router,
    limits: Limits,
}

async fn accept_loop(
    tcp: TcpListener,
    tls: Option<TlsAcceptor>,
    served: Arc<Served>,
    mut shutdown: watch::Receiver<bool>,
) -> JoinSet<()> {
    let limits = served.limits;
    let mut connections = JoinSet::new();
    let mut refusals = JoinSet::new();
    loop {
        // Reap finished connections so the set only holds live ones.
        while connections.try_join_next().is_some() {}
        while refusals.try_join_next().is_some() {}
        let (stream, remote_addr) = tokio::select! {
            accepted = tcp.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: wait a moment, keep serving.
                    tracing::warn!(%err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopping(&mut shutdown) => break,
        };
        let _ = stream.set_nodelay(true);
        // Connections that ended while this one was awaited leave room for it.
        while connections.try_join_next().is_some() {}
        if connections.len() >= limits.max_connections {
            // Answered at once and closed (a TLS client sees the connection close), never queued.
            if refusals.len() < 1024 {
                refusals.spawn(refuse_connection(stream));
            }
            continue;
        }
        let served = served.clone();
        let shutdown = shutdown.clone();
        match &tls {
            // The connection's task is the front's future itself: nothing more per idle poll.
            None => {
                let conn = ConnInfo {
                    cert_identity: None,
                    remote_addr: Some(remote_addr),
                };
                connections.spawn(http1::serve(stream, served, conn, shutdown));
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                connections.spawn(async move {
                    let handshake = handshake(acceptor, stream, remote_addr, limits.handshake_timeout).await;
                    if let Some((stream, conn)) = handshake {
                        http1::serve(stream, served, conn, shutdown).await;
                    }
                });
            }
        }
    }
    connections
}

async fn handshake(
    acceptor: TlsAcceptor,
    stream: TcpStream,
    remote_addr: SocketAddr,
    timeout: Duration,
) -> Option<(tokio_rustls::server::TlsStream<TcpStream>, ConnInfo)> {
    match tokio::time::timeout(timeout, acceptor.accept(stream)).await {
        Ok(Ok(stream)) => {
            let cert_identity = stream
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|certs| certs.first())
                .and_then(common_name);
            Some((
                stream,
                ConnInfo {
                    cert_identity,
                    remote_addr: Some(remote_addr),
                },
            ))
        }
        Ok(Err(err)) => {
            tracing::debug!(%err, %remote_addr, "TLS handshake failed");
            None
        }
        Err(_) => {
            tracing::debug!(%remote_addr, "TLS handshake timed out");
            None
        }
    }
}

/// Serves one connection with hyper (what rxon's HTTP/1 front hands over); on shutdown,
/// finishes the request in flight and closes.
async fn serve_hyper<I>(
    io: I,
    router: axum::Router,
    conn: ConnInfo,
    mut shutdown: watch::Receiver<bool>,
    limits: Limits,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    // The connection's facts ride in each request's extensions; layering the router per
    // connection instead would copy every route (kilobytes per idle connection).
    let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(conn.clone());
        let router = router.clone();
        async move { Ok::<_, std::convert::Infallible>(tower::ServiceExt::oneshot(router, request).await.into_response()) }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes)
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades();
    tokio::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        _ = stopping(&mut shutdown) => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(err) = result {
        tracing::debug!(%err, "connection ended with an error");
    }
}
