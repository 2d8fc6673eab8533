"""Expressions of a narrated script: values, arithmetic, indexing, f-strings, built-ins, calls."""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from explain.errors import LimitExceeded, Unsupported
from explain.events import Updated
from explain.limits import MAX_FORMAT_WIDTH, MAX_INT_BITS, MAX_LIST_ITEMS, MAX_LOOP_ITERATIONS
from explain.narrate import calls, members, shadow

if TYPE_CHECKING:
    from explain.narrate.run import _Run

OPERATORS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow, ast.MatMult: operator.matmul,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
}  # fmt: skip
IN_PLACE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.iadd, ast.Sub: operator.isub, ast.Mult: operator.imul,
    ast.Div: operator.itruediv, ast.Pow: operator.ipow, ast.MatMult: operator.imatmul,
    ast.FloorDiv: operator.ifloordiv, ast.Mod: operator.imod,
}  # fmt: skip
COMPARISONS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge,
}  # fmt: skip
SHADOWED = {operator.add, operator.sub, operator.mul, operator.truediv, operator.pow}
"""Operators whose shadow is the same operator on element formulas (matmul has its own)."""


@dataclass(frozen=True, slots=True)
class GradModeCall:
    """torch.no_grad() and friends, evaluated: `with` enters `manager()`."""

    name: str
    enabled: bool | None = None  # set_grad_enabled's argument

    @property
    def text(self) -> str:
        return self.name if self.enabled is None else f"{self.name}({self.enabled})"

    def manager(self) -> Any:
        import torch

        if self.enabled is not None:
            return torch.set_grad_enabled(self.enabled)
        return getattr(torch, self.name)()


def evaluate(run: _Run, node: ast.expr, hint: str | None = None) -> Any:
    """The value of one expression node (every case allow.py lets through)."""
    match node:
        case ast.Constant(value=value):
            return value
        case ast.Name(id=name):
            return lookup(run, name)
        case ast.List(elts=items):
            return [evaluate(run, i) for i in items]
        case ast.Tuple(elts=items):
            return tuple(evaluate(run, i) for i in items)
        case ast.Attribute():
            return members.attribute(run, node)
        case ast.Call():
            return members.call(run, node, hint)
        case ast.Subscript(value=value, slice=key):
            return subscript(run, evaluate(run, value), _key(run, key))
        case ast.JoinedStr():
            return fstring(run, node)
    return _operation(run, node)


def _operation(run: _Run, node: ast.expr) -> Any:
    """Operators: arithmetic, not/and/or, comparisons, the conditional expression."""
    match node:
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            return not evaluate(run, operand)
        case ast.UnaryOp(op=op, operand=operand):
            value = evaluate(run, operand)
            return negate(run, value) if isinstance(op, ast.USub) else value
        case ast.BinOp(left=left, op=op, right=right):
            return arith(run, OPERATORS[type(op)], evaluate(run, left), evaluate(run, right))
        case ast.BoolOp(op=op, values=values):
            return _bool_op(run, isinstance(op, ast.And), values)
        case ast.Compare():
            return _compare(run, node)
        case ast.IfExp(test=test, body=body, orelse=orelse):
            return evaluate(run, body if evaluate(run, test) else orelse)
    raise Unsupported(f"line {run.line}: {type(node).__name__} is not supported")


def lookup(run: _Run, name: str) -> Any:
    for scope in (run.scopes[-1], run.globals):
        if name in scope:
            return scope[name]
    raise NameError(f"name '{name}' is not defined")


def _bool_op(run: _Run, is_and: bool, values: list[ast.expr]) -> Any:
    result: Any = None
    for node in values:
        result = evaluate(run, node)
        if bool(result) != is_and:
            return result
    return result


def _compare(run: _Run, node: ast.Compare) -> Any:
    left = evaluate(run, node.left)
    result: Any = True
    for op, right_node in zip(node.ops, node.comparators, strict=True):
        right = evaluate(run, right_node)
        result = COMPARISONS[type(op)](left, right)
        if not result:
            return result
        left = right
    return result


def arith(run: _Run, op: Callable[[Any, Any], Any], left: Any, right: Any) -> Any:
    """left <op> right: numbers as Python does them (bounded), tensors for real with shadows."""
    import torch

    for v in (left, right):
        if not isinstance(v, torch.Tensor | int | float):
            raise Unsupported(f"line {run.line}: arithmetic on {type(v).__name__} is not narrated")
    tensors = [v for v in (left, right) if isinstance(v, torch.Tensor)]
    if not tensors:
        return _number_arith(op, left, right)
    state = run.state
    if op is operator.matmul:
        return calls.binary(state, "matmul", left, right)
    shapes = [tuple(t.shape) for t in tensors]
    calls.check_size(state, math.prod(np.broadcast_shapes(*shapes)))
    result = op(left, right)
    shade = (
        shadow.binary(op, state.shadow_of(left), state.shadow_of(right)) if op in SHADOWED else None
    )
    calls.record(state, result, shade)
    return result


def negate(run: _Run, value: Any) -> Any:
    import torch

    if not isinstance(value, torch.Tensor):
        return arith(run, operator.mul, -1, value)
    result = -value
    calls.record(run.state, result, shadow.negate(run.state.shadow_of(value)))
    return result


def shares_with(run: _Run, tensor: Any) -> str | None:
    """The tensor a detach() or .data result shares its storage with, by name."""
    entry = run.state.known.get(id(tensor))
    ok = entry is not None and entry.tensor is tensor and entry.origin in ("detached", "data")
    return entry.of if ok and entry is not None else None


def updated(run: _Run, tensor: Any, name: str, old: Any, shares: str | None) -> Updated:
    """The event of an in-place change the statement just made."""
    fn = None if tensor.grad_fn is None else type(tensor.grad_fn).__name__
    after = tensor.detach().double().numpy().copy()
    return Updated(run.line, run.text, name, run.text, old, after, tensor.is_leaf, fn,
                   tensor.requires_grad, shares)  # fmt: skip


def _number_arith(op: Callable[[Any, Any], Any], left: Any, right: Any) -> Any:
    if _huge_power(op, left, right):
        raise LimitExceeded(f"{left}**{right} is too large a number for a narrated script")
    result = op(left, right)
    if isinstance(result, int) and result.bit_length() > MAX_INT_BITS:
        raise LimitExceeded("an integer in the script grew beyond the narrator's limit")
    return result


def _huge_power(op: Callable[[Any, Any], Any], left: Any, right: Any) -> bool:
    if op is not operator.pow or not isinstance(left, int) or not isinstance(right, int):
        return False
    return right > 0 and left not in (0, 1, -1) and abs(left).bit_length() * right > MAX_INT_BITS


def _key(run: _Run, node: ast.expr) -> Any:
    """An index: whole numbers, slices, or a tuple of them."""
    match node:
        case ast.Slice(lower=lower, upper=upper, step=step):
            parts = [None if p is None else evaluate(run, p) for p in (lower, upper, step)]
            key: Any = slice(*parts)
        case ast.Tuple(elts=items):
            key = tuple(_key(run, i) for i in items)
        case _:
            key = evaluate(run, node)
    _check_key(run, key)
    return key


def _check_key(run: _Run, key: Any) -> None:
    parts = key if isinstance(key, tuple) else (key,)
    for part in parts:
        ends = (part.start, part.stop, part.step) if isinstance(part, slice) else (part,)
        if not all(e is None or (isinstance(e, int) and not isinstance(e, bool)) for e in ends):
            raise Unsupported(f"line {run.line}: indexes are whole numbers or slices here")


def subscript(run: _Run, owner: Any, key: Any) -> Any:
    """owner[key]: a tensor view (its shadow moved the same way), or an item of a list."""
    import torch

    if isinstance(owner, torch.Tensor):
        result = owner[key]
        shade = shadow.reshape(run.state.shadow_of(owner), lambda a: a[key])
        calls.record(run.state, result, shade)
        return result
    if isinstance(owner, list | tuple | str | torch.Size):
        return owner[key]
    raise TypeError(f"'{type(owner).__name__}' object is not subscriptable")


def fstring(run: _Run, node: ast.JoinedStr) -> str:
    out = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            out.append(str(part.value))
            continue
        assert isinstance(part, ast.FormattedValue)  # noqa: S101  (the only other part)
        value = evaluate(run, part.value)
        if part.conversion != -1:
            value = {ord("r"): repr, ord("a"): ascii}.get(part.conversion, str)(value)
        spec = "" if part.format_spec is None else fstring(run, part.format_spec)  # type: ignore[arg-type]
        check_format_spec(spec)
        out.append(format(value, spec))
    return "".join(out)


def check_format_spec(spec: str) -> None:
    """Refuse a format spec asking for an absurd width or precision (a memory bomb)."""
    if any(int(n) > MAX_FORMAT_WIDTH for n in re.findall(r"\d+", spec)):
        raise LimitExceeded(f"the format spec {spec!r} asks for more than {MAX_FORMAT_WIDTH} "
                            "characters")  # fmt: skip


def iterable(run: _Run, value: Any) -> list[Any]:
    """What a for loop may run over: a bounded range, a list or a tuple."""
    if isinstance(value, range | list | tuple):
        if len(value) > MAX_LOOP_ITERATIONS:
            raise LimitExceeded(f"line {run.line}: a loop of {len(value)} iterations; at most "
                                f"{MAX_LOOP_ITERATIONS}")  # fmt: skip
        return list(value)
    raise Unsupported(f"line {run.line}: a for loop runs over range(n), a list or a tuple here")


def append(items: list[Any], value: Any) -> None:
    if len(items) >= MAX_LIST_ITEMS:
        raise LimitExceeded(f"a list grew beyond {MAX_LIST_ITEMS} items")
    items.append(value)


def builtin(run: _Run, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """print, range, len, float, int, abs, round, min, max, str: Python's own, checked."""
    import torch

    if name == "print":
        return members.print_(run, args, kwargs)
    if kwargs:
        raise Unsupported(f"line {run.line}: {name}() takes no keywords here")
    if name == "range":
        if not 1 <= len(args) <= 3 or not all(isinstance(a, int) for a in args):
            raise TypeError("range() takes one to three whole numbers")
        return range(*args)
    if name in ("abs",) and args and isinstance(args[0], torch.Tensor):
        return calls.unary(run.state, "abs", args[0])
    if name in ("min", "max") and len(args) == 1:
        iterable(run, args[0])
    if name == "str" and args and isinstance(args[0], str):
        return args[0]
    functions: dict[str, Callable[..., Any]] = {
        "len": len, "float": float, "int": int, "abs": abs, "round": round, "min": min,
        "max": max, "str": str,
    }  # fmt: skip
    return functions[name](*args)
