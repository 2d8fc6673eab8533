"""Central finite differences with a step scaled to each element, and their own error estimate.

For an element value v the step is h = ε^(1/3)·max(1, |v|) (ε = float64's machine epsilon),
which balances truncation (∝ h²) against rounding (∝ ε/h). The estimate D(h) is reported with
an error bound: Richardson's comparison with D(2h) for truncation, plus rounding. Rounding is
taken relative to the magnitudes that enter f, not only to f's value (f = tanh(x) - 1 + x is
small at 0.5 while its terms are not): ε·(|f₊| + |f₋| + 2|v·D| + 2)/h.

That rounding term is an estimate, blind to cancellation inside f ((x − 1)/(x − x²) near 1
loses 12 digits before the quotient is formed). Where an estimate seems to miss, `refine`
measures instead: the same quotients of f evaluated to many digits at the same float points
give the float estimate's actual rounding error and a truncation error free of rounding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

Array = Any
EPS = float(np.finfo(np.float64).eps)
STEP_SCALE = EPS ** (1 / 3)


@dataclass(frozen=True, slots=True)
class Estimate:
    """Derivative estimates at some elements, with an error bound for each."""

    value: Array
    error: Array


def steps_for(values: Array) -> Array:
    """The step h for each value: ε^(1/3)·max(1, |v|), rounded so that v ± h is exact."""
    values = np.asarray(values, dtype=np.float64)
    h = STEP_SCALE * np.maximum(1.0, np.abs(values))
    return (values + h) - values


def central(f_plus_minus: Callable[[Array], tuple[Array, Array]], values: Array) -> Estimate:
    """Estimates of d f/d v at each value; `f_plus_minus(h)` returns (f(v + h), f(v - h)).

    `f_plus_minus` is called with the step array h and 2h, so it evaluates the function at the
    four points each element needs (vectorised over the elements).
    """
    h = steps_for(values)
    with np.errstate(all="ignore"):
        plus, minus = f_plus_minus(h)
        plus2, minus2 = f_plus_minus(2 * h)
        d1 = (plus - minus) / (2 * h)
        d2 = (plus2 - minus2) / (4 * h)
        truncation = np.abs(d1 - d2) / 3
        scale = np.abs(plus) + np.abs(minus) + 2 * np.abs(np.asarray(values) * d1) + 2
        rounding = EPS * scale / h
        error = truncation + rounding
    return Estimate(value=d1, error=error)


def refine(estimate: float, value: float, precise: Callable[[float], Any | None]) -> float | None:
    """An error bound for the float estimate at `value`, with its rounding measured.

    `precise(p)` is f at the float p to many digits (a number with + - / and float()), or
    None where it cannot say (then so does refine). The points are the ones `central` used.
    """
    h = float(steps_for(value))
    f = [precise(value + s * h) for s in (1.0, -1.0, 2.0, -2.0)]
    if any(v is None for v in f):
        return None
    d_h = (f[0] - f[1]) / (2 * h)  # type: ignore[operator]
    d_2h = (f[2] - f[3]) / (4 * h)  # type: ignore[operator]
    truncation = abs(float(d_h - d_2h)) / 3
    rounding = abs(estimate - float(d_h))
    return truncation + rounding + 4 * EPS * abs(estimate)


def sample_indices(size: int, limit: int, seed: int = 0) -> Array:
    """Flat indices to check: all of them for small tensors, else `limit` chosen reproducibly.

    The first and last elements are always included (edges are where mistakes hide).
    """
    if size <= limit:
        return np.arange(size)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(size, size=limit - 2, replace=False)
    return np.unique(np.concatenate(([0, size - 1], chosen)))
