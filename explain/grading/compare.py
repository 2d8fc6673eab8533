"""Compare an answer with the expected derivative at the sample points: float screen, then digits.

The float screen (relative tolerance FLOAT_RTOL) is only a screen: every point where it sees a
difference is rechecked at 40 digits, and a difference is a witness only when it survives at 70
digits unchanged (float or 40-digit cancellation would shrink instead). Before agreement is
accepted, PRECISE_POINTS points are rechecked the same way ("agrees to 30 digits").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np

from explain.expr import Expr
from explain.grading.evaluate import floats, precise
from explain.grading.sample import CONFIRM_DIGITS, PRECISE_DIGITS, Sample

FLOAT_RTOL = 1e-6
"""Relative tolerance of the float screen."""
PRECISE_RTOL = mpmath.mpf(10) ** -30
"""Relative tolerance at 40 digits: agreement 'to 30 digits'."""
STABLE = 1e-3
"""A real difference is the same (to this relative size) at 40 and at 70 digits."""

Array = Any


@dataclass(frozen=True, slots=True)
class Difference:
    """A point where answer and truth surely differ (values at 70 digits; None: undefined)."""

    index: int
    point: dict[str, Any]
    answer: Any | None
    expected: Any | None


@dataclass(frozen=True, slots=True)
class Comparison:
    """The answer's float values, which points agree, a confirmed witness, 30-digit agreements."""

    values: Array
    agree: Array
    witness: Difference | None
    precise_agreed: int

    @property
    def equal(self) -> bool:
        return self.witness is None


def close(a: Array, b: Array, rtol: float = FLOAT_RTOL) -> Array:
    """Elementwise: both defined and within `rtol` of each other (relative)."""
    with np.errstate(all="ignore"):
        near = np.abs(a - b) <= rtol * np.maximum(np.abs(a), np.abs(b)) + 1e-300
    return near & np.isfinite(a) & np.isfinite(b)


def compare(answer: Expr, sample: Sample, names: Sequence[str]) -> Comparison:
    """The float screen at the sample's points (names: every variable of either); each float
    difference rechecked with digits, the first real one returned as the witness."""
    values = floats(answer, sample.env_for(names), sample.size)
    agree = close(values, sample.reference)
    for k in np.flatnonzero(~agree):
        screened = float(values[k] - sample.reference[k])
        diff = _difference(answer, sample, int(k), names, screened)
        if diff is not None:
            return Comparison(values, agree, diff, 0)
        agree[k] = True  # the float screen was wrong (cancellation): the digits agree
    return Comparison(values, agree, None, 0)


def confirm(answer: Expr, sample: Sample, names: Sequence[str], found: Comparison) -> Comparison:
    """Before agreement is accepted: PRECISE_POINTS points rechecked to 30 digits."""
    values, agree = found.values, found.agree.copy()
    confirmed = 0
    for i in sample.precise_index:
        if sample.precise_reference.get(i) is None:
            continue
        diff = _difference(answer, sample, i, names, None)
        if diff is not None:
            agree[i] = False
            return Comparison(values, agree, diff, confirmed)
        confirmed += 1
    return Comparison(values, agree, None, confirmed)


def _difference(
    answer: Expr, sample: Sample, i: int, names: Sequence[str], screened: float | None
) -> Difference | None:
    """A confirmed difference at point i, or None when the digits say they agree.

    `screened` is the float screen's difference there: when 16 and 40 digits give the same
    difference, it is no rounding artefact and the 70-digit check is not needed.
    """
    point = sample.point(i, names)
    with mpmath.workdps(PRECISE_DIGITS):
        a40 = precise(answer, point)
        r40 = sample.expected_at(i, PRECISE_DIGITS)
        if r40 is None:
            return None  # not inside the domain after all (the float value was rounding)
        if a40 is not None:
            d40 = a40 - r40
            if _within(d40, a40, r40):
                return None  # agrees to 30 digits
            if screened is not None and _stable(screened, d40):
                return Difference(i, point, a40, r40)
    with mpmath.workdps(CONFIRM_DIGITS):
        a70, r70 = precise(answer, point), sample.expected_at(i, CONFIRM_DIGITS)
        if r70 is None:
            return None
        if a70 is None:
            return Difference(i, point, None, r70) if a40 is None else None
        if a40 is None or not _stable(a40 - r40, a70 - r70):
            return None
        return Difference(i, point, a70, r70)


def _within(d: Any, a: Any, r: Any) -> bool:
    """|d| <= PRECISE_RTOL · max(|a|, |r|), exactly; decided from the binary exponents alone
    unless the two sides are within a factor of 8 of each other (10^-30 is about 2^-99.66)."""
    _, man, exp, bits = d._mpf_  # |d| is in [2^(exp+bits-1), 2^(exp+bits)) when man != 0
    if not man:
        return True  # d = 0 (infinities and NaN never reach here: the values are finite)
    sizes = [v[2] + v[3] for v in (a._mpf_, r._mpf_) if v[1]]
    if sizes:
        gap = max(sizes) - (exp + bits)  # binary magnitude of max(|a|, |r|) minus that of |d|
        if gap > 102:
            return True
        if gap < 99:
            return False
    return bool(abs(d) <= PRECISE_RTOL * max(abs(a), abs(r)))


def _stable(d40: Any, d70: Any) -> bool:
    """The same non-zero difference at both precisions: not a rounding artefact."""
    if isinstance(d40, float):  # the float screen's difference: compare as floats
        near = float(d70)
        if math.isfinite(near) and abs(near) > 1e-290:
            return abs(d40 - near) <= STABLE * abs(near)
    return bool(d70 != 0 and abs(d40 - d70) <= STABLE * abs(d70))
