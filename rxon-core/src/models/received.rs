//! A message as it arrived from a peer: decoded, beside the members exactly as received.
//!
//! A signature someone else made covers the members they sent, not our re-encoding of them;
//! [`crate::security::verify_received`] checks it over those members.

use super::Message;
use crate::error::Result;
use crate::json::Value;
use std::ops::Deref;

/// A decoded message and the JSON members it was decoded from.
#[derive(Debug, Clone, PartialEq)]
pub struct Received<M> {
    message: M,
    wire: Value,
}

impl<M: Message> Received<M> {
    /// Decodes `wire` (the reference's error if it is no `M`), keeping it.
    pub fn decode(wire: Value) -> Result<Self> {
        let message = M::from_value(&wire)?;
        Ok(Received { message, wire })
    }

    /// A message we hold as if it had arrived encoded (mocks, tests).
    pub fn from_message(message: M) -> Result<Self> {
        let wire = message.to_dict()?;
        Ok(Received { message, wire })
    }

    /// The decoded message.
    pub fn message(&self) -> &M {
        &self.message
    }

    /// The members as they arrived.
    pub fn wire(&self) -> &Value {
        &self.wire
    }

    /// The decoded message, dropping what arrived.
    pub fn into_message(self) -> M {
        self.message
    }
}

impl<M> Deref for Received<M> {
    type Target = M;

    fn deref(&self) -> &M {
        &self.message
    }
}
