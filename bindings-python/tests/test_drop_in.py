"""rxon_core as a drop-in for the reference: every public name of every reference module is
in the same rxon_core module, of the same kind, with a signature that takes every call the
reference's takes; ``install_as_rxon()`` makes ``import rxon`` resolve to rxon_core."""

import importlib
import inspect
import subprocess
import sys
import types
from typing import Any, TypeVar

import pytest

MODULES = [
    "",
    ".models",
    ".utils",
    ".security",
    ".schema",
    ".validators",
    ".blob",
    ".constants",
    ".exceptions",
    ".testing",
    ".transports",
    ".transports.base",
    ".transports.http",
    ".transports.factory",
    ".transports.http_server",
]


def public_names(module: types.ModuleType) -> list[str]:
    """``__all__``, or else what the module defines itself (not what it imports)."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    others = [m for m in list(sys.modules.values()) if isinstance(m, types.ModuleType) and m is not module]
    names = []
    for name, value in vars(module).items():
        # (A TypeVar is a typing helper, not API.)
        if name.startswith("_") or isinstance(value, types.ModuleType | TypeVar):
            continue
        if isinstance(value, type | types.FunctionType | types.BuiltinFunctionType):
            if value.__module__ == module.__name__:
                names.append(name)
        elif not any(getattr(other, name, None) is value for other in others):
            names.append(name)
    return names


def kind(value: Any) -> str:
    if isinstance(value, type):
        return "class"
    return "function" if callable(value) else "value"


def incompatibilities(theirs: Any, ours: Any) -> list[str]:
    """Why a call the reference's callable takes would not fit ours (empty if every one fits):
    its parameters by name, position and kind, defaults where it has them; ours may add
    parameters only with defaults. Parameters named ``_…`` are private and not compared."""
    try:
        ref_sig, our_sig = inspect.signature(theirs), inspect.signature(ours)
    except (TypeError, ValueError) as error:
        return [f"no signature: {error}"]
    ref_params = [p for p in ref_sig.parameters.values() if not p.name.startswith("_") and p.name != "self"]
    our_params = [p for p in our_sig.parameters.values() if p.name != "self"]
    by_name = {p.name: p for p in our_params}
    has_var_kw = any(p.kind is p.VAR_KEYWORD for p in our_params)
    problems = []
    positional = [p for p in our_params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    for index, ref in enumerate(ref_params):
        if ref.kind is ref.VAR_KEYWORD:
            if not has_var_kw:
                problems.append("takes no **kwargs")
            continue
        if ref.kind is ref.VAR_POSITIONAL:
            if not any(p.kind is p.VAR_POSITIONAL for p in our_params):
                problems.append("takes no *args")
            continue
        if ref.kind is ref.POSITIONAL_ONLY:
            if index >= len(positional):
                problems.append(f"no positional parameter {index} ({ref.name})")
                continue
            ours_param = positional[index]
        else:
            if ref.name not in by_name:
                problems.append(f"no parameter {ref.name}")
                continue
            ours_param = by_name[ref.name]
            if ref.kind is ref.POSITIONAL_OR_KEYWORD and (
                index >= len(positional) or positional[index].name != ref.name
            ):
                problems.append(f"{ref.name} is not positional parameter {index}")
        if ref.default is not ref.empty and ours_param.default != ref.default:
            problems.append(f"{ref.name} defaults to {ours_param.default!r}, not {ref.default!r}")
    ref_names = {p.name for p in ref_params}
    for extra in our_params:
        if (
            extra.name not in ref_names
            and extra.default is extra.empty
            and extra.kind
            not in (
                extra.VAR_KEYWORD,
                extra.VAR_POSITIONAL,
            )
        ):
            if not any(r.kind is r.POSITIONAL_ONLY for r in ref_params):
                problems.append(f"requires {extra.name}, which the reference does not")
    return problems


def differences(suffix: str) -> list[str]:
    theirs = importlib.import_module("rxon" + suffix)
    ours = importlib.import_module("rxon_core" + suffix)
    found = []
    for name in public_names(theirs):
        ref_value = getattr(theirs, name)
        where = f"rxon{suffix}.{name}"
        if not hasattr(ours, name):
            found.append(f"{where}: missing")
            continue
        our_value = getattr(ours, name)
        if kind(ref_value) != kind(our_value):
            found.append(f"{where}: a {kind(our_value)}, the reference's is a {kind(ref_value)}")
        elif kind(ref_value) == "value":
            if isinstance(ref_value, str | int | float | set | frozenset | tuple) and ref_value != our_value:
                found.append(f"{where}: {our_value!r}, the reference's is {ref_value!r}")
        elif kind(ref_value) == "function":
            found += [f"{where}: {p}" for p in incompatibilities(ref_value, our_value)]
        else:
            if ref_value.__init__ is not object.__init__ or ref_value.__new__ is not object.__new__:
                found += [f"{where}(): {p}" for p in incompatibilities(ref_value, our_value)]
            for member, ref_member in vars(ref_value).items():
                if member.startswith("_") and member != "__lt__":
                    continue
                if not hasattr(our_value, member):
                    found.append(f"{where}.{member}: missing")
                elif inspect.isfunction(ref_member):
                    found += [
                        f"{where}.{member}: {p}" for p in incompatibilities(ref_member, getattr(our_value, member))
                    ]
    return found


@pytest.mark.parametrize("suffix", MODULES)
def test_every_public_name_of_the_reference_module_is_here(suffix: str) -> None:
    assert differences(suffix) == []


def test_the_comparison_sees_a_difference() -> None:
    """The check above can fail: a function that drops a parameter, or renames one, is caught."""

    def reference_like(payload: Any, secret: str, ignore_fields: list[str] | None = None) -> str:
        return ""

    def dropped(payload: Any, secret: str) -> str:
        return ""

    def renamed(data: Any, secret: str, ignore_fields: list[str] | None = None) -> str:
        return ""

    assert incompatibilities(reference_like, reference_like) == []
    assert incompatibilities(reference_like, dropped) == ["no parameter ignore_fields"]
    assert "no parameter payload" in incompatibilities(reference_like, renamed)


def run_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_install_as_rxon_resolves_every_rxon_module_to_rxon_core() -> None:
    out = run_python(
        "import rxon_core; rxon_core.install_as_rxon(); rxon_core.install_as_rxon()\n"
        "import rxon, rxon.models, rxon.transports.http\n"
        "from rxon.utils import from_dict\n"
        "from rxon.schema import extract_json_schema\n"
        "import msgspec\n"
        "t = from_dict(rxon.models.TaskPayload, {'job_id': 'j', 'task_id': 't', 'type': 'x'})\n"
        "assert rxon is rxon_core and rxon.models is rxon_core.models\n"
        "assert rxon.transports.http.HttpTransport is rxon_core.HttpTransport\n"
        "assert type(t) is rxon_core.TaskPayload and isinstance(t, msgspec.Struct)\n"
        "print(msgspec.structs.replace(t, priority=2.0).priority)"
    )
    assert out == "2.0"


def test_install_as_rxon_after_the_reference_was_imported_is_refused() -> None:
    out = run_python(
        "import rxon, rxon_core\ntry:\n    rxon_core.install_as_rxon()\nexcept RuntimeError as e:\n    print(e)"
    )
    assert "already imported" in out


def test_an_unknown_rxon_module_is_not_found() -> None:
    out = run_python(
        "import rxon_core; rxon_core.install_as_rxon()\n"
        "try:\n    import rxon.nothing_here\nexcept ModuleNotFoundError as e:\n    print(e.name)"
    )
    assert out == "rxon_core.nothing_here"


def test_a_program_runs_on_rxon_core_through_the_runner(tmp_path: Any) -> None:
    script = tmp_path / "program.py"
    script.write_text("import sys, rxon.models\nprint(rxon.models.TaskPayload.__module__, sys.argv[1:])\n")
    ran = subprocess.run(
        [sys.executable, "-m", "rxon_core.as_rxon", str(script), "--flag", "x"], capture_output=True, text=True
    )
    assert ran.stdout.strip() == "rxon_core.models ['--flag', 'x']", ran.stderr
    (tmp_path / "program_module.py").write_text(script.read_text())
    ran = subprocess.run(
        [sys.executable, "-m", "rxon_core.as_rxon", "-m", "program_module", "y"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert ran.stdout.strip() == "rxon_core.models ['y']", ran.stderr
    usage = subprocess.run([sys.executable, "-m", "rxon_core.as_rxon"], capture_output=True, text=True)
    assert usage.returncode != 0 and "usage:" in usage.stderr
