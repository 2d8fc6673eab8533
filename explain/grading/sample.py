"""Points inside the problem's real domain, one per slice of the range, and the truth there.

Candidates come from several scales (so that narrow domains such as asin(2x) and overflowing
ones such as (x − a)^6000 still get points); each slice of [−s, s] contributes at most one
point, so both signs are always tried. A point is kept only where the problem's function and
the expected derivative are real and finite (domain-aware: undefined, complex and overflowing
points are skipped).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np

from explain.expr import Expr
from explain.grading.evaluate import floats, precise

SLICES = 8
"""Points per screen (one per slice of the range)."""
SCALES = (3.0, 1.0, 0.4, 10.0, 40.0)
"""Half-widths of the ranges tried, in order of preference."""
PRECISE_DIGITS = 40
"""mpmath working precision of the recheck (the verdict speaks of 30 digits: 10 guard digits)."""
CONFIRM_DIGITS = 70
"""Precision a 40-digit difference must survive before it is a witness."""
PRECISE_POINTS = 2
"""Agreeing points rechecked at high precision before an answer is accepted."""

Array = Any


def _rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def candidates(names: Sequence[str], var: str, seed: int) -> dict[str, Array]:
    """len(SCALES)·SLICES candidate points: `var` one per slice, the others at random."""
    env: dict[str, Array] = {}
    for name in names:
        rng = _rng(seed, name)
        parts = []
        for scale in SCALES:
            if name == var:
                width = 2 * scale / SLICES
                lows = -scale + width * np.arange(SLICES)
                parts.append(lows + width * rng.uniform(0.05, 0.95, SLICES))
            else:
                parts.append(rng.uniform(-scale, scale, SLICES))
        env[name] = np.concatenate(parts)
    return env


@dataclass
class Sample:
    """The chosen points, the expected values there (float and 40-digit), extra variables."""

    var: str
    seed: int
    env: dict[str, Array]
    reference: Array
    precise_index: tuple[int, ...]
    precise_reference: dict[int, Any] = field(default_factory=dict)
    truth: Expr | None = None
    _digits: dict[tuple[int, int], Any] = field(default_factory=dict)
    _points: list[dict[str, Any]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return int(self.reference.shape[0])

    def env_for(self, names: Sequence[str]) -> dict[str, Array]:
        """The points, with values for variables the problem does not have (seeded by name)."""
        missing = [n for n in names if n not in self.env]
        if not missing:
            return self.env
        env = dict(self.env)
        for name in missing:
            env[name] = _rng(self.seed, name).uniform(-3.0, 3.0, self.size)
        return env

    def expected_at(self, index: int, digits: int) -> Any | None:
        """The expected value at point `index` with `digits` digits (computed once)."""
        key = (index, digits)
        if key not in self._digits:
            with mpmath.workdps(digits):
                truth = self.truth
                value = precise(truth, self.point(index, tuple(self.env))) if truth else None
                self._digits[key] = value
        return self._digits[key]

    def point(self, index: int, names: Sequence[str]) -> dict[str, Any]:
        """One point as mpmath numbers (exactly the float64 values the screen used)."""
        if not self._points:  # once per sample: mpf values are immutable
            self._points = [
                {n: mpmath.mpf(float(v[i])) for n, v in self.env.items()} for i in range(self.size)
            ]
        known = self._points[index]
        if all(n in known for n in names):
            return {n: known[n] for n in names}
        env = self.env_for(names)
        return {n: mpmath.mpf(float(env[n][index])) for n in names}


def choose(
    reference: Expr, function: Expr | None, names: Sequence[str], var: str, seed: int
) -> Sample | None:
    """Up to SLICES points where both `function` and `reference` are defined, or None."""
    env = candidates(names, var, seed)
    n = SLICES * len(SCALES)
    ok = np.isfinite(floats(reference, env, n))
    if function is not None:
        ok &= np.isfinite(floats(function, env, n))
    picked: list[int] = []
    for slot in range(SLICES):
        for k in range(len(SCALES)):
            if ok[k * SLICES + slot]:
                picked.append(k * SLICES + slot)
                break
    if len(picked) < SLICES:
        extra = [i for i in range(n) if ok[i] and i not in picked]
        picked += extra[: SLICES - len(picked)]
    if len(picked) < 2:
        return None
    index = np.array(sorted(picked, key=lambda i: env[var][i] if var in env else i))
    chosen = {name: values[index] for name, values in env.items()}
    values = floats(reference, chosen, len(index))
    ends = (0, len(index) - 1)
    sample = Sample(var, seed, chosen, values, ends, truth=reference)
    for i in range(len(index)):  # once per problem, so that an answer pays only for itself
        value = sample.expected_at(i, PRECISE_DIGITS)
        if i in ends:
            sample.precise_reference[i] = value
    return sample
