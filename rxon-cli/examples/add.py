"""A task command for `rxon worker --skill add -- python3 add.py`: reads the task's params
({"a": …, "b": …}) as JSON on stdin, reports progress on stderr, prints the result data."""

import json
import sys

params = json.load(sys.stdin)
print("progress 0.5 adding", file=sys.stderr, flush=True)
json.dump({"sum": params["a"] + params["b"]}, sys.stdout)
