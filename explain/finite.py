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


SMALLER_STEPS = 4
"""The step shrinks 8-fold at most this often (once always, to confirm the estimate)."""


@dataclass(frozen=True, slots=True)
class Estimate:
    """Derivative estimates at some elements, with an error bound and the step h of each."""

    value: Array
    error: Array
    step: Array | None = None  # None: steps_for(values)


def steps_for(values: Array, scale: Array = 1.0) -> Array:
    """The step h for each value: scale·ε^(1/3)·max(1, |v|), rounded so that v ± h is exact."""
    values = np.asarray(values, dtype=np.float64)
    h = scale * STEP_SCALE * np.maximum(1.0, np.abs(values))
    return (values + h) - values


def central(f_plus_minus: Callable[[Array], tuple[Array, Array]], values: Array) -> Estimate:
    """Estimates of d f/d v at each value; `f_plus_minus(h)` returns (f(v + h), f(v - h)).

    `f_plus_minus` is called with the step arrays h, 2h and 4h, so it evaluates the function
    at the six points each element needs (vectorised over the elements), and again with the
    step 8 times smaller: two regular estimates (shrinking like h²) that agree settle it; where
    they do not (the function varies on a finer scale than the step), the step keeps shrinking
    8-fold, up to SMALLER_STEPS times.
    """
    scale = np.ones_like(np.asarray(values, dtype=np.float64))
    value, error, regular = _estimate(f_plus_minus, values, steps_for(values, scale))
    best, settled = scale, ~np.isfinite(value)
    unsure = np.zeros_like(np.asarray(value, dtype=np.float64))  # unsettled: how far steps differ
    for _ in range(SMALLER_STEPS):
        scale = np.where(settled, scale, scale / 8)
        trial, trial_error, now_regular = _estimate(f_plus_minus, values, steps_for(values, scale))
        # two regular steps that agree settle it, with the smaller error bound; when they do
        # not agree the smaller step is trusted (a step that is a multiple of a fast
        # oscillation's period can look regular, even precise, on its own), unless it alone
        # is irregular
        agree = regular & now_regular & (np.abs(trial - value) <= 3 * (error + trial_error))
        finer = (agree & (trial_error < error)) | (~agree & (now_regular | ~regular))
        better = ~settled & finer
        unsure = np.where(settled | agree, unsure, np.fmax(unsure, np.abs(trial - value)))
        value, error = np.where(better, trial, value), np.where(better, trial_error, error)
        best, regular = np.where(better, scale, best), np.where(better, now_regular, regular)
        settled = settled | agree | ~np.isfinite(value)
        if np.all(settled):
            break
    # never settled: the estimates kept moving as the step shrank, by this much at least
    error = np.where(settled, error, np.fmax(error, unsure))
    return Estimate(value=value, error=error, step=steps_for(values, best))


def _estimate(
    f_plus_minus: Callable[[Array], tuple[Array, Array]], values: Array, h: Array
) -> tuple[Array, Array, Array]:
    """d1 with step h, its error bound, and where the steps h, 2h, 4h behave (shrink like h²)."""
    with np.errstate(all="ignore"):
        plus, minus = f_plus_minus(h)
        plus2, minus2 = f_plus_minus(2 * h)
        plus4, minus4 = f_plus_minus(4 * h)
        d1 = (plus - minus) / (2 * h)
        d2 = (plus2 - minus2) / (4 * h)
        d4 = (plus4 - minus4) / (8 * h)
        scale = np.abs(plus) + np.abs(minus) + 2 * np.abs(np.asarray(values) * d1) + 2
        rounding = EPS * scale / h
        error = truncation(d1, d2, d4, rounding) + rounding
    return d1, error, _asymptotic(d1, d2, d4, rounding)


def _asymptotic(d1: Array, d2: Array, d4: Array, rounding: Array) -> Array:
    """The three estimates shrink like h² (d2 − d4 between 2 and 8 times d1 − d2, 4 in the
    limit), or rounding rules (differences at the rounding level)."""
    first, second, noise = np.abs(d1 - d2), np.abs(d2 - d4), 16 * rounding
    return (second <= 8 * first + noise) & (second + noise >= 2 * first)


def truncation(d1: Array, d2: Array, d4: Array, rounding: Array) -> Array:
    """Richardson's truncation error of d1, |d1 − d2|/3, where the three steps show the
    error shrinking like h² (d2 − d4 about 4 times d1 − d2); where they do not (the function
    varies on a scale finer than the steps: sin(1/x³) near 0), nothing is known beyond the
    spread of the three estimates, which is then the error."""
    first, second = np.abs(d1 - d2), np.abs(d2 - d4)
    spread = np.maximum(np.maximum(first, second), np.abs(d1 - d4))
    return np.where(_asymptotic(d1, d2, d4, rounding), first / 3, spread)


def refine(
    estimate: float, value: float, h: float, precise: Callable[[float], Any | None]
) -> float | None:
    """An error bound for the float estimate at `value` (step h), with its rounding measured.

    `precise(p)` is f at the float p to many digits (a number with + - / and float()), or
    None where it cannot say (then so does refine). The points are the ones `central` used.
    """
    f = [precise(value + s * h) for s in (1.0, -1.0, 2.0, -2.0, 4.0, -4.0)]
    if any(v is None for v in f):
        return None
    d = [float((f[2 * i] - f[2 * i + 1]) / (2 * k * h)) for i, k in enumerate((1, 2, 4))]  # type: ignore[operator]
    rounding = abs(estimate - d[0])
    cut = float(truncation(np.float64(d[0]), np.float64(d[1]), np.float64(d[2]), np.float64(0)))
    return cut + rounding + 4 * EPS * abs(estimate)


def sample_indices(size: int, limit: int, seed: int = 0) -> Array:
    """Flat indices to check: all of them for small tensors, else `limit` chosen reproducibly.

    The first and last elements are always included (edges are where mistakes hide).
    """
    if size <= limit:
        return np.arange(size)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(size, size=limit - 2, replace=False)
    return np.unique(np.concatenate(([0, size - 1], chosen)))
