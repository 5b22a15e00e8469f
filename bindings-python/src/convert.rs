//! Python objects ⇄ rxon-core JSON trees, without loss: dicts keep their order, integers of
//! any size stay exact, floats stay floats.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use rxon_core::json::{Number, Object, Value};

/// Nesting deeper than this is refused (as the core's reader does), never a stack overflow.
const MAX_DEPTH: usize = 128;

/// A Python value (None, bool, int, float, str, list, tuple, dict with str keys, message) as JSON.
pub fn to_value(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    to_value_at(obj, 0)
}

fn to_value_at(obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(PyTypeError::new_err("Object is nested too deeply to serialize"));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    // bool before int: in Python a bool is an int.
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        let digits = obj.str()?.to_cow()?.into_owned();
        return Number::from_integer_text(&digits)
            .map(Value::Number)
            .ok_or_else(|| PyTypeError::new_err(format!("Integer {digits} is not JSON serializable")));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Value::from(f.value()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::from(s.to_cow()?.as_ref()));
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut object = Object::with_capacity(dict.len());
        for (key, value) in dict.iter() {
            let key = key
                .cast::<PyString>()
                .map_err(|_| PyTypeError::new_err(format!("Keys must be str, not {}", type_name(&key))))?;
            object.insert(key.to_cow()?.as_ref(), to_value_at(&value, depth + 1)?);
        }
        return Ok(Value::Object(object));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let items = obj.try_iter()?;
        let mut array = Vec::new();
        for item in items {
            array.push(to_value_at(&item?, depth + 1)?);
        }
        return Ok(Value::Array(array));
    }
    if let Some(message) = crate::models::message_value(obj, |field| to_value_at(field, depth + 1)) {
        return message;
    }
    Err(PyTypeError::new_err(format!(
        "Object of type {} is not JSON serializable",
        type_name(obj)
    )))
}

/// The Python type name of `obj`, for error messages.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_default()
}

/// A JSON tree as Python objects (dict, list, str, int, float, bool, None).
pub fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(Number::PosInt(u)) => u.into_pyobject(py)?.into_any(),
        Value::Number(Number::NegInt(i)) => i.into_pyobject(py)?.into_any(),
        Value::Number(Number::Float(f)) => PyFloat::new(py, *f).into_any(),
        Value::Number(Number::BigInt(digits)) => py.get_type::<PyInt>().call1((digits.as_ref(),))?,
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(object) => {
            let dict = PyDict::new(py);
            for (key, item) in object.iter() {
                dict.set_item(key, to_python(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// A JSON tree handed to Python as plain data (what an awaitable returns).
pub struct PyJson(pub Value);

impl<'py> IntoPyObject<'py> for PyJson {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.0)
    }
}
