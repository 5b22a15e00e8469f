//! librxon: the C API of rxon (`include/rxon.h`, generated from these sources by cbindgen).
//!
//! Nothing of the protocol is written here: each function reads its C arguments, calls the
//! core, and gives the answer back as C strings, handles and result codes. `ffi` holds what
//! every function shares (result codes, the thread's last error, the panic guard, strings).

// The C API's types are named as C names them (`rxon_worker_t`).
#![allow(non_camel_case_types)]

mod ffi;
#[cfg(feature = "listener")]
mod listener;
mod logging;
mod protocol;
mod runtime;
mod worker;

pub use ffi::*;
#[cfg(feature = "listener")]
pub use listener::*;
pub use logging::*;
pub use protocol::*;
pub use worker::*;
