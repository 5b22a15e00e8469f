//! `serde` support for [`Value`], [`Object`] and [`Number`], so they work with any serde
//! format; [`super::from_slice`] and the canonical writer keep every number exact.

use super::value::{Number, Object, Str, Value};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::fmt;

/// Name under which an integer beyond 128 bits travels through serde: serialized as a newtype
/// struct around its digits, deserialized as a one-member map `{TOKEN: digits}`. The canonical
/// writer and rxon's JSON reader understand it; other formats see a string or a map.
pub(crate) const BIGINT_TOKEN: &str = "$rxon::json::BigInt";

/// Name under which a [`Value`] asks to be deserialized; rxon's JSON reader answers by
/// parsing the value directly and handing it over through [`HANDOFF`], other formats by
/// visiting it token by token as usual.
pub(crate) const VALUE_TOKEN: &str = "$rxon::json::Value";

/// The same for an [`Object`]: read like [`VALUE_TOKEN`], named apart so that the decoder's
/// description of a message (`models::members`) can tell an object member from any value.
pub(crate) const OBJECT_VALUE_TOKEN: &str = "$rxon::json::Object::value";

thread_local! {
    /// A value the reader built, waiting for the `ValueVisitor` it is about to call.
    static HANDOFF: std::cell::Cell<Option<Value>> = const { std::cell::Cell::new(None) };
}

/// Passes a value the reader built to the visitor that asked for it (a `ValueVisitor`, the
/// only visitor that uses [`VALUE_TOKEN`]).
pub(crate) fn hand_over<'de, V: Visitor<'de>, E: de::Error>(value: Value, visitor: V) -> Result<V::Value, E> {
    HANDOFF.with(|slot| slot.set(Some(value)));
    let result = visitor.visit_newtype_struct(de::value::UnitDeserializer::<E>::new());
    // Never leave a value behind for an unrelated visit.
    drop(HANDOFF.with(std::cell::Cell::take));
    result
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Number::PosInt(u) => serializer.serialize_u64(*u),
            Number::NegInt(i) => serializer.serialize_i64(*i),
            Number::Float(f) => serializer.serialize_f64(*f),
            Number::BigInt(digits) => match (digits.parse::<i128>(), digits.parse::<u128>()) {
                (Ok(i), _) => serializer.serialize_i128(i),
                (_, Ok(u)) => serializer.serialize_u128(u),
                _ => serializer.serialize_newtype_struct(BIGINT_TOKEN, &**digits),
            },
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) => n.serialize(serializer),
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(object) => object.serialize(serializer),
        }
    }
}

/// Name under which an [`Object`] offers itself to a serializer. The canonical writer answers
/// by asking for the members in key order (through [`SORTED_WANTED`]), which spares it from
/// re-ordering written bytes; every other serializer gets them in document order.
pub(crate) const OBJECT_TOKEN: &str = "$rxon::json::Object";

thread_local! {
    /// Set by the canonical writer right before an object's members are serialized.
    pub(crate) static SORTED_WANTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl Serialize for Object {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(OBJECT_TOKEN, &Members(self))
    }
}

/// An object's members, in key order when the canonical writer asks for it.
struct Members<'a>(&'a Object);

impl Serialize for Members<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let object = self.0;
        let sorted_wanted = SORTED_WANTED.with(|flag| flag.replace(false));
        let mut map = serializer.serialize_map(Some(object.len()))?;
        let in_order = object.keys().zip(object.keys().skip(1)).all(|(a, b)| a < b);
        if sorted_wanted && !in_order {
            // Small objects sort their member order on the stack.
            const INLINE: usize = 16;
            let mut inline = [0usize; INLINE];
            let mut heap = Vec::new();
            let order: &mut [usize] = if object.len() <= INLINE {
                &mut inline[..object.len()]
            } else {
                heap.extend(0..object.len());
                &mut heap
            };
            for (slot, index) in order.iter_mut().zip(0..) {
                *slot = index;
            }
            order.sort_unstable_by(|&a, &b| object.key_at(a).cmp(object.key_at(b)));
            for &index in order.iter() {
                let (key, value) = object.entry_at(index);
                map.serialize_entry(key, value)?;
            }
        } else {
            for (key, value) in object.iter() {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(Number::PosInt(v)))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Number::from_integer_text(&v.to_string())
            .map(Value::Number)
            .ok_or_else(|| E::custom("bad integer"))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Number::from_integer_text(&v.to_string())
            .map(Value::Number)
            .ok_or_else(|| E::custom("bad integer"))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(Number::Float(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(Str::from(v)))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(Str::from(v)))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        match HANDOFF.with(std::cell::Cell::take) {
            Some(value) => Ok(value),
            None => d.deserialize_any(self),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let Some(first) = map.next_key::<Str>()? else {
            return Ok(Value::Object(Object::new()));
        };
        if first == BIGINT_TOKEN {
            let digits: String = map.next_value()?;
            return Number::from_integer_text(&digits)
                .map(Value::Number)
                .ok_or_else(|| de::Error::custom("malformed big integer"));
        }
        let mut object = Object::with_capacity(map.size_hint().unwrap_or(4).min(4096));
        let value = map.next_value()?;
        object.push_unchecked(first, value);
        while let Some((key, value)) = map.next_entry::<Str, Value>()? {
            object.push_unchecked(key, value);
        }
        dedupe_keys(&mut object);
        Ok(Value::Object(object))
    }
}

/// Python's dict semantics for repeated keys: the first position, the last value.
pub(crate) fn dedupe_keys(object: &mut Object) {
    let n = object.len();
    let duplicated = if n <= 16 {
        (1..n).any(|i| (0..i).any(|j| object.key_at(j) == object.key_at(i)))
    } else {
        let mut seen = std::collections::HashSet::with_capacity(n);
        !object.keys().all(|k| seen.insert(k))
    };
    if duplicated {
        let mut merged = Object::with_capacity(n);
        for (key, value) in std::mem::take(object) {
            merged.insert(key, value);
        }
        *object = merged;
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_newtype_struct(VALUE_TOKEN, ValueVisitor)
    }
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Object, D::Error> {
        match deserializer.deserialize_newtype_struct(OBJECT_VALUE_TOKEN, ValueVisitor)? {
            Value::Object(object) => Ok(object),
            other => Err(de::Error::invalid_type(unexpected(&other), &"a map")),
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Number, D::Error> {
        match deserializer.deserialize_any(ValueVisitor)? {
            Value::Number(n) => Ok(n),
            other => Err(de::Error::invalid_type(unexpected(&other), &"a number")),
        }
    }
}

fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(n) => de::Unexpected::Float(n.as_f64()),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}
