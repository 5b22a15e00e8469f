//! Payload and bubbling-chain signatures (`rxon.security`): HMAC-SHA256 and Ed25519 over the
//! canonical form, byte-compatible with the reference.
//!
//! A payload is signed over its canonical bytes with the top-level members `security`,
//! `_signature` and any named ignore-fields left out; a bubbling chain over the compact JSON
//! array of worker ids. Signatures are lowercase hex. Comparisons are constant-time.

mod ed25519;
mod hmac;
mod received;
mod stamp;
#[cfg(feature = "tls")]
pub mod tls;

pub use self::ed25519::{
    Ed25519Signer, Ed25519Verifier, sign_bubbling_chain, sign_payload_ed25519, verify_bubbling_chain_signature,
    verify_signature_ed25519,
};
pub use self::hmac::{
    HmacSigner, sign_bubbling_chain_hmac, sign_payload, verify_bubbling_chain_hmac, verify_signature,
};
pub use self::received::verify_received;
pub use self::stamp::{MessageSigner, Stampable};

use crate::canonical;
use crate::error::Result;
use serde::Serialize;
use subtle::ConstantTimeEq;

/// Top-level members never covered by a payload signature.
const ALWAYS_EXCLUDED: [&str; 2] = ["security", "_signature"];

/// The bytes a payload signature covers: the canonical form of `payload` without its
/// top-level `security`, `_signature` and `ignore_fields` members.
pub fn signing_bytes<T: Serialize + ?Sized>(payload: &T, ignore_fields: &[&str]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(512);
    // The usual handful of excluded names fits on the stack.
    const INLINE: usize = 8;
    if ALWAYS_EXCLUDED.len() + ignore_fields.len() <= INLINE {
        let mut skip = [""; INLINE];
        skip[..ALWAYS_EXCLUDED.len()].copy_from_slice(&ALWAYS_EXCLUDED);
        skip[ALWAYS_EXCLUDED.len()..ALWAYS_EXCLUDED.len() + ignore_fields.len()].copy_from_slice(ignore_fields);
        canonical::write_canonical(&mut out, payload, &skip[..ALWAYS_EXCLUDED.len() + ignore_fields.len()])?;
    } else {
        let skip: Vec<&str> = ALWAYS_EXCLUDED.iter().chain(ignore_fields).copied().collect();
        canonical::write_canonical(&mut out, payload, &skip)?;
    }
    Ok(out)
}

/// The bytes a bubbling-chain signature covers: the compact JSON array of the ids, in order.
pub fn chain_bytes(chain: &[impl AsRef<str>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 * chain.len() + 2);
    out.push(b'[');
    for (i, id) in chain.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        canonical::write_escaped_str(&mut out, id.as_ref());
    }
    out.push(b']');
    out
}

/// A secret in `Debug` output: whether it is there, never what it is.
pub struct Redacted<'a, T>(pub &'a Option<T>);

impl<T> std::fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Some(<redacted>)" } else { "None" })
    }
}

/// Constant-time equality of two texts (lengths are not secret).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn signing_bytes_leave_out_security_and_ignored_members() {
        let payload = json!({"b": 1, "security": {"signature": "x"}, "_signature": "y", "t": 5});
        let bytes = signing_bytes(&payload, &["t"]).unwrap();
        assert_eq!(bytes, br#"{"b":1}"#);
    }

    #[test]
    fn many_ignored_fields_are_left_out_too() {
        let payload = json!({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9});
        let bytes = signing_bytes(&payload, &["a", "b", "c", "d", "e", "f", "g", "h"]).unwrap();
        assert_eq!(bytes, br#"{"i":9}"#);
    }

    #[test]
    fn chain_bytes_are_a_compact_array() {
        assert_eq!(chain_bytes(&["a", "b\"c"]), br#"["a","b\"c"]"#);
        let empty: [&str; 0] = [];
        assert_eq!(chain_bytes(&empty), b"[]");
    }

    #[test]
    fn constant_time_eq_compares_text() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
