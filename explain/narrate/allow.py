"""The allow-list of a narrated script, checked on the whole tree before anything runs."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable

from explain.errors import ParseError
from explain.limits import MAX_LOOP_ITERATIONS
from explain.narrate import space

MODULES = {
    "torch": "torch", "numpy": "np", "torch.nn": "nn", "torch.optim": "optim",
    "torch.nn.functional": "F",
}  # fmt: skip
"""Importable modules and the one name each may be bound to (`import torch.nn as nn`)."""

FROM_IMPORTS = {("torch", "nn"): "nn", ("torch", "optim"): "optim", ("torch.nn", "functional"): "F"}
"""`from torch import nn` and the like: (module, name) → the name it binds."""

BUILTINS = frozenset({"print", "range", "len", "float", "int", "abs", "round", "min", "max", "str"})
"""Python built-in functions a script may call (each re-implemented, never the real one)."""

ATTRIBUTES = space.MEMBERS | space.TENSOR_METHODS | space.TENSOR_ATTRIBUTES | space.OBJECT_MEMBERS
"""Every attribute name that may appear after a dot."""

_NODES: tuple[type[ast.AST], ...] = (
    ast.Module, ast.Import, ast.ImportFrom, ast.alias, ast.Assign, ast.AugAssign, ast.Expr,
    ast.With, ast.withitem, ast.Name, ast.Load, ast.Store, ast.Constant, ast.List, ast.Tuple,
    ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.MatMult,
    ast.FloorDiv, ast.Mod, ast.USub, ast.UAdd, ast.Not, ast.Call, ast.keyword, ast.Attribute,
    ast.For, ast.If, ast.Break, ast.Continue, ast.Pass, ast.FunctionDef, ast.arguments, ast.arg,
    ast.Return, ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.BoolOp,
    ast.And, ast.Or, ast.IfExp, ast.Subscript, ast.Slice, ast.JoinedStr, ast.FormattedValue,
)  # fmt: skip
"""Syntax a narrated script may use."""

_DESCRIPTIONS = {
    "AsyncFunctionDef": "async def", "ClassDef": "class", "While": "while loop",
    "NamedExpr": "the walrus operator :=", "Lambda": "lambda", "ListComp": "a list comprehension",
    "GeneratorExp": "a generator expression", "Try": "try", "Delete": "del", "Global": "global",
    "Nonlocal": "nonlocal", "Raise": "raise", "Assert": "assert", "Dict": "a dict", "Set": "a set",
    "Starred": "*unpacking", "Yield": "yield", "Await": "await", "AsyncFor": "async for",
    "AsyncWith": "async with", "DictComp": "a dict comprehension", "SetComp": "a set comprehension",
}  # fmt: skip


def check_script(tree: ast.Module) -> None:
    """Raise ParseError for the first construct (in source order) outside the allow-list."""
    callable_names = BUILTINS | _bound_names(tree)
    found = _first_problem(tree, 1, callable_names, in_def=False)
    if found is not None:
        line, problem = found
        raise ParseError(f"line {line}: {problem} is not allowed in a narrated script")


def _bound_names(tree: ast.Module) -> frozenset[str]:
    """Names the script itself binds (def, assignment, for): the only other callable names."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return frozenset(names)


def _first_problem(
    node: ast.AST, line: int, callables: frozenset[str], in_def: bool
) -> tuple[int, str] | None:
    """Depth first, in source order; nodes without a line take their parent's."""
    line = getattr(node, "lineno", line)
    if isinstance(node, ast.Attribute):  # torch.os.system: name .os, the first wrong step
        inner = _first_problem(node.value, line, callables, in_def)
        if inner is not None:
            return inner
    problem = _problem(node, callables, in_def)
    if problem is not None:
        return line, problem
    in_def = in_def or isinstance(node, ast.FunctionDef)
    for child in ast.iter_child_nodes(node):
        found = _first_problem(child, line, callables, in_def)
        if found is not None:
            return found
    return None


def _problem(node: ast.AST, callables: frozenset[str], in_def: bool) -> str | None:
    """What is wrong with this node on its own, or None."""
    if not isinstance(node, _NODES):
        name = type(node).__name__
        return _DESCRIPTIONS.get(name, f"the construct {name}")
    if isinstance(node, ast.stmt):
        return _statement_problem(node, in_def)
    match node:
        case ast.Name(id=name) if name.startswith("__"):
            return f"the name {name}"
        case ast.Attribute(attr=attr) if attr not in ATTRIBUTES:
            return f"the attribute .{attr}"
        case ast.Call(func=ast.Name(id=name)) if name not in callables:
            return f"calling {name}()"
        case ast.Call(keywords=keywords) if any(k.arg is None for k in keywords):
            return "**keyword unpacking"
        case ast.Constant(value=value) if not isinstance(value, int | float | str | None):
            return f"the constant {type(value).__name__}"
    return None


def _statement_problem(node: ast.stmt, in_def: bool) -> str | None:
    match node:
        case ast.Import() | ast.ImportFrom():
            return _import_problem(node)
        case ast.Assign():
            return _assign_problem(node)
        case ast.AugAssign(target=target) if not isinstance(target, ast.Name):
            return "augmented assignment to anything but a name"
        case ast.For():
            return _for_problem(node)
        case ast.FunctionDef():
            return _def_problem(node)
        case ast.Return() if not in_def:
            return "return outside a function"
        case ast.With():
            return _with_problem(node)
    return None


def _import_problem(node: ast.Import | ast.ImportFrom) -> str | None:
    if isinstance(node, ast.ImportFrom):
        for alias in node.names:
            bound = FROM_IMPORTS.get((node.module or "", alias.name))
            if bound is None or (alias.asname or alias.name) != bound:
                return f"from {node.module} import {alias.name}"
        return None
    for alias in node.names:
        bound = alias.asname or alias.name
        plain_submodule = alias.asname is None and alias.name in MODULES
        if MODULES.get(alias.name) != bound and not plain_submodule:
            return f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
    return None


def _assign_problem(node: ast.Assign) -> str | None:
    if len(node.targets) != 1:
        return "chained assignment"
    target = node.targets[0]
    if isinstance(target, ast.Name):
        return None
    if isinstance(target, ast.Tuple) and all(isinstance(t, ast.Name) for t in target.elts):
        return None
    if (
        isinstance(target, ast.Attribute)
        and target.attr == "grad"
        and isinstance(node.value, ast.Constant)
        and node.value.value is None
    ):
        return None
    return "assignment to anything but a name or `x.grad = None`"


def _for_problem(node: ast.For) -> str | None:
    if node.orelse:
        return "for … else"
    if not isinstance(node.target, ast.Name):
        return "a for loop over anything but one name"
    match node.iter:
        case ast.Call(func=ast.Name(id="range"), args=args) if 1 <= len(args) <= 3:
            bounds = [_static_int(a) for a in args]
            if None in bounds or 0 in bounds[2:]:
                return None  # checked when the loop starts
            length = len(range(*bounds))  # type: ignore[arg-type]
            if length > MAX_LOOP_ITERATIONS:
                return f"a loop of {length} iterations (at most {MAX_LOOP_ITERATIONS})"
    return None


_FOLDED: dict[type, Callable[[int, int], int]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Pow: pow,
}


def _static_int(node: ast.expr) -> int | None:
    """A whole number written with literals (10**9, 2*500), or None; never a huge one."""
    match node:
        case ast.Constant(value=int(value)) if not isinstance(value, bool):
            return value
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            inner = _static_int(operand)
            return None if inner is None else -inner
        case ast.BinOp(left=left, op=op, right=right) if type(op) in _FOLDED:
            a, b = _static_int(left), _static_int(right)
            if a is None or b is None or (isinstance(op, ast.Pow) and not 0 <= b <= 64):
                return None
            folded = _FOLDED[type(op)](a, b)
            return folded if abs(folded).bit_length() <= 128 else None
    return None


def _def_problem(node: ast.FunctionDef) -> str | None:
    args = node.args
    if node.decorator_list:
        return "a decorator"
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs or args.defaults:
        return "a def with *args, **kwargs, keyword-only or default arguments"
    return None


def _with_problem(node: ast.With) -> str | None:
    for item in node.items:
        expr = item.context_expr
        ok = (
            item.optional_vars is None
            and isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Attribute)
            and expr.func.attr in space.GRAD_MODES
        )
        if not ok:
            return "a with statement other than a grad mode (`with torch.no_grad():` …)"
    return None
