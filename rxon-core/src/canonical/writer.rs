//! A `serde` serializer that writes the canonical form directly: object members sorted by
//! key (code point order), null members dropped (null list items kept), integral floats
//! written as integers, compact, UTF-8 unescaped except `"`, `\` and control characters.
//!
//! Writing straight from any `Serialize` value (models or `serde_json::Value`) avoids building
//! an intermediate tree: members are written in the order they come and an object's bytes are
//! re-ordered only when its keys did not arrive sorted.

use super::number::{write_f64, write_number_text};
use serde::ser::{self, Impossible, Serialize};
use std::borrow::Cow;
use std::fmt;

/// `serde_json` (with `arbitrary_precision`) serializes a number as a one-field struct of this
/// name holding the number's text; recognising it keeps big integers and float text exact.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Deepest nesting the reference's `to_dict` accepts (it raises `RecursionError` beyond).
pub const MAX_DEPTH: usize = 30;

/// Why a value has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalError(pub String);

impl fmt::Display for CanonicalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CanonicalError {}

impl ser::Error for CanonicalError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        CanonicalError(msg.to_string())
    }
}

/// Whether a serialized value was null (so an enclosing object drops the member).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emitted {
    /// `null` was written.
    Null,
    /// Anything else was written.
    Value,
}

/// The canonical writer: appends to `out`.
pub struct Writer<'a> {
    out: &'a mut Vec<u8>,
    depth: usize,
    skip_top_level: &'a [&'a str],
}

impl<'a> Writer<'a> {
    /// A writer appending to `out` that leaves out the named members of the top-level object.
    pub fn new(out: &'a mut Vec<u8>, skip_top_level: &'a [&'a str]) -> Self {
        Writer {
            out,
            depth: 0,
            skip_top_level,
        }
    }

    fn check_depth(&self) -> Result<(), CanonicalError> {
        if self.depth > MAX_DEPTH {
            return Err(CanonicalError(format!(
                "Maximum recursion depth ({MAX_DEPTH}) exceeded in to_dict"
            )));
        }
        Ok(())
    }

    fn nested<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<Emitted, CanonicalError> {
        self.depth += 1;
        let emitted = value.serialize(&mut *self);
        self.depth -= 1;
        emitted
    }

    fn begin_map(&mut self) -> Result<MapState<'a, '_>, CanonicalError> {
        self.check_depth()?;
        self.out.push(b'{');
        let region_start = self.out.len();
        let top_level = self.depth == 0;
        Ok(MapState {
            w: self,
            region_start,
            entries: Vec::new(),
            sorted: true,
            pending_key: None,
            top_level,
        })
    }

    fn begin_seq(&mut self) -> Result<SeqState<'a, '_>, CanonicalError> {
        self.check_depth()?;
        self.out.push(b'[');
        Ok(SeqState { w: self, first: true })
    }
}

/// Writes `s` as a JSON string with the reference's escapes.
pub fn write_escaped_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut run_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[run_start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 0xf) as usize]);
        } else {
            out.extend_from_slice(escape);
        }
        run_start = i + 1;
    }
    out.extend_from_slice(&bytes[run_start..]);
    out.push(b'"');
}

macro_rules! write_integer {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<Emitted, CanonicalError> {
            self.check_depth()?;
            self.out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
            Ok(Emitted::Value)
        }
    )*};
}

impl<'a, 'b> ser::Serializer for &'b mut Writer<'a> {
    type Ok = Emitted;
    type Error = CanonicalError;
    type SerializeSeq = SeqState<'a, 'b>;
    type SerializeTuple = SeqState<'a, 'b>;
    type SerializeTupleStruct = SeqState<'a, 'b>;
    type SerializeTupleVariant = VariantState<SeqState<'a, 'b>>;
    type SerializeMap = MapState<'a, 'b>;
    type SerializeStruct = StructState<'a, 'b>;
    type SerializeStructVariant = VariantState<MapState<'a, 'b>>;

    fn serialize_bool(self, v: bool) -> Result<Emitted, CanonicalError> {
        self.check_depth()?;
        self.out.extend_from_slice(if v { b"true" } else { b"false" });
        Ok(Emitted::Value)
    }

    write_integer!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128);

    fn serialize_f32(self, v: f32) -> Result<Emitted, CanonicalError> {
        self.serialize_f64(f64::from(v))
    }

    fn serialize_f64(self, v: f64) -> Result<Emitted, CanonicalError> {
        self.check_depth()?;
        write_f64(self.out, v);
        Ok(Emitted::Value)
    }

    fn serialize_char(self, v: char) -> Result<Emitted, CanonicalError> {
        self.serialize_str(v.encode_utf8(&mut [0u8; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<Emitted, CanonicalError> {
        self.check_depth()?;
        write_escaped_str(self.out, v);
        Ok(Emitted::Value)
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Emitted, CanonicalError> {
        use ser::SerializeSeq;
        let mut seq = self.begin_seq()?;
        for byte in v {
            seq.serialize_element(byte)?;
        }
        seq.end()
    }

    fn serialize_none(self) -> Result<Emitted, CanonicalError> {
        self.out.extend_from_slice(b"null");
        Ok(Emitted::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Emitted, CanonicalError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Emitted, CanonicalError> {
        self.serialize_none()
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Emitted, CanonicalError> {
        self.serialize_none()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Emitted, CanonicalError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Emitted, CanonicalError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Emitted, CanonicalError> {
        use ser::SerializeMap;
        let mut map = self.begin_map()?;
        map.entry(Cow::Borrowed(variant), value)?;
        map.end()
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<SeqState<'a, 'b>, CanonicalError> {
        self.begin_seq()
    }

    fn serialize_tuple(self, _len: usize) -> Result<SeqState<'a, 'b>, CanonicalError> {
        self.begin_seq()
    }

    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<SeqState<'a, 'b>, CanonicalError> {
        self.begin_seq()
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, CanonicalError> {
        self.check_depth()?;
        // {"variant":[...]}: the wrapper has one member, so it is written in place.
        self.out.push(b'{');
        write_escaped_str(self.out, variant);
        self.out.push(b':');
        self.depth += 1;
        Ok(VariantState(self.begin_seq()?))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<MapState<'a, 'b>, CanonicalError> {
        self.begin_map()
    }

    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<StructState<'a, 'b>, CanonicalError> {
        if name == NUMBER_TOKEN {
            self.check_depth()?;
            return Ok(StructState::Number(self));
        }
        Ok(StructState::Map(self.begin_map()?))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, CanonicalError> {
        self.check_depth()?;
        self.out.push(b'{');
        write_escaped_str(self.out, variant);
        self.out.push(b':');
        self.depth += 1;
        Ok(VariantState(self.begin_map()?))
    }
}

/// An array being written.
pub struct SeqState<'a, 'b> {
    w: &'b mut Writer<'a>,
    first: bool,
}

impl<'a, 'b> SeqState<'a, 'b> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CanonicalError> {
        if !self.first {
            self.w.out.push(b',');
        }
        self.first = false;
        self.w.nested(value)?;
        Ok(())
    }

    fn close(self) -> &'b mut Writer<'a> {
        self.w.out.push(b']');
        self.w
    }

    fn finish(self) -> Result<Emitted, CanonicalError> {
        self.close();
        Ok(Emitted::Value)
    }
}

impl ser::SerializeSeq for SeqState<'_, '_> {
    type Ok = Emitted;
    type Error = CanonicalError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CanonicalError> {
        self.element(value)
    }
    fn end(self) -> Result<Emitted, CanonicalError> {
        self.finish()
    }
}

impl ser::SerializeTuple for SeqState<'_, '_> {
    type Ok = Emitted;
    type Error = CanonicalError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CanonicalError> {
        self.element(value)
    }
    fn end(self) -> Result<Emitted, CanonicalError> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for SeqState<'_, '_> {
    type Ok = Emitted;
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CanonicalError> {
        self.element(value)
    }
    fn end(self) -> Result<Emitted, CanonicalError> {
        self.finish()
    }
}

struct Entry {
    key: Cow<'static, str>,
    start: usize,
    end: usize,
}

/// An object being written; see the module comment for how members are ordered.
pub struct MapState<'a, 'b> {
    w: &'b mut Writer<'a>,
    region_start: usize,
    entries: Vec<Entry>,
    sorted: bool,
    pending_key: Option<Cow<'static, str>>,
    top_level: bool,
}

impl<'a, 'b> MapState<'a, 'b> {
    fn entry<T: Serialize + ?Sized>(&mut self, key: Cow<'static, str>, value: &T) -> Result<(), CanonicalError> {
        if self.top_level && self.w.skip_top_level.contains(&key.as_ref()) {
            return Ok(());
        }
        let before = self.w.out.len();
        if !self.entries.is_empty() {
            self.w.out.push(b',');
        }
        let start = self.w.out.len();
        write_escaped_str(self.w.out, &key);
        self.w.out.push(b':');
        if self.w.nested(value)? == Emitted::Null {
            self.w.out.truncate(before);
            return Ok(());
        }
        if let Some(last) = self.entries.last() {
            if key.as_ref() <= last.key.as_ref() {
                self.sorted = false;
            }
        }
        self.entries.push(Entry {
            key,
            start,
            end: self.w.out.len(),
        });
        Ok(())
    }

    fn finish(self) -> Result<Emitted, CanonicalError> {
        self.close()?;
        Ok(Emitted::Value)
    }

    fn close(mut self) -> Result<&'b mut Writer<'a>, CanonicalError> {
        if !self.sorted {
            let region = self.w.out.split_off(self.region_start);
            self.entries.sort_by(|a, b| a.key.cmp(&b.key));
            for window in self.entries.windows(2) {
                if window[0].key == window[1].key {
                    return Err(CanonicalError(format!("duplicate key: {}", window[0].key)));
                }
            }
            for (i, entry) in self.entries.iter().enumerate() {
                if i > 0 {
                    self.w.out.push(b',');
                }
                let (start, end) = (entry.start - self.region_start, entry.end - self.region_start);
                self.w.out.extend_from_slice(&region[start..end]);
            }
        }
        self.w.out.push(b'}');
        Ok(self.w)
    }
}

impl ser::SerializeMap for MapState<'_, '_> {
    type Ok = Emitted;
    type Error = CanonicalError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), CanonicalError> {
        self.pending_key = Some(Cow::Owned(key.serialize(TextCapture)?));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CanonicalError> {
        let key = self
            .pending_key
            .take()
            .ok_or_else(|| CanonicalError("serialize_value called before serialize_key".into()))?;
        self.entry(key, value)
    }
    fn end(self) -> Result<Emitted, CanonicalError> {
        self.finish()
    }
}

/// A struct being written: an object, or a `serde_json` number in disguise.
pub enum StructState<'a, 'b> {
    /// An ordinary struct, written as an object.
    Map(MapState<'a, 'b>),
    /// A `serde_json::Number`, whose single field is its text.
    Number(&'b mut Writer<'a>),
}

impl ser::SerializeStruct for StructState<'_, '_> {
    type Ok = Emitted;
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), CanonicalError> {
        match self {
            StructState::Map(map) => map.entry(Cow::Borrowed(key), value),
            StructState::Number(w) => {
                let text = value.serialize(TextCapture)?;
                write_number_text(w.out, &text).map_err(|e| CanonicalError(e.0))
            }
        }
    }
    fn end(self) -> Result<Emitted, CanonicalError> {
        match self {
            StructState::Map(map) => map.finish(),
            StructState::Number(_) => Ok(Emitted::Value),
        }
    }
}

/// An enum variant wrapping a sequence or map: `{"variant": …}`.
pub struct VariantState<S>(S);

impl<'a, 'b> ser::SerializeTupleVariant for VariantState<SeqState<'a, 'b>> {
    type Ok = Emitted;
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CanonicalError> {
        self.0.element(value)
    }
    fn end(self) -> Result<Emitted, CanonicalError> {
        close_variant(self.0.close())
    }
}

impl<'a, 'b> ser::SerializeStructVariant for VariantState<MapState<'a, 'b>> {
    type Ok = Emitted;
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), CanonicalError> {
        self.0.entry(Cow::Borrowed(key), value)
    }
    fn end(self) -> Result<Emitted, CanonicalError> {
        close_variant(self.0.close()?)
    }
}

/// Closes the `{"variant": …}` wrapper around a sequence or map.
fn close_variant(w: &mut Writer<'_>) -> Result<Emitted, CanonicalError> {
    w.out.push(b'}');
    w.depth -= 1;
    Ok(Emitted::Value)
}

/// Captures text: object keys (strings, or integers and booleans written as text, like
/// orjson's non-string keys) and the text of `serde_json` numbers.
struct TextCapture;

macro_rules! capture_integer {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<String, CanonicalError> {
            Ok(itoa::Buffer::new().format(v).to_string())
        }
    )*};
}

fn not_a_key() -> CanonicalError {
    CanonicalError("object keys must be strings, integers or booleans".into())
}

impl ser::Serializer for TextCapture {
    type Ok = String;
    type Error = CanonicalError;
    type SerializeSeq = Impossible<String, CanonicalError>;
    type SerializeTuple = Impossible<String, CanonicalError>;
    type SerializeTupleStruct = Impossible<String, CanonicalError>;
    type SerializeTupleVariant = Impossible<String, CanonicalError>;
    type SerializeMap = Impossible<String, CanonicalError>;
    type SerializeStruct = Impossible<String, CanonicalError>;
    type SerializeStructVariant = Impossible<String, CanonicalError>;

    fn serialize_str(self, v: &str) -> Result<String, CanonicalError> {
        Ok(v.to_string())
    }
    fn serialize_char(self, v: char) -> Result<String, CanonicalError> {
        Ok(v.to_string())
    }
    fn serialize_bool(self, v: bool) -> Result<String, CanonicalError> {
        Ok(if v { "true" } else { "false" }.to_string())
    }
    capture_integer!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128);
    fn serialize_f32(self, _v: f32) -> Result<String, CanonicalError> {
        Err(not_a_key())
    }
    fn serialize_f64(self, _v: f64) -> Result<String, CanonicalError> {
        Err(not_a_key())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String, CanonicalError> {
        Err(not_a_key())
    }
    fn serialize_none(self) -> Result<String, CanonicalError> {
        Err(not_a_key())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, CanonicalError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, CanonicalError> {
        Err(not_a_key())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, CanonicalError> {
        Err(not_a_key())
    }
    fn serialize_unit_variant(
        self,
        _n: &'static str,
        _i: u32,
        variant: &'static str,
    ) -> Result<String, CanonicalError> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _n: &'static str,
        value: &T,
    ) -> Result<String, CanonicalError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _value: &T,
    ) -> Result<String, CanonicalError> {
        Err(not_a_key())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, CanonicalError> {
        Err(not_a_key())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, CanonicalError> {
        Err(not_a_key())
    }
    fn serialize_tuple_struct(self, _n: &'static str, _l: usize) -> Result<Self::SerializeTupleStruct, CanonicalError> {
        Err(not_a_key())
    }
    fn serialize_tuple_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _l: usize,
    ) -> Result<Self::SerializeTupleVariant, CanonicalError> {
        Err(not_a_key())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, CanonicalError> {
        Err(not_a_key())
    }
    fn serialize_struct(self, _n: &'static str, _l: usize) -> Result<Self::SerializeStruct, CanonicalError> {
        Err(not_a_key())
    }
    fn serialize_struct_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _l: usize,
    ) -> Result<Self::SerializeStructVariant, CanonicalError> {
        Err(not_a_key())
    }
}
