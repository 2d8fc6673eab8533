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


def test_the_step_shrinks_where_the_function_varies_faster_than_it() -> None:
    """sin((5/x)³)² at 0.2 turns by more than a radian per default step: the three steps do not
    shrink like h², so the step shrinks until they do, and the bound covers the truth."""
    v = np.array([0.203125, 3.0])
    f = lambda x: np.sin((5 / x) ** 3) ** 2  # noqa: E731
    estimate = central(lambda h: (f(v + h), f(v - h)), v)
    u = (5 / v) ** 3
    truth = 2 * np.sin(u) * np.cos(u) * (-3 * 125 / v**4)
    assert np.all(np.abs(estimate.value - truth) <= 3 * estimate.error)  # as crosscheck uses it
    assert estimate.error[0] < 1e-3 * abs(truth[0])  # a useful estimate, not a shrug
    assert estimate.step is not None
    assert estimate.step[0] < steps_for(v)[0] / 50  # shrunk
    assert estimate.step[1] >= steps_for(v)[1] / 8  # slower there: confirmed at most


def test_a_step_in_step_with_a_fast_oscillation_is_not_trusted() -> None:
    """sin(x⁻⁸) at 0.25: the default step is almost two periods, so h, 2h and 4h alias into a
    smooth-looking, wrong slope; the confirming smaller step disagrees and the step shrinks."""
    v = np.array([0.25])
    estimate = central(lambda h: (np.sin((v + h) ** -8), np.sin((v - h) ** -8)), v)
    truth = -8 * v**-9 * np.cos(v**-8)
    assert np.all(np.abs(estimate.value - truth) <= 3 * estimate.error)
    assert estimate.error[0] < 1e-3 * abs(truth[0])
