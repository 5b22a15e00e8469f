//! Ed25519 signatures with PEM keys (PKCS#8 private, SPKI public), through AWS-LC.
//!
//! [`Ed25519Signer`] and [`Ed25519Verifier`] parse a key once and sign or verify many times;
//! the reference re-parses the PEM on every call, which the free functions here keep for
//! parity.

use super::{chain_bytes, signing_bytes};
use crate::error::{Result, RxonError};
use aws_lc_rs::signature::{ED25519, Ed25519KeyPair, KeyPair, ParsedPublicKey};
use serde::Serialize;

/// The DER inside a PEM block with the given label.
fn pem_der(pem: &str, label: &str, what: &str) -> Result<Vec<u8>> {
    let (found, der) = pem_rfc7468::decode_vec(pem.trim().as_bytes())
        .map_err(|e| RxonError::invalid_value(format!("Invalid {what}: {e}")))?;
    if found != label {
        return Err(RxonError::invalid_value(format!(
            "Invalid {what}: expected a {label} PEM block, found {found}"
        )));
    }
    Ok(der)
}

/// A parsed Ed25519 private key.
#[derive(Clone)]
pub struct Ed25519Signer {
    key: Ed25519KeyPair,
}

impl std::fmt::Debug for Ed25519Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ed25519Signer { .. }")
    }
}

impl Ed25519Signer {
    /// Parses a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`).
    pub fn from_pem(private_key_pem: &str) -> Result<Self> {
        if private_key_pem.is_empty() {
            return Err(RxonError::invalid_value("Private key for signing cannot be empty."));
        }
        let der = pem_der(private_key_pem, "PRIVATE KEY", "private key")?;
        let key = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der)
            .map_err(|e| RxonError::invalid_value(format!("Invalid private key: {e}")))?;
        Ok(Ed25519Signer { key })
    }

    /// The matching verifier.
    pub fn verifier(&self) -> Result<Ed25519Verifier> {
        let key = ParsedPublicKey::new(&ED25519, self.key.public_key().as_ref())
            .map_err(|e| RxonError::invalid_value(format!("Invalid public key: {e}")))?;
        Ok(Ed25519Verifier { key })
    }

    /// Signs raw bytes; hex signature.
    pub fn sign_bytes(&self, message: &[u8]) -> String {
        hex::encode(self.key.sign(message).as_ref())
    }

    /// Signs a payload's signing bytes (see [`super::signing_bytes`]); hex signature.
    pub fn sign<T: Serialize + ?Sized>(&self, payload: &T, ignore_fields: &[&str]) -> Result<String> {
        Ok(self.sign_bytes(&signing_bytes(payload, ignore_fields)?))
    }

    /// Signs a bubbling chain; hex signature.
    pub fn sign_chain(&self, chain: &[impl AsRef<str>]) -> String {
        self.sign_bytes(&chain_bytes(chain))
    }
}

/// A parsed Ed25519 public key.
#[derive(Clone)]
pub struct Ed25519Verifier {
    key: ParsedPublicKey,
}

impl std::fmt::Debug for Ed25519Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ed25519Verifier { .. }")
    }
}

impl Ed25519Verifier {
    /// Parses an SPKI PEM public key (`-----BEGIN PUBLIC KEY-----`).
    pub fn from_pem(public_key_pem: &str) -> Result<Self> {
        let der = pem_der(public_key_pem, "PUBLIC KEY", "public key")?;
        let key = ParsedPublicKey::new(&ED25519, &der)
            .map_err(|e| RxonError::invalid_value(format!("Invalid public key: {e}")))?;
        Ok(Ed25519Verifier { key })
    }

    /// Whether `signature_hex` signs `message`. Malformed hex never verifies.
    pub fn verify_bytes(&self, message: &[u8], signature_hex: &str) -> bool {
        let Ok(raw) = hex::decode(signature_hex) else {
            return false;
        };
        self.key.verify_sig(message, &raw).is_ok()
    }

    /// Whether `signature_hex` signs the payload's signing bytes.
    pub fn verify<T: Serialize + ?Sized>(
        &self,
        payload: &T,
        signature_hex: &str,
        ignore_fields: &[&str],
    ) -> Result<bool> {
        Ok(self.verify_bytes(&signing_bytes(payload, ignore_fields)?, signature_hex))
    }

    /// Whether `signature_hex` signs the bubbling chain.
    pub fn verify_chain(&self, chain: &[impl AsRef<str>], signature_hex: &str) -> bool {
        self.verify_bytes(&chain_bytes(chain), signature_hex)
    }
}

/// The reference's `sign_payload_ed25519` (parses the key on every call; prefer
/// [`Ed25519Signer`] to sign many payloads).
pub fn sign_payload_ed25519<T: Serialize + ?Sized>(
    payload: &T,
    private_key_pem: &str,
    ignore_fields: &[&str],
) -> Result<String> {
    let bytes = signing_bytes(payload, ignore_fields)?;
    Ok(Ed25519Signer::from_pem(private_key_pem)?.sign_bytes(&bytes))
}

/// The reference's `verify_signature_ed25519`: false for an empty signature, an empty or
/// malformed public key, or a signature that does not match.
pub fn verify_signature_ed25519<T: Serialize + ?Sized>(
    payload: &T,
    signature_hex: &str,
    public_key_pem: &str,
    ignore_fields: &[&str],
) -> Result<bool> {
    if signature_hex.is_empty() || public_key_pem.is_empty() {
        return Ok(false);
    }
    let bytes = signing_bytes(payload, ignore_fields)?;
    Ok(Ed25519Verifier::from_pem(public_key_pem).is_ok_and(|v| v.verify_bytes(&bytes, signature_hex)))
}

/// The reference's `sign_bubbling_chain` (Ed25519).
pub fn sign_bubbling_chain(chain: &[impl AsRef<str>], private_key_pem: &str) -> Result<String> {
    if private_key_pem.is_empty() {
        return Err(RxonError::invalid_value("Private key cannot be empty."));
    }
    Ok(Ed25519Signer::from_pem(private_key_pem)?.sign_chain(chain))
}

/// The reference's `verify_bubbling_chain_signature` (Ed25519).
pub fn verify_bubbling_chain_signature(chain: &[impl AsRef<str>], signature_hex: &str, public_key_pem: &str) -> bool {
    if signature_hex.is_empty() || public_key_pem.is_empty() {
        return false;
    }
    Ed25519Verifier::from_pem(public_key_pem).is_ok_and(|v| v.verify_chain(chain, signature_hex))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_keys_are_errors_not_panics() {
        assert!(Ed25519Signer::from_pem("").is_err());
        assert!(Ed25519Signer::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").is_err());
        assert!(Ed25519Verifier::from_pem("not a key").is_err());
        assert!(!verify_signature_ed25519(&crate::json!({}), "00", "garbage", &[]).unwrap());
        assert!(!verify_bubbling_chain_signature(&["a"], "zz", "garbage"));
    }

    #[test]
    fn a_signer_and_its_verifier_agree() {
        let pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPVS64R9LMyG1pF5a9QiXR3nzc5b6WT+41dviIDKsRNp\n-----END PRIVATE KEY-----\n";
        let signer = Ed25519Signer::from_pem(pem).unwrap();
        let verifier = signer.verifier().unwrap();
        let sig = signer.sign_bytes(b"hello");
        assert!(verifier.verify_bytes(b"hello", &sig));
        assert!(!verifier.verify_bytes(b"hellO", &sig));
        assert!(!verifier.verify_bytes(b"hello", "nothex"));
        // A public key where a private key is due is refused with a clear message.
        let err = Ed25519Signer::from_pem("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAwxQ7+D7HIuBSZ/6Rq/zJvq0g2Ca468CJ/RBRpNvXnK0=\n-----END PUBLIC KEY-----\n").unwrap_err();
        assert!(err.message().contains("expected a PRIVATE KEY"), "{err}");
    }
}
