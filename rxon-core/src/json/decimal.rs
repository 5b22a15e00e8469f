//! A JSON number's text as the nearest double, quickly when that is easy.
//!
//! When the digits, without the decimal point, make an integer below 2^53 and the power of ten
//! to apply is at most 22, both are exact doubles and one IEEE multiplication or division
//! rounds their product correctly (Clinger's fast path). That covers the numbers protocol
//! messages carry (`7.5`, `0.35`, `61.25`); for the rest the reader falls back to the standard
//! library's parser, which is correct for every input but several times slower.

/// Exact powers of ten as doubles: 10^0 … 10^22.
const POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// Largest integer every smaller one of which is an exact double.
const EXACT: u64 = 1 << 53;

/// Reads the JSON number at `pos` in one pass when the fast path covers it: its value and
/// where it ends. `None` (nothing read) for anything else, malformed text included, which the
/// caller's general reader then handles.
#[inline(always)]
pub(crate) fn scan(input: &[u8], mut pos: usize) -> Option<(f64, usize)> {
    let negative = input.get(pos) == Some(&b'-');
    pos += usize::from(negative);
    let mut mantissa: u64 = 0;
    let mut significant = 0usize;
    let mut digit_at = |pos: usize, mantissa: &mut u64| -> Option<bool> {
        let digit = input.get(pos)?.wrapping_sub(b'0');
        if digit > 9 {
            return Some(false);
        }
        if significant > 0 || digit != 0 {
            significant += 1;
        }
        // Wraps past 19 digits, where the result is refused below anyway.
        *mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(digit));
        Some(true)
    };
    // Integer part: `0` or digits not starting with `0`.
    let start = pos;
    while digit_at(pos, &mut mantissa) == Some(true) {
        pos += 1;
    }
    if pos == start || (pos - start > 1 && input[start] == b'0') {
        return None;
    }
    let mut scale: i64 = 0;
    if input.get(pos) == Some(&b'.') {
        pos += 1;
        let from = pos;
        while digit_at(pos, &mut mantissa) == Some(true) {
            pos += 1;
        }
        if pos == from {
            return None;
        }
        scale = -i64::try_from(pos - from).ok()?;
    }
    if significant > 19 {
        return None;
    }
    if let Some(b'e' | b'E') = input.get(pos) {
        pos += 1;
        let exponent_negative = input.get(pos) == Some(&b'-');
        pos += usize::from(matches!(input.get(pos), Some(b'-' | b'+')));
        let from = pos;
        let mut exponent: i64 = 0;
        while let Some(&b) = input.get(pos).filter(|b| b.is_ascii_digit()) {
            exponent = exponent * 10 + i64::from(b - b'0');
            pos += 1;
            if pos - from > 4 {
                return None;
            }
        }
        if pos == from {
            return None;
        }
        scale += if exponent_negative { -exponent } else { exponent };
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
    Some((if negative { -magnitude } else { magnitude }, pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the fast path reads `text`, it reads the standard parser's double, and all of it.
    fn agrees(text: &str) {
        let expected: f64 = text.parse().unwrap();
        if let Some((fast, end)) = scan(text.as_bytes(), 0) {
            assert_eq!((fast.to_bits(), end), (expected.to_bits(), text.len()), "{text}");
        }
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
    fn covers_the_numbers_messages_carry() {
        for text in ["7.5", "0.35", "61.25", "-0.0", "1024", "1e22", "1234567890.5"] {
            assert!(scan(text.as_bytes(), 0).is_some(), "{text}");
        }
    }

    #[test]
    fn scan_reads_nothing_it_does_not_cover() {
        for text in [
            "",
            "-",
            "01",
            "-01",
            "1.",
            ".5",
            "1e",
            "1e+",
            "1.5e99999",
            "x",
            "12345678901234567890",
            "1e23",
        ] {
            assert_eq!(scan(text.as_bytes(), 0), None, "{text}");
        }
        assert_eq!(scan(b"[7.5,1]", 1), Some((7.5, 4)));
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
