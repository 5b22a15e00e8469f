//! Every RXON message as a serde type, with the reference's member names, types and defaults
//! (`rxon.models`).
//!
//! * Decoding ignores unknown members and rejects a missing required member or a wrong type
//!   with the reference's message, naming the member's path, e.g.
//!   ``Failed to instantiate Heartbeat: Object missing required field `load_percent` - at `$.usage.devices_usage[0]` ``.
//! * Encoding ([`Message::to_json`]) is the canonical form: sorted keys, nulls left out,
//!   integral floats as integers.
//! * Members with a default other than null follow the reference's identity rule (see
//!   [`defaults`]): a float or string member that arrived is kept — `"priority": 0`,
//!   `"status": "success"` — while an integer member equal to its default `0` is left out. So a
//!   decoded message re-encodes exactly as the reference's `json_dumps(from_dict(…))` of the
//!   same JSON text, and one built without such members encodes without them.
//! * Free-form members (`params`, `data`, `metadata`, …) are [`JsonObject`]s that keep any
//!   JSON, including integers beyond 64 bits, exactly.

mod common;
mod decode;
pub mod defaults;
mod event;
mod fields;
mod received;
mod resources;
mod task;
mod worker;

pub use common::{FileMetadata, SecurityContext};
pub use decode::decode_error;
pub use event::WorkerEventPayload;
use fields::members_of;
pub use fields::{Member, MemberType, field_names};
pub use received::Received;
pub use resources::{DeviceUsage, HardwareDevice, Resources, ResourcesUsage};
pub use task::{TaskError, TaskPayload, TaskResult};
pub use worker::{
    Heartbeat, InstalledArtifact, SkillInfo, TokenResponse, WorkerCapabilities, WorkerCommand, WorkerRegistration,
};

use crate::canonical;
use crate::error::Result;
use crate::json::{self, Value};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A free-form JSON object member.
pub type JsonObject = crate::json::Object;

/// What every message offers: decoding with the reference's errors, canonical encoding.
pub trait Message: Serialize + DeserializeOwned + Clone + PartialEq + std::fmt::Debug {
    /// The reference's class name, used in error messages.
    const NAME: &'static str;

    /// Decodes JSON text (the wire form).
    fn from_json(text: &[u8]) -> Result<Self> {
        json::from_slice(text).map_err(|_| decode_error::<Self>(text))
    }

    /// Decodes a JSON tree (the reference's `from_dict`).
    fn from_value(value: &Value) -> Result<Self> {
        Self::from_json(json::to_text(value).as_bytes())
    }

    /// The canonical JSON text (the reference's `json_dumps`).
    fn to_json(&self) -> Result<String> {
        canonical::json_dumps(self)
    }

    /// The canonical JSON bytes.
    fn to_json_vec(&self) -> Result<Vec<u8>> {
        canonical::to_canonical_vec(self)
    }

    /// The message as a JSON tree (the reference's `to_dict`).
    fn to_dict(&self) -> Result<Value> {
        canonical::to_dict(self)
    }
}

macro_rules! message {
    ($($ty:ident),*) => {
        $(
            impl Message for $ty {
                const NAME: &'static str = stringify!($ty);
            }
        )*

        /// The names of every message type, as [`check`] knows them.
        pub const MESSAGE_NAMES: &[&str] = &[$(stringify!($ty)),*];

        /// Decodes `value` as the message called `name` (for bindings, which know messages by
        /// name) and answers with the decode error, if any.
        pub fn check(name: &str, value: &Value) -> Result<()> {
            decode_named(name, value).map(drop)
        }

        /// Decodes `value` as the message called `name` and gives the decoded message back as
        /// a tree: exactly the members the reference's `to_dict(from_dict(Model, value))` holds
        /// (see [`defaults`] for which defaults are kept), or the decode error.
        pub fn decode_named(name: &str, value: &Value) -> Result<Value> {
            match name {
                $(stringify!($ty) => $ty::from_value(value)?.to_dict(),)*
                other => Err(crate::error::RxonError::invalid_value(format!("Unknown message type {other}"))),
            }
        }

        /// Every member of the message called `name` — names, types, which are required,
        /// defaults — in declaration order (empty for an unknown name).
        pub fn members(name: &str) -> &'static [Member] {
            match name {
                $(stringify!($ty) => {
                    static MEMBERS: std::sync::OnceLock<Vec<Member>> = std::sync::OnceLock::new();
                    MEMBERS.get_or_init(members_of::<$ty>)
                })*
                _ => &[],
            }
        }

        /// The wire member names of the message called `name` (empty for an unknown name):
        /// what a binding's own declaration of the message must match.
        pub fn member_names(name: &str) -> &'static [&'static str] {
            match name {
                $(stringify!($ty) => field_names::<$ty>(),)*
                _ => &[],
            }
        }
    };
}

message!(
    TaskPayload,
    TaskResult,
    TaskError,
    Heartbeat,
    WorkerRegistration,
    WorkerEventPayload,
    WorkerCommand,
    TokenResponse,
    SkillInfo,
    InstalledArtifact,
    WorkerCapabilities,
    HardwareDevice,
    DeviceUsage,
    ResourcesUsage,
    Resources,
    FileMetadata,
    SecurityContext
);
