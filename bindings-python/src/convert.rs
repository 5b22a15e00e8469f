//! Python objects ⇄ rxon-core JSON trees, without loss: dicts keep their order, integers of
//! any size stay exact, floats stay floats. Python values are walked only by
//! [`crate::host::PyHost`]; trees become Python objects only here ([`to_python`]).

use crate::host::with_hosted;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};
use rxon_core::json::{Number, Value};

/// A Python value (None, bool, int, float, str, list, tuple, dict with str keys, message) as
/// JSON: walked once by [`crate::host::PyHost`], built into a tree by the core.
pub fn to_value(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    with_hosted(obj, |value| {
        rxon_core::json::to_value(value).map_err(|e| rxon_core::RxonError::invalid_value(e.to_string()))
    })
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
