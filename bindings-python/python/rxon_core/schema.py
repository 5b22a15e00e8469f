"""Skill contracts: JSON Schemas inferred from Python types (as the reference infers them) and
validation with the reference's human messages. Validation runs in the Rust core; inferring a
schema reads Python type hints, so it is done here."""

from __future__ import annotations

import logging
import types
import typing
from collections.abc import Callable
from enum import Enum
from typing import Any
from uuid import UUID

import msgspec

from rxon_core._native import compile_schema, translate_error, validate_data

__all__ = [
    "SchemaValidationError",
    "extract_json_schema",
    "extract_output_schema_from_func",
    "extract_schema_from_func",
    "extract_skill_contract",
    "get_compiled_validator",
    "translate_error",
    "validate_data",
]

logger = logging.getLogger(__name__)

Extractor = Callable[[Any], dict[str, Any] | None]

_JSON_TYPES: dict[Any, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    None: "null",
    type(None): "null",
    UUID: "string",
}


class SchemaValidationError(ValueError):
    """Data that does not meet a schema. ``message`` is the validator's own wording
    (``data.a must be integer``, as fastjsonschema's ``JsonSchemaValueException`` has it);
    ``translate_error(e.message, data)`` turns it into the human text."""

    def __init__(self, message: str, value: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.value = value


class Validator:
    """A compiled schema, called as fastjsonschema's validators are: ``validator(data)``
    returns ``data`` or raises ``SchemaValidationError``."""

    __slots__ = ("_compiled",)

    def __init__(self, compiled: Any) -> None:
        self._compiled = compiled

    def __call__(self, data: Any) -> Any:
        message = self._compiled.check(data)
        if message is not None:
            raise SchemaValidationError(message, data)
        return data


def get_compiled_validator(
    schema: dict[str, Any] | None,
    skill_name: str | None = None,
    schema_type: str = "input",
) -> Validator | None:
    """The compiled validator of ``schema`` (cached by its canonical form in the core), or
    ``None`` for no schema — or one that does not compile, which is logged as a warning."""
    if not schema:
        return None
    try:
        compiled = compile_schema(schema)
    except (ValueError, TypeError) as e:
        if skill_name:
            logger.warning("Failed to compile %s schema for skill '%s': %s", schema_type, skill_name, e)
        else:
            logger.warning("Failed to compile schema: %s", e)
        return None
    return None if compiled is None else Validator(compiled)


def _is_optional(tp: Any) -> bool:
    is_union = isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union
    return is_union and type(None) in typing.get_args(tp)


def _struct_schema(cls: type[msgspec.Struct]) -> dict[str, Any]:
    """An object schema of a struct's public fields: required are those with neither a
    default value nor ``None`` among their types."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in msgspec.structs.fields(cls):
        if field.name.startswith("_"):
            continue
        properties[field.name] = _type_schema(field.type)
        if field.default is msgspec.NODEFAULT and not _is_optional(field.type):
            required.append(field.name)
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def _type_schema(tp: Any) -> dict[str, Any]:
    """The schema of one type hint; a type it does not know is a string."""
    if tp is Any:
        return {}
    if tp in _JSON_TYPES:
        return {"type": _JSON_TYPES[tp]}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return {"type": "string", "enum": [member.value for member in tp]}
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if isinstance(tp, types.UnionType) or origin is typing.Union:
        return {"anyOf": [_type_schema(arg) for arg in args]}
    if origin is list or tp is list:
        return {"type": "array", "items": _type_schema(args[0] if args else Any)}
    if origin is dict or tp is dict:
        return {"type": "object"}
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        return extract_json_schema(tp) or {"type": "object"}
    return {"type": "string"}


def extract_json_schema(schema_type: Any, extractor: Extractor | None = None) -> dict[str, Any] | None:
    """A JSON Schema for ``schema_type``: a dict is taken as the schema itself, ``extractor``
    (e.g. for pydantic models) is asked first, a ``msgspec.Struct`` becomes an object schema,
    other type hints their JSON types; ``None`` when there is none."""
    if schema_type is None:
        return None
    if isinstance(schema_type, dict):
        return schema_type
    if extractor is not None:
        custom = extractor(schema_type)
        if custom is not None:
            return custom
    if isinstance(schema_type, type) and issubclass(schema_type, msgspec.Struct):
        return _struct_schema(schema_type)
    try:
        return _type_schema(schema_type)
    except Exception:
        return None


def _type_hints(func: Any) -> dict[str, Any] | None:
    try:
        return typing.get_type_hints(func)
    except Exception:
        return None


def extract_schema_from_func(func: Any, arg_name: str, extractor: Extractor | None = None) -> dict[str, Any] | None:
    """The schema of ``func``'s parameter ``arg_name``, from its type hint."""
    hint = (_type_hints(func) or {}).get(arg_name)
    if not hint:
        return None
    try:
        return extract_json_schema(hint, extractor=extractor)
    except Exception:
        return None


def extract_output_schema_from_func(func: Any, extractor: Extractor | None = None) -> dict[str, Any] | None:
    """The schema of ``func``'s return type hint; a plain ``dict`` says nothing (``None``)."""
    hint = (_type_hints(func) or {}).get("return")
    if not hint or hint is dict or typing.get_origin(hint) is dict:
        return None
    try:
        return extract_json_schema(hint, extractor=extractor)
    except Exception:
        return None


def _start_handler(blueprint: Any) -> Any:
    handler = blueprint.handlers.get(blueprint.start_state)
    if handler is None and hasattr(blueprint, "conditional_handlers"):
        handler = next((c.func for c in blueprint.conditional_handlers if c.state == blueprint.start_state), None)
    return handler


def extract_skill_contract(blueprint: Any, extractor: Extractor | None = None) -> dict[str, Any]:
    """The interface an orchestrator blueprint (or any object with its attributes) offers: the
    input schema of its start handler's ``initial_data``, the output schemas of its end
    handlers (one, or ``anyOf`` several), its ``events_schema`` and output statuses."""
    input_schema = None
    if getattr(blueprint, "start_state", None):
        handler = _start_handler(blueprint)
        if handler:
            input_schema = extract_schema_from_func(handler, "initial_data", extractor=extractor)

    end_schemas: list[dict[str, Any]] = []
    for state in getattr(blueprint, "end_states", ()) if hasattr(blueprint, "end_states") else ():
        handler = blueprint.handlers.get(state)
        schema = extract_output_schema_from_func(handler, extractor=extractor) if handler else None
        if schema and schema not in end_schemas:
            end_schemas.append(schema)
    output_schema: dict[str, Any] | None = None
    if len(end_schemas) == 1:
        output_schema = end_schemas[0]
    elif end_schemas:
        output_schema = {"anyOf": end_schemas}

    statuses: set[str] = set()
    if hasattr(blueprint, "_get_all_transitions") and hasattr(blueprint, "end_states"):
        statuses.update(blueprint.end_states)
    return {
        "input_schema": input_schema,
        "output_schema": output_schema,
        "events_schema": getattr(blueprint, "events_schema", None),
        "output_statuses": sorted(statuses) if statuses else ["success", "failure"],
    }
