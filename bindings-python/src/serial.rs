//! Python values (and messages) as `serde::Serialize`, so the core's canonical writer —
//! `json_dumps`, hashes, signatures — reads them directly, without a JSON tree in between.

use crate::models::message_fields;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use rxon_core::json::{Number, Value};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::cell::RefCell;

/// Nesting deeper than this is refused (as the core's reader does), never a stack overflow.
const MAX_DEPTH: usize = 128;

/// Runs `f` over `obj` as a `Serialize` value; a Python error met while serializing (an
/// unserializable value, a non-str key) is returned as itself, not as the core's error.
pub fn with_serial<'py, R>(
    obj: &Bound<'py, PyAny>,
    f: impl FnOnce(&SerializedPy<'_, 'py>) -> rxon_core::Result<R>,
) -> PyResult<R> {
    let failure = RefCell::new(None);
    let serial = SerializedPy {
        obj,
        depth: 0,
        failure: &failure,
    };
    let result = f(&serial);
    if let Some(err) = failure.into_inner() {
        return Err(err);
    }
    result.map_err(crate::errors::to_pyerr)
}

/// A Python value the core can serialize.
pub struct SerializedPy<'a, 'py> {
    obj: &'a Bound<'py, PyAny>,
    depth: usize,
    /// The Python error that stopped serialization, kept to be raised as itself.
    failure: &'a RefCell<Option<PyErr>>,
}

impl<'py> SerializedPy<'_, 'py> {
    fn nested<'b>(&'b self, obj: &'b Bound<'py, PyAny>) -> SerializedPy<'b, 'py> {
        SerializedPy {
            obj,
            depth: self.depth + 1,
            failure: self.failure,
        }
    }

    fn fail<E: serde::ser::Error>(&self, err: PyErr) -> E {
        let message = err.to_string();
        self.failure.borrow_mut().get_or_insert(err);
        E::custom(message)
    }
}

impl Serialize for SerializedPy<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let obj = self.obj;
        if self.depth > MAX_DEPTH {
            return Err(self.fail(PyTypeError::new_err("Object is nested too deeply to serialize")));
        }
        if obj.is_none() {
            return serializer.serialize_none();
        }
        if let Ok(text) = obj.cast::<PyString>() {
            return serializer.serialize_str(text.to_str().map_err(|e| self.fail(e))?);
        }
        // bool before int: in Python a bool is an int.
        if let Ok(flag) = obj.cast::<PyBool>() {
            return serializer.serialize_bool(flag.is_true());
        }
        if obj.is_instance_of::<PyInt>() {
            if let Ok(i) = obj.extract::<i64>() {
                return serializer.serialize_i64(i);
            }
            if let Ok(u) = obj.extract::<u64>() {
                return serializer.serialize_u64(u);
            }
            let digits = obj.str().map_err(|e| self.fail(e))?.to_string();
            return match Number::from_integer_text(&digits) {
                Some(number) => Value::Number(number).serialize(serializer),
                None => Err(self.fail(PyTypeError::new_err(format!(
                    "Integer {digits} is not JSON serializable"
                )))),
            };
        }
        if let Ok(float) = obj.cast::<PyFloat>() {
            return serializer.serialize_f64(float.value());
        }
        if let Ok(dict) = obj.cast::<PyDict>() {
            let mut map = serializer.serialize_map(Some(dict.len()))?;
            for (key, value) in dict.iter() {
                let Ok(key) = key.cast::<PyString>() else {
                    let name = key.get_type().name().map(|n| n.to_string()).unwrap_or_default();
                    return Err(self.fail(PyTypeError::new_err(format!("Keys must be str, not {name}"))));
                };
                map.serialize_entry(key.to_str().map_err(|e| self.fail(e))?, &self.nested(&value))?;
            }
            return map.end();
        }
        if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
            let items = obj.try_iter().map_err(|e| self.fail(e))?;
            let mut seq = serializer.serialize_seq(obj.len().ok())?;
            for item in items {
                seq.serialize_element(&self.nested(&item.map_err(|e| self.fail(e))?))?;
            }
            return seq.end();
        }
        if let Some(members) = message_fields(obj) {
            let members = members.map_err(|e| self.fail(e))?;
            let mut map = serializer.serialize_map(Some(members.len()))?;
            for (name, value) in &members {
                map.serialize_entry(name.to_str().map_err(|e| self.fail(e))?, &self.nested(value))?;
            }
            return map.end();
        }
        let name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
        Err(self.fail(PyTypeError::new_err(format!(
            "Object of type {name} is not JSON serializable"
        ))))
    }
}
