//! Every constant of the reference's `rxon.constants`, from rxon-core's list.

use pyo3::prelude::*;
use pyo3::types::PyFrozenSet;

/// Adds the constants to `module`; `TERMINAL_STATES` is a frozenset (a set in the reference).
pub fn add(module: &Bound<'_, PyModule>) -> PyResult<()> {
    for (name, value) in rxon_core::constants::EVERY {
        module.add(*name, *value)?;
    }
    let terminal = PyFrozenSet::new(module.py(), rxon_core::constants::TERMINAL_STATES)?;
    module.add("TERMINAL_STATES", terminal)
}
