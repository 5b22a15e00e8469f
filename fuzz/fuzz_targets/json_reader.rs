//! The JSON reader on any bytes: an error or a tree, never a panic or a hang; a tree written
//! back reads as the same tree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rxon_core::json;

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = json::parse(data) {
        let text = json::to_text(&value);
        let again = json::parse(text.as_bytes()).expect("what the writer wrote reads back");
        assert_eq!(again, value);
    }
});
