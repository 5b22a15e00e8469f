//! The command stream: a WebSocket to `/_worker/ws/{worker_id}` that yields each
//! [`WorkerCommand`] the orchestrator sends. Frames that do not parse are logged and skipped;
//! a dropped connection is reopened with backoff (1 s doubling to 60 s by default) when asked.
//! While it is open, the transport sends events up the same socket.

use super::CommandStream;
use super::http::Connection;
use crate::constants::WS_ENDPOINT;
use crate::models::{Message as _, WorkerCommand};
use futures_util::StreamExt;
use futures_util::stream::{SplitSink, SplitStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;
/// The sending half of the command WebSocket.
pub(super) type WsSink = SplitSink<Ws, Message>;

/// The command stream of an [`super::HttpTransport`].
pub(super) struct WsCommands {
    shared: Arc<Connection>,
    reconnect: bool,
    backoff: Duration,
    reader: Option<SplitStream<Ws>>,
    /// Whether a connection was ever tried (the first one is not delayed).
    tried: bool,
}

impl WsCommands {
    pub(super) fn new(shared: Arc<Connection>, reconnect: bool) -> Self {
        let backoff = shared.options.ws_backoff_initial;
        WsCommands {
            shared,
            reconnect,
            backoff,
            reader: None,
            tried: false,
        }
    }

    fn closing(&self) -> bool {
        self.shared.closing.load(Ordering::SeqCst)
    }

    fn url(&self) -> String {
        let endpoint = format!("{WS_ENDPOINT}/{}", self.shared.worker_id);
        self.shared.base_url.websocket(&endpoint)
    }

    async fn open(&mut self) -> Result<(), String> {
        let mut request = self.url().into_client_request().map_err(|e| e.to_string())?;
        request.headers_mut().extend(self.shared.headers());
        let connector = self
            .shared
            .tls
            .clone()
            .map(Connector::Rustls)
            .unwrap_or(Connector::Plain);
        let connecting = tokio_tungstenite::connect_async_tls_with_config(request, None, true, Some(connector));
        let (ws, _response) = tokio::time::timeout(self.shared.options.connect_timeout, connecting)
            .await
            .map_err(|_| "timed out".to_string())?
            .map_err(|e| e.to_string())?;
        let (sink, reader) = ws.split();
        *self.shared.ws_sink.lock().await = Some(sink);
        self.reader = Some(reader);
        self.backoff = self.shared.options.ws_backoff_initial;
        Ok(())
    }

    async fn drop_connection(&mut self) {
        self.reader = None;
        *self.shared.ws_sink.lock().await = None;
    }

    /// Waits the backoff (cut short by close); false when the transport closed meanwhile.
    async fn wait_backoff(&mut self) -> bool {
        let wait = self.backoff;
        self.backoff = (self.backoff * 2).min(self.shared.options.ws_backoff_max);
        tokio::select! {
            _ = tokio::time::sleep(wait) => !self.closing(),
            _ = self.shared.closed.notified() => false,
        }
    }
}

#[async_trait::async_trait]
impl CommandStream for WsCommands {
    async fn next(&mut self) -> Option<WorkerCommand> {
        loop {
            if self.closing() {
                self.drop_connection().await;
                return None;
            }
            let Some(reader) = self.reader.as_mut() else {
                if self.tried && (!self.reconnect || !self.wait_backoff().await) {
                    return None;
                }
                self.tried = true;
                if let Err(err) = self.open().await {
                    tracing::error!(%err, retry_in = ?self.backoff, "command WebSocket connection failed");
                }
                continue;
            };
            let frame = tokio::select! {
                frame = reader.next() => frame,
                _ = self.shared.closed.notified() => None,
            };
            match frame {
                Some(Ok(Message::Text(text))) => match WorkerCommand::from_json(text.as_bytes()) {
                    Ok(command) => return Some(command),
                    Err(err) => tracing::error!(%err, "skipping a WebSocket frame that is not a command"),
                },
                Some(Ok(Message::Close(_))) | None => {
                    tracing::info!("command WebSocket closed");
                    self.drop_connection().await;
                }
                Some(Ok(_)) => {}
                Some(Err(err)) => {
                    tracing::error!(%err, "command WebSocket failed");
                    self.drop_connection().await;
                }
            }
        }
    }
}
