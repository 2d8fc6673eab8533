"""explain.symbolic: Expr → SymPy (exact numbers, real symbols, limits, MathError) and back."""

from __future__ import annotations

import time

import pytest
import sympy

from explain.errors import LimitExceeded, MathError, Unsupported
from explain.expr import Apply, Call, Div, Expr, Mul, Neg, Num, Pow, Span, Sub, Var
from explain.parse import parse
from explain.symbolic import Converter, from_sympy, plain, sigmoid, symbol, to_sympy

x, y = symbol("x"), symbol("y")
f, g = sympy.Function("f"), sympy.Function("g")


def sym(text: str) -> sympy.Expr:
    parsed = parse(text)
    return to_sympy(parsed.expr, parsed.source)


# --- Expr → SymPy -------------------------------------------------------------------------------


def test_symbols_are_real_and_shared() -> None:
    assert symbol("x").is_real
    assert symbol("x") is symbol("x")
    assert sympy.diff(sympy.Abs(x), x) == sympy.sign(x)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2", sympy.Integer(2)),
        ("0.5", sympy.Rational(1, 2)),
        ("1.5e-3", sympy.Rational(3, 2000)),
        ("2.50", sympy.Rational(5, 2)),
        ("1e3", sympy.Integer(1000)),
        ("0.1 + 0.2", sympy.Rational(3, 10)),
    ],
)
def test_numbers_are_exact(text: str, value: sympy.Expr) -> None:
    assert sym(text) == value


def test_number_literal_is_read_without_sympify() -> None:
    assert to_sympy(Num("1_000", Span(0, 5))) == 1000
    with pytest.raises(Unsupported):
        to_sympy(Num("0x10", Span(0, 4)))
    with pytest.raises(LimitExceeded):
        to_sympy(Num("1e999999999", Span(0, 11)))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("pi", sympy.pi),
        ("e", sympy.E),
        ("-x", -x),
        ("x + y", x + y),
        ("x - y", x - y),
        ("2x", 2 * x),
        ("x/y", x / y),
        ("x^y", x**y),
        ("ln(x)", sympy.log(x)),
        ("log(x, 2)", sympy.log(x) / sympy.log(2)),
        ("log10(x)", sympy.log(x) / sympy.log(10)),
        ("log2(x)", sympy.log(x) / sympy.log(2)),
        ("sqrt(x)", sympy.sqrt(x)),
        ("cbrt(x)", sympy.sign(x) * sympy.Abs(x) ** sympy.Rational(1, 3)),
        ("root(x, 5)", x ** sympy.Rational(1, 5)),
        ("abs(x)", sympy.Abs(x)),
        ("sign(x)", sympy.sign(x)),
        ("relu(x)", sympy.Max(0, x)),
        ("sigmoid(x)", sigmoid(x)),
        ("erf(x)", sympy.erf(x)),
        ("sec(x) + csc(x) + cot(x)", sympy.sec(x) + sympy.csc(x) + sympy.cot(x)),
        ("asec(x) + acsc(x) + acot(x)", sympy.asec(x) + sympy.acsc(x) + sympy.acot(x)),
        ("sinh(x) + cosh(x) + tanh(x)", sympy.sinh(x) + sympy.cosh(x) + sympy.tanh(x)),
        ("sech(x) + csch(x) + coth(x)", sympy.sech(x) + sympy.csch(x) + sympy.coth(x)),
        ("asinh(x) + acosh(x) + atanh(x)", sympy.asinh(x) + sympy.acosh(x) + sympy.atanh(x)),
        ("factorial(5)", sympy.Integer(120)),
        ("sum(x^2)", x**2),
        ("mean(x^2)", x**2),
        ("f(x)", f(x)),
        ("exp(x)", sympy.exp(x)),
    ],
)
def test_to_sympy(text: str, value: sympy.Expr) -> None:
    assert sym(text) == value


def test_cbrt_is_the_real_cube_root() -> None:
    assert sym("cbrt(-8)") == -2
    assert sym("cbrt(27)") == 3


def test_apply_with_primes_is_a_derivative() -> None:
    span = Span(0, 0)
    assert to_sympy(Apply("f'", (Var("x", span),), span)) == sympy.Derivative(f(x), x)
    assert to_sympy(Apply("f''", (Var("x", span),), span)) == sympy.Derivative(f(x), (x, 2))
    at_square = to_sympy(Apply("f'", (Pow(Var("x", span), Num("2", span), span),), span))
    assert isinstance(at_square, sympy.Subs)
    assert at_square.point == (x**2,)


def test_converter_converts_each_node_once() -> None:
    parsed = parse("sin(x^2) + x^2")
    converter = Converter(parsed.source)
    whole = converter(parsed.expr)
    assert converter(parsed.expr) is whole
    assert converter.numeric(parse("2*pi").expr)
    assert not converter.numeric(parsed.expr)


def test_sigmoid_function() -> None:
    assert sigmoid(0) == sympy.Rational(1, 2)
    assert sympy.diff(sigmoid(x), x) == sigmoid(x) * (1 - sigmoid(x))
    assert sigmoid(x).rewrite(sympy.exp) == 1 / (1 + sympy.exp(-x))
    assert abs(float(sigmoid(sympy.Integer(2)).evalf(20)) - 0.8807970779778823) < 1e-15
    assert abs(float(sigmoid(x).evalf(20, subs={x: 1})) - 0.7310585786300049) < 1e-15
    assert sympy.latex(sigmoid(x)) == r"\sigma\left(x\right)"
    assert sigmoid(x).is_real


# --- limits and undefined constants -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "9**9**9**9",
        "10**10**10",
        "2**2**2**2**2**2",
        "factorial(10**7)",
        "exp(exp(exp(10*e)))",
        "x*exp(exp(exp(10*e)))",
        "x^100000",
        "3^10000",
        "sinh(10^5) * x",
        "(10^3000)^2",
    ],
)
def test_limits_fail_fast(text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(LimitExceeded) as caught:
        sym(text)
    assert time.perf_counter() - started < 0.5
    assert caught.value.source == text
    assert caught.value.start is not None


def test_large_but_allowed_constants() -> None:
    assert sym("2^10000") == 2**10000
    assert sym("factorial(1000)") == sympy.factorial(1000)
    assert sym("exp(100) * x") == sympy.exp(100) * x


@pytest.mark.parametrize(
    ("text", "why", "where"),
    [
        ("sqrt(-1)", "sqrt(-1) is not a real number", (0, 8)),
        ("x + log(0)", "log(0) is undefined", (4, 10)),
        ("tan(pi/2)*x", "tan(pi/2) is undefined", (0, 9)),
        ("1/0", "1/0 divides by zero", (0, 3)),
        ("x/(2 - 2)", "divides by zero", (0, 9)),
        ("asin(2)", "asin(2) is not a real number", (0, 7)),
        ("log(-1) + x", "log(-1) is not a real number", (0, 7)),
        ("acosh(0)", "is not a real number", (0, 8)),
        ("atanh(1)", "is undefined", (0, 8)),
        ("sqrt(1 - pi)", "is not a real number", (0, 12)),
        ("factorial(2.5)", "whole numbers", (0, 14)),
        ("log(x, 1)", "base must be positive and not 1", (0, 9)),
        ("root(x, 0)", "0th root", (0, 10)),
    ],
)
def test_undefined_constants_are_math_errors(text: str, why: str, where: tuple[int, int]) -> None:
    with pytest.raises(MathError) as caught:
        sym(text)
    assert why in caught.value.why
    assert (caught.value.start, caught.value.end) == where


def test_negative_base_to_a_fractional_power() -> None:
    """(-8)^(1/3) is SymPy's principal root (complex): a MathError that points to cbrt."""
    with pytest.raises(MathError) as caught:
        sym("(-8)^(1/3)")
    assert caught.value.why == "(-8)^(1/3) is not a real number"
    assert caught.value.hint is not None and "cbrt(-8)" in caught.value.hint
    assert sym("(-8)^2") == 64


def test_errors_without_source_name_the_subexpression() -> None:
    span = Span(0, 0)
    node = Call("sqrt", (Neg(Num("4", span), span),), span)
    with pytest.raises(MathError) as caught:
        to_sympy(node)
    assert caught.value.why == "sqrt(-4) is not a real number"
    assert caught.value.start is None


def test_plain_text_of_a_tree() -> None:
    assert plain(parse("2*(x + 1)^3 - sin(x)/y").expr) == "(2*((x + 1)^3)) - (sin(x)/y)"


# --- SymPy → Expr -------------------------------------------------------------------------------

ROUND_TRIP = [
    x**2 + 2 * x + 1,
    2 * x + 2,
    -7 / (x - 3) ** 2,
    2 / (x - 3) - (2 * x + 1) / (x - 3) ** 2,
    sympy.Rational(2, 3) * x,
    -x / 3,
    x ** sympy.Rational(-1, 3) / 3,
    -sympy.log(x) / x**2 + x**-2,
    x * sympy.exp(x) + sympy.exp(x),
    sympy.exp(-(x**2)) * 2 / sympy.sqrt(sympy.pi),
    1 / sympy.sqrt(1 - x**2),
    sympy.sec(x) ** 2 * sympy.tan(x),
    sympy.Abs(x) ** sympy.Rational(-2, 3) / 3,
    sympy.sign(x) * sympy.Abs(x) ** sympy.Rational(1, 3),
    sigmoid(x) * (1 - sigmoid(x)),
    x**x * (sympy.log(x) + 1),
    sympy.pi * sympy.E**x,
    sympy.exp(-1) * x,
    sympy.Float("0.25") * x,
    -x,
    sympy.Integer(-3),
    sympy.atanh(x) + sympy.acosh(x) + sympy.asinh(x) + sympy.erf(x),
    sympy.Derivative(f(x), x) * g(x) + f(x) * sympy.Derivative(g(x), (x, 2)),
    sympy.diff(f(x**2), x),
    y * x ** (y - 1),
    sympy.factorial(x),
]


@pytest.mark.parametrize("value", ROUND_TRIP, ids=str)
def test_from_sympy_round_trips(value: sympy.Expr) -> None:
    back = to_sympy(from_sympy(value))
    difference = back - value
    assert difference == 0 or sympy.simplify(difference.doit()) == 0


def test_from_sympy_writes_natural_forms() -> None:
    def same(a: Expr, b: Expr) -> bool:
        return plain(a) == plain(b)

    nowhere = Span(0, 0)
    xx = Var("x", nowhere)
    assert isinstance(from_sympy(x - y), Sub)
    assert same(from_sympy(1 / x), Div(Num("1", nowhere), xx, nowhere))
    assert plain(from_sympy(sympy.Rational(2, 3))) == "2/3"
    assert plain(from_sympy(-sympy.Rational(2, 3))) == "-(2/3)"
    assert plain(from_sympy(sympy.exp(2 * x))) == "exp(2*x)"
    assert plain(from_sympy(sympy.sqrt(x))) == "sqrt(x)"
    assert plain(from_sympy(-7 / (x - 3) ** 2)) == "-(7/((x - 3)^2))"
    assert plain(from_sympy(2 * x * sympy.cos(x**2))) == "(2*x)*cos(x^2)"
    assert plain(from_sympy(sympy.Max(0, x))) == "relu(x)"
    assert plain(from_sympy(sympy.Abs(x))) == "abs(x)"
    assert plain(from_sympy(sympy.Derivative(f(x), x))) == "f'(x)"
    assert plain(from_sympy(sympy.Derivative(f(x), (x, 2)))) == "f''(x)"
    assert plain(from_sympy(sympy.diff(f(x**2), x))) == "(2*x)*f'(x^2)"
    assert isinstance(from_sympy(x * y), Mul)


def test_from_sympy_heaviside_keeps_its_value_at_zero() -> None:
    expr = from_sympy(sympy.Heaviside(x))
    assert plain(expr) == "(sign(x) + 1)/2"
    assert to_sympy(expr).subs(x, 0) == sympy.Heaviside(0) == sympy.Rational(1, 2)


@pytest.mark.parametrize(
    "value",
    [
        sympy.Piecewise((x, sympy.Eq(x, 1)), (0, True)),  # x = 1 is not a comparison explain reads
        sympy.DiracDelta(x),
        sympy.gamma(x),
        sympy.Min(x, y),
        sympy.Derivative(f(x, y), x),
    ],
    ids=str,
)
def test_from_sympy_refuses_what_it_cannot_write(value: sympy.Expr) -> None:
    with pytest.raises(Unsupported):
        from_sympy(value)
