//! Number text exactly as the reference writes it in canonical form.
//!
//! The reference (`to_dict` + orjson) turns every integral float into an integer and writes
//! other floats with orjson's shortest round-trip text: decimal notation from 1e-5 up, and
//! `1e-7`-style exponents (no `+`, no leading zero) below. The `ryu` crate's formatting is that
//! same algorithm and notation for every non-integral finite double.

use super::value::Number;

/// Writes `value` as the canonical form writes a float.
///
/// * NaN and the infinities: `null` (what orjson writes for them).
/// * integral values: the exact integer, e.g. `5.0` → `5`, `-0.0` → `0`. The reference
///   crashes ("Integer exceeds 64-bit range") for integral floats outside
///   [-2^63, 2^64); rxon writes their exact decimal expansion instead, e.g. `2.0**64` →
///   `18446744073709551616`, which is what Python's `int(value)` holds.
/// * other values: shortest round-trip text (`0.1`, `0.00001`, `1.23456e-8`).
pub fn write_f64(out: &mut Vec<u8>, value: f64) {
    match float_form(value) {
        FloatForm::Null => out.extend_from_slice(b"null"),
        FloatForm::Integer => write_integral_f64(out, value),
        FloatForm::Fraction => {
            let mut buf = ryu::Buffer::new();
            out.extend_from_slice(buf.format_finite(value).as_bytes());
        }
    }
}

/// What the canonical form makes of a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatForm {
    /// NaN and the infinities: null (so an object member holding one is dropped).
    Null,
    /// An integral value: the exact integer.
    Integer,
    /// Any other value: the float itself.
    Fraction,
}

/// The canonical form's rule for `value`.
pub fn float_form(value: f64) -> FloatForm {
    if !value.is_finite() {
        FloatForm::Null
    } else if value.fract() == 0.0 {
        FloatForm::Integer
    } else {
        FloatForm::Fraction
    }
}

/// Writes a [`Number`] in canonical form: integers as their digits, floats by [`write_f64`].
pub fn write_number(out: &mut Vec<u8>, number: &Number) {
    match number {
        Number::PosInt(u) => out.extend_from_slice(itoa::Buffer::new().format(*u).as_bytes()),
        Number::NegInt(i) => out.extend_from_slice(itoa::Buffer::new().format(*i).as_bytes()),
        Number::Float(f) => write_f64(out, *f),
        Number::BigInt(digits) => out.extend_from_slice(digits.as_bytes()),
    }
}

const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

fn write_integral_f64(out: &mut Vec<u8>, value: f64) {
    let mut buf = itoa::Buffer::new();
    if (-TWO_POW_63..TWO_POW_63).contains(&value) {
        // In range: the cast is exact.
        out.extend_from_slice(buf.format(value as i64).as_bytes());
    } else if (0.0..TWO_POW_64).contains(&value) {
        out.extend_from_slice(buf.format(value as u64).as_bytes());
    } else {
        write_big_integral(out, value);
    }
}

/// Exact decimal expansion of an integral double whose magnitude is at least 2^63.
fn write_big_integral(out: &mut Vec<u8>, value: f64) {
    const BASE: u64 = 1_000_000_000;
    let bits = value.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64 - 1075;
    let mantissa = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    // value = mantissa * 2^exponent with exponent > 0 here; limbs are base 1e9, little-endian.
    let mut limbs: Vec<u64> = vec![mantissa % BASE, (mantissa / BASE) % BASE, mantissa / BASE / BASE];
    let mut remaining = exponent.max(0) as u32;
    while remaining > 0 {
        let shift = remaining.min(29); // limb < 1e9 < 2^30, so limb << 29 fits in u64 with carry
        let mut carry = 0u64;
        for limb in limbs.iter_mut() {
            let v = (*limb << shift) + carry;
            *limb = v % BASE;
            carry = v / BASE;
        }
        while carry > 0 {
            limbs.push(carry % BASE);
            carry /= BASE;
        }
        remaining -= shift;
    }
    while limbs.len() > 1 && limbs.last() == Some(&0) {
        limbs.pop();
    }
    if value < 0.0 {
        out.push(b'-');
    }
    let mut iter = limbs.iter().rev();
    if let Some(first) = iter.next() {
        out.extend_from_slice(first.to_string().as_bytes());
    }
    for limb in iter {
        out.extend_from_slice(format!("{limb:09}").as_bytes());
    }
}

/// Python's `repr(float)`: shortest round-trip digits, fixed notation for exponents from -4
/// to 15, scientific (`1e-05`, `1.5e+16`) outside, and always a `.0` on integral values.
pub fn py_float_repr(value: f64) -> String {
    if value.is_nan() {
        return "nan".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // Shortest digits and decimal exponent from ryu's scientific text.
    let sci = format!("{value:e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if (-4..16).contains(&exponent) {
        let point = exponent + 1; // digits before the decimal point
        if point <= 0 {
            out.push_str("0.");
            out.push_str(&"0".repeat((-point) as usize));
            out.push_str(&digits);
        } else if point as usize >= digits.len() {
            out.push_str(&digits);
            out.push_str(&"0".repeat(point as usize - digits.len()));
            out.push_str(".0");
        } else {
            out.push_str(&digits[..point as usize]);
            out.push('.');
            out.push_str(&digits[point as usize..]);
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exponent < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exponent.abs()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(value: f64) -> String {
        let mut out = Vec::new();
        write_f64(&mut out, value);
        String::from_utf8(out).unwrap()
    }

    fn t(text: &str) -> String {
        let value = crate::json::parse(text.as_bytes()).unwrap();
        let mut out = Vec::new();
        write_number(&mut out, value.as_number().unwrap());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn floats_follow_the_reference_text() {
        assert_eq!(f(0.1), "0.1");
        assert_eq!(f(1e-5), "0.00001");
        assert_eq!(f(1e-7), "1e-7");
        assert_eq!(f(1.23456e-8), "1.23456e-8");
        assert_eq!(f(5.0), "5");
        assert_eq!(f(-0.0), "0");
        assert_eq!(f(f64::NAN), "null");
        assert_eq!(f(1000000000000000.5), "1000000000000000.5");
    }

    #[test]
    fn integral_floats_beyond_64_bits_are_exact_integers() {
        assert_eq!(f(9223372036854775808.0), "9223372036854775808");
        assert_eq!(f(18446744073709551616.0), "18446744073709551616");
        assert_eq!(f(-18446744073709551616.0), "-18446744073709551616");
        assert_eq!(f(1e20), "100000000000000000000");
        assert_eq!(f(1.5e300).len(), 301);
        assert!(f(1.5e300).starts_with("15000000000000000787571403828066303730567028716622387323737"));
    }

    #[test]
    fn parsed_numbers_keep_big_integers_and_normalise_floats() {
        assert_eq!(t("123456789012345678901234567890"), "123456789012345678901234567890");
        assert_eq!(t("-0"), "0");
        assert_eq!(t("627.0"), "627");
        assert_eq!(t("1E5"), "100000");
        assert_eq!(t("-8.44723533243552e+18"), "-8447235332435519488");
        assert_eq!(t("1e-05"), "0.00001");
        assert!(crate::json::parse(b"1e400").is_err());
    }
}
