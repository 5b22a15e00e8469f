//! JavaScript values as the core reads them — the binding's one walker. It only says what
//! kind of JSON value each value is (and builds plain values for `toDict`); every rule is
//! `rxon_core::host`'s.

use crate::convert::{big_integer, to_js, unknown};
use crate::errors::{JsFailure, refusal};
use napi::bindgen_prelude::{Array, BigInt, Null, Object, ToNapiValue};
use napi::{Env, JsValue, Unknown, ValueType};
use rxon_core::host::{Host, Node, PlainBuilder, Refusal};
use rxon_core::json::{Number, Value};
use std::borrow::Cow;

/// A JavaScript value, or an object's key (read as the string it is).
#[derive(Clone)]
pub enum JsValueOrKey<'e> {
    Value(Unknown<'e>),
    Key(String),
}

/// JavaScript values, for the core.
pub struct JsHost<'e> {
    pub env: &'e Env,
}

/// An array's items.
pub struct Items<'e> {
    array: Array<'e>,
    next: u32,
}

impl<'e> Iterator for Items<'e> {
    type Item = Result<JsValueOrKey<'e>, JsFailure>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.array.len() {
            return None;
        }
        let index = self.next;
        self.next += 1;
        Some(match self.array.get::<Unknown>(index) {
            Ok(Some(item)) => Ok(JsValueOrKey::Value(item)),
            Ok(None) => undefined(self.array.value().env),
            Err(err) => Err(err.into()),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.array.len().saturating_sub(self.next) as usize;
        (left, Some(left))
    }
}

/// `undefined`, as a value (an array hole).
fn undefined<'e>(env: napi::sys::napi_env) -> Result<JsValueOrKey<'e>, JsFailure> {
    // SAFETY: `env` is the live environment of the call; `()` converts to `undefined`.
    let raw = unsafe { <()>::to_napi_value(env, ())? };
    // SAFETY: `raw` was just created in `env`.
    Ok(JsValueOrKey::Value(unsafe { Unknown::from_raw_unchecked(env, raw) }))
}

/// The text of JavaScript string `value`: one copy through a stack buffer for the short
/// strings messages are made of, a second call only for a longer one.
fn string(value: &Unknown<'_>) -> napi::Result<String> {
    let raw = value.value();
    let mut buffer = [0u8; 256];
    let mut written = 0usize;
    // SAFETY: `raw` is a live string of the live `env`; the buffer holds `len` bytes.
    unsafe {
        napi::check_status!(napi::sys::napi_get_value_string_utf8(
            raw.env,
            raw.value,
            buffer.as_mut_ptr().cast(),
            buffer.len(),
            &mut written,
        ))?;
    }
    // The engine writes whole UTF-8 sequences (up to 4 bytes) and a NUL: with 4 bytes to
    // spare beyond them, nothing was left out.
    if written + 5 <= buffer.len() {
        // The engine writes valid UTF-8 (a lone surrogate as U+FFFD).
        return Ok(match std::str::from_utf8(&buffer[..written]) {
            Ok(text) => text.to_owned(),
            Err(_) => String::from_utf8_lossy(&buffer[..written]).into_owned(),
        });
    }
    // SAFETY: the value was just found to be a string.
    unsafe { value.cast::<String>() }
}

/// An object's own enumerable string-keyed members, read with the keys the engine hands out
/// (no key is turned into a Rust string and back to look its value up).
pub struct Members<'e> {
    env: napi::sys::napi_env,
    object: napi::sys::napi_value,
    names: napi::sys::napi_value,
    len: u32,
    next: u32,
    _env: std::marker::PhantomData<&'e ()>,
}

impl<'e> Members<'e> {
    fn of(object: &Unknown<'e>) -> napi::Result<Self> {
        use napi::sys::{KeyCollectionMode, KeyConversion, KeyFilter};
        let value = object.value();
        let (mut names, mut len) = (std::ptr::null_mut(), 0);
        // SAFETY: `value` is a live object of the live `env`; the out-pointers are valid.
        unsafe {
            napi::check_status!(napi::sys::napi_get_all_property_names(
                value.env,
                value.value,
                KeyCollectionMode::own_only,
                KeyFilter::enumerable | KeyFilter::skip_symbols,
                KeyConversion::numbers_to_strings,
                &mut names,
            ))?;
            napi::check_status!(napi::sys::napi_get_array_length(value.env, names, &mut len))?;
        }
        Ok(Members {
            env: value.env,
            object: value.value,
            names,
            len,
            next: 0,
            _env: std::marker::PhantomData,
        })
    }

    fn member(&self, index: u32) -> napi::Result<(JsValueOrKey<'e>, JsValueOrKey<'e>)> {
        let (mut key, mut value) = (std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: `names` is the live key array of the live `object`; `index` < its length.
        unsafe {
            napi::check_status!(napi::sys::napi_get_element(self.env, self.names, index, &mut key))?;
            napi::check_status!(napi::sys::napi_get_property(self.env, self.object, key, &mut value))?;
            Ok((
                JsValueOrKey::Value(Unknown::from_raw_unchecked(self.env, key)),
                JsValueOrKey::Value(Unknown::from_raw_unchecked(self.env, value)),
            ))
        }
    }
}

impl<'e> Iterator for Members<'e> {
    type Item = Result<(JsValueOrKey<'e>, JsValueOrKey<'e>), JsFailure>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.len {
            return None;
        }
        let index = self.next;
        self.next += 1;
        Some(self.member(index).map_err(JsFailure::from))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.len.saturating_sub(self.next) as usize;
        (left, Some(left))
    }
}

impl<'e> Host for JsHost<'e> {
    type Value = JsValueOrKey<'e>;
    type Error = JsFailure;
    type Items<'v>
        = Items<'e>
    where
        Self: 'v;
    type Members<'v>
        = Members<'e>
    where
        Self: 'v;

    fn read<'v>(&'v self, value: &'v JsValueOrKey<'e>) -> Result<Node<'v, Self>, JsFailure> {
        let value = match value {
            JsValueOrKey::Key(key) => return Ok(Node::Str(Cow::Borrowed(key))),
            JsValueOrKey::Value(value) => value,
        };
        // SAFETY (every `cast` below): the value's type was just asked of the engine.
        Ok(match value.get_type()? {
            ValueType::Null | ValueType::Undefined => Node::Null,
            ValueType::Boolean => Node::Bool(unsafe { value.cast::<bool>()? }),
            ValueType::Number => {
                let number = unsafe { value.cast::<f64>()? };
                // JavaScript has one number type: an integral one is an integer (exactly, up
                // to 2^53 and beyond, as long as it is integral and in range).
                if number.fract() == 0.0 && number.abs() < 9.2e18 {
                    Node::Int(number as i64)
                } else {
                    Node::Float(number)
                }
            }
            ValueType::String => Node::Str(Cow::Owned(string(value)?)),
            ValueType::BigInt => {
                let big = unsafe { value.cast::<BigInt>()? };
                Node::BigInt(big_integer::digits(&big))
            }
            ValueType::Object if value.is_array()? => {
                let array = unsafe { value.cast::<Array>()? };
                Node::List(Items { array, next: 0 })
            }
            // (A Buffer is a typed array.)
            ValueType::Object if !value.is_date()? && !value.is_typedarray()? => Node::Map(Members::of(value)?),
            _ => Node::Other,
        })
    }

    fn type_name(&self, value: &JsValueOrKey<'e>) -> String {
        let JsValueOrKey::Value(value) = value else {
            return "string".into();
        };
        match value.get_type() {
            Ok(ValueType::Object) if value.is_date().unwrap_or(false) => "Date".into(),
            // (A Buffer is a Uint8Array.)
            Ok(ValueType::Object) if value.is_typedarray().unwrap_or(false) => "TypedArray".into(),
            Ok(ty) => format!("{ty}"),
            Err(_) => "unknown".into(),
        }
    }

    fn refuse(&self, why: Refusal) -> JsFailure {
        refusal(why)
    }
}

/// `toDict`'s plain values, built as JavaScript values.
impl<'e> PlainBuilder for JsHost<'e> {
    fn plain_scalar(&self, value: &JsValueOrKey<'e>, node: Node<'_, Self>) -> Result<JsValueOrKey<'e>, JsFailure> {
        Ok(match node {
            // An integral number as the integer it is (`-0` is `0`, as Python's int(-0.0)).
            Node::Int(i) => JsValueOrKey::Value(to_js(self.env, &Value::from(i))?),
            _ => value.clone(),
        })
    }

    fn integer_from_float(&self, value: f64) -> Result<JsValueOrKey<'e>, JsFailure> {
        // The exact integer, as `loads` gives it: a number up to 2^53, a BigInt beyond.
        let mut digits = Vec::new();
        rxon_core::json::number_text::write_f64(&mut digits, value);
        let integer = Number::from_integer_text(&String::from_utf8_lossy(&digits)).map_or(Value::Null, Value::Number);
        Ok(JsValueOrKey::Value(to_js(self.env, &integer)?))
    }

    fn null(&self) -> JsValueOrKey<'e> {
        match unknown(self.env, Null) {
            Ok(null) => JsValueOrKey::Value(null),
            // Creating null cannot fail in a live environment; an empty key stands in.
            Err(_) => JsValueOrKey::Key(String::new()),
        }
    }

    fn list(&self, items: Vec<JsValueOrKey<'e>>) -> Result<JsValueOrKey<'e>, JsFailure> {
        let mut array = self.env.create_array(items.len() as u32)?;
        for (index, item) in items.into_iter().enumerate() {
            array.set(index as u32, self.js(item)?)?;
        }
        Ok(JsValueOrKey::Value(unknown(self.env, array)?))
    }

    fn map(&self, members: Vec<(JsValueOrKey<'e>, JsValueOrKey<'e>)>) -> Result<JsValueOrKey<'e>, JsFailure> {
        let object = unknown(self.env, Object::new(self.env)?)?;
        for (key, value) in members {
            let (key, value) = (self.js(key)?, self.js(value)?);
            // SAFETY: three live values of the live `env`; `key` is a string.
            unsafe {
                napi::check_status!(napi::sys::napi_set_property(
                    self.env.raw(),
                    object.value().value,
                    key.value().value,
                    value.value().value,
                ))?;
            }
        }
        Ok(JsValueOrKey::Value(object))
    }
}

impl<'e> JsHost<'e> {
    /// `value` as a JavaScript value (a key becomes its string).
    fn js(&self, value: JsValueOrKey<'e>) -> napi::Result<Unknown<'e>> {
        match value {
            JsValueOrKey::Value(value) => Ok(value),
            JsValueOrKey::Key(key) => unknown(self.env, key),
        }
    }
}
