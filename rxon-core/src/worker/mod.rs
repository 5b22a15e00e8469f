//! The worker runtime every binding wraps: register, heartbeat, poll within capacity, check
//! contracts, signatures and deadlines, hand tasks out (priority, then deadline), report every
//! outcome until the orchestrator takes it, obey cancel and drain commands.
//!
//! ```no_run
//! # async fn demo() -> rxon_core::Result<()> {
//! use rxon_core::models::SkillInfo;
//! use rxon_core::worker::{Worker, WorkerConfig};
//!
//! let config = WorkerConfig::new("http://127.0.0.1:8080", "worker-1", "secret", vec![SkillInfo::named("echo")]);
//! let worker = Worker::start(config)?;
//! while let Some(task) = worker.next_task().await {
//!     let params = task.params();
//!     task.complete(params)?;
//! }
//! # Ok(()) }
//! ```

mod admission;
mod config;
mod control;
mod loops;
pub mod outbox;
mod reporting;
mod returned;
mod runtime;
mod state;
mod task;
mod usage;

pub use config::{Signing, WorkerConfig};
pub use control::Worker;
pub use outbox::Outbox;
pub use state::WorkerState;
pub use task::{Outcome, TaskHandle};
pub use usage::{DeviceProviders, DeviceUsageProvider};
