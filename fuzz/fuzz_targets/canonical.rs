//! The canonical writer over arbitrary trees: what it writes reads back, and writing that
//! again gives the same bytes (the form signatures and hashes are computed over is stable).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rxon_core::{canonical, json};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = json::parse(data) else { return };
    let Ok(first) = canonical::json_dumps(&value) else {
        return;
    };
    let read = canonical::loads(first.as_bytes()).expect("canonical text reads back");
    let second = canonical::json_dumps(&read).expect("and writes again");
    assert_eq!(first, second);
});
