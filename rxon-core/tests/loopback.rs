//! Our transport against our listener over real loopback sockets: every action, the
//! WebSocket both ways, token refresh, rate limits, bad input, TLS and mTLS, shutdown.

mod common;

use common::{
    Engine, fast_options, idle_heartbeat, listener, progress_event, results_accepted_then_late_ignored, task, transport,
};
use rxon_core::RxonError;
use rxon_core::constants::PROTOCOL_VERSION_HEADER;
use rxon_core::json::Value;
use rxon_core::listener::{Action, Context, Handler, HandlerError, Listener, ListenerOptions, SessionEvent};
use rxon_core::models::*;
use rxon_core::security::tls::{ClientAuth, ClientTlsOptions, ServerTlsOptions};
use rxon_core::transport::{HttpTransport, Transport, TransportOptions};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn every_action_round_trips() {
    let (listener, engine) = listener(ListenerOptions::default()).await;
    let worker = transport(&listener, "secret");
    worker.connect().await.unwrap();

    let registration = WorkerRegistration {
        worker_id: "w1".into(),
        supported_skills: Some(vec![SkillInfo::named("echo")]),
        ..Default::default()
    };
    assert_eq!(
        worker.register(&registration).await.unwrap(),
        rxon_core::json!({"status": "registered"})
    );
    let (payload, context) = engine.calls(Action::Register).remove(0);
    assert_eq!(WorkerRegistration::from_value(&payload).unwrap(), registration);
    assert_eq!(context.token.as_deref(), Some("secret"));
    assert_eq!(context.worker_id_hint.as_deref(), Some("w1"));
    assert_eq!(context.protocol_version.as_deref(), Some("1.0b17"));
    assert_eq!(context.transport, "http");

    engine.tasks.lock().unwrap().push(task("t1"));
    let skills = vec!["echo".to_string(), " ".to_string(), "add".to_string()];
    let polled = worker
        .poll_task(Duration::from_secs(1), Some(&skills), Some(&["echo".to_string()]))
        .await
        .unwrap();
    assert_eq!(
        polled.map(|t| (t.task_id.clone(), t.priority)),
        Some(("t1".to_string(), Some(2.5)))
    );
    let (payload, context) = engine.calls(Action::Poll).remove(0);
    assert_eq!(payload, "w1");
    assert_eq!(context.poll_timeout, Some(1.0));
    assert_eq!(
        context.available_skills,
        Some(vec!["echo".to_string(), "add".to_string()])
    );
    assert_eq!(context.hot_skills, Some(vec!["echo".to_string()]));
    // An empty long poll ends with "no task" after the timeout.
    assert_eq!(
        worker.poll_task(Duration::from_millis(200), None, None).await.unwrap(),
        None
    );

    results_accepted_then_late_ignored(&worker).await;

    let answer = worker.send_heartbeat(&idle_heartbeat()).await.unwrap();
    assert!(answer.require_full_sync);
    assert_eq!(answer.cancel_task_ids, ["t9"]);

    let event = progress_event("e1");
    assert!(worker.emit_event(&event).await, "event posted over HTTP");
    assert_eq!(engine.calls(Action::Event)[0].1.transport, "http");

    let token = worker.refresh_token().await.expect("STS token");
    assert_eq!(
        (token.access_token.as_str(), worker.token()),
        ("sts-1", "sts-1".to_string())
    );
    let token = worker.refresh_token().await.expect("STS refresh");
    assert_eq!(token.access_token, "sts-2");
    assert_eq!(
        engine.calls(Action::StsRefresh)[0].0,
        rxon_core::json!({"refresh_token": "r1"})
    );

    worker.close().await;
    assert!(
        matches!(worker.register(&registration).await, Err(RxonError::Network { .. })),
        "use after close is refused"
    );
    listener.shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn websocket_commands_down_and_events_up() {
    let (listener, engine) = listener(ListenerOptions::default()).await;
    let worker = transport(&listener, "secret");
    worker.connect().await.unwrap();
    let mut commands = worker.commands(true);
    let sessions = listener.sessions();
    let pusher = tokio::spawn(async move {
        for _ in 0..100 {
            if sessions.is_connected("w1") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let cancel = WorkerCommand {
            command: "cancel_task".into(),
            task_id: Some("t1".into()),
            job_id: Some("j1".into()),
            ..Default::default()
        };
        assert!(sessions.send_command("w1", cancel).await);
        assert!(!sessions.send_command("nobody", WorkerCommand::default()).await);
    });
    let command = tokio::time::timeout(Duration::from_secs(5), commands.next())
        .await
        .expect("a command in time");
    pusher.await.unwrap();
    assert_eq!(
        command.map(|c| (c.command, c.task_id)),
        Some(("cancel_task".to_string(), Some("t1".to_string())))
    );

    let event = progress_event("e2");
    assert!(worker.emit_event(&event).await);
    for _ in 0..100 {
        if !engine.calls(Action::Event).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (payload, context) = engine.calls(Action::Event).remove(0);
    assert_eq!(
        (payload["event_id"].as_str(), context.transport),
        (Some("e2"), "websocket")
    );
    assert_eq!(
        engine.sessions.lock().unwrap()[0],
        ("w1".to_string(), SessionEvent::Opened)
    );

    worker.close().await;
    assert_eq!(
        tokio::time::timeout(Duration::from_secs(5), commands.next())
            .await
            .unwrap(),
        None,
        "closing ends the stream"
    );
    listener.shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn websocket_refusal_is_a_403_without_upgrade() {
    let (listener, _engine) = listener(ListenerOptions::default()).await;
    let worker = transport(&listener, "denied");
    let mut commands = worker.commands(false);
    // Refused before the upgrade and not asked to reconnect: the stream ends.
    assert_eq!(
        tokio::time::timeout(Duration::from_secs(5), commands.next())
            .await
            .unwrap(),
        None
    );
    let response = reqwest::Client::new()
        .get(format!("http://{}/_worker/ws/w1", listener.local_addr()))
        .header("X-Worker-Token", "denied")
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    listener.shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn unauthorized_refreshes_once_then_fails() {
    let (listener, engine) = listener(ListenerOptions::default()).await;
    let worker = transport(&listener, "expired");
    // 401 → the token endpoint gives "sts-1" → the retry succeeds.
    let answer = worker.send_heartbeat(&idle_heartbeat()).await.unwrap();
    assert!(answer.require_full_sync);
    assert_eq!(worker.token(), "sts-1");
    assert_eq!(engine.calls(Action::StsToken).len(), 1);

    // A listener whose STS refuses: the second 401 is an auth error.
    struct Refusing;
    #[async_trait::async_trait]
    impl Handler for Refusing {
        async fn handle(&self, _: Action, _: Value, _: &Context) -> Result<Option<Value>, HandlerError> {
            Err(HandlerError::Http {
                status: 401,
                message: "no".into(),
            })
        }
    }
    listener.set_handler(Arc::new(Refusing));
    let err = worker.send_heartbeat(&Heartbeat::default()).await.unwrap_err();
    assert!(matches!(err, RxonError::Auth { .. }), "{err:?}");
    listener.shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn errors_keep_their_kind() {
    let (listener, _engine) = listener(ListenerOptions::default()).await;
    let worker = transport(&listener, "secret");
    let busy = TaskResult {
        job_id: "busy".into(),
        task_id: "t".into(),
        ..Default::default()
    };
    match worker.send_result(&busy).await.unwrap_err() {
        RxonError::RateLimit {
            retry_after,
            code,
            message,
            ..
        } => {
            assert_eq!(
                (retry_after, code.as_str(), message.as_str()),
                (Some(7.0), "QUOTA", "slow down")
            );
        }
        other => panic!("expected a rate limit, got {other:?}"),
    }
    let bad = TaskResult {
        job_id: "bad".into(),
        task_id: "t".into(),
        ..Default::default()
    };
    match worker.send_result(&bad).await.unwrap_err() {
        RxonError::Protocol { status, message, .. } => {
            assert_eq!(status, Some(400));
            assert!(message.contains("unknown job"), "{message}");
        }
        other => panic!("expected a protocol error, got {other:?}"),
    }
    listener.shutdown(Duration::from_secs(2)).await;

    // Nothing listens any more: a network error, after the configured retries.
    let started = std::time::Instant::now();
    let err = worker.send_result(&busy).await.unwrap_err();
    assert!(matches!(err, RxonError::Network { .. }), "{err:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(30),
        "two backoff waits (10 ms, 20 ms) happened"
    );
}

#[tokio::test]
async fn bad_input_never_reaches_the_handler() {
    let options = ListenerOptions {
        body_limit: 1024,
        ..ListenerOptions::default()
    };
    let (listener, engine) = listener(options).await;
    let base = format!("http://{}", listener.local_addr());
    let client = reqwest::Client::new();

    let response = client
        .post(format!("{base}/_worker/tasks/result"))
        .body("{\"job_id\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.headers()[PROTOCOL_VERSION_HEADER], "1.0b17");
    let body = rxon_core::json::parse(&response.bytes().await.unwrap()).unwrap();
    assert!(
        body["error"].as_str().unwrap().starts_with("Invalid JSON: EOF"),
        "{body}"
    );

    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(4096));
    let response = client
        .post(format!("{base}/_worker/events"))
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);

    let response = client
        .delete(format!("{base}/_worker/tasks/result"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()[PROTOCOL_VERSION_HEADER], "1.0b17");
    let response = client.get(format!("{base}/nowhere")).send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()[PROTOCOL_VERSION_HEADER], "1.0b17");

    assert!(
        engine.calls.lock().unwrap().is_empty(),
        "no bad request reached the engine"
    );
    // And the server still serves.
    let response = client
        .post(format!("{base}/_worker/events"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    listener.shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn unavailable_until_a_handler_is_set() {
    let listener = Listener::bind("127.0.0.1:0", ListenerOptions::default()).await.unwrap();
    let worker = transport(&listener, "secret");
    match worker
        .register(&WorkerRegistration {
            worker_id: "w1".into(),
            ..Default::default()
        })
        .await
        .unwrap_err()
    {
        RxonError::Protocol { status, .. } => assert_eq!(status, Some(503)),
        other => panic!("expected 503, got {other:?}"),
    }
    listener.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn shutdown_answers_long_polls_with_no_task() {
    let (listener, _engine) = listener(ListenerOptions::default()).await;
    let worker = transport(&listener, "secret");
    let poll = tokio::spawn(async move { worker.poll_task(Duration::from_secs(30), None, None).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = std::time::Instant::now();
    listener.shutdown(Duration::from_secs(5)).await;
    assert_eq!(poll.await.unwrap().unwrap(), None);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the poll ended at once, not after 30 s"
    );
}

struct Pki {
    dir: std::path::PathBuf,
}

impl Pki {
    /// A CA, a server certificate for 127.0.0.1 and a client certificate with CN `w1`, as files.
    fn new() -> Pki {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
        let dir = std::env::temp_dir().join(format!(
            "rxon-pki-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(DnType::CommonName, "rxon test CA");
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca_params, ca_key);
        let server_key = KeyPair::generate().unwrap();
        let server = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .unwrap()
            .signed_by(&server_key, &issuer)
            .unwrap();
        let client_key = KeyPair::generate().unwrap();
        let mut client_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        client_params.distinguished_name.push(DnType::CommonName, "w1");
        let client = client_params.signed_by(&client_key, &issuer).unwrap();
        for (name, text) in [
            ("ca.pem", ca.pem()),
            ("server.pem", server.pem()),
            ("server.key", server_key.serialize_pem()),
            ("client.pem", client.pem()),
            ("client.key", client_key.serialize_pem()),
        ] {
            std::fs::write(dir.join(name), text).unwrap();
        }
        Pki { dir }
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.join(name)
    }

    fn server(&self, client_auth: ClientAuth) -> ListenerOptions {
        ListenerOptions {
            tls: Some(ServerTlsOptions {
                cert_file: self.path("server.pem"),
                key_file: self.path("server.key"),
                client_ca: Some(self.path("ca.pem")),
                client_auth,
            }),
            ..ListenerOptions::default()
        }
    }

    fn client(&self, with_cert: bool) -> TransportOptions {
        TransportOptions {
            tls: ClientTlsOptions {
                system_roots: false,
                ca_file: Some(self.path("ca.pem")),
                client_cert: with_cert.then(|| (self.path("client.pem"), self.path("client.key"))),
            },
            ..fast_options()
        }
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test]
async fn tls_and_mutual_tls() {
    let pki = Pki::new();
    let (listener, engine) = listener(pki.server(ClientAuth::Required)).await;
    let url = format!("https://127.0.0.1:{}", listener.local_addr().port());
    let hb = idle_heartbeat();

    let worker = HttpTransport::new(&url, "w1", "secret", pki.client(true)).unwrap();
    worker.send_heartbeat(&hb).await.unwrap();
    assert_eq!(
        engine.calls(Action::Heartbeat)[0].1.cert_identity.as_deref(),
        Some("w1")
    );
    // The command WebSocket goes over TLS too.
    let mut commands = worker.commands(true);
    let sessions = listener.sessions();
    tokio::spawn(async move {
        while !sessions.is_connected("w1") {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        sessions
            .send_command(
                "w1",
                WorkerCommand {
                    command: "drain".into(),
                    ..Default::default()
                },
            )
            .await;
    });
    let command = tokio::time::timeout(Duration::from_secs(5), commands.next())
        .await
        .unwrap();
    assert_eq!(command.map(|c| c.command), Some("drain".to_string()));
    worker.close().await;

    let anonymous = HttpTransport::new(&url, "w1", "secret", pki.client(false)).unwrap();
    assert!(
        matches!(anonymous.send_heartbeat(&hb).await, Err(RxonError::Network { .. })),
        "no certificate, no connection"
    );
    let untrusting = HttpTransport::new(&url, "w1", "secret", TransportOptions::default()).unwrap();
    assert!(
        matches!(untrusting.send_heartbeat(&hb).await, Err(RxonError::Network { .. })),
        "unknown CA refused"
    );
    listener.shutdown(Duration::from_secs(2)).await;

    // Optional client certificates: both kinds of client get in; only one has an identity.
    let (listener, engine) = listener_with(pki.server(ClientAuth::Optional)).await;
    let url = format!("https://127.0.0.1:{}", listener.local_addr().port());
    HttpTransport::new(&url, "w1", "s", pki.client(false))
        .unwrap()
        .send_heartbeat(&hb)
        .await
        .unwrap();
    HttpTransport::new(&url, "w1", "s", pki.client(true))
        .unwrap()
        .send_heartbeat(&hb)
        .await
        .unwrap();
    let identities: Vec<Option<String>> = engine
        .calls(Action::Heartbeat)
        .into_iter()
        .map(|(_, c)| c.cert_identity)
        .collect();
    assert_eq!(identities, [None, Some("w1".to_string())]);
    listener.shutdown(Duration::from_secs(2)).await;
}

async fn listener_with(options: ListenerOptions) -> (Listener, Arc<Engine>) {
    listener(options).await
}

#[tokio::test]
async fn the_command_stream_reconnects_after_the_listener_restarts() {
    let (first, _engine) = listener(ListenerOptions::default()).await;
    let addr = first.local_addr();
    let worker = transport(&first, "secret");
    let mut commands = worker.commands(true);
    let wait_and_send = |sessions: rxon_core::listener::Sessions, name: &'static str| async move {
        for _ in 0..250 {
            if sessions.is_connected("w1") {
                return sessions
                    .send_command(
                        "w1",
                        WorkerCommand {
                            command: name.into(),
                            ..Default::default()
                        },
                    )
                    .await;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    };
    let sent = tokio::spawn(wait_and_send(first.sessions(), "first"));
    let command = tokio::time::timeout(Duration::from_secs(5), commands.next())
        .await
        .unwrap();
    assert_eq!(command.map(|c| c.command).as_deref(), Some("first"));
    assert!(sent.await.unwrap());
    first.shutdown(Duration::from_secs(2)).await;

    // The same address comes back; the stream (backoff 50 ms doubling to 200 ms) finds it.
    let second = Listener::bind(&addr.to_string(), ListenerOptions::default())
        .await
        .expect("rebind");
    second.set_handler(Arc::new(Engine::default()));
    let sent = tokio::spawn(wait_and_send(second.sessions(), "second"));
    let command = tokio::time::timeout(Duration::from_secs(10), commands.next())
        .await
        .unwrap();
    assert_eq!(command.map(|c| c.command).as_deref(), Some("second"));
    assert!(sent.await.unwrap());
    worker.close().await;
    second.shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn kept_alive_connections_survive_a_listener_restart_and_slow_answers_time_out() {
    let (first, _engine) = listener(ListenerOptions::default()).await;
    let addr = first.local_addr();
    let options = TransportOptions {
        request_timeout: Duration::from_millis(300),
        ..fast_options()
    };
    let worker = HttpTransport::new(&format!("http://{addr}"), "w1", "secret", options).unwrap();
    let hb = idle_heartbeat();
    worker.send_heartbeat(&hb).await.unwrap();
    first.shutdown(Duration::from_secs(2)).await;
    let second = Listener::bind(&addr.to_string(), ListenerOptions::default())
        .await
        .expect("rebind");
    second.set_handler(Arc::new(Engine::default()));
    // The pooled connection died with the first listener; a fresh one is opened.
    worker.send_heartbeat(&hb).await.expect("heartbeat after the restart");

    let slow = TaskResult {
        job_id: "slow".into(),
        task_id: "t".into(),
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let err = worker.send_result(&slow).await.unwrap_err();
    assert!(
        matches!(&err, RxonError::Network { message, .. } if message.contains("timeout")),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "gave up after the request timeout, not the answer"
    );
    second.shutdown(Duration::from_secs(3)).await;
}

/// A proxy answering every request `429` with `Retry-After: <value>`: the transport reports a
/// bounded wait (or none), never an infinite or negative one.
#[tokio::test]
async fn hostile_retry_after_headers_are_bounded_by_the_transport() {
    use rxon_core::transport::MAX_SERVER_DELAY;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let cap = MAX_SERVER_DELAY.as_secs_f64();
    for (value, expected) in [
        ("inf", Some(cap)),
        ("1e30", Some(cap)),
        ("-5", Some(0.0)),
        ("nan", None),
        ("Wed, 01 Jan 3000 00:00:00 GMT", Some(cap)),
        ("Wed, 21 Oct 2015 07:28:00 GMT", Some(0.0)),
        ("2", Some(2.0)),
    ] {
        let server = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", server.local_addr().unwrap());
        let answer = format!(
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: {value}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
        );
        let proxy = tokio::spawn(async move {
            let (mut socket, _) = server.accept().await.unwrap();
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            socket.write_all(answer.as_bytes()).await.unwrap();
            socket.shutdown().await.unwrap();
        });
        let worker = HttpTransport::new(&url, "w1", "secret", fast_options()).unwrap();
        let err = worker.poll_task(Duration::from_secs(1), None, None).await.unwrap_err();
        match err {
            RxonError::RateLimit { retry_after, .. } => assert_eq!(retry_after, expected, "Retry-After: {value}"),
            other => panic!("Retry-After: {value}: {other:?}"),
        }
        proxy.await.unwrap();
    }
}

/// Holds every poll a while, counting how many are open at once.
#[derive(Default)]
struct PollCounter {
    open: std::sync::atomic::AtomicUsize,
    most: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl Handler for PollCounter {
    async fn handle(&self, action: Action, _payload: Value, _context: &Context) -> Result<Option<Value>, HandlerError> {
        use std::sync::atomic::Ordering::SeqCst;
        if action == Action::Poll {
            let open = self.open.fetch_add(1, SeqCst) + 1;
            self.most.fetch_max(open, SeqCst);
            tokio::time::sleep(Duration::from_millis(300)).await;
            self.open.fetch_sub(1, SeqCst);
        }
        Ok(None)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_keeps_its_concurrent_polls_open_within_its_free_slots() {
    use rxon_core::worker::{Signing, Worker, WorkerConfig};
    // (slots, concurrent polls) → most polls seen open at once.
    for (slots, polls, expected) in [(4, 1, 1), (4, 4, 4), (2, 4, 2)] {
        let listener = Listener::bind("127.0.0.1:0", ListenerOptions::default()).await.unwrap();
        let counter = Arc::new(PollCounter::default());
        listener.set_handler(counter.clone());
        let mut config = WorkerConfig::new(
            format!("http://{}", listener.local_addr()),
            "w1",
            "secret",
            vec![SkillInfo::named("echo")],
        );
        config.max_concurrent_tasks = slots;
        config.concurrent_polls = polls;
        config.signing = Signing::Off;
        config.outbox_dir = None;
        config.poll_timeout = Duration::from_secs(1);
        let worker = Worker::start(config).unwrap();
        tokio::time::sleep(Duration::from_millis(900)).await;
        let stopping = std::time::Instant::now();
        worker.shutdown(Duration::from_secs(1)).await;
        assert!(
            stopping.elapsed() < Duration::from_secs(3),
            "stopping took {:?}",
            stopping.elapsed()
        );
        let most = counter.most.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(most, expected, "{slots} slots, {polls} concurrent polls");
        listener.shutdown(Duration::from_secs(1)).await;
    }
}
