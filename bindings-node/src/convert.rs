//! JSON trees of the core as JavaScript values. Integers beyond 2^53 (which a number cannot
//! hold exactly) become `BigInt`s, and a `BigInt` is written back as the exact integer.

use napi::bindgen_prelude::{BigInt, Null, Object, ToNapiValue};
use napi::{Env, Unknown};
use rxon_core::json::{Number, Value};

/// Seconds given by a user (option `what`), as a duration: finite, not negative.
pub fn seconds(value: f64, what: &str) -> Result<std::time::Duration, crate::errors::JsFailure> {
    std::time::Duration::try_from_secs_f64(value)
        .map_err(|_| crate::errors::type_error(format!("{what} must be a finite number of seconds ≥ 0")))
}

/// The `signing` option: `'masterToken'`, `'off'` or an Ed25519 private key (PEM);
/// `default` when not given.
pub fn signing(
    option: Option<&str>,
    default: rxon_core::worker::Signing,
) -> Result<rxon_core::worker::Signing, crate::errors::JsFailure> {
    match option {
        None => Ok(default),
        // A bad option value is a TypeError in Node.
        Some(text) => text
            .parse()
            .map_err(|e: rxon_core::RxonError| crate::errors::type_error(e.message())),
    }
}

/// The `tls` option of a transport or worker: how the orchestrator is verified and the
/// worker proves itself (every member optional; the system's roots are always trusted).
#[napi_derive::napi(object)]
#[derive(Default)]
pub struct ClientTls {
    /// Also trust the certificates of this PEM file (a private CA).
    pub ca_file: Option<String>,
    /// Present this certificate chain (PEM) for mutual TLS; needs `keyFile`.
    pub cert_file: Option<String>,
    /// The private key (PEM) of `certFile`.
    pub key_file: Option<String>,
}

impl ClientTls {
    /// Read from a worker's options tree (`{ caFile, certFile, keyFile }`).
    pub fn from_value(value: &Value) -> Result<Self, crate::errors::JsFailure> {
        let object = value
            .as_object()
            .ok_or_else(|| crate::errors::type_error("tls must be an object"))?;
        Ok(ClientTls {
            ca_file: tls_path(object, "caFile")?,
            cert_file: tls_path(object, "certFile")?,
            key_file: tls_path(object, "keyFile")?,
        })
    }

    /// The core's options.
    pub fn options(&self) -> Result<rxon_core::security::tls::ClientTlsOptions, crate::errors::JsFailure> {
        let client_cert = match (&self.cert_file, &self.key_file) {
            (None, None) => None,
            (Some(cert), Some(key)) => Some((cert.into(), key.into())),
            _ => return Err(crate::errors::type_error("tls.certFile and tls.keyFile go together")),
        };
        Ok(rxon_core::security::tls::ClientTlsOptions {
            ca_file: self.ca_file.as_ref().map(Into::into),
            client_cert,
            ..rxon_core::security::tls::ClientTlsOptions::new()
        })
    }
}

/// The file path `tls[name]`, if given.
pub fn tls_path(tls: &rxon_core::json::Object, name: &str) -> Result<Option<String>, crate::errors::JsFailure> {
    match tls.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(path)) => Ok(Some(path.to_string())),
        Some(_) => Err(crate::errors::type_error(format!("tls.{name} must be a file path"))),
    }
}

/// The largest integer a JavaScript number holds exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// `value` as a JavaScript value.
pub fn unknown<'e, T: ToNapiValue>(env: &'e Env, value: T) -> napi::Result<Unknown<'e>> {
    // SAFETY: `env` is the live environment of the call; the value is created in it.
    unsafe {
        let raw = T::to_napi_value(env.raw(), value)?;
        Ok(Unknown::from_raw_unchecked(env.raw(), raw))
    }
}

/// A JSON tree as JavaScript values (objects keep the tree's member order).
pub fn to_js<'e>(env: &'e Env, value: &Value) -> napi::Result<Unknown<'e>> {
    match value {
        Value::Null => unknown(env, Null),
        Value::Bool(b) => unknown(env, *b),
        Value::Number(Number::PosInt(u)) if *u <= MAX_SAFE_INTEGER => unknown(env, *u as f64),
        Value::Number(Number::NegInt(i)) if i.unsigned_abs() <= MAX_SAFE_INTEGER => unknown(env, *i as f64),
        Value::Number(Number::Float(f)) => unknown(env, *f),
        Value::Number(number) => unknown(env, big_integer::from_digits(&number.to_string())),
        Value::String(s) => unknown(env, s.as_str()),
        Value::Array(items) => {
            let mut array = env.create_array(items.len() as u32)?;
            for (index, item) in items.iter().enumerate() {
                array.set(index as u32, to_js(env, item)?)?;
            }
            unknown(env, array)
        }
        Value::Object(members) => {
            let mut object = Object::new(env)?;
            for (key, item) in members.iter() {
                object.set(key, to_js(env, item)?)?;
            }
            unknown(env, object)
        }
    }
}

/// `BigInt`s ⇄ decimal digits (`-?[0-9]+`), exactly, whatever their size.
pub mod big_integer {
    use super::BigInt;

    /// The decimal digits of `big`.
    pub fn digits(big: &BigInt) -> String {
        let mut words = big.words.clone();
        let mut groups = Vec::new(); // base 10^18, least significant first
        while words.iter().any(|w| *w != 0) {
            let mut remainder: u128 = 0;
            for word in words.iter_mut().rev() {
                let current = (remainder << 64) | u128::from(*word);
                *word = (current / 1_000_000_000_000_000_000) as u64;
                remainder = current % 1_000_000_000_000_000_000;
            }
            groups.push(remainder as u64);
        }
        let Some((last, rest)) = groups.split_last() else {
            return "0".into();
        };
        let mut out = String::new();
        if big.sign_bit {
            out.push('-');
        }
        out.push_str(&last.to_string());
        for group in rest.iter().rev() {
            out.push_str(&format!("{group:018}"));
        }
        out
    }

    /// The `BigInt` of decimal `digits` (`-?[0-9]+`; anything else is read as 0).
    pub fn from_digits(digits: &str) -> BigInt {
        let (sign_bit, body) = match digits.strip_prefix('-') {
            Some(body) => (true, body),
            None => (false, digits),
        };
        let mut words: Vec<u64> = vec![0];
        for digit in body.bytes().filter(u8::is_ascii_digit) {
            let mut carry = u128::from(digit - b'0');
            for word in words.iter_mut() {
                let current = u128::from(*word) * 10 + carry;
                *word = current as u64;
                carry = current >> 64;
            }
            if carry > 0 {
                words.push(carry as u64);
            }
        }
        BigInt { sign_bit, words }
    }
}
