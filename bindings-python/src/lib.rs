//! `rxon_core._native`: the Python binding's native module. It only translates — Python
//! objects in, rxon-core calls, Python objects or exceptions out; the idiomatic API is the
//! Python package around it (`bindings-python/python/rxon_core`).

mod convert;
mod errors;

use convert::{to_python, to_value};
use errors::to_pyerr;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// The compact, key-sorted JSON text signatures and hashes are computed over.
#[pyfunction]
fn json_dumps(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    rxon_core::canonical::json_dumps(&to_value(obj)?).map_err(to_pyerr)
}

/// `obj` without null members and with integral floats as integers, as the reference's
/// `to_dict` gives it for plain data.
#[pyfunction]
fn to_dict<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let dict = rxon_core::canonical::to_dict(&to_value(obj)?).map_err(to_pyerr)?;
    to_python(obj.py(), &dict)
}

/// Parses JSON text (str or bytes), keeping every number exactly.
#[pyfunction]
fn loads<'py>(py: Python<'py>, text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let value = match text.cast::<PyBytes>() {
        Ok(bytes) => rxon_core::canonical::loads(bytes.as_bytes()),
        Err(_) => rxon_core::canonical::loads(text.extract::<&str>()?.as_bytes()),
    }
    .map_err(to_pyerr)?;
    to_python(py, &value)
}

/// Hex SHA-256 of the canonical form.
#[pyfunction]
fn calculate_dict_hash(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    rxon_core::canonical::calculate_dict_hash(&to_value(obj)?).map_err(to_pyerr)
}

/// Hex HMAC-SHA256 of the canonical payload without `security`, `_signature` and `ignore_fields`.
#[pyfunction]
#[pyo3(signature = (payload, secret, ignore_fields=None))]
fn sign_payload(payload: &Bound<'_, PyAny>, secret: &str, ignore_fields: Option<Vec<String>>) -> PyResult<String> {
    let ignore: Vec<&str> = ignore_fields.iter().flatten().map(String::as_str).collect();
    rxon_core::security::sign_payload(&to_value(payload)?, secret, &ignore).map_err(to_pyerr)
}

/// Whether `signature` is the payload's HMAC (compared in constant time).
#[pyfunction]
#[pyo3(signature = (payload, signature, secret, ignore_fields=None))]
fn verify_signature(
    payload: &Bound<'_, PyAny>,
    signature: &str,
    secret: &str,
    ignore_fields: Option<Vec<String>>,
) -> PyResult<bool> {
    let ignore: Vec<&str> = ignore_fields.iter().flatten().map(String::as_str).collect();
    rxon_core::security::verify_signature(&to_value(payload)?, signature, secret, &ignore).map_err(to_pyerr)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(json_dumps, m)?)?;
    m.add_function(wrap_pyfunction!(to_dict, m)?)?;
    m.add_function(wrap_pyfunction!(loads, m)?)?;
    m.add_function(wrap_pyfunction!(calculate_dict_hash, m)?)?;
    m.add_function(wrap_pyfunction!(sign_payload, m)?)?;
    m.add_function(wrap_pyfunction!(verify_signature, m)?)?;
    m.add("PROTOCOL_VERSION", rxon_core::constants::PROTOCOL_VERSION)?;
    Ok(())
}
