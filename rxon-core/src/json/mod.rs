//! JSON for free-form members: [`Value`] keeps objects in document order and numbers exact
//! (integers of any size), and [`from_slice`] reads any serde type from JSON text with the
//! same guarantees.

mod build;
mod decimal;
mod escape;
pub mod number_text;
mod read;
mod serde_impl;
mod value;
mod write;

pub use build::{BuildError, to_value};
pub use escape::write_escaped_str;
pub use read::{Deserializer, Error, MAX_NESTING};
pub(crate) use serde_impl::{BIGINT_TOKEN, OBJECT_TOKEN, OBJECT_VALUE_TOKEN, SORTED_WANTED, VALUE_TOKEN};
pub use value::{Number, Object, Str, Value};
pub use write::{to_text, write_value};

#[doc(hidden)]
pub use serde_json as __serde_json;

/// Reads a `T` from JSON text.
pub fn from_slice<'de, T: serde::Deserialize<'de>>(text: &'de [u8]) -> Result<T, Error> {
    let mut de = Deserializer::from_slice(text)?;
    let value = T::deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Parses JSON text into a [`Value`].
pub fn parse(text: &[u8]) -> Result<Value, Error> {
    from_slice(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_big_integers_order_and_float_values() {
        let v =
            parse(br#"{"z":123456789012345678901234567890123456789012345,"a":-1.5e3,"m":-0,"u":18446744073709551615}"#)
                .unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["z", "a", "m", "u"]);
        assert_eq!(
            v["z"],
            Value::Number(Number::BigInt("123456789012345678901234567890123456789012345".into()))
        );
        assert_eq!(v["a"].as_f64(), Some(-1500.0));
        assert_eq!(v["m"].as_u64(), Some(0));
        assert_eq!(v["u"].as_u64(), Some(u64::MAX));
    }

    #[test]
    fn integers_around_the_small_integer_path_keep_their_values() {
        for text in [
            "0",
            "7",
            "1234567890123456789",
            "9999999999999999999",
            "10000000000000000000",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999",
            "-1",
            "-9223372036854775808",
        ] {
            let v = parse(text.as_bytes()).unwrap();
            assert_eq!(v.as_number().map(ToString::to_string).as_deref(), Some(text), "{text}");
            let in_array = parse(format!("[{text},{text}]").as_bytes()).unwrap();
            assert_eq!(in_array[1], v, "{text}");
        }
    }

    #[test]
    fn rejects_malformed_text_with_a_position() {
        for bad in [
            &b"{"[..],
            b"[1,]",
            b"01",
            b"1.",
            b"\"\\ud800\"",
            b"{\"a\" 1}",
            b"nul",
            b"[1] x",
            b"\"a\x01\"",
            b"1e999",
        ] {
            let err = parse(bad).unwrap_err();
            assert!(err.message().contains("line 1"), "{bad:?}: {err}");
        }
        let deep = "[".repeat(MAX_NESTING + 1) + &"]".repeat(MAX_NESTING + 1);
        assert!(
            parse(deep.as_bytes())
                .unwrap_err()
                .message()
                .starts_with("recursion limit")
        );
    }

    #[test]
    fn repeated_keys_keep_the_first_position_and_the_last_value() {
        let v = parse(br#"{"a":1,"b":2,"a":3}"#).unwrap();
        assert_eq!(to_text(&v), r#"{"a":3,"b":2}"#);
        let v = parse(br#"{"abcdefgh_1":1,"abcdefgh_2":2,"abcdefgh_1":3,"":4,"":5}"#).unwrap();
        assert_eq!(to_text(&v), r#"{"abcdefgh_1":3,"abcdefgh_2":2,"":5}"#);
    }

    #[test]
    fn escapes_decode() {
        let v = parse(br#""a\n\u00e9\ud83d\ude00\/""#).unwrap();
        assert_eq!(v.as_str(), Some("a\n\u{e9}\u{1F600}/"));
    }
}
