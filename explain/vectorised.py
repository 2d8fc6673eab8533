"""Vectorised evaluation: SymPy expressions → NumPy arrays, without generating or exec'ing code.

`Program.compile(exprs)` runs common-subexpression elimination once (symbolic work that does
not grow with the data); `program.run(env)` walks the small expression trees, calling one NumPy
ufunc per node over whole arrays. Temporaries the walk owns are reused in place (`out=`), so a
polynomial's gradient costs about two passes over memory and no more arrays than it needs.
Undefined points give inf/nan (under np.errstate), never exceptions: the caller reports them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from explain.errors import Unsupported

Sym = Any
Array = Any


def _sigmoid(x: Array) -> Array:
    return np.exp(-np.logaddexp(0.0, -x))


def _erf(x: Array) -> Array:
    return np.vectorize(math.erf, otypes=[float])(x)


UNARY: dict[str, Callable[[Array], Array]] = {
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "log": np.log,
    "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh,
    "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh,
    "Abs": np.abs, "sign": np.sign, "sigmoid": _sigmoid, "erf": _erf,
    "sec": lambda u: 1.0 / np.cos(u), "csc": lambda u: 1.0 / np.sin(u),
    "cot": lambda u: 1.0 / np.tan(u), "sech": lambda u: 1.0 / np.cosh(u),
    "csch": lambda u: 1.0 / np.sinh(u), "coth": lambda u: 1.0 / np.tanh(u),
    "asec": lambda u: np.arccos(1.0 / u), "acsc": lambda u: np.arcsin(1.0 / u),
    "acot": lambda u: np.arctan(1.0 / u),
    "detach": lambda u: u,
}  # fmt: skip
"""SymPy function name → NumPy (elementwise)."""


@dataclass(frozen=True, slots=True)
class Program:
    """Expressions after CSE: `steps` assign shared sub-expressions, `outputs` use them."""

    steps: tuple[tuple[Sym, Sym], ...]
    outputs: tuple[Sym, ...]

    @staticmethod
    def compile(exprs: Sequence[Sym]) -> Program:
        steps, outputs = sympy.cse(list(exprs), optimizations=())
        return Program(tuple(steps), tuple(outputs))

    def run(self, env: Mapping[str, Array]) -> list[Array]:
        """Each output as a float64 array (0-d when every input is a scalar)."""
        values: dict[Sym, Array] = {sympy.Symbol(k): v for k, v in env.items()}
        for name, sub in self.steps:
            values[name] = _Walk(values).value(sub)
        results = []
        for out in self.outputs:
            result = _Walk(values).value(out)
            results.append(np.asarray(result, dtype=np.float64))
        return results


def evaluate(expr: Sym, env: Mapping[str, Array]) -> Array:
    """One expression over named arrays (a convenience over Program)."""
    return Program.compile([expr]).run(env)[0]


class _Walk:
    """One evaluation pass; arrays it allocated itself ("owned") may be overwritten in place."""

    def __init__(self, values: Mapping[Sym, Array]) -> None:
        self.values = {_plain(k): v for k, v in values.items()}
        self.owned: set[int] = set()

    def value(self, expr: Sym) -> Array:
        with np.errstate(all="ignore"):
            return self._eval(expr)

    def _mine(self, array: Array) -> Array:
        if isinstance(array, np.ndarray):
            self.owned.add(id(array))
        return array

    def _can_overwrite(self, array: Array) -> bool:
        return isinstance(array, np.ndarray) and id(array) in self.owned and array.ndim > 0

    def _eval(self, expr: Sym) -> Array:
        if expr.is_Symbol:
            return self._symbol(expr)
        if expr.is_Number or expr.is_NumberSymbol:
            return float(expr)
        if expr.is_Add:
            return self._fold(expr.args, np.add)
        if expr.is_Mul:
            return self._fold(expr.args, np.multiply)
        if expr.is_Pow:
            return self._pow(expr.base, expr.exp)
        return self._function(expr)

    def _symbol(self, expr: Sym) -> Array:
        try:
            return self.values[_plain(expr)]
        except KeyError:
            raise Unsupported(f"no value was given for {expr}") from None

    def _fold(self, args: Sequence[Sym], ufunc: Any) -> Array:
        # Arrays first, so scalars fold into an array we own instead of allocating twice.
        items = sorted((self._eval(a) for a in args), key=lambda v: not isinstance(v, np.ndarray))
        acc = items[0]
        for item in items[1:]:
            if self._can_overwrite(acc) and np.shape(acc) == np.broadcast_shapes(
                np.shape(acc), np.shape(item)
            ):
                ufunc(acc, item, out=acc)
            else:
                acc = self._mine(ufunc(acc, item))
        return acc

    def _pow(self, base: Sym, exponent: Sym) -> Array:
        b = self._eval(base)
        out = b if self._can_overwrite(b) else None
        if exponent == 2:
            return self._mine(np.square(b, out=out))
        if exponent == sympy.Rational(1, 2):
            return self._mine(np.sqrt(b, out=out))
        if exponent == -1:
            return self._mine(np.reciprocal(np.asarray(b, dtype=np.float64), out=out))
        if exponent == sympy.Rational(-1, 2):
            root = np.sqrt(b, out=out)
            return self._mine(np.reciprocal(root, out=root if self._can_overwrite(root) else None))
        e = self._eval(exponent)
        return self._mine(np.power(b, e))

    def _function(self, expr: Sym) -> Array:
        name = type(expr).__name__
        if name in ("Max", "Min"):
            ufunc = np.maximum if name == "Max" else np.minimum
            return self._fold(expr.args, ufunc)
        if name == "Heaviside":  # Heaviside(u, H0): SymPy keeps its value at 0 as an argument
            at_zero = float(expr.args[1]) if len(expr.args) > 1 else 0.5
            return self._mine(np.heaviside(self._eval(expr.args[0]), at_zero))
        fn = UNARY.get(name)
        if fn is None or len(expr.args) != 1:
            raise Unsupported(f"{name} cannot be evaluated on arrays")
        arg = self._eval(expr.args[0])
        if isinstance(fn, np.ufunc) and self._can_overwrite(arg):
            return fn(arg, out=arg)
        return self._mine(fn(arg))


def _plain(sym: Sym) -> Sym:
    """Symbols compare by name and assumptions; look values up by name only."""
    return sympy.Symbol(sym.name) if sym.is_Symbol else sym
