"""The RXON messages, with the reference's class names, field names, types and defaults.

Each message is a frozen ``msgspec.Struct`` with ``omit_defaults``, exactly as the
reference declares it, so code written for the reference (``msgspec.structs.replace``,
``msgspec.structs.fields``, ``isinstance(m, msgspec.Struct)``, pickling, pattern matching) works
unchanged. Encoding (``to_dict``, ``json_dumps``, signatures) and decoding (``from_dict``) of
these classes run in the Rust core, which checks every member against the message's types.
"""

from __future__ import annotations

import types
import typing
from typing import Any, ClassVar

import msgspec

from rxon_core import _native
from rxon_core.schema import Validator, get_compiled_validator

__all__ = [
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


def _type_hint(annotation: Any) -> str:
    """The annotation written as the core writes member types (``dict[str, Any] | None``), so
    that each declaration here is checked against the core's message when it is registered."""
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
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return annotation
    return next((m for m in map(_nested_model, typing.get_args(annotation)) if m is not None), None)


class Model(msgspec.Struct, frozen=True, omit_defaults=True):
    """Base of every message (it declares no field)."""

    __rxon_fields__: ClassVar[_native.FieldTable]


def _register(cls: type[Model]) -> None:
    """Gives the core the field table of ``cls`` (refused if it differs from the core's message)."""
    specs = []
    for field in msgspec.structs.fields(cls):
        required = field.required
        default = None if required else field.default
        specs.append((field.name, required, default, _type_hint(field.type), _nested_model(field.type)))
    cls.__rxon_fields__ = _native.FieldTable(cls, specs)


def _matches(have: Model, required: Model) -> bool:
    """Numbers are minimums, lists any-of sets, strings equal (the reference's rules, in Rust)."""
    return _native.matches(have, required)


class HardwareDevice(Model, frozen=True, omit_defaults=True):
    type: str
    model: str | None = None
    id: str | None = None
    properties: dict[str, Any] | None = None
    metrics: dict[str, Any] | None = None

    def matches(self, req: HardwareDevice) -> bool:
        """Whether this device meets ``req`` (``model`` is a case-insensitive substring)."""
        return _matches(self, req)


class DeviceUsage(Model, frozen=True, omit_defaults=True):
    unit_id: str
    load_percent: float
    metrics: dict[str, Any] | None = None


class ResourcesUsage(Model, frozen=True, omit_defaults=True):
    cpu_load_percent: float = 0.0
    ram_used_gb: float = 0.0
    devices_usage: list[DeviceUsage] | None = None


class Resources(Model, frozen=True, omit_defaults=True):
    devices: list[HardwareDevice] | None = None
    properties: dict[str, Any] | None = None

    def matches(self, req: Resources) -> bool:
        """Whether these resources meet ``req``; each required device takes a distinct device."""
        return _matches(self, req)


class InstalledArtifact(Model, frozen=True, omit_defaults=True):
    name: str
    version: str = "unknown"
    type: str | None = None
    properties: dict[str, Any] | None = None

    def matches(self, req: InstalledArtifact) -> bool:
        """Whether this artifact meets ``req`` (version ``unknown`` matches any)."""
        return _matches(self, req)


class SkillInfo(Model, frozen=True, omit_defaults=True):
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

    @property
    def input_validator(self) -> Validator | None:
        """The compiled ``input_schema`` (``None`` without one): ``validator(params)``."""
        return get_compiled_validator(self.input_schema, self.name, "input")

    @property
    def output_validator(self) -> Validator | None:
        """The compiled ``output_schema`` (``None`` without one): ``validator(data)``."""
        return get_compiled_validator(self.output_schema, self.name, "output")

    def matches(self, req: SkillInfo) -> bool:
        """Whether this skill meets ``req`` (name equal; type and version when ``req`` names them)."""
        return _matches(self, req)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, SkillInfo):
            return NotImplemented
        return self.name < other.name


class SecurityContext(Model, frozen=True, omit_defaults=True):
    """Security metadata for Zero Trust identity and verification."""

    signature: str | None = None
    signer_id: str | None = None
    identity_chain: list[str] | None = None
    metadata: dict[str, Any] | None = None


class WorkerCapabilities(Model, frozen=True, omit_defaults=True):
    hostname: str = "unknown"
    ip_address: str = "0.0.0.0"
    cost_per_skill: dict[str, float] | None = None
    s3_config_hash: str | None = None
    extra: dict[str, Any] | None = None


class FileMetadata(Model, frozen=True, omit_defaults=True):
    uri: str
    size: int = 0
    etag: str | None = None
    metadata: dict[str, Any] | None = None


class WorkerRegistration(Model, frozen=True, omit_defaults=True):
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


class TokenResponse(Model, frozen=True, omit_defaults=True):
    access_token: str
    expires_in: int
    worker_id: str
    refresh_token: str | None = None
    metadata: dict[str, Any] | None = None


class WorkerEventPayload(Model, frozen=True, omit_defaults=True):
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


class WorkerCommand(Model, frozen=True, omit_defaults=True):
    command: str
    task_id: str | None = None
    job_id: str | None = None
    params: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None


class TaskPayload(Model, frozen=True, omit_defaults=True):
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


class TaskError(Model, frozen=True, omit_defaults=True):
    code: str
    message: str
    details: dict[str, Any] | None = None


class TaskResult(Model, frozen=True, omit_defaults=True):
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


class Heartbeat(Model, frozen=True, omit_defaults=True):
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


# Nested messages first: a table refers to the tables of the messages its fields hold.
for _cls in (
    HardwareDevice,
    DeviceUsage,
    ResourcesUsage,
    Resources,
    InstalledArtifact,
    SkillInfo,
    SecurityContext,
    WorkerCapabilities,
    FileMetadata,
    WorkerRegistration,
    TokenResponse,
    WorkerEventPayload,
    WorkerCommand,
    TaskPayload,
    TaskError,
    TaskResult,
    Heartbeat,
):
    _register(_cls)
del _cls
