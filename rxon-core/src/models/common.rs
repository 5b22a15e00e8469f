//! Members shared by several message families: security context and file metadata.

use super::JsonObject;
use super::defaults;
use serde::{Deserialize, Serialize};

/// Security metadata for zero-trust identity and verification.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SecurityContext {
    /// The ids of the nodes the message passed through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_chain: Option<Vec<String>>,
    /// Free-form extra data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<JsonObject>,
    /// Hex signature over the message's canonical form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Who signed (a worker id, for worker messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer_id: Option<String>,
}

/// A file kept in blob storage and referenced by URI.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileMetadata {
    /// The store's entity tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// Free-form extra data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<JsonObject>,
    /// Size in bytes (default 0).
    #[serde(default, skip_serializing_if = "defaults::is_zero_i64")]
    pub size: i64,
    /// Where the file is, e.g. `s3://bucket/key`.
    pub uri: String,
}
