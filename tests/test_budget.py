"""Time budgets (explain.budget): they stop runaway engine calls, even when Python swallows
the first alarm."""

from __future__ import annotations

import contextlib
import time

import pytest

from explain.budget import time_budget, within
from explain.errors import BudgetExceeded


def spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_within_returns_the_value_or_none() -> None:
    assert within(1.0, lambda: 42) == 42
    started = time.monotonic()
    assert within(0.05, lambda: spin(5.0)) is None
    assert time.monotonic() - started < 1.0


def test_a_swallowed_alarm_fires_again() -> None:
    """An exception raised inside a garbage-collector callback or __del__ is only printed;
    the budget must still end the block."""
    started = time.monotonic()
    with pytest.raises(BudgetExceeded), time_budget(0.05):
        with contextlib.suppress(BudgetExceeded):  # swallowed, as in a gc callback
            spin(5.0)
        spin(5.0)
    assert time.monotonic() - started < 1.0


def test_budgets_nest_and_the_outer_one_still_holds() -> None:
    started = time.monotonic()
    with pytest.raises(BudgetExceeded), time_budget(0.1):
        assert within(0.02, lambda: spin(5.0)) is None
        spin(5.0)
    assert time.monotonic() - started < 1.0
