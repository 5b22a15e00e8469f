//! Compiling a schema: every sub-schema becomes a node of checks; `$ref`s within the document
//! point at nodes, so recursive schemas compile once.

use super::compiled::{Additional, Check, Dependency, Items, JsonType, Node};
use super::evaluate::number;
use super::formats::Format;
use super::pattern::Pattern;
use super::pyrepr::{py_number, py_repr, py_str};
use crate::json::{Object, Value};
use std::collections::HashMap;

pub(super) struct Compiler<'s> {
    pub(super) root: &'s Value,
    pub(super) nodes: Vec<Option<Node>>,
    pub(super) refs: HashMap<String, usize>,
}

impl<'s> Compiler<'s> {
    fn reserve(&mut self) -> usize {
        self.nodes.push(None);
        self.nodes.len() - 1
    }

    pub(super) fn node(&mut self, def: &'s Value) -> Result<usize, String> {
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
        if let Some(Value::String(name)) = map.get("format")
            && let Some(format) = Format::named(name)
        {
            checks.push(Check::Format(format));
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
