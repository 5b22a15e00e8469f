"""Python values cross into the core without loss, and bad input raises typed errors."""

import pytest
import rxon_core as rxon


def test_big_integers_and_order_survive() -> None:
    big = 123456789012345678901234567890
    value = rxon.loads(rxon.json_dumps({"b": big, "a": [-(2**70), 1.5, None, True]}))
    assert value == {"a": [-(2**70), 1.5, None, True], "b": big}
    assert list(rxon.loads('{"z": 1, "a": 2}')) == ["z", "a"]


def test_keys_without_text_raise_type_error() -> None:
    # Anything else is written as the reference writes it (see test_reference_behaviour).
    with pytest.raises(TypeError, match="Dict key must be a str, int, .* not tuple"):
        rxon.json_dumps({(1, 2): "a"})


def test_malformed_json_raises_value_error() -> None:
    with pytest.raises(ValueError, match="Invalid JSON"):
        rxon.loads(b'{"a": ')


def nested(levels: int) -> object:
    value: object = 1
    for _ in range(levels):
        value = [value]
    return value


def test_nesting_is_limited_as_in_the_reference_not_a_crash() -> None:
    for encode in (rxon.to_dict, rxon.json_dumps, rxon.calculate_dict_hash, lambda v: rxon.sign_payload(v, "s")):
        encode(nested(30))
        for levels in (31, 10_000):
            with pytest.raises(RecursionError, match=r"Maximum recursion depth \(30\) exceeded in to_dict"):
                encode(nested(levels))


def test_exceptions_carry_message_and_details() -> None:
    err = rxon.RxonRateLimitError("slow down")
    assert isinstance(err, rxon.RxonProtocolError)
    assert (err.message, err.details) == ("slow down", {"code": "LIMIT_EXCEEDED_ERROR"})


def test_bad_keys_and_identifiers_raise_value_error() -> None:
    with pytest.raises(ValueError):
        rxon.sign_payload_ed25519({"a": 1}, "not a key")
    assert rxon.verify_signature_ed25519({"a": 1}, "00", "not a key") is False
    with pytest.raises(ValueError, match="Invalid worker_id: 'a b'"):
        rxon.validate_identifier("a b", "worker_id")


def test_schema_must_be_a_dict() -> None:
    assert rxon.validate_data({"a": 1}, None) == (True, None)
    with pytest.raises(TypeError, match="schema must be a dict"):
        rxon.validate_data({"a": 1}, [1])  # type: ignore[arg-type]


def test_to_dict_matches_the_reference_on_edge_values() -> None:
    import enum

    import rxon as reference

    class Colour(enum.StrEnum):
        RED = "red"

    class Level(enum.IntEnum):
        HIGH = 3

    value = {
        "nan": float("nan"),
        "list": [float("inf"), 1.0, -0.0, 2.5, None, (1, 2)],
        "big": 1e20,
        "huge": 2.0**70,
        "z": {"b": None, "a": True},
        "colour": Colour.RED,
        "level": Level.HIGH,
        "message": rxon.TaskError(code="c", message="m"),
    }
    theirs = dict(value, message=reference.TaskError(code="c", message="m"))
    ours = rxon.to_dict(value)
    assert ours == reference.to_dict(theirs)
    assert type(ours["colour"]) is str and type(ours["level"]) is int
    assert list(ours) == sorted(ours) and list(ours["z"]) == ["a"]
    for beyond_64_bits in ("big", "huge"):  # the reference's json_dumps fails there; rxon writes them exactly
        del value[beyond_64_bits], theirs[beyond_64_bits]
    assert rxon.json_dumps(value) == reference.utils.json_dumps(theirs)
    assert rxon.to_dict({1: "a"}) == reference.to_dict({1: "a"}) == {"1": "a"}
