//! `rxon_core._native`: the Python binding's native module. It only translates — Python
//! objects in, rxon-core calls, Python objects or exceptions out; the idiomatic API is the
//! Python package around it (`bindings-python/python/rxon_core`).

mod bridge;
mod codec;
mod constants;
mod convert;
mod dispatch;
mod errors;
mod exchange;
mod helpers;
mod host;
mod listener;
mod logging;
mod models;
mod py_handler;
mod runtime;
mod security;
mod transport;
mod worker;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add(
        "SHUTDOWN_GRACE",
        rxon_core::worker::WorkerConfig::DEFAULT_SHUTDOWN_GRACE.as_secs_f64(),
    )?;
    m.add_function(wrap_pyfunction!(codec::json_dumps, m)?)?;
    m.add_function(wrap_pyfunction!(codec::to_dict, m)?)?;
    m.add_function(wrap_pyfunction!(codec::loads, m)?)?;
    m.add_function(wrap_pyfunction!(codec::calculate_dict_hash, m)?)?;
    m.add_function(wrap_pyfunction!(security::sign_payload, m)?)?;
    m.add_function(wrap_pyfunction!(security::verify_signature, m)?)?;
    m.add_function(wrap_pyfunction!(security::sign_payload_ed25519, m)?)?;
    m.add_function(wrap_pyfunction!(security::verify_signature_ed25519, m)?)?;
    m.add_function(wrap_pyfunction!(security::sign_bubbling_chain, m)?)?;
    m.add_function(wrap_pyfunction!(security::verify_bubbling_chain_signature, m)?)?;
    m.add_function(wrap_pyfunction!(security::sign_bubbling_chain_hmac, m)?)?;
    m.add_function(wrap_pyfunction!(security::verify_bubbling_chain_hmac, m)?)?;
    m.add_function(wrap_pyfunction!(helpers::is_valid_identifier, m)?)?;
    m.add_function(wrap_pyfunction!(helpers::validate_identifier, m)?)?;
    m.add_function(wrap_pyfunction!(helpers::calculate_config_hash, m)?)?;
    m.add_function(wrap_pyfunction!(helpers::parse_uri, m)?)?;
    m.add_function(wrap_pyfunction!(helpers::validate_data, m)?)?;
    m.add_function(wrap_pyfunction!(helpers::translate_error, m)?)?;
    m.add_function(wrap_pyfunction!(helpers::compile_schema, m)?)?;
    m.add_class::<helpers::CompiledValidator>()?;
    m.add_class::<models::FieldTable>()?;
    m.add_function(wrap_pyfunction!(models::from_dict, m)?)?;
    m.add_function(wrap_pyfunction!(models::check_message, m)?)?;
    m.add_function(wrap_pyfunction!(models::matches, m)?)?;
    m.add_function(wrap_pyfunction!(models::validate_params, m)?)?;
    m.add_class::<transport::PyTransport>()?;
    m.add_class::<transport::PyHttpTransport>()?;
    m.add_class::<transport::PyMockTransport>()?;
    m.add_class::<transport::Commands>()?;
    m.add_class::<listener::PyListener>()?;
    m.add_function(wrap_pyfunction!(exchange::route_request, m)?)?;
    m.add_function(wrap_pyfunction!(exchange::reply_answer, m)?)?;
    m.add_function(wrap_pyfunction!(exchange::reply_exception, m)?)?;
    m.add_function(wrap_pyfunction!(exchange::reply_status, m)?)?;
    m.add_function(wrap_pyfunction!(exchange::reply_unavailable, m)?)?;
    m.add_class::<worker::PyWorkerCore>()?;
    m.add_class::<worker::PyTask>()?;
    m.add_function(wrap_pyfunction!(logging::sync_log_level, m)?)?;
    m.add_class::<bridge::LoopBridge>()?;
    runtime::configure();
    logging::install(m.py())?;
    m.add("RXON_BLOB_SCHEME", rxon_core::blob::RXON_BLOB_SCHEME)?;
    constants::add(m)?;
    Ok(())
}
