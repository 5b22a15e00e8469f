//! A JSON Schema (draft-07) validator that reports the first error the reference's validator
//! (fastjsonschema) reports, in its words (`data.a must be integer`).
//!
//! The schema is compiled once into a list of checks per sub-schema, in fastjsonschema's
//! keyword order; validation stops at the first failing check. `$ref` supports pointers
//! into the same document (`#`, `#/definitions/x`); remote references are a compile error.
//! Formats checked: date-time, date, time, email, idn-email, hostname, ipv4, ipv6, uri,
//! uri-reference, iri, iri-reference, json-pointer, relative-json-pointer, regex; other
//! formats are annotations, as in the reference. Patterns are read as Python's `re` reads
//! them, look-around and back-references included ([`super::pattern`]).

use super::compile::Compiler;
use super::compiled::Node;
use super::evaluate::{Name, Verdict};
use crate::json::Value;
use std::collections::HashMap;

/// Deepest chain of `$ref`s followed without descending into the data.
pub(super) const MAX_REF_CHAIN: usize = 256;

/// A compiled schema.
#[derive(Debug)]
pub struct Validator {
    pub(super) nodes: Vec<Node>,
}

impl Validator {
    /// Compiles a schema; the error says why it is not a usable schema.
    pub fn compile(schema: &Value) -> Result<Self, String> {
        let mut compiler = Compiler {
            root: schema,
            nodes: Vec::new(),
            refs: HashMap::new(),
        };
        compiler.node(schema)?;
        Ok(Validator {
            nodes: compiler
                .nodes
                .into_iter()
                .map(|n| n.unwrap_or(Node::Always(true)))
                .collect(),
        })
    }

    /// Validates `data`; the error is fastjsonschema's message for the first failure.
    pub fn validate(&self, data: &Value) -> Verdict {
        self.eval(0, data, &Name::Root, 0)
    }
}
