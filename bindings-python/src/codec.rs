//! The canonical form and JSON: `json_dumps`, `to_dict`, `loads`, `calculate_dict_hash`.

use crate::convert::to_python;
use crate::errors::to_pyerr;
use crate::host::with_hosted;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyMemoryView, PyString};

/// The compact, key-sorted JSON text signatures and hashes are computed over.
#[pyfunction]
pub fn json_dumps(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    with_hosted(obj, |value| rxon_core::canonical::json_dumps(value))
}

/// `obj` (plain data or a message) without null members and with integral floats as
/// integers, keys sorted, as the reference's `to_dict` gives it.
#[pyfunction]
pub fn to_dict<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    crate::host::to_plain(obj)
}

/// Parses JSON text (str, bytes, bytearray or memoryview, as orjson takes it), keeping every
/// number exactly.
#[pyfunction]
#[pyo3(signature = (obj, /))]
pub fn loads<'py>(py: Python<'py>, obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let value = if let Ok(bytes) = obj.cast::<PyBytes>() {
        rxon_core::canonical::loads(bytes.as_bytes())
    } else if let Ok(text) = obj.cast::<PyString>() {
        rxon_core::canonical::loads(text.to_str()?.as_bytes())
    } else if obj.is_instance_of::<PyByteArray>() || obj.is_instance_of::<PyMemoryView>() {
        let bytes = py.get_type::<PyBytes>().call1((obj,))?;
        rxon_core::canonical::loads(bytes.cast::<PyBytes>()?.as_bytes())
    } else {
        return Err(PyTypeError::new_err(
            "Input must be bytes, bytearray, memoryview, or str",
        ));
    }
    .map_err(to_pyerr)?;
    to_python(py, &value)
}

/// Hex SHA-256 of the canonical form.
#[pyfunction]
pub fn calculate_dict_hash(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    with_hosted(obj, |value| rxon_core::canonical::calculate_dict_hash(value))
}
