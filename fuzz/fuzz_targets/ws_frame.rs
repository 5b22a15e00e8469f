//! A text frame up a worker's command WebSocket: read as JSON and decoded as the event the
//! handler would get; a command written down the socket reads back, and is written the same
//! again (the canonical form is stable: an integral float is written as its integer).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rxon_core::json;
use rxon_core::models::{Message, WorkerCommand, WorkerEventPayload};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(frame) = json::parse(text.as_bytes()) else {
        return;
    };
    let _ = WorkerEventPayload::from_value(&frame);
    if let Ok(command) = WorkerCommand::from_value(&frame) {
        let written = rxon_core::canonical::json_dumps(&command).expect("a command writes");
        let read = WorkerCommand::from_value(&json::parse(written.as_bytes()).expect("reads")).expect("decodes");
        assert_eq!(rxon_core::canonical::json_dumps(&read).expect("writes again"), written);
    }
});
