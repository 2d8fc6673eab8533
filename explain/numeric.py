"""Values: points the user gives (`x=1, y=pi/2`) and a derivative there, exact and as a float."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import sympy

from explain import limits
from explain.budget import within
from explain.errors import LimitExceeded, MathError, UsageError
from explain.parse import variable_name
from explain.steps import PointValue
from explain.symbolic import symbol

Point = tuple[tuple[str, Any], ...]
"""Variable name -> exact SymPy value, in the order given."""

FLOAT64_EXACT = 2**53


def parse_point(text: str, label: str = "--at") -> Point:
    """`x=1, y=pi/2` -> ((x, 1), (y, pi/2)): exact constants, read by explain.values."""
    from explain.values import parse_values  # NumPy loads only when a point is given

    values = parse_values(text, label)
    tensors = [v.name for v in values if v.exact is None]
    if tensors:
        raise UsageError(
            f"{', '.join(tensors)} is a tensor: an exact value needs numbers",
            source=text,
            label=label,
            hint="leave out --no-check to cross-check on tensors",
        )
    return tuple((v.name, v.exact) for v in values)


def point_from_mapping(values: Mapping[str, object]) -> Point:
    """A point from Python values (API use): ints, Fractions, floats, or strings like "pi/2"."""
    pairs: list[tuple[str, Any]] = []
    for name, value in values.items():
        if isinstance(value, str):
            pairs += parse_point(f"{name}={value}", label="value")
            continue
        if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
            raise UsageError(f"value of {name} must be a number, got {type(value).__name__}")
        if isinstance(value, float) and not math.isfinite(value):
            raise MathError(f"the value of {name} is not a finite real number")
        exact = sympy.Float(value) if isinstance(value, float) else sympy.Rational(value)
        pairs.append((variable_name(name), exact))
    return tuple(pairs)


def value_at(derivative: Any, point: Point) -> PointValue:
    """The derivative at the point: exact (within a budget) and a float, or why there is none."""
    given = {symbol(name): value for name, value in point}
    missing = sorted(str(s) for s in derivative.free_symbols - set(given) if s.is_Symbol)
    if missing:
        raise UsageError(f"--at gives no value for {', '.join(missing)}")
    exact = within(limits.EVAL_SECONDS, lambda: derivative.subs(given))
    if exact is None:
        raise LimitExceeded(f"evaluating the derivative took longer than {limits.EVAL_SECONDS:g} s")
    approx = within(limits.EVAL_SECONDS, lambda: complex(sympy.N(exact, 17)))
    note = _note(exact, approx, point)
    real = (
        approx.real
        if approx is not None and approx.imag == 0 and approx.real == approx.real
        else None
    )
    if real is not None and abs(real) == float("inf"):
        real = None
    return PointValue(point=point, exact=exact, approx=real, note=note)


def _note(exact: Any, approx: complex | None, point: Point) -> str | None:
    if exact.has(sympy.zoo, sympy.oo, -sympy.oo) or (
        approx is not None and abs(approx) == float("inf")
    ):
        return "the derivative is unbounded at this point"
    if exact.has(sympy.nan) or approx is None or math.isnan(approx.real) or math.isnan(approx.imag):
        return "the derivative is undefined at this point"
    if approx.imag != 0:
        return "the derivative is not real at this point (outside the function's real domain)"
    big = [name for name, v in point if v.is_Integer and abs(int(v)) > FLOAT64_EXACT]
    if big:
        return f"{', '.join(big)} is not exactly representable as a float64; the float is rounded"
    return None
