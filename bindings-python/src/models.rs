//! Message classes. Their fields are declared in `rxon_core/models.py` (the reference's
//! names, types and defaults); filling, checking, encoding and decoding them happens here, so
//! decoding and its error messages stay in the core.

use crate::convert::{to_python, to_value};
use crate::errors::to_pyerr;
use pyo3::exceptions::{PyAttributeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyFloat, PyInt, PyList, PyModule, PyString, PyTuple, PyType};
use rxon_core::models::Message;

/// How a field's value is checked and built from plain data.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Int,
    /// A float (integers are converted, as msgspec does).
    Float,
    /// `dict[str, Any]`: keys checked, copied shallowly.
    AnyDict,
    /// `dict[str, str]`.
    StrDict,
    /// `list[str]`.
    StrList,
    /// A nested message.
    Model,
    /// A list of nested messages.
    ModelList,
    /// A dict of nested messages by name.
    ModelDict,
    /// Anything else: left to the core's decoder.
    Other,
}

impl Kind {
    fn parse(text: &str) -> PyResult<Kind> {
        Ok(match text {
            "str" => Kind::Str,
            "int" => Kind::Int,
            "float" => Kind::Float,
            "any_dict" => Kind::AnyDict,
            "str_dict" => Kind::StrDict,
            "str_list" => Kind::StrList,
            "model" => Kind::Model,
            "model_list" => Kind::ModelList,
            "model_dict" => Kind::ModelDict,
            "other" => Kind::Other,
            other => return Err(PyValueError::new_err(format!("unknown field kind {other}"))),
        })
    }
}

struct Field {
    name: Py<PyAny>,
    name_text: String,
    /// `None` for a required field.
    default: Option<Py<PyAny>>,
    kind: Kind,
    nested: Option<Py<PyType>>,
    /// The nested class's field table.
    nested_table: Option<Py<FieldTable>>,
    /// `X | None`.
    optional: bool,
}

/// One field as `models.py` describes it: `(name, required, default, kind, nested_class, optional)`.
type FieldSpec = (Py<PyAny>, bool, Py<PyAny>, String, Option<Py<PyType>>, bool);

/// The fields of one message class, in declaration order; set by `models.py` as
/// `cls.__rxon_fields__` when the class is created.
#[pyclass(frozen, module = "rxon_core._native")]
pub struct FieldTable {
    model: String,
    fields: Vec<Field>,
    /// Every field in order, holding its default (`None` for required ones): copied to
    /// start an instance's `__dict__`.
    template: Py<PyDict>,
    /// Field name → position in `fields`.
    index: Py<PyDict>,
    /// How many fields have no default.
    required: usize,
}

#[pymethods]
impl FieldTable {
    /// `fields`: `(name, required, default, kind, nested_class, optional)` tuples (see
    /// `models._field_kind`).
    #[new]
    fn new(py: Python<'_>, model: String, fields: Vec<FieldSpec>) -> PyResult<Self> {
        if !rxon_core::models::MESSAGE_NAMES.contains(&model.as_str()) {
            return Err(PyValueError::new_err(format!("{model} is not an RXON message")));
        }
        // The declaration in `models.py` must name exactly the core's members.
        let mut declared: Vec<String> = fields
            .iter()
            .map(|spec| spec.0.bind(py).extract::<String>())
            .collect::<PyResult<_>>()?;
        let mut core: Vec<&str> = rxon_core::models::member_names(&model).to_vec();
        declared.sort_unstable();
        core.sort_unstable();
        if declared != core {
            return Err(PyTypeError::new_err(format!(
                "{model} declares the members {declared:?}, the core's {model} has {core:?}"
            )));
        }
        let (template, index) = (PyDict::new(py), PyDict::new(py));
        let mut table = Vec::with_capacity(fields.len());
        for (position, (name, required, default, kind, nested, optional)) in fields.into_iter().enumerate() {
            template.set_item(&name, if required { py.None() } else { default.clone_ref(py) })?;
            index.set_item(&name, position)?;
            let nested_table = nested
                .as_ref()
                .map(|cls| table_of_class(cls.bind(py)).map(Bound::unbind))
                .transpose()?;
            table.push(Field {
                name_text: name.bind(py).extract::<String>()?,
                name,
                default: (!required).then_some(default),
                kind: Kind::parse(&kind)?,
                nested,
                nested_table,
                optional,
            });
        }
        Ok(FieldTable {
            model,
            required: table.iter().filter(|f| f.default.is_none()).count(),
            fields: table,
            template: template.unbind(),
            index: index.unbind(),
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
/// is decoded by the core (a `ValueError` with the reference's message if it does not fit)
/// and built into `cls`.
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
    let Ok(dict) = data.cast::<PyDict>() else {
        return Ok(data.clone());
    };
    if let Some(message) = fast_build(cls, table.get(), dict)? {
        return Ok(message);
    }
    // Not plainly valid: the core decides, with the reference's message if it refuses.
    rxon_core::models::check(&table.get().model, &to_value(data)?).map_err(to_pyerr)?;
    build(cls, table.get(), dict)
}

/// The core's verdict on `data` as message `name` (`ValueError` with the reference's message
/// if it does not decode); what `from_dict` defers to when its quick check is in doubt.
#[pyfunction]
pub fn check_message(name: &str, data: &Bound<'_, PyAny>) -> PyResult<()> {
    rxon_core::models::check(name, &to_value(data)?).map_err(to_pyerr)
}

/// Builds `cls` from `data` if every member plainly has its field's type (what msgspec
/// accepts), checking each member once; `None` when in doubt, leaving the verdict and its
/// message to the core's decoder.
fn fast_build<'py>(
    cls: &Bound<'py, PyType>,
    table: &FieldTable,
    data: &Bound<'py, PyDict>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = cls.py();
    let (slots, index) = (table.template.bind(py).copy()?, table.index.bind(py));
    let mut required = 0;
    for (key, value) in data.iter() {
        if !key.is_exact_instance_of::<PyString>() {
            return Ok(None);
        }
        let Some(position) = index.get_item(&key)? else {
            continue;
        }; // unknown members are ignored
        let field = &table.fields[position.extract::<usize>()?];
        required += usize::from(field.default.is_none());
        let value = if value.is_none() {
            if !field.optional {
                return Ok(None);
            }
            value
        } else {
            match checked(field, value)? {
                Some(value) => value,
                None => return Ok(None),
            }
        };
        slots.set_item(key, value)?;
    }
    if required < table.required {
        return Ok(None);
    }
    with_fields(cls, slots).map(Some)
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

/// `value` as field `field` holds it, if it plainly has the field's type.
fn checked<'py>(field: &Field, value: Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = value.py();
    let is_int = |v: &Bound<'_, PyAny>| v.is_exact_instance_of::<PyInt>() && v.extract::<i64>().is_ok();
    let nested = |item: &Bound<'py, PyAny>| -> PyResult<Option<Bound<'py, PyAny>>> {
        let (Some(cls), Some(table)) = (&field.nested, &field.nested_table) else {
            return Ok(None);
        };
        match item.cast::<PyDict>() {
            Ok(dict) => fast_build(cls.bind(py), table.get(), dict),
            Err(_) => Ok(None),
        }
    };
    Ok(match field.kind {
        Kind::Str if value.is_exact_instance_of::<PyString>() => Some(value),
        Kind::Int if is_int(&value) => Some(value),
        Kind::Float if value.is_exact_instance_of::<PyFloat>() => Some(value),
        Kind::Float if is_int(&value) => Some(PyFloat::new(py, value.extract::<f64>()?).into_any()),
        Kind::AnyDict | Kind::StrDict => {
            let Ok(dict) = value.cast::<PyDict>() else {
                return Ok(None);
            };
            for (key, item) in dict.iter() {
                let text_item = field.kind == Kind::AnyDict || item.is_exact_instance_of::<PyString>();
                if !key.is_exact_instance_of::<PyString>() || !text_item {
                    return Ok(None);
                }
            }
            Some(dict.copy()?.into_any())
        }
        Kind::StrList => {
            let Ok(list) = value.cast::<PyList>() else {
                return Ok(None);
            };
            if !list.iter().all(|item| item.is_exact_instance_of::<PyString>()) {
                return Ok(None);
            }
            Some(list.get_slice(0, list.len()).into_any())
        }
        Kind::Model => nested(&value)?,
        Kind::ModelList => {
            let Ok(list) = value.cast::<PyList>() else {
                return Ok(None);
            };
            let out = PyList::empty(py);
            for item in list.iter() {
                let Some(built) = nested(&item)? else { return Ok(None) };
                out.append(built)?;
            }
            Some(out.into_any())
        }
        Kind::ModelDict => {
            let Ok(dict) = value.cast::<PyDict>() else {
                return Ok(None);
            };
            let out = PyDict::new(py);
            for (key, item) in dict.iter() {
                let Some(built) = nested(&item)? else { return Ok(None) };
                if !key.is_exact_instance_of::<PyString>() {
                    return Ok(None);
                }
                out.set_item(key, built)?;
            }
            Some(out.into_any())
        }
        _ => None,
    })
}

/// Builds an instance of `cls` from a dict the core has accepted as that message.
fn build<'py>(cls: &Bound<'py, PyType>, table: &FieldTable, data: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    let slots = table.template.bind(cls.py()).copy()?;
    for field in &table.fields {
        if let Some(value) = data.get_item(&field.name)?.filter(|v| !v.is_none()) {
            slots.set_item(&field.name, built(field, value)?)?;
        }
    }
    with_fields(cls, slots)
}

/// One field's value, with nested messages built.
fn built<'py>(field: &Field, value: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = value.py();
    let nested = |item: &Bound<'py, PyAny>| -> PyResult<Bound<'py, PyAny>> {
        let cls = field
            .nested
            .as_ref()
            .ok_or_else(|| PyTypeError::new_err("nested class missing"))?
            .bind(py);
        match item.cast::<PyDict>() {
            Ok(dict) => build(cls, table_of_class(cls)?.get(), dict),
            Err(_) => Ok(item.clone()),
        }
    };
    Ok(match field.kind {
        Kind::Str | Kind::Int | Kind::AnyDict | Kind::StrDict | Kind::StrList | Kind::Other => value,
        Kind::Float if value.is_instance_of::<PyInt>() => PyFloat::new(py, value.extract::<f64>()?).into_any(),
        Kind::Float => value,
        Kind::Model => nested(&value)?,
        Kind::ModelList => {
            let list = PyList::empty(py);
            for item in value.try_iter()? {
                list.append(nested(&item?)?)?;
            }
            list.into_any()
        }
        Kind::ModelDict => {
            let dict = PyDict::new(py);
            for (key, item) in value.cast::<PyDict>()?.iter() {
                dict.set_item(key, nested(&item)?)?;
            }
            dict.into_any()
        }
    })
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
    build(&cls, table_of_class(&cls)?.get(), data.cast::<PyDict>()?)
}

/// A Python message (an instance or a plain dict) as the core's message.
pub fn from_py<M: Message>(obj: &Bound<'_, PyAny>) -> PyResult<M> {
    M::from_value(&to_value(obj)?).map_err(to_pyerr)
}

/// `have.matches(required)` for devices, resources, artifacts and skills.
#[pyfunction]
pub fn matches(have: &Bound<'_, PyAny>, required: &Bound<'_, PyAny>) -> PyResult<bool> {
    let table = table_of(have).ok_or_else(|| PyTypeError::new_err("matches() needs an RXON message"))?;
    rxon_core::matching::matches_named(&table.get().model, &to_value(have)?, &to_value(required)?).map_err(to_pyerr)
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
