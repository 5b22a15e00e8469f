//! `to_dict` in one pass: Python values (and messages) straight to the plain data the
//! reference's `to_dict` gives — the canonical rules of `rxon_core::canonical` applied to
//! Python objects, without building a JSON tree in between:
//!
//! * null (and NaN/infinite, which the canonical form writes as null) dict members are
//!   dropped; such list items become `None`;
//! * integral floats become ints (exactly, also beyond 64 bits);
//! * dict keys are sorted by code point; messages become dicts without their defaults.
//!
//! The vector tests hold it to the core: `to_dict(x)` equals the canonical form parsed back.
//! It is the one place the binding applies those rules itself, for speed: the core's way —
//! canonical bytes, then parsed into Python objects — measured 69k ops/s on a TaskPayload
//! against this pass's 172k (release builds, same machine).

use crate::models::message_fields;
use pyo3::exceptions::{PyRecursionError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use rxon_core::canonical::{MAX_DEPTH, too_deep_message};

/// `obj` as the reference's `to_dict` returns it.
pub fn to_plain<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    Ok(plain_at(obj, 0)?.unwrap_or_else(|| obj.py().None().into_bound(obj.py())))
}

/// The plain form of `obj`; `None` for null (and NaN/infinite floats).
fn plain_at<'py>(obj: &Bound<'py, PyAny>, depth: usize) -> PyResult<Option<Bound<'py, PyAny>>> {
    if depth > MAX_DEPTH {
        return Err(PyRecursionError::new_err(too_deep_message()));
    }
    let py = obj.py();
    if obj.is_none() {
        return Ok(None);
    }
    if obj.is_exact_instance_of::<PyString>() || obj.is_instance_of::<PyBool>() || obj.is_exact_instance_of::<PyInt>() {
        return Ok(Some(obj.clone()));
    }
    if obj.is_instance_of::<PyInt>() {
        // An int subclass (IntEnum, …) as the plain int it stands for.
        return Ok(Some(py.get_type::<PyInt>().call1((obj,))?));
    }
    if let Ok(float) = obj.cast::<PyFloat>() {
        let value = float.value();
        if !value.is_finite() {
            return Ok(None);
        }
        if value.fract() == 0.0 {
            // Exact for any magnitude, as Python's int(value).
            return Ok(Some(py.get_type::<PyInt>().call1((value,))?));
        }
        return Ok(Some(obj.clone()));
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut members = Vec::with_capacity(dict.len());
        for (key, value) in dict.iter() {
            let key = key.cast_into::<PyString>().map_err(|e| {
                PyTypeError::new_err(format!("Keys must be str, not {}", type_name(e.into_inner().as_any())))
            })?;
            members.push((key, value));
        }
        return sorted_dict(py, members, depth).map(Some);
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let list = PyList::empty(py);
        for item in obj.try_iter()? {
            let item = plain_at(&item?, depth + 1)?;
            list.append(item.unwrap_or_else(|| py.None().into_bound(py)))?;
        }
        return Ok(Some(list.into_any()));
    }
    if let Ok(text) = obj.cast::<PyString>() {
        // A str subclass (a str Enum, …) as the plain str it stands for.
        return Ok(Some(PyString::new(py, text.to_str()?).into_any()));
    }
    if let Some(fields) = message_fields(obj) {
        let members = fields?;
        return sorted_dict(py, members, depth).map(Some);
    }
    Err(PyTypeError::new_err(format!(
        "Object of type {} is not JSON serializable",
        type_name(obj)
    )))
}

/// A dict of the members' plain forms, sorted by key, null members left out.
fn sorted_dict<'py>(
    py: Python<'py>,
    members: Vec<(Bound<'py, PyString>, Bound<'py, PyAny>)>,
    depth: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let mut members = members;
    for (key, _) in &members {
        key.to_str()?; // a str that is no UTF-8 (lone surrogates) cannot be JSON
    }
    members.sort_unstable_by(|a, b| a.0.to_str().unwrap_or_default().cmp(b.0.to_str().unwrap_or_default()));
    let out = PyDict::new(py);
    for (key, value) in members {
        if let Some(value) = plain_at(&value, depth + 1)? {
            out.set_item(key, value)?;
        }
    }
    Ok(out.into_any())
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_default()
}
