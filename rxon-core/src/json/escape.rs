//! JSON string text: where a plain run of bytes ends (the reader's fast path) and how a string
//! is written with the reference's escapes (only `"`, `\\` and control characters).

/// What each byte becomes inside a JSON string: 0 = itself, `u` = `\u00XX`, else `\<byte>`.
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// The position of the first byte at or after `pos` that ends a plain run of string bytes:
/// a quote, a backslash or a control character. Eight bytes at a time.
#[inline(always)]
pub(crate) fn skip_plain(input: &[u8], mut pos: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    while let Some(chunk) = input.get(pos..pos + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let special = has_zero(x ^ (ONES * u64::from(b'"')))
            | has_zero(x ^ (ONES * u64::from(b'\\')))
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGHS);
        if special != 0 {
            return pos + (special.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while let Some(&b) = input.get(pos) {
        if b < 0x20 || b == b'"' || b == b'\\' {
            break;
        }
        pos += 1;
    }
    pos
}

/// Writes `s` as a JSON string with the reference's escapes; returns whether anything was
/// escaped.
pub fn write_escaped_str(out: &mut Vec<u8>, s: &str) -> bool {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push(b'"');
    let bytes = s.as_bytes();
    let first = skip_plain(bytes, 0);
    if first == bytes.len() {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return false;
    }
    let mut run_start = 0;
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate().skip(first) {
        let escape = ESCAPE[b as usize];
        if escape == 0 {
            continue;
        }
        escaped = true;
        out.extend_from_slice(&bytes[run_start..i]);
        if escape == b'u' {
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(b >> 4) as usize], HEX[(b & 0xf) as usize]]);
        } else {
            out.extend_from_slice(&[b'\\', escape]);
        }
        run_start = i + 1;
    }
    out.extend_from_slice(&bytes[run_start..]);
    out.push(b'"');
    escaped
}
