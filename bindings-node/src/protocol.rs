//! The protocol functions of the npm package: canonical form, decoding, signatures,
//! identifiers, blob locations, schema contracts and constants — each the core's, named.

use crate::convert::to_js;
use crate::errors::{JsFailure, raising, type_error};
use crate::host::{JsHost, JsValueOrKey};
use napi::bindgen_prelude::Object;
use napi::{Env, Unknown};
use napi_derive::napi;
use rxon_core::host::{Hosted, to_plain, with_hosted};
use rxon_core::json::{Str, Value};
use rxon_core::models::MemberType;

/// Runs `f` over JavaScript `value` seen by the core as a `Serialize` value.
fn hosted<'e, R>(
    env: &'e Env,
    value: Unknown<'e>,
    f: impl FnOnce(&Hosted<'_, JsHost<'e>>) -> rxon_core::Result<R>,
) -> Result<R, JsFailure> {
    with_hosted(&JsHost { env }, &JsValueOrKey::Value(value), f)
}

/// `value` as a JSON tree, exactly.
pub fn tree(env: &Env, value: Unknown<'_>) -> Result<Value, JsFailure> {
    hosted(env, value, |v| {
        rxon_core::json::to_value(v).map_err(|e| rxon_core::RxonError::invalid_value(e.to_string()))
    })
}

/// The tree of `text`, when the JavaScript layer wrote `value` as JSON text. It does so for
/// plain data only (objects, arrays, strings, booleans, safe integers, finite fractions), whose
/// text reads back as exactly the tree the value itself gives; `JSON.parse`-side V8 writes it
/// far faster than N-API can read the value one property at a time. `None` (and the value is
/// read as it is) when there is no text or it does not parse (a lone surrogate).
pub fn written(text: Option<&str>) -> Option<Value> {
    text.and_then(|text| rxon_core::json::parse(text.as_bytes()).ok())
}

/// `value` as a JSON tree: from its text when the JavaScript layer wrote one (see [`written`]).
pub fn tree_of(env: &Env, value: Unknown<'_>, text: Option<&str>) -> Result<Value, JsFailure> {
    match written(text) {
        Some(tree) => Ok(tree),
        None => tree(env, value),
    }
}

/// Runs `$body` with `$v` bound to the payload: the tree of its text when the JavaScript layer
/// wrote one (see [`written`]), else the JavaScript value itself.
macro_rules! with_payload {
    ($env:expr, $value:expr, $text:expr, |$v:ident| $body:expr) => {
        match written($text) {
            Some(tree) => {
                let $v = &tree;
                let result: rxon_core::Result<_> = $body;
                result.map_err(JsFailure::from)
            }
            None => hosted($env, $value, |$v| $body),
        }
    };
}

/// The canonical JSON text signatures and hashes are computed over (the reference's
/// `json_dumps`): keys sorted, null members left out, integral numbers as integers.
#[napi]
pub fn json_dumps(env: &Env, value: Unknown<'_>, text: Option<String>) -> napi::Result<String> {
    raising(|| with_payload!(env, value, text.as_deref(), |v| rxon_core::canonical::json_dumps(v)))
}

/// `value` with the canonical form's rules applied, as plain data (the reference's `to_dict`).
#[napi(ts_return_type = "any")]
pub fn to_dict<'e>(env: &'e Env, value: Unknown<'e>) -> napi::Result<Unknown<'e>> {
    raising(|| {
        let host = JsHost { env };
        match to_plain(&host, &JsValueOrKey::Value(value))? {
            JsValueOrKey::Value(plain) => Ok(plain),
            JsValueOrKey::Key(text) => Ok(crate::convert::unknown(env, text)?),
        }
    })
}

/// Parses JSON text, keeping every number exact: integers beyond 2^53 become `BigInt`s.
#[napi(ts_return_type = "any")]
pub fn loads<'e>(env: &'e Env, text: String) -> napi::Result<Unknown<'e>> {
    raising(|| {
        let value = rxon_core::canonical::loads(text.as_bytes())?;
        Ok(to_js(env, &value)?)
    })
}

/// Hex SHA-256 of the canonical form.
#[napi]
pub fn calculate_dict_hash(env: &Env, value: Unknown<'_>, text: Option<String>) -> napi::Result<String> {
    raising(|| {
        with_payload!(env, value, text.as_deref(), |v| {
            rxon_core::canonical::calculate_dict_hash(v)
        })
    })
}

/// `wire` decoded as the message called `model`, as plain data: exactly the members the
/// reference keeps (what it would send again). Throws `RxonError` with the reference's message
/// when it does not decode.
#[napi(ts_return_type = "any")]
pub fn decode<'e>(env: &'e Env, model: String, wire: Unknown<'e>) -> napi::Result<Unknown<'e>> {
    raising(|| {
        let decoded = rxon_core::models::decode_named(&model, &tree(env, wire)?)?;
        Ok(to_js(env, &decoded)?)
    })
}

/// The names of every message, as `decode` knows them.
#[napi]
pub fn message_names() -> Vec<&'static str> {
    rxon_core::models::MESSAGE_NAMES.to_vec()
}

/// The members of the message `name` (empty for a name `decode` does not know), as the core's
/// decoder takes them: `{ name, type, required, default }`, the type in TypeScript notation.
#[napi(ts_return_type = "Array<{ name: string; type: string; required: boolean; default?: unknown }>")]
pub fn message_members<'e>(env: &'e Env, name: String) -> napi::Result<Unknown<'e>> {
    let members = rxon_core::models::members(&name)
        .iter()
        .map(|member| {
            let mut object = rxon_core::json::Object::new();
            object.insert(Str::from("name"), Value::from(member.name));
            object.insert(Str::from("type"), Value::from(typescript(&member.ty).as_str()));
            object.insert(Str::from("required"), Value::Bool(member.required));
            if let Some(default) = &member.default {
                object.insert(Str::from("default"), default.clone());
            }
            Value::Object(object)
        })
        .collect();
    to_js(env, &Value::Array(members))
}

/// A member type in TypeScript notation.
fn typescript(ty: &MemberType) -> String {
    match ty {
        MemberType::Bool => "boolean".into(),
        MemberType::Int | MemberType::Float => "number".into(),
        MemberType::Str => "string".into(),
        MemberType::Json => "any".into(),
        MemberType::List(item) => match **item {
            MemberType::Nullable(_) => format!("Array<{}>", typescript(item)),
            _ => format!("{}[]", typescript(item)),
        },
        MemberType::Map(item) => format!("Record<string, {}>", typescript(item)),
        MemberType::Message(name) => (*name).into(),
        MemberType::Nullable(inner) => format!("{} | null", typescript(inner)),
    }
}

fn ignored(fields: &Option<Vec<String>>) -> Vec<&str> {
    fields.iter().flatten().map(String::as_str).collect()
}

/// Hex HMAC-SHA256 of the canonical payload without `security`, `_signature` and `ignoreFields`.
#[napi]
pub fn sign_payload(
    env: &Env,
    payload: Unknown<'_>,
    text: Option<String>,
    secret: String,
    ignore_fields: Option<Vec<String>>,
) -> napi::Result<String> {
    let ignore = ignored(&ignore_fields);
    raising(|| {
        with_payload!(env, payload, text.as_deref(), |v| rxon_core::security::sign_payload(
            v, &secret, &ignore
        ))
    })
}

/// Whether `signature` is the payload's HMAC (compared in constant time).
#[napi]
pub fn verify_signature(
    env: &Env,
    payload: Unknown<'_>,
    text: Option<String>,
    signature: String,
    secret: String,
    ignore_fields: Option<Vec<String>>,
) -> napi::Result<bool> {
    let ignore = ignored(&ignore_fields);
    raising(|| {
        with_payload!(env, payload, text.as_deref(), |v| {
            rxon_core::security::verify_signature(v, &signature, &secret, &ignore)
        })
    })
}

/// Hex Ed25519 signature of the canonical payload (PKCS#8 PEM private key).
#[napi]
pub fn sign_payload_ed25519(
    env: &Env,
    payload: Unknown<'_>,
    text: Option<String>,
    private_key_pem: String,
    ignore_fields: Option<Vec<String>>,
) -> napi::Result<String> {
    let ignore = ignored(&ignore_fields);
    raising(|| {
        with_payload!(env, payload, text.as_deref(), |v| {
            rxon_core::security::sign_payload_ed25519(v, &private_key_pem, &ignore)
        })
    })
}

/// Whether `signatureHex` is the payload's Ed25519 signature; `false` for a bad key or
/// signature, as in the reference.
#[napi]
pub fn verify_signature_ed25519(
    env: &Env,
    payload: Unknown<'_>,
    text: Option<String>,
    signature_hex: String,
    public_key_pem: String,
    ignore_fields: Option<Vec<String>>,
) -> napi::Result<bool> {
    let ignore = ignored(&ignore_fields);
    raising(|| {
        with_payload!(env, payload, text.as_deref(), |v| {
            Ok(
                rxon_core::security::verify_signature_ed25519(v, &signature_hex, &public_key_pem, &ignore)
                    .unwrap_or(false),
            )
        })
    })
}

/// Ed25519 signature over the bubbling chain.
#[napi]
pub fn sign_bubbling_chain(bubbling_chain: Vec<String>, private_key_pem: String) -> napi::Result<String> {
    raising(|| {
        Ok(rxon_core::security::sign_bubbling_chain(
            &bubbling_chain,
            &private_key_pem,
        )?)
    })
}

/// Whether `signatureHex` signs the bubbling chain (Ed25519).
#[napi]
pub fn verify_bubbling_chain_signature(
    bubbling_chain: Vec<String>,
    signature_hex: String,
    public_key_pem: String,
) -> bool {
    rxon_core::security::verify_bubbling_chain_signature(&bubbling_chain, &signature_hex, &public_key_pem)
}

/// HMAC-SHA256 over the bubbling chain.
#[napi]
pub fn sign_bubbling_chain_hmac(bubbling_chain: Vec<String>, secret: String) -> napi::Result<String> {
    raising(|| Ok(rxon_core::security::sign_bubbling_chain_hmac(&bubbling_chain, &secret)?))
}

/// Whether `signature` is the bubbling chain's HMAC.
#[napi]
pub fn verify_bubbling_chain_hmac(bubbling_chain: Vec<String>, signature: String, secret: String) -> bool {
    rxon_core::security::verify_bubbling_chain_hmac(&bubbling_chain, &signature, &secret)
}

/// Whether `value` is a valid worker or skill identifier.
#[napi]
pub fn is_valid_identifier(value: String) -> bool {
    rxon_core::identifiers::is_valid_identifier(&value)
}

/// Throws `RxonError` naming `name` when `value` is not a valid identifier.
#[napi]
pub fn validate_identifier(value: String, name: Option<String>) -> napi::Result<()> {
    let name = name.unwrap_or_else(|| "identifier".into());
    raising(|| Ok(rxon_core::identifiers::validate_identifier(&value, &name)?))
}

/// The short hash both sides compare to know they share an S3 store (`null` if a part is
/// missing).
#[napi]
pub fn calculate_config_hash(
    endpoint: Option<String>,
    access_key: Option<String>,
    bucket: Option<String>,
) -> Option<String> {
    rxon_core::blob::calculate_config_hash(endpoint.as_deref(), access_key.as_deref(), bucket.as_deref())
}

/// Where an `s3://bucket/key` URI or a relative path points.
#[napi(object)]
pub struct BlobLocation {
    pub bucket: String,
    pub key: String,
    pub is_directory: bool,
}

/// `{ bucket, key, isDirectory }` of an `s3://bucket/key` URI or a relative path.
#[napi]
pub fn parse_uri(uri: String, default_bucket: Option<String>, prefix: Option<String>) -> napi::Result<BlobLocation> {
    raising(|| {
        let location = rxon_core::blob::parse_uri(&uri, default_bucket.as_deref(), prefix.as_deref().unwrap_or(""))?;
        Ok(BlobLocation {
            bucket: location.bucket,
            key: location.key,
            is_directory: location.is_directory,
        })
    })
}

/// Whether data satisfies a JSON Schema: `message` is the reference's human message.
#[napi(object)]
pub struct Validation {
    pub valid: bool,
    pub message: Option<String>,
}

/// `data` checked against JSON Schema `schema` (none: anything is valid).
#[napi]
pub fn validate_data(env: &Env, data: Unknown<'_>, schema: Option<Unknown<'_>>) -> napi::Result<Validation> {
    raising(|| {
        let schema = match schema.map(|s| tree(env, s)).transpose()? {
            None | Some(Value::Null) => None,
            Some(Value::Object(object)) => Some(object),
            Some(_) => return Err(type_error("schema must be an object")),
        };
        Ok(
            match rxon_core::schema::validate_data(&tree(env, data)?, schema.as_ref()) {
                Ok(()) => Validation {
                    valid: true,
                    message: None,
                },
                Err(message) => Validation {
                    valid: false,
                    message: Some(message),
                },
            },
        )
    })
}

/// Every constant of the reference's `rxon.constants` (`TERMINAL_STATES` an array).
#[napi(ts_return_type = "Record<string, string | string[]>")]
pub fn constants(env: &Env) -> napi::Result<Object<'_>> {
    let mut out = Object::new(env)?;
    for (name, value) in rxon_core::constants::EVERY {
        out.set(name, *value)?;
    }
    out.set("TERMINAL_STATES", rxon_core::constants::TERMINAL_STATES.to_vec())?;
    Ok(out)
}

/// Whether `have` meets `required` — both the message called `model` (`HardwareDevice`,
/// `Resources`, `InstalledArtifact`, `SkillInfo`): numbers are minimums, lists any-of sets,
/// strings equal.
#[napi]
pub fn matches(env: &Env, model: String, have: Unknown<'_>, required: Unknown<'_>) -> napi::Result<bool> {
    raising(|| {
        Ok(rxon_core::matching::matches_named(
            &model,
            &tree(env, have)?,
            &tree(env, required)?,
        )?)
    })
}
