"""Functions defined by cases: Piecewise(...) and torch.where/np.where, read and refused."""

from __future__ import annotations

import pytest

from explain.errors import LimitExceeded, ParseError
from explain.expr import Cases
from explain.limits import MAX_PIECES
from explain.parse import parse
from explain.written import explicit, latex, pretty

READINGS = {
    "Piecewise((sin(x), x < 0), (x, True))": "Piecewise((sin(x), x < 0), (x, True))",
    "piecewise((x^2, x<=0), (x, True))": "Piecewise((x^2, x <= 0), (x, True))",
    "PIECEWISE((1, x > 1), (0, True))": "Piecewise((1, x > 1), (0, True))",
    "Piecewise((1, 0 < x <= 1), (0, True))": "Piecewise((1, (0 < x) & (x <= 1)), (0, True))",
    "Piecewise((1, (x > 0) & (x < 1)), (0, True))": "Piecewise((1, (x > 0) & (x < 1)), (0, True))",
    "Piecewise((1, x>0 and x<1), (0, x>=1))": "Piecewise((1, (x > 0) & (x < 1)), (0, x >= 1))",
    "Piecewise(((x+1)^2, (x+1) < 2), (2x, True))": "Piecewise(((x + 1)^2, x + 1 < 2), (2*x, True))",
    "torch.where(x < 0, x**2, x)": "Piecewise((x^2, x < 0), (x, True))",
    "np.where(x >= 1, 1, 0) + x": "Piecewise((1, x >= 1), (0, True)) + x",
    "2*torch.where(x < 0, -x, x)": "2*Piecewise((-x, x < 0), (x, True))",
}


@pytest.mark.parametrize(("text", "expected"), READINGS.items(), ids=list(READINGS))
def test_readings(text: str, expected: str) -> None:
    parsed = parse(text)
    assert explicit(parsed.expr) == expected
    assert explicit(parse(expected).expr) == expected  # the echo reads back as itself


def test_written_forms() -> None:
    expr = parse("Piecewise((x^2, x < 0), (sin(x), 0 <= x <= 1), (0, True))").expr
    assert pretty(expr) == "{ x² if x < 0; sin(x) if 0 ≤ x ≤ 1; 0 otherwise }"
    assert latex(expr) == (
        r"\begin{cases} x^{2} & \text{if } x < 0 \\ \sin\left(x\right) & \text{if } 0 \le x \le 1"
        r" \\ 0 & \text{otherwise} \end{cases}"
    )


def test_where_keeps_its_spelling_and_spans() -> None:
    text = "torch.where(x < 0, x**2, x)"
    expr = parse(text).expr
    assert isinstance(expr, Cases) and expr.spelling == "torch.where"
    first, rest = expr.pieces
    assert text[first.value.span.start : first.value.span.end] == "x**2"
    assert text[first.condition[0].span.start : first.condition[0].span.end] == "x < 0"
    assert rest.condition == () and text[rest.value.span.start : rest.value.span.end] == "x"


REFUSED = [
    ("x < 0", 3, "belongs only in the condition"),
    ("True", 1, "Python keyword 'True'"),
    ("x & y", 3, "belongs only in the condition"),
    ("Piecewise()", 10, "has no pieces"),
    ("Piecewise", 1, "needs its pieces in brackets"),
    ("Piecewise(x, x < 0)", 11, "each piece of Piecewise is (value, condition)"),
    ("Piecewise((x))", 13, "a piece needs a condition"),
    ("Piecewise((x, x))", 16, "expected a comparison"),
    ("Piecewise((x, True), (1, x < 0))", 22, "can be reached"),
    ("Piecewise((x, x < 0),)", 21, "trailing comma"),
    ("Piecewise((x, x < 0 && x > 1))", 21, "'&&' is not Python"),
    ("torch.where(x < 0, x)", 21, "takes 3 arguments"),
    ("torch.where(True, x, 1)", 13, "Python keyword 'True'"),
    ("torch.where(x < 0, True, 1)", 20, "belongs only in the condition"),
    ("Piecewise((x, x < 0), (1, True)", 10, "never closed"),
]


@pytest.mark.parametrize(("text", "column", "why"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_with_position(text: str, column: int, why: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text)
    err = caught.value
    assert why in err.why, err.one_line()
    assert err.column == column, err.one_line()
    assert "\n" not in err.one_line()


def test_more_pieces_than_the_limit_are_refused() -> None:
    pieces = ", ".join(f"({k}, x < {k})" for k in range(MAX_PIECES)) + ", (0, True)"
    with pytest.raises(LimitExceeded, match=f"more than {MAX_PIECES} pieces"):
        parse(f"Piecewise({pieces})")
    within = ", ".join(f"({k}, x < {k})" for k in range(MAX_PIECES - 1)) + ", (0, True)"
    assert len(parse(f"Piecewise({within})").expr.pieces) == MAX_PIECES  # type: ignore[union-attr]
