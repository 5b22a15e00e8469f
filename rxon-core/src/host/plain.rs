//! A host value's plain form — what the reference's `to_dict` returns — built by the binding
//! from the canonical rules applied here: null members dropped (NaN and infinite floats are
//! null), integral floats as exact integers, keys sorted by code point, messages as mappings.
//! It equals the canonical text parsed back, without writing and parsing that text.

use super::{Host, Node, Refusal, key_text};
use crate::canonical::number::{FloatForm, float_form};
use crate::canonical::{MAX_DEPTH, too_deep_message};

/// What a binding adds to [`Host`] so the core can build plain values in its language.
pub trait PlainBuilder: Host {
    /// A bool, integer, string or non-integral float as a value of the host's own type for
    /// its kind: `value` itself when it is one already, a conversion of a subtype otherwise.
    fn plain_scalar(&self, value: &Self::Value, node: Node<'_, Self>) -> Result<Self::Value, Self::Error>;

    /// An integral finite double as an exact host integer (of any size).
    fn integer_from_float(&self, value: f64) -> Result<Self::Value, Self::Error>;

    /// The host's null.
    fn null(&self) -> Self::Value;

    /// A host list of `items`.
    fn list(&self, items: Vec<Self::Value>) -> Result<Self::Value, Self::Error>;

    /// A plain mapping key for host key `key`, whose text is `text`: `key` itself when it is
    /// a string (the default), a string of `text` when the host's key was something else.
    fn plain_key(&self, key: &Self::Value, text: &str) -> Result<Self::Value, Self::Error> {
        let _ = text;
        Ok(key.clone())
    }

    /// A host mapping of `members`, in the order given (keys made by [`Self::plain_key`]).
    fn map(&self, members: Vec<(Self::Value, Self::Value)>) -> Result<Self::Value, Self::Error>;
}

/// The plain form of `value`.
pub fn to_plain<B: PlainBuilder>(builder: &B, value: &B::Value) -> Result<B::Value, B::Error> {
    Ok(plain_at(builder, value, 0)?.unwrap_or_else(|| builder.null()))
}

/// The plain form of `value`, `None` for null.
fn plain_at<B: PlainBuilder>(builder: &B, value: &B::Value, depth: usize) -> Result<Option<B::Value>, B::Error> {
    if depth > MAX_DEPTH {
        return Err(builder.refuse(Refusal::TooDeep(too_deep_message())));
    }
    let node = builder.read(value)?;
    Ok(Some(match node {
        Node::Null => return Ok(None),
        Node::Float(f) => match float_form(f) {
            FloatForm::Null => return Ok(None),
            FloatForm::Integer => builder.integer_from_float(f)?,
            FloatForm::Fraction => builder.plain_scalar(value, node)?,
        },
        Node::Bool(_) | Node::Int(_) | Node::UInt(_) | Node::BigInt(_) | Node::Str(_) => {
            builder.plain_scalar(value, node)?
        }
        Node::List(items) => {
            let mut plain = Vec::with_capacity(items.size_hint().0);
            for item in items {
                plain.push(plain_at(builder, &item?, depth + 1)?.unwrap_or_else(|| builder.null()));
            }
            builder.list(plain)?
        }
        Node::Map(members) => {
            let (lower, upper) = members.size_hint();
            let mut collected = Vec::with_capacity(upper.unwrap_or(lower));
            for member in members {
                collected.push(member?);
            }
            let members = collected;
            let mut keyed = Vec::with_capacity(members.len());
            for (key, member) in &members {
                keyed.push((key_text(builder, key)?, key, member));
            }
            keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            let mut plain = Vec::with_capacity(keyed.len());
            for (text, key, member) in keyed {
                if let Some(member) = plain_at(builder, member, depth + 1)? {
                    plain.push((builder.plain_key(key, &text)?, member));
                }
            }
            builder.map(plain)?
        }
        Node::Other => return Err(builder.refuse(Refusal::NotJson(builder.type_name(value)))),
    }))
}
