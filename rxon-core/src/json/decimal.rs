//! A JSON number's text as the nearest double, quickly when that is easy.
//!
//! When the digits, without the decimal point, make an integer below 2^53 and the power of ten
//! to apply is at most 22, both are exact doubles and one IEEE multiplication or division
//! rounds their product correctly (Clinger's fast path). That covers the numbers protocol
//! messages carry (`7.5`, `0.35`, `61.25`); the rest goes to the standard library's parser,
//! which is correct for every input but several times slower.

/// Exact powers of ten as doubles: 10^0 … 10^22.
const POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// Largest integer every smaller one of which is an exact double.
const EXACT: u64 = 1 << 53;

/// The nearest double to `text`, JSON number syntax (already checked by the reader).
#[inline]
pub(crate) fn parse_f64(text: &str) -> Option<f64> {
    fast_path(text.as_bytes()).or_else(|| text.parse().ok())
}

#[inline]
fn fast_path(text: &[u8]) -> Option<f64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let mut mantissa: u64 = 0;
    let mut significant = 0usize;
    let mut scale: i64 = 0;
    let mut in_fraction = false;
    let mut rest = digits;
    while let Some((&b, tail)) = rest.split_first() {
        match b {
            b'0'..=b'9' => {
                if significant > 0 || b != b'0' {
                    significant += 1;
                    if significant > 19 {
                        return None;
                    }
                }
                mantissa = mantissa * 10 + u64::from(b - b'0');
                if in_fraction {
                    scale -= 1;
                }
            }
            b'.' => in_fraction = true,
            b'e' | b'E' => {
                scale += exponent(tail)?;
                break;
            }
            _ => return None,
        }
        rest = tail;
    }
    if mantissa > EXACT {
        return None;
    }
    let power = *POWERS.get(usize::try_from(scale.unsigned_abs()).ok()?)?;
    let magnitude = if scale < 0 {
        mantissa as f64 / power
    } else {
        mantissa as f64 * power
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// An exponent's digits (with their sign), when small enough to matter to the fast path.
fn exponent(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 4 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = digits.iter().fold(0i64, |acc, &b| acc * 10 + i64::from(b - b'0'));
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agrees(text: &str) {
        let expected: f64 = text.parse().unwrap();
        let got = parse_f64(text).unwrap();
        assert_eq!(got.to_bits(), expected.to_bits(), "{text}");
    }

    #[test]
    fn agrees_with_the_standard_parser() {
        for text in [
            "0",
            "-0",
            "0.0",
            "-0.0",
            "7.5",
            "0.35",
            "61.25",
            "1e22",
            "1e23",
            "-1.5e3",
            "123456789012345678",
            "9007199254740993",
            "9007199254740992.0",
            "0.1",
            "0.3",
            "1.7976931348623157e308",
            "5e-324",
            "2.2250738585072014e-308",
            "1234567890123456789",
            "12345678901234567890",
            "0.000001",
            "1E+2",
            "1e-22",
            "1e-23",
            "0.0000000000000000000000001",
            "00000.5",
            "3.14159265358979323846",
            "4503599627370497.5",
        ] {
            agrees(text);
        }
    }

    #[test]
    fn agrees_on_many_generated_numbers() {
        // A fixed pseudo-random walk over digit counts, point positions and exponents.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..200_000 {
            let digits = 1 + (next() % 20) as usize;
            let mut text = String::new();
            if next() % 2 == 0 {
                text.push('-');
            }
            let point = (next() % (digits as u64 + 1)) as usize;
            for i in 0..digits {
                if i == point && i > 0 {
                    text.push('.');
                }
                let digit = if i == 0 { 1 + next() % 9 } else { next() % 10 };
                text.push(char::from(b'0' + digit as u8));
            }
            if next() % 3 == 0 {
                text.push_str(&format!("e{}", (next() % 61) as i64 - 30));
            }
            agrees(&text);
        }
    }
}
