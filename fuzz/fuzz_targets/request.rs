//! The listener's request path on any request: method, path, query, headers and body from the
//! input (lines: method, path, query, then `name: value` headers, a blank line, the body).
//! Routing and decoding answer or name the handler call; the answer is made; nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rxon_core::listener::HandlerError;
use rxon_core::listener::exchange::{self, Routed, WorkerRequest};

fuzz_target!(|data: &[u8]| {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &b""[..]),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.lines();
    let method = lines.next().unwrap_or("GET");
    let path = lines.next().unwrap_or("/");
    let query = lines.next();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .collect();
    let request = WorkerRequest {
        method,
        path,
        query,
        headers: &headers[..],
        body,
        cert_identity: None,
        remote_addr: None,
    };
    match exchange::route(&request, 1 << 16) {
        Routed::Reply(reply) => assert!((400..600).contains(&reply.status)),
        Routed::Call { action, payload, .. } => {
            let _ = exchange::reply(action, Ok(Some(payload)));
            let _ = exchange::reply(action, Err(HandlerError::InvalidValue("no".into())));
        }
        Routed::Upgrade { .. } => {}
    }
});
