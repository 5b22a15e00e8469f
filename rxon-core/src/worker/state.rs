//! The worker's lifecycle, an explicit state machine.
//!
//! ```text
//!  Connecting ──register ok──▶ Running ──drain()──▶ Draining ──in-flight done──▶ Stopped
//!      ▲   │                      │  ▲                                           ▲
//!      │   └─register fails: back off, retry                                     │
//!      └────── network lost / require_full_sync / orchestrator forgot us ────────┘ (shutdown from any state)
//! ```
//!
//! * `Connecting`: registering (with backoff and jitter between tries); no task is polled.
//! * `Running`: polls whenever a slot is free, heartbeats, listens for commands.
//! * `Draining`: polls no more; tasks in flight finish and report; heartbeats say `draining`.
//! * `Stopped`: every loop has ended.

/// Where the worker is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerState {
    /// Registering with the orchestrator.
    Connecting,
    /// Registered: polling, heartbeating, listening.
    Running,
    /// Finishing in-flight tasks, taking no new ones.
    Draining,
    /// Stopped.
    Stopped,
}

impl WorkerState {
    /// Whether `next` may follow `self`.
    pub fn can_become(self, next: WorkerState) -> bool {
        use WorkerState::*;
        matches!(
            (self, next),
            (Connecting, Running)
                | (Running, Connecting)
                | (Connecting | Running, Draining)
                | (Connecting | Running | Draining, Stopped)
        )
    }

    /// The heartbeat status of a worker in this state with `running` tasks of `capacity`.
    pub fn heartbeat_status(self, running: usize, capacity: usize) -> &'static str {
        match self {
            WorkerState::Draining => crate::constants::WORKER_STATUS_DRAINING,
            _ if running >= capacity => "busy",
            _ => "idle",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::WorkerState::*;

    #[test]
    fn transitions_follow_the_diagram() {
        assert!(Connecting.can_become(Running));
        assert!(Running.can_become(Connecting));
        assert!(Running.can_become(Draining));
        assert!(Draining.can_become(Stopped));
        assert!(!Stopped.can_become(Running));
        assert!(!Draining.can_become(Running));
        assert_eq!(Running.heartbeat_status(1, 1), "busy");
        assert_eq!(Running.heartbeat_status(0, 1), "idle");
        assert_eq!(Draining.heartbeat_status(0, 1), "draining");
    }
}
