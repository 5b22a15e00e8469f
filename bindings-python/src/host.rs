//! Python values as the core reads them — the binding's one walker. It only says what kind of
//! JSON value each object is (and builds plain Python values when asked); the canonical form,
//! `to_dict`'s rules, key checks and depth limits are all `rxon_core::host`'s.

use crate::errors::to_pyerr;
use crate::models::{FieldTable, MessageMembers, message_fields};
use pyo3::exceptions::{PyRecursionError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::iter::{BoundDictIterator, BoundListIterator, BoundTupleIterator};
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyModule, PyString, PyTuple, PyType};
use rxon_core::host::{Host, Hosted, Node, PlainBuilder, Refusal};
use std::borrow::Cow;

/// Python objects, for the core; with the class to build (and its field table), when building
/// a message.
pub struct PyHost<'py> {
    py: Python<'py>,
    class: Option<(Bound<'py, PyType>, Bound<'py, FieldTable>)>,
}

impl<'py> PyHost<'py> {
    pub fn new(py: Python<'py>) -> Self {
        PyHost { py, class: None }
    }

    /// A host that builds messages as instances of `class` (see `crate::models`).
    pub fn building(class: Bound<'py, PyType>, table: Bound<'py, FieldTable>) -> Self {
        PyHost {
            py: class.py(),
            class: Some((class, table)),
        }
    }

    pub fn py(&self) -> Python<'py> {
        self.py
    }

    pub fn class(&self) -> Option<&(Bound<'py, PyType>, Bound<'py, FieldTable>)> {
        self.class.as_ref()
    }
}

/// A list's or a tuple's items.
pub enum Items<'py> {
    List(BoundListIterator<'py>),
    Tuple(BoundTupleIterator<'py>),
}

impl<'py> Iterator for Items<'py> {
    type Item = PyResult<Bound<'py, PyAny>>;

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Items::List(items) => items.next(),
            Items::Tuple(items) => items.next(),
        }
        .map(Ok)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Items::List(items) => items.size_hint(),
            Items::Tuple(items) => items.size_hint(),
        }
    }
}

/// A dict's members, or a message's encoded ones.
pub enum Members<'py> {
    Dict(BoundDictIterator<'py>),
    Message(MessageMembers<'py>),
}

impl<'py> Iterator for Members<'py> {
    type Item = PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)>;

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Members::Dict(members) => members.next().map(Ok),
            Members::Message(members) => members.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Members::Dict(members) => members.size_hint(),
            Members::Message(members) => members.size_hint(),
        }
    }
}

impl<'py> Host for PyHost<'py> {
    type Value = Bound<'py, PyAny>;
    type Error = PyErr;
    type Items<'v>
        = Items<'py>
    where
        Self: 'v;
    type Members<'v>
        = Members<'py>
    where
        Self: 'v;

    #[inline(always)]
    fn read<'v>(&'v self, obj: &'v Bound<'py, PyAny>) -> PyResult<Node<'v, Self>> {
        // The exact built-in types first: a pointer comparison each (what JSON-decoded data
        // holds); subclasses after, through the slower instance checks.
        if let Ok(text) = obj.cast_exact::<PyString>() {
            return Ok(Node::Str(text.to_str()?.into()));
        }
        if let Ok(dict) = obj.cast_exact::<PyDict>() {
            return Ok(Node::Map(Members::Dict(dict.iter())));
        }
        if obj.is_exact_instance_of::<PyInt>()
            && let Ok(i) = obj.extract::<i64>()
        {
            return Ok(Node::Int(i));
        }
        if let Ok(float) = obj.cast_exact::<PyFloat>() {
            return Ok(Node::Float(float.value()));
        }
        if let Ok(list) = obj.cast_exact::<PyList>() {
            return Ok(Node::List(Items::List(list.iter())));
        }
        if obj.is_none() {
            return Ok(Node::Null);
        }
        if let Ok(text) = obj.cast::<PyString>() {
            return Ok(Node::Str(text.to_str()?.into()));
        }
        // bool before int: in Python a bool is an int.
        if let Ok(flag) = obj.cast::<PyBool>() {
            return Ok(Node::Bool(flag.is_true()));
        }
        if obj.is_instance_of::<PyInt>() {
            if let Ok(i) = obj.extract::<i64>() {
                return Ok(Node::Int(i));
            }
            if let Ok(u) = obj.extract::<u64>() {
                return Ok(Node::UInt(u));
            }
            // An int subclass's str() need not be its digits; int's own is.
            let digits = self.py.get_type::<PyInt>().call1((obj,))?.str()?.to_string();
            return Ok(Node::BigInt(digits));
        }
        // A float subclass is not read as a float: the reference writes it as its str().
        if let Ok(dict) = obj.cast::<PyDict>() {
            return Ok(Node::Map(Members::Dict(dict.iter())));
        }
        if let Ok(list) = obj.cast::<PyList>() {
            return Ok(Node::List(Items::List(list.iter())));
        }
        // A tuple subclass (a namedtuple, …) is not a list to the reference: its str() is.
        if let Ok(tuple) = obj.cast_exact::<PyTuple>() {
            return Ok(Node::List(Items::Tuple(tuple.iter())));
        }
        if let Some(members) = message_fields(obj) {
            return Ok(Node::Map(Members::Message(members)));
        }
        let replacement = foreign("plain", obj)?;
        self.read_owned(&replacement)
    }

    #[inline(always)]
    fn key<'v>(&'v self, key: &'v Bound<'py, PyAny>) -> PyResult<Option<Cow<'v, str>>> {
        if let Ok(text) = key.cast_exact::<PyString>() {
            return Ok(Some(text.to_str()?.into()));
        }
        let text = foreign("key", key)?;
        if text.is_none() {
            return Ok(None);
        }
        Ok(Some(text.cast::<PyString>()?.to_str()?.to_owned().into()))
    }

    #[inline(always)]
    fn string<'v>(&'v self, obj: &'v Bound<'py, PyAny>) -> PyResult<Option<Cow<'v, str>>> {
        if let Ok(text) = obj.cast_exact::<PyString>() {
            return Ok(Some(text.to_str()?.into()));
        }
        match obj.cast::<PyString>() {
            Ok(text) => Ok(Some(text.to_str()?.into())),
            Err(_) => Ok(None),
        }
    }

    #[inline(always)]
    fn is_null(&self, obj: &Bound<'py, PyAny>) -> PyResult<bool> {
        Ok(obj.is_none())
    }

    #[inline(always)]
    fn is_string(&self, obj: &Bound<'py, PyAny>) -> PyResult<bool> {
        Ok(obj.is_exact_instance_of::<PyString>() || obj.is_instance_of::<PyString>())
    }

    fn type_name(&self, obj: &Bound<'py, PyAny>) -> String {
        obj.get_type().name().map(|n| n.to_string()).unwrap_or_default()
    }

    fn refuse(&self, refusal: Refusal) -> PyErr {
        match refusal {
            Refusal::TooDeep(message) => PyRecursionError::new_err(message),
            Refusal::KeyNotString(type_name) => PyTypeError::new_err(format!(
                "Dict key must be a str, int, float, bool, None, enum, date, time or UUID, not {type_name}"
            )),
            Refusal::NotJson(_) => PyTypeError::new_err(refusal.to_string()),
            Refusal::Invalid(err) => to_pyerr(err),
        }
    }
}

impl<'py> PyHost<'py> {
    /// What `value` is, holding nothing borrowed from it (it is a temporary: the stand-in
    /// for a foreign object).
    fn read_owned<'v>(&'v self, value: &Bound<'py, PyAny>) -> PyResult<Node<'v, Self>> {
        Ok(match self.read(value)? {
            Node::Str(text) => Node::Str(Cow::Owned(text.into_owned())),
            Node::List(items) => Node::List(items),
            Node::Map(members) => Node::Map(members),
            Node::Null => Node::Null,
            Node::Bool(b) => Node::Bool(b),
            Node::Int(i) => Node::Int(i),
            Node::UInt(u) => Node::UInt(u),
            Node::BigInt(digits) => Node::BigInt(digits),
            Node::Float(f) => Node::Float(f),
            Node::Other => Node::Other,
        })
    }
}

/// `rxon_core._foreign.<function>(obj)`: what the reference makes of an object that is no
/// JSON value (`plain`), or of a mapping key that is no `str` (`key`).
fn foreign<'py>(function: &'static str, obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    let py = obj.py();
    let module = MODULE.get_or_try_init(py, || PyModule::import(py, "rxon_core._foreign").map(Bound::unbind))?;
    module.bind(py).getattr(function)?.call1((obj,))
}

impl<'py> PlainBuilder for PyHost<'py> {
    fn plain_scalar(&self, obj: &Bound<'py, PyAny>, node: Node<'_, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        // `obj` itself when it is of the plain type; else (a str or int subclass, or a foreign
        // object standing for a scalar: an enum, a date) the plain value the node holds.
        Ok(match node {
            Node::Str(text) if !obj.is_exact_instance_of::<PyString>() => PyString::new(py, &text).into_any(),
            Node::Int(i) if !obj.is_exact_instance_of::<PyInt>() => i.into_pyobject(py)?.into_any(),
            Node::UInt(u) if !obj.is_exact_instance_of::<PyInt>() => u.into_pyobject(py)?.into_any(),
            Node::BigInt(digits) if !obj.is_exact_instance_of::<PyInt>() => py.get_type::<PyInt>().call1((digits,))?,
            Node::Float(f) if !obj.is_exact_instance_of::<PyFloat>() => PyFloat::new(py, f).into_any(),
            Node::Bool(b) if !obj.is_exact_instance_of::<PyBool>() => PyBool::new(py, b).to_owned().into_any(),
            _ => obj.clone(),
        })
    }

    fn integer_from_float(&self, value: f64) -> PyResult<Bound<'py, PyAny>> {
        const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
        let py = self.py;
        if (-TWO_POW_63..TWO_POW_63).contains(&value) {
            // In range the cast is exact; beyond it, Python's int(value) is.
            return Ok((value as i64).into_pyobject(py)?.into_any());
        }
        py.get_type::<PyInt>().call1((value,))
    }

    fn plain_key(&self, key: &Bound<'py, PyAny>, text: &str) -> PyResult<Bound<'py, PyAny>> {
        if key.is_exact_instance_of::<PyString>() {
            return Ok(key.clone());
        }
        Ok(PyString::new(self.py, text).into_any())
    }

    fn null(&self) -> Bound<'py, PyAny> {
        self.py.None().into_bound(self.py)
    }

    fn list(&self, items: Vec<Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyList::new(self.py, items)?.into_any())
    }

    fn map(&self, members: Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>) -> PyResult<Bound<'py, PyAny>> {
        let dict = PyDict::new(self.py);
        for (key, value) in members {
            dict.set_item(key, value)?;
        }
        Ok(dict.into_any())
    }
}

/// Runs `f` over `obj` as a `Serialize` value; a Python error met on the way is raised as
/// itself.
pub fn with_hosted<'py, R>(
    obj: &Bound<'py, PyAny>,
    f: impl FnOnce(&Hosted<'_, PyHost<'py>>) -> rxon_core::Result<R>,
) -> PyResult<R> {
    rxon_core::host::with_hosted(&PyHost::new(obj.py()), obj, f)
}

/// `obj` as the reference's `to_dict` returns it.
pub fn to_plain<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    rxon_core::host::to_plain(&PyHost::new(obj.py()), obj)
}
