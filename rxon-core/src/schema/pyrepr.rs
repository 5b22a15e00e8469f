//! Python's `str()` / `repr()` of JSON values, which the reference's schema messages embed
//! (`Value '{'b': 1}' is not allowed. Must be one of: [1, 2, 'x']`).

use crate::json::number_text::py_float_repr;
use crate::json::{Number, Value};

/// Python's `repr()` of the value Python's JSON reader would produce.
pub fn py_repr(value: &Value) -> String {
    let mut out = String::new();
    write_repr(&mut out, value);
    out
}

/// Python's `str()`: strings as they are, everything else as `repr()`.
pub fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string(),
        other => py_repr(other),
    }
}

fn write_repr(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(n) => out.push_str(&py_number(n)),
        Value::String(s) => write_str_repr(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_str_repr(out, key);
                out.push_str(": ");
                write_repr(out, item);
            }
            out.push('}');
        }
    }
}

/// Python's text for a JSON number: integers as their digits, floats as Python's
/// `repr(float)` (`5.0`, `1e-05`, `1.5e+16`).
pub fn py_number(number: &Number) -> String {
    match number {
        Number::Float(f) => py_float_repr(*f),
        other => other.to_string(),
    }
}

fn write_str_repr(out: &mut String, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn reprs_match_python() {
        assert_eq!(py_repr(&json!([1, 2, "x"])), "[1, 2, 'x']");
        assert_eq!(py_repr(&json!({"b": [1, "x"]})), "{'b': [1, 'x']}");
        assert_eq!(py_repr(&json!(null)), "None");
        assert_eq!(py_repr(&json!("it's")), "\"it's\"");
        assert_eq!(py_repr(&json!("a\n\u{1}")), "'a\\n\\x01'");
        assert_eq!(py_str(&json!("1")), "1");
    }

    #[test]
    fn floats_match_python_repr() {
        assert_eq!(py_float_repr(5.0), "5.0");
        assert_eq!(py_float_repr(1e-5), "1e-05");
        assert_eq!(py_float_repr(0.0001), "0.0001");
        assert_eq!(py_float_repr(1.5e16), "1.5e+16");
        assert_eq!(py_float_repr(1e15), "1000000000000000.0");
        assert_eq!(py_float_repr(-2.5), "-2.5");
        assert_eq!(py_float_repr(0.30000000000000004), "0.30000000000000004");
        assert_eq!(py_number(&Number::Float(5.0)), "5.0");
        assert_eq!(py_number(&Number::PosInt(7)), "7");
    }
}
