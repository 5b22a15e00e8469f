//! rxon's own HTTP/1.1 front for worker connections. A worker's request — a head and a body of
//! known length — is read, routed and answered here, and nothing of it is kept while the
//! handler works: a held long poll costs its socket, its task and the handler's future, not a
//! general-purpose server's per-connection buffers (hyper keeps an 8 KiB read and an 8 KiB
//! write buffer for every connection, most of an idle poll's memory). Everything else that
//! may come on a connection — a WebSocket upgrade, a chunked body, `Expect`, a head that is
//! not HTTP or too large, methods workers do not use — goes to hyper, handed the connection
//! with the bytes already read, so those answers stay hyper's.

use super::exchange::{self, Headers, Reply, Routed, WorkerRequest};
use super::routes::{self, ConnInfo};
use super::{Served, serve_hyper, stopping};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::sync::watch;

/// Most headers a request may have (hyper's default too).
const MAX_HEADERS: usize = 100;
/// What a request's head is first read into; it grows up to the head limit as needed.
const FIRST_READ: usize = 1024;

/// A request's head, read and checked.
struct Head {
    /// The bytes read: the head, then whatever followed it.
    buffer: Vec<u8>,
    head_length: usize,
    body_length: usize,
    /// `Connection: close`, or HTTP/1.0 without keep-alive.
    close: bool,
}

enum Read {
    /// The client closed between requests (or in the middle of one).
    Closed,
    /// Not for this front: hyper takes the connection from these bytes on.
    Hyper(Vec<u8>),
    Head(Head),
}

/// What the front needs of a parsed head; `None` sends the request to hyper.
struct Facts {
    body_length: usize,
    close: bool,
}

fn facts(request: &httparse::Request<'_, '_>) -> Option<Facts> {
    if !matches!(request.method?, "GET" | "POST" | "PATCH" | "PUT" | "DELETE") || !request.path?.starts_with('/') {
        return None;
    }
    let (mut body_length, mut close, mut keep_alive) = (None, false, false);
    for header in request.headers.iter() {
        let name = header.name;
        if ["transfer-encoding", "expect", "upgrade"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n))
        {
            return None;
        }
        if name.eq_ignore_ascii_case("content-length") {
            let length = std::str::from_utf8(header.value).ok()?.trim().parse::<usize>().ok()?;
            if body_length.replace(length).is_some_and(|earlier| earlier != length) {
                return None;
            }
        } else if name.eq_ignore_ascii_case("connection") {
            let value = std::str::from_utf8(header.value).ok()?;
            close |= value.split(',').any(|v| v.trim().eq_ignore_ascii_case("close"));
            keep_alive |= value.split(',').any(|v| v.trim().eq_ignore_ascii_case("keep-alive"));
        }
    }
    Some(Facts {
        body_length: body_length.unwrap_or(0),
        close: close || (request.version? == 0 && !keep_alive),
    })
}

/// Reads one request's head (the bytes of an earlier read first).
async fn read_head<I: AsyncRead + Unpin>(io: &mut I, mut buffer: Vec<u8>, max_head: usize) -> io::Result<Read> {
    buffer.reserve(FIRST_READ.saturating_sub(buffer.len()));
    loop {
        if !buffer.is_empty() {
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut request = httparse::Request::new(&mut headers);
            match request.parse(&buffer) {
                Ok(httparse::Status::Complete(head_length)) => {
                    let Some(facts) = facts(&request) else {
                        return Ok(Read::Hyper(buffer));
                    };
                    return Ok(Read::Head(Head {
                        buffer,
                        head_length,
                        body_length: facts.body_length,
                        close: facts.close,
                    }));
                }
                Ok(httparse::Status::Partial) if buffer.len() <= max_head => {}
                // Not HTTP, too many headers, or too large: hyper answers those.
                _ => return Ok(Read::Hyper(buffer)),
            }
        }
        if buffer.len() == buffer.capacity() {
            buffer.reserve(buffer.len().min(max_head));
        }
        if io.read_buf(&mut buffer).await? == 0 {
            return Ok(Read::Closed);
        }
    }
}

/// Reads the rest of the body into `head.buffer`; false when the client went away first.
async fn read_body<I: AsyncRead + Unpin>(io: &mut I, head: &mut Head) -> io::Result<bool> {
    let length = head.head_length + head.body_length;
    head.buffer.reserve(length.saturating_sub(head.buffer.len()));
    while head.buffer.len() < length {
        if io.read_buf(&mut head.buffer).await? == 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Resolves when the client hangs up; what it sends meanwhile (a pipelined request) is kept
/// in `pending`. One byte at a time: no buffer is held for it while a long poll waits.
async fn hung_up<I: AsyncRead + Unpin>(io: &mut I, pending: &mut Vec<u8>) {
    let mut byte = [0u8; 1];
    while let Ok(1) = io.read(&mut byte).await {
        pending.push(byte[0]);
    }
}

/// The parsed headers, for [`exchange::route`].
struct Parsed<'a>(&'a [httparse::Header<'a>]);

impl Headers for Parsed<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        let header = self.0.iter().find(|h| h.name.eq_ignore_ascii_case(name))?;
        std::str::from_utf8(header.value).ok()
    }
}

/// Routes the whole request in `head.buffer`.
fn route(head: &Head, conn: &ConnInfo, body_limit: usize) -> Routed {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    // It parsed whole before: the same bytes parse the same.
    let _ = request.parse(&head.buffer[..head.head_length]);
    let target = request.path.unwrap_or("/");
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    exchange::route(
        &WorkerRequest {
            method: request.method.unwrap_or(""),
            path,
            query,
            headers: &Parsed(request.headers),
            body: &head.buffer[head.head_length..head.head_length + head.body_length],
            cert_identity: conn.cert_identity.clone(),
            remote_addr: conn.remote_addr,
        },
        body_limit,
    )
}

/// `reply` as HTTP/1.1 bytes, with `Connection: close` when the connection ends after it.
fn response_bytes(reply: &Reply, close: bool) -> Vec<u8> {
    use std::io::Write;
    let reason = axum::http::StatusCode::from_u16(reply.status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .unwrap_or("");
    let mut out = Vec::with_capacity(192 + reply.body.len());
    let _ = write!(out, "HTTP/1.1 {} {reason}\r\n", reply.status);
    for (name, value) in &reply.headers {
        let _ = write!(out, "{name}: {value}\r\n");
    }
    if !matches!(reply.status, 204 | 304) {
        let _ = write!(out, "content-length: {}\r\n", reply.body.len());
    }
    if close {
        out.extend_from_slice(b"connection: close\r\n");
    }
    let _ = write!(
        out,
        "date: {}\r\n\r\n",
        httpdate::fmt_http_date(std::time::SystemTime::now())
    );
    out.extend_from_slice(&reply.body);
    out
}

/// Serves one worker connection until it closes, the listener shuts down (after the request
/// in flight), or hyper takes it over.
pub(super) async fn serve<I>(mut io: I, served: Arc<Served>, conn: ConnInfo, mut shutdown: watch::Receiver<bool>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    // Bytes read past the previous request (a client that pipelines).
    let mut pending = Vec::new();
    loop {
        let read = tokio::select! {
            read = tokio::time::timeout(
                served.limits.header_read_timeout,
                read_head(&mut io, std::mem::take(&mut pending), served.limits.max_header_bytes),
            ) => read,
            // Shutting down: a connection between requests closes.
            _ = stopping(&mut shutdown) => return,
        };
        let mut head = match read {
            // Headers that never end (slowloris), or idle past the timeout: closed.
            Err(_) | Ok(Err(_)) | Ok(Ok(Read::Closed)) => return,
            Ok(Ok(Read::Hyper(buffer))) => {
                return hand_over(io, buffer, &served, conn, shutdown).await;
            }
            Ok(Ok(Read::Head(head))) => head,
        };
        let body_limit = served.state.body_limit;
        if head.body_length > body_limit {
            let reply = exchange::error_reply(413, &format!("Request body exceeds {body_limit} bytes"));
            let _ = io.write_all(&response_bytes(&reply, true)).await;
            let _ = io.shutdown().await;
            return;
        }
        // A body cut off midway reaches no one.
        if !matches!(read_body(&mut io, &mut head).await, Ok(true)) {
            return;
        }
        let routed = route(&head, &conn, body_limit);
        let Head { mut buffer, .. } = head;
        pending = buffer.split_off(head.head_length + head.body_length);
        let reply = match routed {
            Routed::Reply(reply) => reply,
            Routed::Upgrade { .. } => {
                // The command WebSocket: hyper and axum upgrade it, from this request on.
                buffer.append(&mut pending);
                return hand_over(io, buffer, &served, conn, shutdown).await;
            }
            Routed::Call {
                action,
                payload,
                context,
            } => {
                // Nothing of the request is kept while the handler works (a long poll waits).
                drop(buffer);
                tokio::select! {
                    biased;
                    reply = routes::call(&served.state, action, payload, context) => reply,
                    // The worker hung up (a cancelled poll): the poll's handler is cancelled
                    // (it must not take a task for no one); other calls run on to their end.
                    () = hung_up(&mut io, &mut pending) => return,
                }
            }
        };
        let close = head.close || *shutdown.borrow();
        let written = io.write_all(&response_bytes(&reply, close)).await;
        if written.is_err() || close {
            let _ = io.shutdown().await;
            return;
        }
    }
}

/// Hyper serves the rest of the connection, from `read` (the bytes already taken) on. Its
/// state is on the heap: a connection served here does not carry it (kilobytes per poll).
async fn hand_over<I>(io: I, read: Vec<u8>, served: &Served, conn: ConnInfo, shutdown: watch::Receiver<bool>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (router, limits) = (served.router.clone(), served.limits);
    Box::pin(serve_hyper(Rewind::new(io, read), router, conn, shutdown, limits)).await
}

/// An I/O that reads `prefix` first: the bytes already taken from the connection.
pub(super) struct Rewind<I> {
    prefix: Vec<u8>,
    offset: usize,
    io: I,
}

impl<I> Rewind<I> {
    pub(super) fn new(io: I, prefix: Vec<u8>) -> Self {
        Rewind { prefix, offset: 0, io }
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for Rewind<I> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.offset < this.prefix.len() {
            let rest = &this.prefix[this.offset..];
            let n = rest.len().min(buf.remaining());
            buf.put_slice(&rest[..n]);
            this.offset += n;
            if this.offset == this.prefix.len() {
                this.prefix = Vec::new();
                this.offset = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.io).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Rewind<I> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}
