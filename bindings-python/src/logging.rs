//! The core's `tracing` events as Python `logging` records on the `rxon_core` logger.
//!
//! Events are formatted where they happen and queued; the asyncio loop's thread logs them
//! when it next runs the bridge's jobs (an event wakes it), so no runtime thread ever takes
//! the GIL. Beyond a bounded queue, events are dropped (and counted in the next record)
//! rather than stalling I/O. Events below the logger's effective level are not even
//! formatted: that level is read when the module is imported and again whenever a transport,
//! worker or listener is created.

use pyo3::prelude::*;
use rxon_core::log_text::EventText;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

/// Python's level numbers.
const DEBUG: u8 = 10;
const INFO: u8 = 20;
const WARNING: u8 = 30;
const ERROR: u8 = 40;

/// Lowest Python level forwarded (the logger's effective level).
static MIN_LEVEL: AtomicU8 = AtomicU8::new(WARNING);
static DROPPED: AtomicU64 = AtomicU64::new(0);
static QUEUE: Mutex<VecDeque<Record>> = Mutex::new(VecDeque::new());
/// Records held at most; more are dropped and counted.
const QUEUE_LIMIT: usize = 4096;

struct Record {
    level: u8,
    target: &'static str,
    message: String,
}

fn python_level(level: &Level) -> u8 {
    match *level {
        Level::ERROR => ERROR,
        Level::WARN => WARNING,
        Level::INFO => INFO,
        Level::DEBUG | Level::TRACE => DEBUG,
    }
}

struct PythonLogging;

impl<S: Subscriber> Layer<S> for PythonLogging {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        // The level can change at run time: ask `enabled` every time.
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        *metadata.level() != Level::TRACE && python_level(metadata.level()) >= MIN_LEVEL.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut message = EventText::default();
        event.record(&mut message);
        let record = Record {
            level: python_level(event.metadata().level()),
            target: event.metadata().target(),
            message: message.text,
        };
        {
            let mut queue = QUEUE.lock().unwrap_or_else(|p| p.into_inner());
            if queue.len() >= QUEUE_LIMIT {
                DROPPED.fetch_add(1, Ordering::Relaxed);
                return;
            }
            queue.push_back(record);
        }
        crate::bridge::wake_logging();
    }
}

/// Installs the layer (once per process; a no-op if another subscriber is already global).
pub fn install(py: Python<'_>) -> PyResult<()> {
    sync_level(py)?;
    let _ = tracing_subscriber::registry().with(PythonLogging).try_init();
    Ok(())
}

/// Reads the `rxon_core` logger's effective level again, and makes the running loop (if any)
/// the one records are delivered to.
pub fn sync_level(py: Python<'_>) -> PyResult<()> {
    crate::runtime::adopt_running_loop(py);
    let level: u8 = logger(py)?
        .call_method0("getEffectiveLevel")?
        .extract::<u32>()?
        .min(255) as u8;
    MIN_LEVEL.store(level.max(DEBUG), Ordering::Relaxed);
    Ok(())
}

/// `rxon_core.sync_log_level()`: picks up a level set after import.
#[pyfunction]
pub fn sync_log_level(py: Python<'_>) -> PyResult<()> {
    flush(py);
    sync_level(py)
}

fn logger(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    py.import("logging")?.call_method1("getLogger", ("rxon_core",))
}

/// Logs the queued records (on the loop thread, which holds the GIL).
pub fn flush(py: Python<'_>) {
    let records = std::mem::take(&mut *QUEUE.lock().unwrap_or_else(|p| p.into_inner()));
    let dropped = DROPPED.swap(0, Ordering::Relaxed);
    if records.is_empty() && dropped == 0 {
        return;
    }
    let logged = (|| -> PyResult<()> {
        let logger = logger(py)?;
        if dropped > 0 {
            logger.call_method1(
                "log",
                (
                    WARNING,
                    "%d rxon log records were dropped (Python fell behind)",
                    dropped,
                ),
            )?;
        }
        for record in records {
            let extra = pyo3::types::PyDict::new(py);
            extra.set_item("rust_target", record.target)?;
            let kwargs = pyo3::types::PyDict::new(py);
            kwargs.set_item("extra", extra)?;
            logger.call_method("log", (record.level, "%s", record.message), Some(&kwargs))?;
        }
        Ok(())
    })();
    if let Err(err) = logged {
        err.write_unraisable(py, None);
    }
}
