"""Evaluate an Expr tree at points: with NumPy over arrays of points, or with mpmath at 40 digits.

Both walk the tree as the person wrote it (no SymPy, no generated code). Undefined values
(outside the real domain, division by zero, overflow) come out as NaN (NumPy) or None
(mpmath), never as exceptions: the caller decides what an undefined point means.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import mpmath
import numpy as np

from explain.errors import Unsupported
from explain.expr import (
    Add,
    Apply,
    Call,
    Cases,
    Compare,
    Const,
    Div,
    Expr,
    Index,
    Mul,
    Neg,
    Num,
    Pow,
    Sub,
    Var,
    children,
)

Array = Any
Real = Any
"""An mpmath mpf."""


def _sigmoid(u: Array) -> Array:
    return np.exp(-np.logaddexp(0.0, -u))


def _erf(u: Array) -> Array:  # NumPy has no erf; explain.vectorised (SymPy side) has its own
    return np.vectorize(math.erf, otypes=[float])(u)


def _factorial(u: Array) -> Array:
    whole = (u == np.round(u)) & (u >= 0) & (u <= 170)
    return np.where(
        whole, np.vectorize(math.gamma, otypes=[float])(np.where(whole, u, 0) + 1), np.nan
    )


FLOAT: dict[str, Callable[[Array], Array]] = {
    "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "sec": lambda u: 1 / np.cos(u), "csc": lambda u: 1 / np.sin(u), "cot": lambda u: 1 / np.tan(u),
    "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
    "asec": lambda u: np.where(np.abs(u) >= 1, np.arccos(1 / u), np.nan),
    "acsc": lambda u: np.where(np.abs(u) >= 1, np.arcsin(1 / u), np.nan),
    "acot": lambda u: np.arctan(1 / u),
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh,
    "sech": lambda u: 1 / np.cosh(u), "csch": lambda u: 1 / np.sinh(u),
    "coth": lambda u: 1 / np.tanh(u),
    "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh,
    "exp": np.exp, "log": np.log, "log10": np.log10, "log2": np.log2,
    "sqrt": np.sqrt, "cbrt": np.cbrt, "abs": np.abs, "sign": np.sign,
    "relu": lambda u: np.maximum(u, 0.0), "sigmoid": _sigmoid, "erf": _erf,
    "factorial": _factorial,
    "sum": lambda u: u, "mean": lambda u: u, "prod": lambda u: u, "max": lambda u: u,
    "transpose": lambda u: u, "detach": lambda u: u,
}  # fmt: skip
"""Canonical function name → NumPy, elementwise over float64 arrays (scalars: reductions are u)."""


def _mp_cbrt(u: Real) -> Real:
    return mpmath.sign(u) * mpmath.cbrt(abs(u))


def _mp_factorial(u: Real) -> Real:
    if u != mpmath.floor(u) or u < 0 or u > 1000:
        return mpmath.nan
    return mpmath.factorial(u)


PRECISE: dict[str, Callable[[Real], Real]] = {
    "sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan,
    "sec": mpmath.sec, "csc": mpmath.csc, "cot": mpmath.cot,
    "asin": mpmath.asin, "acos": mpmath.acos, "atan": mpmath.atan,
    "asec": mpmath.asec, "acsc": mpmath.acsc, "acot": mpmath.acot,
    "sinh": mpmath.sinh, "cosh": mpmath.cosh, "tanh": mpmath.tanh,
    "sech": mpmath.sech, "csch": mpmath.csch, "coth": mpmath.coth,
    "asinh": mpmath.asinh, "acosh": mpmath.acosh, "atanh": mpmath.atanh,
    "exp": mpmath.exp, "log": mpmath.log, "log10": mpmath.log10,
    "log2": lambda u: mpmath.log(u, 2),
    "sqrt": mpmath.sqrt, "cbrt": _mp_cbrt, "abs": abs, "sign": mpmath.sign,
    "relu": lambda u: max(u, 0), "sigmoid": lambda u: 1 / (1 + mpmath.exp(-u)),
    "erf": mpmath.erf, "factorial": _mp_factorial,
    "sum": lambda u: u, "mean": lambda u: u, "prod": lambda u: u, "max": lambda u: u,
    "transpose": lambda u: u, "detach": lambda u: u,
}  # fmt: skip
"""Canonical function name → mpmath (complex results are caught by the caller)."""


def _unsupported(node: Expr) -> Unsupported:
    kind = "an unknown function" if isinstance(node, Apply) else "indexing"
    return Unsupported(f"{kind} has no value at a point: the answer cannot be compared")


def floats(expr: Expr, env: Mapping[str, Array], n: int) -> Array:
    """The values of `expr` at n points (env: name → float64 array of n); NaN if undefined."""
    with np.errstate(all="ignore"):
        out = np.array(_floats(expr, env), dtype=float)  # a copy: never the env's own array
    if out.shape != (n,):
        out = np.broadcast_to(out, (n,)).copy()
    bad = ~np.isfinite(out)
    if bad.any():
        out[bad] = np.nan
    return out


def _float_power(base: Array, exponent: Array) -> Array:
    return np.power(np.asarray(base, dtype=float), exponent)


FLOAT_BINARY: dict[type, Callable[[Array, Array], Array]] = {
    Add: np.add, Sub: np.subtract, Mul: np.multiply, Div: np.divide, Pow: _float_power,
}  # fmt: skip


def _floats(node: Expr, env: Mapping[str, Array]) -> Array:
    binary = FLOAT_BINARY.get(type(node))  # the common nodes first, without a match
    if binary is not None:
        a, b = children(node)
        return binary(_floats(a, env), _floats(b, env))
    if isinstance(node, Var):
        return env[node.name]
    match node:
        case Num(text=text):
            return float(text)
        case Const(name=name):
            return math.pi if name == "pi" else math.e
        case Var(name=name):
            return env[name]
        case Neg(operand=a):
            return -_floats(a, env)
        case Add() | Sub() | Mul() | Div() | Pow():
            a, b = children(node)
            return FLOAT_BINARY[type(node)](_floats(a, env), _floats(b, env))
        case Call():
            return _float_call(node, env)
        case Apply() | Index() | Cases():
            return _float_cases(node, env)
    raise AssertionError(node)  # pragma: no cover


COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip


def _float_cases(node: Apply | Index | Cases, env: Mapping[str, Array]) -> Array:
    """The first piece whose condition holds at each point; NaN where none holds."""
    if not isinstance(node, Cases):
        raise _unsupported(node)
    holds = [_holds(p.condition, lambda e: _floats(e, env)) for p in node.pieces]
    values = [_floats(p.value, env) for p in node.pieces]
    shape = np.broadcast_shapes(*(np.shape(a) for a in (*holds, *values)))
    return np.select(
        [np.broadcast_to(h, shape) for h in holds],
        [np.broadcast_to(np.asarray(v, dtype=float), shape) for v in values],
        default=np.nan,
    )


def chosen_pieces(node: Cases, env: Mapping[str, Array], size: int) -> Array:
    """At each point, the index of the first piece whose condition holds (-1: none holds)."""
    holds = [_holds(p.condition, lambda e: _floats(e, env)) for p in node.pieces]
    return np.select(
        [np.broadcast_to(h, (size,)) for h in holds], list(range(len(holds))), default=-1
    )


def _holds(condition: tuple[Compare, ...], value: Callable[[Expr], Any]) -> Any:
    """Every comparison holds (True for otherwise); elementwise over arrays."""
    holds: Any = True
    for c in condition:
        holds = holds & COMPARE[c.op](value(c.left), value(c.right))
    return np.asarray(holds)


def _float_call(node: Call, env: Mapping[str, Array]) -> Array:
    args = [_floats(a, env) for a in node.args]
    if node.func in ("matmul", "dot"):
        return args[0] * args[1]
    if node.func == "root":
        return np.power(np.asarray(args[0], dtype=float), 1 / np.asarray(args[1]))
    if node.func == "log" and len(args) == 2:
        return np.log(args[0]) / np.log(args[1])
    return FLOAT[node.func](np.asarray(args[0], dtype=float))


def precise(expr: Expr, env: Mapping[str, Real]) -> Real | None:
    """The value of `expr` at one point with mpmath's current precision; None where undefined."""
    try:
        value = _precise(expr, env)
    except (ZeroDivisionError, ValueError, OverflowError, TypeError):
        return None
    if isinstance(value, mpmath.mpc):
        if value.imag != 0:
            return None
        value = value.real
    if not isinstance(value, mpmath.mpf):
        value = mpmath.mpf(value)
    return value if mpmath.isfinite(value) else None


PRECISE_BINARY: dict[type, Callable[[Real, Real], Real]] = {
    Add: operator.add, Sub: operator.sub, Mul: operator.mul, Div: operator.truediv,
    Pow: lambda a, b: _real(a) ** _real(b),
}  # fmt: skip


def _precise(node: Expr, env: Mapping[str, Real]) -> Real:
    binary = PRECISE_BINARY.get(type(node))
    if binary is not None:
        a, b = children(node)
        return binary(_precise(a, env), _precise(b, env))
    if isinstance(node, Var):
        return env[node.name]
    match node:
        case Num(text=text):
            return _mp_number(text, mpmath.mp.prec)
        case Const(name=name):
            return +mpmath.pi if name == "pi" else mpmath.e()
        case Var(name=name):
            return env[name]
        case Neg(operand=a):
            return -_precise(a, env)
        case Add() | Sub() | Mul() | Div() | Pow():
            a, b = children(node)
            return PRECISE_BINARY[type(node)](_precise(a, env), _precise(b, env))
        case Call():
            return _precise_call(node, env)
        case Apply() | Index() | Cases():
            return _precise_cases(node, env)
    raise AssertionError(node)  # pragma: no cover


def _precise_cases(node: Apply | Index | Cases, env: Mapping[str, Real]) -> Real:
    """The value of the first piece whose condition holds; undefined (ValueError) if none."""
    if not isinstance(node, Cases):
        raise _unsupported(node)
    for piece in node.pieces:
        if all(
            COMPARE[c.op](_real(_precise(c.left, env)), _real(_precise(c.right, env)))
            for c in piece.condition
        ):
            return _precise(piece.value, env)
    raise ValueError("no condition holds")


@lru_cache(maxsize=4096)
def _mp_number(text: str, prec: int) -> Real:
    """A number literal at `prec` bits (mpf values are immutable: one per literal and precision)."""
    with mpmath.workprec(prec):
        return mpmath.mpf(text)


def _real(value: Real) -> Real:
    """Stop at the first non-real intermediate: the real domain ends there."""
    if isinstance(value, mpmath.mpc):
        if value.imag != 0:
            raise ValueError("not real")
        return value.real
    return value


def _precise_call(node: Call, env: Mapping[str, Real]) -> Real:
    args = [_real(_precise(a, env)) for a in node.args]
    if node.func in ("matmul", "dot"):
        return args[0] * args[1]
    if node.func == "root":
        return args[0] ** (1 / args[1])
    if node.func == "log" and len(args) == 2:
        return mpmath.log(args[0]) / mpmath.log(args[1])
    if node.func in ("log", "log10", "log2") and args[0] <= 0:
        raise ValueError("log of a non-positive number")
    return PRECISE[node.func](args[0])
