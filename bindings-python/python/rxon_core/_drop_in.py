"""``install_as_rxon()``: code written for the reference ``rxon`` package imports rxon_core.

A finder placed first on ``sys.meta_path`` answers every ``rxon`` and ``rxon.*`` import with
the rxon_core module of the same path, imported on first use (so ``rxon.transports.http_server``
needs aiohttp only when something imports it). ``rxon.models is rxon_core.models``: one set
of classes, whichever name a module imported them by.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

_ALIAS, _TARGET = "rxon", "rxon_core"


class _RxonAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != _ALIAS and not fullname.startswith(_ALIAS + "."):
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # a placeholder: exec_module puts the real module in its place

    def exec_module(self, module: ModuleType) -> None:
        # The import system returns what sys.modules holds under the name once this returns.
        sys.modules[module.__name__] = importlib.import_module(_TARGET + module.__name__[len(_ALIAS) :])


def install_as_rxon() -> None:
    """Makes ``import rxon`` (and every ``rxon.*`` module) import rxon_core, so code written
    for the reference package runs on the Rust core unchanged. Call it before anything imports
    ``rxon``; calling it again does nothing."""
    if any(isinstance(finder, _RxonAlias) for finder in sys.meta_path):
        return
    loaded = sys.modules.get(_ALIAS)
    if loaded is not None and loaded is not sys.modules[_TARGET]:
        raise RuntimeError(
            "the reference rxon package is already imported: call rxon_core.install_as_rxon() "
            "before any module imports rxon"
        )
    sys.meta_path.insert(0, _RxonAlias())
