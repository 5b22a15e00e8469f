//! Settings of the HTTP transport.

use crate::security::MessageSigner;
use crate::security::tls::ClientTlsOptions;
use std::time::Duration;

/// How the HTTP transport behaves; [`Default`] is the reference's behaviour.
#[derive(Debug, Clone)]
pub struct TransportOptions {
    /// Tries of `send_result` on network errors (default 3).
    pub result_retries: u32,
    /// First wait between those tries, doubled each time (default 0.1 s).
    pub result_retry_delay: Duration,
    /// Timeout of every request but the long poll (default 30 s; the poll waits its own
    /// timeout + 5 s).
    pub request_timeout: Duration,
    /// Timeout of opening a connection (default 10 s).
    pub connect_timeout: Duration,
    /// First wait before reopening the command WebSocket, doubled up to `ws_backoff_max`
    /// (default 1 s).
    pub ws_backoff_initial: Duration,
    /// Longest wait before reopening the command WebSocket (default 60 s).
    pub ws_backoff_max: Duration,
    /// TLS: roots, extra CA, client certificate.
    pub tls: ClientTlsOptions,
    /// Stamp and sign every register, heartbeat, result and event (each try anew), as
    /// avtomatika demands. Off by default, like the reference transport.
    pub signing: Option<MessageSigner>,
}

impl Default for TransportOptions {
    fn default() -> Self {
        TransportOptions {
            result_retries: 3,
            result_retry_delay: Duration::from_millis(100),
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            ws_backoff_initial: Duration::from_secs(1),
            ws_backoff_max: Duration::from_secs(60),
            tls: ClientTlsOptions::new(),
            signing: None,
        }
    }
}
