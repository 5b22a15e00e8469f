//! Decoding every message from any JSON: an error naming the problem or a message; a decoded
//! message's encoding (the canonical plain form: sorted keys, integral floats as integers)
//! decodes, and encodes to the same again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rxon_core::json;
use rxon_core::models::{self, Message};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = json::parse(data) else { return };
    for name in models::MESSAGE_NAMES {
        let _ = models::check(name, &value);
    }
    if let Ok(task) = models::TaskPayload::from_value(&value) {
        let encoded = task.to_dict().expect("a decoded task encodes");
        let again = models::TaskPayload::from_value(&encoded).expect("an encoded task decodes");
        assert_eq!(again.to_dict().expect("encodes again"), encoded);
    }
    if let Ok(result) = models::TaskResult::from_value(&value) {
        let encoded = result.to_dict().expect("a decoded result encodes");
        let again = models::TaskResult::from_value(&encoded).expect("an encoded result decodes");
        assert_eq!(again.to_dict().expect("encodes again"), encoded);
    }
});
