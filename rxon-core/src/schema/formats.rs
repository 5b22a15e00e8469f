//! The string formats the reference's validator checks, with its patterns (adapted to Rust's
//! `regex`, which has no look-around: those few checks are written out in code).

use regex::Regex;
use std::net::Ipv6Addr;
use std::sync::LazyLock;

const DATE: &str = r"\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))|(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29";
const TIME: &str = r"(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[+-](?:[01]\d|2[0-3]):[0-5]\d|[+-](?:[01]\d|2[0-3])[0-5]\d|z|Z)";

/// A checked string format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 3339 date and time.
    DateTime,
    /// Calendar date.
    Date,
    /// Time of day with offset.
    Time,
    /// E-mail address.
    Email,
    /// Internationalised e-mail address.
    IdnEmail,
    /// Host name.
    Hostname,
    /// IPv4 address.
    Ipv4,
    /// IPv6 address.
    Ipv6,
    /// Absolute URI.
    Uri,
    /// URI reference.
    UriReference,
    /// Absolute IRI.
    Iri,
    /// IRI reference.
    IriReference,
    /// JSON pointer.
    JsonPointer,
    /// Relative JSON pointer.
    RelativeJsonPointer,
    /// A regular expression.
    Regex,
}

struct Patterns {
    date_time: Regex,
    date: Regex,
    time: Regex,
    hostname: Regex,
    ipv4: Regex,
    uri: Regex,
    uri_reference: Regex,
    json_pointer: Regex,
    relative_json_pointer: Regex,
}

static PATTERNS: LazyLock<Patterns> = LazyLock::new(|| {
    let compile = |p: &str| Regex::new(p).unwrap_or_else(|e| unreachable!("static pattern {p}: {e}"));
    Patterns {
        date_time: compile(&format!(r"^(?:{DATE})(t|T){TIME}\z")),
        date: compile(&format!(r"^(?:{DATE})\z")),
        time: compile(&format!(r"^{TIME}\z")),
        hostname: compile(
            r"^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\-]{0,61}[A-Za-z0-9])\z",
        ),
        ipv4: compile(
            r"^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\z",
        ),
        uri: compile(r"^\w+:(/?/?)[^\s]+\z"),
        uri_reference: compile(r"^(\w+:(/?/?))?[^#\\\s]*(#[^\\\s]*)?\z"),
        json_pointer: compile(r"^(/(([^/~])|(~[01]))*)*\z"),
        relative_json_pointer: compile(r"^(?:0|[1-9][0-9]*)(?:#|(?:/(?:[^~/]|~0|~1)*)*)\z"),
    }
});

impl Format {
    /// The format of that name, or `None` for a format that is only an annotation.
    pub fn named(name: &str) -> Option<Self> {
        Some(match name {
            "date-time" => Self::DateTime,
            "date" => Self::Date,
            "time" => Self::Time,
            "email" => Self::Email,
            "idn-email" => Self::IdnEmail,
            "hostname" => Self::Hostname,
            "ipv4" => Self::Ipv4,
            "ipv6" => Self::Ipv6,
            "uri" => Self::Uri,
            "uri-reference" => Self::UriReference,
            "iri" => Self::Iri,
            "iri-reference" => Self::IriReference,
            "json-pointer" => Self::JsonPointer,
            "relative-json-pointer" => Self::RelativeJsonPointer,
            "regex" => Self::Regex,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Self::DateTime => "date-time",
            Self::Date => "date",
            Self::Time => "time",
            Self::Email => "email",
            Self::IdnEmail => "idn-email",
            Self::Hostname => "hostname",
            Self::Ipv4 => "ipv4",
            Self::Ipv6 => "ipv6",
            Self::Uri => "uri",
            Self::UriReference => "uri-reference",
            Self::Iri => "iri",
            Self::IriReference => "iri-reference",
            Self::JsonPointer => "json-pointer",
            Self::RelativeJsonPointer => "relative-json-pointer",
            Self::Regex => "regex",
        }
    }

    /// The validator's message after the value's name (`must be email`).
    pub fn message(self) -> String {
        match self {
            Self::Regex => "must be a valid regex".into(),
            other => format!("must be {}", other.name()),
        }
    }

    /// Whether `text` has this format.
    pub fn accepts(self, text: &str) -> bool {
        let p = &*PATTERNS;
        match self {
            Self::DateTime => p.date_time.is_match(text),
            Self::Date => p.date.is_match(text),
            Self::Time => p.time.is_match(text),
            Self::Email => is_email(text),
            Self::IdnEmail => is_idn_email(text),
            Self::Hostname => p.hostname.is_match(text),
            Self::Ipv4 => p.ipv4.is_match(text),
            Self::Ipv6 => text.parse::<Ipv6Addr>().is_ok(),
            Self::Uri | Self::Iri => p.uri.is_match(text),
            Self::UriReference | Self::IriReference => p.uri_reference.is_match(text),
            Self::JsonPointer => p.json_pointer.is_match(text),
            Self::RelativeJsonPointer => p.relative_json_pointer.is_match(text),
            Self::Regex => super::pattern::Pattern::compile(text).is_ok(),
        }
    }
}

/// `^(?!.*\.\..*@)[^@.][^@]*(?<!\.)@[^@]+\.[^@]+\Z`, written out.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && domain_has_inner_dot(domain)
}

/// `^[^@]+@[^@]+\.[^@]+\Z`.
fn is_idn_email(text: &str) -> bool {
    matches!(text.split_once('@'), Some((local, domain)) if !local.is_empty() && domain_has_inner_dot(domain))
}

fn domain_has_inner_dot(domain: &str) -> bool {
    !domain.contains('@')
        && domain
            .char_indices()
            .any(|(i, c)| c == '.' && i > 0 && i + 1 < domain.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_accept_and_refuse() {
        assert!(Format::Email.accepts("a.b@example.com"));
        assert!(!Format::Email.accepts("a..b@example.com"));
        assert!(!Format::Email.accepts(".a@example.com"));
        assert!(!Format::Email.accepts("a@com"));
        assert!(Format::DateTime.accepts("2024-02-29T12:00:00Z"));
        assert!(!Format::DateTime.accepts("2023-02-29T12:00:00Z"));
        assert!(Format::Ipv4.accepts("127.0.0.1"));
        assert!(!Format::Ipv4.accepts("256.0.0.1"));
        assert!(Format::Ipv6.accepts("::1"));
        assert!(Format::Uri.accepts("s3://bucket/key"));
        assert!(!Format::Uri.accepts("not a uri"));
        assert_eq!(Format::named("uuid"), None);
    }
}
