//! Payload and bubbling-chain signatures, HMAC-SHA256 and Ed25519 (PEM keys), as the
//! reference's `rxon.security` functions.

use crate::errors::to_pyerr;
use crate::host::with_hosted;
use pyo3::prelude::*;

/// The optional `ignore_fields` list as the core takes it.
fn as_strs(fields: &Option<Vec<String>>) -> Vec<&str> {
    fields.iter().flatten().map(String::as_str).collect()
}

/// Hex HMAC-SHA256 of the canonical payload without `security`, `_signature` and `ignore_fields`.
#[pyfunction]
#[pyo3(signature = (payload, secret, ignore_fields=None))]
pub fn sign_payload(payload: &Bound<'_, PyAny>, secret: &str, ignore_fields: Option<Vec<String>>) -> PyResult<String> {
    let ignore = as_strs(&ignore_fields);
    with_hosted(payload, |value| {
        rxon_core::security::sign_payload(value, secret, &ignore)
    })
}

/// Whether `signature` is the payload's HMAC (compared in constant time).
#[pyfunction]
#[pyo3(signature = (payload, signature, secret, ignore_fields=None))]
pub fn verify_signature(
    payload: &Bound<'_, PyAny>,
    signature: &str,
    secret: &str,
    ignore_fields: Option<Vec<String>>,
) -> PyResult<bool> {
    let ignore = as_strs(&ignore_fields);
    with_hosted(payload, |value| {
        rxon_core::security::verify_signature(value, signature, secret, &ignore)
    })
}

/// Hex Ed25519 signature of the canonical payload (PKCS#8 PEM private key).
#[pyfunction]
#[pyo3(signature = (payload, private_key_pem, ignore_fields=None))]
pub fn sign_payload_ed25519(
    payload: &Bound<'_, PyAny>,
    private_key_pem: &str,
    ignore_fields: Option<Vec<String>>,
) -> PyResult<String> {
    let ignore = as_strs(&ignore_fields);
    with_hosted(payload, |value| {
        rxon_core::security::sign_payload_ed25519(value, private_key_pem, &ignore)
    })
}

/// Whether `signature_hex` is the payload's Ed25519 signature; `False` for a bad key or
/// signature, as in the reference.
#[pyfunction]
#[pyo3(signature = (payload, signature_hex, public_key_pem, ignore_fields=None))]
pub fn verify_signature_ed25519(
    payload: &Bound<'_, PyAny>,
    signature_hex: &str,
    public_key_pem: &str,
    ignore_fields: Option<Vec<String>>,
) -> PyResult<bool> {
    let ignore = as_strs(&ignore_fields);
    // A bad key or signature is `False`; a payload that is no JSON still raises.
    with_hosted(payload, |value| {
        Ok(
            rxon_core::security::verify_signature_ed25519(value, signature_hex, public_key_pem, &ignore)
                .unwrap_or(false),
        )
    })
}

/// Ed25519 signature over the bubbling chain.
#[pyfunction]
pub fn sign_bubbling_chain(bubbling_chain: Vec<String>, private_key_pem: &str) -> PyResult<String> {
    rxon_core::security::sign_bubbling_chain(&bubbling_chain, private_key_pem).map_err(to_pyerr)
}

/// Whether `signature_hex` signs the bubbling chain (Ed25519).
#[pyfunction]
pub fn verify_bubbling_chain_signature(bubbling_chain: Vec<String>, signature_hex: &str, public_key_pem: &str) -> bool {
    rxon_core::security::verify_bubbling_chain_signature(&bubbling_chain, signature_hex, public_key_pem)
}

/// HMAC-SHA256 over the bubbling chain.
#[pyfunction]
pub fn sign_bubbling_chain_hmac(bubbling_chain: Vec<String>, secret: &str) -> PyResult<String> {
    rxon_core::security::sign_bubbling_chain_hmac(&bubbling_chain, secret).map_err(to_pyerr)
}

/// Whether `signature` is the chain's HMAC.
#[pyfunction]
pub fn verify_bubbling_chain_hmac(bubbling_chain: Vec<String>, signature: &str, secret: &str) -> bool {
    rxon_core::security::verify_bubbling_chain_hmac(&bubbling_chain, signature, secret)
}
