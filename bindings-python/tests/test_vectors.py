"""The shared vectors (computed by the reference package) through the Python API."""

import json

import pytest

import rxon_core as rxon
from conftest import Vectors


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
