//! Secrets never show in `Debug` output: tokens, task secrets, private keys, access tokens,
//! whatever holds them (configuration, a request's context, STS answers, signers, credentials).

use rxon_core::listener::{Context, WorkerCredential};
use rxon_core::models::TokenResponse;
use rxon_core::security::MessageSigner;
use rxon_core::worker::{Signing, WorkerConfig};

#[test]
fn secrets_never_show_in_debug_output() {
    let mut config = WorkerConfig::new("http://127.0.0.1:1", "w1", "token-SECRET", vec![]);
    config.task_secret = Some("task-SECRET".into());
    config.signing = Signing::Ed25519("-----BEGIN PRIVATE KEY-----\nkey-SECRET\n-----END PRIVATE KEY-----\n".into());
    let context = Context {
        token: Some("header-SECRET".into()),
        ..Context::default()
    };
    let tokens = TokenResponse {
        access_token: "access-SECRET".into(),
        refresh_token: Some("refresh-SECRET".into()),
        worker_id: "w1".into(),
        ..TokenResponse::default()
    };
    let credential = WorkerCredential {
        token: Some("credential-SECRET".into()),
        public_key: None,
    };
    let signer = MessageSigner::new("signer-SECRET", "w1").unwrap();
    let shown = [
        format!("{config:?}"),
        format!("{:?}", config.signing),
        format!("{context:?}"),
        format!("{tokens:?}"),
        format!("{credential:?}"),
        format!("{signer:?}"),
    ];
    for text in shown {
        assert!(!text.contains("SECRET"), "a secret in {text}");
    }
}
