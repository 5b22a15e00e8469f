//! A message as it arrived from a peer: decoded, beside the members exactly as received.
//!
//! A signature someone else made covers the members they sent, not our re-encoding of them;
//! [`Received::verify_signature`] checks it over those members.

use super::Message;
use crate::error::Result;
use crate::json::Value;
use crate::security::verify_signature;
use std::ops::Deref;

/// A decoded message and the JSON members it was decoded from.
#[derive(Debug, Clone, PartialEq)]
pub struct Received<M> {
    message: M,
    wire: Value,
}

impl<M: Message> Received<M> {
    /// Decodes `wire` (the reference's error if it is no `M`), keeping it.
    pub fn decode(wire: Value) -> Result<Self> {
        let message = M::from_value(&wire)?;
        Ok(Received { message, wire })
    }

    /// A message we hold as if it had arrived encoded (mocks, tests).
    pub fn from_message(message: M) -> Result<Self> {
        let wire = message.to_dict()?;
        Ok(Received { message, wire })
    }

    /// The decoded message.
    pub fn message(&self) -> &M {
        &self.message
    }

    /// The members as they arrived.
    pub fn wire(&self) -> &Value {
        &self.wire
    }

    /// The decoded message, dropping what arrived.
    pub fn into_message(self) -> M {
        self.message
    }

    /// Whether `signature` is the HMAC (keyed with `secret`) of the members as they arrived —
    /// or of the decoded message re-encoded, which is what the reference's receivers check
    /// (the two differ only by members decoding drops: unknown ones and integers equal to their
    /// default `0`). Either is an HMAC over what this message runs on, so no forged one passes,
    /// and every signature the reference accepts is accepted.
    pub fn verify_signature(&self, signature: &str, secret: &str, ignore_fields: &[&str]) -> Result<bool> {
        Ok(verify_signature(&self.wire, signature, secret, ignore_fields)?
            || verify_signature(&self.message, signature, secret, ignore_fields)?)
    }
}

impl<M> Deref for Received<M> {
    type Target = M;

    fn deref(&self) -> &M {
        &self.message
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::models::TaskPayload;
    use crate::security::sign_payload;

    fn task(wire: Value) -> Received<TaskPayload> {
        Received::decode(wire).expect("a task")
    }

    #[test]
    fn a_signature_over_what_arrived_verifies_whatever_decoding_keeps() {
        // `step: 0` is dropped by decoding, as by the reference; the sender signed it.
        let wire = json!({"job_id": "j", "task_id": "t", "type": "add", "priority": 0, "step": 0, "x": 1});
        let sig = sign_payload(&wire, "k", &["sig"]).unwrap();
        let received = task(wire);
        assert_eq!(
            received.to_json().unwrap(),
            r#"{"job_id":"j","priority":0,"task_id":"t","type":"add"}"#
        );
        assert!(!verify_signature(received.message(), &sig, "k", &["sig"]).unwrap());
        assert!(received.verify_signature(&sig, "k", &["sig"]).unwrap());
    }

    #[test]
    fn a_signature_over_the_decoded_message_verifies_as_the_reference_checks_it() {
        let received = task(json!({"job_id": "j", "task_id": "t", "type": "add", "depth": 0}));
        let sig = sign_payload(received.message(), "k", &[]).unwrap();
        assert!(received.verify_signature(&sig, "k", &[]).unwrap());
    }

    #[test]
    fn altered_members_and_other_keys_do_not_verify() {
        let wire = json!({"job_id": "j", "task_id": "t", "type": "add", "params": {"a": 1}});
        let sig = sign_payload(&wire, "k", &[]).unwrap();
        assert!(!task(wire.clone()).verify_signature(&sig, "other", &[]).unwrap());
        let altered = json!({"job_id": "j", "task_id": "t", "type": "add", "params": {"a": 2}});
        assert!(!task(altered).verify_signature(&sig, "k", &[]).unwrap());
        assert!(!task(wire).verify_signature("", "k", &[]).unwrap());
    }
}
