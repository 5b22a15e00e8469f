//! The core's `tracing` events for Node: to stderr (warnings and errors, by default), to a
//! JavaScript function the user sets, or nowhere. Events below the chosen level are not even
//! formatted, so nothing crosses into JavaScript that would be thrown away there. The
//! function is called on the thread that set it, without keeping the event loop alive.

use crate::errors::{JsFailure, raising, type_error};
use napi::Status;
use napi::bindgen_prelude::{FnArgs, Function};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use rxon_core::log_text::EventText;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Mutex, Once};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

/// `(level, target, message)` to JavaScript; weak, so it never holds the event loop open.
type Record = (String, String, String);
type JsSink = ThreadsafeFunction<Record, (), FnArgs<Record>, Status, false, true>;

enum Sink {
    Stderr,
    Js(JsSink),
}

/// The most verbose level forwarded: 0 off, 1 error, 2 warn, 3 info, 4 debug, 5 trace.
static MAX_LEVEL: AtomicU8 = AtomicU8::new(2);
static SINK: Mutex<Sink> = Mutex::new(Sink::Stderr);
static INSTALL: Once = Once::new();

const LEVELS: [&str; 6] = ["off", "error", "warn", "info", "debug", "trace"];

fn rank(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 1,
        Level::WARN => 2,
        Level::INFO => 3,
        Level::DEBUG => 4,
        Level::TRACE => 5,
    }
}

struct NodeLogging;

impl<S: Subscriber> Layer<S> for NodeLogging {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        // The level can change at run time: ask `enabled` every time.
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        rank(metadata.level()) <= MAX_LEVEL.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut message = EventText::default();
        event.record(&mut message);
        let level = LEVELS[rank(event.metadata().level()) as usize];
        let target = event.metadata().target();
        match &*SINK.lock().unwrap_or_else(|p| p.into_inner()) {
            Sink::Stderr => eprintln!("rxon {level} {target}: {}", message.text),
            Sink::Js(sink) => {
                // Never blocks: when JavaScript falls behind the queue is unbounded, and when
                // its thread is gone the record is dropped.
                let _ = sink.call(
                    (level.to_string(), target.to_string(), message.text),
                    ThreadsafeFunctionCallMode::NonBlocking,
                );
            }
        }
    }
}

/// Installs the layer (once per process; a no-op if another subscriber is already global).
pub fn install() {
    INSTALL.call_once(|| {
        let _ = tracing_subscriber::registry().with(NodeLogging).try_init();
    });
}

/// Where the core's log records go, process-wide: `sink(level, target, message)` for each
/// record at `level` or more severe (`'off'`, `'error'`, `'warn'`, `'info'`, `'debug'`,
/// `'trace'`), or stderr when `sink` is left out.
#[napi(ts_args_type = "level: string, sink?: ((level: string, target: string, message: string) => void) | null")]
pub fn set_log_sink(level: String, sink: Option<Function<'_, FnArgs<Record>, ()>>) -> napi::Result<()> {
    raising(|| {
        let rank = LEVELS
            .iter()
            .position(|name| *name == level)
            .ok_or_else(|| type_error(format!("log level must be one of {}, not {level:?}", LEVELS.join(", "))))?;
        let sink = match sink {
            None => Sink::Stderr,
            Some(function) => Sink::Js(
                function
                    .build_threadsafe_function()
                    .weak::<true>()
                    // Three arguments, not one array.
                    .build_callback(|call| Ok(FnArgs::from(call.value)))
                    .map_err(JsFailure::from)?,
            ),
        };
        install();
        *SINK.lock().unwrap_or_else(|p| p.into_inner()) = sink;
        MAX_LEVEL.store(rank as u8, Ordering::Relaxed);
        Ok(())
    })
}
