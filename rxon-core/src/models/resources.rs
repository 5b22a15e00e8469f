//! Hardware description and usage: what a worker has and how loaded it is.

use super::JsonObject;
use super::defaults;
use serde::{Deserialize, Serialize};

/// One device of a worker (GPU, TPU, sensor, robot arm, …).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HardwareDevice {
    /// Device id, e.g. `0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Live metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<JsonObject>,
    /// Model name; a requirement matches it as a case-insensitive substring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Static properties (numbers are capacities, lists are feature sets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<JsonObject>,
    /// Device type, e.g. `gpu`.
    #[serde(rename = "type")]
    pub type_: String,
}

/// Load of one device.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeviceUsage {
    /// Load in percent.
    pub load_percent: f64,
    /// Live metrics (temperature, memory, battery, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<JsonObject>,
    /// The device's id.
    pub unit_id: String,
}

/// Resource usage reported in heartbeats.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourcesUsage {
    /// CPU load in percent (`None`: the default 0.0).
    #[serde(
        default,
        deserialize_with = "defaults::given",
        skip_serializing_if = "Option::is_none"
    )]
    pub cpu_load_percent: Option<f64>,
    /// Per-device usage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub devices_usage: Option<Vec<DeviceUsage>>,
    /// RAM in use, in GB (`None`: the default 0.0).
    #[serde(
        default,
        deserialize_with = "defaults::given",
        skip_serializing_if = "Option::is_none"
    )]
    pub ram_used_gb: Option<f64>,
}

impl ResourcesUsage {
    /// The CPU load: the one given, else the default 0.0.
    pub fn cpu_load_percent(&self) -> f64 {
        defaults::float_or_zero(self.cpu_load_percent)
    }

    /// The RAM in use: the one given, else the default 0.0.
    pub fn ram_used_gb(&self) -> f64 {
        defaults::float_or_zero(self.ram_used_gb)
    }
}

/// What a worker has: devices and free-form properties.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Resources {
    /// The worker's devices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub devices: Option<Vec<HardwareDevice>>,
    /// Free-form properties (numbers are capacities, lists are feature sets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<JsonObject>,
}
