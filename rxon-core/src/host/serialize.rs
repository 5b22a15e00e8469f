//! A host value as `serde::Serialize`: the canonical writer and the tree builder read host
//! values through it, without an intermediate tree.

use super::{Host, Node, Refusal, key_text};
use crate::json::{MAX_NESTING, Number, Value};
use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::cell::RefCell;

/// Runs `f` over `value` seen as a `Serialize` value. A host error met while serializing
/// (the binding's own, or a [`Refusal`]) is returned as itself; an error of `f` otherwise
/// becomes the host's [`Refusal::Invalid`].
pub fn with_hosted<H: Host, R>(
    host: &H,
    value: &H::Value,
    f: impl FnOnce(&Hosted<'_, H>) -> crate::Result<R>,
) -> Result<R, H::Error> {
    let failure = RefCell::new(None);
    let hosted = Hosted {
        host,
        value,
        depth: 0,
        failure: &failure,
    };
    let result = f(&hosted);
    if let Some(err) = failure.into_inner() {
        return Err(err);
    }
    result.map_err(|err| host.refuse(Refusal::Invalid(err)))
}

/// A host value the core can serialize (made by [`with_hosted`]).
pub struct Hosted<'a, H: Host> {
    host: &'a H,
    value: &'a H::Value,
    depth: usize,
    /// The host error that stopped serialization, kept to be returned as itself.
    failure: &'a RefCell<Option<H::Error>>,
}

impl<'a, H: Host> Hosted<'a, H> {
    #[inline(always)]
    fn nested<'b>(&'b self, value: &'b H::Value) -> Hosted<'b, H> {
        Hosted {
            host: self.host,
            value,
            depth: self.depth + 1,
            failure: self.failure,
        }
    }

    /// Keeps `err` to be returned as itself; serde gets its text.
    fn fail<E: serde::ser::Error>(&self, err: H::Error) -> E {
        self.failure.borrow_mut().get_or_insert(err);
        E::custom("host value refused")
    }
}

impl<H: Host> Serialize for Hosted<'_, H> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Bounded as the JSON reader is: a cyclic or absurdly deep host value is an error,
        // never a stack overflow.
        if self.depth > MAX_NESTING {
            let message = format!("Object is nested more than {MAX_NESTING} levels deep");
            return Err(self.fail(self.host.refuse(Refusal::TooDeep(message))));
        }
        match self.host.read(self.value).map_err(|e| self.fail::<S::Error>(e))? {
            Node::Null => serializer.serialize_none(),
            Node::Bool(b) => serializer.serialize_bool(b),
            Node::Int(i) => serializer.serialize_i64(i),
            Node::UInt(u) => serializer.serialize_u64(u),
            Node::BigInt(digits) => match Number::from_integer_text(&digits) {
                Some(number) => Value::Number(number).serialize(serializer),
                None => Err(S::Error::custom(format!("{digits} is not an integer"))),
            },
            Node::Float(f) => serializer.serialize_f64(f),
            Node::Str(text) => serializer.serialize_str(&text),
            Node::List(items) => {
                let mut seq = serializer.serialize_seq(exact_len(&items))?;
                for item in items {
                    let item = item.map_err(|e| self.fail::<S::Error>(e))?;
                    seq.serialize_element(&self.nested(&item))?;
                }
                seq.end()
            }
            Node::Map(members) => {
                let mut map = serializer.serialize_map(exact_len(&members))?;
                for member in members {
                    let (key, value) = member.map_err(|e| self.fail::<S::Error>(e))?;
                    let key = key_text(self.host, &key).map_err(|e| self.fail::<S::Error>(e))?;
                    map.serialize_entry(key.as_ref(), &self.nested(&value))?;
                }
                map.end()
            }
            Node::Other => Err(self.fail(self.host.refuse(Refusal::NotJson(self.host.type_name(self.value))))),
        }
    }
}

/// An iterator's length if it knows it exactly (what serializers size their buffers by).
fn exact_len(items: &impl Iterator) -> Option<usize> {
    match items.size_hint() {
        (lower, Some(upper)) if lower == upper => Some(lower),
        _ => None,
    }
}
