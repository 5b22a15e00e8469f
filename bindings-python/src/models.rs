//! Message classes: frozen `msgspec.Struct`s declared in `rxon_core/models.py` (the reference's
//! names, type hints and default objects), each checked when registered against the core's
//! description of the message (`rxon_core::models::members`). Checking, building, encoding and
//! decoding are the core's; this module reads members by attribute and builds instances through
//! the class's own constructor.

use crate::convert::{to_python, to_value};
use crate::errors::to_pyerr;
use crate::host::PyHost;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyFloat, PyList, PyModule, PyString, PyTuple, PyType};
use rxon_core::host::{MessageBuilder, build_message};
use rxon_core::models::Message;

struct Field {
    name: Py<PyString>,
    name_text: String,
    /// The member's index in the core's description.
    core_index: usize,
    /// `None` for a required field.
    default: Option<Py<PyAny>>,
    /// The message class the field holds (alone, in a list or by name), if any, and its
    /// field table.
    nested: Option<(Py<PyType>, Py<FieldTable>)>,
}

/// One field as `models.py` declares it: `(name, required, default, type_hint, nested_class)`,
/// the type hint written as the core writes member types (`dict[str, Any] | None`).
type FieldSpec = (Py<PyString>, bool, Py<PyAny>, String, Option<Py<PyType>>);

/// The fields of one message class (a frozen `msgspec.Struct`), in declaration order; set by
/// `models.py` as `cls.__rxon_fields__` once the class exists.
#[pyclass(frozen, module = "rxon_core._native")]
pub struct FieldTable {
    model: &'static str,
    /// The class the table describes: only its exact instances take the fast paths (a
    /// subclass may add fields, so it is read and built as any other struct).
    class: Py<PyType>,
    fields: Vec<Field>,
    /// The core's member index → position in `fields`.
    by_core: Vec<usize>,
    /// Each field's name's hash, in `fields` order: a key is found by the hash its `str`
    /// keeps (computed when it went into the dict), then confirmed by its text.
    name_hashes: Vec<isize>,
}

#[pymethods]
impl FieldTable {
    /// `fields`: `(name, required, default, type_hint, nested_class)` tuples (see
    /// `models._register`). Refuses a declaration that differs from the core's message in any
    /// member's name, type, requiredness or default.
    #[new]
    fn new(py: Python<'_>, class: Bound<'_, PyType>, fields: Vec<FieldSpec>) -> PyResult<Self> {
        let model = class.name()?.to_string();
        let Some(&model) = rxon_core::models::MESSAGE_NAMES.iter().find(|name| **name == model) else {
            return Err(PyValueError::new_err(format!("{model} is not an RXON message")));
        };
        let core = rxon_core::models::members(model);
        let declared: Vec<String> = fields
            .iter()
            .map(|spec| spec.0.bind(py).extract::<String>())
            .collect::<PyResult<_>>()?;
        let (mut sorted, mut core_names) = (declared.clone(), core.iter().map(|m| m.name).collect::<Vec<_>>());
        sorted.sort_unstable();
        core_names.sort_unstable();
        if sorted != core_names {
            return Err(PyTypeError::new_err(format!(
                "{model} declares the members {sorted:?}, the core's {model} has {core_names:?}"
            )));
        }
        let mut table = Vec::with_capacity(fields.len());
        let mut name_hashes = Vec::with_capacity(fields.len());
        let mut by_core = vec![0; core.len()];
        for (position, (name, required, default, hint, nested)) in fields.into_iter().enumerate() {
            let name_text = name.bind(py).extract::<String>()?;
            let core_index = core.iter().position(|m| m.name == name_text).unwrap_or_default();
            let member = &core[core_index];
            let core_hint = member.ty.to_string();
            if hint != core_hint || required != member.required {
                return Err(PyTypeError::new_err(format!(
                    "{model}.{name_text} is declared `{hint}`{}, the core's is `{core_hint}`{}",
                    if required { " (required)" } else { "" },
                    if member.required { " (required)" } else { "" },
                )));
            }
            if let Some(core_default) = &member.default {
                let declared_default = to_value(default.bind(py))?;
                if &declared_default != core_default {
                    return Err(PyTypeError::new_err(format!(
                        "{model}.{name_text} defaults to {declared_default}, the core's to {core_default}"
                    )));
                }
            }
            by_core[core_index] = position;
            name_hashes.push(name.bind(py).hash()?);
            let nested = match nested {
                Some(cls) => Some((cls.clone_ref(py), table_of_class(cls.bind(py))?.unbind())),
                None => None,
            };
            table.push(Field {
                name_text,
                core_index,
                name,
                default: (!required).then_some(default),
                nested,
            });
        }
        Ok(FieldTable {
            model,
            class: class.unbind(),
            fields: table,
            by_core,
            name_hashes,
        })
    }
}

/// The field table of `obj`'s class, if it is exactly a message class.
fn table_of<'py>(obj: &Bound<'py, PyAny>) -> Option<Bound<'py, FieldTable>> {
    let class = obj.get_type();
    let table = class
        .getattr(pyo3::intern!(obj.py(), "__rxon_fields__"))
        .ok()?
        .cast_into::<FieldTable>()
        .ok()?;
    table.get().class.is(&class).then_some(table)
}

/// The field table of message class `cls` (exactly that class: see [`FieldTable::class`]).
fn table_of_class<'py>(cls: &Bound<'py, PyType>) -> PyResult<Bound<'py, FieldTable>> {
    cls.getattr(pyo3::intern!(cls.py(), "__rxon_fields__"))
        .ok()
        .and_then(|table| table.cast_into::<FieldTable>().ok())
        .filter(|table| table.get().class.is(cls))
        .ok_or_else(|| PyTypeError::new_err(format!("{cls} is not an RXON message class")))
}

/// The members of message `obj` that are encoded: null members and members that *are* their
/// default object left out — the reference's `omit_defaults`, which compares by identity. So
/// `0` (a shared small int) is left out, while a float or string that arrived in a dict is
/// kept even when equal to its default, exactly as the reference does and as the core does
/// for decoded JSON (`rxon_core::models::defaults`). `None` if `obj` is no message.
pub fn message_fields<'py>(obj: &Bound<'py, PyAny>) -> Option<MessageMembers<'py>> {
    Some(MessageMembers {
        table: table_of(obj)?,
        message: obj.clone(),
        position: 0,
    })
}

/// The encoded members of one message, in declaration order (see [`message_fields`]).
pub struct MessageMembers<'py> {
    table: Bound<'py, FieldTable>,
    message: Bound<'py, PyAny>,
    position: usize,
}

impl<'py> Iterator for MessageMembers<'py> {
    type Item = PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)>;

    fn next(&mut self) -> Option<Self::Item> {
        let py = self.message.py();
        while let Some(field) = self.table.get().fields.get(self.position) {
            self.position += 1;
            let value = match self.message.getattr(field.name.bind(py)) {
                Ok(value) => value,
                Err(err) => return Some(Err(err)),
            };
            let is_default = field.default.as_ref().is_some_and(|default| value.is(default.bind(py)));
            if !value.is_none() && !is_default {
                return Some(Ok((field.name.bind(py).clone().into_any(), value)));
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.table.get().fields.len() - self.position))
    }
}

/// The reference's `from_dict(cls, data)`: `None` stays `None`, an instance of `cls` is
/// returned as is, anything but a dict is returned unchanged (as the reference does); a dict
/// is checked by the core and built into `cls` (a `ValueError` with the reference's message
/// if it does not fit).
#[pyfunction]
pub fn from_dict<'py>(cls: &Bound<'py, PyAny>, data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if data.is_none() {
        return Ok(data.clone());
    }
    let message_class = cls
        .cast::<PyType>()
        .ok()
        .and_then(|cls| Some((cls, table_of_class(cls).ok()?)));
    let Some((cls, table)) = message_class else {
        // Any other class or type (a user's struct, `list[TaskPayload]`, …): msgspec's
        // conversion, as the reference does it.
        return foreign_from_dict(cls, data);
    };
    // A dict is never an instance of a message class; asked first, since `isinstance` on a
    // msgspec class goes through its metaclass's `__instancecheck__`, a Python-level call.
    if !data.is_instance_of::<PyDict>() || data.is_instance(cls)? {
        return Ok(data.clone());
    }
    let model = table.get().model;
    build_message(&PyHost::building(cls.clone(), table), model, data)
}

/// `rxon_core._foreign.from_dict(cls, data)`: the reference's `from_dict` for classes that
/// are not rxon messages.
fn foreign_from_dict<'py>(cls: &Bound<'py, PyAny>, data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    static FUNCTION: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = cls.py();
    FUNCTION
        .import(py, "rxon_core._foreign", "from_dict")?
        .call1((cls, data))
}

/// The core decoder's verdict on `data` (as a JSON tree) as message `name`: `ValueError` with
/// the reference's message if it does not decode.
#[pyfunction]
pub fn check_message(name: &str, data: &Bound<'_, PyAny>) -> PyResult<()> {
    rxon_core::models::check(name, &to_value(data)?).map_err(to_pyerr)
}

/// The Python class of message `M` (from `rxon_core.models`).
fn class_of<M: Message>(py: Python<'_>) -> PyResult<Bound<'_, PyType>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    let module = MODULE.get_or_try_init(py, || PyModule::import(py, "rxon_core.models").map(Bound::unbind))?;
    Ok(module.bind(py).getattr(M::NAME)?.cast_into::<PyType>()?)
}

/// A core message as an instance of its Python class.
pub fn to_py<'py, M: Message>(py: Python<'py>, message: &M) -> PyResult<Bound<'py, PyAny>> {
    let tree = message.to_dict().map_err(to_pyerr)?;
    let data = to_python(py, &tree)?;
    let cls = class_of::<M>(py)?;
    let table = table_of_class(&cls)?;
    build_message(&PyHost::building(cls, table), M::NAME, &data)
}

/// A Python message (an instance or a plain dict) as the core's message.
pub fn from_py<M: Message>(obj: &Bound<'_, PyAny>) -> PyResult<M> {
    M::from_value(&to_value(obj)?).map_err(to_pyerr)
}

/// `have.matches(required)` for devices, resources, artifacts and skills.
#[pyfunction]
pub fn matches(have: &Bound<'_, PyAny>, required: &Bound<'_, PyAny>) -> PyResult<bool> {
    let table = table_of(have).ok_or_else(|| PyTypeError::new_err("matches() needs an RXON message"))?;
    rxon_core::matching::matches_named(table.get().model, &to_value(have)?, &to_value(required)?).map_err(to_pyerr)
}

/// `TaskPayload.validate_params(skill)`: `(True, None)` or `(False, reason)`.
#[pyfunction]
pub fn validate_params(task: &Bound<'_, PyAny>, skill: &Bound<'_, PyAny>) -> PyResult<(bool, Option<String>)> {
    let task: rxon_core::models::TaskPayload = from_py(task)?;
    let skill: rxon_core::models::SkillInfo = from_py(skill)?;
    Ok(match rxon_core::schema::validate_params(&task, &skill) {
        Ok(()) => (true, None),
        Err(err) => (false, Some(err.message().to_string())),
    })
}

/// A core message handed to Python as an instance of its class (what an awaitable returns).
pub struct PyMessage<M>(pub M);

impl<'py, M: Message> IntoPyObject<'py> for PyMessage<M> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }
}

/// A message under construction: its class, field table and field values in declaration
/// order (defaults until set).
pub struct Draft<'py> {
    cls: Bound<'py, PyType>,
    table: Bound<'py, FieldTable>,
    values: Vec<Bound<'py, PyAny>>,
}

/// The core builds message instances through the binding: classes are the declared ones (the
/// class `from_dict` was given, outermost; the field's declared class, nested).
impl<'py> MessageBuilder for PyHost<'py> {
    type Draft = Draft<'py>;

    fn draft(&self, name: &str, owner: Option<(&Draft<'py>, usize)>) -> PyResult<Draft<'py>> {
        let py = self.py();
        let (cls, table) = match owner {
            None => self
                .class()
                .cloned()
                .ok_or_else(|| PyTypeError::new_err(format!("no class to build {name} as")))?,
            Some((owner, index)) => {
                let owner = owner.table.get();
                let field = &owner.fields[owner.by_core[index]];
                let (cls, table) = field
                    .nested
                    .as_ref()
                    .ok_or_else(|| PyTypeError::new_err(format!("{} declares no class for {name}", field.name_text)))?;
                (cls.bind(py).clone(), table.bind(py).clone())
            }
        };
        // A required member's placeholder is replaced before `finish` (the core checks that
        // every required member is present).
        let values = table
            .get()
            .fields
            .iter()
            .map(|field| {
                field
                    .default
                    .as_ref()
                    .map_or_else(|| py.None().into_bound(py), |d| d.bind(py).clone())
            })
            .collect();
        Ok(Draft { cls, table, values })
    }

    /// Found by the hash a `str` key keeps (every key of a dict has it computed already), then
    /// confirmed by identity — keys written in Python source are the interned names — or by
    /// text. A `str` subclass, which may hash otherwise, is compared by text with each name.
    #[inline]
    fn member_index(&self, draft: &Draft<'py>, key: &Bound<'py, PyAny>) -> PyResult<Option<usize>> {
        let table = draft.table.get();
        let Ok(text) = key.cast::<PyString>() else {
            return Ok(None);
        };
        let exact = key.is_exact_instance_of::<PyString>();
        let hash = if exact { text.hash()? } else { 0 };
        let candidates = table
            .fields
            .iter()
            .zip(&table.name_hashes)
            .filter(|&(_, &name_hash)| !exact || name_hash == hash);
        let mut key_text = None;
        for (field, _) in candidates {
            if field.name.as_ptr() == key.as_ptr() {
                return Ok(Some(field.core_index));
            }
            // A key with lone surrogates has no UTF-8 form and names no field.
            let Ok(key_text) = *key_text.get_or_insert_with(|| text.to_str()) else {
                return Ok(None);
            };
            if field.name_text == key_text {
                return Ok(Some(field.core_index));
            }
        }
        Ok(None)
    }

    #[inline]
    fn set(&self, draft: &mut Draft<'py>, index: usize, value: Bound<'py, PyAny>) -> PyResult<()> {
        let position = draft.table.get().by_core[index];
        draft.values[position] = value;
        Ok(())
    }

    /// The struct made by its own constructor, every field given positionally.
    #[inline]
    fn finish(&self, draft: Draft<'py>) -> PyResult<Bound<'py, PyAny>> {
        draft.cls.call1(PyTuple::new(self.py(), draft.values)?)
    }

    #[inline]
    fn float(&self, value: f64) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyFloat::new(self.py(), value).into_any())
    }

    #[inline]
    fn copy(&self, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        if let Ok(dict) = value.cast::<PyDict>() {
            return Ok(dict.copy()?.into_any());
        }
        if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
            return Ok(PyList::new(self.py(), value.try_iter()?.collect::<PyResult<Vec<_>>>()?)?.into_any());
        }
        Ok(value.clone()) // a message given where a mapping belongs: held as given
    }
}
