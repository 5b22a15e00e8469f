//! Schema patterns (`pattern`, `patternProperties`, the `regex` format), read as the
//! reference's Python `re` reads them: look-around and back-references included
//! (`fancy-regex`; patterns without them run on the `regex` crate's automata).
//!
//! Backtracking is bounded, so a pathological pattern (`^(a+)+$` on a long near-match) costs a
//! bounded amount of work: past the bound the text counts as not matching.

/// The most backtracking steps one match may take.
const BACKTRACK_LIMIT: usize = 1_000_000;

/// A compiled schema pattern.
#[derive(Debug, Clone)]
pub(crate) struct Pattern(fancy_regex::Regex);

impl Pattern {
    /// Compiles `text`, or says why it does not compile.
    pub(crate) fn compile(text: &str) -> Result<Pattern, String> {
        fancy_regex::RegexBuilder::new(text)
            .backtrack_limit(BACKTRACK_LIMIT)
            .build()
            .map(Pattern)
            .map_err(|e| format!("pattern {text:?} does not compile: {e}"))
    }

    /// Whether the pattern matches somewhere in `text` (Python's `re.search`); false when the
    /// match would take more than the backtracking bound.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        self.0.is_match(text).unwrap_or_else(|err| {
            tracing::warn!(pattern = self.0.as_str(), %err, "schema pattern gave up; counted as no match");
            false
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_around_and_back_references_work_as_in_python() {
        let password = Pattern::compile(r"^(?=.*[A-Z])(?=.*\d).{8,}$").unwrap();
        assert!(password.is_match("Secret123"));
        assert!(!password.is_match("secret123"));
        let not_admin = Pattern::compile(r"^(?!admin$)").unwrap();
        assert!(!not_admin.is_match("admin") && not_admin.is_match("admins"));
        let doubled = Pattern::compile(r"^(\w)\1$").unwrap();
        assert!(doubled.is_match("aa") && !doubled.is_match("ab"));
        assert!(Pattern::compile(r"(?<=\$)\d+").unwrap().is_match("cost $12"));
        assert!(Pattern::compile("(").is_err());
    }

    #[test]
    fn catastrophic_backtracking_is_bounded() {
        let evil = Pattern::compile(r"^(a+)+$").unwrap();
        let text = format!("{}!", "a".repeat(64));
        assert!(!evil.is_match(&text));
        assert!(evil.is_match("aaaa"));
    }
}
