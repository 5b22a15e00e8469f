//! Message classes. Their fields are declared in `rxon_core/models.py` (the reference's
//! names, type hints and default objects) and checked, when each class is created, against the
//! core's description of the message (`rxon_core::models::members`). Checking, building,
//! encoding and decoding are the core's; this module only translates.

use crate::convert::{to_python, to_value};
use crate::errors::to_pyerr;
use crate::host::PyHost;
use pyo3::exceptions::{PyAttributeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyFloat, PyList, PyModule, PyTuple, PyType};
use rxon_core::host::{MessageBuilder, build_message};
use rxon_core::models::Message;

struct Field {
    name: Py<PyAny>,
    name_text: String,
    /// `None` for a required field.
    default: Option<Py<PyAny>>,
    /// The message class the field holds (alone, in a list or by name), if any, and its
    /// field table.
    nested: Option<(Py<PyType>, Py<FieldTable>)>,
}

/// One field as `models.py` declares it: `(name, required, default, type_hint, nested_class)`,
/// the type hint written as the core writes member types (`dict[str, Any] | None`).
type FieldSpec = (Py<PyAny>, bool, Py<PyAny>, String, Option<Py<PyType>>);

/// The fields of one message class, in declaration order; set by `models.py` as
/// `cls.__rxon_fields__` when the class is created.
#[pyclass(frozen, module = "rxon_core._native")]
pub struct FieldTable {
    model: &'static str,
    fields: Vec<Field>,
    /// Every field in order, holding its default (`None` for required ones): copied to
    /// start an instance's `__dict__`.
    template: Py<PyDict>,
    /// Field name → the member's index in the core's description.
    index: Py<PyDict>,
    /// The core's member index → position in `fields`.
    by_core: Vec<usize>,
}

#[pymethods]
impl FieldTable {
    /// `fields`: `(name, required, default, type_hint, nested_class)` tuples (see
    /// `models.Model.__init_subclass__`). Refuses a declaration that differs from the core's message in
    /// any member's name, type, requiredness or default.
    #[new]
    fn new(py: Python<'_>, model: String, fields: Vec<FieldSpec>) -> PyResult<Self> {
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
        let (template, index) = (PyDict::new(py), PyDict::new(py));
        let mut table = Vec::with_capacity(fields.len());
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
            template.set_item(&name, if required { py.None() } else { default.clone_ref(py) })?;
            index.set_item(&name, core_index)?;
            by_core[core_index] = position;
            let nested = match nested {
                Some(cls) => Some((cls.clone_ref(py), table_of_class(cls.bind(py))?.unbind())),
                None => None,
            };
            table.push(Field {
                name_text,
                name,
                default: (!required).then_some(default),
                nested,
            });
        }
        Ok(FieldTable {
            model,
            fields: table,
            template: template.unbind(),
            index: index.unbind(),
            by_core,
        })
    }
}

/// The field table of `obj`'s class, if it is a message class.
fn table_of<'py>(obj: &Bound<'py, PyAny>) -> Option<Bound<'py, FieldTable>> {
    let table = obj
        .get_type()
        .getattr(pyo3::intern!(obj.py(), "__rxon_fields__"))
        .ok()?;
    table.cast_into::<FieldTable>().ok()
}

fn table_of_class<'py>(cls: &Bound<'py, PyType>) -> PyResult<Bound<'py, FieldTable>> {
    cls.getattr(pyo3::intern!(cls.py(), "__rxon_fields__"))?
        .cast_into::<FieldTable>()
        .map_err(|_| PyTypeError::new_err(format!("{cls} is not an RXON message class")))
}

fn instance_dict<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    Ok(obj
        .getattr(pyo3::intern!(obj.py(), "__dict__"))?
        .cast_into::<PyDict>()?)
}

/// `Model.__init__`: positional arguments in field order, then keywords, then defaults.
#[pyfunction]
#[pyo3(signature = (obj, args, kwargs=None))]
pub fn model_init(
    obj: &Bound<'_, PyAny>,
    args: &Bound<'_, PyTuple>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<()> {
    let py = obj.py();
    let table = table_of(obj).ok_or_else(|| PyTypeError::new_err("not an RXON message"))?;
    let table = table.get();
    if args.len() > table.fields.len() {
        return Err(PyTypeError::new_err("Extra positional arguments provided"));
    }
    let slots = instance_dict(obj)?;
    let mut used_keywords = 0;
    for (i, field) in table.fields.iter().enumerate() {
        let keyword = kwargs.map(|k| k.get_item(&field.name)).transpose()?.flatten();
        let value = match (args.get_item(i).ok(), keyword) {
            (Some(_), Some(_)) => {
                return Err(PyTypeError::new_err(format!(
                    "Argument '{}' given by name and position",
                    field.name_text
                )));
            }
            (Some(value), None) => value,
            (None, Some(value)) => {
                used_keywords += 1;
                value
            }
            (None, None) => match &field.default {
                Some(default) => default.bind(py).clone(),
                None => {
                    return Err(PyTypeError::new_err(format!(
                        "Missing required argument '{}'",
                        field.name_text
                    )));
                }
            },
        };
        slots.set_item(&field.name, value)?;
    }
    if let Some(kwargs) = kwargs.filter(|k| k.len() > used_keywords) {
        for key in kwargs.keys() {
            if !table
                .fields
                .iter()
                .any(|f| f.name_text == key.extract::<String>().unwrap_or_default())
            {
                return Err(PyTypeError::new_err(format!("Unexpected keyword argument '{key}'")));
            }
        }
    }
    Ok(())
}

/// Refuses attribute assignment: messages are immutable, as the reference's frozen structs.
#[pyfunction]
pub fn model_setattr(obj: &Bound<'_, PyAny>) -> PyResult<()> {
    Err(PyAttributeError::new_err(format!(
        "immutable type: '{}'",
        obj.get_type().name()?
    )))
}

/// The members of message `obj` that are encoded: null members and members that *are* their
/// default object left out — the reference's `omit_defaults`, which compares by identity. So
/// `0` (a shared small int) is left out, while a float or string that arrived in a dict is
/// kept even when equal to its default, exactly as the reference does and as the core does
/// for decoded JSON (`rxon_core::models::defaults`). `None` if `obj` is no message.
pub fn message_fields<'py>(obj: &Bound<'py, PyAny>) -> Option<PyResult<MessageMembers<'py>>> {
    let table = table_of(obj)?;
    Some(instance_dict(obj).map(|slots| MessageMembers {
        table,
        slots,
        position: 0,
    }))
}

/// The encoded members of one message, in declaration order (see [`message_fields`]).
pub struct MessageMembers<'py> {
    table: Bound<'py, FieldTable>,
    slots: Bound<'py, PyDict>,
    position: usize,
}

impl<'py> Iterator for MessageMembers<'py> {
    type Item = PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)>;

    fn next(&mut self) -> Option<Self::Item> {
        let py = self.slots.py();
        while let Some(field) = self.table.get().fields.get(self.position) {
            self.position += 1;
            let value = match self.slots.get_item(&field.name) {
                Ok(Some(value)) => value,
                Ok(None) => continue,
                Err(err) => return Some(Err(err)),
            };
            let is_default = field.default.as_ref().is_some_and(|default| value.is(default.bind(py)));
            if !value.is_none() && !is_default {
                return Some(Ok((field.name.bind(py).clone(), value)));
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
    if data.is_none() || data.is_instance(cls)? {
        return Ok(data.clone());
    }
    let Ok(cls) = cls.cast::<PyType>() else {
        return Ok(data.clone());
    };
    let Ok(table) = table_of_class(cls) else {
        return Err(PyTypeError::new_err(format!(
            "from_dict: {} is not an RXON message class",
            cls.name()?
        )));
    };
    if !data.is_instance_of::<PyDict>() {
        return Ok(data.clone());
    }
    let model = table.get().model;
    build_message(&PyHost::building(cls.clone(), table), model, data)
}

/// The core decoder's verdict on `data` (as a JSON tree) as message `name`: `ValueError` with
/// the reference's message if it does not decode.
#[pyfunction]
pub fn check_message(name: &str, data: &Bound<'_, PyAny>) -> PyResult<()> {
    rxon_core::models::check(name, &to_value(data)?).map_err(to_pyerr)
}

/// A new instance of `cls` (no `__init__`) whose `__dict__` is `slots`.
fn with_fields<'py>(cls: &Bound<'py, PyType>, slots: Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    let py = cls.py();
    // SAFETY: `cls` is a live type object and `empty` a live tuple for the call; the result is
    // a new reference or NULL with an exception set, which `from_owned_ptr_or_err` takes over.
    let obj = unsafe {
        let empty = PyTuple::empty(py);
        let raw = pyo3::ffi::PyType_GenericNew(cls.as_type_ptr(), empty.as_ptr(), std::ptr::null_mut());
        Bound::from_owned_ptr_or_err(py, raw)?
    };
    // Through the generic setter: the class's own `__setattr__` refuses every assignment.
    let name = pyo3::intern!(py, "__dict__");
    // SAFETY: three live objects; returns -1 with an exception set on failure.
    let status = unsafe { pyo3::ffi::PyObject_GenericSetAttr(obj.as_ptr(), name.as_ptr(), slots.as_ptr()) };
    if status != 0 {
        return Err(PyErr::fetch(py));
    }
    Ok(obj)
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

/// A message class instance under construction: its class, field table and `__dict__`.
pub struct Draft<'py> {
    cls: Bound<'py, PyType>,
    table: Bound<'py, FieldTable>,
    slots: Bound<'py, PyDict>,
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
        let slots = table.get().template.bind(py).copy()?;
        Ok(Draft { cls, table, slots })
    }

    #[inline]
    fn member_index(&self, draft: &Draft<'py>, key: &Bound<'py, PyAny>) -> PyResult<Option<usize>> {
        draft
            .table
            .get()
            .index
            .bind(self.py())
            .get_item(key)?
            .map(|i| i.extract())
            .transpose()
    }

    #[inline]
    fn set(&self, draft: &mut Draft<'py>, index: usize, value: Bound<'py, PyAny>) -> PyResult<()> {
        let table = draft.table.get();
        draft.slots.set_item(&table.fields[table.by_core[index]].name, value)
    }

    #[inline]
    fn finish(&self, draft: Draft<'py>) -> PyResult<Bound<'py, PyAny>> {
        with_fields(&draft.cls, draft.slots)
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
