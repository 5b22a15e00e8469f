"""Values beyond JSON, as the reference treats them: every value here gives the same plain form,
text, hash and signature through rxon_core as through the reference (orjson's own forms for
dates, UUIDs, enums and dataclasses; msgspec's for structs; ``str()`` for the rest; keys that
are not ``str`` as orjson's ``OPT_NON_STR_KEYS`` writes them); and ``from_dict`` builds any
class the reference's builds."""

import collections
import dataclasses
import datetime
import decimal
import enum
import json
import pathlib
import uuid
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
import rxon as reference
import rxon_core as rxon


class Colour(enum.Enum):
    RED = "red"
    THREE = 3
    PAIR = (1, 2)


class Level(enum.IntEnum):
    LOW = 1


class Text(str):
    pass


class Count(int):
    pass


class Real(float):
    pass


class Pair(tuple[int, int]):
    pass


@dataclasses.dataclass
class Point:
    x: int
    label: str = "p"
    _private: int = 0
    nothing: None = None


class User(msgspec.Struct):
    name: str
    when: datetime.datetime | None = None
    _hidden: int = 0
    tags: list[str] = []


class Packed(msgspec.Struct, array_like=True):
    x: int


class Renamed(msgspec.Struct, rename="camel"):
    first_name: str


class Sparse(msgspec.Struct, omit_defaults=True):
    a: int = 1
    b: float = 0.0


class Shown:
    def __str__(self) -> str:
        return "shown!"


Named = collections.namedtuple("Named", "a b")
MOMENT = datetime.datetime(2024, 5, 6, 7, 8, 9, 123456)
VALUES: dict[str, Any] = {
    "uuid": uuid.UUID(int=12345),
    "datetime": MOMENT,
    "datetime utc": MOMENT.replace(tzinfo=datetime.UTC),
    "datetime +05:30": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30))),
    "datetime whole seconds": datetime.datetime(2024, 1, 1),
    "date": datetime.date(2024, 1, 2),
    "time": datetime.time(1, 2, 3),
    "time with microseconds": datetime.time(1, 2, 3, 4),
    "timedelta": datetime.timedelta(seconds=5),
    "enum str": Colour.RED,
    "enum int": Colour.THREE,
    "enum tuple": Colour.PAIR,
    "IntEnum": Level.LOW,
    "str subclass": Text("s"),
    "int subclass": Count(5),
    "float subclass": Real(1.5),
    "integral float subclass": Real(2.0),
    "tuple subclass": Pair((1, 2)),
    "namedtuple": Named(1, 2),
    "dataclass": Point(1),
    "struct": User("u", MOMENT),
    "structs nested": {"u": [User("v")], "deep": [[User("x", tags=["a"])]]},
    "array-like struct": Packed(1),
    "renamed struct": Renamed("a"),
    "omit_defaults struct": Sparse(b=0.0),
    "Decimal": decimal.Decimal("1.10"),
    "Path": pathlib.Path("/tmp/x"),
    "bytes": b"ab",
    "set": {1},
    "frozenset": frozenset(),
    "object with __str__": Shown(),
    "complex": 1 + 2j,
    "int keys": {1: "a", 2: None},
    "float keys": {1.5: 1, 2.0: 2},
    "bool keys": {True: 1},
    "None key": {None: 1},
    "UUID key": {uuid.UUID(int=1): 1},
    "datetime key": {MOMENT: 1},
    "date key": {datetime.date(2024, 1, 1): 1},
    "enum key": {Colour.RED: 1},
    "IntEnum key": {Level.LOW: 2},
    "str subclass key": {Text("k"): 1},
    "mixed keys, sorted as text": {"b": 1, 2: 2, "a": 3, 10: 4},
    "a message holding them": rxon.TaskResult(job_id="j", task_id="t", data={"at": MOMENT, "id": uuid.UUID(int=7)}),
}


def outcomes(lib: Any, value: Any) -> list[tuple[str, Any]]:
    operations: list[Callable[[Any], Any]] = [
        lib.utils.to_dict,
        lib.utils.json_dumps,
        lib.utils.calculate_dict_hash,
        lambda v: lib.security.sign_payload({"v": v}, "secret"),
    ]
    results = []
    for operation in operations:
        try:
            results.append(("ok", operation(value)))
        except Exception as error:  # the kind of error is compared too
            results.append((type(error).__name__, None))
    return results


def as_reference(value: Any) -> Any:
    """The same value with rxon_core's messages replaced by the reference's."""
    if isinstance(value, rxon.TaskResult):
        return reference.from_dict(reference.TaskResult, msgspec.to_builtins(value))
    return value


@pytest.mark.parametrize("name", VALUES)
def test_written_as_the_reference_writes_it(name: str) -> None:
    value = VALUES[name]
    ours, theirs = outcomes(rxon, value), outcomes(reference, as_reference(value))
    if dataclasses.is_dataclass(value):
        # The listed difference: the core sorts a dataclass's members in json_dumps as it
        # sorts every mapping; orjson keeps their declaration order there.
        assert json.loads(ours[1][1]) == json.loads(theirs[1][1])
        ours[1] = theirs[1]
    assert ours == theirs


def test_keys_and_values_it_refuses_are_refused_by_both() -> None:
    refused: list[dict[Any, Any]] = [{(1, 2): "a"}, {frozenset(): 1}]
    for value in refused:
        assert outcomes(rxon, value) == outcomes(reference, value) == [("TypeError", None)] * 4


def test_integers_beyond_64_bits_are_written_exactly() -> None:
    """The one deliberate difference: orjson refuses them (TypeError); the core writes them."""
    assert rxon.json_dumps({"n": 2**70}) == '{"n":1180591620717411303424}'
    with pytest.raises(TypeError, match="64-bit"):
        reference.utils.json_dumps({"n": 2**70})


class Job(msgspec.Struct):
    id: uuid.UUID
    at: datetime.datetime
    task: rxon.TaskPayload
    level: Level = Level.LOW
    note: str | None = None
    points: list[int] = []


@dataclasses.dataclass
class Spot:
    x: int
    y: int = 0


FROM_DICT: list[tuple[Any, Any]] = [
    (
        Job,
        {
            "id": str(uuid.UUID(int=3)),
            "at": "2024-01-01T00:00:00",
            "task": {"job_id": "j", "task_id": "t", "type": "x"},
        },
    ),
    (Job, {"id": "not a uuid", "at": "2024-01-01T00:00:00", "task": {"job_id": "j", "task_id": "t", "type": "x"}}),
    (Job, {"id": str(uuid.UUID(int=3)), "at": "2024-01-01", "task": {"job_id": 1, "task_id": "t", "type": "x"}}),
    (Spot, {"x": 1}),
    (Spot, {"y": 1}),
    (list[rxon.TaskError], [{"code": "c", "message": "m"}]),
    (dict[str, int], {"a": 1}),
    (int | None, None),
    (datetime.datetime, "2024-01-01T00:00:00+00:00"),
    (uuid.UUID, str(uuid.UUID(int=5))),
    (Level, 1),
    (Job, [1, 2]),
]


def reference_class(cls: Any) -> Any:
    if cls is Job:

        class RefJob(msgspec.Struct):
            id: uuid.UUID
            at: datetime.datetime
            task: reference.TaskPayload
            level: Level = Level.LOW
            note: str | None = None
            points: list[int] = []

        RefJob.__name__ = "Job"
        return RefJob
    if cls == list[rxon.TaskError]:
        return list[reference.TaskError]
    return cls


@pytest.mark.parametrize(("cls", "data"), FROM_DICT)
def test_from_dict_builds_what_the_reference_builds(cls: Any, data: Any) -> None:
    def built(lib: Any, target: Any) -> tuple[str, Any]:
        try:
            value = lib.from_dict(target, data)
        except ValueError as error:
            return "ValueError", str(error)
        return "ok", lib.utils.json_dumps(value)

    ours, theirs = built(rxon, cls), built(reference, reference_class(cls))
    assert ours == theirs
    if ours[0] == "ok" and cls is Job and isinstance(data, dict):
        job = rxon.from_dict(Job, data)
        assert type(job.task) is rxon.TaskPayload and isinstance(job.id, uuid.UUID)
