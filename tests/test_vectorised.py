"""NumPy evaluation of SymPy expressions: values, in-place temporaries, undefined points."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from explain.errors import Unsupported
from explain.parse import parse
from explain.symbolic import symbol, to_sympy
from explain.vectorised import Program, evaluate

x, y = symbol("x"), symbol("y")


def value_of(text: str, **env: object) -> np.ndarray:
    return evaluate(
        to_sympy(parse(text).expr), {k: np.asarray(v, dtype=float) for k, v in env.items()}
    )


@pytest.mark.parametrize(
    ("text", "point", "expected"),
    [
        ("2x + 2", 3.0, 8.0),
        ("x^2 + 2x + 1", -1.0, 0.0),
        ("sin(x)*exp(-x^2)/(1+x^2)", 0.5, np.sin(0.5) * np.exp(-0.25) / 1.25),
        ("sqrt(x) + 1/sqrt(x)", 4.0, 2.5),
        ("sec(x) + csc(x) + cot(x)", 0.7, 1 / np.cos(0.7) + 1 / np.sin(0.7) + 1 / np.tan(0.7)),
        (
            "asin(x) + atanh(x) + acot(x)",
            0.3,
            np.arcsin(0.3) + np.arctanh(0.3) + np.arctan(1 / 0.3),
        ),
        ("abs(x) + sign(x)", -2.0, 1.0),
        ("relu(x) + sigmoid(x)", -1.0, 1 / (1 + np.e)),
        ("log(x, 2) + log10(x)", 8.0, 3 + np.log10(8)),
        ("erf(x)", 0.5, 0.5204998778130465),
        ("x^x", 2.0, 4.0),
        ("pi*e", 0.0, np.pi * np.e),
    ],
)
def test_values_match_numpy(text: str, point: float, expected: float) -> None:
    assert value_of(text, x=point) == pytest.approx(expected, rel=1e-14, abs=1e-15)


def test_arrays_and_broadcasting() -> None:
    xs = np.linspace(-2, 2, 9)
    got = evaluate(x**2 * y + 3 * y, {"x": xs, "y": np.asarray(2.0)})
    np.testing.assert_allclose(got, 2 * xs**2 + 6, rtol=1e-15)


def test_inputs_are_never_modified_in_place() -> None:
    xs = np.linspace(0, 1, 5)
    keep = xs.copy()
    Program.prepare([2 * x + 2, sympy.sin(x) ** 2 + x]).run({"x": xs})
    np.testing.assert_array_equal(xs, keep)


def test_common_subexpressions_are_shared() -> None:
    program = Program.prepare([sympy.exp(-(x**2)) * x + sympy.exp(-(x**2))])
    assert program.steps  # exp(-x**2) computed once
    assert program.run({"x": np.asarray(0.0)})[0] == 1.0


def test_undefined_points_give_inf_or_nan_not_errors() -> None:
    reciprocal, log = Program.prepare([1 / x, sympy.log(x)]).run({"x": np.array([0.0, -1.0, 1.0])})
    assert np.isinf(reciprocal[0]) and reciprocal[2] == 1.0
    assert np.isinf(log[0]) and np.isnan(log[1]) and log[2] == 0.0


def test_missing_value_and_unknown_function_are_clear_errors() -> None:
    with pytest.raises(Unsupported, match="no value"):
        evaluate(x + y, {"x": np.asarray(1.0)})
    with pytest.raises(Unsupported, match="cannot be evaluated"):
        evaluate(sympy.gamma(x), {"x": np.asarray(1.0)})


@given(st.floats(min_value=-5, max_value=5, allow_nan=False))
def test_agrees_with_sympy_evalf(point: float) -> None:
    expr = sympy.sin(x) * sympy.exp(-(x**2)) / (1 + x**2) + sympy.cos(x) ** 3
    expected = float(expr.subs(x, sympy.Float(point, 30)).evalf(30))
    assert float(evaluate(expr, {"x": np.asarray(point)})) == pytest.approx(
        expected, rel=1e-13, abs=1e-15
    )
