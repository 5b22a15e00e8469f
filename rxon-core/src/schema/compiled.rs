//! The compiled form of a schema: per sub-schema, the checks fastjsonschema runs, in its
//! keyword order, each with the message it reports.

use super::formats::Format;
use super::pattern::Pattern;
use crate::json::Value;

#[derive(Debug)]
pub(super) enum Node {
    Always(bool),
    Ref(usize),
    Checks(Vec<Check>),
}

#[derive(Debug)]
pub(super) enum Items {
    None,
    All(usize),
    Tuple { items: Vec<usize>, additional: Additional },
    Nothing,
}

#[derive(Debug)]
pub(super) enum Additional {
    Any,
    Forbidden,
    Schema(usize),
}

#[derive(Debug)]
pub(super) enum Dependency {
    Forbidden,
    Members(Vec<String>),
    Schema(usize),
}

#[derive(Debug)]
pub(super) enum Check {
    Type {
        accepts: Vec<JsonType>,
        text: String,
    },
    Enum {
        values: Vec<Value>,
        text: String,
    },
    AllOf(Vec<usize>),
    AnyOf(Vec<usize>),
    OneOf(Vec<usize>),
    Not(Option<usize>),
    NotThere,
    MinLength {
        limit: u64,
        text: String,
    },
    MaxLength {
        limit: u64,
        text: String,
    },
    Pattern {
        regex: Pattern,
        text: String,
    },
    Format(Format),
    Minimum {
        limit: f64,
        text: String,
    },
    Maximum {
        limit: f64,
        text: String,
    },
    ExclusiveMinimum {
        limit: f64,
        text: String,
    },
    ExclusiveMaximum {
        limit: f64,
        text: String,
    },
    MultipleOf {
        factor: Value,
        text: String,
    },
    MinItems {
        limit: u64,
        text: String,
    },
    MaxItems {
        limit: u64,
        text: String,
    },
    UniqueItems,
    Items(Items),
    MinProperties {
        limit: u64,
        text: String,
    },
    MaxProperties {
        limit: u64,
        text: String,
    },
    Required(Vec<String>),
    Dependencies(Vec<(String, Dependency)>),
    Properties(Vec<(String, usize)>),
    PatternProperties(Vec<(Pattern, usize)>),
    AdditionalProperties {
        known: Vec<String>,
        patterns: Vec<Pattern>,
        rule: Additional,
    },
    PropertyNames(Option<usize>),
    Contains(Option<usize>, bool),
    Const {
        value: Value,
        text: String,
    },
    IfThenElse {
        condition: usize,
        then: Option<usize>,
        otherwise: Option<usize>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum JsonType {
    Null,
    Boolean,
    Number,
    Integer,
    String,
    Array,
    Object,
}
