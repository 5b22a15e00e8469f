//! The library's one multi-thread tokio runtime, started on first use and shared by every
//! worker and listener; the core never starts its own.

use crate::ffi::Failure;
use std::sync::OnceLock;
use tokio::runtime::Runtime;

struct Started {
    runtime: Runtime,
    /// The process that started it: a forked child has the memory but not the threads.
    pid: u32,
}

static RUNTIME: OnceLock<Result<Started, String>> = OnceLock::new();

/// The runtime, or why it cannot be used (it failed to start, or this is a forked child).
pub fn runtime() -> Result<&'static Runtime, Failure> {
    let started = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("rxon")
            .build()
            .map(|runtime| Started {
                runtime,
                pid: std::process::id(),
            })
            .map_err(|e| format!("the rxon runtime did not start: {e}"))
    });
    match started {
        Ok(started) if started.pid == std::process::id() => Ok(&started.runtime),
        Ok(_) => Err(Failure::invalid(
            "rxon was started before fork(): a forked child cannot use the parent's workers or listeners (start them after forking)",
        )),
        Err(message) => Err(Failure::invalid(message.clone())),
    }
}
