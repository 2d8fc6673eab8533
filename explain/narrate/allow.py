"""The allow-list of a narrated script, checked on the whole tree before anything runs."""

from __future__ import annotations

import ast

from explain.errors import ParseError

TORCH_FUNCTIONS = frozenset(
    {"tensor", "ones", "zeros", "sum", "mean", "exp", "sin", "cos", "log", "sqrt", "abs"}
    | {"relu", "sigmoid", "tanh"}
)
"""torch.<name>(...) calls a script may make."""

GRAD_MODES = frozenset({"no_grad", "enable_grad"})
"""torch.<mode>() context managers a `with` may enter."""

DTYPES = frozenset({"float32", "float64", "float", "double"})
"""torch.<dtype> names (for dtype=)."""

TENSOR_METHODS = frozenset(
    {"sum", "mean", "backward", "detach", "zero_", "item", "requires_grad_", "retain_grad"}
)
"""Methods a script may call on a tensor."""

TENSOR_ATTRIBUTES = frozenset({"grad", "grad_fn", "requires_grad", "is_leaf", "shape", "data"})
"""Attributes a script may read from a tensor."""

ATTRIBUTES = TORCH_FUNCTIONS | GRAD_MODES | DTYPES | TENSOR_METHODS | TENSOR_ATTRIBUTES
"""Every attribute name that may appear after a dot."""

MODULES = {"torch": "torch", "numpy": "np"}
"""Importable modules and the one name each may be bound to."""

_NODES: tuple[type[ast.AST], ...] = (
    ast.Module, ast.Import, ast.alias, ast.Assign, ast.AugAssign, ast.Expr, ast.With,
    ast.withitem, ast.Name, ast.Load, ast.Store, ast.Constant, ast.List, ast.Tuple,
    ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd,
    ast.Call, ast.keyword, ast.Attribute,
)  # fmt: skip
"""Syntax a narrated script may use."""

_DESCRIPTIONS = {
    "ImportFrom": "from-import", "FunctionDef": "def", "AsyncFunctionDef": "async def",
    "ClassDef": "class", "For": "for loop", "While": "while loop", "If": "if statement",
    "NamedExpr": "the walrus operator :=", "Lambda": "lambda", "Subscript": "indexing",
    "ListComp": "a list comprehension", "Try": "try", "Return": "return", "Delete": "del",
    "Global": "global", "Nonlocal": "nonlocal", "Raise": "raise", "Assert": "assert",
    "Compare": "comparison", "BoolOp": "and/or", "IfExp": "a conditional expression",
    "JoinedStr": "an f-string", "Dict": "a dict", "Set": "a set", "Starred": "*unpacking",
}  # fmt: skip


def check_script(tree: ast.Module) -> None:
    """Raise ParseError for the first construct (in source order) outside the allow-list."""
    found = _first_problem(tree, 1)
    if found is not None:
        line, problem = found
        raise ParseError(f"line {line}: {problem} is not allowed in a narrated script")


def _first_problem(node: ast.AST, line: int) -> tuple[int, str] | None:
    """Depth first, in source order; nodes without a line take their parent's."""
    line = getattr(node, "lineno", line)
    if isinstance(node, ast.Attribute):  # torch.os.system: name .os, the first wrong step
        inner = _first_problem(node.value, line)
        if inner is not None:
            return inner
    problem = _problem(node)
    if problem is not None:
        return line, problem
    for child in ast.iter_child_nodes(node):
        found = _first_problem(child, line)
        if found is not None:
            return found
    return None


def _problem(node: ast.AST) -> str | None:
    """What is wrong with this node on its own, or None."""
    if not isinstance(node, _NODES):
        name = type(node).__name__
        return _DESCRIPTIONS.get(name, f"the construct {name}")
    match node:
        case ast.Import():
            return _import_problem(node)
        case ast.Name(id=name) if name.startswith("__"):
            return f"the name {name}"
        case ast.Attribute(attr=attr) if attr not in ATTRIBUTES:
            return f"the attribute .{attr}"
        case ast.Call():
            return _call_problem(node)
        case ast.Assign():
            return _assign_problem(node)
        case ast.AugAssign(target=target) if not isinstance(target, ast.Name):
            return "augmented assignment to anything but a name"
        case ast.With():
            return _with_problem(node)
        case ast.Constant(value=value) if not isinstance(value, int | float | str | None):
            return f"the constant {type(value).__name__}"
    return None


def _import_problem(node: ast.Import) -> str | None:
    for alias in node.names:
        bound = alias.asname or alias.name
        if MODULES.get(alias.name) != bound:
            return f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
    return None


def _call_problem(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name) and func.id != "print":
        return f"calling {func.id}()"
    if not isinstance(func, ast.Name | ast.Attribute):
        return "calling the result of an expression"
    if any(k.arg is None for k in node.keywords):
        return "**keyword unpacking"
    return None


def _assign_problem(node: ast.Assign) -> str | None:
    if len(node.targets) != 1:
        return "chained assignment"
    target = node.targets[0]
    if isinstance(target, ast.Name):
        return None
    if (
        isinstance(target, ast.Attribute)
        and target.attr == "grad"
        and isinstance(node.value, ast.Constant)
        and node.value.value is None
    ):
        return None
    return "assignment to anything but a name or `x.grad = None`"


def _with_problem(node: ast.With) -> str | None:
    for item in node.items:
        expr = item.context_expr
        ok = (
            item.optional_vars is None
            and isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Attribute)
            and expr.func.attr in GRAD_MODES
            and not expr.args
            and not expr.keywords
        )
        if not ok:
            return "a with statement other than `with torch.no_grad():`/`torch.enable_grad():`"
    return None
