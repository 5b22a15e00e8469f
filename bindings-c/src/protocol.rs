//! The protocol's functions over JSON text: canonical form, decoding, signatures, contracts,
//! identifiers and blob locations. All are thread-safe and call nothing back.

use crate::ffi::{
    Failure, RXON_ESIGNATURE, give, guard, guard_value, json, optional_json, optional_text, rxon_result_t, text,
};
use rxon_core::json::Value;
use std::ffi::c_char;

/// Field names from a JSON array of strings (NULL: none).
unsafe fn field_names(ptr: *const c_char, what: &str) -> Result<Vec<String>, Failure> {
    // SAFETY: the caller's contract (a NUL-terminated string or NULL).
    match unsafe { optional_json(ptr, what) }? {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| Failure::invalid(format!("{what} must be a JSON array of strings")))
            })
            .collect(),
        Some(_) => Err(Failure::invalid(format!("{what} must be a JSON array of strings"))),
    }
}

fn as_strs(names: &[String]) -> Vec<&str> {
    names.iter().map(String::as_str).collect()
}

/// The canonical JSON text of `json_text` (the reference's `json_dumps`: keys sorted, null members
/// left out, integral numbers as integers), into `*out` (free it with rxon_string_free).
/// RXON_OK, or RXON_EINVAL (NULL, not JSON, nested too deep).
/// Thread-safe; calls nothing back.
///
/// # Safety
/// `json_text` is NULL or a NUL-terminated string; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_json_dumps(json_text: *const c_char, out: *mut *mut c_char) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let value = unsafe { json(json_text, "json") }?;
        let canonical = rxon_core::canonical::json_dumps(&value)?;
        // SAFETY: the caller's contract.
        unsafe { give(out, canonical) }
    })
}

/// The hex SHA-256 of the canonical form of `json_text`, into `*out`. RXON_OK or RXON_EINVAL.
/// Thread-safe; calls nothing back.
///
/// # Safety
/// As rxon_json_dumps.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_calculate_dict_hash(json_text: *const c_char, out: *mut *mut c_char) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let value = unsafe { json(json_text, "json") }?;
        let hash = rxon_core::canonical::calculate_dict_hash(&value)?;
        // SAFETY: the caller's contract.
        unsafe { give(out, hash) }
    })
}

/// `json_text` with the canonical form's rules applied (the reference's `to_dict`: null members
/// left out, integral numbers as integers), as JSON text in document order, into `*out`.
/// RXON_OK or RXON_EINVAL.
/// Thread-safe; calls nothing back.
///
/// # Safety
/// As rxon_json_dumps.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_to_dict(json_text: *const c_char, out: *mut *mut c_char) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let value = unsafe { json(json_text, "json") }?;
        let plain = rxon_core::canonical::to_dict(&value)?;
        // SAFETY: the caller's contract.
        unsafe { give(out, rxon_core::json::to_text(&plain)) }
    })
}

/// The member of `json_text` at the JSON Pointer `pointer` (RFC 6901: `""` is the whole value,
/// `"/params/scene"`, `"/items/0"`), as JSON text into `*out` — a string member comes quoted —
/// so C code can read a task's params without a JSON library. RXON_OK; RXON_EINVAL when there
/// is no such member (or bad arguments).
/// Thread-safe; calls nothing back.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_json_pointer(
    json_text: *const c_char,
    pointer: *const c_char,
    out: *mut *mut c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (value, pointer) = unsafe { (json(json_text, "json")?, text(pointer, "pointer")?) };
        let member = value
            .pointer(pointer)
            .ok_or_else(|| Failure::invalid(format!("no member at {pointer:?}")))?;
        // SAFETY: the caller's contract.
        unsafe { give(out, rxon_core::json::to_text(member)) }
    })
}

/// `wire_json` decoded as the message `model` (`"TaskPayload"`, `"Heartbeat"`, …) and
/// re-encoded as the reference does, into `*out`: exactly the members the reference keeps.
/// RXON_OK, or RXON_EINVAL with the reference's message when it does not decode.
/// Thread-safe; calls nothing back.
///
/// # Safety
/// `model` and `wire_json` are NULL or NUL-terminated strings; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_decode(
    model: *const c_char,
    wire_json: *const c_char,
    out: *mut *mut c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (model, wire) = unsafe { (text(model, "model")?, json(wire_json, "wire_json")?) };
        let decoded = rxon_core::models::decode_named(model, &wire)?;
        // SAFETY: the caller's contract.
        unsafe { give(out, rxon_core::json::to_text(&decoded)) }
    })
}

/// The hex HMAC-SHA256 of the canonical payload without `security`, `_signature` and the
/// members named by `ignore_fields_json` (NULL or a JSON array of strings), into
/// `*signature_out`. RXON_OK or RXON_EINVAL.
/// Thread-safe; calls nothing back.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `signature_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_sign_payload(
    payload_json: *const c_char,
    secret: *const c_char,
    ignore_fields_json: *const c_char,
    signature_out: *mut *mut c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (payload, secret, ignore) = unsafe {
            (
                json(payload_json, "payload_json")?,
                text(secret, "secret")?,
                field_names(ignore_fields_json, "ignore_fields_json")?,
            )
        };
        let signature = rxon_core::security::sign_payload(&payload, secret, &as_strs(&ignore))?;
        // SAFETY: the caller's contract.
        unsafe { give(signature_out, signature) }
    })
}

/// Whether `signature` is the payload's HMAC (compared in constant time): RXON_OK, or
/// RXON_ESIGNATURE when it is not; RXON_EINVAL for bad arguments.
/// Thread-safe; calls nothing back.
///
/// # Safety
/// The strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_verify_signature(
    payload_json: *const c_char,
    signature: *const c_char,
    secret: *const c_char,
    ignore_fields_json: *const c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (payload, signature, secret, ignore) = unsafe {
            (
                json(payload_json, "payload_json")?,
                text(signature, "signature")?,
                text(secret, "secret")?,
                field_names(ignore_fields_json, "ignore_fields_json")?,
            )
        };
        verdict(rxon_core::security::verify_signature(
            &payload,
            signature,
            secret,
            &as_strs(&ignore),
        )?)
    })
}

fn verdict(valid: bool) -> Result<(), Failure> {
    if valid {
        Ok(())
    } else {
        Err(Failure::new(RXON_ESIGNATURE, "the signature does not verify"))
    }
}

/// The hex Ed25519 signature of the canonical payload (PKCS#8 PEM private key), into
/// `*signature_out`. RXON_OK or RXON_EINVAL (a bad key too).
/// Thread-safe; calls nothing back.
///
/// # Safety
/// As rxon_sign_payload.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_sign_payload_ed25519(
    payload_json: *const c_char,
    private_key_pem: *const c_char,
    ignore_fields_json: *const c_char,
    signature_out: *mut *mut c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (payload, key, ignore) = unsafe {
            (
                json(payload_json, "payload_json")?,
                text(private_key_pem, "private_key_pem")?,
                field_names(ignore_fields_json, "ignore_fields_json")?,
            )
        };
        let signature = rxon_core::security::sign_payload_ed25519(&payload, key, &as_strs(&ignore))?;
        // SAFETY: the caller's contract.
        unsafe { give(signature_out, signature) }
    })
}

/// Whether `signature_hex` is the payload's Ed25519 signature (SPKI PEM public key): RXON_OK,
/// or RXON_ESIGNATURE (also for a bad key or signature, as the reference answers false).
/// Thread-safe; calls nothing back.
///
/// # Safety
/// The strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_verify_signature_ed25519(
    payload_json: *const c_char,
    signature_hex: *const c_char,
    public_key_pem: *const c_char,
    ignore_fields_json: *const c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (payload, signature, key, ignore) = unsafe {
            (
                json(payload_json, "payload_json")?,
                text(signature_hex, "signature_hex")?,
                text(public_key_pem, "public_key_pem")?,
                field_names(ignore_fields_json, "ignore_fields_json")?,
            )
        };
        let valid = rxon_core::security::verify_signature_ed25519(&payload, signature, key, &as_strs(&ignore));
        verdict(valid.unwrap_or(false))
    })
}

/// The hex Ed25519 signature over a bubbling chain (`chain_json`: a JSON array of strings),
/// into `*signature_out`. RXON_OK or RXON_EINVAL.
/// Thread-safe; calls nothing back.
///
/// # Safety
/// As rxon_sign_payload.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_sign_bubbling_chain(
    chain_json: *const c_char,
    private_key_pem: *const c_char,
    signature_out: *mut *mut c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (chain, key) = unsafe {
            (
                field_names(chain_json, "chain_json")?,
                text(private_key_pem, "private_key_pem")?,
            )
        };
        let signature = rxon_core::security::sign_bubbling_chain(&chain, key)?;
        // SAFETY: the caller's contract.
        unsafe { give(signature_out, signature) }
    })
}

/// Whether `signature_hex` signs the bubbling chain (Ed25519): RXON_OK or RXON_ESIGNATURE.
/// Thread-safe; calls nothing back.
///
/// # Safety
/// The strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_verify_bubbling_chain_signature(
    chain_json: *const c_char,
    signature_hex: *const c_char,
    public_key_pem: *const c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (chain, signature, key) = unsafe {
            (
                field_names(chain_json, "chain_json")?,
                text(signature_hex, "signature_hex")?,
                text(public_key_pem, "public_key_pem")?,
            )
        };
        verdict(rxon_core::security::verify_bubbling_chain_signature(
            &chain, signature, key,
        ))
    })
}

/// The hex HMAC over a bubbling chain, into `*signature_out`. RXON_OK or RXON_EINVAL.
/// Thread-safe; calls nothing back.
///
/// # Safety
/// As rxon_sign_payload.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_sign_bubbling_chain_hmac(
    chain_json: *const c_char,
    secret: *const c_char,
    signature_out: *mut *mut c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (chain, secret) = unsafe { (field_names(chain_json, "chain_json")?, text(secret, "secret")?) };
        let signature = rxon_core::security::sign_bubbling_chain_hmac(&chain, secret)?;
        // SAFETY: the caller's contract.
        unsafe { give(signature_out, signature) }
    })
}

/// Whether `signature` is the bubbling chain's HMAC: RXON_OK or RXON_ESIGNATURE.
/// Thread-safe; calls nothing back.
///
/// # Safety
/// The strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_verify_bubbling_chain_hmac(
    chain_json: *const c_char,
    signature: *const c_char,
    secret: *const c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (chain, signature, secret) = unsafe {
            (
                field_names(chain_json, "chain_json")?,
                text(signature, "signature")?,
                text(secret, "secret")?,
            )
        };
        verdict(rxon_core::security::verify_bubbling_chain_hmac(
            &chain, signature, secret,
        ))
    })
}

/// Checks `data_json` against the JSON Schema `schema_json` (NULL: anything is valid): RXON_OK
/// when valid; RXON_EPARAMS when not, with the reference's human message in `*message_out`
/// (when `message_out` is not NULL; free it with rxon_string_free) and as the last error
/// message; RXON_EINVAL for bad arguments.
/// Thread-safe; calls nothing back.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `message_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_validate_data(
    data_json: *const c_char,
    schema_json: *const c_char,
    message_out: *mut *mut c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (data, schema) = unsafe {
            (
                json(data_json, "data_json")?,
                optional_json(schema_json, "schema_json")?,
            )
        };
        let schema = match schema {
            None | Some(Value::Null) => None,
            Some(Value::Object(schema)) => Some(schema),
            Some(_) => return Err(Failure::invalid("schema_json must be a JSON object")),
        };
        match rxon_core::schema::validate_data(&data, schema.as_ref()) {
            Ok(()) => Ok(()),
            Err(message) => {
                if !message_out.is_null() {
                    // SAFETY: the caller's contract.
                    unsafe { give(message_out, message.clone()) }?;
                }
                Err(Failure::new(crate::ffi::RXON_EPARAMS, message))
            }
        }
    })
}

/// Whether `value` is a valid identifier (worker ids, skill names): ASCII letters, digits, `_`
/// and `-`, within the length limit, exactly as the reference decides; false for NULL or
/// non-UTF-8.
/// Thread-safe; calls nothing back.
///
/// # Safety
/// `value` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_is_valid_identifier(value: *const c_char) -> bool {
    guard_value(false, || {
        // SAFETY: the caller's contract.
        let value = unsafe { text(value, "value") }?;
        Ok(rxon_core::identifiers::is_valid_identifier(value))
    })
}

/// Where an `s3://bucket/key` URI (or a key under `default_bucket`, NULL for none, and
/// `prefix`, NULL for none) points, as the JSON text `{"bucket": …, "key": …,
/// "is_directory": …}` into `*out`. RXON_OK or RXON_EINVAL.
/// Thread-safe; calls nothing back.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_parse_uri(
    uri: *const c_char,
    default_bucket: *const c_char,
    prefix: *const c_char,
    out: *mut *mut c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (uri, bucket, prefix) = unsafe {
            (
                text(uri, "uri")?,
                optional_text(default_bucket, "default_bucket")?,
                optional_text(prefix, "prefix")?,
            )
        };
        let location = rxon_core::blob::parse_uri(uri, bucket, prefix.unwrap_or(""))?;
        let mut object = rxon_core::json::Object::new();
        object.insert("bucket", location.bucket);
        object.insert("key", location.key);
        object.insert("is_directory", location.is_directory);
        // SAFETY: the caller's contract.
        unsafe { give(out, rxon_core::json::to_text(&Value::Object(object))) }
    })
}

/// The hash of a blob store's configuration (any of the three may be NULL), into `*out`; `*out`
/// is set to NULL when all three are NULL (no configuration). RXON_OK or RXON_EINVAL.
/// Thread-safe; calls nothing back.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_calculate_config_hash(
    endpoint: *const c_char,
    access_key: *const c_char,
    bucket: *const c_char,
    out: *mut *mut c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (endpoint, access_key, bucket) = unsafe {
            (
                optional_text(endpoint, "endpoint")?,
                optional_text(access_key, "access_key")?,
                optional_text(bucket, "bucket")?,
            )
        };
        match rxon_core::blob::calculate_config_hash(endpoint, access_key, bucket) {
            // SAFETY: the caller's contract.
            Some(hash) => unsafe { give(out, hash) },
            None if out.is_null() => Err(Failure::invalid("the output pointer is NULL")),
            None => {
                // SAFETY: not NULL, writable by the caller's contract.
                unsafe { *out = std::ptr::null_mut() };
                Ok(())
            }
        }
    })
}

/// Whether what a worker has (`have_json`) meets what a task requires (`required_json`), both
/// decoded as the message `model` (`"HardwareDevice"`, `"InstalledArtifact"`, `"SkillInfo"`,
/// `"Resources"`), into `*out`. RXON_OK, or RXON_EINVAL when they do not decode.
/// Thread-safe; calls nothing back.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_matches(
    model: *const c_char,
    have_json: *const c_char,
    required_json: *const c_char,
    out: *mut bool,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (model, have, required) = unsafe {
            (
                text(model, "model")?,
                json(have_json, "have_json")?,
                json(required_json, "required_json")?,
            )
        };
        if out.is_null() {
            return Err(Failure::invalid("the output pointer is NULL"));
        }
        let matches = rxon_core::matching::matches_named(model, &have, &required)?;
        // SAFETY: not NULL, writable by the caller's contract.
        unsafe { *out = matches };
        Ok(())
    })
}
