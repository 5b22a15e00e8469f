//! A `serde` serializer that writes the canonical form directly: object members sorted by
//! key (code point order), null members dropped (null list items kept), integral floats
//! written as integers, compact, UTF-8 unescaped except `"`, `\` and control characters.
//!
//! Writing straight from any `Serialize` value (models or [`crate::json::Value`]) avoids
//! building an intermediate tree. A [`crate::json::Object`] hands its members over in key
//! order when this writer asks (other serializers get document order); models declare their
//! fields in key order. Anything else arriving unsorted has its written bytes re-ordered
//! through one reused scratch buffer; keys are compared where they were written, uncopied.

use crate::json::number_text::write_f64;
use crate::json::{BIGINT_TOKEN, OBJECT_TOKEN, SORTED_WANTED, write_escaped_str};
use serde::ser::{self, Impossible, Serialize};
use std::borrow::Cow;
use std::fmt;

/// Deepest nesting the reference's `to_dict` accepts (it raises `RecursionError` beyond).
pub const MAX_DEPTH: usize = 30;

/// The reference's message for nesting deeper than [`MAX_DEPTH`].
pub fn too_deep_message() -> String {
    format!("Maximum recursion depth ({MAX_DEPTH}) exceeded in to_dict")
}

/// Why a value has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CanonicalError {
    /// Nested deeper than [`MAX_DEPTH`] (the reference raises `RecursionError`).
    TooDeep,
    /// Anything else: the reason.
    Invalid(String),
}

impl fmt::Display for CanonicalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CanonicalError::TooDeep => f.write_str(&too_deep_message()),
            CanonicalError::Invalid(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for CanonicalError {}

impl ser::Error for CanonicalError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        CanonicalError::Invalid(msg.to_string())
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
    /// Members of every object still open, innermost last.
    entries: Vec<Entry>,
    /// Where an unsorted object's bytes wait while they are re-ordered.
    scratch: Vec<u8>,
    /// The next object's members come in key order already (a [`crate::json::Object`] asked to
    /// sort itself), so their keys need no comparing.
    next_map_sorted: bool,
}

impl<'a> Writer<'a> {
    /// A writer appending to `out` that leaves out the named members of the top-level object.
    pub fn new(out: &'a mut Vec<u8>, skip_top_level: &'a [&'a str]) -> Self {
        Writer {
            out,
            depth: 0,
            skip_top_level,
            entries: Vec::with_capacity(32),
            scratch: Vec::new(),
            next_map_sorted: false,
        }
    }

    fn check_depth(&self) -> Result<(), CanonicalError> {
        if self.depth > MAX_DEPTH {
            return Err(CanonicalError::TooDeep);
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
        let base = self.entries.len();
        let presorted = std::mem::take(&mut self.next_map_sorted);
        Ok(MapState {
            w: self,
            region_start,
            base,
            sorted: true,
            presorted,
            pending: None,
            top_level,
        })
    }

    fn begin_seq(&mut self) -> Result<SeqState<'a, '_>, CanonicalError> {
        self.check_depth()?;
        self.out.push(b'[');
        Ok(SeqState { w: self, first: true })
    }
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
    type SerializeStruct = MapState<'a, 'b>;
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
        // NaN and the infinities are written as null, so an object drops them as the
        // reference's to_dict does (orjson writes null, which its loads reads as None).
        Ok(if v.is_finite() { Emitted::Value } else { Emitted::Null })
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
        name: &'static str,
        value: &T,
    ) -> Result<Emitted, CanonicalError> {
        if name == OBJECT_TOKEN {
            SORTED_WANTED.with(|flag| flag.set(true));
            self.next_map_sorted = true;
            let written = value.serialize(&mut *self);
            SORTED_WANTED.with(|flag| flag.set(false));
            self.next_map_sorted = false;
            return written;
        }
        if name == BIGINT_TOKEN {
            self.check_depth()?;
            let digits = value.serialize(TEXT_CAPTURE)?;
            self.out.extend_from_slice(digits.as_bytes());
            return Ok(Emitted::Value);
        }
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
        map.entry(variant, value)?;
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

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<MapState<'a, 'b>, CanonicalError> {
        self.begin_map()
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

/// The sequence-like serde traits all append elements the same way.
macro_rules! seq_like {
    ($($trait:ident::$method:ident),*) => {$(
        impl ser::$trait for SeqState<'_, '_> {
            type Ok = Emitted;
            type Error = CanonicalError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CanonicalError> {
                self.element(value)
            }
            fn end(self) -> Result<Emitted, CanonicalError> {
                self.finish()
            }
        }
    )*};
}

seq_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

/// One member written into the output: where its escaped key and its whole `"key":value`
/// text are.
struct Entry {
    key_start: usize,
    key_end: usize,
    key_escaped: bool,
    start: usize,
    end: usize,
}

/// A member whose key is written and whose value is due.
enum Pending {
    /// Write the value; `before` is where the member (with its comma) began.
    Write {
        before: usize,
        key_start: usize,
        key_end: usize,
        key_escaped: bool,
    },
    /// A top-level member left out of the signature: drop the value.
    Skip,
}

/// An object being written; see the module comment for how members are ordered.
pub struct MapState<'a, 'b> {
    w: &'b mut Writer<'a>,
    region_start: usize,
    base: usize,
    sorted: bool,
    /// Members arrive in key order; no comparison needed.
    presorted: bool,
    pending: Option<Pending>,
    top_level: bool,
}

/// The raw text of a key written (escaped) at `bytes[start..end]`.
fn raw_key(bytes: &[u8], start: usize, end: usize, escaped: bool) -> Cow<'_, str> {
    let text = std::str::from_utf8(&bytes[start..end]).unwrap_or_default();
    if !escaped {
        return Cow::Borrowed(text);
    }
    // Undo the writer's own escapes: \" \\ \b \f \n \r \t \u00XX.
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                out.push(
                    u32::from_str_radix(&hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .unwrap_or('\u{fffd}'),
                );
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    Cow::Owned(out)
}

fn compare_keys(bytes: &[u8], a: &Entry, b: &Entry) -> std::cmp::Ordering {
    if !a.key_escaped && !b.key_escaped {
        // Keys are short: a plain loop beats a call to memcmp.
        let (x, y) = (&bytes[a.key_start..a.key_end], &bytes[b.key_start..b.key_end]);
        for (p, q) in x.iter().zip(y) {
            if p != q {
                return p.cmp(q);
            }
        }
        return x.len().cmp(&y.len());
    }
    raw_key(bytes, a.key_start, a.key_end, a.key_escaped).cmp(&raw_key(bytes, b.key_start, b.key_end, b.key_escaped))
}

impl<'a, 'b> MapState<'a, 'b> {
    /// Writes a key (any serializable key: strings, integers, booleans).
    fn key<K: Serialize + ?Sized>(&mut self, key: &K) -> Result<(), CanonicalError> {
        let before = self.w.out.len();
        if self.w.entries.len() > self.base {
            self.w.out.push(b',');
        }
        let key_start = self.w.out.len() + 1;
        let key_escaped = key.serialize(key_writer(self.w.out))?;
        let key_end = self.w.out.len() - 1;
        if self.top_level && !self.w.skip_top_level.is_empty() {
            let written = &self.w.out[key_start..key_end];
            let skipped = if key_escaped {
                let raw = raw_key(self.w.out, key_start, key_end, key_escaped);
                self.w.skip_top_level.contains(&raw.as_ref())
            } else {
                self.w.skip_top_level.iter().any(|name| name.as_bytes() == written)
            };
            if skipped {
                self.w.out.truncate(before);
                self.pending = Some(Pending::Skip);
                return Ok(());
            }
        }
        self.pending = Some(Pending::Write {
            before,
            key_start,
            key_end,
            key_escaped,
        });
        Ok(())
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CanonicalError> {
        let (before, key_start, key_end, key_escaped) = match self.pending.take() {
            Some(Pending::Write {
                before,
                key_start,
                key_end,
                key_escaped,
            }) => (before, key_start, key_end, key_escaped),
            Some(Pending::Skip) => return Ok(()),
            None => {
                return Err(CanonicalError::Invalid(
                    "serialize_value called before serialize_key".into(),
                ));
            }
        };
        self.w.out.push(b':');
        if self.w.nested(value)? == Emitted::Null {
            self.w.out.truncate(before);
            return Ok(());
        }
        let start = if self.w.entries.len() > self.base {
            before + 1
        } else {
            before
        };
        let entry = Entry {
            key_start,
            key_end,
            key_escaped,
            start,
            end: self.w.out.len(),
        };
        if let Some(last) = self
            .w
            .entries
            .last()
            .filter(|_| !self.presorted && self.w.entries.len() > self.base)
            && compare_keys(self.w.out, last, &entry) != std::cmp::Ordering::Less
        {
            self.sorted = false;
        }
        self.w.entries.push(entry);
        Ok(())
    }

    fn entry<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), CanonicalError> {
        self.key(key)?;
        self.value(value)
    }

    fn finish(self) -> Result<Emitted, CanonicalError> {
        self.close()?;
        Ok(Emitted::Value)
    }

    fn close(self) -> Result<&'b mut Writer<'a>, CanonicalError> {
        let w = self.w;
        if !self.sorted {
            let region_start = self.region_start;
            w.scratch.clear();
            w.scratch.extend_from_slice(&w.out[region_start..]);
            let scratch = &w.scratch;
            let members = &mut w.entries[self.base..];
            // Positions are into `out`; the same bytes now sit in `scratch` at `- region_start`.
            let shifted = |e: &Entry| Entry {
                key_start: e.key_start - region_start,
                key_end: e.key_end - region_start,
                key_escaped: e.key_escaped,
                start: e.start - region_start,
                end: e.end - region_start,
            };
            for member in members.iter_mut() {
                *member = shifted(member);
            }
            members.sort_by(|a, b| compare_keys(scratch, a, b));
            if let Some(pair) = members.windows(2).find(|p| compare_keys(scratch, &p[0], &p[1]).is_eq()) {
                let key = raw_key(scratch, pair[0].key_start, pair[0].key_end, pair[0].key_escaped).into_owned();
                return Err(CanonicalError::Invalid(format!("duplicate key: {key}")));
            }
            w.out.truncate(region_start);
            for (i, member) in members.iter().enumerate() {
                if i > 0 {
                    w.out.push(b',');
                }
                w.out.extend_from_slice(&scratch[member.start..member.end]);
            }
        }
        w.entries.truncate(self.base);
        w.out.push(b'}');
        Ok(w)
    }
}

impl ser::SerializeMap for MapState<'_, '_> {
    type Ok = Emitted;
    type Error = CanonicalError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), CanonicalError> {
        self.key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CanonicalError> {
        self.value(value)
    }
    fn end(self) -> Result<Emitted, CanonicalError> {
        self.finish()
    }
}

impl ser::SerializeStruct for MapState<'_, '_> {
    type Ok = Emitted;
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), CanonicalError> {
        self.entry(key, value)
    }
    fn end(self) -> Result<Emitted, CanonicalError> {
        self.finish()
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
        self.0.entry(key, value)
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

/// What becomes of the text of a key (or of a big integer's digits).
trait TextSink {
    type Ok;
    fn text(self, text: &str) -> Self::Ok;
}

/// Writes the text into the output as an escaped string; says whether it escaped anything.
struct EscapeInto<'o>(&'o mut Vec<u8>);

impl TextSink for EscapeInto<'_> {
    type Ok = bool;
    fn text(self, text: &str) -> bool {
        write_escaped_str(self.0, text)
    }
}

/// Keeps the text.
struct Capture;

impl TextSink for Capture {
    type Ok = String;
    fn text(self, text: &str) -> String {
        text.to_string()
    }
}

/// Serializes object keys: strings as they are, integers and booleans as their text (orjson's
/// non-string keys); anything else is refused.
struct KeyText<S>(S);

/// Writes an object key into the output, escaped.
fn key_writer(out: &mut Vec<u8>) -> KeyText<EscapeInto<'_>> {
    KeyText(EscapeInto(out))
}

/// Captures the text of a key or of a big integer's digits.
const TEXT_CAPTURE: KeyText<Capture> = KeyText(Capture);

fn not_a_key() -> CanonicalError {
    CanonicalError::Invalid("object keys must be strings, integers or booleans".into())
}

macro_rules! key_from_display {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<S::Ok, CanonicalError> {
            Ok(self.0.text(&v.to_string()))
        }
    )*};
}

macro_rules! refuse_key {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method(self, $(_: $ty),*) -> Result<S::Ok, CanonicalError> {
            Err(not_a_key())
        }
    )*};
}

impl<S: TextSink> ser::Serializer for KeyText<S> {
    type Ok = S::Ok;
    type Error = CanonicalError;
    type SerializeSeq = Impossible<S::Ok, CanonicalError>;
    type SerializeTuple = Impossible<S::Ok, CanonicalError>;
    type SerializeTupleStruct = Impossible<S::Ok, CanonicalError>;
    type SerializeTupleVariant = Impossible<S::Ok, CanonicalError>;
    type SerializeMap = Impossible<S::Ok, CanonicalError>;
    type SerializeStruct = Impossible<S::Ok, CanonicalError>;
    type SerializeStructVariant = Impossible<S::Ok, CanonicalError>;

    fn serialize_str(self, v: &str) -> Result<S::Ok, CanonicalError> {
        Ok(self.0.text(v))
    }
    key_from_display!(serialize_bool: bool, serialize_char: char, serialize_i8: i8, serialize_i16: i16,
        serialize_i32: i32, serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128);
    fn serialize_unit_variant(self, _n: &'static str, _i: u32, variant: &'static str) -> Result<S::Ok, CanonicalError> {
        Ok(self.0.text(variant))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, CanonicalError> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _n: &'static str,
        value: &T,
    ) -> Result<S::Ok, CanonicalError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _value: &T,
    ) -> Result<S::Ok, CanonicalError> {
        Err(not_a_key())
    }
    refuse_key! {
        serialize_f32(v: f32); serialize_f64(v: f64); serialize_bytes(v: &[u8]); serialize_none();
        serialize_unit(); serialize_unit_struct(n: &'static str);
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
