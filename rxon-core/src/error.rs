//! One error type for the whole protocol, with the reference's kinds (`rxon.exceptions`).
//!
//! Every variant carries a human `message` and structured `details` (a JSON object), so a
//! binding can raise its own idiomatic error without losing anything.

use crate::constants::ERROR_CODE_LIMIT_EXCEEDED;
use crate::json::{Object, Value};

/// Structured details of an error: a JSON object (empty when there is nothing to add).
pub type Details = Object;

/// Every error rxon reports. The variant is the kind; bindings keep it across the boundary.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RxonError {
    /// A network operation failed: connection refused, reset, timed out.
    #[error("{message}")]
    Network {
        /// What went wrong.
        message: String,
        /// Structured context (boxed to keep the error small).
        details: Box<Details>,
    },
    /// Authentication failed and could not be recovered (401 after a refresh, or 403).
    #[error("{message}")]
    Auth {
        /// What went wrong.
        message: String,
        /// Structured context (boxed to keep the error small).
        details: Box<Details>,
    },
    /// The peer violated the protocol: an unexpected HTTP status, or a body that is not the
    /// JSON due.
    #[error("{message}")]
    Protocol {
        /// What went wrong.
        message: String,
        /// The HTTP status, when the violation was an HTTP answer.
        status: Option<u16>,
        /// Structured context (boxed to keep the error small).
        details: Box<Details>,
    },
    /// The orchestrator rate-limited the worker (HTTP 429).
    #[error("{message}")]
    RateLimit {
        /// What went wrong.
        message: String,
        /// Seconds to wait before trying again (`Retry-After`), when the peer said.
        retry_after: Option<f64>,
        /// The error code of the answer; [`ERROR_CODE_LIMIT_EXCEEDED`] when it named none.
        code: String,
        /// Structured context (boxed to keep the error small).
        details: Box<Details>,
    },
    /// Worker and orchestrator blob-storage configurations differ.
    #[error("{message}")]
    S3ConfigMismatch {
        /// What went wrong.
        message: String,
        /// Structured context (boxed to keep the error small).
        details: Box<Details>,
    },
    /// A file's integrity check (size, hash) failed.
    #[error("{message}")]
    Integrity {
        /// What went wrong.
        message: String,
        /// Structured context (boxed to keep the error small).
        details: Box<Details>,
    },
    /// Task parameters failed validation.
    #[error("{message}")]
    ParamValidation {
        /// What went wrong.
        message: String,
        /// Structured context (boxed to keep the error small).
        details: Box<Details>,
    },
    /// An argument or a document was not acceptable: a message that does not decode into its
    /// model, an empty secret, a malformed key, an unparsable URI. (The reference raises
    /// `ValueError` for these.)
    #[error("{message}")]
    InvalidValue {
        /// What went wrong.
        message: String,
        /// Structured context (boxed to keep the error small).
        details: Box<Details>,
    },
}

impl RxonError {
    /// A network error without details.
    pub fn network(message: impl Into<String>) -> Self {
        Self::Network {
            message: message.into(),
            details: Box::default(),
        }
    }

    /// An authentication error without details.
    pub fn auth(message: impl Into<String>) -> Self {
        Self::Auth {
            message: message.into(),
            details: Box::default(),
        }
    }

    /// A protocol error, with the HTTP status when there is one.
    pub fn protocol(message: impl Into<String>, status: Option<u16>) -> Self {
        let mut details = Details::new();
        if let Some(status) = status {
            details.insert("status", status);
        }
        Self::Protocol {
            message: message.into(),
            status,
            details: Box::new(details),
        }
    }

    /// A rate-limit error; `code` defaults to [`ERROR_CODE_LIMIT_EXCEEDED`] like the reference.
    pub fn rate_limit(message: impl Into<String>, retry_after: Option<f64>, code: Option<String>) -> Self {
        let code = code.unwrap_or_else(|| ERROR_CODE_LIMIT_EXCEEDED.to_string());
        let mut details = Details::new();
        details.insert("code", code.clone());
        if let Some(seconds) = retry_after {
            details.insert("retry_after", seconds);
        }
        Self::RateLimit {
            message: message.into(),
            retry_after,
            code,
            details: Box::new(details),
        }
    }

    /// A blob-storage configuration mismatch without details.
    pub fn s3_config_mismatch(message: impl Into<String>) -> Self {
        Self::S3ConfigMismatch {
            message: message.into(),
            details: Box::default(),
        }
    }

    /// An integrity error without details.
    pub fn integrity(message: impl Into<String>) -> Self {
        Self::Integrity {
            message: message.into(),
            details: Box::default(),
        }
    }

    /// A parameter-validation error without details.
    pub fn param_validation(message: impl Into<String>) -> Self {
        Self::ParamValidation {
            message: message.into(),
            details: Box::default(),
        }
    }

    /// An invalid-value error without details.
    pub fn invalid_value(message: impl Into<String>) -> Self {
        Self::InvalidValue {
            message: message.into(),
            details: Box::default(),
        }
    }

    /// Adds one member to the details and returns the error.
    pub fn with_detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details_mut().insert(key, value);
        self
    }

    /// The human message.
    pub fn message(&self) -> &str {
        self.parts().0
    }

    /// The structured details.
    pub fn details(&self) -> &Details {
        self.parts().1
    }

    fn parts(&self) -> (&str, &Details) {
        match self {
            Self::Network { message, details }
            | Self::Auth { message, details }
            | Self::Protocol { message, details, .. }
            | Self::RateLimit { message, details, .. }
            | Self::S3ConfigMismatch { message, details }
            | Self::Integrity { message, details }
            | Self::ParamValidation { message, details }
            | Self::InvalidValue { message, details } => (message, details),
        }
    }

    fn details_mut(&mut self) -> &mut Details {
        match self {
            Self::Network { details, .. }
            | Self::Auth { details, .. }
            | Self::Protocol { details, .. }
            | Self::RateLimit { details, .. }
            | Self::S3ConfigMismatch { details, .. }
            | Self::Integrity { details, .. }
            | Self::ParamValidation { details, .. }
            | Self::InvalidValue { details, .. } => details,
        }
    }

    /// The reference's exception class name for this kind (`RxonNetworkError`, …), which
    /// bindings use to pick their own error class.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Network { .. } => "RxonNetworkError",
            Self::Auth { .. } => "RxonAuthError",
            Self::Protocol { .. } => "RxonProtocolError",
            Self::RateLimit { .. } => "RxonRateLimitError",
            Self::S3ConfigMismatch { .. } => "S3ConfigMismatchError",
            Self::Integrity { .. } => "IntegrityError",
            Self::ParamValidation { .. } => "ParamValidationError",
            Self::InvalidValue { .. } => "ValueError",
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = RxonError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_defaults_its_code_like_the_reference() {
        let err = RxonError::rate_limit("slow down", Some(2.0), None);
        match &err {
            RxonError::RateLimit { code, retry_after, .. } => {
                assert_eq!(code, ERROR_CODE_LIMIT_EXCEEDED);
                assert_eq!(*retry_after, Some(2.0));
            }
            other => panic!("unexpected kind {other:?}"),
        }
        assert_eq!(err.details()["code"], ERROR_CODE_LIMIT_EXCEEDED);
        assert_eq!(err.kind_name(), "RxonRateLimitError");
    }

    #[test]
    fn protocol_error_keeps_its_status_in_details() {
        let err = RxonError::protocol("bad gateway", Some(502)).with_detail("body", "x");
        assert_eq!(err.to_string(), "bad gateway");
        assert_eq!(err.details()["status"], 502);
        assert_eq!(err.details()["body"], "x");
    }
}
