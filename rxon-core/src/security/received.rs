//! Verifying what arrived from a peer: a signature someone else made covers the members they
//! sent, not our re-encoding of them.

use super::hmac::verify_signature;
use crate::error::Result;
use crate::models::{Message, Received};

/// Whether `signature` is the HMAC (keyed with `secret`) of `received`'s members as they
/// arrived — or of the decoded message re-encoded, which is what the reference's receivers
/// check (the two differ only by members decoding drops: unknown ones and integers equal to
/// their default `0`). Either is an HMAC over what the message runs on, so no forged one
/// passes, and every signature the reference accepts is accepted.
pub fn verify_received<M: Message>(
    received: &Received<M>,
    signature: &str,
    secret: &str,
    ignore_fields: &[&str],
) -> Result<bool> {
    Ok(verify_signature(received.wire(), signature, secret, ignore_fields)?
        || verify_signature(received.message(), signature, secret, ignore_fields)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::json::Value;
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
        assert!(verify_received(&received, &sig, "k", &["sig"]).unwrap());
    }

    #[test]
    fn a_signature_over_the_decoded_message_verifies_as_the_reference_checks_it() {
        let received = task(json!({"job_id": "j", "task_id": "t", "type": "add", "depth": 0}));
        let sig = sign_payload(received.message(), "k", &[]).unwrap();
        assert!(verify_received(&received, &sig, "k", &[]).unwrap());
    }

    #[test]
    fn altered_members_and_other_keys_do_not_verify() {
        let wire = json!({"job_id": "j", "task_id": "t", "type": "add", "params": {"a": 1}});
        let sig = sign_payload(&wire, "k", &[]).unwrap();
        assert!(!verify_received(&task(wire.clone()), &sig, "other", &[]).unwrap());
        let altered = json!({"job_id": "j", "task_id": "t", "type": "add", "params": {"a": 2}});
        assert!(!verify_received(&task(altered), &sig, "k", &[]).unwrap());
        assert!(!verify_received(&task(wire), "", "k", &[]).unwrap());
    }
}
