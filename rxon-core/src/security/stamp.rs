//! Stamping worker messages the way avtomatika demands: a fresh `timestamp` and
//! `security: {signature, signer_id}`, the signature an HMAC over the canonical form keyed with
//! the worker's master token. A retry is re-stamped, so it never replays the same bytes.

use super::ed25519::Ed25519Signer;
use super::hmac::HmacSigner;
use crate::error::Result;
use crate::json::{Object, Value};
use crate::models::{Heartbeat, SecurityContext, TaskResult, WorkerEventPayload, WorkerRegistration};
use serde::Serialize;
use std::time::{SystemTime, UNIX_EPOCH};

/// A worker message that carries a timestamp and a security context.
pub trait Stampable: Serialize {
    /// Members left out of the signed bytes besides `security` (events: `bubbling_chain`).
    const UNSIGNED: &'static [&'static str] = &[];
    /// Sets the timestamp.
    fn set_timestamp(&mut self, unix_seconds: i64);
    /// Sets the security context.
    fn set_security(&mut self, security: SecurityContext);
}

macro_rules! stampable {
    ($($ty:ty $(=> $unsigned:expr)?),*) => {$(
        impl Stampable for $ty {
            $(const UNSIGNED: &'static [&'static str] = $unsigned;)?
            fn set_timestamp(&mut self, unix_seconds: i64) {
                self.timestamp = Some(unix_seconds);
            }
            fn set_security(&mut self, security: SecurityContext) {
                self.security = Some(security);
            }
        }
    )*};
}

stampable!(WorkerRegistration, Heartbeat, TaskResult, WorkerEventPayload => &["bubbling_chain"]);

/// A message held as JSON members (e.g. with members its type does not define).
impl Stampable for Object {
    fn set_timestamp(&mut self, unix_seconds: i64) {
        self.insert("timestamp", unix_seconds);
    }
    fn set_security(&mut self, security: SecurityContext) {
        // A security context of optional strings always has a tree form.
        self.insert("security", crate::canonical::to_dict(&security).unwrap_or(Value::Null));
    }
}

/// The key a [`MessageSigner`] signs with.
#[derive(Debug, Clone)]
enum Key {
    Hmac(HmacSigner),
    Ed25519(Ed25519Signer),
}

/// Signs worker messages in the worker's name: HMAC with the master token (what avtomatika
/// verifies), or Ed25519 with a private key.
#[derive(Debug, Clone)]
pub struct MessageSigner {
    key: Key,
    signer_id: String,
}

impl MessageSigner {
    /// Signs as `signer_id` (the worker id) with `master_token` (HMAC-SHA256).
    pub fn new(master_token: &str, signer_id: impl Into<String>) -> Result<Self> {
        Ok(MessageSigner {
            key: Key::Hmac(HmacSigner::new(master_token)?),
            signer_id: signer_id.into(),
        })
    }

    /// Signs as `signer_id` with an Ed25519 private key (PKCS#8 PEM).
    pub fn ed25519(private_key_pem: &str, signer_id: impl Into<String>) -> Result<Self> {
        Ok(MessageSigner {
            key: Key::Ed25519(Ed25519Signer::from_pem(private_key_pem)?),
            signer_id: signer_id.into(),
        })
    }

    /// Stamps `message` with the current time and signs it.
    pub fn stamp<M: Stampable>(&self, message: &mut M) -> Result<()> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        self.stamp_at(message, now)
    }

    /// Stamps `message` with the given time and signs it.
    pub fn stamp_at<M: Stampable>(&self, message: &mut M, unix_seconds: i64) -> Result<()> {
        message.set_timestamp(unix_seconds);
        let signature = match &self.key {
            Key::Hmac(signer) => signer.sign(message, M::UNSIGNED)?,
            Key::Ed25519(signer) => signer.sign(message, M::UNSIGNED)?,
        };
        message.set_security(SecurityContext {
            signature: Some(signature),
            signer_id: Some(self.signer_id.clone()),
            ..SecurityContext::default()
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::security::verify_signature;

    #[test]
    fn ed25519_stamps_verify_with_the_public_key() {
        let pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPVS64R9LMyG1pF5a9QiXR3nzc5b6WT+41dviIDKsRNp\n-----END PRIVATE KEY-----\n";
        let signer = MessageSigner::ed25519(pem, "w1").unwrap();
        let mut heartbeat = Heartbeat {
            worker_id: "w1".into(),
            status: "idle".into(),
            ..Default::default()
        };
        signer.stamp_at(&mut heartbeat, 1_700_000_000).unwrap();
        let signature = heartbeat.security.clone().unwrap().signature.unwrap();
        let verifier = crate::security::Ed25519Signer::from_pem(pem)
            .unwrap()
            .verifier()
            .unwrap();
        assert!(verifier.verify(&heartbeat, &signature, &[]).unwrap());
    }

    #[test]
    fn stamped_messages_verify_and_events_leave_the_chain_out() {
        let signer = MessageSigner::new("master", "w1").unwrap();
        let mut event = WorkerEventPayload {
            event_id: "e".into(),
            worker_id: "w1".into(),
            ..Default::default()
        };
        signer.stamp_at(&mut event, 1_700_000_000).unwrap();
        let security = event.security.clone().unwrap();
        assert_eq!(security.signer_id.as_deref(), Some("w1"));
        event.bubbling_chain = Some(vec!["w0".into(), "w1".into()]);
        assert!(
            verify_signature(
                &event,
                security.signature.as_deref().unwrap(),
                "master",
                &["bubbling_chain"]
            )
            .unwrap()
        );
        let mut result = TaskResult {
            job_id: "j".into(),
            task_id: "t".into(),
            ..Default::default()
        };
        signer.stamp_at(&mut result, 1).unwrap();
        let first = result.security.clone().unwrap().signature;
        signer.stamp_at(&mut result, 2).unwrap();
        assert_ne!(first, result.security.unwrap().signature, "a re-stamp signs new bytes");
    }
}
