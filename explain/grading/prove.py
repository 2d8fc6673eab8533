"""Symbolic confirmation that two SymPy expressions are equal, within a time budget.

Cheapest first: SymPy's automatic canonical form, then expansion (skipped when a power is too
large to expand, such as (x − a)^6000), then simplify; all with real symbols. False means
"not proven", never "different": a difference needs a witness (explain.grading.compare).
"""

from __future__ import annotations

import time
from typing import Any

import sympy

from explain.budget import within

MAX_EXPAND_POWER = 24
"""Largest integer exponent expanded (x − a)^n would have n + 1 terms."""

Sym = Any


def proven_where(answer: Sym, expected: Sym, seconds: float, positive: tuple[str, ...]) -> str:
    """ "proven", "proven for x > 0" (when every sample point has x > 0), or "".

    The second try replaces the variables that are positive all over the domain by positive
    symbols, so that SymPy may use |x| = x, √(1/x) = 1/√x, e^(2 ln x) = x².
    """
    started = time.monotonic()
    if proven(answer - expected, seconds):
        return "proven"
    left = seconds - (time.monotonic() - started)
    if not positive or left <= 0.01:
        return ""
    swap = {
        symbol: sympy.Symbol(symbol.name, positive=True)
        for symbol in (answer - expected).free_symbols
        if symbol.name in positive
    }
    if swap and proven((answer - expected).xreplace(swap), left):
        names = sorted(str(s) for s in swap)
        return f"proven for {', '.join(names)} > 0"
    return ""


def cheaply_proven(difference: Sym, seconds: float) -> bool:
    """SymPy's canonical form, then expansion (when no power is too large to expand)."""
    if difference == 0:
        return True
    if seconds > 0 and _expandable(difference):
        expanded = within(seconds, lambda: sympy.expand(difference))
        return expanded is not None and expanded == 0
    return False


def proven(difference: Sym, seconds: float) -> bool:
    """True when SymPy shows `difference` = 0 within `seconds`."""
    if seconds <= 0:
        return False
    deadline = time.monotonic() + seconds
    if cheaply_proven(difference, seconds):
        return True
    left = deadline - time.monotonic()
    if left <= 0.01:
        return False
    result = within(left, lambda: sympy.simplify(difference))
    return result is not None and result == 0


def _expandable(sym: Sym) -> bool:
    for power in sym.atoms(sympy.Pow):
        exponent = power.exp
        if exponent.is_Number and abs(exponent) > MAX_EXPAND_POWER:
            return False
    return True
