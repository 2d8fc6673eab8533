"""The canonical form behind the cheap proof: what it shows equal, what it leaves to SymPy,
and that "equal" is never said of two expressions with different values."""

from __future__ import annotations

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

from explain.grading.canon import canonical, same
from explain.grading.evaluate import precise
from explain.parse_latex import read


def shown_equal(a: str, b: str) -> bool:
    fa, fb = canonical(read(a).expr), canonical(read(b).expr)
    return fa is not None and fb is not None and same(fa, fb)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("3x^2 + 6x + 3", "3(x+1)^2"),
        ("2x sin(x) + x^2 cos(x)", "x**2*cos(x) + 2*x*sin(x)"),
        ("((x+1) - x)/(x+1)^2", "1/(x + 1)^2"),
        ("0.5*x", "x/2"),
        ("ln(2) 2^x", "2**x*log(2)"),
        ("e^(3x)", "exp(3*x)"),
        ("sqrt(x)", "x^(1/2)"),
        ("log(x, 10)", "log10(x)"),
        ("1/(x ln(10))", "1/(x*log(10))"),
        ("10x(x^2+1)^4", "10*x*(x**2 + 1)**4"),
        ("6000(x - 1)^5999", "6000*(x-1)^5999"),
        ("((t^2+100)*734*t-367*t^2*2*t)/(t^2+100)^2", "73400*t/(t^2+100)^2"),
    ],
)
def test_equal_forms(a: str, b: str) -> None:
    assert shown_equal(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("0.333333333333333*x^2", "x^2/3"),  # close in floats, not equal
        ("sqrt(x^2)", "x"),  # |x|: a fractional power is never split
        ("(x^(1/2))^2", "x"),  # equal only for x >= 0: left to SymPy
        ("x^2 + 1e-11", "x^2"),
        ("sin(x)^2 + cos(x)^2", "1"),  # an identity: SymPy's job
        ("cbrt(x)", "x^(1/3)"),  # the real cube root is not the principal root
    ],
)
def test_not_shown(a: str, b: str) -> None:
    assert not shown_equal(a, b)


@pytest.mark.parametrize(
    "text",
    [
        "x^2 * 1^(log(-1))",  # a constant that is not real
        "(-8)^(1/3) * x",
        "x + 0*2^(10^9)",  # an exponent past the limits
        "log(x - x)",
        "x/(x - x)",
        "x^(10^6)",
        "f(x)",
    ],
)
def test_no_form(text: str) -> None:
    assert canonical(read(text).expr) is None


ATOMS = st.sampled_from(["x", "y", "2", "3", "0.5", "(x+1)", "(x-y)", "sin(x)", "exp(y)"])


@st.composite
def expressions(draw: st.DrawFn, depth: int = 3) -> str:
    if depth == 0 or draw(st.booleans()):
        return draw(ATOMS)
    op = draw(st.sampled_from(["+", "-", "*", "/", "^"]))
    left = draw(expressions(depth - 1))
    if op == "^":
        return f"({left})^{draw(st.integers(-3, 4))}"
    return f"({left}) {op} ({draw(expressions(depth - 1))})"


@given(expressions(), expressions())
def test_equal_forms_have_equal_values(a: str, b: str) -> None:
    """Shown equal implies equal values at 40 digits wherever both are defined."""
    if not shown_equal(a, b):
        return
    for x, y in ((0.3, 1.7), (-1.3, 0.6), (2.9, -0.4)):
        point = {"x": mpmath.mpf(x), "y": mpmath.mpf(y)}
        with mpmath.workdps(40):
            left, right = precise(read(a).expr, point), precise(read(b).expr, point)
            if left is not None and right is not None:
                assert abs(left - right) <= mpmath.mpf(10) ** -30 * max(1, abs(left), abs(right))
