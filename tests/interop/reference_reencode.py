"""The reference (rxon 1.0b17) decoding JSON text and encoding it again, as a peer does with
a message it receives: for each input line ``<model name>\t<wire JSON text>\t<signature>``
prints one line ``[json_dumps(from_dict(Model, loads(text))), verify_signature(decoded,
signature, "vector-secret")]``, or ``["error", <message>]``.
"""

import json
import sys

from rxon import models
from rxon.security import verify_signature
from rxon.utils import from_dict, json_dumps

SECRET = "vector-secret"

for line in sys.stdin:
    model, text, signature = line.rstrip("\n").split("\t")
    try:
        decoded = from_dict(getattr(models, model), json.loads(text))
        answer = [json_dumps(decoded), verify_signature(decoded, signature, SECRET)]
    except Exception as exc:  # the reference's refusal, reported as data
        answer = ["error", str(exc)]
    print(json.dumps(answer), flush=True)
