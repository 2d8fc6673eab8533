"""Written notation of functions defined by cases (Cases) and their conditions, in the three
styles of explain.written: as read (Piecewise((x^2, x < 0), (x, True))), as a teacher writes it
({ x² if x < 0; x otherwise }) and as LaTeX (\\begin{cases} ... \\end{cases}).

`show` is the notation of the sub-expressions (written.explicit, written.pretty, written.latex).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from explain.expr import Cases, Compare

Style = Literal["explicit", "pretty", "latex"]
Show = Callable[..., str]

OPERATORS: dict[Style, dict[str, str]] = {
    "explicit": {"<": "<", "<=": "<=", ">": ">", ">=": ">="},
    "pretty": {"<": "<", "<=": "≤", ">": ">", ">=": "≥"},
    "latex": {"<": "<", "<=": r"\le", ">": ">", ">=": r"\ge"},
}
JOIN: dict[Style, str] = {"explicit": " & ", "pretty": " and ", "latex": r" \text{ and } "}


def condition(comparisons: tuple[Compare, ...], show: Show, style: Style) -> str:
    """x < 0, 0 < x ≤ 1 (a chain where one comparison's right side is the next one's left)."""
    if not comparisons:
        return {"explicit": "True", "pretty": "otherwise", "latex": r"\text{otherwise}"}[style]
    ops = OPERATORS[style]
    parts: list[str] = []
    for i, c in enumerate(comparisons):
        chained = i and comparisons[i - 1].right is c.left and style != "explicit"
        link = f" {ops[c.op]} {show(c.right)}"
        parts.append(parts.pop() + link if chained else f"{show(c.left)}{link}")
    if style == "explicit" and len(parts) > 1:
        parts = [f"({p})" for p in parts]
    return JOIN[style].join(parts)


def cases(node: Cases, show: Show, style: Style = "explicit") -> str:
    """The whole function defined by cases, in one style."""
    if style == "explicit":
        inner = ", ".join(
            f"({show(p.value)}, {condition(p.condition, show, style)})" for p in node.pieces
        )
        return f"Piecewise({inner})"
    if style == "pretty":
        rows = "; ".join(
            f"{show(p.value)} {'if ' if p.condition else ''}{condition(p.condition, show, style)}"
            for p in node.pieces
        )
        return f"{{ {rows} }}"
    rows = r" \\ ".join(
        f"{show(p.value)} & "
        + (r"\text{if } " if p.condition else "")
        + condition(p.condition, show, style)
        for p in node.pieces
    )
    return rf"\begin{{cases}} {rows} \end{{cases}}"
