//! Host values as messages: checked against the core's member types
//! ([`crate::models::members`]) and built by the binding, in one pass and without a tree.
//! A value that does not fit gets the decoder's own error — the reference's message.

use super::{Node, PlainBuilder, Refusal, with_hosted};
use crate::models::{MemberType, members};

/// What a binding adds to [`PlainBuilder`] so the core can build its message objects.
pub trait MessageBuilder: PlainBuilder {
    /// A message being built.
    type Draft;

    /// An empty message `name` (every member at its default). `owner` is the message and the
    /// member index it will be held in, for a nested one; `None` for the outermost.
    fn draft(&self, name: &str, owner: Option<(&Self::Draft, usize)>) -> Result<Self::Draft, Self::Error>;

    /// The index in [`members`] of the member `key` names; `None` for a key that names none
    /// (ignored, as the reference ignores unknown members).
    fn member_index(&self, draft: &Self::Draft, key: &Self::Value) -> Result<Option<usize>, Self::Error>;

    /// Sets member `index` to `value`.
    fn set(&self, draft: &mut Self::Draft, index: usize, value: Self::Value) -> Result<(), Self::Error>;

    /// The finished message.
    fn finish(&self, draft: Self::Draft) -> Result<Self::Value, Self::Error>;

    /// A host float (an integer was given for a float member).
    fn float(&self, value: f64) -> Result<Self::Value, Self::Error>;

    /// A copy of list or mapping `value` holding the same items (its items need no building).
    fn copy(&self, value: &Self::Value) -> Result<Self::Value, Self::Error>;
}

/// `value` (a mapping) as the message called `name`, or the decoder's error for it.
pub fn build_message<B: MessageBuilder>(builder: &B, name: &str, value: &B::Value) -> Result<B::Value, B::Error> {
    if members(name).is_empty() {
        let err = crate::RxonError::invalid_value(format!("Unknown message type {name}"));
        return Err(builder.refuse(Refusal::Invalid(err)));
    }
    let built = match builder.read(value)? {
        Node::Map(entries) => message(builder, name, entries, None)?,
        _ => None,
    };
    built.ok_or_else(|| decode_refusal(builder, name, value))
}

/// The message made of `entries`, or `None` if they do not fit it.
fn message<B: MessageBuilder>(
    builder: &B,
    name: &str,
    entries: B::Members<'_>,
    owner: Option<(&B::Draft, usize)>,
) -> Result<Option<B::Value>, B::Error> {
    let members = members(name);
    let mut draft = builder.draft(name, owner)?;
    let mut required = 0;
    for entry in entries {
        let (key, member_value) = entry?;
        if !builder.is_string(&key)? {
            return Ok(None);
        }
        let Some(index) = builder.member_index(&draft, &key)? else {
            continue;
        };
        let member = &members[index];
        required += usize::from(member.required);
        match typed(builder, &member.ty, member_value, (&draft, index))? {
            Some(typed) => builder.set(&mut draft, index, typed)?,
            None => return Ok(None),
        }
    }
    if required < members.iter().filter(|m| m.required).count() {
        return Ok(None);
    }
    builder.finish(draft).map(Some)
}

/// What a member's value becomes.
enum Fit<V> {
    /// Held as given.
    Kept,
    /// A container of items held as given: copied whole.
    Copied,
    /// Converted or built anew.
    Built(V),
    /// Not of the member's type.
    Refused,
}

/// `value` as a member of type `ty` holds it, or `None` if it is not of that type.
fn typed<B: MessageBuilder>(
    builder: &B,
    ty: &MemberType,
    value: B::Value,
    owner: (&B::Draft, usize),
) -> Result<Option<B::Value>, B::Error> {
    // The common cases asked directly, without reading the value whole.
    let fit = match ty {
        MemberType::Json => Fit::Kept,
        MemberType::Str if builder.is_string(&value)? => Fit::Kept,
        MemberType::Str => Fit::Refused,
        MemberType::Nullable(inner) if !builder.is_null(&value)? => return typed(builder, inner, value, owner),
        MemberType::Nullable(_) => Fit::Kept,
        _ => fit(builder, ty, &value, owner)?,
    };
    Ok(match fit {
        Fit::Kept => Some(value),
        Fit::Copied => Some(builder.copy(&value)?),
        Fit::Built(built) => Some(built),
        Fit::Refused => None,
    })
}

/// What `value` becomes as a member of type `ty`, read whole.
fn fit<B: MessageBuilder>(
    builder: &B,
    ty: &MemberType,
    value: &B::Value,
    owner: (&B::Draft, usize),
) -> Result<Fit<B::Value>, B::Error> {
    Ok(match (ty, builder.read(value)?) {
        (MemberType::Bool, Node::Bool(_)) | (MemberType::Int, Node::Int(_)) | (MemberType::Float, Node::Float(_)) => {
            Fit::Kept
        }
        (MemberType::Float, Node::Int(i)) => Fit::Built(builder.float(i as f64)?),
        (MemberType::Float, Node::UInt(u)) => Fit::Built(builder.float(u as f64)?),
        // Beyond 64 bits: the nearest double, as the decoder reads such a number.
        (MemberType::Float, Node::BigInt(digits)) => match digits.parse::<f64>() {
            Ok(f) => Fit::Built(builder.float(f)?),
            Err(_) => Fit::Refused,
        },
        (MemberType::List(item), Node::List(items)) if kept_as_is(item) => {
            for each in items {
                if !kept(builder, item, &each?)? {
                    return Ok(Fit::Refused);
                }
            }
            Fit::Copied
        }
        (MemberType::Map(item), Node::Map(entries)) if kept_as_is(item) => {
            for entry in entries {
                let (key, each) = entry?;
                if !builder.is_string(&key)? || !kept(builder, item, &each)? {
                    return Ok(Fit::Refused);
                }
            }
            Fit::Copied
        }
        (MemberType::List(item), Node::List(items)) => {
            let mut out = Vec::with_capacity(items.size_hint().0);
            for each in items {
                let Some(each) = typed(builder, item, each?, owner)? else {
                    return Ok(Fit::Refused);
                };
                out.push(each);
            }
            Fit::Built(builder.list(out)?)
        }
        (MemberType::Map(item), Node::Map(entries)) => {
            let mut out = Vec::with_capacity(entries.size_hint().0);
            for entry in entries {
                let (key, each) = entry?;
                if !builder.is_string(&key)? {
                    return Ok(Fit::Refused);
                }
                let Some(each) = typed(builder, item, each, owner)? else {
                    return Ok(Fit::Refused);
                };
                out.push((key, each));
            }
            Fit::Built(builder.map(out)?)
        }
        (MemberType::Message(name), Node::Map(entries)) => match message(builder, name, entries, Some(owner))? {
            Some(message) => Fit::Built(message),
            None => Fit::Refused,
        },
        _ => Fit::Refused,
    })
}

/// Whether values of type `ty` are held as they are given (no conversion, nothing built).
fn kept_as_is(ty: &MemberType) -> bool {
    matches!(ty, MemberType::Json | MemberType::Str | MemberType::Bool)
}

/// Whether `value` is of type `ty`, one of those [`kept_as_is`].
fn kept<B: MessageBuilder>(builder: &B, ty: &MemberType, value: &B::Value) -> Result<bool, B::Error> {
    Ok(match ty {
        MemberType::Json => true,
        MemberType::Str => builder.is_string(value)?,
        _ => matches!(builder.read(value)?, Node::Bool(_)),
    })
}

/// Why `value` is not message `name`: the decoder's error (the reference's message), or the
/// host's own error for a value that has no JSON form.
fn decode_refusal<B: MessageBuilder>(builder: &B, name: &str, value: &B::Value) -> B::Error {
    let verdict = with_hosted(builder, value, |hosted| {
        let tree = crate::json::to_value(hosted).map_err(|e| crate::RxonError::invalid_value(e.to_string()))?;
        crate::models::check(name, &tree)
    });
    match verdict {
        Err(err) => err,
        // The decoder takes what the member types refused: a value only a host can hold
        // (e.g. an integer beyond 64 bits for a float member).
        Ok(()) => builder.refuse(Refusal::Invalid(crate::RxonError::invalid_value(format!(
            "Failed to instantiate {name}: a member's value has no exact form of its type"
        )))),
    }
}
