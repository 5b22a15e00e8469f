//! A JSON reader implementing `serde::Deserializer` over bytes: strict RFC 8259 syntax, exact
//! numbers (integers of any size, correctly rounded doubles), strings borrowed from the input
//! when they hold no escapes, and a nesting limit so hostile input cannot exhaust the stack.

use super::escape::skip_plain;
use super::serde_impl::{BIGINT_TOKEN, OBJECT_VALUE_TOKEN, VALUE_TOKEN, hand_over};
use super::value::{Number, Object, Str, Value};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use std::fmt;

/// Deepest nesting of arrays and objects accepted.
pub const MAX_NESTING: usize = 128;

/// Why JSON text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
}

impl Error {
    #[cold]
    #[inline(never)]
    fn at(message: impl fmt::Display, input: &[u8], offset: usize) -> Self {
        let before = &input[..offset.min(input.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        Error {
            message: format!("{message} at line {line} column {column}"),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error {
            message: msg.to_string(),
        }
    }
}

/// The reader.
pub struct Deserializer<'de> {
    /// The input, checked once to be UTF-8 so strings are sliced out of it without re-checking.
    text: &'de str,
    input: &'de [u8],
    pos: usize,
    depth: usize,
    work: Buffers,
}

/// The reader's working buffers, kept by each thread between reads so that a read allocates
/// only what it returns.
#[derive(Default)]
struct Buffers {
    /// Strings with escapes, decoded.
    scratch: Vec<u8>,
    /// The containers being built by [`Deserializer::parse_value`], innermost last, and their
    /// items and members so far, so each container is allocated once at its exact size.
    frames: Vec<Frame>,
    items: Vec<Value>,
    members: Vec<(Str, Value)>,
}

impl Buffers {
    /// Buffers grown past this many entries are not kept for the next read.
    const KEEP: usize = 1024;

    fn take() -> Buffers {
        SPARE.with(std::cell::Cell::take).unwrap_or_default()
    }

    fn give_back(mut self) {
        if [
            self.scratch.capacity(),
            self.frames.capacity(),
            self.items.capacity(),
            self.members.capacity(),
        ]
        .iter()
        .any(|&capacity| capacity > Self::KEEP)
        {
            return;
        }
        self.scratch.clear();
        self.frames.clear();
        self.items.clear();
        self.members.clear();
        // Ignored when the thread is exiting.
        let _ = SPARE.try_with(|spare| spare.set(Some(self)));
    }
}

thread_local! {
    static SPARE: std::cell::Cell<Option<Buffers>> = const { std::cell::Cell::new(None) };
}

impl Drop for Deserializer<'_> {
    fn drop(&mut self) {
        std::mem::take(&mut self.work).give_back();
    }
}

/// An object member's key as read: its text in the input until the member is stored (a key
/// built early and moved later costs a stall on every member), or decoded from escapes.
enum Key<'de> {
    Text(&'de str),
    Decoded(Str),
}

impl Key<'_> {
    #[inline(always)]
    fn into_str(self) -> Str {
        match self {
            Key::Text(text) => Str::from(text),
            Key::Decoded(key) => key,
        }
    }
}

/// An array or object being built: where its items or members start on the reader's stack,
/// and the key it will have in its parent, when that is an object.
struct Frame {
    object: bool,
    base: usize,
    key: Option<Str>,
}

/// A string as read: borrowed from the input when it has no escapes, else decoded into the
/// reader's scratch buffer.
enum ReadString<'de, 's> {
    Borrowed(&'de str),
    Copied(&'s str),
}

impl ReadString<'_, '_> {
    #[inline(always)]
    fn to_str(&self) -> Str {
        match self {
            ReadString::Borrowed(s) => Str::from(*s),
            ReadString::Copied(s) => Str::from(*s),
        }
    }
}

impl<'de> Deserializer<'de> {
    /// A reader over `input`, which must be UTF-8.
    pub fn from_slice(input: &'de [u8]) -> Result<Self, Error> {
        let text = std::str::from_utf8(input).map_err(|e| Error::at("invalid UTF-8", input, e.valid_up_to()))?;
        Ok(Deserializer {
            text,
            input,
            pos: 0,
            depth: 0,
            work: Buffers::take(),
        })
    }

    /// Fails unless only whitespace is left.
    pub fn end(&mut self) -> Result<(), Error> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error("trailing characters")),
        }
    }

    #[cold]
    #[inline(never)]
    fn error(&self, message: &str) -> Error {
        Error::at(message, self.input, self.pos)
    }

    #[inline(always)]
    fn peek(&mut self) -> Option<u8> {
        while let Some(&b) = self.input.get(self.pos) {
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                return Some(b);
            }
        }
        None
    }

    fn expect_literal(&mut self, literal: &[u8]) -> Result<(), Error> {
        if self.input[self.pos..].starts_with(literal) {
            self.pos += literal.len();
            Ok(())
        } else {
            Err(self.error("expected value"))
        }
    }

    #[inline(always)]
    fn expect(&mut self, byte: u8, what: &str) -> Result<(), Error> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else if self.peek().is_none() {
            Err(self.error("EOF while parsing"))
        } else {
            Err(self.error(&format!("expected {what}")))
        }
    }

    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.error("recursion limit exceeded"));
        }
        Ok(())
    }

    /// Reads a string whose opening quote is at `pos`.
    #[inline(always)]
    fn read_str<'s>(&'s mut self) -> Result<ReadString<'de, 's>, Error> {
        self.pos += 1;
        let start = self.pos;
        // Fast path: no escapes.
        self.pos = skip_plain(self.input, self.pos);
        loop {
            match self.input.get(self.pos) {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b'"') => {
                    let text = self.str_slice(start, self.pos)?;
                    self.pos += 1;
                    return Ok(ReadString::Borrowed(text));
                }
                Some(b'\\') => break,
                Some(&b) if b < 0x20 => return Err(self.error("control character in string")),
                Some(_) => self.pos += 1,
            }
        }
        self.work.scratch.clear();
        self.work.scratch.extend_from_slice(&self.input[start..self.pos]);
        loop {
            match self.input.get(self.pos) {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b'"') => {
                    self.pos += 1;
                    let text = std::str::from_utf8(&self.work.scratch).map_err(|_| self.error("invalid UTF-8"))?;
                    return Ok(ReadString::Copied(text));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.read_escape()?;
                }
                Some(&b) if b < 0x20 => return Err(self.error("control character in string")),
                Some(&b) => {
                    self.work.scratch.push(b);
                    self.pos += 1;
                }
            }
        }
    }

    #[inline(always)]
    fn str_slice(&self, start: usize, end: usize) -> Result<&'de str, Error> {
        // Both ends sit next to ASCII bytes, so they are character boundaries.
        self.text.get(start..end).ok_or_else(|| self.error("invalid UTF-8"))
    }

    fn read_escape(&mut self) -> Result<(), Error> {
        let Some(&b) = self.input.get(self.pos) else {
            return Err(self.error("EOF while parsing a string"));
        };
        self.pos += 1;
        let simple = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let c = self.read_unicode_escape()?;
                let mut buf = [0u8; 4];
                self.work.scratch.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                return Ok(());
            }
            _ => return Err(self.error("invalid escape")),
        };
        self.work.scratch.push(simple);
        Ok(())
    }

    fn read_hex4(&mut self) -> Result<u32, Error> {
        let digits = self
            .input
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error("EOF while parsing a string"))?;
        let text = std::str::from_utf8(digits).map_err(|_| self.error("invalid escape"))?;
        let value = u32::from_str_radix(text, 16).map_err(|_| self.error("invalid escape"))?;
        self.pos += 4;
        Ok(value)
    }

    fn read_unicode_escape(&mut self) -> Result<char, Error> {
        let first = self.read_hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.input[self.pos..].starts_with(b"\\u") {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                self.pos += 2;
                let second = self.read_hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("invalid surrogate pair in hex escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error("lone trailing surrogate in hex escape")),
            other => other,
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid escape"))
    }

    /// Reads a number; returns its text and whether it is an integer.
    #[inline(always)]
    fn read_number(&mut self) -> Result<(&'de str, bool), Error> {
        let start = self.pos;
        let input = self.input;
        let mut pos = self.pos;
        let digits = |pos: &mut usize| {
            let from = *pos;
            while input.get(*pos).is_some_and(u8::is_ascii_digit) {
                *pos += 1;
            }
            *pos - from
        };
        if input.get(pos) == Some(&b'-') {
            pos += 1;
        }
        match input.get(pos) {
            Some(b'0') => pos += 1,
            Some(b'1'..=b'9') => {
                digits(&mut pos);
            }
            _ => {
                self.pos = pos;
                return Err(self.error("invalid number"));
            }
        }
        let mut integer = true;
        if input.get(pos) == Some(&b'.') {
            pos += 1;
            integer = false;
            if digits(&mut pos) == 0 {
                self.pos = pos;
                return Err(self.error("invalid number"));
            }
        }
        if matches!(input.get(pos), Some(b'e' | b'E')) {
            pos += 1;
            integer = false;
            if matches!(input.get(pos), Some(b'+' | b'-')) {
                pos += 1;
            }
            if digits(&mut pos) == 0 {
                self.pos = pos;
                return Err(self.error("invalid number"));
            }
        }
        self.pos = pos;
        Ok((self.str_slice(start, pos)?, integer))
    }

    /// Reads a non-negative integer of at most 19 digits (which always fits a `u64`) in one
    /// pass — most numbers of messages are —, or reads nothing.
    #[inline(always)]
    fn small_integer(&mut self) -> Option<u64> {
        let input = self.input;
        let mut pos = self.pos;
        let mut value: u64 = 0;
        while let Some(&b) = input.get(pos) {
            let digit = b.wrapping_sub(b'0');
            if digit > 9 {
                break;
            }
            if pos - self.pos == 19 {
                return None;
            }
            value = value * 10 + u64::from(digit);
            pos += 1;
        }
        let digits = pos - self.pos;
        // A fraction or exponent follows, or there is a leading zero: the general reader.
        if digits == 0 || matches!(input.get(pos), Some(b'.' | b'e' | b'E')) || (digits > 1 && input[self.pos] == b'0')
        {
            return None;
        }
        self.pos = pos;
        Some(value)
    }

    /// Reads a number: the one place its text becomes a [`Number`] (integers exactly, at any
    /// size; floats that overflow are refused).
    #[inline(always)]
    fn number(&mut self) -> Result<Number, Error> {
        if let Some(u) = self.small_integer() {
            return Ok(Number::PosInt(u));
        }
        // Not a small integer: a fraction or exponent (a float), or a negative or long integer,
        // which keeps its exact value.
        if let Some((value, end)) = super::decimal::scan(self.input, self.pos)
            && self.input[self.pos..end]
                .iter()
                .any(|b| matches!(b, b'.' | b'e' | b'E'))
        {
            self.pos = end;
            return Ok(Number::Float(value));
        }
        let start = self.pos;
        let (text, integer) = self.read_number()?;
        let number = if integer {
            Number::from_integer_text(text)
        } else {
            text.parse::<f64>().ok().filter(|f| f.is_finite()).map(Number::Float)
        };
        number.ok_or_else(|| Error::at("number out of range", self.input, start))
    }

    fn visit_number<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        match self.number()? {
            Number::PosInt(u) => visitor.visit_u64(u),
            Number::NegInt(i) => visitor.visit_i64(i),
            Number::Float(f) => visitor.visit_f64(f),
            // Beyond 64 bits: 128-bit types take it; anything larger travels as its digits.
            Number::BigInt(digits) => match (digits.parse::<i128>(), digits.parse::<u128>()) {
                (Ok(i), _) => visitor.visit_i128(i),
                (_, Ok(u)) => visitor.visit_u128(u),
                _ => visitor.visit_map(BigIntAccess {
                    digits: Some(digits.to_string()),
                }),
            },
        }
    }

    /// Hands the string at `pos` to `visitor`.
    #[inline(always)]
    fn visit_string<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        match self.read_str()? {
            ReadString::Borrowed(s) => visitor.visit_borrowed_str(s),
            ReadString::Copied(s) => visitor.visit_str(s),
        }
    }

    /// Hands the array at `pos` to `visitor`, item by item.
    #[inline(always)]
    fn visit_array<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        self.enter()?;
        self.pos += 1;
        let value = visitor.visit_seq(SeqAccess { de: self, first: true })?;
        self.expect(b']', "`,` or `]`")?;
        self.depth -= 1;
        Ok(value)
    }

    /// Hands the object at `pos` to `visitor`, member by member.
    #[inline(always)]
    fn visit_object<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        self.enter()?;
        self.pos += 1;
        let value = visitor.visit_map(MapAccess { de: self, first: true })?;
        self.expect(b'}', "`,` or `}`")?;
        self.depth -= 1;
        Ok(value)
    }

    /// Reads one value into a [`Value`] directly.
    ///
    /// Iterative: the containers being built wait on the reader's stacks, where each value is
    /// written once; a container, once closed, takes its members from the stack with one copy.
    pub(crate) fn parse_value(&mut self) -> Result<Value, Error> {
        let (items, members, frames) = (self.work.items.len(), self.work.members.len(), self.work.frames.len());
        let value = self.build(frames);
        if value.is_err() {
            // Leave the stacks as they were, so nothing of a failed read lingers.
            self.work.items.truncate(items);
            self.work.members.truncate(members);
            self.work.frames.truncate(frames);
        }
        value
    }

    /// Reads one value; `outer` is the number of frames open before it.
    fn build(&mut self, outer: usize) -> Result<Value, Error> {
        // The key of the member being read, when the innermost open container is an object.
        let mut key: Option<Key<'de>> = None;
        'value: loop {
            let scalar = match self.peek() {
                None => return Err(self.error("EOF while parsing a value")),
                Some(b'n') => self.expect_literal(b"null").map(|()| Some(Value::Null))?,
                Some(b't') => self.expect_literal(b"true").map(|()| Some(Value::Bool(true)))?,
                Some(b'f') => self.expect_literal(b"false").map(|()| Some(Value::Bool(false)))?,
                Some(b'"') => Some(Value::String(self.read_str()?.to_str())),
                Some(b'-' | b'0'..=b'9') => Some(Value::Number(self.number()?)),
                Some(open @ (b'[' | b'{')) => {
                    self.enter()?;
                    self.pos += 1;
                    let object = open == b'{';
                    let base = if object {
                        self.work.members.len()
                    } else {
                        self.work.items.len()
                    };
                    self.work.frames.push(Frame {
                        object,
                        base,
                        key: key.take().map(Key::into_str),
                    });
                    match self.peek() {
                        Some(b'}') if object => {}
                        Some(b']') if !object => {}
                        None => return Err(self.error("EOF while parsing")),
                        Some(_) => {
                            if object {
                                key = Some(self.read_key()?);
                            }
                            continue 'value;
                        }
                    }
                    None
                }
                Some(_) => return Err(self.error("expected value")),
            };
            if let Some(value) = scalar {
                if self.work.frames.len() == outer {
                    return Ok(value);
                }
                self.place(key.take().map(Key::into_str), value);
            }
            // The innermost container got a member: go on with the next, or close it and
            // every container its closing completes.
            loop {
                let Some(frame) = self.work.frames.last() else {
                    return Err(self.error("expected value"));
                };
                let object = frame.object;
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        if object {
                            key = Some(self.read_key()?);
                        }
                        continue 'value;
                    }
                    Some(b'}') if object => {}
                    Some(b']') if !object => {}
                    Some(_) => {
                        return Err(self.error(if object {
                            "expected `,` or `}`"
                        } else {
                            "expected `,` or `]`"
                        }));
                    }
                    None => return Err(self.error("EOF while parsing")),
                }
                self.pos += 1;
                self.depth -= 1;
                let Some(Frame {
                    base, key: parent_key, ..
                }) = self.work.frames.pop()
                else {
                    return Err(self.error("expected value"));
                };
                let container = if object {
                    let mut object = Object::from_entries(self.work.members.split_off(base));
                    super::serde_impl::dedupe_keys(&mut object);
                    Value::Object(object)
                } else {
                    Value::Array(self.work.items.split_off(base))
                };
                if self.work.frames.len() == outer {
                    return Ok(container);
                }
                self.place(parent_key, container);
            }
        }
    }

    /// Adds a value to the innermost open container: a member when it has a key, else an item.
    #[inline(always)]
    fn place(&mut self, key: Option<Str>, value: Value) {
        match key {
            Some(key) => self.work.members.push((key, value)),
            None => self.work.items.push(value),
        }
    }

    /// Reads an object member's key and its colon.
    #[inline(always)]
    fn read_key(&mut self) -> Result<Key<'de>, Error> {
        if self.peek() != Some(b'"') {
            return Err(self.error("key must be a string"));
        }
        let key = match self.read_str()? {
            ReadString::Borrowed(text) => Key::Text(text),
            ReadString::Copied(text) => Key::Decoded(Str::from(text)),
        };
        self.expect(b':', "`:`")?;
        Ok(key)
    }

    #[inline]
    fn skip_comma_or(&mut self, close: u8, first: &mut bool) -> Result<bool, Error> {
        match self.peek() {
            Some(b) if b == close => Ok(false),
            Some(b',') if !*first => {
                self.pos += 1;
                Ok(true)
            }
            Some(_) if *first => {
                *first = false;
                Ok(true)
            }
            Some(_) => Err(self.error(if close == b']' {
                "expected `,` or `]`"
            } else {
                "expected `,` or `}`"
            })),
            None => Err(self.error("EOF while parsing")),
        }
    }
}

/// Hands an integer beyond 128 bits to a visitor as `{BIGINT_TOKEN: digits}`.
struct BigIntAccess {
    digits: Option<String>,
}

impl<'de> de::MapAccess<'de> for BigIntAccess {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        if self.digits.is_none() {
            return Ok(None);
        }
        seed.deserialize(BIGINT_TOKEN.into_deserializer()).map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let digits = self
            .digits
            .take()
            .ok_or_else(|| <Error as de::Error>::custom("value without key"))?;
        seed.deserialize(de::value::StringDeserializer::<Error>::new(digits))
    }
}

impl<'de> de::Deserializer<'de> for &mut Deserializer<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.peek() {
            None => Err(self.error("EOF while parsing a value")),
            Some(b'n') => {
                self.expect_literal(b"null")?;
                visitor.visit_unit()
            }
            Some(b't') => {
                self.expect_literal(b"true")?;
                visitor.visit_bool(true)
            }
            Some(b'f') => {
                self.expect_literal(b"false")?;
                visitor.visit_bool(false)
            }
            Some(b'"') => self.visit_string(visitor),
            Some(b'[') => self.visit_array(visitor),
            Some(b'{') => self.visit_object(visitor),
            Some(b'-' | b'0'..=b'9') => self.visit_number(visitor),
            Some(_) => Err(self.error("expected value")),
        }
    }

    /// A float member reads any number as the nearest double, however many digits it has.
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => {
                if let Some((value, end)) = super::decimal::scan(self.input, self.pos) {
                    self.pos = end;
                    return visitor.visit_f64(value);
                }
                let start = self.pos;
                let (text, _) = self.read_number()?;
                let value: f64 = text
                    .parse()
                    .map_err(|_| Error::at("invalid number", self.input, start))?;
                if !value.is_finite() {
                    return Err(Error::at("number out of range", self.input, start));
                }
                visitor.visit_f64(value)
            }
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.peek() == Some(b'n') {
            self.expect_literal(b"null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Error> {
        // The tokens are compared by address first: the text comparison is a call per member.
        let is = |token: &str| std::ptr::eq(name, token) || name == token;
        if is(VALUE_TOKEN) || is(OBJECT_VALUE_TOKEN) {
            // A `Value` member: build it directly, without a visitor call per token.
            let value = self.parse_value()?;
            return hand_over(value, visitor);
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.peek() {
            Some(b'"') => {
                let variant = match self.read_str()? {
                    ReadString::Borrowed(s) => s.to_string(),
                    ReadString::Copied(s) => s.to_string(),
                };
                visitor.visit_enum(variant.into_deserializer())
            }
            Some(b'{') => {
                self.enter()?;
                self.pos += 1;
                let value = visitor.visit_enum(EnumAccess { de: self })?;
                self.expect(b'}', "`}`")?;
                self.depth -= 1;
                Ok(value)
            }
            _ => Err(self.error("expected an enum")),
        }
    }

    /// A message is an object, never an array (serde would otherwise take an array of its
    /// members in declaration order; the reference refuses it).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.peek() {
            Some(b'[') => Err(de::Error::invalid_type(de::Unexpected::Seq, &visitor)),
            Some(b'{') => self.visit_object(visitor),
            _ => self.deserialize_any(visitor),
        }
    }

    // Strings and arrays, the commonest members after numbers, skip the general dispatch.
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.peek() {
            Some(b'"') => self.visit_string(visitor),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.peek() {
            Some(b'[') => self.visit_array(visitor),
            _ => self.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 char bytes byte_buf unit
        unit_struct tuple tuple_struct map identifier ignored_any
    }
}

struct SeqAccess<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    first: bool,
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'_, 'de> {
    type Error = Error;
    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        if !self.de.skip_comma_or(b']', &mut self.first)? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.de).map(Some)
    }
}

struct MapAccess<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    first: bool,
}

impl<'de> de::MapAccess<'de> for MapAccess<'_, 'de> {
    type Error = Error;
    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        if !self.de.skip_comma_or(b'}', &mut self.first)? {
            return Ok(None);
        }
        if self.de.peek() != Some(b'"') {
            return Err(self.de.error("key must be a string"));
        }
        seed.deserialize(KeyDeserializer { de: &mut *self.de }).map(Some)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        self.de.expect(b':', "`:`")?;
        seed.deserialize(&mut *self.de)
    }
}

/// Object keys: always strings.
struct KeyDeserializer<'a, 'de> {
    de: &'a mut Deserializer<'de>,
}

impl<'de> de::Deserializer<'de> for KeyDeserializer<'_, 'de> {
    type Error = Error;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.de.visit_string(visitor)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

struct EnumAccess<'a, 'de> {
    de: &'a mut Deserializer<'de>,
}

impl<'de> de::EnumAccess<'de> for EnumAccess<'_, 'de> {
    type Error = Error;
    type Variant = Self;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        if self.de.peek() != Some(b'"') {
            return Err(self.de.error("key must be a string"));
        }
        let variant = seed.deserialize(KeyDeserializer { de: &mut *self.de })?;
        self.de.expect(b':', "`:`")?;
        Ok((variant, self))
    }
}

impl<'de> de::VariantAccess<'de> for EnumAccess<'_, 'de> {
    type Error = Error;
    fn unit_variant(self) -> Result<(), Error> {
        de::Deserialize::deserialize(&mut *self.de)
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(&mut *self.de)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_seq(&mut *self.de, visitor)
    }
    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_map(&mut *self.de, visitor)
    }
}
