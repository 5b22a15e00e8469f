//! HMAC-SHA256 signatures keyed with a shared secret (the worker's master token, or the
//! orchestrator's secret for task `sig`s).

use super::{chain_bytes, constant_time_eq, signing_bytes, to_hex};
use crate::error::{Result, RxonError};
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use sha2::Sha256;

fn hmac_hex(secret: &str, message: &[u8]) -> Result<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|e| RxonError::invalid_value(format!("Invalid HMAC key: {e}")))?;
    mac.update(message);
    Ok(to_hex(&mac.finalize().into_bytes()))
}

/// The reference's `sign_payload`: hex HMAC-SHA256 of the payload's signing bytes.
///
/// An empty secret is an error, as in the reference.
pub fn sign_payload<T: Serialize + ?Sized>(payload: &T, secret: &str, ignore_fields: &[&str]) -> Result<String> {
    if secret.is_empty() {
        return Err(RxonError::invalid_value("Secret key for signing cannot be empty."));
    }
    hmac_hex(secret, &signing_bytes(payload, ignore_fields)?)
}

/// The reference's `verify_signature`: whether `signature` is the payload's HMAC, compared in
/// constant time. An empty signature or secret never verifies.
pub fn verify_signature<T: Serialize + ?Sized>(
    payload: &T,
    signature: &str,
    secret: &str,
    ignore_fields: &[&str],
) -> Result<bool> {
    if signature.is_empty() || secret.is_empty() {
        return Ok(false);
    }
    let expected = sign_payload(payload, secret, ignore_fields)?;
    Ok(constant_time_eq(&expected, signature))
}

/// The reference's `sign_bubbling_chain_hmac`.
pub fn sign_bubbling_chain_hmac(chain: &[impl AsRef<str>], secret: &str) -> Result<String> {
    if secret.is_empty() {
        return Err(RxonError::invalid_value("Secret cannot be empty."));
    }
    hmac_hex(secret, &chain_bytes(chain))
}

/// The reference's `verify_bubbling_chain_hmac`.
pub fn verify_bubbling_chain_hmac(chain: &[impl AsRef<str>], signature: &str, secret: &str) -> bool {
    if signature.is_empty() || secret.is_empty() {
        return false;
    }
    match sign_bubbling_chain_hmac(chain, secret) {
        Ok(expected) => constant_time_eq(&expected, signature),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn empty_secret_is_an_error_and_never_verifies() {
        let payload = json!({"a": 1});
        assert!(sign_payload(&payload, "", &[]).is_err());
        assert!(!verify_signature(&payload, "00", "", &[]).unwrap());
        assert!(!verify_signature(&payload, "", "k", &[]).unwrap());
    }

    #[test]
    fn tampering_breaks_the_signature() {
        let payload = json!({"a": 1});
        let sig = sign_payload(&payload, "k", &[]).unwrap();
        assert!(verify_signature(&payload, &sig, "k", &[]).unwrap());
        assert!(!verify_signature(&json!({"a": 2}), &sig, "k", &[]).unwrap());
        assert!(!verify_signature(&payload, &sig.to_uppercase(), "k", &[]).unwrap());
    }
}
