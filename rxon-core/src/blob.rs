//! Blob storage: `s3://bucket/key` URIs, the configuration hash both sides compare, and the
//! [`BlobProvider`] interface (`rxon.blob`).

use crate::error::{Result, RxonError};
use crate::models::FileMetadata;
use sha2::{Digest, Sha256};

/// The URI scheme of blob references.
pub const RXON_BLOB_SCHEME: &str = "s3";

/// A parsed blob location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobLocation {
    /// The bucket.
    pub bucket: String,
    /// The key inside the bucket (no leading `/`).
    pub key: String,
    /// Whether the URI names a directory (ends with `/`).
    pub is_directory: bool,
}

/// The first 16 hex digits of SHA-256 of `endpoint|access_key|bucket`, or `None` when any part
/// is missing or empty. Sent as `capabilities.s3_config_hash`.
pub fn calculate_config_hash(endpoint: Option<&str>, access_key: Option<&str>, bucket: Option<&str>) -> Option<String> {
    let (endpoint, access_key, bucket) = (endpoint?, access_key?, bucket?);
    if endpoint.is_empty() || access_key.is_empty() || bucket.is_empty() {
        return None;
    }
    let digest = Sha256::digest(format!("{endpoint}|{access_key}|{bucket}").as_bytes());
    let mut hex = hex::encode(digest);
    hex.truncate(16);
    Some(hex)
}

/// Parses `s3://bucket/key`, or a relative path placed in `default_bucket` under `prefix`.
///
/// As with the reference's `urlparse`, a `?query` or `#fragment` after an `s3://` key is not
/// part of the key. A relative path without a default bucket is an error.
pub fn parse_uri(uri: &str, default_bucket: Option<&str>, prefix: &str) -> Result<BlobLocation> {
    let is_directory = uri.ends_with('/');
    if let Some(rest) = uri.strip_prefix("s3://") {
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let bucket = &rest[..authority_end];
        let after = &rest[authority_end..];
        let path = &after[..after.find(['?', '#']).unwrap_or(after.len())];
        return Ok(BlobLocation {
            bucket: bucket.to_string(),
            key: path.trim_start_matches('/').to_string(),
            is_directory,
        });
    }
    let bucket = default_bucket.filter(|b| !b.is_empty()).ok_or_else(|| {
        RxonError::invalid_value(format!("Cannot parse relative path '{uri}' without a default bucket."))
    })?;
    let clean = uri.trim_start_matches('/');
    Ok(BlobLocation {
        bucket: bucket.to_string(),
        key: format!("{prefix}{clean}"),
        is_directory,
    })
}

/// A blob store (S3, GCS, a local folder) that moves heavy data referenced by URI.
#[async_trait::async_trait]
pub trait BlobProvider: Send + Sync {
    /// Uploads a local file to `uri` and describes what was stored.
    async fn upload(&self, local_path: &str, uri: &str) -> Result<FileMetadata>;
    /// Downloads `uri` to a local file; whether it was found.
    async fn download(&self, uri: &str, local_path: &str) -> Result<bool>;
    /// Size, etag, content type of `uri`, or `None` when it does not exist.
    async fn get_metadata(&self, uri: &str) -> Result<Option<crate::json::Object>>;
    /// Deletes one object; whether it existed.
    async fn delete(&self, uri: &str) -> Result<bool>;
    /// Deletes every object under a prefix; whether any existed.
    async fn delete_dir(&self, uri: &str) -> Result<bool>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_and_fragment_are_not_part_of_the_key() {
        let loc = parse_uri("s3://b/k/x?v=1#f", None, "").unwrap();
        assert_eq!(
            (loc.bucket.as_str(), loc.key.as_str(), loc.is_directory),
            ("b", "k/x", false)
        );
    }

    #[test]
    fn config_hash_needs_every_part() {
        assert_eq!(calculate_config_hash(Some("e"), Some(""), Some("b")), None);
        assert_eq!(
            calculate_config_hash(Some("e"), Some("k"), Some("b")).map(|h| h.len()),
            Some(16)
        );
    }
}
