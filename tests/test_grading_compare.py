"""The 30-digit agreement test decided from binary exponents is exactly the written formula."""

from __future__ import annotations

import random

import mpmath

from explain.grading.compare import PRECISE_RTOL, _within


def test_exponent_shortcut_is_exact_near_the_tolerance() -> None:
    rng = random.Random(5)
    with mpmath.workdps(40):
        for _ in range(5000):
            a = mpmath.mpf(rng.uniform(-1, 1)) * mpmath.mpf(2) ** rng.randint(-60, 60)
            relative = mpmath.mpf(10) ** rng.uniform(-33, -27)  # around 10^-30
            r = a * (1 + rng.choice((-1, 1)) * relative) if rng.random() < 0.9 else a * 0
            d = a - r
            assert _within(d, a, r) == bool(abs(d) <= PRECISE_RTOL * max(abs(a), abs(r)))
