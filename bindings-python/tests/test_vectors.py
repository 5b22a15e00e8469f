"""The shared vectors (computed by the reference package) through the Python API."""

import json
from pathlib import Path
from typing import Any

import pytest
import rxon as reference
import rxon_core as rxon
from conftest import VECTORS, Vectors


def test_canonical(vectors: Vectors) -> None:
    cases = vectors("canonical")
    for i, case in enumerate(cases):
        assert rxon.json_dumps(case["input"]) == case["canonical"], i
        assert rxon.to_dict(case["input"]) == case["to_dict"], i
        assert rxon.calculate_dict_hash(case["input"]) == case["sha256"], i
        assert rxon.loads(case["canonical"]) == json.loads(case["canonical"]), i
    print(f"canonical.json: {len(cases)} passed")


def test_hmac(vectors: Vectors) -> None:
    cases = vectors("hmac")
    for i, case in enumerate(cases):
        payload, secret, signature = case["payload"], case["secret"], case["signature"]
        ignore = case["ignore_fields"]
        assert rxon.sign_payload(payload, secret, ignore) == signature, i
        assert rxon.verify_signature(payload, signature, secret, ignore), i
        assert not rxon.verify_signature(payload, signature, secret + "x", ignore), i
    print(f"hmac.json: {len(cases)} passed")


def test_floats(vectors: Vectors) -> None:
    cases = vectors("floats")
    for case in cases:
        assert rxon.json_dumps(float(case["repr"])) == case["json"], case
    print(f"floats.json: {len(cases)} passed")


def test_ed25519(vectors: Vectors) -> None:
    cases = vectors("ed25519")
    public_keys = {case["public_key_pem"] for case in cases}
    assert len(public_keys) > 1, "the vectors hold several keys"
    for i, case in enumerate(cases):
        payload, signature, public = case["payload"], case["signature"], case["public_key_pem"]
        assert rxon.sign_payload_ed25519(payload, case["private_key_pem"]) == signature, i
        assert rxon.verify_signature_ed25519(payload, signature, public), i
        other = next(key for key in public_keys if key != public)
        assert rxon.verify_signature_ed25519(payload, signature, other) == case["verify_with_other_key"], i
        tampered = {**payload, "tampered": True}
        assert rxon.verify_signature_ed25519(tampered, signature, public) == case["verify_tampered"], i
    print(f"ed25519.json: {len(cases)} passed")


def test_bubbling_chain(vectors: Vectors) -> None:
    cases = vectors("bubbling_chain")
    for i, case in enumerate(cases):
        chain, secret = case["chain"], case["secret"]
        assert rxon.sign_bubbling_chain_hmac(chain, secret) == case["hmac"], i
        assert rxon.verify_bubbling_chain_hmac(chain, case["hmac"], secret), i
        assert rxon.sign_bubbling_chain(chain, case["private_key_pem"]) == case["ed25519"], i
        assert rxon.verify_bubbling_chain_signature(chain, case["ed25519"], case["public_key_pem"]), i
        reversed_ok = rxon.verify_bubbling_chain_hmac(chain[::-1], case["hmac"], secret)
        assert reversed_ok == case["verify_reversed_hmac"], i
    print(f"bubbling_chain.json: {len(cases)} passed")


def test_identifiers(vectors: Vectors) -> None:
    cases = vectors("identifiers")
    for case in cases:
        assert rxon.is_valid_identifier(case["value"]) == case["valid"], case
    print(f"identifiers.json: {len(cases)} passed")


def test_blob(vectors: Vectors) -> None:
    cases = vectors("blob")
    for case in cases:
        if case["fn"] == "calculate_config_hash":
            config_hash = rxon.calculate_config_hash(case["endpoint"], case["access_key"], case["bucket"])
            assert config_hash == case["result"], case
        elif "error" in case:
            with pytest.raises(ValueError) as raised:
                rxon.parse_uri(case["uri"], case["default_bucket"], case["prefix"])
            assert str(raised.value) == case["error"], case
        else:
            location = rxon.parse_uri(case["uri"], case["default_bucket"], case["prefix"])
            assert list(location) == case["result"], case
    print(f"blob.json: {len(cases)} passed")


def test_schema(vectors: Vectors) -> None:
    cases = vectors("schema")
    for case in cases:
        valid, message = rxon.validate_data(case["data"], case["schema"])
        assert valid == case["valid"], case
        if not valid:
            assert message == case["message"], case
    print(f"schema.json: {len(cases)} passed")


# Float and string members with a default. The vector files' generator handed the reference
# some of these as its own default objects, which it then leaves out (it compares defaults by
# identity); no JSON text can say that, and the reference decoding the same text keeps them,
# as rxon_core does. Such cases are counted apart, and every case is also checked against the
# reference itself (``test_roundtrip``).
KEPT_DEFAULTS = {
    "priority": 0,
    "cpu_load_percent": 0,
    "ram_used_gb": 0,
    "status": "success",
    "worker_type": "generic",
    "schema_dialect": "json-schema",
    "version": "unknown",
    "hostname": "unknown",
    "ip_address": "0.0.0.0",
}


def differs_by_kept_defaults(ours: Any, expected: Any) -> bool:
    """Whether ``expected`` is ``ours`` without some members equal to their float or string default."""
    if isinstance(ours, dict) and isinstance(expected, dict):
        return expected.keys() <= ours.keys() and all(
            differs_by_kept_defaults(item, expected[key])
            if key in expected
            else key in KEPT_DEFAULTS and item == KEPT_DEFAULTS[key]
            for key, item in ours.items()
        )
    if isinstance(ours, list) and isinstance(expected, list):
        return len(ours) == len(expected) and all(map(differs_by_kept_defaults, ours, expected))
    return bool(ours == expected)


def test_models(vectors: Vectors) -> None:
    cases = vectors("models")
    by_identity = 0
    for case in cases:
        cls = getattr(rxon.models, case["model"])
        if not case["ok"]:
            with pytest.raises(ValueError) as raised:
                rxon.from_dict(cls, case["wire"])
            assert str(raised.value) == case["error"], case
            continue
        message = rxon.from_dict(cls, case["wire"])
        assert isinstance(message, cls), case
        ours = rxon.to_dict(message)
        if ours != case["reencoded"]:
            assert differs_by_kept_defaults(ours, case["reencoded"]), case
            by_identity += 1
        assert rxon.from_dict(cls, ours) == message, case
    print(f"models.json: {len(cases) - by_identity} passed")
    print(f"models.json: {by_identity} where rxon_core keeps a default member that arrived, as the reference does")


def test_roundtrip(vectors: Vectors) -> None:
    cases = vectors("roundtrip")
    by_identity = 0
    for i, case in enumerate(cases):
        wire, signature = case["wire"], case["wire_signature"]
        # What arrived always verifies: the sender signed these very members.
        assert rxon.verify_signature(wire, signature, "vector-secret"), i
        decoded = rxon.from_dict(getattr(rxon.models, case["model"]), wire)
        text = rxon.json_dumps(decoded)
        verifies = rxon.verify_signature(decoded, signature, "vector-secret")
        # The reference, receiving the same JSON text.
        theirs = reference.from_dict(getattr(reference.models, case["model"]), json.loads(json.dumps(wire)))
        assert text == reference.utils.json_dumps(theirs), i
        assert verifies == reference.security.verify_signature(theirs, signature, "vector-secret"), i
        if text == case["reencoded"]:
            assert verifies == case["verifies_over_decoded"], i
        else:
            assert differs_by_kept_defaults(json.loads(text), json.loads(case["reencoded"])), i
            assert not case["verifies_over_decoded"], i
            by_identity += 1
    print(f"roundtrip.json: {len(cases) - by_identity} passed")
    print(f"roundtrip.json: {by_identity} where rxon_core keeps a default member that arrived, as the reference does")
    print(f"roundtrip.json: {len(cases)} agree with the reference decoding the wire text")


MATCHING_CLASSES = {
    "device": rxon.HardwareDevice,
    "artifact": rxon.InstalledArtifact,
    "skill": rxon.SkillInfo,
    "resources": rxon.Resources,
}


def test_matching(vectors: Vectors) -> None:
    cases = vectors("matching")
    for case in cases:
        cls = MATCHING_CLASSES[case["kind"]]
        have, required = rxon.from_dict(cls, case["have"]), rxon.from_dict(cls, case["required"])
        assert have.matches(required) == case["matches"], case
    print(f"matching.json: {len(cases)} passed")


def test_every_vector_file_is_exercised() -> None:
    files = {path.stem for path in VECTORS.glob("*.json")}
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert files, f"no vectors in {VECTORS}"
    assert files <= tested, f"vector files without a test: {sorted(files - tested)}"


def test_schema_patterns_of_our_own() -> None:
    """Look-around and back-references in schema patterns (tests/vectors, computed by the reference)."""
    path = Path(__file__).resolve().parents[2] / "tests" / "vectors" / "schema_patterns.json"
    cases = json.loads(path.read_text())["cases"]
    for case in cases:
        assert rxon.validate_data(case["data"], case["schema"]) == (case["valid"], case["message"]), case
    print(f"schema_patterns.json: {len(cases)} passed")
