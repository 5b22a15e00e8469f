//! Identifiers, blob locations and schema contracts, as the reference's `rxon.validators`,
//! `rxon.blob` and `rxon.schema` functions.

use crate::convert::to_value;
use crate::errors::to_pyerr;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

/// Whether `value` is a valid worker/skill identifier.
#[pyfunction]
pub fn is_valid_identifier(value: &str) -> bool {
    rxon_core::identifiers::is_valid_identifier(value)
}

/// Raises `ValueError` naming `name` when `value` is not a valid identifier.
#[pyfunction]
#[pyo3(signature = (value, name="identifier"))]
pub fn validate_identifier(value: &str, name: &str) -> PyResult<()> {
    rxon_core::identifiers::validate_identifier(value, name).map_err(to_pyerr)
}

/// The short hash both sides compare to know they share an S3 store (None if any part is empty).
#[pyfunction]
pub fn calculate_config_hash(endpoint: Option<&str>, access_key: Option<&str>, bucket: Option<&str>) -> Option<String> {
    rxon_core::blob::calculate_config_hash(endpoint, access_key, bucket)
}

/// `(bucket, key, is_directory)` of an `s3://bucket/key` URI or a relative path.
#[pyfunction]
#[pyo3(signature = (uri, default_bucket=None, prefix=""))]
pub fn parse_uri(uri: &str, default_bucket: Option<&str>, prefix: &str) -> PyResult<(String, String, bool)> {
    let location = rxon_core::blob::parse_uri(uri, default_bucket, prefix).map_err(to_pyerr)?;
    Ok((location.bucket, location.key, location.is_directory))
}

/// `(True, None)` when `data` satisfies the JSON Schema, else `(False, message)` with the
/// reference's human message.
#[pyfunction]
pub fn validate_data(data: &Bound<'_, PyAny>, schema: Option<&Bound<'_, PyAny>>) -> PyResult<(bool, Option<String>)> {
    let schema = match schema.filter(|s| !s.is_none()) {
        Some(schema) => match to_value(schema)? {
            rxon_core::json::Value::Object(object) => Some(object),
            _ => return Err(PyTypeError::new_err("schema must be a dict")),
        },
        None => None,
    };
    Ok(
        match rxon_core::schema::validate_data(&to_value(data)?, schema.as_ref()) {
            Ok(()) => (true, None),
            Err(message) => (false, Some(message)),
        },
    )
}
