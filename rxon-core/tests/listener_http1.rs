//! The listener's HTTP/1.1 over raw sockets: keep-alive, pipelining, `Connection: close`,
//! HTTP/1.0, and what its own front hands to hyper mid-connection (a chunked body, `Expect`,
//! a WebSocket upgrade after other requests) — each answered as a client expects.

mod common;

use rxon_core::listener::{Action, ListenerOptions};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Writes `request` and reads until `responses` HTTP responses have arrived whole (each with
/// its body), or the connection closes; the responses' texts, and whether it closed.
fn talk(stream: &mut TcpStream, request: &[u8], responses: usize) -> (Vec<String>, bool) {
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    stream.write_all(request).unwrap();
    let (mut bytes, mut chunk) = (Vec::new(), [0u8; 4096]);
    loop {
        let (done, _) = split(&bytes);
        if done.len() >= responses {
            return (done, false);
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return (split(&bytes).0, true),
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
        }
    }
}

/// The whole responses in `bytes` (bodies by `content-length`; a 1xx or 204 has none).
fn split(bytes: &[u8]) -> (Vec<String>, usize) {
    let (mut responses, mut at) = (Vec::new(), 0);
    while let Some(end) = find(&bytes[at..], b"\r\n\r\n") {
        let head = String::from_utf8_lossy(&bytes[at..at + end]).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length: "))
            .map_or(0, |n| n.trim().parse::<usize>().unwrap());
        let whole = at + end + 4 + length;
        if bytes.len() < whole {
            break;
        }
        responses.push(String::from_utf8_lossy(&bytes[at..whole]).into_owned());
        at = whole;
    }
    (responses, at)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn heartbeat(version: &str, extra: &str) -> String {
    let body = r#"{"worker_id": "w1", "status": "idle"}"#;
    format!(
        "PATCH /_worker/workers/w1 {version}\r\nhost: x\r\nx-worker-token: t\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}\r\n{body}",
        body.len()
    )
}

async fn serving() -> (
    rxon_core::listener::Listener,
    std::sync::Arc<common::Engine>,
    SocketAddr,
) {
    let (listener, engine) = common::listener(ListenerOptions::default()).await;
    let addr = listener.local_addr();
    (listener, engine, addr)
}

fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> tokio::task::JoinHandle<T> {
    tokio::task::spawn_blocking(f)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alive_pipelining_and_close_are_honoured() {
    let (_listener, engine, addr) = serving().await;
    blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        // Three requests in one write: three answers, in order, on a connection kept open.
        let pipelined = format!(
            "{}{}{}",
            heartbeat("HTTP/1.1", ""),
            heartbeat("HTTP/1.1", ""),
            heartbeat("HTTP/1.1", "")
        );
        let (answers, closed) = talk(&mut stream, pipelined.as_bytes(), 3);
        assert_eq!(answers.len(), 3, "{answers:?}");
        assert!(!closed);
        for answer in &answers {
            assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
            assert!(answer.contains("x-rxon-version: "), "{answer}");
            assert!(answer.contains("content-type: application/json"), "{answer}");
            assert!(answer.contains("date: "), "{answer}");
            assert!(
                answer.ends_with(r#"{"cancel_task_ids":["t9"],"require_full_sync":true,"status":"ok"}"#),
                "{answer}"
            );
        }
        // `Connection: close`: answered with it, then closed.
        let (answers, closed) = talk(
            &mut stream,
            heartbeat("HTTP/1.1", "connection: close\r\n").as_bytes(),
            2,
        );
        assert_eq!(answers.len(), 1);
        assert!(answers[0].contains("connection: close\r\n"), "{}", answers[0]);
        assert!(closed);
        // HTTP/1.0 without keep-alive: one answer, then closed; with keep-alive: kept.
        let mut stream = TcpStream::connect(addr).unwrap();
        let (answers, closed) = talk(&mut stream, heartbeat("HTTP/1.0", "").as_bytes(), 2);
        assert_eq!((answers.len(), closed), (1, true), "{answers:?}");
        let mut stream = TcpStream::connect(addr).unwrap();
        let (answers, closed) = talk(
            &mut stream,
            heartbeat("HTTP/1.0", "connection: keep-alive\r\n").as_bytes(),
            1,
        );
        assert_eq!((answers.len(), closed), (1, false), "{answers:?}");
    })
    .await
    .unwrap();
    assert_eq!(engine.calls(Action::Heartbeat).len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chunked_bodies_and_expect_continue_are_served_after_other_requests() {
    let (_listener, engine, addr) = serving().await;
    blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        let (answers, _) = talk(&mut stream, heartbeat("HTTP/1.1", "").as_bytes(), 1);
        assert_eq!(answers.len(), 1);
        // A chunked result on the same connection.
        let body = r#"{"job_id": "j1", "task_id": "t1", "worker_id": "w1", "status": "success", "data": {}}"#;
        let (first, second) = body.split_at(20);
        let chunked = format!(
            "POST /_worker/tasks/result HTTP/1.1\r\nhost: x\r\nx-worker-token: t\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{first}\r\n{:x}\r\n{second}\r\n0\r\n\r\n",
            first.len(),
            second.len()
        );
        let (answers, closed) = talk(&mut stream, chunked.as_bytes(), 1);
        assert!(!closed);
        assert!(answers[0].starts_with("HTTP/1.1 200 OK"), "{}", answers[0]);
        assert!(answers[0].ends_with(r#"{"status":"ok"}"#), "{}", answers[0]);
        // Then `Expect: 100-continue` (curl's way with bodies): 100 first, then the answer.
        let head = format!(
            "POST /_worker/tasks/result HTTP/1.1\r\nhost: x\r\nx-worker-token: t\r\nexpect: 100-continue\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        let (answers, _) = talk(&mut stream, head.as_bytes(), 1);
        assert!(answers[0].starts_with("HTTP/1.1 100 Continue"), "{answers:?}");
        let (answers, _) = talk(&mut stream, body.as_bytes(), 1);
        assert!(answers[0].starts_with("HTTP/1.1 200 OK"), "{answers:?}");
    })
    .await
    .unwrap();
    assert_eq!(engine.calls(Action::Result).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_opens_on_a_connection_that_served_requests_before() {
    let (_listener, engine, addr) = serving().await;
    blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        let (answers, _) = talk(&mut stream, heartbeat("HTTP/1.1", "").as_bytes(), 1);
        assert_eq!(answers.len(), 1);
        let upgrade = "GET /_worker/ws/w1 HTTP/1.1\r\nhost: x\r\nx-worker-token: t\r\nconnection: upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        let (answers, closed) = talk(&mut stream, upgrade.as_bytes(), 1);
        assert!(!closed);
        assert!(answers[0].starts_with("HTTP/1.1 101 Switching Protocols"), "{answers:?}");
        assert!(answers[0].contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "{answers:?}");
        // A GET of the socket's path that does not ask to upgrade is refused, not hung.
        let mut stream = TcpStream::connect(addr).unwrap();
        let (answers, _) = talk(&mut stream, b"GET /_worker/ws/w1 HTTP/1.1\r\nhost: x\r\nx-worker-token: t\r\n\r\n", 1);
        assert!(answers[0].starts_with("HTTP/1.1 4"), "{answers:?}");
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!engine.calls(Action::WebsocketAuth).is_empty());
}

/// Holds every poll until it is dropped, and says so.
#[derive(Default)]
struct HoldingEngine {
    polls_dropped: std::sync::atomic::AtomicUsize,
}

struct Dropped<'a>(&'a std::sync::atomic::AtomicUsize);

impl Drop for Dropped<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[async_trait::async_trait]
impl rxon_core::listener::Handler for HoldingEngine {
    async fn handle(
        &self,
        action: Action,
        _payload: rxon_core::json::Value,
        _context: &rxon_core::listener::Context,
    ) -> Result<Option<rxon_core::json::Value>, rxon_core::listener::HandlerError> {
        if action == Action::Poll {
            let _guard = Dropped(&self.polls_dropped);
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
        Ok(None)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_that_hangs_up_ends_its_long_poll() {
    let listener = rxon_core::listener::Listener::bind("127.0.0.1:0", ListenerOptions::default())
        .await
        .unwrap();
    let engine = std::sync::Arc::new(HoldingEngine::default());
    listener.set_handler(engine.clone());
    let addr = listener.local_addr();
    blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        let poll = "GET /_worker/workers/w1/tasks/next?timeout=60 HTTP/1.1\r\nhost: x\r\nx-worker-token: t\r\n\r\n";
        stream.write_all(poll.as_bytes()).unwrap();
        std::thread::sleep(Duration::from_millis(200));
    })
    .await
    .unwrap();
    let gone = std::time::Instant::now();
    while engine.polls_dropped.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        assert!(
            gone.elapsed() < Duration::from_secs(5),
            "the abandoned poll's handler still runs"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
