//! Identifiers, blob locations and schema contracts, as the reference's `rxon.validators`,
//! `rxon.blob` and `rxon.schema` functions.

use crate::convert::to_value;
use crate::errors::to_pyerr;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use rxon_core::json::Value;
use rxon_core::models::JsonObject;
use rxon_core::schema::CompiledSchema;
use std::sync::Arc;

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
    let schema = schema_object(schema)?;
    Ok(
        match rxon_core::schema::validate_data(&to_value(data)?, schema.as_ref()) {
            Ok(()) => (true, None),
            Err(message) => (false, Some(message)),
        },
    )
}

/// An optional schema argument as a JSON object (`None` stays `None`).
fn schema_object(schema: Option<&Bound<'_, PyAny>>) -> PyResult<Option<JsonObject>> {
    match schema.filter(|s| !s.is_none()) {
        Some(schema) => match to_value(schema)? {
            Value::Object(object) => Ok(Some(object)),
            _ => Err(PyTypeError::new_err("schema must be a dict")),
        },
        None => Ok(None),
    }
}

/// The reference's `translate_error(message, data)`: a validator message about `data` as the
/// human text (`Field 'a': Expected integer`).
#[pyfunction]
pub fn translate_error(msg: &str, data: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(rxon_core::schema::translate_error(msg, &to_value(data)?))
}

/// A compiled JSON Schema, from the core's bounded cache (see `rxon_core.schema`).
#[pyclass(frozen, module = "rxon_core._native")]
pub struct CompiledValidator(Arc<CompiledSchema>);

#[pymethods]
impl CompiledValidator {
    /// `None` when `data` meets the schema, else the validator's message about the first
    /// failure (`data.a must be integer`).
    fn check(&self, data: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
        Ok(self.0.check(&to_value(data)?).err())
    }
}

/// The compiled form of `schema` (`None` for an absent or empty one); `ValueError` saying
/// why a schema does not compile.
#[pyfunction]
pub fn compile_schema(schema: Option<&Bound<'_, PyAny>>) -> PyResult<Option<CompiledValidator>> {
    let schema = schema_object(schema)?;
    let compiled = rxon_core::schema::get_compiled_validator(schema.as_ref()).map_err(to_pyerr)?;
    Ok(compiled.map(CompiledValidator))
}
