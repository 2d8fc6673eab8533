"""Vectorised evaluation: SymPy expressions → NumPy arrays, without generating or exec'ing code.

`Program.prepare(exprs)` runs common-subexpression elimination once (symbolic work that does
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


HALF = sympy.Rational(1, 2)
CHUNK = 1 << 17
"""Elements per chunk in run_elementwise: a few 1 MiB temporaries stay in the CPU's cache."""
FEW_OPERATIONS = 3
"""Programs this short run on whole arrays: 2x + 2 needs one buffer anyway."""
SMALL_POWER = 16
"""Integer powers up to this are computed by multiplication (exact for exactly representable
results and much faster than np.power)."""

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
    operations: int  # how many array operations one run performs

    @staticmethod
    def prepare(exprs: Sequence[Sym]) -> Program:
        steps, outputs = sympy.cse(list(exprs), optimizations=())
        operations = sum(sympy.count_ops(e) for e in [*(s for _, s in steps), *outputs])
        return Program(tuple(steps), tuple(outputs), int(operations))

    def run(self, env: Mapping[str, Array], pool: list[Array] | None = None) -> list[Array]:
        """Each output as a float64 array (0-d when every input is a scalar)."""
        values: dict[Sym, Array] = {sympy.Symbol(k): v for k, v in env.items()}
        pool = [] if pool is None else pool
        for name, sub in self.steps:
            values[name] = _Walk(values, pool).value(sub)
        return [
            np.asarray(_Walk(values, pool).value(out), dtype=np.float64) for out in self.outputs
        ]

    def run_elementwise(self, env: Mapping[str, Array]) -> list[Array]:
        """Like run, in cache-sized chunks when every input is a scalar or has one common shape.

        Temporaries then stay small and are reused from chunk to chunk (as numexpr does), which
        is faster than whole-array passes and needs no full-size temporaries at all.
        """
        shapes = {np.shape(v) for v in env.values() if np.ndim(v)}
        if len(shapes) != 1 or self.operations <= FEW_OPERATIONS:
            return self.run(env)  # chunks pay off only once there are temporaries to keep small
        (shape,) = shapes
        size = math.prod(shape)
        outputs = [np.empty(size) for _ in self.outputs]
        pool: list[Array] = []
        for start in range(0, size, CHUNK):
            stop = min(start + CHUNK, size)
            chunk = {k: v.reshape(-1)[start:stop] if np.ndim(v) else v for k, v in env.items()}
            for out, piece in zip(outputs, self.run(chunk, pool), strict=True):
                out[start:stop] = piece
        return [out.reshape(shape) for out in outputs]


def evaluate(expr: Sym, env: Mapping[str, Array]) -> Array:
    """One expression over named arrays (a convenience over Program)."""
    return Program.prepare([expr]).run(env)[0]


class _Walk:
    """One evaluation pass over one tree.

    Arrays the pass allocated ("owned") are written in place when an operation consumes them,
    and returned to `pool` once dead, so a long formula over 10⁷ elements touches a handful of
    buffers instead of allocating (and page-faulting) a fresh one per operation.
    """

    def __init__(self, values: Mapping[Sym, Array], pool: list[Array]) -> None:
        self.values = {_plain(k): v for k, v in values.items()}
        self.owned: set[int] = set()
        self.pool = pool

    def value(self, expr: Sym) -> Array:
        with np.errstate(all="ignore"):
            return self._eval(expr)

    # --- buffers -----------------------------------------------------------------------------

    def _mine(self, array: Array) -> Array:
        if isinstance(array, np.ndarray):
            self.owned.add(id(array))
        return array

    def _owned(self, array: Array) -> bool:
        return isinstance(array, np.ndarray) and id(array) in self.owned and array.ndim > 0

    def _target(self, *operands: Array) -> Array | None:
        """Where an operation's result goes: a dead operand, a pooled buffer, or a new array."""
        shape = np.broadcast_shapes(*(np.shape(o) for o in operands))
        if not shape:
            return None
        for operand in operands:
            if self._owned(operand) and operand.shape == shape:
                return operand
        for k, buffer in enumerate(self.pool):
            if buffer.shape == shape:
                return self._mine(self.pool.pop(k))
        return self._mine(np.empty(shape))

    def _release(self, out: Array, *operands: Array) -> Array:
        """Give the operands that `out` does not reuse back to the pool."""
        for operand in operands:
            if operand is not out and self._owned(operand):
                self.owned.discard(id(operand))
                self.pool.append(operand)
        return out

    def _apply(self, ufunc: Any, *operands: Array) -> Array:
        out = self._target(*operands)
        result = ufunc(*operands, out=out) if out is not None else ufunc(*operands)
        return self._release(result, *operands)

    # --- the tree ------------------------------------------------------------------------------

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
            acc = self._apply(ufunc, acc, item)
        return acc

    def _pow(self, base: Sym, exponent: Sym) -> Array:
        b = self._eval(base)
        if exponent == 2:
            return self._apply(np.square, b)
        if exponent == HALF:
            return self._apply(np.sqrt, b)
        if exponent == -1:
            return self._apply(np.reciprocal, np.asarray(b, dtype=np.float64))
        if exponent == -HALF:
            return self._apply(np.reciprocal, self._apply(np.sqrt, b))
        if exponent.is_Integer and 2 < abs(int(exponent)) <= SMALL_POWER:
            return self._integer_power(b, int(exponent))
        return self._apply(np.power, b, self._eval(exponent))

    def _integer_power(self, b: Array, n: int) -> Array:
        """b**n by repeated squaring: np.power with a float exponent is many times slower."""
        result: Array = None
        square, k = b, abs(n)
        while k:
            if k & 1:
                result = square if result is None else self._keep(np.multiply, result, square)
            k >>= 1
            if k:
                square = self._keep(np.square, square)
        result = np.asarray(result, dtype=np.float64) if result is b else result
        return self._apply(np.reciprocal, result) if n < 0 else result

    def _keep(self, ufunc: Any, *operands: Array) -> Array:
        """An operation whose operands stay alive (they are used again): not written in place."""
        shape = np.broadcast_shapes(*(np.shape(o) for o in operands))
        if not shape:
            return ufunc(*operands)
        for k, buffer in enumerate(self.pool):
            if buffer.shape == shape:
                return ufunc(*operands, out=self._mine(self.pool.pop(k)))
        return ufunc(*operands, out=self._mine(np.empty(shape)))

    def _function(self, expr: Sym) -> Array:
        name = type(expr).__name__
        if name == "Piecewise":
            return self._piecewise(expr)
        if isinstance(expr, sympy.logic.boolalg.Boolean):  # a condition CSE shares: x0 = x < 5/4
            return self._truth(expr)
        if name in ("Max", "Min"):
            return self._fold(expr.args, np.maximum if name == "Max" else np.minimum)
        if name == "Heaviside":  # Heaviside(u, H0): SymPy keeps its value at 0 as an argument
            at_zero = float(expr.args[1]) if len(expr.args) > 1 else 0.5
            return self._apply(np.heaviside, self._eval(expr.args[0]), at_zero)
        fn = UNARY.get(name)
        if fn is None or len(expr.args) != 1:
            raise Unsupported(f"{name} cannot be evaluated on arrays")
        arg = self._eval(expr.args[0])
        if isinstance(fn, np.ufunc):
            return self._apply(fn, arg)
        return self._mine(fn(arg))

    def _piecewise(self, expr: Sym) -> Array:
        """The first piece whose condition holds, NaN where none does (np.select)."""
        values = [self._eval(value) for value, _ in expr.args]
        holds = [self._truth(condition) for _, condition in expr.args]
        shape = np.broadcast_shapes(*(np.shape(a) for a in (*values, *holds)))
        chosen = np.select(
            [np.broadcast_to(h, shape) for h in holds],
            [np.broadcast_to(np.asarray(v, dtype=np.float64), shape) for v in values],
            default=np.nan,
        )
        return self._release(self._mine(chosen), *values)

    def _truth(self, condition: Sym) -> Array:
        if condition.is_Symbol:  # a shared condition, computed once as a boolean array
            return np.asarray(self._symbol(condition), dtype=bool)
        if condition is sympy.true or condition is sympy.false:
            return np.asarray(condition is sympy.true)
        if isinstance(condition, sympy.And | sympy.Or):
            parts = [self._truth(part) for part in condition.args]
            join = np.logical_and if isinstance(condition, sympy.And) else np.logical_or
            return join.reduce(np.broadcast_arrays(*parts))
        compare = COMPARE.get(getattr(condition, "rel_op", ""))
        if compare is None:
            raise Unsupported(f"the condition {condition} cannot be evaluated on arrays")
        return compare(self._eval(condition.lhs), self._eval(condition.rhs))


COMPARE: dict[str, Any] = {
    "<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
    "==": np.equal, "!=": np.not_equal,
}  # fmt: skip
"""SymPy relation (rel_op) → NumPy comparison."""


def _plain(sym: Sym) -> Sym:
    """Symbols compare by name and assumptions; look values up by name only."""
    return sympy.Symbol(sym.name) if sym.is_Symbol else sym
