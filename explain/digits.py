"""SymPy expressions evaluated at float points to many digits: the yardstick that the rounding
of a float64 evaluation is measured against (finite differences near cancellation).

The point's floats are taken exactly (a float is a dyadic rational), so the only error left is
SymPy's own, far below float64's; evaluation is bounded in time and says None when it cannot
give a finite real number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy

from explain.budget import within
from explain.errors import ExplainError

DIGITS = 40
"""Significant digits of the yardstick (float64 carries about 16)."""
SECONDS = 0.2
"""Time budget of one evaluation."""

Sym = Any


def at_point(expr: Sym, values: Mapping[Sym, float], scale: float = 1.0) -> Sym | None:
    """scale·expr at the point (symbol -> float), to DIGITS digits; None when undefined there,
    not real, or too slow."""

    def evaluate() -> Sym:
        exact = {s: sympy.Float(float(v), DIGITS + 20) for s, v in values.items()}
        return (sympy.Float(scale, DIGITS + 20) * expr.xreplace(exact)).evalf(DIGITS)

    try:
        result = within(SECONDS, evaluate)
    except (ArithmeticError, ValueError, TypeError, ExplainError):
        return None
    if not isinstance(result, sympy.Float) or not result.is_finite:
        return None
    return result
