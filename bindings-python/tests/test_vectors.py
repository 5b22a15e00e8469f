"""The shared vectors (computed by the reference package) through the Python API."""

import json

import rxon_core as rxon


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_canonical(vectors):
    cases = vectors("canonical")
    for i, case in enumerate(cases):
        assert rxon.json_dumps(case["input"]) == case["canonical"], i
        assert rxon.to_dict(case["input"]) == case["to_dict"], i
        assert rxon.calculate_dict_hash(case["input"]) == case["sha256"], i
        assert rxon.loads(case["canonical"]) == json.loads(case["canonical"]), i
    print(f"canonical.json: {len(cases)} passed")


def test_hmac(vectors):
    cases = vectors("hmac")
    for i, case in enumerate(cases):
        payload, secret, signature = case["payload"], case["secret"], case["signature"]
        ignore = case["ignore_fields"]
        assert rxon.sign_payload(payload, secret, ignore) == signature, i
        assert rxon.verify_signature(payload, signature, secret, ignore), i
        assert not rxon.verify_signature(payload, signature, secret + "x", ignore), i
    print(f"hmac.json: {len(cases)} passed")
