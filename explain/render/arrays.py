"""Arrays as people read them: [[4, 6], [8, 10]], long axes elided, integral values without '.0'."""

from __future__ import annotations

import math
from typing import Any

EDGE = 3
"""Elements shown at each end of a long axis (the rest becomes …)."""

SIGNIFICANT = 10


def number(x: float) -> str:
    """A float in the fewest characters that still say what it is: 4, 0.5, 1.2e-10, inf, nan."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x)) if x != 0 or math.copysign(1, x) > 0 else "-0"
    return f"{x:.{SIGNIFICANT}g}"


def nested(array: Any, edge: int = EDGE) -> str:
    """A NumPy array as nested lists; axes longer than 2·edge show their ends around '…'."""
    if array.ndim == 0:
        return number(float(array))
    n = array.shape[0]
    rows = range(n) if n <= 2 * edge else [*range(edge), -1, *range(n - edge, n)]
    parts = ["…" if i == -1 else nested(array[i], edge) for i in rows]
    return "[" + ", ".join(parts) + "]"


def shape_text(shape: tuple[int, ...]) -> str:
    return "scalar" if not shape else "×".join(map(str, shape))


def to_lists(array: Any) -> Any:
    """A NumPy array as JSON-ready nested lists (non-finite values become None)."""
    if array.ndim == 0:
        x = float(array)
        return x if math.isfinite(x) else None
    return [to_lists(row) for row in array]
