//! Identifiers (worker ids, job ids, task types, blueprint names): `[A-Za-z0-9_-]{1,128}`.

use crate::error::{Result, RxonError};

/// Longest identifier, in characters.
pub const MAX_IDENTIFIER_LEN: usize = 128;

/// Whether `value` is a valid identifier, exactly as the reference decides.
///
/// The reference matches `^[a-zA-Z0-9_-]+$` with Python's `re.match`, where `$` also matches
/// before one trailing newline, so `"a\n"` is accepted; rxon keeps that for compatibility.
/// The length limit counts characters, including that newline.
pub fn is_valid_identifier(value: &str) -> bool {
    if value.is_empty() || value.chars().count() > MAX_IDENTIFIER_LEN {
        return false;
    }
    let body = value.strip_suffix('\n').unwrap_or(value);
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Checks an identifier; the error names what it is (`worker_id`, …) like the reference.
pub fn validate_identifier(value: &str, name: &str) -> Result<()> {
    if is_valid_identifier(value) {
        return Ok(());
    }
    Err(RxonError::invalid_value(format!(
        "Invalid {name}: '{value}'. Must be alphanumeric, underscores, or hyphens only (max 128 characters)."
    ))
    .with_detail("name", name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_identifier_alphabet_only() {
        assert!(is_valid_identifier("worker-01_A"));
        assert!(!is_valid_identifier(""));
        assert!(!is_valid_identifier("a b"));
        assert!(!is_valid_identifier("\n"));
        assert!(is_valid_identifier(&"x".repeat(128)));
        assert!(!is_valid_identifier(&"x".repeat(129)));
        let err = validate_identifier("a/b", "worker_id").unwrap_err();
        assert!(err.message().starts_with("Invalid worker_id: 'a/b'."));
    }
}
