"""Every file of the shared vectors through the C API (librxon loaded with ctypes), each
printing `<file>.json: N passed`. Run by ctest:

    python3 vectors.py path/to/librxon.so path/to/vectors [path/to/tests/vectors]

JSON goes in as Python's json module writes it — as the reference package saw these values.
"""

import ctypes
import json
import sys
from pathlib import Path

RXON_OK, RXON_ESIGNATURE, RXON_EPARAMS = 0, -9, -6
lib = ctypes.CDLL(sys.argv[1])
VECTORS = Path(sys.argv[2])
OWN_VECTORS = Path(sys.argv[3]) if len(sys.argv) > 3 else None

text_p, out_p = ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)
for name, args in {
    "rxon_json_dumps": [text_p, out_p],
    "rxon_to_dict": [text_p, out_p],
    "rxon_calculate_dict_hash": [text_p, out_p],
    "rxon_decode": [text_p, text_p, out_p],
    "rxon_sign_payload": [text_p, text_p, text_p, out_p],
    "rxon_verify_signature": [text_p, text_p, text_p, text_p],
    "rxon_sign_payload_ed25519": [text_p, text_p, text_p, out_p],
    "rxon_verify_signature_ed25519": [text_p, text_p, text_p, text_p],
    "rxon_sign_bubbling_chain": [text_p, text_p, out_p],
    "rxon_verify_bubbling_chain_signature": [text_p, text_p, text_p],
    "rxon_sign_bubbling_chain_hmac": [text_p, text_p, out_p],
    "rxon_verify_bubbling_chain_hmac": [text_p, text_p, text_p],
    "rxon_validate_data": [text_p, text_p, out_p],
    "rxon_parse_uri": [text_p, text_p, text_p, out_p],
    "rxon_calculate_config_hash": [text_p, text_p, text_p, out_p],
    "rxon_matches": [text_p, text_p, text_p, ctypes.POINTER(ctypes.c_bool)],
}.items():
    getattr(lib, name).argtypes = args
    getattr(lib, name).restype = ctypes.c_int32
lib.rxon_is_valid_identifier.argtypes = [text_p]
lib.rxon_is_valid_identifier.restype = ctypes.c_bool
lib.rxon_last_error_message.restype = ctypes.c_char_p
lib.rxon_string_free.argtypes = [out_p]


class Failed(Exception):
    def __init__(self, code):
        self.code = code
        super().__init__(f"{code}: {lib.rxon_last_error_message().decode()}")


def c(value):
    """A C string argument: JSON text for values, NULL for None."""
    return None if value is None else value.encode()


def j(value):
    return json.dumps(value, ensure_ascii=False).encode()


def call(fn, *args):
    """Calls an `…, char **out` function: its string (None when it gave NULL), or Failed."""
    out = ctypes.c_void_p()
    code = fn(*args, ctypes.byref(out))
    if code != RXON_OK:
        raise Failed(code)
    if not out.value:
        return None
    text = ctypes.string_at(out.value).decode()
    lib.rxon_string_free(ctypes.byref(out))
    return text


def verdict(code):
    if code not in (RXON_OK, RXON_ESIGNATURE):
        raise Failed(code)
    return code == RXON_OK


def dumps(value):
    return call(lib.rxon_json_dumps, j(value))


def cases(name, directory=VECTORS):
    return json.loads((directory / f"{name}.json").read_text())["cases"]


def check(condition, what):
    if not condition:
        raise AssertionError(what)


# Float and string members with a default that the vector generator handed the reference as its
# own default objects (left out by identity): no JSON text can say that; rxon keeps them, as the
# reference decoding the same text does (see the Rust, Python and Node vector tests).
KEPT_DEFAULTS = {
    "priority": 0, "cpu_load_percent": 0, "ram_used_gb": 0, "status": "success",
    "worker_type": "generic", "schema_dialect": "json-schema", "version": "unknown",
    "hostname": "unknown", "ip_address": "0.0.0.0",
}


def differs_by_kept_defaults(ours, expected):
    if isinstance(ours, list) and isinstance(expected, list):
        return len(ours) == len(expected) and all(map(differs_by_kept_defaults, ours, expected))
    if isinstance(ours, dict) and isinstance(expected, dict):
        return all(k in ours for k in expected) and all(
            differs_by_kept_defaults(v, expected[k]) if k in expected else KEPT_DEFAULTS.get(k, object()) == v
            for k, v in ours.items()
        )
    return dumps([ours]) == dumps([expected])


def canonical(all_cases):
    for i, case in enumerate(all_cases):
        check(dumps(case["input"]) == case["canonical"], i)
        check(json.loads(call(lib.rxon_to_dict, j(case["input"]))) == case["to_dict"], i)
        check(call(lib.rxon_calculate_dict_hash, j(case["input"])) == case["sha256"], i)
        check(call(lib.rxon_json_dumps, c(case["canonical"])) == case["canonical"], i)


def hmac(all_cases):
    for i, case in enumerate(all_cases):
        ignore = j(case["ignore_fields"]) if case.get("ignore_fields") is not None else None
        sig = call(lib.rxon_sign_payload, j(case["payload"]), c(case["secret"]), ignore)
        check(sig == case["signature"], i)
        check(verdict(lib.rxon_verify_signature(j(case["payload"]), c(sig), c(case["secret"]), ignore)), i)
        check(not verdict(lib.rxon_verify_signature(j(case["payload"]), c(sig), c(case["secret"] + "x"), ignore)), i)


def floats(all_cases):
    for case in all_cases:
        check(call(lib.rxon_json_dumps, c(case["repr"])) == case["json"], case["repr"])


def ed25519(all_cases):
    keys = sorted({case["public_key_pem"] for case in all_cases})
    check(len(keys) > 1, "several keys")
    for i, case in enumerate(all_cases):
        payload = j(case["payload"])
        check(call(lib.rxon_sign_payload_ed25519, payload, c(case["private_key_pem"]), None) == case["signature"], i)
        sig, pem = c(case["signature"]), c(case["public_key_pem"])
        check(verdict(lib.rxon_verify_signature_ed25519(payload, sig, pem, None)), i)
        other = c(next(k for k in keys if k != case["public_key_pem"]))
        check(verdict(lib.rxon_verify_signature_ed25519(payload, sig, other, None)) == case["verify_with_other_key"], i)
        tampered = j({**case["payload"], "tampered": True})
        check(verdict(lib.rxon_verify_signature_ed25519(tampered, sig, pem, None)) == case["verify_tampered"], i)


def bubbling_chain(all_cases):
    for i, case in enumerate(all_cases):
        chain, secret = j(case["chain"]), c(case["secret"])
        check(call(lib.rxon_sign_bubbling_chain_hmac, chain, secret) == case["hmac"], i)
        check(verdict(lib.rxon_verify_bubbling_chain_hmac(chain, c(case["hmac"]), secret)), i)
        check(call(lib.rxon_sign_bubbling_chain, chain, c(case["private_key_pem"])) == case["ed25519"], i)
        check(verdict(lib.rxon_verify_bubbling_chain_signature(chain, c(case["ed25519"]), c(case["public_key_pem"]))), i)
        reversed_chain = j(list(reversed(case["chain"])))
        reversed_ok = verdict(lib.rxon_verify_bubbling_chain_hmac(reversed_chain, c(case["hmac"]), secret))
        check(reversed_ok == case["verify_reversed_hmac"], i)


def identifiers(all_cases):
    for case in all_cases:
        check(lib.rxon_is_valid_identifier(c(case["value"])) == case["valid"], case["value"])


def blob(all_cases):
    for case in all_cases:
        if case["fn"] == "calculate_config_hash":
            args = (c(case.get("endpoint")), c(case.get("access_key")), c(case.get("bucket")))
            check(call(lib.rxon_calculate_config_hash, *args) == case["result"], case)
            continue
        args = (c(case["uri"]), c(case.get("default_bucket")), c(case.get("prefix")))
        try:
            location = json.loads(call(lib.rxon_parse_uri, *args))
        except Failed:
            check("error" in case and lib.rxon_last_error_message().decode() == case["error"], case)
            continue
        check(case.get("result") == [location["bucket"], location["key"], location["is_directory"]], case)


def validate(case):
    out = ctypes.c_void_p()
    code = lib.rxon_validate_data(j(case["data"]), j(case["schema"]), ctypes.byref(out))
    if code == RXON_OK:
        return True, None
    check(code == RXON_EPARAMS, lib.rxon_last_error_message())
    message = ctypes.string_at(out.value).decode()
    lib.rxon_string_free(ctypes.byref(out))
    return False, message


def schema(all_cases):
    for case in all_cases:
        valid, message = validate(case)
        check(valid == case["valid"] and (valid or message == case["message"]), case)


def models(all_cases):
    by_identity = 0
    for case in all_cases:
        if not case["ok"]:
            try:
                call(lib.rxon_decode, c(case["model"]), j(case["wire"]))
                check(False, case)
            except Failed:
                check(lib.rxon_last_error_message().decode() == case["error"], case["error"])
            continue
        ours = json.loads(call(lib.rxon_decode, c(case["model"]), j(case["wire"])))
        if dumps(ours) != dumps(case["reencoded"]):
            check(differs_by_kept_defaults(ours, case["reencoded"]), case)
            by_identity += 1
        check(dumps(json.loads(call(lib.rxon_decode, c(case["model"]), j(ours)))) == dumps(ours), case)
    print(f"models.json: {by_identity} where rxon keeps a default member that arrived, as the reference does")
    return len(all_cases) - by_identity


def roundtrip(all_cases):
    by_identity = 0
    for i, case in enumerate(all_cases):
        secret, sig = c("vector-secret"), c(case["wire_signature"])
        check(verdict(lib.rxon_verify_signature(j(case["wire"]), sig, secret, None)), i)
        decoded = call(lib.rxon_decode, c(case["model"]), j(case["wire"]))
        text = call(lib.rxon_json_dumps, c(decoded))
        verifies = verdict(lib.rxon_verify_signature(c(decoded), sig, secret, None))
        if text == case["reencoded"]:
            check(verifies == case["verifies_over_decoded"], i)
        else:
            check(differs_by_kept_defaults(json.loads(text), json.loads(case["reencoded"])), i)
            check(not case["verifies_over_decoded"], i)
            by_identity += 1
    print(f"roundtrip.json: {by_identity} where rxon keeps a default member that arrived, as the reference does")
    return len(all_cases) - by_identity


MATCHING_MODELS = {"device": "HardwareDevice", "artifact": "InstalledArtifact", "skill": "SkillInfo", "resources": "Resources"}


def matching(all_cases):
    for case in all_cases:
        out = ctypes.c_bool()
        code = lib.rxon_matches(c(MATCHING_MODELS[case["kind"]]), j(case["have"]), j(case["required"]), ctypes.byref(out))
        check(code == RXON_OK and out.value == case["matches"], case)


def main():
    tests = {
        "canonical": canonical, "hmac": hmac, "floats": floats, "ed25519": ed25519,
        "bubbling_chain": bubbling_chain, "identifiers": identifiers, "blob": blob, "schema": schema,
        "models": models, "roundtrip": roundtrip, "matching": matching,
    }
    files = sorted(p.stem for p in VECTORS.glob("*.json"))
    untested = [f for f in files if f not in tests]
    check(files and not untested, f"vector files without a test: {untested}")
    for name in files:
        all_cases = cases(name)
        check(all_cases, f"{name}.json has no cases")
        passed = tests[name](all_cases)
        print(f"{name}.json: {len(all_cases) if passed is None else passed} passed")
    if OWN_VECTORS is not None:
        own = cases("schema_patterns", OWN_VECTORS)
        for case in own:
            valid, message = validate(case)
            check([valid, message] == [case["valid"], case["message"]], case)
        print(f"schema_patterns.json: {len(own)} passed")


if __name__ == "__main__":
    main()
