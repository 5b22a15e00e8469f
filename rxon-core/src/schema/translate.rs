//! The reference's `translate_error`: turns a validator message (`data.a must be integer`)
//! into the human text a worker puts in an `INVALID_INPUT_ERROR` (`Field 'a': Expected
//! integer`). The patterns and their order are the reference's, so odd inputs translate
//! the same odd way.

use super::pyrepr::py_str;
use crate::json::Value;
use regex::Regex;
use std::sync::LazyLock;

struct Patterns {
    index: Regex,
    enumeration: Regex,
    missing: Regex,
    unexpected: Regex,
    member_type: Regex,
    root_type: Regex,
}

static PATTERNS: LazyLock<Patterns> = LazyLock::new(|| {
    let compile = |p: &str| Regex::new(p).unwrap_or_else(|e| unreachable!("static pattern {p}: {e}"));
    Patterns {
        index: compile(r"\[(\d+)\]"),
        enumeration: compile(r"^data(\.(.*)|) must be one of (.*)"),
        missing: compile(r"^data(.*) must contain \[(.*)\]"),
        unexpected: compile(r"^data(.*) must not contain \{(.*)\} properties"),
        member_type: compile(r"^data\.(.*) must be (.*)"),
        root_type: compile(r"^data must be (.*)"),
    }
});

/// Looks a dotted path up in `data` (list indices are digits), like the reference.
fn value_at<'v>(data: &'v Value, path: &str) -> Option<&'v Value> {
    if path.is_empty() {
        return Some(data);
    }
    path.split('.').try_fold(data, |current, part| match current {
        Value::Object(map) => map.get(part),
        Value::Array(items) if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) => {
            part.parse::<usize>().ok().and_then(|i| items.get(i))
        }
        _ => None,
    })
}

fn field_prefix<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts.into_iter().map(|p| format!("Field '{p}': ")).collect()
}

fn strip_quotes(text: &str) -> &str {
    text.trim_matches(|c| c == '\'' || c == '"')
}

fn non_empty_parts(path: &str) -> Vec<&str> {
    path.split('.')
        .map(|p| p.trim_matches('.'))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Python's `str.isdigit()` for the ASCII and Unicode digits a path can hold.
fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_numeric())
}

/// Translates a validator message about `data` into the reference's human text.
pub fn translate_error(message: &str, data: &Value) -> String {
    let p = &*PATTERNS;
    let msg = p.index.replace_all(message, ".$1");

    if msg.contains("cannot be validated by any definition") || msg.contains("anyOf") {
        return "Value does not match any schemas".into();
    }
    if let Some(c) = p.enumeration.captures(&msg) {
        let path = c.get(2).map_or("", |m| m.as_str());
        let allowed = &c[3];
        let shown = value_at(data, path).map_or_else(|| "None".to_string(), py_str);
        let prefix = if path.is_empty() {
            String::new()
        } else {
            field_prefix(path.split('.'))
        };
        return format!("{prefix}Value '{shown}' is not allowed. Must be one of: {allowed}");
    }
    if let Some(c) = p.missing.captures(&msg) {
        let prefix = field_prefix(non_empty_parts(&c[1]));
        return format!("{prefix}Missing required field: '{}'", strip_quotes(&c[2]));
    }
    if let Some(c) = p.unexpected.captures(&msg) {
        let prefix = field_prefix(non_empty_parts(&c[1]));
        return format!("{prefix}Unexpected field: '{}'", strip_quotes(&c[2]));
    }
    if let Some(c) = p.member_type.captures(&msg) {
        let (path, expected) = (&c[1], &c[2]);
        let parts: Vec<&str> = path.split('.').collect();
        let last = parts[parts.len() - 1];
        if is_digits(last) {
            if parts.len() >= 2 {
                let prefix = field_prefix(parts[..parts.len() - 2].iter().copied());
                let array = parts[parts.len() - 2];
                return format!("{prefix}Field '{array}': Item at index {last}: Expected {expected}");
            }
            return format!("Item at index {last}: Expected {expected}");
        }
        let prefix = field_prefix(parts[..parts.len() - 1].iter().copied());
        return match value_at(data, path) {
            None | Some(Value::Null) => format!("{prefix}Field '{last}': Expected {expected}, got null"),
            Some(_) => format!("{prefix}Field '{last}': Expected {expected}"),
        };
    }
    if let Some(c) = p.root_type.captures(&msg) {
        return match data {
            Value::Null => format!("Expected {}, got null", &c[1]),
            _ => format!("Expected {}", &c[1]),
        };
    }
    msg.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn translates_like_the_reference() {
        let data = json!({"a": {"b": [1, "x"]}, "e": {"k": 1}});
        assert_eq!(
            translate_error("data.a.b[1] must be integer", &data),
            "Field 'a': Field 'b': Item at index 1: Expected integer"
        );
        assert_eq!(
            translate_error("data must contain ['a', 'b'] properties", &data),
            "Missing required field: 'a', 'b'"
        );
        assert_eq!(
            translate_error("data.x must not contain {'c'} properties", &data),
            "Field 'x': Unexpected field: 'c'"
        );
        assert_eq!(
            translate_error("data.e must be one of [1, 2]", &data),
            "Field 'e': Value '{'k': 1}' is not allowed. Must be one of: [1, 2]"
        );
        assert_eq!(
            translate_error("data.q must be string", &data),
            "Field 'q': Expected string, got null"
        );
        assert_eq!(
            translate_error("data cannot be validated by any definition", &data),
            "Value does not match any schemas"
        );
        assert_eq!(
            translate_error("data must NOT match a disallowed definition", &data),
            "data must NOT match a disallowed definition"
        );
    }
}
