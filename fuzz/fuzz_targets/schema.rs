//! The schema validator with random schemas and data: the input is a schema and data, split
//! at the first NUL byte. Compiling refuses or succeeds; validating answers; nothing panics or
//! runs away (patterns are bounded).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rxon_core::json;
use rxon_core::schema::CompiledSchema;

fuzz_target!(|data: &[u8]| {
    let (schema, rest) = match data.iter().position(|b| *b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &b"null"[..]),
    };
    let (Ok(schema), Ok(data)) = (json::parse(schema), json::parse(rest)) else {
        return;
    };
    if let Ok(compiled) = CompiledSchema::compile(&schema) {
        let _ = compiled.validate(&data);
    }
});
