"""The message classes against the reference's: the same fields and defaults, the same
encoding, immutability, equality, repr and pickling."""

import json
import pickle
from typing import Any

import msgspec
import pytest
import rxon as reference
import rxon_core as rxon
from conftest import Vectors
from rxon_core.models import Model, _register

MESSAGE_NAMES = rxon.models.__all__


@pytest.mark.parametrize("name", MESSAGE_NAMES)
def test_fields_and_defaults_are_the_references(name: str) -> None:
    ours, theirs = getattr(rxon, name), getattr(reference.models, name)
    assert ours.__struct_fields__ == theirs.__struct_fields__
    assert ours.__struct_defaults__ == theirs.__struct_defaults__
    # The same field types, naming each package's own classes.
    ours_typed = [(f.name, str(f.type).replace("rxon_core.", "rxon."), f.default) for f in msgspec.structs.fields(ours)]
    assert ours_typed == [(f.name, str(f.type), f.default) for f in msgspec.structs.fields(theirs)]
    assert (ours.__struct_config__.frozen, ours.__struct_config__.omit_defaults) == (True, True)


def test_construction_equality_repr_and_immutability() -> None:
    task = rxon.TaskPayload(job_id="j", task_id="t", type="echo", params={"x": 1})
    assert task == rxon.TaskPayload("j", "t", "echo", {"x": 1})
    assert task != rxon.TaskPayload(job_id="j", task_id="t2", type="echo")
    assert task.priority == 0.0 and task.step == 0 and task.sig is None
    assert repr(task).startswith("TaskPayload(job_id='j', task_id='t', type='echo', params={'x': 1},")
    with pytest.raises(AttributeError, match="immutable type: 'TaskPayload'"):
        task.job_id = "other"  # type: ignore[misc]
    with pytest.raises(TypeError, match="Missing required argument 'task_id'"):
        rxon.TaskPayload(job_id="j")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="Unexpected keyword argument 'colour'"):
        rxon.TaskPayload(job_id="j", task_id="t", type="echo", colour="red")  # type: ignore[call-arg]
    assert pickle.loads(pickle.dumps(task)) == task
    assert task.__replace__(priority=5.0) == rxon.TaskPayload("j", "t", "echo", {"x": 1}, priority=5.0)
    assert msgspec.structs.replace(task, priority=5.0) == task.__replace__(priority=5.0)
    assert hash(rxon.TaskError(code="c", message="m")) == hash(rxon.TaskError(code="c", message="m"))


def test_encoding_matches_the_reference() -> None:
    wire = {
        "job_id": "j",
        "task_id": "t",
        "status": "failure",
        "error": {"code": "TRANSIENT_ERROR", "message": "later", "details": {"try": 2}},
        "data_metadata": {"out": {"uri": "s3://b/k", "size": 10}},
        "costs": {"gpu_seconds": 1.5, "tokens": 2.0},
        "timestamp": 1767225600,
    }
    ours = rxon.from_dict(rxon.TaskResult, wire)
    theirs = reference.from_dict(reference.TaskResult, wire)
    assert rxon.to_dict(ours) == reference.to_dict(theirs)
    assert rxon.json_dumps(ours) == reference.utils.json_dumps(theirs)
    assert rxon.sign_payload(ours, "s") == reference.security.sign_payload(theirs, "s")
    assert isinstance(ours.error, rxon.TaskError) and ours.error.details == {"try": 2}
    assert ours.data_metadata is not None and ours.data_metadata["out"].size == 10
    # A reference message encodes the same through rxon_core (it is plain msgspec data).
    assert rxon.to_dict(msgspec.to_builtins(theirs)) == rxon.to_dict(ours)


def test_from_dict_keeps_the_references_pass_through_cases() -> None:
    task = rxon.TaskPayload(job_id="j", task_id="t", type="echo")
    assert rxon.from_dict(rxon.TaskPayload, None) is None
    assert rxon.from_dict(rxon.TaskPayload, task) is task
    assert rxon.from_dict(rxon.TaskPayload, [1, 2]) == [1, 2]
    assert rxon.from_dict(rxon.TaskPayload, {"job_id": "j", "task_id": "t", "type": "e", "priority": 3}).priority == 3.0
    with pytest.raises(ValueError, match=r"Expected `str`, got `int` - at `\$.job_id`"):
        rxon.from_dict(rxon.TaskPayload, {"job_id": 1, "task_id": "t", "type": "e"})


def test_validate_params_uses_the_skill_schema() -> None:
    skill = rxon.SkillInfo(name="add", input_schema={"type": "object", "required": ["a"]})
    ok = rxon.TaskPayload(job_id="j", task_id="t", type="add", params={"a": 1})
    bad = rxon.TaskPayload(job_id="j", task_id="t", type="add", params={})
    assert ok.validate_params(skill) == (True, None)
    valid, reason = bad.validate_params(skill)
    assert not valid and reason is not None and "a" in reason
    theirs = reference.TaskPayload(job_id="j", task_id="t", type="add", params={})
    assert (valid, reason) == theirs.validate_params(reference.SkillInfo(name="add", input_schema=skill.input_schema))


def test_every_message_is_a_model() -> None:
    assert all(issubclass(getattr(rxon, name), Model) for name in MESSAGE_NAMES)
    assert len(MESSAGE_NAMES) == 17


ODD_VALUES: list[object] = [
    *(None, 0, -1, 2**70, 1.5, 2.0, True, "s", [], ["a"], [1], [{"a": 1}]),
    *({}, {"a": 1}, {"a": "b"}, {"a": {"b": 1}}, {1: 2}),
]


def outcome(lib: Any, model: str, wire: dict[str, Any]) -> tuple[str, Any]:
    """What ``lib.from_dict`` makes of ``wire``: the canonical text, or the error."""
    try:
        message = lib.from_dict(getattr(lib, model), wire)
    except (ValueError, TypeError) as error:
        return type(error).__name__, str(error)
    try:
        return "ok", lib.json_dumps(message) if hasattr(lib, "json_dumps") else lib.utils.json_dumps(message)
    except (ValueError, TypeError):
        return "ok", "(no canonical form)"


def test_from_dict_agrees_with_the_reference_on_every_odd_member(vectors: Vectors) -> None:
    """Every member of every message given each odd value: the same message or the same
    error as the reference — except integers beyond 64 bits (rxon's integer members are
    64-bit, and it writes such a float exactly where the reference cannot), and a dict with a non-str key where
    no dict belongs, which rxon refuses as no JSON (``TypeError``) before naming the type."""
    checked = 0
    for case in vectors("models"):
        if not case["ok"]:
            continue
        for field in getattr(rxon, case["model"]).__struct_fields__:
            for odd in ODD_VALUES:
                wire = {**case["wire"], field: odd}
                ours, theirs = outcome(rxon, case["model"], wire), outcome(reference, case["model"], wire)
                if odd == 2**70 and ours != theirs:
                    # rxon refuses it for an int member; for a float member the reference
                    # has no canonical form of it, rxon writes it exactly (see canonical).
                    assert "64-bit range" in ours[1] or theirs[1] == "(no canonical form)", (case["model"], field)
                    continue
                if odd == {1: 2} and theirs[0] != "ok":
                    assert ours[0] != "ok", (case["model"], field)
                    continue
                assert ours == theirs, (case["model"], field, odd)
                checked += 1
    assert checked > 3500


def test_from_dict_agrees_with_the_core_decoder(vectors: Vectors) -> None:
    """from_dict checks host values against the core's member types; the core's decoder of
    JSON trees gives the same verdict and message."""
    from rxon_core import _native

    for case in vectors("models"):
        if not case["ok"]:
            continue
        for field in getattr(rxon, case["model"]).__struct_fields__:
            for odd in ODD_VALUES[:-1]:  # (a dict with an int key is no JSON tree)
                wire = {**case["wire"], field: odd}
                decoded: tuple[str, str | None]
                try:
                    _native.check_message(case["model"], wire)
                    decoded = ("ok", None)
                except ValueError as error:
                    decoded = ("ValueError", str(error))
                built = outcome(rxon, case["model"], wire)
                assert (built[0], built[1] if built[0] != "ok" else None) == decoded, (case["model"], field, odd)


def test_from_dict_finds_members_by_text_whatever_the_key_object() -> None:
    """Keys written in source (the interned names), made at run time or by ``json.loads`` (new
    objects of the same text), and keys naming no member: found or ignored as the reference
    does."""
    wire = {"".join(["job", "_id"]): "j", "task_id": "t", "type": "e", "unknown": 1}
    wire[json.loads('"deadline"')] = 5
    ours, theirs = outcome(rxon, "TaskPayload", wire), outcome(reference, "TaskPayload", wire)
    assert ours == theirs
    assert ours[0] == "ok" and '"deadline":5' in ours[1] and '"job_id":"j"' in ours[1]


IDENTITY_CASES: list[tuple[str, dict[str, Any]]] = [
    ("TaskPayload", {"job_id": "j", "task_id": "t", "type": "e", "priority": 0.0, "step": 0, "depth": 0}),
    ("TaskPayload", {"job_id": "j", "task_id": "t", "type": "e", "priority": 0}),
    ("TaskResult", {"job_id": "j", "task_id": "t", "status": "success"}),
    ("SkillInfo", {"name": "s", "schema_dialect": "json-schema"}),
    ("WorkerCapabilities", {"hostname": "unknown", "ip_address": "0.0.0.0"}),
    ("ResourcesUsage", {"cpu_load_percent": 0.0, "ram_used_gb": 0}),
    ("FileMetadata", {"uri": "s3://b/k", "size": 0}),
]


@pytest.mark.parametrize(("name", "members"), IDENTITY_CASES)
def test_defaults_are_left_out_by_identity_as_the_reference_does(name: str, members: dict[str, Any]) -> None:
    """Members equal to their default: built by code, from a dict of literals, and decoded from
    JSON text, each encodes as the reference's does (it leaves out a member only when it *is*
    the default object)."""
    ours, theirs = getattr(rxon, name), getattr(reference.models, name)
    assert rxon.json_dumps(ours(**members)) == reference.utils.json_dumps(theirs(**members))
    assert rxon.json_dumps(rxon.from_dict(ours, members)) == reference.utils.json_dumps(
        reference.from_dict(theirs, members)
    )
    received = json.loads(json.dumps(members))
    assert rxon.json_dumps(rxon.from_dict(ours, received)) == reference.utils.json_dumps(
        reference.from_dict(theirs, received)
    )


def test_a_declaration_that_drifts_from_the_core_is_refused() -> None:
    """models.py declares the messages; the core checks each registered declaration names its members."""
    with pytest.raises(TypeError, match="FileMetadata declares the members"):

        class FileMetadata(Model, frozen=True):  # noqa: F811 (a deliberately wrong redeclaration)
            uri: str
            bytes: int = 0

        _register(FileMetadata)


def test_a_declaration_that_differs_from_the_core_is_refused() -> None:
    """models.py is checked against the core's messages when each class is registered: a member's
    type, requiredness or default declared differently is refused, naming both."""
    with pytest.raises(
        TypeError, match=r"TaskError.code is declared `int` \(required\), the core's is `str` \(required\)"
    ):

        class TaskError(Model, frozen=True):
            code: int
            message: str
            details: dict[str, Any] | None = None

        _register(TaskError)

    with pytest.raises(TypeError, match=r"TaskError.code is declared `str`, the core's is `str` \(required\)"):

        class TaskError(Model, frozen=True):  # type: ignore[no-redef]  # noqa: F811
            code: str = "X"
            message: str = "m"
            details: dict[str, Any] | None = None

        _register(TaskError)

    with pytest.raises(TypeError, match=r"TaskResult.status defaults to \"ok\", the core's to \"success\""):

        class TaskResult(Model, frozen=True):
            job_id: str
            task_id: str
            worker_id: str | None = None
            status: str = "ok"
            data: dict[str, Any] | None = None
            error: rxon.TaskError | None = None
            data_metadata: dict[str, rxon.FileMetadata] | None = None
            origin_worker_id: str | None = None
            timestamp: int | None = None
            metadata: dict[str, Any] | None = None
            security: rxon.SecurityContext | None = None
            costs: dict[str, Any] | None = None

        _register(TaskResult)
