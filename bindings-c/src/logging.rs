//! The core's log records for C: to a callback the user sets, level-filtered before anything
//! is formatted; off by default.

use crate::ffi::{Failure, guard, rxon_result_t};
use rxon_core::log_text::EventText;
use std::ffi::{CString, c_char, c_void};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex, Once};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

/// No records.
pub const RXON_LOG_OFF: i32 = 0;
/// Errors.
pub const RXON_LOG_ERROR: i32 = 1;
/// Warnings and more severe.
pub const RXON_LOG_WARN: i32 = 2;
/// Information and more severe.
pub const RXON_LOG_INFO: i32 = 3;
/// Debugging and more severe.
pub const RXON_LOG_DEBUG: i32 = 4;
/// Everything.
pub const RXON_LOG_TRACE: i32 = 5;

/// Where log records go: `call` (NULL: nowhere) gets each record's level (RXON_LOG_…), target
/// (`rxon_core::worker::loops`, …) and message, valid during the call only. It is called on the
/// thread that logs — library threads and the caller's own — possibly on several at once, never
/// with a library lock held; it must not block for long. `drop` (may be NULL) releases
/// `context` once the callback is replaced and no call is running.
#[repr(C)]
pub struct rxon_log_callback_t {
    /// Handed to `call` and `drop` as it is.
    pub context: *mut c_void,
    /// Called for each record.
    pub call:
        Option<unsafe extern "C" fn(context: *mut c_void, level: i32, target: *const c_char, message: *const c_char)>,
    /// Releases `context`.
    pub drop: Option<unsafe extern "C" fn(context: *mut c_void)>,
}

struct Sink {
    context: *mut c_void,
    call: unsafe extern "C" fn(*mut c_void, i32, *const c_char, *const c_char),
    drop: Option<unsafe extern "C" fn(*mut c_void)>,
}

// SAFETY: the callback's contract says it may be called from any thread, at once.
unsafe impl Send for Sink {}
// SAFETY: as above.
unsafe impl Sync for Sink {}

impl Drop for Sink {
    fn drop(&mut self) {
        if let Some(drop) = self.drop {
            // SAFETY: the callback's contract; called once, after the last call.
            unsafe { drop(self.context) };
        }
    }
}

static MAX_LEVEL: AtomicI32 = AtomicI32::new(RXON_LOG_OFF);
static SINK: Mutex<Option<Arc<Sink>>> = Mutex::new(None);
static INSTALL: Once = Once::new();

fn rank(level: &Level) -> i32 {
    match *level {
        Level::ERROR => RXON_LOG_ERROR,
        Level::WARN => RXON_LOG_WARN,
        Level::INFO => RXON_LOG_INFO,
        Level::DEBUG => RXON_LOG_DEBUG,
        Level::TRACE => RXON_LOG_TRACE,
    }
}

struct CLogging;

impl<S: Subscriber> Layer<S> for CLogging {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        // The level can change at run time: ask `enabled` every time.
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        rank(metadata.level()) <= MAX_LEVEL.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        // Taken out of the lock: the callback runs without it.
        let Some(sink) = SINK.lock().unwrap_or_else(|p| p.into_inner()).clone() else {
            return;
        };
        let mut text = EventText::default();
        event.record(&mut text);
        let target = CString::new(event.metadata().target()).unwrap_or_default();
        let message = CString::new(text.text.replace('\0', " ")).unwrap_or_default();
        // SAFETY: the callback's contract; the strings live until it returns.
        unsafe {
            (sink.call)(
                sink.context,
                rank(event.metadata().level()),
                target.as_ptr(),
                message.as_ptr(),
            )
        };
    }
}

/// Sends the library's log records at `level` (RXON_LOG_ERROR … RXON_LOG_TRACE) or more severe
/// to `callback`, replacing any callback set before (whose `drop` then runs once its calls
/// have returned); RXON_LOG_OFF or a NULL `call` turns logging off. Off by default. RXON_OK, or
/// RXON_EINVAL for a level out of range (the callback is then released at once). Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn rxon_set_log_callback(callback: rxon_log_callback_t, level: i32) -> rxon_result_t {
    let sink = callback.call.map(|call| {
        Arc::new(Sink {
            context: callback.context,
            call,
            drop: callback.drop,
        })
    });
    if sink.is_none()
        && let Some(drop) = callback.drop
    {
        // SAFETY: the callback's contract; released once (it will never be called).
        unsafe { drop(callback.context) };
    }
    guard(|| {
        if !(RXON_LOG_OFF..=RXON_LOG_TRACE).contains(&level) {
            return Err(Failure::invalid(format!(
                "level must be RXON_LOG_OFF … RXON_LOG_TRACE, not {level}"
            )));
        }
        INSTALL.call_once(|| {
            let _ = tracing_subscriber::registry().with(CLogging).try_init();
        });
        let level = if sink.is_some() { level } else { RXON_LOG_OFF };
        let previous = std::mem::replace(&mut *SINK.lock().unwrap_or_else(|p| p.into_inner()), sink);
        MAX_LEVEL.store(level, Ordering::Relaxed);
        // The previous callback is released when its last call returns, outside the lock.
        drop(previous);
        Ok(())
    })
}
