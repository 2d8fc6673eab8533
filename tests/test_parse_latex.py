"""explain.parse_latex: LaTeX -> the same tokens and grammar as plain text; read() picks one."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explain.errors import LimitExceeded, ParseError
from explain.expr import Add, Call, Div, Mul, Span
from explain.parse import parse
from explain.parse_latex import parse_latex, read
from tests.test_parse import check_cleanly, nodes, shape

LATEX = {
    r"\frac{1}{2}x": "((1/2)*x)",
    r"\dfrac{a}{b}": "(a/b)",
    r"\tfrac{a}{b}": "(a/b)",
    r"\frac12": "(1/2)",
    r"\frac\pi2": "(pi/2)",
    r"x^{\frac{1}{2}}": "(x^(1/2))",
    r"2\frac{x}{y}": "(2*(x/y))",
    r"\frac{x+1}{x-1}": "((x+1)/(x-1))",
    r"\sqrt{x}": "sqrt(x)",
    r"\sqrt{x}y": "(sqrt(x)*y)",
    r"\sqrt x": "sqrt(x)",
    r"\sqrt[3]{x}": "root(x, 3)",
    r"\sqrt[n]{x+1}": "root((x+1), n)",
    r"x^{2}": "(x^2)",
    r"x^2": "(x^2)",
    r"x^23": "((x^2)*3)",
    r"x^{23}": "(x^23)",
    r"x^-1": "(x^(-1))",
    r"x^{-1}": "(x^(-1))",
    r"e^{x}": "(e^x)",
    r"e^{-x^2}": "(e^(-(x^2)))",
    r"x_{1}": "x_1",
    r"x_1": "x_1",
    r"\theta_0": "theta_0",
    r"\log_{2} x": "log(x, 2)",
    r"\log_2(x)": "log(x, 2)",
    r"\ln x": "log(x)",
    r"\log x": "log(x)",
    r"\exp(x)": "exp(x)",
    r"\sin x": "sin(x)",
    r"\sin^2 x": "(sin(x)^2)",
    r"\sin^{2}(x)": "(sin(x)^2)",
    r"\sin\theta": "sin(theta)",
    r"\sin x \cos x": "(sin(x)*cos(x))",
    r"\arcsin x + \arctan x": "(asin(x)+atan(x))",
    r"\sinh x \cosh x \tanh x": "((sinh(x)*cosh(x))*tanh(x))",
    r"\operatorname{sech}(x)": "sech(x)",
    r"\operatorname{relu}(x)": "relu(x)",
    r"\mathrm{e}^x": "(e^x)",
    r"2 \cdot 3": "(2*3)",
    r"2\times x": "(2*x)",
    r"x \div 2": "(x/2)",
    r"\left(x+1\right)^2": "((x+1)^2)",
    r"\left|x\right|": "abs(x)",
    r"\left\lvert x \right\rvert": "abs(x)",
    r"\left[x+1\right]^2": "((x+1)^2)",
    r"\left\{x+1\right\}": "(x+1)",
    r"\{x+1\}^2": "((x+1)^2)",
    r"[x+1]^2": "((x+1)^2)",
    r"\bigl(x\bigr)": "x",
    r"\pi r^2": "(pi*(r^2))",
    r"2\pi": "(2*pi)",
    r"\alpha\beta": "(alpha*beta)",
    r"\alpha(x+1)": "(alpha*(x+1))",
    r"\lambda x": "(lamda*x)",
    r"\varepsilon + \vartheta": "(epsilon+theta)",
    r"\Gamma": "Gamma",
    r"x\,y": "(x*y)",
    r"x\;y\!z\:w": "(((x*y)*z)*w)",
    r"x\quad y\qquad z": "((x*y)*z)",
    r"x~y": "(x*y)",
    r"{x+1}": "(x+1)",
    r"\displaystyle x": "x",
    r"$x^2$": "(x^2)",
    r"$$x^2$$": "(x^2)",
    r"\(x^2\)": "(x^2)",
    r"\[x^2\]": "(x^2)",
    r"  $ x^2 $  ": "(x^2)",
    r"y = \frac{1}{x}": "(1/x)",
    r"\frac{dy}{dx} = 2x": "(2*x)",
    r"f(x) = \sin x": "sin(x)",
    r"x^2 + 2x + 1": "(((x^2)+(2*x))+1)",
}


@pytest.mark.parametrize(("text", "expected"), LATEX.items(), ids=list(LATEX))
def test_latex_reading(text: str, expected: str) -> None:
    parsed = parse_latex(text)
    assert parsed.latex
    assert shape(parsed.expr) == expected
    for node in nodes(parsed.expr):
        assert 0 <= node.span.start <= node.span.end <= len(text)


def test_latex_spans_cover_what_was_written() -> None:
    text = r"\frac{1}{x} + \sqrt{x}"
    expr = parse_latex(text).expr
    assert isinstance(expr, Add) and expr.span == Span(0, len(text))
    left, right = expr.left, expr.right
    assert isinstance(left, Div) and text[left.span.start : left.span.end] == r"\frac{1}{x}"
    assert text[left.right.span.start : left.right.span.end] == "{x}"
    assert isinstance(right, Call) and text[right.span.start : right.span.end] == r"\sqrt{x}"


def test_latex_spellings_are_the_commands() -> None:
    expr = parse_latex(r"\sin x \cdot \operatorname{sech} x").expr
    assert isinstance(expr, Mul)
    assert isinstance(expr.left, Call) and expr.left.spelling == r"\sin"
    assert isinstance(expr.right, Call) and expr.right.spelling == r"\operatorname{sech}"


def test_latex_notes() -> None:
    messages = [n.message for n in parse_latex(r"\log x + \mathrm{e}").notes]
    assert "e is Euler's number (2.718…)" in messages
    assert any(m.startswith("log is the natural logarithm") for m in messages)


REFUSED = [
    (r"\input{/etc/passwd}", 1, r"LaTeX command \input is not supported"),
    (r"\include{/etc/passwd}", 1, r"LaTeX command \include is not supported"),
    ('\\input|"touch /tmp/pwned_marker"', 1, r"\input"),
    (r"\def\x{\x}\x", 1, r"\def"),
    (r"\directlua{os.execute('x')}", 1, r"\directlua"),
    (r"\newwrite\f\immediate\openout\f=/tmp/x.tex", 1, r"\newwrite"),
    (r"\immediate\write18{id}", 1, r"\immediate"),
    (r"\special{ps: (x) print}", 1, r"\special"),
    (r"x + \write18{id}", 5, r"\write"),
    (r"$$\input{/etc/passwd}$$", 3, r"\input"),
    (r"\text{hello}", 1, r"\text"),
    ("\\", 1, "lone"),
    ("x\\\\y", 2, "line break"),
    (r"\frac{1}{2", 9, "never closed"),
    (r"x}", 2, "closes nothing"),
    (r"\frac{1}", 9, "missing"),
    (r"\sqrt", 6, "missing"),
    (r"x^", 3, "missing"),
    (r"x^\frac{1}{2}", 3, "braces"),
    (r"\operatorname{foo}(x)", 1, "unknown function"),
    (r"\mathrm{}", 1, "letters in braces"),
    (r"\left x", 1, "needs a bracket"),
    (r"50\%", 3, r"LaTeX command \%"),
    ("x % comment", 3, "comments"),
    ("a & b", 3, "alignment"),
    ("x$y", 2, "'$'"),
    (r"\sin^{-1} x", 1, "ambiguous"),
    (r"\frac{d}{dx} x^2", 1, "d/dx is an operator"),
    (r"\infty", 1, "not a number"),
    (r"\frac\frac12 3", 6, "braces"),
]


@pytest.mark.parametrize(("text", "column", "why"), REFUSED, ids=[r[0] for r in REFUSED])
def test_latex_refused(text: str, column: int, why: str) -> None:
    assert_refused(text, column, why)


def assert_refused(text: str, column: int, why: str) -> None:
    """parse_latex refuses `text` in one line, saying `why`, at `column` of the text as typed."""
    with pytest.raises(ParseError) as caught:
        parse_latex(text)
    err = caught.value
    assert why in err.why, err.one_line()
    assert err.column == column, err.one_line()
    assert err.source == text and "\n" not in err.one_line()


def test_latex_depth_is_limited_before_descent() -> None:
    with pytest.raises(LimitExceeded):
        parse_latex("{" * 1000 + "x" + "}" * 1000)
    with pytest.raises(LimitExceeded):
        parse_latex(r"\frac{1}{" * 40 + "x" + "}" * 40)
    with pytest.raises(LimitExceeded):
        parse_latex(r"\sqrt{" * 2000)


def test_read_picks_the_front_end() -> None:
    assert read(r"\frac{1}{2}").latex
    assert read("$x$").latex
    assert not read("x^2").latex
    assert read("x^23", latex=True).latex and shape(read("x^23", latex=True).expr) == "((x^2)*3)"
    assert shape(read("x^23").expr) == "(x^23)"
    with pytest.raises(ParseError):
        read(r"\frac{1}{2}", latex=False)


def test_plain_and_latex_agree() -> None:
    for plain, latex in [("sin(x)^2", r"\sin^2(x)"), ("(x+1)/(x-1)", r"\frac{x+1}{x-1}"),
                         ("sqrt(x)", r"\sqrt{x}"), ("log(x, 2)", r"\log_2 x")]:  # fmt: skip
        assert shape(parse(plain).expr) == shape(parse_latex(latex).expr)


LATEX_PIECES = [
    r"\frac", r"\sqrt", r"\sin", r"\left(", r"\right)", r"\left|", r"\right|", "{", "}", "[",
    "]", "^", "_", "x", "2", r"\pi", r"\alpha", r"\cdot", "$", r"\,", "+", "-", r"\log",
    r"\operatorname{sech}", r"\mathrm{e}", r"\input", " ", "\\", r"\begin{cases}", r"\end{cases}",
    "&", r"\text{otherwise}", r"\text{if }", "<", r"\le",
]  # fmt: skip


@given(st.lists(st.sampled_from(LATEX_PIECES), max_size=20).map("".join))
def test_latex_soup_parses_or_fails_cleanly(text: str) -> None:
    check_latex_cleanly(text)


def check_latex_cleanly(text: str) -> None:
    """Read as typed (plain or LaTeX) and forced as LaTeX: a tree or a clean error, no crash."""
    check_cleanly(text)
    with contextlib.suppress(ParseError, LimitExceeded):
        parse_latex(text)
