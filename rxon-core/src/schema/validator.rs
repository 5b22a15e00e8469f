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

use super::formats::Format;
use super::pattern::Pattern;
use super::pyrepr::{py_number, py_repr, py_str};
use crate::json::{Number, Object, Value};
use std::collections::HashMap;

/// Deepest chain of `$ref`s followed without descending into the data.
const MAX_REF_CHAIN: usize = 256;

/// A compiled schema.
#[derive(Debug)]
pub struct Validator {
    nodes: Vec<Node>,
}

#[derive(Debug)]
enum Node {
    Always(bool),
    Ref(usize),
    Checks(Vec<Check>),
}

#[derive(Debug)]
enum Items {
    None,
    All(usize),
    Tuple { items: Vec<usize>, additional: Additional },
    Nothing,
}

#[derive(Debug)]
enum Additional {
    Any,
    Forbidden,
    Schema(usize),
}

#[derive(Debug)]
enum Dependency {
    Forbidden,
    Members(Vec<String>),
    Schema(usize),
}

#[derive(Debug)]
enum Check {
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
enum JsonType {
    Null,
    Boolean,
    Number,
    Integer,
    String,
    Array,
    Object,
}

/// Where in the data a check runs, rendered as fastjsonschema names it (`data.a[1]`) only
/// when an error is reported.
#[derive(Clone, Copy)]
enum Name<'a> {
    Root,
    Member(&'a Name<'a>, &'a str),
    Item(&'a Name<'a>, usize),
}

impl Name<'_> {
    fn render(&self) -> String {
        match self {
            Name::Root => "data".to_string(),
            Name::Member(parent, key) => format!("{}.{key}", parent.render()),
            Name::Item(parent, index) => format!("{}[{index}]", parent.render()),
        }
    }
}

type Outcome = Result<(), String>;

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
    pub fn validate(&self, data: &Value) -> Outcome {
        self.eval(0, data, &Name::Root, 0)
    }

    fn passes(&self, node: usize, data: &Value, name: &Name<'_>, chain: usize) -> bool {
        self.eval(node, data, name, chain).is_ok()
    }

    fn eval(&self, node: usize, data: &Value, name: &Name<'_>, chain: usize) -> Outcome {
        match &self.nodes[node] {
            Node::Always(true) => Ok(()),
            Node::Always(false) => Err(format!("{} must not be there", name.render())),
            Node::Ref(target) => {
                if chain > MAX_REF_CHAIN {
                    return Err(format!("{} is a $ref cycle", name.render()));
                }
                self.eval(*target, data, name, chain + 1)
            }
            Node::Checks(checks) => checks.iter().try_for_each(|check| self.run(check, data, name, chain)),
        }
    }

    fn run(&self, check: &Check, data: &Value, name: &Name<'_>, chain: usize) -> Outcome {
        let fail = |text: &str| Err(format!("{} {text}", name.render()));
        match check {
            Check::Type { accepts, text } => {
                if !accepts.iter().any(|t| has_type(data, *t)) {
                    return fail(text);
                }
            }
            Check::Enum { values, text } => {
                if !values.iter().any(|v| strict_eq(data, v)) {
                    return fail(text);
                }
            }
            Check::AllOf(nodes) => {
                for node in nodes {
                    self.eval(*node, data, name, chain)?;
                }
            }
            Check::AnyOf(nodes) => {
                if !nodes.iter().any(|n| self.passes(*n, data, name, chain)) {
                    return fail("cannot be validated by any definition");
                }
            }
            Check::OneOf(nodes) => {
                let mut matches = 0;
                for node in nodes {
                    if matches < 2 && self.passes(*node, data, name, chain) {
                        matches += 1;
                    }
                }
                if matches != 1 {
                    return fail(&format!(
                        "must be valid exactly by one definition ({matches} matches found)"
                    ));
                }
            }
            Check::Not(node) => {
                if node.is_none_or(|n| self.passes(n, data, name, chain)) {
                    return fail("must NOT match a disallowed definition");
                }
            }
            Check::NotThere => return fail("must not be there"),
            Check::MinLength { limit, text } => {
                if let Value::String(s) = data {
                    if (s.chars().count() as u64) < *limit {
                        return fail(text);
                    }
                }
            }
            Check::MaxLength { limit, text } => {
                if let Value::String(s) = data {
                    if s.chars().count() as u64 > *limit {
                        return fail(text);
                    }
                }
            }
            Check::Pattern { regex, text } => {
                if let Value::String(s) = data {
                    if !regex.is_match(s) {
                        return fail(text);
                    }
                }
            }
            Check::Format(format) => {
                if let Value::String(s) = data {
                    if !format.accepts(s) {
                        return fail(&format.message());
                    }
                }
            }
            Check::Minimum { limit, text } => {
                if number(data).is_some_and(|n| n < *limit) {
                    return fail(text);
                }
            }
            Check::Maximum { limit, text } => {
                if number(data).is_some_and(|n| n > *limit) {
                    return fail(text);
                }
            }
            Check::ExclusiveMinimum { limit, text } => {
                if number(data).is_some_and(|n| n <= *limit) {
                    return fail(text);
                }
            }
            Check::ExclusiveMaximum { limit, text } => {
                if number(data).is_some_and(|n| n >= *limit) {
                    return fail(text);
                }
            }
            Check::MultipleOf { factor, text } => {
                if number(data).is_some() && !is_multiple(data, factor) {
                    return fail(text);
                }
            }
            Check::MinItems { limit, text } => {
                if let Value::Array(items) = data {
                    if (items.len() as u64) < *limit {
                        return fail(text);
                    }
                }
            }
            Check::MaxItems { limit, text } => {
                if let Value::Array(items) = data {
                    if items.len() as u64 > *limit {
                        return fail(text);
                    }
                }
            }
            Check::UniqueItems => {
                if let Value::Array(items) = data {
                    let duplicate = items
                        .iter()
                        .enumerate()
                        .any(|(i, a)| items[i + 1..].iter().any(|b| strict_eq(a, b)));
                    if duplicate {
                        return fail("must contain unique items");
                    }
                }
            }
            Check::Items(items) => {
                if let Value::Array(values) = data {
                    self.items(items, values, name, chain)?;
                }
            }
            Check::MinProperties { limit, text } => {
                if let Value::Object(map) = data {
                    if (map.len() as u64) < *limit {
                        return fail(text);
                    }
                }
            }
            Check::MaxProperties { limit, text } => {
                if let Value::Object(map) = data {
                    if map.len() as u64 > *limit {
                        return fail(text);
                    }
                }
            }
            Check::Required(required) => {
                if let Value::Object(map) = data {
                    let mut missing: Vec<&String> = required.iter().filter(|k| !map.contains_key(k.as_str())).collect();
                    if !missing.is_empty() {
                        missing.sort();
                        let list: Vec<Value> = missing.into_iter().map(|k| Value::from(k.as_str())).collect();
                        return fail(&format!("must contain {} properties", py_repr(&Value::Array(list))));
                    }
                }
            }
            Check::Dependencies(dependencies) => {
                if let Value::Object(map) = data {
                    self.dependencies(dependencies, map, data, name, chain)?;
                }
            }
            Check::Properties(properties) => {
                if let Value::Object(map) = data {
                    for (key, node) in properties {
                        if let Some(value) = map.get(key) {
                            self.eval(*node, value, &Name::Member(name, key), chain)?;
                        }
                    }
                }
            }
            Check::PatternProperties(patterns) => {
                if let Value::Object(map) = data {
                    for (key, value) in map {
                        for (regex, node) in patterns {
                            if regex.is_match(key) {
                                self.eval(*node, value, &Name::Member(name, key), chain)?;
                            }
                        }
                    }
                }
            }
            Check::AdditionalProperties { known, patterns, rule } => {
                if let Value::Object(map) = data {
                    let extra = map
                        .iter()
                        .filter(|(k, _)| !known.iter().any(|n| n == *k) && !patterns.iter().any(|r| r.is_match(k)));
                    match rule {
                        Additional::Any => {}
                        Additional::Forbidden => {
                            let keys: Vec<String> = extra.map(|(k, _)| py_repr(&Value::from(k))).collect();
                            if !keys.is_empty() {
                                return fail(&format!("must not contain {{{}}} properties", keys.join(", ")));
                            }
                        }
                        Additional::Schema(node) => {
                            for (key, value) in extra {
                                self.eval(*node, value, &Name::Member(name, key), chain)?;
                            }
                        }
                    }
                }
            }
            Check::PropertyNames(node) => {
                if let Value::Object(map) = data {
                    match node {
                        None if !map.is_empty() => return fail("must not be there"),
                        None => {}
                        Some(node) => {
                            let all_named = map.keys().all(|k| self.passes(*node, &Value::from(k), name, chain));
                            if !all_named {
                                return fail("must be named by propertyName definition");
                            }
                        }
                    }
                }
            }
            Check::Contains(node, any_item) => {
                if let Value::Array(items) = data {
                    match node {
                        None if *any_item => {
                            if items.is_empty() {
                                return fail("must not be empty");
                            }
                        }
                        None => return fail("is always invalid"),
                        Some(node) => {
                            if !items.iter().any(|item| self.passes(*node, item, name, chain)) {
                                return fail("must contain one of contains definition");
                            }
                        }
                    }
                }
            }
            Check::Const { value, text } => {
                if !strict_eq(data, value) {
                    return fail(text);
                }
            }
            Check::IfThenElse {
                condition,
                then,
                otherwise,
            } => {
                let branch = if self.passes(*condition, data, name, chain) {
                    then
                } else {
                    otherwise
                };
                if let Some(node) = branch {
                    self.eval(*node, data, name, chain)?;
                }
            }
        }
        Ok(())
    }

    fn items(&self, items: &Items, values: &[Value], name: &Name<'_>, chain: usize) -> Outcome {
        match items {
            Items::None => Ok(()),
            Items::Nothing if values.is_empty() => Ok(()),
            Items::Nothing => Err(format!("{} must not be there", name.render())),
            Items::All(node) => values
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| self.eval(*node, v, &Name::Item(name, i), chain)),
            Items::Tuple { items, additional } => {
                for (i, (node, value)) in items.iter().zip(values).enumerate() {
                    self.eval(*node, value, &Name::Item(name, i), chain)?;
                }
                match additional {
                    Additional::Any => Ok(()),
                    Additional::Forbidden if values.len() > items.len() => {
                        Err(format!("{} must contain only specified items", name.render()))
                    }
                    Additional::Forbidden => Ok(()),
                    Additional::Schema(node) => values
                        .iter()
                        .enumerate()
                        .skip(items.len())
                        .try_for_each(|(i, v)| self.eval(*node, v, &Name::Item(name, i), chain)),
                }
            }
        }
    }

    fn dependencies(
        &self,
        dependencies: &[(String, Dependency)],
        map: &Object,
        data: &Value,
        name: &Name<'_>,
        chain: usize,
    ) -> Outcome {
        for (key, dependency) in dependencies {
            if !map.contains_key(key) {
                continue;
            }
            match dependency {
                Dependency::Forbidden => return Err(format!("{key} in {} must not be there", name.render())),
                Dependency::Members(members) => {
                    if let Some(missing) = members.iter().find(|m| !map.contains_key(m.as_str())) {
                        return Err(format!("{} missing dependency {missing} for {key}", name.render()));
                    }
                }
                Dependency::Schema(node) => self.eval(*node, data, name, chain)?,
            }
        }
        Ok(())
    }
}

fn has_type(data: &Value, t: JsonType) -> bool {
    match (t, data) {
        (JsonType::Null, Value::Null)
        | (JsonType::Boolean, Value::Bool(_))
        | (JsonType::Number, Value::Number(_))
        | (JsonType::String, Value::String(_))
        | (JsonType::Array, Value::Array(_))
        | (JsonType::Object, Value::Object(_)) => true,
        // Since draft 06 a float without a fractional part is an integer.
        (JsonType::Integer, Value::Number(Number::Float(f))) => f.is_finite() && f.fract() == 0.0,
        (JsonType::Integer, Value::Number(_)) => true,
        _ => false,
    }
}

/// A number's value for comparisons (booleans are not numbers here, as in the reference).
fn number(data: &Value) -> Option<f64> {
    match data {
        Value::Number(n) => Some(n.as_f64()),
        _ => None,
    }
}

fn is_multiple(data: &Value, factor: &Value) -> bool {
    let exact = |v: &Value| v.as_number().and_then(Number::as_i128);
    if let (Some(d), Some(f)) = (exact(data), exact(factor)) {
        return f != 0 && d % f == 0;
    }
    match (number(data), number(factor)) {
        (Some(d), Some(f)) => {
            let quotient = d / f;
            quotient.is_finite() && quotient.trunc() == quotient
        }
        _ => false,
    }
}

/// Equality as the reference's `enum`/`const` checks it: booleans equal only booleans,
/// numbers compare by value, containers member by member.
fn strict_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i128(), y.as_i128()) {
            (Some(p), Some(q)) => p == q,
            _ => x == y || x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| strict_eq(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| strict_eq(v, w)))
        }
        (x, y) => x == y,
    }
}

struct Compiler<'s> {
    root: &'s Value,
    nodes: Vec<Option<Node>>,
    refs: HashMap<String, usize>,
}

impl<'s> Compiler<'s> {
    fn reserve(&mut self) -> usize {
        self.nodes.push(None);
        self.nodes.len() - 1
    }

    fn node(&mut self, def: &'s Value) -> Result<usize, String> {
        let index = self.reserve();
        let node = match def {
            Value::Bool(b) => Node::Always(*b),
            Value::Object(map) => match map.get("$ref") {
                Some(Value::String(reference)) => Node::Ref(self.reference(reference)?),
                Some(_) => return Err("$ref must be a string".into()),
                None => Node::Checks(self.checks(map)?),
            },
            _ => return Err("definition must be an object".into()),
        };
        self.nodes[index] = Some(node);
        Ok(index)
    }

    fn reference(&mut self, reference: &str) -> Result<usize, String> {
        if let Some(index) = self.refs.get(reference) {
            return Ok(*index);
        }
        let pointer = reference.strip_prefix('#').ok_or_else(|| {
            format!("unsupported $ref '{reference}': only references into the same schema are resolved")
        })?;
        let target = self
            .root
            .pointer(&percent_decode(pointer))
            .ok_or_else(|| format!("unresolvable $ref '{reference}'"))?;
        // Reserve first so recursive schemas refer back to this slot.
        let slot = self.reserve();
        self.refs.insert(reference.to_string(), slot);
        let body = self.node(target)?;
        self.nodes[slot] = Some(Node::Ref(body));
        Ok(slot)
    }

    fn nodes_of(&mut self, def: &'s Value, keyword: &str) -> Result<Vec<usize>, String> {
        match def {
            Value::Array(items) if !items.is_empty() => items.iter().map(|d| self.node(d)).collect(),
            _ => Err(format!("{keyword} must be a non-empty array")),
        }
    }

    fn checks(&mut self, map: &'s Object) -> Result<Vec<Check>, String> {
        let mut checks = Vec::new();
        if let Some(def) = map.get("type") {
            checks.push(type_check(def)?);
        }
        if let Some(def) = map.get("enum") {
            let values = def.as_array().ok_or("enum must be an array")?.clone();
            checks.push(Check::Enum {
                text: format!("must be one of {}", py_repr(def)),
                values,
            });
        }
        if let Some(def) = map.get("allOf") {
            checks.push(Check::AllOf(self.nodes_of(def, "allOf")?));
        }
        if let Some(def) = map.get("anyOf") {
            checks.push(Check::AnyOf(self.nodes_of(def, "anyOf")?));
        }
        if let Some(def) = map.get("oneOf") {
            checks.push(Check::OneOf(self.nodes_of(def, "oneOf")?));
        }
        if let Some(def) = map.get("not") {
            match def {
                Value::Bool(true) => checks.push(Check::NotThere),
                Value::Bool(false) => {}
                Value::Object(inner) if inner.is_empty() => checks.push(Check::Not(None)),
                other => checks.push(Check::Not(Some(self.node(other)?))),
            }
        }
        if let Some(def) = map.get("minLength") {
            let limit = count(def, "minLength")?;
            checks.push(Check::MinLength {
                limit,
                text: format!("must be longer than or equal to {} characters", text_of(def)),
            });
        }
        if let Some(def) = map.get("maxLength") {
            let limit = count(def, "maxLength")?;
            checks.push(Check::MaxLength {
                limit,
                text: format!("must be shorter than or equal to {} characters", text_of(def)),
            });
        }
        if let Some(Value::String(pattern)) = map.get("pattern") {
            let regex = Pattern::compile(pattern)?;
            checks.push(Check::Pattern {
                regex,
                text: format!("must match pattern {pattern}"),
            });
        }
        if let Some(Value::String(name)) = map.get("format") {
            if let Some(format) = Format::named(name) {
                checks.push(Check::Format(format));
            }
        }
        let bound = |key: &str, text: &str| -> Result<Option<(f64, String)>, String> {
            match map.get(key) {
                None => Ok(None),
                Some(def) => {
                    let limit = number(def).ok_or_else(|| format!("{key} must be a number"))?;
                    Ok(Some((limit, format!("{text} {}", text_of(def)))))
                }
            }
        };
        if let Some((limit, text)) = bound("minimum", "must be bigger than or equal to")? {
            checks.push(Check::Minimum { limit, text });
        }
        if let Some((limit, text)) = bound("maximum", "must be smaller than or equal to")? {
            checks.push(Check::Maximum { limit, text });
        }
        if let Some(def) = map.get("multipleOf") {
            number(def).ok_or("multipleOf must be a number")?;
            checks.push(Check::MultipleOf {
                factor: def.clone(),
                text: format!("must be multiple of {}", text_of(def)),
            });
        }
        if let Some(def) = map.get("minItems") {
            let limit = count(def, "minItems")?;
            checks.push(Check::MinItems {
                limit,
                text: format!("must contain at least {} items", text_of(def)),
            });
        }
        if let Some(def) = map.get("maxItems") {
            let limit = count(def, "maxItems")?;
            checks.push(Check::MaxItems {
                limit,
                text: format!("must contain less than or equal to {} items", text_of(def)),
            });
        }
        if map.get("uniqueItems") == Some(&Value::Bool(true)) {
            checks.push(Check::UniqueItems);
        }
        if let Some(def) = map.get("items") {
            checks.push(Check::Items(self.items(def, map.get("additionalItems"))?));
        }
        if let Some(def) = map.get("minProperties") {
            let limit = count(def, "minProperties")?;
            checks.push(Check::MinProperties {
                limit,
                text: format!("must contain at least {} properties", text_of(def)),
            });
        }
        if let Some(def) = map.get("maxProperties") {
            let limit = count(def, "maxProperties")?;
            checks.push(Check::MaxProperties {
                limit,
                text: format!("must contain less than or equal to {} properties", text_of(def)),
            });
        }
        if let Some(def) = map.get("required") {
            let required = strings(def).ok_or("required must be an array of strings")?;
            checks.push(Check::Required(required));
        }
        if let Some(def) = map.get("dependencies") {
            checks.push(Check::Dependencies(self.dependencies(def)?));
        }
        let properties = match map.get("properties") {
            Some(Value::Object(props)) => {
                let mut compiled = Vec::with_capacity(props.len());
                for (key, def) in props {
                    compiled.push((key.to_string(), self.node(def)?));
                }
                compiled
            }
            Some(_) => return Err("properties must be an object".into()),
            None => Vec::new(),
        };
        let known: Vec<String> = properties.iter().map(|(k, _)| k.clone()).collect();
        if map.contains_key("properties") {
            checks.push(Check::Properties(properties));
        }
        let mut patterns = Vec::new();
        if let Some(def) = map.get("patternProperties") {
            let props = def.as_object().ok_or("patternProperties must be an object")?;
            let mut compiled = Vec::with_capacity(props.len());
            for (pattern, def) in props {
                let regex = Pattern::compile(pattern)?;
                patterns.push(regex.clone());
                compiled.push((regex, self.node(def)?));
            }
            checks.push(Check::PatternProperties(compiled));
        }
        if let Some(def) = map.get("additionalProperties") {
            let rule = self.additional(def)?;
            checks.push(Check::AdditionalProperties { known, patterns, rule });
        }
        if let Some((limit, text)) = bound("exclusiveMinimum", "must be bigger than")? {
            checks.push(Check::ExclusiveMinimum { limit, text });
        }
        if let Some((limit, text)) = bound("exclusiveMaximum", "must be smaller than")? {
            checks.push(Check::ExclusiveMaximum { limit, text });
        }
        if let Some(def) = map.get("propertyNames") {
            match def {
                Value::Bool(true) => {}
                Value::Bool(false) => checks.push(Check::PropertyNames(None)),
                other => checks.push(Check::PropertyNames(Some(self.node(other)?))),
            }
        }
        if let Some(def) = map.get("contains") {
            match def {
                Value::Bool(any) => checks.push(Check::Contains(None, *any)),
                other => checks.push(Check::Contains(Some(self.node(other)?), true)),
            }
        }
        if let Some(def) = map.get("const") {
            checks.push(Check::Const {
                value: def.clone(),
                text: format!("must be same as const definition: {}", py_str(def)),
            });
        }
        if let Some(def) = map.get("if") {
            let condition = self.node(def)?;
            let then = map.get("then").map(|d| self.node(d)).transpose()?;
            let otherwise = map.get("else").map(|d| self.node(d)).transpose()?;
            checks.push(Check::IfThenElse {
                condition,
                then,
                otherwise,
            });
        }
        Ok(checks)
    }

    fn items(&mut self, def: &'s Value, additional: Option<&'s Value>) -> Result<Items, String> {
        Ok(match def {
            Value::Bool(true) => Items::None,
            Value::Bool(false) => Items::Nothing,
            Value::Object(map) if map.is_empty() => Items::None,
            Value::Array(defs) => Items::Tuple {
                items: defs.iter().map(|d| self.node(d)).collect::<Result<_, _>>()?,
                additional: match additional {
                    None => Additional::Any,
                    Some(def) => self.additional(def)?,
                },
            },
            other => Items::All(self.node(other)?),
        })
    }

    fn additional(&mut self, def: &'s Value) -> Result<Additional, String> {
        Ok(match def {
            Value::Bool(true) => Additional::Any,
            Value::Bool(false) => Additional::Forbidden,
            Value::Object(map) if map.is_empty() => Additional::Any,
            other => Additional::Schema(self.node(other)?),
        })
    }

    fn dependencies(&mut self, def: &'s Value) -> Result<Vec<(String, Dependency)>, String> {
        let map = def.as_object().ok_or("dependencies must be an object")?;
        let mut out = Vec::new();
        for (key, value) in map {
            let dependency = match value {
                Value::Bool(true) => continue,
                Value::Array(items) if items.is_empty() => continue,
                Value::Bool(false) => Dependency::Forbidden,
                Value::Array(_) => Dependency::Members(strings(value).ok_or("dependencies lists must hold strings")?),
                other => Dependency::Schema(self.node(other)?),
            };
            out.push((key.to_string(), dependency));
        }
        Ok(out)
    }
}

fn type_check(def: &Value) -> Result<Check, String> {
    let names: Vec<&str> = match def {
        Value::String(name) => vec![name.as_str()],
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().ok_or("Unknown type"))
            .collect::<Result<_, _>>()?,
        _ => return Err("Unknown type".into()),
    };
    let accepts = names
        .iter()
        .map(|name| match *name {
            "null" => Ok(JsonType::Null),
            "boolean" => Ok(JsonType::Boolean),
            "number" => Ok(JsonType::Number),
            "integer" => Ok(JsonType::Integer),
            "string" => Ok(JsonType::String),
            "array" => Ok(JsonType::Array),
            "object" => Ok(JsonType::Object),
            _ => Err(format!("Unknown type: {name}")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Check::Type {
        accepts,
        text: format!("must be {}", names.join(" or ")),
    })
}

fn count(def: &Value, keyword: &str) -> Result<u64, String> {
    number(def)
        .filter(|n| *n >= 0.0)
        .map(|n| n.ceil() as u64)
        .ok_or_else(|| format!("{keyword} must be a number"))
}

/// A keyword's value as Python prints it inside fastjsonschema's messages.
fn text_of(def: &Value) -> String {
    match def {
        Value::Number(n) => py_number(n),
        other => py_str(other),
    }
}

fn strings(def: &Value) -> Option<Vec<String>> {
    def.as_array()?.iter().map(|v| v.as_str().map(str::to_string)).collect()
}

fn percent_decode(pointer: &str) -> String {
    let bytes = pointer.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = pointer.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], escaped) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
