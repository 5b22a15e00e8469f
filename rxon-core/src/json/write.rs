//! Plain JSON text of a [`Value`]: members in their order, nulls kept (unlike the canonical
//! form), numbers exact and floats still floats.

use super::escape::write_escaped_str;
use super::number_text::write_number;
use super::value::{Number, Value};

/// The compact JSON text of `value`, in document order.
pub fn to_text(value: &Value) -> String {
    let mut out = Vec::with_capacity(128);
    write_value(&mut out, value);
    // Only `&str`s and ASCII are written.
    String::from_utf8_lossy(&out).into_owned()
}

/// Appends the compact JSON text of `value`, in document order, to `out`.
pub fn write_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        // A float stays a float when read back: `5.0`, not `5`.
        Value::Number(Number::Float(f)) if f.is_finite() && f.fract() == 0.0 => {
            write_number(out, &Number::Float(*f));
            out.extend_from_slice(b".0");
        }
        Value::Number(n) => write_number(out, n),
        Value::String(s) => {
            write_escaped_str(out, s);
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item);
            }
            out.push(b']');
        }
        Value::Object(object) => {
            out.push(b'{');
            for (i, (key, item)) in object.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_escaped_str(out, key);
                out.push(b':');
                write_value(out, item);
            }
            out.push(b'}');
        }
    }
}
