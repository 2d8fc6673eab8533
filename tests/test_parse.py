"""explain.parse: plain text -> Expr, its policies, notes, spans, errors and limits."""

from __future__ import annotations

import ast
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explain.errors import ExplainError, LimitExceeded, ParseError
from explain.expr import (
    Add,
    Apply,
    Call,
    Const,
    Div,
    Expr,
    Index,
    Mul,
    Neg,
    Num,
    Parsed,
    Pow,
    Slice,
    Span,
    Sub,
    Var,
    children,
)
from explain.parse import Token, parse, parse_tokens, tokenize, variable_name
from explain.parse_latex import read


def shape(node: Expr) -> str:
    """A fully parenthesised rendering, for comparing trees: 2x -> (2*x), f(x) -> f[x]."""
    match node:
        case Num(text=text) | Var(name=text) | Const(name=text):
            return text
        case Neg(operand=a):
            return f"(-{shape(a)})"
        case (
            Add(left=a, right=b)
            | Sub(left=a, right=b)
            | Mul(left=a, right=b)
            | Div(left=a, right=b)
        ):
            op = {Add: "+", Sub: "-", Mul: "*", Div: "/"}[type(node)]
            return f"({shape(a)}{op}{shape(b)})"
        case Pow(base=a, exponent=b):
            return f"({shape(a)}^{shape(b)})"
        case Call(func=func, args=args, kwargs=kwargs):
            parts = [shape(a) for a in args] + [f"{k}={shape(v)}" for k, v in kwargs]
            return f"{func}({', '.join(parts)})"
        case Apply(name=name, args=args):
            return f"{name}[{', '.join(shape(a) for a in args)}]"
        case Index(base=base, items=items):
            return f"{shape(base)}⟦{', '.join(item_shape(i) for i in items)}⟧"
    raise AssertionError(node)


def item_shape(item: Expr | Slice) -> str:
    """An index item: 0, (-1), or a slice with every part shown (1:3:, ::2, ::)."""
    if not isinstance(item, Slice):
        return shape(item)
    return ":".join("" if p is None else shape(p) for p in (item.start, item.stop, item.step))


def read_as(text: str) -> str:
    return shape(parse(text).expr)


def notes(text: str) -> list[str]:
    return [note.message for note in parse(text).notes]


def nodes(node: Expr) -> list[Expr]:
    out, stack = [], [node]
    while stack:
        out.append(stack.pop())
        stack.extend(children(out[-1]))
    return out


def refused(text: str, parser: Callable[[str], Parsed] = parse) -> ExplainError:
    with pytest.raises(ExplainError) as caught:
        parser(text)
    assert isinstance(caught.value, ParseError | LimitExceeded)
    return caught.value


# --- grammar -------------------------------------------------------------------------------

READINGS = {
    # implicit multiplication, same level as * and /
    "2x": "(2*x)",
    "2 x": "(2*x)",
    "2(x+1)": "(2*(x+1))",
    "(x+1)(x-1)": "((x+1)*(x-1))",
    "x(x+1)": "(x*(x+1))",
    "a(x^2+b)": "(a*((x^2)+b))",
    "1/2x": "((1/2)*x)",
    "2x/3y": "(((2*x)/3)*y)",
    "xy": "(x*y)",
    "3x^{2}": "(3*(x^2))",
    # precedence and associativity
    "x^2+2*x+1": "(((x^2)+(2*x))+1)",
    "-2^2": "(-(2^2))",
    "x^-1": "(x^(-1))",
    "2^3^2": "(2^(3^2))",
    "2**3**2": "(2^(3^2))",
    "x^-y^2": "(x^(-(y^2)))",
    "a-b-c": "((a-b)-c)",
    "a/b/c": "((a/b)/c)",
    "--x": "(-(-x))",
    "+x": "x",
    "2*-x": "(2*(-x))",
    "x!": "factorial(x)",
    "(10**6)!": "factorial((10^6))",
    "2^3!": "(2^factorial(3))",
    "9**9**9**9": "(9^(9^(9^9)))",
    # numbers
    "0.5": "0.5",
    ".5x": "(0.5*x)",
    "1.5e-3": "1.5e-3",
    "1E5": "1e5",
    "1e+05": "1e5",
    "007": "7",
    "2e": "(2*e)",
    "2ex": "((2*e)*x)",
    "2e-1": "2e-1",
    # names
    "x1 + w2": "(x1+w2)",
    "x_1": "x_1",
    "x_{1}": "x_1",
    "theta_0": "theta_0",
    "x₁": "x_1",
    "αx + β": "((alpha*x)+beta)",
    "λ": "lamda",
    "lamda": "lamda",
    "alpha*theta": "(alpha*theta)",
    "S + O + Q": "((S+O)+Q)",
    "I + E": "(I+E)",
    "pix": "(pi*x)",
    "2π": "(2*pi)",
    "alpha(x+1)": "(alpha*(x+1))",
    # functions and spellings
    "sin(x)": "sin(x)",
    "sin x": "sin(x)",
    "sin 2x": "sin((2*x))",
    "sin x^2": "sin((x^2))",
    "sin x cos x": "(sin(x)*cos(x))",
    "sin -x": "sin((-x))",
    "x sin x": "(x*sin(x))",
    "sin^2(x)": "(sin(x)^2)",
    "sin^2 x": "(sin(x)^2)",
    "sin^{2}(x)": "(sin(x)^2)",
    "sin sin x": "sin(sin(x))",
    "sin(x)^2": "(sin(x)^2)",
    "cosx": "cos(x)",
    "xsinx": "(x*sin(x))",
    "asin(x)": "asin(x)",
    "asinh x": "asinh(x)",
    "sinh x": "sinh(x)",
    "sech x": "sech(x)",
    "ln x": "log(x)",
    "log x": "log(x)",
    "log(x, 2)": "log(x, 2)",
    "log_2(x)": "log(x, 2)",
    "log_{10} x": "log(x, 10)",
    "log10(x)": "log10(x)",
    "log2(x)": "log2(x)",
    "arcsin(x)+arccos(x)+arctan(x)": "((asin(x)+acos(x))+atan(x))",
    "arcsec(x)*arccsc(x)*arccot(x)": "((asec(x)*acsc(x))*acot(x))",
    "arsinh(x)+arcsinh(x)+arcosh(x)+artanh(x)": "(((asinh(x)+asinh(x))+acosh(x))+atanh(x))",
    "sqrt(x)+cbrt(x)": "(sqrt(x)+cbrt(x))",
    "abs(x)+sign(x)+sgn(x)": "((abs(x)+sign(x))+sign(x))",
    "relu(x)+sigmoid(x)+erf(x)": "((relu(x)+sigmoid(x))+erf(x))",
    "exp(x)+factorial(x)": "(exp(x)+factorial(x))",
    "sum(x)+mean(x)": "(sum(x)+mean(x))",
    "root(x, 3)": "root(x, 3)",
    "√x": "sqrt(x)",
    "√(x+1)": "sqrt((x+1))",
    "2√x": "(2*sqrt(x))",
    "∛8": "cbrt(8)",
    "exp(exp(exp(10*E)))": "exp(exp(exp((10*E))))",
    # torch / numpy / math spellings
    "torch.exp(x)": "exp(x)",
    "np.sin(x)": "sin(x)",
    "numpy.cos(x)": "cos(x)",
    "math.log(x)": "log(x)",
    "math.log(x, 2)": "log(x, 2)",
    "torch.sigmoid(x)": "sigmoid(x)",
    "F.relu(x)": "relu(x)",
    "torch.nn.functional.relu(x)": "relu(x)",
    "torch.special.expit(x)": "sigmoid(x)",
    "torch.sum(x**2)": "sum((x^2))",
    "torch.pow(x, 2)": "(x^2)",
    "np.power(x, 3)": "(x^3)",
    "torch.pi*x": "(pi*x)",
    "math.pi + np.pi + math.e + np.e": "(((pi+pi)+e)+e)",
    "np.arcsin(x)": "asin(x)",
    "F": "F",
    # methods
    "x.exp()": "exp(x)",
    "x.pow(2)": "(x^2)",
    "(x**2).sum()": "sum((x^2))",
    "x.sin().mean()": "mean(sin(x))",
    "x.log() + x.sqrt() + x.abs()": "((log(x)+sqrt(x))+abs(x))",
    "x.relu() * x.sigmoid() * x.tanh()": "((relu(x)*sigmoid(x))*tanh(x))",
    "torch.exp(x).sum(dim=0)": "sum(exp(x), dim=0)",
    "x.mean(dim=-1, keepdim=True)": "mean(x, dim=(-1), keepdim=1)",
    "torch.sum(x, dim=1, keepdim=False)": "sum(x, dim=1, keepdim=0)",
    # tensors: matrix products, transposes, reductions, detach
    "A @ w": "matmul(A, w)",
    "A@w + b": "(matmul(A, w)+b)",
    "a @ b @ c": "matmul(matmul(a, b), c)",
    "a*b@c": "matmul((a*b), c)",
    "a@b*c": "(matmul(a, b)*c)",
    "2A@w": "matmul((2*A), w)",
    "-a@b": "matmul((-a), b)",
    "a@b^2": "matmul(a, (b^2))",
    "torch.matmul(a, b)": "matmul(a, b)",
    "np.matmul(a, b)": "matmul(a, b)",
    "a.matmul(b)": "matmul(a, b)",
    "matmul(a, b)": "matmul(a, b)",
    "torch.dot(a, b)": "dot(a, b)",
    "np.dot(a, b)": "dot(a, b)",
    "numpy.dot(a, b)": "dot(a, b)",
    "a.dot(b)": "dot(a, b)",
    "x.T": "transpose(x)",
    "x.t()": "transpose(x)",
    "torch.t(x)": "transpose(x)",
    "np.transpose(x)": "transpose(x)",
    "x.transpose()": "transpose(x)",
    "x.transpose(0, 1)": "transpose(x)",
    "x.transpose(1, 0)": "transpose(x)",
    "x.transpose(-2, -1)": "transpose(x)",
    "torch.transpose(x, 0, 1)": "transpose(x)",
    "x.T.T": "transpose(transpose(x))",
    "(A@w).T": "transpose(matmul(A, w))",
    "x.T.sum()": "sum(transpose(x))",
    "torch.prod(x)": "prod(x)",
    "x.prod()": "prod(x)",
    "prod(x)": "prod(x)",
    "x.max()": "max(x)",
    "torch.max(x)": "max(x)",
    "max(x)": "max(x)",
    "np.max(x)": "max(x)",
    "torch.amax(x)": "max(x)",
    "np.amax(x, dim=0)": "max(x, dim=0)",
    "x.max(dim=1, keepdim=True)": "max(x, dim=1, keepdim=1)",
    "x.prod(dim=0)": "prod(x, dim=0)",
    "x.sum(0)": "sum(x, dim=0)",
    "x.mean(-1)": "mean(x, dim=(-1))",
    "torch.sum(x, 0)": "sum(x, dim=0)",
    "torch.max(x, 1)": "max(x, dim=1)",
    "max(x, 1)": "max(x, dim=1)",
    "torch.sum(x, 1, keepdim=True)": "sum(x, dim=1, keepdim=1)",
    "x.detach()": "detach(x)",
    "torch.detach(x)": "detach(x)",
    "detach(x)": "detach(x)",
    "(x.detach() * x).sum()": "sum((detach(x)*x))",
    # indexing
    "x[0]": "x⟦0⟧",
    "x[-1]": "x⟦(-1)⟧",
    "x[+1]": "x⟦1⟧",
    "x[0, 1]": "x⟦0, 1⟧",
    "x[:, 0]": "x⟦::, 0⟧",
    "x[1:3]": "x⟦1:3:⟧",
    "x[::2]": "x⟦::2⟧",
    "x[1:-1:2]": "x⟦1:(-1):2⟧",
    "x[:]": "x⟦::⟧",
    "x[0:]": "x⟦0::⟧",
    "x[007]": "x⟦7⟧",
    "(A@w)[0]": "matmul(A, w)⟦0⟧",
    "x[0][1]": "x⟦0⟧⟦1⟧",
    "x.T[0]": "transpose(x)⟦0⟧",
    "x [0]": "x⟦0⟧",
    "x[0].exp()": "exp(x⟦0⟧)",
    "x.sum(0)[1]": "sum(x, dim=0)⟦1⟧",
    "2x[0]": "(2*x⟦0⟧)",
    "-x[0]^2": "(-(x⟦0⟧^2))",
    "x[0]!": "factorial(x⟦0⟧)",
    "sin x[0]": "sin(x⟦0⟧)",
    "f(x)[0]": "f[x]⟦0⟧",
    "|x|[0]": "abs(x)⟦0⟧",
    "x_1[0]": "x_1⟦0⟧",
    # undefined functions
    "f(x)": "f[x]",
    "g(x, y)": "g[x, y]",
    "h (t)": "h[t]",
    "y(x)": "y[x]",
    "u(t)": "u[t]",
    "v(x)": "v[x]",
    "y(y)": "(y*y)",
    "y(2)": "(y*2)",
    "y (x)": "(y*x)",
    "y(x+1)": "(y*(x+1))",
    "f(g(x))": "f[g[x]]",
    # grouping, absolute value
    "{x+1}^2": "((x+1)^2)",
    "|x|": "abs(x)",
    "|x - 1| + 2": "(abs((x-1))+2)",
    "2|x|": "(2*abs(x))",
    "||x|-1|": "abs((abs(x)-1))",
    "|x|y|z|": "((abs(x)*y)*abs(z))",
    "(|x|)": "abs(x)",
    "|(x|y|)|": "abs((x*abs(y)))",
    # unicode
    "x³+2x²": "((x^3)+(2*(x^2)))",
    "x²3": "((x^2)*3)",
    "x¹²": "(x^12)",
    "x⁻¹": "(x^(-1))",
    "2⋅x": "(2*x)",
    "2·x": "(2*x)",
    "2×x": "(2*x)",
    "2∙x": "(2*x)",
    "x−1": "(x-1)",
    "x–1": "(x-1)",
    "x÷2": "(x/2)",
    "１２３x": "(123*x)",
    "x＋1": "(x+1)",
    "𝑥^2": "(x^2)",
    "x\u00a0+\u20091": "(x+1)",
    "µ": "mu",
    # labels
    "y = x^2": "(x^2)",
    "y=x^2": "(x^2)",
    "f(x) = x^2": "(x^2)",
    "f'(x) = 2x": "(2*x)",
    "y' = 2x": "(2*x)",
    "dy/dx = 2x": "(2*x)",
    "df/dx =2x": "(2*x)",
    "  y   =   x": "x",
    # answer-context inputs whose check belongs to grading
    "2X+2": "((2*X)+2)",
    "2*x + C": "((2*x)+C)",
    "sqrt(-1)": "sqrt((-1))",
    "tan(pi/2)": "tan((pi/2))",
    "(-8)^(1/3)": "((-8)^(1/3))",
    "x/x": "(x/x)",
    "x^x": "(x^x)",
}


@pytest.mark.parametrize(("text", "expected"), READINGS.items(), ids=list(READINGS))
def test_reading(text: str, expected: str) -> None:
    assert read_as(text) == expected


def test_implicit_products_are_marked() -> None:
    expr = parse("2x").expr
    assert isinstance(expr, Mul) and expr.implicit
    expr = parse("2*x").expr
    assert isinstance(expr, Mul) and not expr.implicit


def test_spellings_are_kept() -> None:
    def spellings(text: str) -> list[str]:
        return [n.spelling for n in nodes(parse(text).expr) if isinstance(n, Call)]

    assert spellings("torch.exp(x)") == ["torch.exp"]
    assert spellings("np.sin(x)") == ["np.sin"]
    assert spellings("ln x") == ["ln"]
    assert spellings("x.exp()") == [".exp()"]
    assert spellings("|x|") == ["|…|"]
    assert spellings("√x") == ["√"]
    assert spellings("3!") == ["!"]
    assert spellings("arcsin(x)") == ["arcsin"]
    assert spellings("ｓｉｎ(x)") == ["sin"]
    assert spellings("A @ w") == ["@"]
    assert spellings("x.T") == [".T"]
    assert spellings("x.t()") == [".t()"]
    assert spellings("torch.t(x)") == ["torch.t"]
    assert spellings("torch.amax(x)") == ["torch.amax"]
    assert spellings("x.detach()") == [".detach()"]
    assert spellings("x.matmul(w)") == [".matmul()"]


def test_max_with_a_dim_is_read_as_its_values() -> None:
    assert any("torch.amax" in n for n in notes("torch.max(x, dim=0)"))
    assert any("torch.amax" in n for n in notes("x.max(1)"))
    assert not any("amax" in n for n in notes("x.max()"))
    assert not any("amax" in n for n in notes("x.max(keepdim=True)"))
    assert not any("amax" in n for n in notes("np.max(x, 0)"))


def test_indices_are_nodes_with_spans() -> None:
    text = "x[1:-1, ::2, 0]"
    expr = parse(text).expr
    assert isinstance(expr, Index) and expr.span == Span(0, len(text))
    first, second, third = expr.items
    assert isinstance(first, Slice) and first.span == Span(2, 6) and first.step is None
    assert isinstance(first.stop, Neg) and first.stop.span == Span(4, 6)
    assert isinstance(second, Slice) and (second.start, second.stop) == (None, None)
    assert text[second.span.start : second.span.end] == "::2"
    assert isinstance(third, Num) and third.span == Span(13, 14)
    assert [type(n).__name__ for n in children(expr)] == ["Var", "Num", "Neg", "Num", "Num"]


def test_positional_dim_is_a_keyword() -> None:
    expr = parse("x.sum(0)").expr
    assert isinstance(expr, Call) and expr.args == (Var("x", Span(0, 1)),)
    assert [(k, shape(v)) for k, v in expr.kwargs] == [("dim", "0")]


def test_keyword_arguments_are_numbers() -> None:
    expr = parse("x.sum(dim=0, keepdim=True)").expr
    assert isinstance(expr, Call)
    assert [(k, shape(v)) for k, v in expr.kwargs] == [("dim", "0"), ("keepdim", "1")]


def test_spans_point_into_the_original_text() -> None:
    expr = parse("2x + sin(x)").expr
    assert isinstance(expr, Add)
    assert expr.span == Span(0, 11)
    assert expr.left.span == Span(0, 2)
    assert expr.right.span == Span(5, 11)
    assert isinstance(expr.right, Call) and expr.right.args[0].span == Span(9, 10)


def test_spans_of_brackets_powers_and_unicode() -> None:
    expr = parse("(x+1)^2").expr
    assert isinstance(expr, Pow) and expr.span == Span(0, 7) and expr.base.span == Span(0, 5)
    text = "  ｘ² + 𝑥"
    expr = parse(text).expr
    assert isinstance(expr, Add) and isinstance(expr.left, Pow)
    assert expr.left.span == Span(2, 4)
    assert text[expr.left.exponent.span.start : expr.left.exponent.span.end] == "²"
    assert text[expr.right.span.start : expr.right.span.end] == "𝑥"
    expr = parse("y = -x").expr
    assert isinstance(expr, Neg) and expr.span == Span(4, 6)


def test_tokens_carry_original_offsets() -> None:
    text = "ｓｉｎ(x)²"
    tokens = tokenize(text)
    assert [(t.kind, t.text) for t in tokens] == [
        ("func", "sin"), ("open", "("), ("name", "x"), ("close", ")"),
        ("op", "^"), ("open", "{"), ("num", "2"), ("close", "}"), ("end", ""),
    ]  # fmt: skip
    assert (tokens[0].start, tokens[0].end) == (0, 3)
    assert (tokens[6].start, tokens[6].end) == (6, 7)
    assert tokens[-1].start == len(text)


def test_parse_tokens_accepts_tokens_without_end() -> None:
    tokens = [Token("num", "2", 0, 1), Token("name", "x", 1, 2)]
    assert shape(parse_tokens(tokens, "2x", "expression", latex=False).expr) == "(2*x)"


# --- notes -----------------------------------------------------------------------------------


def test_notes() -> None:
    assert "xy was read as x·y" in notes("xy")
    assert "xsinx was read as x·sin(x)" in notes("xsinx")
    assert "1/2x was read as (1/2)·x; write 1/(2x) if you meant that" in notes("1/2x")
    assert "e^2x was read as e^2·x; write e^(2x) if you meant that" in notes("e^2x")
    assert "x^1/2 was read as (x^1)/2; write x^(1/2) if you meant that" in notes("x^1/2")
    assert "sin x^2 was read as sin(x^2)" in notes("sin x^2")
    assert any("x2 was read as one variable name" in n for n in notes("2x2"))
    assert notes("x^2 + 1") == []
    assert notes("sin(x)") == []


def test_note_kinds() -> None:
    found = [(n.kind, n.message) for n in parse("y = e^x + log(x)").notes]
    assert ("dropped", "the label 'y =' at the start was dropped") in found
    assert [kind for kind, _ in found].count("convention") == 2
    messages = notes("y = e^x + log(x)")
    assert "e is Euler's number (2.718…)" in messages
    assert any(m.startswith("log is the natural logarithm") for m in messages)
    assert not any("natural" in m for m in notes("ln(x)"))
    assert not any("Euler" in m for m in notes("x + 1"))
    assert parse("1/2x").notes[0].kind == "ambiguous"


# --- refusals ------------------------------------------------------------------------------

REFUSED = [
    # (text, column, words in the message, words in the hint or None)
    ("", 1, "empty expression", None),
    ("   ", 1, "empty expression", None),
    ("y =", 4, "empty expression", None),
    ("x +", 4, "ends too early", None),
    (")(", 1, "closes nothing", None),
    ("sin()", 4, "needs an argument", None),
    ("x**", 4, "expected an exponent after '**'", None),
    ("^", 1, "expected a number", None),
    ("(", 2, "ends too early", None),
    ("((x)", 1, "never closed", None),
    ("2(", 3, "ends too early", None),
    ("x;y", 2, "one expression at a time", None),
    ("x+1 garbage!", 5, "unknown word 'garbage'", None),
    ("2x.", 3, "unexpected '.'", None),
    ("3*/x^2", 3, "expected a number", None),
    ("|x", 1, "'|' is never closed", None),
    ("\\", 1, "LaTeX", None),
    ("2..3", 2, "digits after the decimal point", None),
    ("2.", 2, "digits after the decimal point", "2.0"),
    ("1.2.3", 4, "one decimal point", None),
    ("f(x,)", 4, "trailing comma", None),
    ("0x10", 1, "hexadecimal literal", "hexadecimal literals are not supported"),
    ("0b101", 1, "binary literal", None),
    ("1_000", 2, "underscores", None),
    ("3,5x", 2, "not a decimal point", "use a decimal point: 3.5"),
    ("x, y", 2, "comma only separates", None),
    ("2 3", 3, "two numbers in a row", None),
    ("lambda", 1, "Python keyword 'lambda' is not maths", "λ"),
    ("True", 1, "Python keyword 'True'", None),
    ("x if y else z", 3, "Python keyword 'if'", None),
    ("import os", 1, "Python keyword", None),
    ("None", 1, "Python keyword", None),
    ("nan", 1, "not a number", None),
    ("inf", 1, "not a number", None),
    ("Infinity", 1, "not a number", None),
    ("oo", 1, "not a number", None),
    ("hello", 1, "unknown word 'hello'", None),
    ("eval(1)", 1, "unknown function 'eval'", None),
    ("ｅｖａｌ(1)", 1, "unknown function 'eval'", None),
    ("input()", 1, "unknown function 'input'", None),
    ("exit()", 1, "unknown function 'exit'", None),
    ("chr(95)", 1, "unknown function 'chr'", None),
    ("getattr(x, 'a')", 1, "unknown function 'getattr'", None),
    ("preview(x)", 1, "unknown function 'preview'", None),
    ("max(a, b)", 1, "max of two values (an elementwise maximum)", "largest element"),
    ("torch.max(x, y)", 1, "elementwise maximum", None),
    ("min(x)", 1, "unknown function 'min'", "min is not supported"),
    ("maximum(x, y)", 1, "unknown function 'maximum'", "elementwise maximum is not supported"),
    ("torch.maximum(x, y)", 1, "unknown name 'torch.maximum'", "elementwise maximum"),
    ("product(x)", 1, "unknown function 'product'", None),
    ("xmax(x)", 1, "unknown function 'xmax'", None),
    ("gamma(x)", 1, "unknown function 'gamma'", "Greek"),
    ("factorial2(10)", 1, "unknown function 'factorial2'", None),
    ("In(x)", 1, "unknown function 'In'", "did you mean ln (lower-case L)?"),
    ("In x", 1, "unknown function 'In'", "ln"),
    ("Sin(x)", 1, "unknown function 'Sin'", "function names are lower case: sin"),
    ("COS(x)", 1, "'COS'", "lower case: cos"),
    ("Exp(x)", 1, "'Exp'", "lower case: exp"),
    ("Log(x)", 1, "'Log'", "lower case: log"),
    ("Sin x", 1, "'Sin'", "lower case"),
    ("Pi", 1, "'Pi'", "pi"),
    ("__import__('os')", 1, "cannot start with '_'", None),
    ("x__y", 1, "'__'", None),
    ("x.__class__", 2, "attribute '.__class__' is not allowed", None),
    ("().__class__.__bases__", 3, "attribute '.__class__' is not allowed", None),
    ("x.subs(x, 1)", 2, "unknown method '.subs()'", None),
    ("x.exp", 2, "write .exp() with parentheses", None),
    ("torch.os", 1, "unknown name 'torch.os'", None),
    ("np.log1p(x)", 1, "unknown name 'np.log1p'", None),
    ("sin^-1(x)", 1, "ambiguous", "write asin(x) for the inverse sine"),
    ("sin^{-1}(x)", 1, "ambiguous", "asin"),
    ("cosh^-1 x", 1, "ambiguous", "acosh"),
    ("sqrt^-1(x)", 1, "ambiguous", "reciprocal"),
    ("[1, 2]", 1, "lists are values", "--at"),
    ("x + [1, 2]", 5, "lists are values", "--at"),
    ("sum [1, 2]", 5, "lists are values", "--at"),
    ("2 * ([1])", 6, "lists are values", "--at"),
    ("|[1]|", 2, "lists are values", "--at"),
    ("@x", 1, "expected a number", None),
    ("x @", 4, "ends too early", None),
    ("x @ @ y", 5, "expected a number", None),
    ("x[1.5]", 3, "an index must be a whole number or a slice, not '1.5'", "x[1:3]"),
    ("x[1e3]", 3, "not '1e3'", None),
    ("x[i]", 3, "not 'i'", None),
    ("x[i+1, 0]", 3, "not 'i+1'", None),
    ("x[0, -a]", 6, "not '-a'", None),
    ("x[1:a]", 3, "not '1:a'", None),
    ("x[[0]]", 3, "not '[0]'", None),
    ("x[(0)]", 3, "not '(0)'", None),
    ("x[0 y]", 3, "not '0 y'", None),
    ("x[dim=0]", 3, "not 'dim=0'", None),
    ("x[--1]", 3, "not '--1'", None),
    ("x[...]", 3, "'...' (Ellipsis) is not supported", "x[:, 0]"),
    ("x[0, ...]", 6, "Ellipsis", None),
    ("x[None]", 3, "Python keyword 'None'", "no None"),
    ("x[]", 2, "empty index", None),
    ("x[0,]", 4, "trailing comma", None),
    ("x[,0]", 3, "expected an index before ','", None),
    ("x[1:2:3:4]", 8, "at most two ':'", None),
    ("x[0", 2, "'[' is never closed", None),
    ("x[", 3, "ends too early", None),
    ("x[0)", 4, "does not match the '['", None),
    ("x[0]]", 5, "closes nothing", None),
    ("2[0]", 1, "a number cannot be indexed", None),
    ("pi[0]", 1, "a number cannot be indexed", None),
    ("x:y", 2, "':' only appears in a slice", None),
    ("x.T()", 2, "write .T without parentheses", ".t()"),
    ("x.H", 2, "unknown method '.H()'", ".T"),
    ("x.transpose(0, 2)", 1, "explain transposes matrices only", "x.T"),
    ("torch.transpose(x, 1, 1)", 1, "transposes matrices only", None),
    ("x.transpose(0)", 1, ".transpose() takes 0 or 2 arguments, not 1", None),
    ("np.transpose(x, 1, 0)", 1, "np.transpose takes 1 argument, not 3", None),
    ("x.matmul()", 1, ".matmul() takes 1 argument, not 0", None),
    ("torch.dot(x)", 1, "torch.dot takes 2 arguments, not 1", None),
    ("x.detach(1)", 1, ".detach() takes 0 arguments, not 1", None),
    ("x.sum(y)", 7, "the second argument of .sum() is a dimension", "x.sum(0)"),
    ("torch.sum(x, 1.5)", 14, "is a dimension: a whole number", "torch.sum(x, 0)"),
    ("x.sum(0, dim=1)", 7, "dim= is given twice", None),
    ("x.sum(0, 1)", 1, ".sum() takes 0 or 1 arguments, not 2", None),
    ("x'", 2, "prime marks are not part of an expression", "--wrt"),
    ("'a'*10**10", 1, "strings are not part of maths", None),
    ('f("x")', 3, "strings are not part of maths", None),
    ("I don't know", 6, "strings", None),
    ("x = 2", 3, "'=' is not part of an expression", None),
    ("x + y = 2", 7, "'='", None),
    ("=HYPERLINK(1)", 1, "'='", None),
    ("d/dx(x^2)", 1, "d/dx is an operator", "--wrt"),
    ("x\n2", 2, "line break inside an expression", None),
    ("x\u200b+1", 2, "invisible character U+200B ZERO WIDTH SPACE", None),
    ("x\x07", 2, "control character U+0007", None),
    ("х^2", 1, "character U+0445 CYRILLIC SMALL LETTER HA is not allowed", "retype it"),
    ("Α + 1", 1, "GREEK CAPITAL LETTER ALPHA", "retype it"),
    ("xⁿ", 2, "SUPERSCRIPT LATIN SMALL LETTER N", "^"),
    ("½", 1, "VULGAR FRACTION ONE HALF", None),
    ("x_", 2, "subscript", None),
    ("sum(x, axis=0)", 8, "keyword argument 'axis=' is not supported", None),
    ("sin(x, dim=0)", 8, "only accepted by sum, mean, prod and max", None),
    ("x.matmul(w, dim=0)", 13, "only accepted by sum, mean, prod and max", None),
    ("sum(x, dim=0, dim=1)", 15, "given twice", None),
    ("sum(x, dim=1.5)", 12, "whole number", None),
    ("mean(x, keepdim=2)", 17, "True or False", None),
    ("log(x, 2, 3)", 1, "log takes 1 or 2 arguments, not 3", None),
    ("np.log(x, 2)", 1, "takes 1 argument, not 2", None),
    ("sin(x, y)", 1, "takes 1 argument", None),
    ("torch.pow(x)", 1, "takes 2 arguments", None),
    ("x.exp(2)", 1, "takes 0 arguments", None),
    ("sin_1(x)", 4, "only log takes a subscript", None),
    ("f()", 2, "needs an argument", None),
    ("sin", 1, "sin needs an argument", None),
    ("sin + 1", 1, "needs an argument", None),
    ("sin - x", 1, "needs an argument", None),
    ("()", 1, "empty brackets", None),
]


@pytest.mark.parametrize(("text", "column", "why", "hint"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused(text: str, column: int, why: str, hint: str | None) -> None:
    err = refused(text, lambda t: read(t, latex=False) if "\\" not in t else parse(t))
    assert isinstance(err, ParseError)
    assert why in err.why
    assert err.column == column, err.one_line()
    assert err.source == text and err.label == "expression"
    if hint is not None:
        assert err.hint is not None and hint in err.hint
    line = err.one_line()
    assert "\n" not in line and f"column {column}" in line


def test_errors_name_the_given_label() -> None:
    err = refused("x +", lambda t: parse(t, label="answer"))
    assert err.label == "answer" and err.one_line().startswith("parse error: answer, column 4")


# --- limits --------------------------------------------------------------------------------

LIMITED = {
    "100 000 nested parentheses": "(" * 100_000 + "x" + ")" * 100_000,
    "1 MB": "x" * 1_000_000,
    "20 kB sum": "+".join(["x"] * 10_000),
    "whitespace padding": " " * 3000 + "x",
    "65 nested brackets": "(" * 65 + "x" + ")" * 65,
    "65 nested calls": "sin(" * 65 + "x" + ")" * 65,
    "65 functions without brackets": "sin " * 65 + "x",
    "65 signs": "-" * 65 + "x",
    "65 absolute values": "|" * 65 + "x" + "|" * 65,
    "power tower of 66": "^".join(["x"] * 66),
    "70 factorials": "x" + "!" * 70,
    "65 indexings": "x" + "[0]" * 65,
    "65 nested index brackets": "x" + "[0" * 65 + "]" * 65,
    "100 000 list brackets": "[" * 100_000,
    "1e1000000": "1e1000000",
    "1e401": "1e401",
    "101 digits": "1" * 101,
    "101 decimals": "0." + "1" * 101,
    "over 2000 nodes": "x²" * 1000,
    "999-term sum (taller than MAX_TREE_HEIGHT)": "+".join(["x"] * 999),
}


@pytest.mark.parametrize("text", LIMITED.values(), ids=list(LIMITED))
def test_limits_fail_fast(text: str) -> None:
    started = time.perf_counter()
    err = refused(text)
    assert isinstance(err, LimitExceeded), err.one_line()
    assert time.perf_counter() - started < 1.0
    assert err.start is not None and 0 <= err.start <= len(text)
    assert len(err.one_line()) < 400


WITHIN = {
    "64 nested brackets": "(" * 64 + "x" + ")" * 64,
    "63 nested calls": "sin(" * 63 + "x" + ")" * 63,
    "64 functions without brackets": "sin " * 63 + "x",
    "63 absolute values": "|" * 63 + "x" + "|" * 63,
    "power tower of 64": "^".join(["x"] * 64),
    "64 indexings": "x" + "[0]" * 64,
    "9**9**9**9": "9**9**9**9",
    "10**10**10": "10**10**10",
    "1e400": "1e400",
    "100 digits": "9" * 100,
    "200-term sum (MAX_TREE_HEIGHT)": "+".join(["x"] * 200),
}


@pytest.mark.parametrize("text", WITHIN.values(), ids=list(WITHIN))
def test_within_limits(text: str) -> None:
    started = time.perf_counter()
    assert parse(text).expr is not None
    assert time.perf_counter() - started < 1.0


HOSTILE = [
    "ｅｖａｌ(1)",
    "__import__('os').system('id')",
    "().__class__.__bases__",
    "x.__class__.__mro__[-1].__subclasses__()",
    "'a'*10**10",
    "exec('import os')",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_inputs_fail_fast(text: str) -> None:
    started = time.perf_counter()
    err = refused(text, read)
    assert isinstance(err, ParseError) and time.perf_counter() - started < 1.0


def test_deepest_input_needs_little_stack() -> None:
    """Anything MAX_DEPTH allows parses with 800 frames to spare below Python's limit."""

    def frames() -> int:
        frame, count = sys._getframe(), 0
        while frame is not None:
            frame, count = frame.f_back, count + 1  # type: ignore[assignment]
        return count

    old = sys.getrecursionlimit()
    sys.setrecursionlimit(frames() + 800)
    try:
        for text in WITHIN.values():
            parse(text)
        read("\\sqrt{" * 63 + "x" + "}" * 63)
    finally:
        sys.setrecursionlimit(old)


# --- variable names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [("x", "x"), ("α", "alpha"), ("alpha", "alpha"), ("λ", "lamda"), ("x_1", "x_1"),
     ("x_{1}", "x_1"), ("x₁", "x_1"), ("theta_0", "theta_0"), (" t ", "t"), ("x1", "x1"),
     ("Ｘ", "X")],
)  # fmt: skip
def test_variable_name(text: str, name: str) -> None:
    assert variable_name(text) == name


@pytest.mark.parametrize("text", ["xy", "pi", "e", "sin", "2", "x+y", "lambda", "", "__x", "x(1)"])
def test_not_a_variable_name(text: str) -> None:
    with pytest.raises(ParseError):
        variable_name(text)


# --- safety --------------------------------------------------------------------------------

PACKAGE = Path(__file__).parents[1] / "explain"
PARSER_FILES = [
    f"{pkg}/{p.name}"
    for pkg in ("parse", "parse_latex", "lexicon")
    for p in sorted((PACKAGE / pkg).glob("*.py"))
]
ALLOWED_IMPORTS = {"__future__", "collections", "dataclasses", "re", "types", "typing",
                   "unicodedata", "explain"}  # fmt: skip


@pytest.mark.parametrize("name", PARSER_FILES)
def test_parser_imports_only_the_standard_library(name: str) -> None:
    tree = ast.parse((Path(__file__).parents[1] / "explain" / name).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for module in names or [getattr(node, "module", "") or ""]:
                assert module.split(".")[0] in ALLOWED_IMPORTS, f"{name} imports {module}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in {"eval", "exec", "compile", "__import__"}


def test_importing_the_parser_loads_no_engine() -> None:
    code = (
        "import sys, explain.parse_latex\n"
        "print(sorted(m for m in ('sympy', 'numpy', 'torch') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


# --- properties ----------------------------------------------------------------------------

PIECES = ["x", "y", "2", "0.5", "1e3", "pi", "e", "α", "sin", "cos", "ln", "sqrt", "exp",
          "torch.exp", "np.sin", "+", "-", "*", "/", "^", "**", "!", "(", ")", "{", "}", "|",
          ",", " ", ".exp()", ".sum(dim=0)", "f(", "y(x)", "x²", "−", "×", "√", "_1", "=",
          "'", "\\frac{", "}{", "\\sqrt", "$", ";", "\n", "ｘ", "х", "__", "@", "[", "]", ":",
          "[0]", "[-1]", "[1:3]", "[:, 0]", ".T", ".max(0)", "...", "None", "Piecewise((",
          "<", "<=", ">=", " & ", " and ", "True", "torch.where(", "np.where("]  # fmt: skip


@given(st.text(max_size=60))
def test_any_text_parses_or_fails_cleanly(text: str) -> None:
    check_cleanly(text)


@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
def test_token_soup_parses_or_fails_cleanly(text: str) -> None:
    check_cleanly(text)


def check_cleanly(text: str) -> None:
    try:
        parsed = read(text)
    except (ParseError, LimitExceeded) as err:
        assert err.start is not None and 0 <= err.start <= len(text)
        assert "\n" not in err.one_line()
        return
    for node in nodes(parsed.expr):
        assert 0 <= node.span.start <= node.span.end <= len(text)


def expressions() -> st.SearchStrategy[str]:
    atoms = st.sampled_from(["x", "y", "2", "0.5", "pi", "e", "α", "x_1", "3x", "x²"])

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.tuples(inner, st.sampled_from([" + ", "-", "*", "/", "^", " ", "**"]), inner)
        return st.one_of(
            binary.map(lambda t: f"({t[0]}){t[1]}({t[2]})"),
            st.tuples(
                st.sampled_from(["sin", "ln", "sqrt", "torch.exp", "np.cos", "abs"]), inner
            ).map(lambda t: f"{t[0]}({t[1]})"),
            inner.map(lambda s: f"-{s}"),
            inner.map(lambda s: f"|{s}|"),
            inner.map(lambda s: f"({s}).sum()"),
            st.tuples(inner, inner).map(lambda t: f"({t[0]}) @ ({t[1]})"),
            inner.map(lambda s: f"(x + {s})[0, -1:]"),
            inner.map(lambda s: f"({s}).T.max(0)"),
            st.tuples(inner, inner, inner).map(
                lambda t: f"Piecewise(({t[0]}, {t[1]} < x <= 2), ({t[2]}, True))"
            ),
            st.tuples(inner, inner).map(lambda t: f"torch.where(x >= {t[0]}, {t[1]}, x)"),
        )

    return st.recursive(atoms, extend, max_leaves=12)


@given(expressions())
def test_well_formed_expressions_parse_with_spans_inside(text: str) -> None:
    parsed = parse(text)
    for node in nodes(parsed.expr):
        assert 0 <= node.span.start < node.span.end <= len(text), (text, node)
    assert parsed.expr.span.start == 0 or text[: parsed.expr.span.start].strip("(") == ""
