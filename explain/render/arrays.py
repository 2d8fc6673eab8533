"""Arrays as people read them: [[4, 6], [8, 10]], long axes elided, integral values without '.0'."""

from __future__ import annotations

import math
from typing import Any

EDGE = 3
"""Elements shown at each end of a long axis (the rest becomes …)."""

SIGNIFICANT = 10


def number(x: float, digits: int = SIGNIFICANT) -> str:
    """A float in the fewest characters that still say what it is: 4, 0.5, 1.2e-10, inf, nan."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x)) if x != 0 or math.copysign(1, x) > 0 else "-0"
    return f"{x:.{digits}g}"


def nested(array: Any, edge: int = EDGE, digits: int = SIGNIFICANT) -> str:
    """A NumPy array as nested lists; axes longer than 2·edge show their ends around '…'."""
    if array.ndim == 0:
        return number(float(array), digits)
    n = array.shape[0]
    rows = range(n) if n <= 2 * edge else [*range(edge), -1, *range(n - edge, n)]
    parts = ["…" if i == -1 else nested(array[i], edge, digits) for i in rows]
    return "[" + ", ".join(parts) + "]"


SHOWN_ELEMENTS = 12
"""Arrays with more elements than this are narrated by shape and norm, not element by element."""

NARRATED_DIGITS = 6
"""Significant digits of a narrated tensor (a float32 holds about 7; JSON keeps every digit)."""


def readable(array: Any) -> str:
    """Small arrays as nested lists; large ones as their shape and Euclidean norm."""
    if array.size <= SHOWN_ELEMENTS:
        return nested(array, digits=NARRATED_DIGITS)
    norm = math.sqrt(sum(float(v) * float(v) for v in array.ravel()))
    return f"⟨{shape_text(tuple(array.shape))} tensor, norm {norm:.4g}⟩"


def shape_text(shape: tuple[int, ...]) -> str:
    return "scalar" if not shape else "×".join(map(str, shape))


def to_lists(array: Any) -> Any:
    """A NumPy array as JSON-ready nested lists (non-finite values become None)."""
    if array.ndim == 0:
        x = float(array)
        return x if math.isfinite(x) else None
    return [to_lists(row) for row in array]
