//! rxon-core errors as the reference's Python exceptions (defined in `rxon_core.exceptions`),
//! each with `.message` and `.details`; the reference's `ValueError` cases stay `ValueError`.

use crate::convert::to_python;
use pyo3::exceptions::{PyRecursionError, PyValueError};
use pyo3::prelude::*;
use rxon_core::RxonError;
use rxon_core::json::Value;

/// The Python exception for `err`.
pub fn to_pyerr(err: RxonError) -> PyErr {
    Python::attach(|py| build(py, &err).unwrap_or_else(|e| e))
}

fn build(py: Python<'_>, err: &RxonError) -> PyResult<PyErr> {
    let class = match err {
        RxonError::InvalidValue { .. } if err.details().get("recursion_limit").is_some() => {
            return Ok(PyRecursionError::new_err(err.message().to_string()));
        }
        RxonError::InvalidValue { .. } => return Ok(PyValueError::new_err(err.message().to_string())),
        // The reference's class of that name, defined in `rxon_core.exceptions`.
        _ => err.kind_name(),
    };
    let details = to_python(py, &Value::Object(err.details().clone()))?;
    let class = py.import("rxon_core.exceptions")?.getattr(class)?;
    Ok(PyErr::from_value(class.call1((err.message(), details))?))
}
