//! Python values as the core reads them — the binding's one walker. It only says what kind of
//! JSON value each object is (and builds plain Python values when asked); the canonical form,
//! `to_dict`'s rules, key checks and depth limits are all `rxon_core::host`'s.

use crate::errors::to_pyerr;
use crate::models::{FieldTable, MessageMembers, message_fields};
use pyo3::exceptions::{PyRecursionError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::iter::{BoundDictIterator, BoundListIterator, BoundTupleIterator};
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
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
        if let Ok(float) = obj.cast::<PyFloat>() {
            return Ok(Node::Float(float.value()));
        }
        if let Ok(dict) = obj.cast::<PyDict>() {
            return Ok(Node::Map(Members::Dict(dict.iter())));
        }
        if let Ok(list) = obj.cast::<PyList>() {
            return Ok(Node::List(Items::List(list.iter())));
        }
        if let Ok(tuple) = obj.cast::<PyTuple>() {
            return Ok(Node::List(Items::Tuple(tuple.iter())));
        }
        if let Some(members) = message_fields(obj) {
            return Ok(Node::Map(Members::Message(members)));
        }
        Ok(Node::Other)
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
            Refusal::KeyNotString(_) | Refusal::NotJson(_) => PyTypeError::new_err(refusal.to_string()),
            Refusal::Invalid(err) => to_pyerr(err),
        }
    }
}

impl<'py> PlainBuilder for PyHost<'py> {
    fn plain_scalar(&self, obj: &Bound<'py, PyAny>, node: Node<'_, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        Ok(match node {
            // A str subclass (a str Enum, …) as the plain str it stands for.
            Node::Str(text) if !obj.is_exact_instance_of::<PyString>() => PyString::new(py, &text).into_any(),
            // An int subclass (IntEnum, …) as the plain int it stands for.
            Node::Int(_) | Node::UInt(_) | Node::BigInt(_) if !obj.is_exact_instance_of::<PyInt>() => {
                py.get_type::<PyInt>().call1((obj,))?
            }
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
