//! What heartbeats say about load: CPU and RAM read from the operating system, and device
//! usage from pluggable providers (GPUs, sensors, robots — whatever the worker drives).

use crate::models::{DeviceUsage, ResourcesUsage};
use std::fmt;
use std::sync::{Arc, Mutex};
use sysinfo::System;

/// Reports the usage of the worker's devices at each heartbeat.
pub trait DeviceUsageProvider: Send + Sync {
    /// The devices' current usage.
    fn device_usage(&self) -> Vec<DeviceUsage>;
}

/// The device providers of a worker (a list that prints as its length).
#[derive(Clone, Default)]
pub struct DeviceProviders(pub Vec<Arc<dyn DeviceUsageProvider>>);

impl fmt::Debug for DeviceProviders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeviceProviders({} providers)", self.0.len())
    }
}

/// Samples CPU and RAM; CPU load is measured between two samples, so the first reads 0.
pub(crate) struct UsageSampler {
    /// `None` where the operating system offers no figures (usage then reads 0).
    system: Mutex<Option<System>>,
    devices: DeviceProviders,
}

impl UsageSampler {
    pub(crate) fn new(devices: DeviceProviders) -> Self {
        let system = System::new()
            .map_err(|err| tracing::warn!(%err, "no CPU or RAM figures"))
            .ok();
        UsageSampler {
            system: Mutex::new(system),
            devices,
        }
    }

    pub(crate) fn sample(&self) -> ResourcesUsage {
        let (cpu, ram) = {
            let mut guard = self.system.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            match guard.as_mut() {
                Some(system) => {
                    system.refresh_cpu_usage();
                    system.refresh_memory();
                    let ram_gb = system.used_memory() as f64 / (1024.0 * 1024.0 * 1024.0);
                    (f64::from(system.global_cpu_usage()), ram_gb)
                }
                None => (0.0, 0.0),
            }
        };
        let devices: Vec<DeviceUsage> = self.devices.0.iter().flat_map(|p| p.device_usage()).collect();
        ResourcesUsage {
            cpu_load_percent: Some((cpu * 10.0).round() / 10.0),
            ram_used_gb: Some((ram * 100.0).round() / 100.0),
            devices_usage: (!devices.is_empty()).then_some(devices),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Gpu;

    impl DeviceUsageProvider for Gpu {
        fn device_usage(&self) -> Vec<DeviceUsage> {
            vec![DeviceUsage {
                unit_id: "gpu0".into(),
                load_percent: 42.0,
                metrics: None,
            }]
        }
    }

    #[test]
    fn samples_ram_and_devices() {
        let sampler = UsageSampler::new(DeviceProviders(vec![Arc::new(Gpu)]));
        let usage = sampler.sample();
        assert!(usage.ram_used_gb() > 0.0, "{usage:?}");
        assert!((0.0..=100.0).contains(&usage.cpu_load_percent()));
        assert_eq!(usage.devices_usage.unwrap()[0].load_percent, 42.0);
    }
}
