//! The member names of each message, read from its decoder (serde's own list), so that a
//! binding declaring the messages in its language can be checked against the core.

use serde::Deserialize;
use serde::de::{self, Visitor};
use std::fmt;

/// What the probe deserializer carries out: the names serde asked for, or why it stopped.
#[derive(Debug)]
struct Probe(Option<&'static [&'static str]>);

impl fmt::Display for Probe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field probe")
    }
}

impl std::error::Error for Probe {}

impl de::Error for Probe {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Probe(None)
    }
}

/// A deserializer that answers a struct's request with an error holding its field names.
struct FieldProbe;

impl<'de> de::Deserializer<'de> for FieldProbe {
    type Error = Probe;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Probe> {
        Err(Probe(None))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Probe> {
        Err(Probe(Some(fields)))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// The wire names of `M`'s members (in declaration order).
pub fn field_names<'de, M: Deserialize<'de>>() -> &'static [&'static str] {
    match M::deserialize(FieldProbe) {
        Err(Probe(Some(fields))) => fields,
        _ => &[],
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
}
