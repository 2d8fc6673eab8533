"""Wall-clock budgets for engine calls that may blow up (simplify, exact evaluation)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from explain.errors import BudgetExceeded

T = TypeVar("T")
RETRY_SECONDS = 0.01
"""After a budget's alarm, it fires again this often until the block has ended."""


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise BudgetExceeded inside the block once `seconds` have passed.

    Uses SIGALRM, so it only interrupts in the main thread of a Unix process (the CLI and
    the batch workers). Elsewhere the block runs unbounded; callers keep inputs small there.
    Budgets nest: an inner budget never extends an outer one.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    limit = seconds if outer_left <= 0 else min(seconds, outer_left)

    def on_alarm(signum: int, frame: object) -> None:
        # Python may swallow an exception raised where it cannot propagate (a garbage
        # collector callback, a __del__): the alarm fires again until the block has ended.
        signal.setitimer(signal.ITIMER_REAL, RETRY_SECONDS)
        raise BudgetExceeded

    previous = signal.signal(signal.SIGALRM, on_alarm)
    started = _now()
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left > 0:
            remaining = outer_left - (_now() - started)
            signal.setitimer(signal.ITIMER_REAL, max(remaining, 1e-3))


def within(seconds: float, compute: Callable[[], T]) -> T | None:
    """`compute()` if it finishes within `seconds`, else None."""
    try:
        with time_budget(seconds):
            return compute()
    except BudgetExceeded:
        return None


def _now() -> float:
    import time

    return time.monotonic()
