//! The text of one of the core's `tracing` events, as every binding writes it into its
//! language's logging: `message key=value key=value`, like tracing's compact format.

use std::fmt::Write as _;
use tracing::field::{Field, Visit};

/// Collects an event's message and fields (`event.record(&mut text)`), then read `text`.
#[derive(Debug, Default)]
pub struct EventText {
    /// `message key=value …`.
    pub text: String,
}

impl Visit for EventText {
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
