//! Any `Serialize` value as a [`Value`] tree, as it is: members in their order, nulls kept,
//! numbers exact (integers beyond 64 bits too). What a binding uses to turn its host values
//! (walked once, as a `Serialize`) into the tree the core decodes messages from.

use super::serde_impl::{BIGINT_TOKEN, dedupe_keys};
use super::value::{Number, Object, Str, Value};
use serde::ser::{self, Impossible, Serialize};
use std::fmt;

/// Why a value has no tree form (a map key that is not a string, a custom serializer's error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError(String);

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BuildError {}

impl ser::Error for BuildError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        BuildError(msg.to_string())
    }
}

/// `value` as a tree.
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, BuildError> {
    value.serialize(Builder)
}

/// Builds one value.
struct Builder;

fn integer_text<T: fmt::Display>(v: T) -> Result<Value, BuildError> {
    let text = v.to_string();
    Number::from_integer_text(&text)
        .map(Value::Number)
        .ok_or_else(|| BuildError(format!("{text} is not an integer")))
}

impl ser::Serializer for Builder {
    type Ok = Value;
    type Error = BuildError;
    type SerializeSeq = Items;
    type SerializeTuple = Items;
    type SerializeTupleStruct = Items;
    type SerializeTupleVariant = Impossible<Value, BuildError>;
    type SerializeMap = Members;
    type SerializeStruct = Members;
    type SerializeStructVariant = Impossible<Value, BuildError>;

    fn serialize_bool(self, v: bool) -> Result<Value, BuildError> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, BuildError> {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_i16(self, v: i16) -> Result<Value, BuildError> {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_i32(self, v: i32) -> Result<Value, BuildError> {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_i64(self, v: i64) -> Result<Value, BuildError> {
        Ok(Value::from(v))
    }
    fn serialize_i128(self, v: i128) -> Result<Value, BuildError> {
        integer_text(v)
    }
    fn serialize_u8(self, v: u8) -> Result<Value, BuildError> {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u16(self, v: u16) -> Result<Value, BuildError> {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u32(self, v: u32) -> Result<Value, BuildError> {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u64(self, v: u64) -> Result<Value, BuildError> {
        Ok(Value::from(v))
    }
    fn serialize_u128(self, v: u128) -> Result<Value, BuildError> {
        integer_text(v)
    }
    fn serialize_f32(self, v: f32) -> Result<Value, BuildError> {
        Ok(Value::from(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> Result<Value, BuildError> {
        Ok(Value::from(v))
    }
    fn serialize_char(self, v: char) -> Result<Value, BuildError> {
        Ok(Value::from(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Value, BuildError> {
        Ok(Value::from(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value, BuildError> {
        Ok(Value::Array(v.iter().map(|b| Value::from(u64::from(*b))).collect()))
    }
    fn serialize_none(self) -> Result<Value, BuildError> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, BuildError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, BuildError> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, BuildError> {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, BuildError> {
        Ok(Value::from(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value, BuildError> {
        match (name, value.serialize(Builder)?) {
            // An integer beyond 128 bits travels as its digits.
            (BIGINT_TOKEN, Value::String(digits)) => integer_text(digits.as_str()),
            // Any other newtype (an `Object` offering its members, a message's wrapper) is its
            // content.
            (_, content) => Ok(content),
        }
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, BuildError> {
        let mut object = Object::with_capacity(1);
        object.insert(variant, value.serialize(Builder)?);
        Ok(Value::Object(object))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Items, BuildError> {
        Ok(Items(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<Items, BuildError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Items, BuildError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, BuildError> {
        Err(BuildError(format!("{name}: tuple variants have no JSON form")))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Members, BuildError> {
        Ok(Members {
            object: Object::with_capacity(len.unwrap_or(0)),
            key: None,
        })
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Members, BuildError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, BuildError> {
        Err(BuildError(format!("{name}: struct variants have no JSON form")))
    }
}

/// The items of an array being built.
struct Items(Vec<Value>);

impl ser::SerializeSeq for Items {
    type Ok = Value;
    type Error = BuildError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), BuildError> {
        self.0.push(value.serialize(Builder)?);
        Ok(())
    }
    fn end(self) -> Result<Value, BuildError> {
        Ok(Value::Array(self.0))
    }
}

impl ser::SerializeTuple for Items {
    type Ok = Value;
    type Error = BuildError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), BuildError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Value, BuildError> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Items {
    type Ok = Value;
    type Error = BuildError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), BuildError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Value, BuildError> {
        ser::SerializeSeq::end(self)
    }
}

/// The members of an object being built, in order; a later duplicate key replaces the
/// earlier value (checked once, at the end).
struct Members {
    object: Object,
    key: Option<Str>,
}

impl Members {
    fn push<T: Serialize + ?Sized>(&mut self, key: Str, value: &T) -> Result<(), BuildError> {
        self.object.push_unchecked(key, value.serialize(Builder)?);
        Ok(())
    }

    fn finish(mut self) -> Result<Value, BuildError> {
        dedupe_keys(&mut self.object);
        Ok(Value::Object(self.object))
    }
}

impl ser::SerializeMap for Members {
    type Ok = Value;
    type Error = BuildError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), BuildError> {
        self.key = Some(key.serialize(KeyText)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), BuildError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| BuildError("a value without a key".into()))?;
        self.push(key, value)
    }
    fn end(self) -> Result<Value, BuildError> {
        self.finish()
    }
}

impl ser::SerializeStruct for Members {
    type Ok = Value;
    type Error = BuildError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), BuildError> {
        self.push(Str::from(key), value)
    }
    fn end(self) -> Result<Value, BuildError> {
        self.finish()
    }
}

/// Takes an object key, which must be a string.
struct KeyText;

fn not_a_key() -> BuildError {
    BuildError("object keys must be strings".into())
}

impl ser::Serializer for KeyText {
    type Ok = Str;
    type Error = BuildError;
    type SerializeSeq = Impossible<Str, BuildError>;
    type SerializeTuple = Impossible<Str, BuildError>;
    type SerializeTupleStruct = Impossible<Str, BuildError>;
    type SerializeTupleVariant = Impossible<Str, BuildError>;
    type SerializeMap = Impossible<Str, BuildError>;
    type SerializeStruct = Impossible<Str, BuildError>;
    type SerializeStructVariant = Impossible<Str, BuildError>;

    fn serialize_str(self, v: &str) -> Result<Str, BuildError> {
        Ok(Str::from(v))
    }
    fn serialize_char(self, v: char) -> Result<Str, BuildError> {
        Ok(Str::from(v.to_string().as_str()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Str, BuildError> {
        value.serialize(self)
    }
    fn serialize_bool(self, _v: bool) -> Result<Str, BuildError> {
        Err(not_a_key())
    }
    fn serialize_i8(self, _v: i8) -> Result<Str, BuildError> {
        Err(not_a_key())
    }
    fn serialize_i16(self, _v: i16) -> Result<Str, BuildError> {
        Err(not_a_key())
    }
    fn serialize_i32(self, _v: i32) -> Result<Str, BuildError> {
        Err(not_a_key())
    }
    fn serialize_i64(self, _v: i64) -> Result<Str, BuildError> {
        Err(not_a_key())
    }
    fn serialize_u8(self, _v: u8) -> Result<Str, BuildError> {
        Err(not_a_key())
    }
    fn serialize_u16(self, _v: u16) -> Result<Str, BuildError> {
        Err(not_a_key())
    }
    fn serialize_u32(self, _v: u32) -> Result<Str, BuildError> {
        Err(not_a_key())
    }
    fn serialize_u64(self, _v: u64) -> Result<Str, BuildError> {
        Err(not_a_key())
    }
    fn serialize_f32(self, _v: f32) -> Result<Str, BuildError> {
        Err(not_a_key())
    }
    fn serialize_f64(self, _v: f64) -> Result<Str, BuildError> {
        Err(not_a_key())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<Str, BuildError> {
        Err(not_a_key())
    }
    fn serialize_none(self) -> Result<Str, BuildError> {
        Err(not_a_key())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Str, BuildError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Str, BuildError> {
        Err(not_a_key())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Str, BuildError> {
        Err(not_a_key())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Str, BuildError> {
        Ok(Str::from(variant))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<Str, BuildError> {
        Err(not_a_key())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, BuildError> {
        Err(not_a_key())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, BuildError> {
        Err(not_a_key())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, BuildError> {
        Err(not_a_key())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, BuildError> {
        Err(not_a_key())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, BuildError> {
        Err(not_a_key())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct, BuildError> {
        Err(not_a_key())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, BuildError> {
        Err(not_a_key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::models::{Message, TaskPayload};

    #[test]
    fn trees_come_out_as_they_went_in() {
        let text = br#"{"b":null,"a":[1,2.0,-3,123456789012345678901234567890],"c":{"z":"x","y":true}}"#;
        let value = json::parse(text).unwrap();
        assert_eq!(to_value(&value).unwrap(), value);
        assert_eq!(json::to_text(&to_value(&value).unwrap()), json::to_text(&value));
    }

    #[test]
    fn messages_become_their_members() {
        let task = TaskPayload::from_json(br#"{"job_id":"j","task_id":"t","type":"e","priority":0}"#).unwrap();
        let tree = to_value(&task).unwrap();
        assert_eq!(tree["priority"], Value::from(0.0), "a float stays a float");
        assert_eq!(tree.to_string(), task.to_json().unwrap());
    }
}
