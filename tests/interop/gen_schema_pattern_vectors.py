"""Computes tests/vectors/schema_patterns.json with the reference (rxon 1.0b17): schemas whose
patterns use what Python's `re` has and Rust's `regex` lacks (look-around, back-references,
named back-references), through `rxon.schema.validate_data`.

    .venv-reference/bin/python tests/interop/gen_schema_pattern_vectors.py > tests/vectors/schema_patterns.json
"""

import json
import sys

import rxon
from rxon.schema import validate_data

PATTERNS = [
    r"^(?=.*[A-Z])(?=.*\d).{8,}$",
    r"^(?!admin$)[a-z]+$",
    r"(?<=\$)\d+",
    r"(?<!-)\b\d{3}\b",
    r"^(\w)\1$",
    r"^(?P<q>['\"]).*(?P=q)$",
    r"^(ab)+\1?$",
]
TEXTS = ["Secret123", "secret123", "admin", "admins", "cost $12", "cost 12", "a-123 456", "-123", "aa", "ab",
         "'quoted'", "'mixed\"", "abab", "ababab", "", "ZZZZZZZZ9"]

cases = []
for pattern in PATTERNS:
    for text in TEXTS:
        schema = {"type": "object", "properties": {"v": {"type": "string", "pattern": pattern}}}
        cases.append({"schema": schema, "data": {"v": text}})
    # One member per case: the reference lists several unexpected members in set order, which
    # changes from one Python process to the next.
    schema = {"type": "object", "patternProperties": {pattern: {"type": "integer"}}, "additionalProperties": False}
    for text in TEXTS[:6]:
        cases.append({"schema": schema, "data": {text: 1}})
        cases.append({"schema": schema, "data": {text: "x"}})
for text in ["(?=a)b", "(\\w)\\1", "(", "(?P<x>a)(?P=x)"]:
    cases.append({"schema": {"type": "string", "format": "regex"}, "data": text})

for case in cases:
    valid, message = validate_data(case["data"], case["schema"])
    case["valid"], case["message"] = valid, message
json.dump({"generated_by": f"rxon {rxon.__version__} gen_schema_pattern_vectors.py", "cases": cases}, sys.stdout,
          ensure_ascii=False, indent=1)
print()
