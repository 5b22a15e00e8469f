//! Workers: registration, skills, capabilities, heartbeats, tokens and commands.

use super::JsonObject;
use super::common::SecurityContext;
use super::defaults;
use super::resources::{Resources, ResourcesUsage};
use crate::json::Value;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A skill a worker offers, with its contract.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SkillInfo {
    /// Human description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON Schema of each event the skill emits, by event name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events_schema: Option<BTreeMap<String, JsonObject>>,
    /// JSON Schema of the task params.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_schema: Option<JsonObject>,
    /// The skill's name; tasks of this `type` reach the worker.
    pub name: String,
    /// JSON Schema of the result data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<JsonObject>,
    /// The result statuses the skill may report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_statuses: Option<Vec<String>>,
    /// Free-form properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<JsonObject>,
    /// Schema language (`None`: the default `json-schema`).
    #[serde(
        default,
        deserialize_with = "defaults::given",
        skip_serializing_if = "Option::is_none"
    )]
    pub schema_dialect: Option<String>,
    /// Kind of skill.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl SkillInfo {
    /// The schema language: the one given, else the default `json-schema`.
    pub fn schema_dialect(&self) -> &str {
        self.schema_dialect.as_deref().unwrap_or(defaults::SCHEMA_DIALECT)
    }

    /// The skills of a list as bindings take it: each a name or a whole skill object;
    /// `null` is none.
    pub fn list_from_value(value: &Value) -> crate::Result<Vec<SkillInfo>> {
        use super::Message;
        match value {
            Value::Null => Ok(Vec::new()),
            Value::Array(skills) => skills
                .iter()
                .map(|skill| match skill {
                    Value::String(name) => Ok(SkillInfo::named(name.to_string())),
                    other => SkillInfo::from_value(other),
                })
                .collect(),
            _ => Err(crate::RxonError::invalid_value(
                "skills must be an array of skill names or skill objects",
            )),
        }
    }

    /// A skill with only a name.
    pub fn named(name: impl Into<String>) -> Self {
        SkillInfo {
            name: name.into(),
            ..Self::default()
        }
    }
}

/// A model, package or other artifact installed on a worker.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InstalledArtifact {
    /// The artifact's name.
    pub name: String,
    /// Free-form properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<JsonObject>,
    /// Kind of artifact.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Version (`None`: the default `unknown`; a requirement of `unknown` accepts any version).
    /// See [`InstalledArtifact::version`].
    #[serde(
        default,
        deserialize_with = "defaults::given",
        skip_serializing_if = "Option::is_none"
    )]
    pub version: Option<String>,
}

impl InstalledArtifact {
    /// The version: the one given, else the default `unknown`.
    pub fn version(&self) -> &str {
        self.version.as_deref().unwrap_or(defaults::ARTIFACT_VERSION)
    }
}

/// Where a worker runs and what it costs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkerCapabilities {
    /// Cost of each skill, by skill name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_skill: Option<BTreeMap<String, f64>>,
    /// Free-form extra data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<JsonObject>,
    /// Host name (`None`: the default `unknown`).
    #[serde(
        default,
        deserialize_with = "defaults::given",
        skip_serializing_if = "Option::is_none"
    )]
    pub hostname: Option<String>,
    /// Address (`None`: the default `0.0.0.0`).
    #[serde(
        default,
        deserialize_with = "defaults::given",
        skip_serializing_if = "Option::is_none"
    )]
    pub ip_address: Option<String>,
    /// `calculate_config_hash` of the worker's blob store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_config_hash: Option<String>,
}

impl WorkerCapabilities {
    /// The host name: the one given, else the default `unknown`.
    pub fn hostname(&self) -> &str {
        self.hostname.as_deref().unwrap_or(defaults::HOSTNAME)
    }

    /// The address: the one given, else the default `0.0.0.0`.
    pub fn ip_address(&self) -> &str {
        self.ip_address.as_deref().unwrap_or(defaults::IP_ADDRESS)
    }
}

/// A worker's registration, sent on connect and whenever a full sync is asked for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkerRegistration {
    /// Names of the skills it can run now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_skills: Option<Vec<String>>,
    /// Host, address, costs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<WorkerCapabilities>,
    /// Names of the skills that are loaded and ready at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hot_skills: Option<Vec<String>>,
    /// Installed artifacts (models, packages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installed_artifacts: Option<Vec<InstalledArtifact>>,
    /// Installed software and versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installed_software: Option<BTreeMap<String, String>>,
    /// Free-form extra data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<JsonObject>,
    /// Hardware.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Signature and identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<SecurityContext>,
    /// Hash of the supported skills.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills_hash: Option<String>,
    /// Every skill the worker offers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported_skills: Option<Vec<SkillInfo>>,
    /// Unix seconds when it was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    /// The worker's id (must equal the `X-Worker-ID` header).
    pub worker_id: String,
    /// Kind of worker (`None`: the default `generic`).
    #[serde(
        default,
        deserialize_with = "defaults::given",
        skip_serializing_if = "Option::is_none"
    )]
    pub worker_type: Option<String>,
}

impl WorkerRegistration {
    /// The kind of worker: the one given, else the default `generic`.
    pub fn worker_type(&self) -> &str {
        self.worker_type.as_deref().unwrap_or(defaults::WORKER_TYPE)
    }
}

/// The answer of the STS token endpoints. Its `Debug` output leaves the tokens out.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The token to authenticate with from now on.
    pub access_token: String,
    /// Seconds until it expires.
    pub expires_in: i64,
    /// Free-form extra data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<JsonObject>,
    /// Token for `POST /_worker/auth/token/refresh`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The worker it was issued to.
    pub worker_id: String,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .field("metadata", &self.metadata)
            .field("refresh_token", &crate::security::Redacted(&self.refresh_token))
            .field("worker_id", &self.worker_id)
            .finish()
    }
}

/// A command from the orchestrator, over the WebSocket (e.g. `cancel_task`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkerCommand {
    /// e.g. `cancel_task`, `drain`.
    pub command: String,
    /// The job it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// Free-form extra data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<JsonObject>,
    /// The command's arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<JsonObject>,
    /// The task it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
}

/// A worker's periodic status report (`PATCH /_worker/workers/{id}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Heartbeat {
    /// Names of the skills it can run now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_skills: Option<Vec<String>>,
    /// Ids of the tasks running now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_tasks: Option<Vec<String>>,
    /// Names of the skills loaded and ready at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hot_skills: Option<Vec<String>>,
    /// Free-form extra data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<JsonObject>,
    /// Signature and identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<SecurityContext>,
    /// Hash of the supported skills.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills_hash: Option<String>,
    /// e.g. `idle`, `busy`, `draining`.
    pub status: String,
    /// Every skill the worker offers (on a full sync).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported_skills: Option<Vec<SkillInfo>>,
    /// Unix seconds when it was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    /// CPU, RAM and device load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<ResourcesUsage>,
    /// The worker's id.
    pub worker_id: String,
}
