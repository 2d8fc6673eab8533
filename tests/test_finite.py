"""Central finite differences: accurate to their own error estimate, reproducible samples."""

from __future__ import annotations

import numpy as np

from explain.finite import central, sample_indices, steps_for


def test_central_difference_is_within_its_error_estimate() -> None:
    xs = np.linspace(-3, 3, 13)
    estimate = central(lambda h: (np.sin(xs + h), np.sin(xs - h)), xs)
    error = np.abs(estimate.value - np.cos(xs))
    assert np.all(error <= 3 * estimate.error + 1e-15)
    assert np.all(estimate.error < 1e-8)


def test_steps_scale_with_the_value_and_are_exact() -> None:
    xs = np.array([0.0, 1.0, 1e6])
    h = steps_for(xs)
    assert h[2] > 1e5 * h[0]
    np.testing.assert_array_equal((xs + h) - xs, h)


def test_samples_are_all_elements_when_small_and_reproducible_when_large() -> None:
    np.testing.assert_array_equal(sample_indices(5, 64), np.arange(5))
    a, b = sample_indices(10**7, 64), sample_indices(10**7, 64)
    np.testing.assert_array_equal(a, b)
    assert a.size == 64 and a[0] == 0 and a[-1] == 10**7 - 1
