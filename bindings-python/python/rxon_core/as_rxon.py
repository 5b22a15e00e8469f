"""Runs a program written for the reference ``rxon`` package on rxon_core, without editing it:

    python -m rxon_core.as_rxon -m avtomatika_worker …     # a module, as python -m runs it
    python -m rxon_core.as_rxon my_worker.py …             # a script

``install_as_rxon()`` runs first; then the program runs as ``__main__`` with its own arguments.
"""

import runpy
import sys

from rxon_core import install_as_rxon

USAGE = "usage: python -m rxon_core.as_rxon (-m MODULE | SCRIPT) [ARGS...]"


def main(argv: list[str]) -> None:
    if not argv or argv[0] in ("-h", "--help") or (argv[0] == "-m" and len(argv) < 2):
        raise SystemExit(USAGE)
    install_as_rxon()
    if argv[0] == "-m":
        sys.argv = [argv[1], *argv[2:]]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = list(argv)
        runpy.run_path(argv[0], run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
