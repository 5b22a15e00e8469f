//! The native module of the npm package `rxon`: the protocol of `rxon-core` for Node.
//!
//! Nothing of the protocol is written here. `host` says what kind of JSON value each
//! JavaScript value is and builds plain JavaScript values; `protocol` names the core's
//! functions; `errors` hands the core's errors to the JavaScript layer (`index.js`), which
//! raises them as `RxonError` subclasses.

// napi registers the exported functions outside test builds only; there they look unused.
#![cfg_attr(test, allow(dead_code))]

mod convert;
mod errors;
mod host;
mod listener;
mod logging;
mod protocol;
mod transport;
mod worker;

/// Routes the core's log records (warnings and errors to stderr until `setLogSink`) from the
/// moment the library is loaded.
#[napi_derive::module_init]
fn init() {
    logging::install();
}
