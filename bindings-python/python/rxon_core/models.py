"""The RXON messages, with the reference's class names, field names, types and defaults.

Each class only declares its fields; constructing, comparing and printing are plain Python,
while checking, encoding (``to_dict``, ``json_dumps``, signatures) and decoding (``from_dict``)
run in the Rust core. Messages are immutable, like the reference's frozen ``msgspec`` structs.
"""

from __future__ import annotations

import types
import typing
from typing import Any, ClassVar

from rxon_core import _native

__all__ = [
    "Model",
    "HardwareDevice",
    "DeviceUsage",
    "ResourcesUsage",
    "Resources",
    "InstalledArtifact",
    "SkillInfo",
    "WorkerCapabilities",
    "FileMetadata",
    "SecurityContext",
    "WorkerRegistration",
    "TokenResponse",
    "WorkerEventPayload",
    "WorkerCommand",
    "TaskPayload",
    "TaskError",
    "TaskResult",
    "Heartbeat",
]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Model)


def _type_hint(annotation: Any) -> str:
    """The annotation written as the core writes member types (``dict[str, Any] | None``), so
    that each declaration here is checked against the core's message when its class is made."""
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) and len(args) == 2 and type(None) in args:
        inner = next(arg for arg in args if arg is not type(None))
        return f"{_type_hint(inner)} | None"
    origin = typing.get_origin(annotation)
    if origin in (list, dict):
        return f"{origin.__name__}[{', '.join(_type_hint(arg) for arg in args)}]"
    if annotation is Any:
        return "Any"
    return getattr(annotation, "__name__", repr(annotation))


def _nested_model(annotation: Any) -> type | None:
    """The message class a field holds (alone, in a list or a dict, or optional), if any."""
    if _is_model(annotation):
        return typing.cast(type, annotation)
    return next((m for m in map(_nested_model, typing.get_args(annotation)) if m is not None), None)


@typing.dataclass_transform(eq_default=True, frozen_default=True)
class Model:
    """Base of every message: keyword (or positional) construction, equality, ``repr``, immutability."""

    __rxon_fields__: ClassVar[_native.FieldTable]
    __struct_fields__: ClassVar[tuple[str, ...]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("__annotations__"):
            return  # a subclass adding behaviour only: it keeps its message's fields
        hints = typing.get_type_hints(cls, globalns=globals())
        specs = []
        for name in cls.__dict__.get("__annotations__", {}):
            if typing.get_origin(hints[name]) is ClassVar:
                continue
            required = name not in cls.__dict__
            hint = hints[name]
            specs.append((name, required, cls.__dict__.get(name), _type_hint(hint), _nested_model(hint)))
        cls.__rxon_fields__ = _native.FieldTable(cls.__name__, specs)
        cls.__struct_fields__ = tuple(spec[0] for spec in specs)
        setattr(cls, "__match_args__", cls.__struct_fields__)  # noqa: B010 (positional patterns)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _native.model_init(self, args, kwargs)

    def __setattr__(self, name: str, value: Any) -> None:
        _native.model_setattr(self)

    def __delattr__(self, name: str) -> None:
        _native.model_setattr(self)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__.values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items())
        return f"{type(self).__name__}({fields})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), tuple(self.__dict__.values()))

    def __replace__(self, **changes: Any) -> Any:
        """A copy with ``changes`` (``copy.replace`` on Python 3.13; ``msgspec.structs.replace``
        in the reference)."""
        return type(self)(**{**self.__dict__, **changes})


def _matches(have: Model, required: Model) -> bool:
    """Numbers are minimums, lists any-of sets, strings equal (the reference's rules, in Rust)."""
    return _native.matches(have, required)


class HardwareDevice(Model):
    type: str
    model: str | None = None
    id: str | None = None
    properties: dict[str, Any] | None = None
    metrics: dict[str, Any] | None = None

    def matches(self, req: HardwareDevice) -> bool:
        """Whether this device meets ``req`` (``model`` is a case-insensitive substring)."""
        return _matches(self, req)


class DeviceUsage(Model):
    unit_id: str
    load_percent: float
    metrics: dict[str, Any] | None = None


class ResourcesUsage(Model):
    cpu_load_percent: float = 0.0
    ram_used_gb: float = 0.0
    devices_usage: list[DeviceUsage] | None = None


class Resources(Model):
    devices: list[HardwareDevice] | None = None
    properties: dict[str, Any] | None = None

    def matches(self, req: Resources) -> bool:
        """Whether these resources meet ``req``; each required device takes a distinct device."""
        return _matches(self, req)


class InstalledArtifact(Model):
    name: str
    version: str = "unknown"
    type: str | None = None
    properties: dict[str, Any] | None = None

    def matches(self, req: InstalledArtifact) -> bool:
        """Whether this artifact meets ``req`` (version ``unknown`` matches any)."""
        return _matches(self, req)


class SkillInfo(Model):
    name: str
    type: str | None = None
    description: str | None = None
    version: str | None = None
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None
    events_schema: dict[str, dict[str, Any]] | None = None
    output_statuses: list[str] | None = None
    schema_dialect: str = "json-schema"
    properties: dict[str, Any] | None = None

    def matches(self, req: SkillInfo) -> bool:
        """Whether this skill meets ``req`` (name equal; type and version when ``req`` names them)."""
        return _matches(self, req)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, SkillInfo):
            return NotImplemented
        return self.name < other.name


class SecurityContext(Model):
    """Security metadata for Zero Trust identity and verification."""

    signature: str | None = None
    signer_id: str | None = None
    identity_chain: list[str] | None = None
    metadata: dict[str, Any] | None = None


class WorkerCapabilities(Model):
    hostname: str = "unknown"
    ip_address: str = "0.0.0.0"
    cost_per_skill: dict[str, float] | None = None
    s3_config_hash: str | None = None
    extra: dict[str, Any] | None = None


class FileMetadata(Model):
    uri: str
    size: int = 0
    etag: str | None = None
    metadata: dict[str, Any] | None = None


class WorkerRegistration(Model):
    worker_id: str
    worker_type: str = "generic"
    supported_skills: list[SkillInfo] | None = None
    available_skills: list[str] | None = None
    hot_skills: list[str] | None = None
    resources: Resources | None = None
    installed_software: dict[str, str] | None = None
    installed_artifacts: list[InstalledArtifact] | None = None
    capabilities: WorkerCapabilities | None = None
    skills_hash: str | None = None
    security: SecurityContext | None = None
    metadata: dict[str, Any] | None = None
    timestamp: int | None = None


class TokenResponse(Model):
    access_token: str
    expires_in: int
    worker_id: str
    refresh_token: str | None = None
    metadata: dict[str, Any] | None = None


class WorkerEventPayload(Model):
    event_id: str
    worker_id: str
    origin_worker_id: str
    event_type: str
    payload: dict[str, Any]
    origin_task_id: str | None = None
    bubbling_chain: list[str] | None = None
    target_job_id: str | None = None
    target_task_id: str | None = None
    trace_context: dict[str, str] | None = None
    priority: float = 0.0
    timestamp: int | None = None
    security: SecurityContext | None = None
    metadata: dict[str, Any] | None = None


class WorkerCommand(Model):
    command: str
    task_id: str | None = None
    job_id: str | None = None
    params: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None


class TaskPayload(Model):
    job_id: str
    task_id: str
    type: str
    params: dict[str, Any] | None = None
    tracing_context: dict[str, str] | None = None
    params_metadata: dict[str, FileMetadata] | None = None
    priority: float = 0.0
    deadline: int | None = None
    security: SecurityContext | None = None
    metadata: dict[str, Any] | None = None
    timestamp: int | None = None
    policy: dict[str, Any] | None = None
    sig: str | None = None
    step: int = 0
    depth: int = 0
    parent_hash: str | None = None

    def validate_params(self, skill: SkillInfo) -> tuple[bool, str | None]:
        """Checks ``params`` against the skill's input schema: ``(True, None)`` or ``(False, reason)``."""
        return _native.validate_params(self, skill)


class TaskError(Model):
    code: str
    message: str
    details: dict[str, Any] | None = None


class TaskResult(Model):
    job_id: str
    task_id: str
    worker_id: str | None = None
    origin_worker_id: str | None = None
    status: str = "success"
    data: dict[str, Any] | None = None
    error: TaskError | None = None
    data_metadata: dict[str, FileMetadata] | None = None
    security: SecurityContext | None = None
    metadata: dict[str, Any] | None = None
    timestamp: int | None = None
    costs: dict[str, Any] | None = None


class Heartbeat(Model):
    worker_id: str
    status: str
    usage: ResourcesUsage | None = None
    current_tasks: list[str] | None = None
    supported_skills: list[SkillInfo] | None = None
    available_skills: list[str] | None = None
    hot_skills: list[str] | None = None
    skills_hash: str | None = None
    security: SecurityContext | None = None
    metadata: dict[str, Any] | None = None
    timestamp: int | None = None
