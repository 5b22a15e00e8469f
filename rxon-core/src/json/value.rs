//! The JSON tree of free-form members: objects keep their members in document order (which
//! decides the first error a schema reports, as in the reference) and numbers keep their exact
//! value, including integers beyond 64 bits.

use std::fmt;

/// The string type of JSON trees: strings of up to 24 bytes live inline, without an
/// allocation (most keys and many values of protocol messages).
pub type Str = compact_str::CompactString;

/// A JSON value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, exactly as written (see [`Number`]).
    Number(Number),
    /// A string.
    String(Str),
    /// An array.
    Array(Vec<Value>),
    /// An object, in document order.
    Object(Object),
}

/// A JSON number: an integer of any size, or a double.
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    /// A non-negative integer that fits 64 bits.
    PosInt(u64),
    /// A negative integer that fits 64 bits.
    NegInt(i64),
    /// A number written with a fraction or an exponent (Python reads it as a float).
    Float(f64),
    /// An integer beyond 64 bits, as its decimal digits (with a leading `-` when negative).
    BigInt(Box<str>),
}

impl Number {
    /// The value as an `f64` (big integers rounded).
    pub fn as_f64(&self) -> f64 {
        match self {
            Number::PosInt(u) => *u as f64,
            Number::NegInt(i) => *i as f64,
            Number::Float(f) => *f,
            Number::BigInt(digits) => digits.parse().unwrap_or(f64::NAN),
        }
    }

    /// The value as an `i64`, when it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::PosInt(u) => i64::try_from(*u).ok(),
            Number::NegInt(i) => Some(*i),
            _ => None,
        }
    }

    /// The value as a `u64`, when it is a non-negative integer in range.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Number::PosInt(u) => Some(*u),
            _ => None,
        }
    }

    /// The value as an `i128`, when it is an integer in range.
    pub fn as_i128(&self) -> Option<i128> {
        match self {
            Number::PosInt(u) => Some(i128::from(*u)),
            Number::NegInt(i) => Some(i128::from(*i)),
            Number::BigInt(digits) => digits.parse().ok(),
            Number::Float(_) => None,
        }
    }

    /// Whether it was written as an integer.
    pub fn is_integer(&self) -> bool {
        !matches!(self, Number::Float(_))
    }

    /// A number from integer digits (`-?[0-9]+`), kept exactly whatever their size.
    pub fn from_integer_text(digits: &str) -> Option<Number> {
        let body = digits.strip_prefix('-').unwrap_or(digits);
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if let Ok(u) = digits.parse::<u64>() {
            return Some(Number::PosInt(u));
        }
        if let Ok(i) = digits.parse::<i64>() {
            return Some(if i == 0 { Number::PosInt(0) } else { Number::NegInt(i) });
        }
        Some(Number::BigInt(digits.into()))
    }
}

impl fmt::Display for Number {
    /// The canonical text of the number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::new();
        super::number_text::write_number(&mut out, self);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

/// A JSON object: members in insertion order, keys unique.
///
/// Lookups are linear, which for the small objects of protocol messages beats hashing.
#[derive(Debug, Clone, Default)]
pub struct Object {
    entries: Vec<(Str, Value)>,
}

impl Object {
    /// An empty object.
    pub fn new() -> Self {
        Object { entries: Vec::new() }
    }

    /// An empty object with room for `capacity` members.
    pub fn with_capacity(capacity: usize) -> Self {
        Object {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// The member named `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The member named `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Whether a member named `key` exists.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets a member, replacing (in place) an existing one of the same name; returns the
    /// value it replaced.
    pub fn insert(&mut self, key: impl Into<Str>, value: impl Into<Value>) -> Option<Value> {
        let key = key.into();
        let value = value.into();
        match self.get_mut(&key) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    /// Removes a member; the others keep their order.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let index = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(index).1)
    }

    /// Keeps only the members for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &mut Value) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Members in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Members in order, values mutable.
    pub fn iter_mut(&mut self) -> impl ExactSizeIterator<Item = (&str, &mut Value)> {
        self.entries.iter_mut().map(|(k, v)| (k.as_str(), v))
    }

    /// Keys in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// Values in order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &Value> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Values in order, mutable.
    pub fn values_mut(&mut self) -> impl ExactSizeIterator<Item = &mut Value> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// The key of the member at `index` (in document order).
    pub(crate) fn key_at(&self, index: usize) -> &str {
        &self.entries[index].0
    }

    /// The member at `index` (in document order).
    pub(crate) fn entry_at(&self, index: usize) -> (&str, &Value) {
        let (key, value) = &self.entries[index];
        (key, value)
    }

    /// An object of these members, which the caller guarantees to be unique or dedupes.
    pub(crate) fn from_entries(entries: Vec<(Str, Value)>) -> Self {
        Object { entries }
    }

    /// Appends a member without checking for an existing one (the parser checks).
    pub(crate) fn push_unchecked(&mut self, key: Str, value: Value) {
        self.entries.push((key, value));
    }
}

/// Objects are equal when they hold the same members, in any order.
impl PartialEq for Object {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl IntoIterator for Object {
    type Item = (Str, Value);
    type IntoIter = std::vec::IntoIter<(Str, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a Object {
    type Item = (&'a str, &'a Value);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (Str, Value)>, fn(&'a (Str, Value)) -> (&'a str, &'a Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<K: Into<Str>, V: Into<Value>> FromIterator<(K, V)> for Object {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut object = Object::new();
        for (k, v) in iter {
            object.insert(k, v);
        }
        object
    }
}

static NULL: Value = Value::Null;

impl Value {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|o| o.get(key))
    }

    /// The item `index` of an array.
    pub fn get_index(&self, index: usize) -> Option<&Value> {
        self.as_array().and_then(|a| a.get(index))
    }

    /// The value at a JSON pointer (`/a/0/b`; `""` is the whole value).
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let tokens = pointer.strip_prefix('/')?;
        tokens
            .split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .try_fold(self, |v, token| match v {
                Value::Object(o) => o.get(&token),
                Value::Array(a) => token.parse::<usize>().ok().and_then(|i| a.get(i)),
                _ => None,
            })
    }

    /// Whether it is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The number as an `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number().map(Number::as_f64)
    }

    /// The number as an `i64`, when it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }

    /// The number as a `u64`, when it is a non-negative integer in range.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number().and_then(Number::as_u64)
    }

    /// The array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The array, mutably.
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The object.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The object, mutably.
    pub fn as_object_mut(&mut self) -> Option<&mut Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The JSON type name (`null`, `boolean`, `number`, `string`, `array`, `object`).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

impl std::ops::Index<&str> for Value {
    type Output = Value;
    /// The member, or `null` when there is none (as `serde_json` does).
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl std::ops::Index<usize> for Value {
    type Output = Value;
    /// The item, or `null` when there is none.
    fn index(&self, index: usize) -> &Value {
        self.get_index(index).unwrap_or(&NULL)
    }
}

macro_rules! from_number {
    ($($ty:ty => $variant:expr),*) => {$(
        impl From<$ty> for Value {
            fn from(v: $ty) -> Value {
                Value::Number($variant(v))
            }
        }
    )*};
}

from_number!(
    u8 => |v| Number::PosInt(u64::from(v)),
    u16 => |v| Number::PosInt(u64::from(v)),
    u32 => |v| Number::PosInt(u64::from(v)),
    u64 => Number::PosInt,
    f32 => |v| Number::Float(f64::from(v)),
    f64 => Number::Float
);

macro_rules! from_signed {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Value {
            fn from(v: $ty) -> Value {
                let v = i64::from(v);
                Value::Number(if v >= 0 { Number::PosInt(v as u64) } else { Number::NegInt(v) })
            }
        }
    )*};
}

from_signed!(i8, i16, i32, i64);

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::String(Str::from(v))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::String(Str::from(v))
    }
}

impl From<Str> for Value {
    fn from(v: Str) -> Value {
        Value::String(v)
    }
}

impl From<Object> for Value {
    fn from(v: Object) -> Value {
        Value::Object(v)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(v: Vec<T>) -> Value {
        Value::Array(v.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

impl From<Number> for Value {
    fn from(v: Number) -> Value {
        Value::Number(v)
    }
}

impl From<serde_json::Value> for Value {
    /// Converts a `serde_json` tree (numbers as `serde_json` holds them).
    fn from(v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => Number::PosInt(u),
                (None, Some(i)) => Number::NegInt(i),
                _ => Number::Float(n.as_f64().unwrap_or(f64::NAN)),
            }),
            serde_json::Value::String(s) => Value::String(Str::from(s)),
            serde_json::Value::Array(a) => Value::Array(a.into_iter().map(Value::from).collect()),
            serde_json::Value::Object(o) => Value::Object(o.into_iter().collect()),
        }
    }
}

impl From<Value> for serde_json::Value {
    /// Converts to a `serde_json` tree; integers beyond 64 bits become the nearest `f64`,
    /// the most `serde_json` can hold without its `arbitrary_precision` feature.
    fn from(v: Value) -> serde_json::Value {
        match v {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(b),
            Value::Number(Number::PosInt(u)) => u.into(),
            Value::Number(Number::NegInt(i)) => i.into(),
            Value::Number(n) => serde_json::Number::from_f64(n.as_f64()).map_or(serde_json::Value::Null, Into::into),
            Value::String(s) => serde_json::Value::String(s.into_string()),
            Value::Array(a) => serde_json::Value::Array(a.into_iter().map(Into::into).collect()),
            Value::Object(o) => {
                serde_json::Value::Object(o.into_iter().map(|(k, v)| (k.into_string(), v.into())).collect())
            }
        }
    }
}

/// Builds a [`Value`] from JSON-like syntax, like `serde_json::json!` (which it uses; integers
/// beyond 64 bits are not expressible here: parse them from text).
#[macro_export]
macro_rules! json {
    ($($tt:tt)+) => {
        $crate::json::Value::from($crate::json::__serde_json::json!($($tt)+))
    };
}

impl std::ops::Index<&str> for Object {
    type Output = Value;
    /// The member, or `null` when there is none.
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

macro_rules! eq_integer {
    ($($ty:ty),*) => {$(
        impl PartialEq<$ty> for Value {
            /// Equal when the value is that integer.
            fn eq(&self, other: &$ty) -> bool {
                self.as_number().and_then(Number::as_i128) == Some(i128::from(*other))
            }
        }
    )*};
}

eq_integer!(i32, i64, u16, u32, u64);

impl PartialEq<f64> for Value {
    fn eq(&self, other: &f64) -> bool {
        self.as_f64() == Some(*other)
    }
}
