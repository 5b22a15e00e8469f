//! What every C function shares: result codes, the thread's last error message, the guard
//! that keeps panics out of C, and reading and giving out C strings.

use rxon_core::RxonError;
use rxon_core::json::Value;
use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// What a function that can fail returns: RXON_OK (0) or a negative RXON_E… code.
#[allow(non_camel_case_types)]
pub type rxon_result_t = i32;

/// Success.
pub const RXON_OK: rxon_result_t = 0;
/// An argument is NULL, not UTF-8, not JSON, or a value the protocol refuses (a message that
/// does not decode, an invalid identifier, an unknown option).
pub const RXON_EINVAL: rxon_result_t = -1;
/// The orchestrator could not be reached, or the connection failed.
pub const RXON_ENETWORK: rxon_result_t = -2;
/// The orchestrator refused the credentials (401/403).
pub const RXON_EAUTH: rxon_result_t = -3;
/// The orchestrator answered what the protocol does not allow.
pub const RXON_EPROTOCOL: rxon_result_t = -4;
/// The orchestrator asked to wait (429).
pub const RXON_ERATELIMIT: rxon_result_t = -5;
/// A task's params break its skill's input schema.
pub const RXON_EPARAMS: rxon_result_t = -6;
/// A file's hash does not match.
pub const RXON_EINTEGRITY: rxon_result_t = -7;
/// A blob's S3 configuration does not match the orchestrator's.
pub const RXON_ES3CONFIG: rxon_result_t = -8;
/// A signature does not verify.
pub const RXON_ESIGNATURE: rxon_result_t = -9;
/// Nothing came within the time given.
pub const RXON_ETIMEDOUT: rxon_result_t = -10;
/// The object is closed: a worker that hands out no more tasks, a stopped listener, a task
/// already reported.
pub const RXON_ECLOSED: rxon_result_t = -11;
/// The library panicked (a bug); the object involved should not be used again.
pub const RXON_EPANIC: rxon_result_t = -12;

/// Why a call failed: its code and message.
#[derive(Debug)]
pub struct Failure {
    pub code: rxon_result_t,
    pub message: String,
}

impl Failure {
    pub fn new(code: rxon_result_t, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
        }
    }

    /// An invalid argument.
    pub fn invalid(message: impl Into<String>) -> Self {
        Failure::new(RXON_EINVAL, message)
    }
}

impl From<RxonError> for Failure {
    fn from(err: RxonError) -> Self {
        let code = match &err {
            RxonError::Network { .. } => RXON_ENETWORK,
            RxonError::Auth { .. } => RXON_EAUTH,
            RxonError::Protocol { .. } => RXON_EPROTOCOL,
            RxonError::RateLimit { .. } => RXON_ERATELIMIT,
            RxonError::ParamValidation { .. } => RXON_EPARAMS,
            RxonError::Integrity { .. } => RXON_EINTEGRITY,
            RxonError::S3ConfigMismatch { .. } => RXON_ES3CONFIG,
            RxonError::InvalidValue { .. } => RXON_EINVAL,
        };
        Failure::new(code, err.message())
    }
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

fn remember(message: &str) {
    // A message with a NUL in it is cut there rather than lost.
    let text = CString::new(message.split('\0').next().unwrap_or_default()).unwrap_or_default();
    LAST_ERROR.with(|last| *last.borrow_mut() = text);
}

/// Why the last failed call of this thread failed (empty if none failed yet). Valid until the
/// thread's next failing call; never NULL. Thread-safe (each thread has its own).
#[unsafe(no_mangle)]
pub extern "C" fn rxon_last_error_message() -> *const c_char {
    LAST_ERROR.with(|last| last.borrow().as_ptr())
}

/// Runs `f` for a C function: its failure becomes the result code and the thread's last error
/// message; a panic becomes RXON_EPANIC instead of unwinding into C.
pub fn guard(f: impl FnOnce() -> Result<(), Failure>) -> rxon_result_t {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => RXON_OK,
        Ok(Err(failure)) => {
            remember(&failure.message);
            failure.code
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            remember(&format!("rxon panicked (a bug, please report it): {what}"));
            RXON_EPANIC
        }
    }
}

/// Like [`guard`] for a function that answers a value instead of a code: `fallback` on failure
/// or panic (the reason is kept as the last error message).
pub fn guard_value<T>(fallback: T, f: impl FnOnce() -> Result<T, Failure>) -> T {
    let mut out = None;
    let code = guard(|| {
        out = Some(f()?);
        Ok(())
    });
    match out {
        Some(value) if code == RXON_OK => value,
        _ => fallback,
    }
}

/// The UTF-8 text at `ptr` (the argument `what`).
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string that stays valid for the call.
pub unsafe fn text<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, Failure> {
    // SAFETY: the caller's contract.
    unsafe { optional_text(ptr, what) }?.ok_or_else(|| Failure::invalid(format!("{what} is NULL")))
}

/// Like [`text`], NULL allowed.
///
/// # Safety
/// As [`text`].
pub unsafe fn optional_text<'a>(ptr: *const c_char, what: &str) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: not NULL, and NUL-terminated by the caller's contract.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes
        .to_str()
        .map(Some)
        .map_err(|_| Failure::invalid(format!("{what} is not UTF-8")))
}

/// The JSON value of the text at `ptr`, exactly (numbers as written).
///
/// # Safety
/// As [`text`].
pub unsafe fn json(ptr: *const c_char, what: &str) -> Result<Value, Failure> {
    // SAFETY: the caller's contract.
    let text = unsafe { text(ptr, what) }?;
    rxon_core::json::parse(text.as_bytes()).map_err(|e| Failure::invalid(format!("{what} is not JSON: {e}")))
}

/// Like [`json`], NULL allowed.
///
/// # Safety
/// As [`text`].
pub unsafe fn optional_json(ptr: *const c_char, what: &str) -> Result<Option<Value>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's contract.
    unsafe { json(ptr, what) }.map(Some)
}

/// Gives `text` to C through `out` (freed with rxon_string_free).
///
/// # Safety
/// `out` is NULL or points to writable storage for a pointer.
pub unsafe fn give(out: *mut *mut c_char, text: String) -> Result<(), Failure> {
    if out.is_null() {
        return Err(Failure::invalid("the output pointer is NULL"));
    }
    let text = CString::new(text).map_err(|_| Failure::invalid("the answer holds a NUL character"))?;
    // SAFETY: not NULL, writable by the caller's contract.
    unsafe { *out = text.into_raw() };
    Ok(())
}

/// Frees a string the library gave out and sets `*s` to NULL. NULL and `*s == NULL` are fine,
/// so a second free does nothing. Thread-safe.
///
/// # Safety
/// `s` is NULL or points to a pointer that is NULL or was given out by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_string_free(s: *mut *mut c_char) {
    if s.is_null() {
        return;
    }
    // SAFETY: `s` is valid by the caller's contract; the string came from CString::into_raw.
    unsafe {
        let owned = std::mem::replace(&mut *s, std::ptr::null_mut());
        if !owned.is_null() {
            drop(CString::from_raw(owned));
        }
    }
}

/// This library's version (`"0.1.0"`), speaking the protocol of the reference rxon 1.0b17.
/// Static; never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn rxon_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
