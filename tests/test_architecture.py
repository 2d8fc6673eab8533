"""The architecture rules, checked by machine: import layers, lazy torch/SymPy, no eval."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "explain"

# High to low; a module imports only modules on strictly lower layers (render/* may use each other).
LAYERS: dict[str, float] = {
    "cli": 12,
    "display": 11, "terminal": 11,
    "api": 10, "render": 10,
    "batch": 9, "worksheet": 9,
    "questions": 8.5,
    "crosscheck": 8, "grading": 8, "narrate": 8,
    "precision": 7.5,
    "rules": 7, "numeric": 7, "autograd": 7, "elements": 7, "matrix": 7,
    "values": 6.5,
    "parse_latex": 6, "vectorised": 6, "finite": 6, "digits": 6,
    "parse": 5, "symbolic": 5, "piecewise": 4.8, "lexicon": 4.5,
    "reports": 4, "events": 4, "grades": 4,
    "steps": 3,
    "written": 2.5, "conditions": 2.4,
    "expr": 2,
    "budget": 1.5,
    "errors": 1, "limits": 1,
}  # fmt: skip
RENDER_MAY_USE = {
    "expr", "written", "conditions", "steps", "reports", "events", "grades", "errors", "limits",
    "render",
}  # fmt: skip


def layer_of(module: str) -> str:
    """explain.render.text -> render; explain.rules.power -> rules."""
    return module.split(".")[1]


def modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        out.append((name, path))
    return out


def explain_imports(path: Path) -> set[str]:
    """Every explain.* module imported anywhere in the file (lazy imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("explain.")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("explain"):
            if node.module == "explain":
                found |= {f"explain.{a.name}" for a in node.names}
            else:
                found.add(node.module)
    return found


@pytest.mark.parametrize(("name", "path"), [m for m in modules() if m[0].count(".") >= 1], ids=str)
def test_imports_respect_layers(name: str, path: Path) -> None:
    mine = layer_of(name)
    if mine in ("__main__",):
        return
    assert mine in LAYERS, (
        f"{name}: module not placed in a layer (add it to LAYERS and ARCHITECTURE)"
    )
    for imported in explain_imports(path):
        theirs = layer_of(imported)
        if theirs == mine:
            continue
        assert theirs in LAYERS, f"{name} imports unknown module {imported}"
        assert LAYERS[theirs] < LAYERS[mine], f"{name} (layer {mine}) must not import {imported}"
        if mine == "render":
            assert theirs in RENDER_MAY_USE, f"renderer {name} imports engine module {imported}"


def test_nothing_imports_cli() -> None:
    for name, path in modules():
        if name not in ("explain.cli", "explain.__main__"):
            assert "explain.cli" not in explain_imports(path), name


def run_python(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout


def test_cli_import_loads_neither_torch_nor_sympy() -> None:
    out = run_python(
        "import sys, explain.cli; print('torch' in sys.modules, 'sympy' in sys.modules)"
    )
    assert out.split() == ["False", "False"]


def test_symbolic_derivation_never_loads_torch() -> None:
    code = (
        "import sys, explain\n"
        "from explain.render import render\n"
        "d = explain.derive('x**2 + 2*x + 1', 'x', at='x=1')\n"
        "render(d, 'json')\n"
        "print('torch' in sys.modules)"
    )
    assert run_python(code).strip() == "False"


BANNED_NAMES = {"eval", "exec", "compile", "__import__"}
BANNED_ATTRIBUTES = {"sympify", "parse_expr", "lambdify", "parse_latex"}


def test_no_eval_like_calls_in_the_package() -> None:
    for name, path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name):
                    assert func.id not in BANNED_NAMES, f"{name}:{node.lineno} calls {func.id}"
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                    banned = func.value.id in ("sympy", "sp") and func.attr in BANNED_ATTRIBUTES
                    assert not banned, f"{name}:{node.lineno} calls {func.attr}"


def test_torch_is_only_imported_inside_functions() -> None:
    for name, path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert not any(n.split(".")[0] == "torch" for n in names), (
                    f"{name} imports torch at module level"
                )
