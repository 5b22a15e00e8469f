//! Handing work from the runtime's threads to an asyncio loop's thread.
//!
//! Runtime threads never take the GIL: they queue a job and wake the loop through a socket
//! pair it watches (`loop.add_reader`); the loop thread, which holds the GIL anyway, runs the
//! queued jobs in one go. This avoids GIL hand-offs between threads (each can cost a whole
//! switch interval while the loop is busy) and cannot meet a finalizing interpreter: a thread
//! that took the GIL while Python exits would be torn down with Rust frames on its stack.

use pyo3::prelude::*;
use std::cell::RefCell;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// Work for the loop thread.
pub type Job = Box<dyn FnOnce(Python<'_>) + Send>;

/// One loop's queue of jobs and its wake-up socket pair.
pub struct Bridge {
    jobs: Mutex<Vec<Job>>,
    /// A wake-up byte is on its way (or unread): no need to send another.
    armed: AtomicBool,
    wake_tx: UnixStream,
    wake_rx: UnixStream,
}

impl Bridge {
    fn new() -> std::io::Result<Bridge> {
        let (wake_tx, wake_rx) = UnixStream::pair()?;
        wake_tx.set_nonblocking(true)?;
        wake_rx.set_nonblocking(true)?;
        Ok(Bridge {
            jobs: Mutex::new(Vec::new()),
            armed: AtomicBool::new(false),
            wake_tx,
            wake_rx,
        })
    }

    /// Queues `job` for the loop thread.
    pub fn push(&self, job: Job) {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner()).push(job);
        self.wake();
    }

    /// Makes the loop run `drain` soon.
    pub fn wake(&self) {
        if !self.armed.swap(true, Ordering::AcqRel) {
            // A full socket buffer already means "wake up".
            let _ = (&self.wake_tx).write(&[1]);
        }
    }

    /// Runs every queued job (on the loop thread).
    fn drain(&self, py: Python<'_>) {
        let mut sink = [0u8; 256];
        loop {
            match (&self.wake_rx).read(&mut sink) {
                Ok(n) if n > 0 => continue,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                _ => break,
            }
        }
        // Disarm before taking the jobs: a job queued from now on sends a new wake-up byte.
        self.armed.store(false, Ordering::Release);
        let jobs = std::mem::take(&mut *self.jobs.lock().unwrap_or_else(|p| p.into_inner()));
        for job in jobs {
            job(py);
        }
        crate::logging::flush(py);
    }
}

/// The bridge as the loop sees it (`rxon_core._aio` registers `drain` as its reader).
#[pyclass(frozen, module = "rxon_core._native", name = "LoopBridge")]
pub struct LoopBridge(Arc<Bridge>);

#[pymethods]
impl LoopBridge {
    #[new]
    fn new() -> PyResult<Self> {
        let bridge = Bridge::new().map_err(|e| pyo3::exceptions::PyOSError::new_err(e.to_string()))?;
        Ok(LoopBridge(Arc::new(bridge)))
    }

    fn fileno(&self) -> i32 {
        self.0.wake_rx.as_raw_fd()
    }

    fn drain(&self, py: Python<'_>) {
        self.0.drain(py);
    }
}

thread_local! {
    /// The last loop seen on this thread and its bridge (holding the loop keeps its address
    /// from being reused by another loop).
    static LAST: RefCell<Option<(Py<PyAny>, Arc<Bridge>)>> = const { RefCell::new(None) };
}

/// The most recent bridge, woken to deliver log records.
static LOGGING: Mutex<Option<Weak<Bridge>>> = Mutex::new(None);

/// The bridge of `event_loop` (created and registered with it on first use).
pub fn for_loop(py: Python<'_>, event_loop: &Bound<'_, PyAny>) -> PyResult<Arc<Bridge>> {
    let cached = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(seen, _)| seen.bind(py).is(event_loop))
            .map(|(_, bridge)| bridge.clone())
    });
    if let Some(bridge) = cached {
        return Ok(bridge);
    }
    let registered = py.import("rxon_core._aio")?.call_method1("bridge", (event_loop,))?;
    let bridge = registered.cast::<LoopBridge>()?.get().0.clone();
    *LOGGING.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::downgrade(&bridge));
    LAST.with_borrow_mut(|last| *last = Some((event_loop.clone().unbind(), bridge.clone())));
    Ok(bridge)
}

/// Wakes the most recently used loop, if any, to deliver log records.
pub fn wake_logging() {
    let bridge = LOGGING
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .and_then(Weak::upgrade);
    if let Some(bridge) = bridge {
        bridge.wake();
    }
}
