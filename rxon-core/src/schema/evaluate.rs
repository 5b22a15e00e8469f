//! Evaluating a compiled schema against data: stops at the first failing check and reports
//! it in fastjsonschema's words.

use super::compiled::{Additional, Check, Dependency, Items, JsonType, Node};
use super::pyrepr::py_repr;
use super::validator::{MAX_REF_CHAIN, Validator};
use crate::json::{Number, Object, Value};

/// Where in the data a check runs, rendered as fastjsonschema names it (`data.a[1]`) only
/// when an error is reported.
#[derive(Clone, Copy)]
pub(super) enum Name<'a> {
    Root,
    Member(&'a Name<'a>, &'a str),
    Item(&'a Name<'a>, usize),
}

impl Name<'_> {
    pub(super) fn render(&self) -> String {
        match self {
            Name::Root => "data".to_string(),
            Name::Member(parent, key) => format!("{}.{key}", parent.render()),
            Name::Item(parent, index) => format!("{}[{index}]", parent.render()),
        }
    }
}

/// A check passed, or the message of the first failure.
pub(super) type Verdict = Result<(), String>;

impl Validator {
    pub(super) fn passes(&self, node: usize, data: &Value, name: &Name<'_>, chain: usize) -> bool {
        self.eval(node, data, name, chain).is_ok()
    }

    pub(super) fn eval(&self, node: usize, data: &Value, name: &Name<'_>, chain: usize) -> Verdict {
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

    pub(super) fn run(&self, check: &Check, data: &Value, name: &Name<'_>, chain: usize) -> Verdict {
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
                if let Value::String(s) = data
                    && (s.chars().count() as u64) < *limit
                {
                    return fail(text);
                }
            }
            Check::MaxLength { limit, text } => {
                if let Value::String(s) = data
                    && s.chars().count() as u64 > *limit
                {
                    return fail(text);
                }
            }
            Check::Pattern { regex, text } => {
                if let Value::String(s) = data
                    && !regex.is_match(s)
                {
                    return fail(text);
                }
            }
            Check::Format(format) => {
                if let Value::String(s) = data
                    && !format.accepts(s)
                {
                    return fail(&format.message());
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
                if let Value::Array(items) = data
                    && (items.len() as u64) < *limit
                {
                    return fail(text);
                }
            }
            Check::MaxItems { limit, text } => {
                if let Value::Array(items) = data
                    && items.len() as u64 > *limit
                {
                    return fail(text);
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
                if let Value::Object(map) = data
                    && (map.len() as u64) < *limit
                {
                    return fail(text);
                }
            }
            Check::MaxProperties { limit, text } => {
                if let Value::Object(map) = data
                    && map.len() as u64 > *limit
                {
                    return fail(text);
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

    pub(super) fn items(&self, items: &Items, values: &[Value], name: &Name<'_>, chain: usize) -> Verdict {
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

    pub(super) fn dependencies(
        &self,
        dependencies: &[(String, Dependency)],
        map: &Object,
        data: &Value,
        name: &Name<'_>,
        chain: usize,
    ) -> Verdict {
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
pub(super) fn number(data: &Value) -> Option<f64> {
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
