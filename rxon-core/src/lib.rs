//! # rxon-core
//!
//! The RXON (Reverse Axon) protocol, once, in Rust: the messages a worker and its orchestrator
//! exchange, their canonical form, signatures, skill contracts and matching rules —
//! wire-identical to the reference Python package `rxon` 1.0b17.
//!
//! ```
//! use rxon_core::models::{Message, TaskPayload};
//!
//! let task = TaskPayload::from_json(br#"{"job_id":"j","task_id":"t","type":"echo","priority":5.0}"#)?;
//! assert_eq!(task.to_json()?, r#"{"job_id":"j","priority":5,"task_id":"t","type":"echo"}"#);
//! let signature = rxon_core::security::sign_payload(&task, "secret", &[])?;
//! assert!(rxon_core::security::verify_signature(&task, &signature, "secret", &[])?);
//! # Ok::<(), rxon_core::RxonError>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod blob;
pub mod canonical;
pub mod constants;
pub mod error;
pub mod host;
pub mod identifiers;
pub mod json;
#[cfg(feature = "listener")]
pub mod listener;
pub mod log_text;
pub mod matching;
pub mod models;
pub mod schema;
pub mod security;
#[cfg(feature = "transport")]
pub mod transport;
#[cfg(feature = "transport")]
pub mod worker;

pub use error::{Result, RxonError};
