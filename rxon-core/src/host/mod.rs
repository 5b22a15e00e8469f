//! Values of a host language — Python objects, JavaScript values, C trees — read by the core.
//!
//! A binding implements [`Host`] once: it says what kind of JSON value each of its values is
//! (a [`Node`]) and nothing more. Every rule is applied here, the same for every binding:
//!
//! * [`Hosted`] is a `Serialize` view of a host value, so the canonical writer, `json_dumps`,
//!   hashes, signatures and [`crate::json::to_value`] read host values directly;
//! * [`to_plain`] gives a host value's plain form (the reference's `to_dict`) built by the
//!   binding's [`PlainBuilder`]: the canonical rules without writing text in between;
//! * [`build_message`] checks a host mapping against a message's member types and has the
//!   binding's [`MessageBuilder`] build it (the reference's `from_dict`).

mod message;
mod plain;
mod serialize;

pub use message::{MessageBuilder, build_message};
pub use plain::{PlainBuilder, to_plain};
pub use serialize::{Hosted, with_hosted};

use std::borrow::Cow;
use std::fmt;

/// What kind of JSON value a host value is.
pub enum Node<'v, H: Host + ?Sized + 'v> {
    /// Null (Python `None`, JavaScript `null`/`undefined`).
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer that fits 64 bits, signed.
    Int(i64),
    /// A non-negative integer that fits 64 bits but not `i64`.
    UInt(u64),
    /// An integer beyond 64 bits, as decimal digits (`-?[0-9]+`).
    BigInt(String),
    /// A double.
    Float(f64),
    /// A string.
    Str(Cow<'v, str>),
    /// A sequence (list, tuple, array): its items.
    List(H::Items<'v>),
    /// A mapping or a message: its members, in the host's order. Keys are host values the
    /// core reads through [`Host::key`]: a key without text is refused.
    Map(H::Members<'v>),
    /// Anything else: refused as not JSON.
    Other,
}

/// A binding's values, as the core reads them.
pub trait Host {
    /// A host value: a handle, cheap to clone.
    type Value: Clone;
    /// The host's error.
    type Error;
    /// A sequence's items, as the host iterates them (no copy into a `Vec` first).
    type Items<'v>: Iterator<Item = Result<Self::Value, Self::Error>>
    where
        Self: 'v;
    /// A mapping's `(key, value)` members, as the host iterates them.
    type Members<'v>: Iterator<Item = Result<(Self::Value, Self::Value), Self::Error>>
    where
        Self: 'v;

    /// What `value` is.
    fn read<'v>(&'v self, value: &'v Self::Value) -> Result<Node<'v, Self>, Self::Error>;

    /// The text of `value` if it is a string (what a mapping key must be). The default reads
    /// it as any value; a binding may answer faster.
    fn string<'v>(&'v self, value: &'v Self::Value) -> Result<Option<Cow<'v, str>>, Self::Error> {
        Ok(match self.read(value)? {
            Node::Str(text) => Some(text),
            _ => None,
        })
    }

    /// The text of mapping key `key`, `None` if the host has no text for it. The default
    /// takes strings only; a host whose mappings may have other keys (Python's `{1: …}`)
    /// names the text each key is written as.
    fn key<'v>(&'v self, key: &'v Self::Value) -> Result<Option<Cow<'v, str>>, Self::Error> {
        self.string(key)
    }

    /// Whether `value` is null.
    fn is_null(&self, value: &Self::Value) -> Result<bool, Self::Error> {
        Ok(matches!(self.read(value)?, Node::Null))
    }

    /// Whether `value` is a string (without reading its text).
    fn is_string(&self, value: &Self::Value) -> Result<bool, Self::Error> {
        Ok(self.string(value)?.is_some())
    }

    /// The name of `value`'s type in the host language, for error messages.
    fn type_name(&self, value: &Self::Value) -> String;

    /// The host's error for a value the core refuses.
    fn refuse(&self, refusal: Refusal) -> Self::Error;
}

/// Why the core refuses a host value.
#[derive(Debug, Clone)]
pub enum Refusal {
    /// Nested deeper than the operation allows (the reference raises `RecursionError`).
    TooDeep(String),
    /// A mapping key that is not a string; holds the key's type name.
    KeyNotString(String),
    /// A value with no JSON form; holds its type name.
    NotJson(String),
    /// A value JSON has but the operation refuses (e.g. an integer of more than 64 bits where
    /// a message member needs one).
    Invalid(crate::RxonError),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::TooDeep(message) => f.write_str(message),
            Refusal::KeyNotString(type_name) => write!(f, "Keys must be str, not {type_name}"),
            Refusal::NotJson(type_name) => write!(f, "Object of type {type_name} is not JSON serializable"),
            Refusal::Invalid(err) => f.write_str(err.message()),
        }
    }
}

/// The text of mapping key `key`, or the refusal of a key that is not a string.
#[inline(always)]
fn key_text<'v, H: Host>(host: &'v H, key: &'v H::Value) -> Result<Cow<'v, str>, H::Error> {
    match host.key(key)? {
        Some(text) => Ok(text),
        None => Err(host.refuse(Refusal::KeyNotString(host.type_name(key)))),
    }
}

#[cfg(test)]
mod tests {
    //! A small host of its own (with what JSON lacks: non-string keys, foreign objects)
    //! checks that every rule is applied here, whatever the host.
    use super::*;
    use crate::canonical::json_dumps;
    use crate::json::{self, Value};

    #[derive(Clone, Debug, PartialEq)]
    enum Toy {
        Null,
        Int(i64),
        Big(&'static str),
        Float(f64),
        Str(String),
        List(Vec<Toy>),
        Map(Vec<(Toy, Toy)>),
        Foreign,
    }

    struct ToyHost;

    fn item_of(item: &Toy) -> Result<Toy, String> {
        Ok(item.clone())
    }

    fn member_of(member: &(Toy, Toy)) -> Result<(Toy, Toy), String> {
        Ok(member.clone())
    }

    impl Host for ToyHost {
        type Value = Toy;
        type Error = String;
        type Items<'v> = std::iter::Map<std::slice::Iter<'v, Toy>, fn(&Toy) -> Result<Toy, String>>;
        type Members<'v> =
            std::iter::Map<std::slice::Iter<'v, (Toy, Toy)>, fn(&(Toy, Toy)) -> Result<(Toy, Toy), String>>;

        fn read<'v>(&'v self, value: &'v Toy) -> Result<Node<'v, Self>, String> {
            Ok(match value {
                Toy::Null => Node::Null,
                Toy::Int(i) => Node::Int(*i),
                Toy::Big(digits) => Node::BigInt(digits.to_string()),
                Toy::Float(f) => Node::Float(*f),
                Toy::Str(s) => Node::Str(s.as_str().into()),
                Toy::List(items) => Node::List(items.iter().map(item_of as fn(&Toy) -> _)),
                Toy::Map(members) => Node::Map(members.iter().map(member_of as fn(&(Toy, Toy)) -> _)),
                Toy::Foreign => Node::Other,
            })
        }

        fn type_name(&self, value: &Toy) -> String {
            format!("{value:?}").split('(').next().unwrap_or_default().to_string()
        }

        fn refuse(&self, refusal: Refusal) -> String {
            refusal.to_string()
        }
    }

    impl PlainBuilder for ToyHost {
        fn plain_scalar(&self, value: &Toy, _node: Node<'_, Self>) -> Result<Toy, String> {
            Ok(value.clone())
        }
        fn integer_from_float(&self, value: f64) -> Result<Toy, String> {
            Ok(Toy::Int(value as i64))
        }
        fn null(&self) -> Toy {
            Toy::Null
        }
        fn list(&self, items: Vec<Toy>) -> Result<Toy, String> {
            Ok(Toy::List(items))
        }
        fn map(&self, members: Vec<(Toy, Toy)>) -> Result<Toy, String> {
            Ok(Toy::Map(members))
        }
    }

    fn s(text: &str) -> Toy {
        Toy::Str(text.into())
    }

    fn sample() -> Toy {
        Toy::Map(vec![
            (s("b"), Toy::Float(5.0)),
            (
                s("a"),
                Toy::List(vec![Toy::Null, Toy::Float(f64::NAN), Toy::Float(0.5)]),
            ),
            (s("gone"), Toy::Null),
            (s("nan"), Toy::Float(f64::INFINITY)),
            (s("big"), Toy::Big("123456789012345678901234567890")),
            (s("é"), s("x")),
        ])
    }

    fn dumps(value: &Toy) -> Result<String, String> {
        with_hosted(&ToyHost, value, |hosted| json_dumps(hosted))
    }

    #[test]
    fn host_values_are_written_in_canonical_form() {
        assert_eq!(
            dumps(&sample()).unwrap(),
            r#"{"a":[null,null,0.5],"b":5,"big":123456789012345678901234567890,"é":"x"}"#
        );
    }

    #[test]
    fn plain_form_is_the_canonical_text_parsed_back() {
        let plain = to_plain(&ToyHost, &sample()).unwrap();
        let expected = Toy::Map(vec![
            (s("a"), Toy::List(vec![Toy::Null, Toy::Null, Toy::Float(0.5)])),
            (s("b"), Toy::Int(5)),
            (s("big"), Toy::Big("123456789012345678901234567890")),
            (s("é"), s("x")),
        ]);
        assert_eq!(plain, expected);
        let written = json::parse(dumps(&sample()).unwrap().as_bytes()).unwrap();
        let of_plain = json::parse(dumps(&plain).unwrap().as_bytes()).unwrap();
        assert_eq!(written, of_plain);
    }

    #[test]
    fn host_values_become_trees_as_they_are() {
        let tree = with_hosted(&ToyHost, &sample(), |hosted| {
            json::to_value(hosted).map_err(|e| crate::RxonError::invalid_value(e.to_string()))
        })
        .unwrap();
        // The tree keeps document order and nulls; the canonical rules are the writer's.
        assert_eq!(tree.as_object().unwrap().keys().next(), Some("b"));
        assert_eq!(tree.get("gone"), Some(&Value::Null));
    }

    #[test]
    fn keys_that_are_no_strings_and_foreign_values_are_refused_by_name() {
        let bad_key = Toy::Map(vec![(Toy::Int(1), s("x"))]);
        assert_eq!(dumps(&bad_key).unwrap_err(), "Keys must be str, not Int");
        assert_eq!(to_plain(&ToyHost, &bad_key).unwrap_err(), "Keys must be str, not Int");
        let foreign = Toy::List(vec![Toy::Foreign]);
        assert_eq!(
            dumps(&foreign).unwrap_err(),
            "Object of type Foreign is not JSON serializable"
        );
        assert_eq!(
            to_plain(&ToyHost, &foreign).unwrap_err(),
            "Object of type Foreign is not JSON serializable"
        );
    }

    #[test]
    fn nesting_is_bounded_in_every_direction() {
        let mut deep = Toy::Int(1);
        for _ in 0..=crate::canonical::MAX_DEPTH {
            deep = Toy::List(vec![deep]);
        }
        assert_eq!(
            to_plain(&ToyHost, &deep).unwrap_err(),
            crate::canonical::too_deep_message()
        );
        assert_eq!(dumps(&deep).unwrap_err(), crate::canonical::too_deep_message());
        for _ in 0..crate::json::MAX_NESTING {
            deep = Toy::List(vec![deep]);
        }
        let tree = with_hosted(&ToyHost, &deep, |hosted| {
            json::to_value(hosted).map_err(|e| crate::RxonError::invalid_value(e.to_string()))
        });
        assert!(tree.unwrap_err().contains("nested more than"));
    }

    /// A message under construction: its name and the members set so far.
    struct ToyDraft(String, Vec<(Toy, Toy)>);

    impl MessageBuilder for ToyHost {
        type Draft = ToyDraft;

        fn draft(&self, name: &str, _owner: Option<(&ToyDraft, usize)>) -> Result<ToyDraft, String> {
            Ok(ToyDraft(name.to_string(), Vec::new()))
        }
        fn member_index(&self, draft: &ToyDraft, key: &Toy) -> Result<Option<usize>, String> {
            let members = crate::models::members(&draft.0);
            Ok(members.iter().position(|m| Toy::Str(m.name.into()) == *key))
        }
        fn set(&self, draft: &mut ToyDraft, index: usize, value: Toy) -> Result<(), String> {
            draft.1.push((s(crate::models::members(&draft.0)[index].name), value));
            Ok(())
        }
        fn finish(&self, draft: ToyDraft) -> Result<Toy, String> {
            Ok(Toy::Map(draft.1))
        }
        fn float(&self, value: f64) -> Result<Toy, String> {
            Ok(Toy::Float(value))
        }
        fn copy(&self, value: &Toy) -> Result<Toy, String> {
            Ok(value.clone())
        }
    }

    fn task(extra: Vec<(Toy, Toy)>) -> Toy {
        let mut members = vec![(s("job_id"), s("j")), (s("task_id"), s("t")), (s("type"), s("echo"))];
        members.extend(extra);
        Toy::Map(members)
    }

    #[test]
    fn host_mappings_become_messages_checked_against_member_types() {
        let file = Toy::Map(vec![(s("uri"), s("s3://b/k")), (s("size"), Toy::Int(3))]);
        let given = task(vec![
            (s("priority"), Toy::Int(5)),
            (s("unknown"), Toy::Foreign),
            (s("params_metadata"), Toy::Map(vec![(s("in"), file)])),
        ]);
        let Toy::Map(built) = build_message(&ToyHost, "TaskPayload", &given).unwrap() else {
            panic!("not a map");
        };
        // An integer for a float member becomes a float; unknown members are left out.
        assert!(built.contains(&(s("priority"), Toy::Float(5.0))));
        assert!(!built.iter().any(|(k, _)| *k == s("unknown")));
        let nested = &built.iter().find(|(k, _)| *k == s("params_metadata")).unwrap().1;
        assert_eq!(
            nested,
            &Toy::Map(vec![(
                s("in"),
                Toy::Map(vec![(s("uri"), s("s3://b/k")), (s("size"), Toy::Int(3))])
            )])
        );
    }

    #[test]
    fn what_does_not_fit_gets_the_decoders_message() {
        let missing = Toy::Map(vec![(s("job_id"), s("j"))]);
        assert_eq!(
            build_message(&ToyHost, "TaskPayload", &missing).unwrap_err(),
            "Failed to instantiate TaskPayload: Object missing required field `task_id`"
        );
        let wrong = task(vec![(s("deadline"), s("soon"))]);
        assert_eq!(
            build_message(&ToyHost, "TaskPayload", &wrong).unwrap_err(),
            "Failed to instantiate TaskPayload: Expected `int | null`, got `str` - at `$.deadline`"
        );
        let foreign = task(vec![(s("step"), Toy::Foreign)]);
        assert_eq!(
            build_message(&ToyHost, "TaskPayload", &foreign).unwrap_err(),
            "Object of type Foreign is not JSON serializable"
        );
        assert_eq!(
            build_message(&ToyHost, "NoSuchMessage", &missing).unwrap_err(),
            "Unknown message type NoSuchMessage"
        );
    }
}
