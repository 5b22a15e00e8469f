//! What each message's members are — names, types, which are required — read from its
//! decoder (serde's own description of it), so that bindings declaring the messages in their
//! language can be checked against the core, and host values checked without a tree.
//!
//! Probing deserializers ask the decoder: [`Ask`] answers a struct's request with its field
//! names, or gives it one member whose value ([`TypeOf`]) follows the decoder's requests down
//! to the member's type; [`Filler`] fills every member but one with valid values to see
//! whether the decoder misses it. (A JSON tree member asks by name
//! whether it is any value or an object: `VALUE_TOKEN` or `OBJECT_VALUE_TOKEN`.)

use crate::json::{OBJECT_VALUE_TOKEN, VALUE_TOKEN, Value};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::fmt;

/// The type of a member's value, as the decoder takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberType {
    /// `true` or `false`.
    Bool,
    /// An integer (64 bits).
    Int,
    /// A number (integers are taken as floats).
    Float,
    /// A string.
    Str,
    /// Any JSON value.
    Json,
    /// A list of values of one type.
    List(Box<MemberType>),
    /// An object with string keys and values of one type.
    Map(Box<MemberType>),
    /// The message of that name.
    Message(&'static str),
    /// `null` or a value of the type.
    Nullable(Box<MemberType>),
}

impl fmt::Display for MemberType {
    /// The type in the notation of Python type hints (`dict[str, Any] | None`), which is how
    /// bindings name the types they declare.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MemberType::Bool => f.write_str("bool"),
            MemberType::Int => f.write_str("int"),
            MemberType::Float => f.write_str("float"),
            MemberType::Str => f.write_str("str"),
            MemberType::Json => f.write_str("Any"),
            MemberType::List(item) => write!(f, "list[{item}]"),
            MemberType::Map(item) => write!(f, "dict[str, {item}]"),
            MemberType::Message(name) => f.write_str(name),
            MemberType::Nullable(inner) => write!(f, "{inner} | None"),
        }
    }
}

/// One member of a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Its wire name.
    pub name: &'static str,
    /// Its value's type.
    pub ty: MemberType,
    /// Whether decoding fails without it.
    pub required: bool,
    /// What it holds when left out (`None` for a required member).
    pub default: Option<Value>,
}

/// Why a probe stopped (the answer travels outside, in the probe's cell).
#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("probe stopped")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Stop
    }
}

/// The wire names of `M`'s members (in declaration order).
pub fn field_names<'de, M: Deserialize<'de>>() -> &'static [&'static str] {
    let names = RefCell::new(None);
    let _ = M::deserialize(Ask::Names(&names));
    names.into_inner().unwrap_or(&[])
}

/// Every member of `M`, in declaration order.
pub fn members_of<M: super::Message>() -> Vec<Member> {
    let names = field_names::<M>();
    names
        .iter()
        .map(|&name| {
            let found = RefCell::new(None);
            let _ = M::deserialize(Ask::TypeOf { name, found: &found });
            // A member the decoder takes in a way not described here is taken as any JSON
            // value; the core's tests require that none is.
            let ty = found.into_inner().unwrap_or(MemberType::Json);
            let required = M::deserialize(Filler { leave_out: Some(name) }).is_err();
            let default = if required {
                None
            } else {
                super::defaults::default_of(M::NAME, name, &ty)
            };
            Member {
                name,
                ty,
                required,
                default,
            }
        })
        .collect()
}

/// What a probe asks of a struct's decoder.
enum Ask<'a> {
    /// Its field names.
    Names(&'a RefCell<Option<&'static [&'static str]>>),
    /// The type of member `name`: the struct is given only that member, a [`TypeOf`] probe.
    TypeOf {
        name: &'static str,
        found: &'a RefCell<Option<MemberType>>,
    },
}

impl<'de> de::Deserializer<'de> for Ask<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        match self {
            Ask::Names(names) => {
                *names.borrow_mut() = Some(fields);
                Err(Stop)
            }
            Ask::TypeOf { name, found } => visitor.visit_map(ProbeEntry { key: Some(name), found }),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// One map member `key` whose value is a [`TypeOf`] probe.
struct ProbeEntry<'a> {
    key: Option<&'static str>,
    found: &'a RefCell<Option<MemberType>>,
}

impl<'de> MapAccess<'de> for ProbeEntry<'_> {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Stop> {
        self.key
            .take()
            .map(|key| seed.deserialize(key.into_deserializer()))
            .transpose()
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Stop> {
        seed.deserialize(TypeOf { found: self.found })
    }
}

/// One list item that is a [`TypeOf`] probe.
struct ProbeItem<'a>(&'a RefCell<Option<MemberType>>);

impl<'de> SeqAccess<'de> for ProbeItem<'_> {
    type Error = Stop;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Stop> {
        seed.deserialize(TypeOf { found: self.0 }).map(Some)
    }
}

/// Notes the type the decoder asks for, following lists, maps and options inward.
struct TypeOf<'a> {
    found: &'a RefCell<Option<MemberType>>,
}

impl TypeOf<'_> {
    fn found<T>(self, ty: MemberType) -> Result<T, Stop> {
        *self.found.borrow_mut() = Some(ty);
        Err(Stop)
    }
}

/// The type an inner probe noted (any JSON value if none).
fn inner(found: RefCell<Option<MemberType>>) -> Box<MemberType> {
    Box::new(found.into_inner().unwrap_or(MemberType::Json))
}

macro_rules! noting {
    ($ty:expr => $($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
            self.found($ty)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for TypeOf<'_> {
    type Error = Stop;

    noting!(MemberType::Bool => deserialize_bool);
    noting!(MemberType::Int => deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128);
    noting!(MemberType::Float => deserialize_f32 deserialize_f64);
    noting!(MemberType::Str => deserialize_char deserialize_str deserialize_string);

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        let found = RefCell::new(None);
        let _ = visitor.visit_some(TypeOf { found: &found });
        self.found(MemberType::Nullable(inner(found)))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        let found = RefCell::new(None);
        let _ = visitor.visit_seq(ProbeItem(&found));
        self.found(MemberType::List(inner(found)))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        let found = RefCell::new(None);
        let _ = visitor.visit_map(ProbeEntry {
            key: Some("key"),
            found: &found,
        });
        self.found(MemberType::Map(inner(found)))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Stop> {
        self.found(MemberType::Message(name))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Stop> {
        match name {
            VALUE_TOKEN => self.found(MemberType::Json),
            OBJECT_VALUE_TOKEN => self.found(MemberType::Map(Box::new(MemberType::Json))),
            _ => visitor.visit_newtype_struct(self),
        }
    }

    serde::forward_to_deserialize_any! {
        bytes byte_buf unit unit_struct tuple tuple_struct enum identifier ignored_any
    }
}

/// Valid values for whatever the decoder asks; at the top, every member but `leave_out`.
struct Filler {
    leave_out: Option<&'static str>,
}

macro_rules! filling {
    ($($method:ident => $visit:ident($value:expr)),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
            visitor.$visit($value)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Filler {
    type Error = Stop;

    filling!(deserialize_bool => visit_bool(false), deserialize_i8 => visit_i64(0), deserialize_i16 => visit_i64(0),
        deserialize_i32 => visit_i64(0), deserialize_i64 => visit_i64(0), deserialize_u8 => visit_u64(0),
        deserialize_u16 => visit_u64(0), deserialize_u32 => visit_u64(0), deserialize_u64 => visit_u64(0),
        deserialize_f32 => visit_f64(0.0), deserialize_f64 => visit_f64(0.0), deserialize_char => visit_str("x"),
        deserialize_str => visit_str(""), deserialize_string => visit_str(""), deserialize_identifier => visit_str(""));

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_unit()
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_none()
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_seq(Filled::empty())
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_map(Filled::empty())
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        let keys: Vec<&'static str> = fields.iter().copied().filter(|f| Some(*f) != self.leave_out).collect();
        visitor.visit_map(Filled { keys: keys.iter() })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Stop> {
        if name == VALUE_TOKEN || name == OBJECT_VALUE_TOKEN {
            // An empty object: what both a JSON value and a JSON object take.
            return visitor.visit_map(Filled::empty());
        }
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        i128 u128 bytes byte_buf unit unit_struct tuple tuple_struct enum ignored_any
    }
}

/// Map members `keys` (or list items, none) holding [`Filler`] values.
struct Filled<'k> {
    keys: std::slice::Iter<'k, &'static str>,
}

impl Filled<'_> {
    fn empty() -> Self {
        Filled { keys: [].iter() }
    }
}

impl<'de> MapAccess<'de> for Filled<'_> {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Stop> {
        self.keys
            .next()
            .map(|key| seed.deserialize((*key).into_deserializer()))
            .transpose()
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Stop> {
        seed.deserialize(Filler { leave_out: None })
    }
}

impl<'de> SeqAccess<'de> for Filled<'_> {
    type Error = Stop;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, _seed: T) -> Result<Option<T::Value>, Stop> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{FileMetadata, TaskPayload};

    #[test]
    fn member_names_come_from_the_decoder() {
        assert_eq!(field_names::<FileMetadata>(), ["etag", "metadata", "size", "uri"]);
        let task = field_names::<TaskPayload>();
        assert!(
            task.contains(&"type") && task.contains(&"priority") && task.len() == 16,
            "{task:?}"
        );
    }

    #[test]
    fn member_types_come_from_the_decoder() {
        use MemberType::*;
        let task = crate::models::members("TaskPayload");
        let of = |name: &str| task.iter().find(|m| m.name == name).unwrap().clone();
        assert_eq!(of("job_id").ty, Str);
        assert!(of("job_id").required && of("job_id").default.is_none());
        assert_eq!(of("priority").ty, Float);
        assert_eq!(of("priority").default, Some(Value::from(0.0)));
        assert_eq!(of("deadline").ty, Nullable(Box::new(Int)));
        assert_eq!(of("params").ty, Nullable(Box::new(Map(Box::new(Json)))));
        assert_eq!(
            of("params_metadata").ty,
            Nullable(Box::new(Map(Box::new(Message("FileMetadata")))))
        );
        let heartbeat = crate::models::members("Heartbeat");
        let skills = heartbeat.iter().find(|m| m.name == "supported_skills").unwrap();
        assert_eq!(skills.ty, Nullable(Box::new(List(Box::new(Message("SkillInfo"))))));
        assert_eq!(skills.ty.to_string(), "list[SkillInfo] | None");
        assert_eq!(of("params").ty.to_string(), "dict[str, Any] | None");
        let skill = crate::models::members("SkillInfo");
        let events = skill.iter().find(|m| m.name == "events_schema").unwrap();
        assert_eq!(events.ty.to_string(), "dict[str, dict[str, Any]] | None");
        let status = crate::models::members("TaskResult")
            .iter()
            .find(|m| m.name == "status")
            .unwrap();
        assert_eq!(status.default, Some(Value::from("success")));
    }

    #[test]
    fn every_message_is_fully_described() {
        for name in crate::models::MESSAGE_NAMES {
            let members = crate::models::members(name);
            assert_eq!(members.len(), crate::models::member_names(name).len(), "{name}");
            for member in members {
                // Every member that may be left out has its default; required ones none.
                assert_eq!(member.default.is_none(), member.required, "{name}.{}", member.name);
                // Every nested message is one of ours.
                let mut ty = &member.ty;
                while let MemberType::Nullable(inner) | MemberType::List(inner) | MemberType::Map(inner) = ty {
                    ty = inner;
                }
                if let MemberType::Message(nested) = ty {
                    assert!(crate::models::MESSAGE_NAMES.contains(nested), "{name}.{}", member.name);
                }
            }
        }
    }
}
