//! The listener under abuse, over raw sockets: each hostile input gets its answer (the table in
//! docs/reliability.md), the engine never sees it, and the listener keeps serving.

mod common;

use common::Engine;
use rxon_core::listener::{Action, Listener, ListenerOptions};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn listening(options: ListenerOptions) -> (Listener, Arc<Engine>, SocketAddr) {
    let (listener, engine) = common::listener(options).await;
    let addr = listener.local_addr();
    (listener, engine, addr)
}

/// Sends `request` (raw bytes) on a fresh connection and reads the answer until the server
/// closes or `within` passes; the status (0 for none) and the whole answer.
fn exchange(addr: SocketAddr, request: &[u8], within: Duration) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(within)).unwrap();
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn post(path: &str, body: &[u8], extra_headers: &str) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\nx-worker-token: t\r\ncontent-length: {}\r\n{extra_headers}\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> tokio::task::JoinHandle<T> {
    tokio::task::spawn_blocking(f)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_that_never_end_are_cut_off() {
    let options = ListenerOptions {
        header_read_timeout: Duration::from_millis(500),
        ..ListenerOptions::default()
    };
    let (_listener, engine, addr) = listening(options).await;
    let started = Instant::now();
    let (status, _) = blocking(move || {
        exchange(
            addr,
            b"GET /_worker/workers/w1/tasks/next HTTP/1.1\r\nhost: x\r\nx-slow: ",
            Duration::from_secs(5),
        )
    })
    .await
    .unwrap();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "closed after {took:?}");
    assert!(status == 0 || status == 408, "status {status}");
    assert!(engine.calls.lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_heads_bodies_and_bad_bodies_get_their_statuses() {
    let options = ListenerOptions {
        body_limit: 64 * 1024,
        max_header_bytes: 16 * 1024,
        ..ListenerOptions::default()
    };
    let (_listener, engine, addr) = listening(options).await;
    let big_header = format!("x-big: {}\r\n", "a".repeat(40 * 1024));
    let nested = "[".repeat(50_000);
    let digits = format!(
        r#"{{"worker_id": "w1", "status": "idle", "metadata": {{"n": {}}}}}"#,
        "9".repeat(5000)
    );
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("oversized head", post("/_worker/events", b"{}", &big_header), 431),
        (
            "oversized body",
            post("/_worker/events", &vec![b' '; 100 * 1024], ""),
            413,
        ),
        (
            "invalid UTF-8",
            post("/_worker/events", b"{\"a\": \"\xff\xfe\"}", ""),
            400,
        ),
        ("deeply nested", post("/_worker/events", nested.as_bytes(), ""), 400),
        ("not JSON", post("/_worker/events", b"hello", ""), 400),
        (
            "thousands of digits",
            post("/_worker/workers/register", digits.as_bytes(), ""),
            200,
        ),
        (
            "duplicate keys",
            post("/_worker/events", br#"{"a": 1, "a": 2}"#, ""),
            200,
        ),
        (
            "wrong content type",
            post("/_worker/events", b"{}", "content-type: text/plain\r\n"),
            200,
        ),
        ("unknown path", post("/_worker/nowhere", b"{}", ""), 404),
        (
            "wrong method",
            b"DELETE /_worker/events HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n".to_vec(),
            405,
        ),
        ("not HTTP", b"\x16\x03\x01\x02\x00 hello\r\n\r\n".to_vec(), 400),
    ];
    for (what, request, expected) in cases {
        let (status, answer) = blocking(move || exchange(addr, &request, Duration::from_secs(5)))
            .await
            .unwrap();
        assert_eq!(status, expected, "{what}: {}", answer.lines().next().unwrap_or(""));
    }
    // Only the well-formed ones reached the engine: the big number exactly as sent.
    let registered = engine.calls(Action::Register);
    assert_eq!(registered.len(), 1);
    assert_eq!(
        rxon_core::json::to_text(&registered[0].0["metadata"]["n"]),
        "9".repeat(5000)
    );
    assert_eq!(
        engine.calls(Action::Event).len(),
        2,
        "duplicate keys and a text/plain body are still JSON"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_cut_off_midway_reaches_no_one_and_the_listener_keeps_serving() {
    let (_listener, engine, addr) = listening(ListenerOptions::default()).await;
    blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        let head = "POST /_worker/events HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n{\"event_id\":";
        stream.write_all(head.as_bytes()).unwrap();
        drop(stream);
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, _) = blocking(move || exchange(addr, &post("/_worker/events", b"{}", ""), Duration::from_secs(5)))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert_eq!(engine.calls(Action::Event).len(), 1, "only the whole request arrived");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_are_answered_503_not_queued() {
    let options = ListenerOptions {
        max_connections: 20,
        ..ListenerOptions::default()
    };
    let (_listener, _engine, addr) = listening(options).await;
    let held: Vec<TcpStream> = (0..20).map(|_| TcpStream::connect(addr).unwrap()).collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, answer) =
        blocking(move || exchange(addr, &post("/_worker/events", b"{}", ""), Duration::from_secs(5)))
            .await
            .unwrap();
    assert_eq!(status, 503, "{answer}");
    assert!(answer.to_ascii_lowercase().contains("retry-after: 1"), "{answer}");
    drop(held);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, _) = blocking(move || exchange(addr, &post("/_worker/events", b"{}", ""), Duration::from_secs(5)))
        .await
        .unwrap();
    assert_eq!(status, 200, "served again once connections closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_long_polls_from_one_worker_is_answered_429() {
    let options = ListenerOptions {
        max_polls_per_worker: 2,
        ..ListenerOptions::default()
    };
    let (_listener, _engine, addr) = listening(options).await;
    let poll = |worker: &str| {
        format!("GET /_worker/workers/{worker}/tasks/next?timeout=2 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            .into_bytes()
    };
    // Two polls held (the engine waits out their timeout), then a third from the same worker.
    let held: Vec<_> = (0..2)
        .map(|_| {
            let request = poll("w1");
            blocking(move || exchange(addr, &request, Duration::from_secs(10)))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (request, other) = (poll("w1"), poll("w2"));
    let (status, answer) = blocking(move || exchange(addr, &request, Duration::from_secs(5)))
        .await
        .unwrap();
    assert_eq!(status, 429, "{answer}");
    assert!(answer.to_ascii_lowercase().contains("retry-after: 1"), "{answer}");
    let (status, _) = blocking(move || exchange(addr, &other, Duration::from_secs(10)))
        .await
        .unwrap();
    assert_eq!(status, 204, "another worker still polls");
    for poll in held {
        assert_eq!(poll.await.unwrap().0, 204);
    }
}

/// Records a result only after a while, as an engine writing to its database does.
#[derive(Default)]
struct SlowEngine {
    results: std::sync::Mutex<Vec<rxon_core::json::Value>>,
}

#[async_trait::async_trait]
impl rxon_core::listener::Handler for SlowEngine {
    async fn handle(
        &self,
        action: Action,
        payload: rxon_core::json::Value,
        _context: &rxon_core::listener::Context,
    ) -> Result<Option<rxon_core::json::Value>, rxon_core::listener::HandlerError> {
        if action == Action::Result {
            tokio::time::sleep(Duration::from_millis(300)).await;
            self.results.lock().unwrap().push(payload);
        }
        Ok(None)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_whose_worker_hangs_up_is_still_handled_to_the_end() {
    // Behind zero trust the same signed message is refused as a replay when it comes again,
    // so a result the engine was given must not be dropped halfway when its connection goes.
    let listener = Listener::bind("127.0.0.1:0", ListenerOptions::default()).await.unwrap();
    let engine = Arc::new(SlowEngine::default());
    listener.set_handler(engine.clone());
    let addr = listener.local_addr();
    let body = br#"{"job_id":"j1","task_id":"t1","worker_id":"w1","status":"success","data":{}}"#;
    blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.write_all(&post("/_worker/tasks/result", body, "")).unwrap();
        std::thread::sleep(Duration::from_millis(50));
        drop(stream);
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        engine.results.lock().unwrap().len(),
        1,
        "the result was dropped with its connection"
    );
}
