//! The core's `tracing` events as Python `logging` records on the `rxon_core` logger.
//!
//! Events are formatted where they happen and handed to one forwarding thread, so no tokio
//! thread ever waits for the GIL; if Python falls behind, events beyond a bounded queue are
//! dropped (and counted in the next record) rather than stalling I/O. Events below the
//! logger's effective level are not even formatted: that level is read when the module is
//! imported and again whenever a transport, worker or listener is created.

use pyo3::prelude::*;
use std::fmt::Write as _;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use tracing::field::{Field, Visit};
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
static QUEUE: OnceLock<SyncSender<Record>> = OnceLock::new();

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
        let Some(queue) = QUEUE.get() else { return };
        let mut message = Message::default();
        event.record(&mut message);
        let record = Record {
            level: python_level(event.metadata().level()),
            target: event.metadata().target(),
            message: message.text,
        };
        if let Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) = queue.try_send(record) {
            DROPPED.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// `message key=value key=value`, like tracing's compact format.
#[derive(Default)]
struct Message {
    text: String,
}

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let fields = std::mem::take(&mut self.text);
            let _ = write!(self.text, "{value:?}{fields}");
        } else {
            let _ = write!(self.text, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.record_debug(field, &format_args!("{value}"));
        } else {
            let _ = write!(self.text, " {}={value}", field.name());
        }
    }
}

/// Installs the bridge (once per process; a no-op if another subscriber is already global).
pub fn install(py: Python<'_>) -> PyResult<()> {
    sync_level(py)?;
    if QUEUE.get().is_some() {
        return Ok(());
    }
    let (sender, receiver) = sync_channel(4096);
    if QUEUE.set(sender).is_ok() && tracing_subscriber::registry().with(PythonLogging).try_init().is_ok() {
        std::thread::Builder::new()
            .name("rxon-logging".into())
            .spawn(move || forward(receiver))
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(format!("cannot start the logging thread: {e}")))?;
    }
    Ok(())
}

/// Reads the `rxon_core` logger's effective level again.
pub fn sync_level(py: Python<'_>) -> PyResult<()> {
    let level: u8 = logger(py)?.call_method0("getEffectiveLevel")?.extract::<u32>()?.min(255) as u8;
    MIN_LEVEL.store(level.max(DEBUG), Ordering::Relaxed);
    Ok(())
}

/// `rxon_core.sync_log_level()`: picks up a level set after import.
#[pyfunction]
pub fn sync_log_level(py: Python<'_>) -> PyResult<()> {
    sync_level(py)
}

fn logger(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    py.import("logging")?.call_method1("getLogger", ("rxon_core",))
}

fn forward(receiver: Receiver<Record>) {
    for record in receiver {
        let dropped = DROPPED.swap(0, Ordering::Relaxed);
        // Ends quietly once the interpreter is shutting down.
        let delivered = Python::try_attach(|py| -> PyResult<()> {
            let logger = logger(py)?;
            if dropped > 0 {
                logger.call_method1("log", (WARNING, "%d rxon log records were dropped (Python fell behind)", dropped))?;
            }
            let extra = pyo3::types::PyDict::new(py);
            extra.set_item("rust_target", record.target)?;
            let kwargs = pyo3::types::PyDict::new(py);
            kwargs.set_item("extra", extra)?;
            logger.call_method("log", (record.level, "%s", record.message), Some(&kwargs))?;
            Ok(())
        });
        if delivered.is_none() {
            return;
        }
    }
}
