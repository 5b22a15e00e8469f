//! HMAC-SHA256 signatures keyed with a shared secret (the worker's master token, or the
//! orchestrator's secret for task `sig`s).

use super::{chain_bytes, constant_time_eq, signing_bytes};
use crate::error::{Result, RxonError};
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use sha2::Sha256;

/// A prepared HMAC-SHA256 key: signs and verifies many payloads without setting the key up
/// each time (a worker signs every message with its master token).
#[derive(Clone)]
pub struct HmacSigner {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for HmacSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HmacSigner { .. }")
    }
}

impl HmacSigner {
    /// Prepares `secret` (UTF-8 bytes, as the reference keys it). An empty secret is an error.
    pub fn new(secret: &str) -> Result<Self> {
        if secret.is_empty() {
            return Err(RxonError::invalid_value("Secret key for signing cannot be empty."));
        }
        let mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
            .map_err(|e| RxonError::invalid_value(format!("Invalid HMAC key: {e}")))?;
        Ok(HmacSigner { mac })
    }

    /// Hex HMAC of raw bytes.
    pub fn sign_bytes(&self, message: &[u8]) -> String {
        let mut mac = self.mac.clone();
        mac.update(message);
        hex::encode(mac.finalize().into_bytes())
    }

    /// Hex HMAC of a payload's signing bytes (see [`super::signing_bytes`]).
    pub fn sign<T: Serialize + ?Sized>(&self, payload: &T, ignore_fields: &[&str]) -> Result<String> {
        Ok(self.sign_bytes(&signing_bytes(payload, ignore_fields)?))
    }

    /// Whether `signature` is the payload's HMAC, compared in constant time.
    pub fn verify<T: Serialize + ?Sized>(&self, payload: &T, signature: &str, ignore_fields: &[&str]) -> Result<bool> {
        if signature.is_empty() {
            return Ok(false);
        }
        Ok(constant_time_eq(&self.sign(payload, ignore_fields)?, signature))
    }
}

/// The reference's `sign_payload`: hex HMAC-SHA256 of the payload's signing bytes.
///
/// An empty secret is an error, as in the reference. To sign many payloads with one secret,
/// prepare it once with [`HmacSigner`].
pub fn sign_payload<T: Serialize + ?Sized>(payload: &T, secret: &str, ignore_fields: &[&str]) -> Result<String> {
    HmacSigner::new(secret)?.sign(payload, ignore_fields)
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
    HmacSigner::new(secret)?.verify(payload, signature, ignore_fields)
}

/// The reference's `sign_bubbling_chain_hmac`.
pub fn sign_bubbling_chain_hmac(chain: &[impl AsRef<str>], secret: &str) -> Result<String> {
    if secret.is_empty() {
        return Err(RxonError::invalid_value("Secret cannot be empty."));
    }
    Ok(HmacSigner::new(secret)?.sign_bytes(&chain_bytes(chain)))
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
