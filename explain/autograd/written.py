"""WRITTEN: an Expr as the person wrote it, as one-line text and as LaTeX, for graph labels.

The same notation as `explain.render.notation.pretty`/`latex` (2x² + sin(x), |x|, √x, e^x),
restated here because the engines sit below the renderers and may not import them; a test
holds the two printers to the same output. If Expr printing moves below the engines, this
module becomes an import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import assert_never

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
    Pow,
    Slice,
    Sub,
    Var,
)

_GREEK = (
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lamda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi",
    "psi", "omega",
)  # fmt: skip
GREEK_LETTERS = dict(zip(_GREEK, "αβγδεζηθικλμνξοπρστυφχψω", strict=True))
GREEK_LETTERS |= {name.capitalize(): ch.upper() for name, ch in GREEK_LETTERS.items()}
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

P_ADD, P_MUL, P_NEG, P_POW, P_ATOM = 10, 20, 30, 40, 50

LATEX_FUNCTIONS = {
    "sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "sec": r"\sec", "csc": r"\csc",
    "cot": r"\cot", "asin": r"\arcsin", "acos": r"\arccos", "atan": r"\arctan",
    "sinh": r"\sinh", "cosh": r"\cosh", "tanh": r"\tanh", "coth": r"\coth", "exp": r"\exp",
    "log": r"\ln", "sigmoid": r"\sigma",
}  # fmt: skip


def display_name(name: str) -> str:
    """A variable's display form: Greek names as letters, x_1 as x₁."""
    head, _, sub = name.partition("_")
    head = GREEK_LETTERS.get(head, head)
    if not sub:
        return head
    return head + (sub.translate(SUBSCRIPT) if sub.isdigit() else "_" + sub)


def latex_name(name: str) -> str:
    """A variable's LaTeX form: \\alpha, x_{1}."""
    head, _, sub = name.partition("_")
    if head in GREEK_LETTERS:
        head = "\\" + ("lambda" if head == "lamda" else head)
    elif len(head) > 1:
        head = f"\\mathit{{{head}}}"
    return f"{head}_{{{sub}}}" if sub else head


def precedence(node: Expr) -> int:
    """How tightly a node binds: atoms (names, calls, numbers) bind tightest."""
    match node:
        case Add() | Sub():
            return P_ADD
        case Mul() | Div():
            return P_MUL
        case Neg():
            return P_NEG
        case Pow():
            return P_POW
        case Num() | Const() | Var() | Call() | Apply() | Index():
            return P_ATOM
        case _:
            assert_never(node)


def _fn_name(node: Call) -> str:
    return "ln" if node.func == "log" and len(node.args) == 1 else node.func


def _indexed(node: Index, show: Callable[[Expr], str], brackets: tuple[str, str]) -> str:
    def part(item: Expr | Slice) -> str:
        if not isinstance(item, Slice):
            return show(item)
        parts = (item.start, item.stop, item.step)
        joined = ":".join("" if p is None else show(p) for p in parts)
        return joined[:-1] if item.step is None else joined

    base = show(node.base)
    if precedence(node.base) < P_ATOM:
        base = f"({base})"
    return f"{base}{brackets[0]}{', '.join(part(i) for i in node.items)}{brackets[1]}"


def _applied(
    node: Apply | Index,
    show: Callable[[Expr], str],
    parens: tuple[str, str],
    brackets: tuple[str, str],
) -> str:
    """f(x) or x[i] in the notation of `show`."""
    if isinstance(node, Index):
        return _indexed(node, show, brackets)
    return f"{node.name}{parens[0]}{', '.join(show(a) for a in node.args)}{parens[1]}"


# --- text -------------------------------------------------------------------------------------


def text(node: Expr) -> str:
    """What a teacher writes: 2x² + sin(x), (2x + 1)/(x - 3), e^(2x), |x|."""

    def sub(child: Expr, minimum: int) -> str:
        shown = text(child)
        return f"({shown})" if precedence(child) < minimum else shown

    match node:
        case Num(text=literal):
            return literal
        case Const(name=name):
            return "π" if name == "pi" else name
        case Var(name=name):
            return display_name(name)
        case Neg(operand=a):
            return "-" + sub(a, P_MUL if not isinstance(a, Neg) else P_ATOM)
        case Add() | Sub() | Mul() | Div():
            return _binary_text(node, sub)
        case Pow(base=a, exponent=b):
            return _pow_text(sub(a, P_ATOM), b)
        case Call():
            return _call_text(node)
        case Apply() | Index():
            return _applied(node, text, ("(", ")"), ("[", "]"))
        case _:
            assert_never(node)


def _binary_text(node: Add | Sub | Mul | Div, sub: Callable[[Expr, int], str]) -> str:
    match node:
        case Add(left=a, right=b):
            return f"{text(a)} + {sub(b, P_MUL)}"
        case Sub(left=a, right=b):
            return f"{text(a)} - {sub(b, P_MUL)}"
        case Mul(left=a, right=b):
            left, right = sub(a, P_NEG), sub(b, P_POW)
            return left + ("" if _juxtapose(a, right) else "·") + right
        case Div(left=a, right=b):
            return f"{sub(a, P_POW)}/{sub(b, P_POW)}"
        case _:
            assert_never(node)


def _juxtapose(left: Expr, right_text: str) -> bool:
    """2x, 2sin(x), 2(x + 1): a number followed by something that starts with a letter or '('."""
    return (
        isinstance(left, Num)
        and bool(right_text)
        and (right_text[0].isalpha() or right_text[0] in "(|√π")
    )


def _pow_text(base: str, exponent: Expr) -> str:
    if isinstance(exponent, Num) and exponent.text.isdigit():
        return base + exponent.text.translate(SUPERSCRIPT)
    if (
        isinstance(exponent, Neg)
        and isinstance(exponent.operand, Num)
        and exponent.operand.text.isdigit()
    ):
        return base + ("-" + exponent.operand.text).translate(SUPERSCRIPT)
    shown = text(exponent)
    return f"{base}^{shown}" if precedence(exponent) == P_ATOM else f"{base}^({shown})"


def _call_text(node: Call) -> str:
    args = [text(a) for a in node.args]
    first = node.args[0] if node.args else None
    atom = first is not None and precedence(first) == P_ATOM
    match node.func:
        case "abs":
            return f"|{args[0]}|"
        case "sqrt":
            return f"√{args[0]}" if atom and not isinstance(first, Call) else f"√({args[0]})"
        case "exp":
            return f"e^{args[0]}" if atom else f"e^({args[0]})"
        case "factorial":
            return f"{args[0] if atom else '(' + args[0] + ')'}!"
        case _:
            args += [f"{key}={text(value)}" for key, value in node.kwargs]
            return f"{_fn_name(node)}({', '.join(args)})"


# --- LaTeX ------------------------------------------------------------------------------------


def latex(node: Expr) -> str:
    """The Expr in written order as LaTeX (math mode, no delimiters)."""

    def sub(child: Expr, minimum: int) -> str:
        shown = latex(child)
        return rf"\left({shown}\right)" if precedence(child) < minimum else shown

    match node:
        case Num(text=literal):
            return literal
        case Const(name=name):
            return r"\pi" if name == "pi" else "e"
        case Var(name=name):
            return latex_name(name)
        case Neg(operand=a):
            return "-" + sub(a, P_MUL if not isinstance(a, Neg) else P_ATOM)
        case Add() | Sub() | Mul() | Div():
            return _binary_latex(node, sub)
        case Pow(base=a, exponent=b):
            bracketed = isinstance(a, Call) and a.func not in ("abs", "sqrt")
            base = rf"\left({latex(a)}\right)" if bracketed else sub(a, P_ATOM)
            return f"{base}^{{{latex(b)}}}"
        case Call():
            return _call_latex(node)
        case Apply() | Index():
            return _applied(node, latex, (r"\left(", r"\right)"), (r"\left[", r"\right]"))
        case _:
            assert_never(node)


def _binary_latex(node: Add | Sub | Mul | Div, sub: Callable[[Expr, int], str]) -> str:
    match node:
        case Add(left=a, right=b):
            return f"{latex(a)} + {sub(b, P_MUL)}"
        case Sub(left=a, right=b):
            return f"{latex(a)} - {sub(b, P_MUL)}"
        case Mul(left=a, right=b):
            # Juxtapose as LaTeX does (2 x, x y^{2}); a dot only before a number: 2 \cdot 3.
            glue = r" \cdot " if text(b)[:1].isdigit() else " "
            return sub(a, P_NEG) + glue + sub(b, P_POW)
        case Div(left=a, right=b):
            return rf"\frac{{{latex(a)}}}{{{latex(b)}}}"
        case _:
            assert_never(node)


def _call_latex(node: Call) -> str:
    args = [latex(a) for a in node.args]
    match node.func:
        case "abs":
            return rf"\left|{args[0]}\right|"
        case "sqrt":
            return rf"\sqrt{{{args[0]}}}"
        case "cbrt":
            return rf"\sqrt[3]{{{args[0]}}}"
        case "root":
            return rf"\sqrt[{args[1]}]{{{args[0]}}}"
        case "exp":
            return f"e^{{{args[0]}}}"
        case "log" if len(args) == 2:
            return rf"\log_{{{args[1]}}}\left({args[0]}\right)"
        case "log10" | "log2":
            return rf"\log_{{{node.func[3:]}}}\left({args[0]}\right)"
        case "factorial":
            wrap = precedence(node.args[0]) < P_ATOM
            return rf"\left({args[0]}\right)!" if wrap else f"{args[0]}!"
        case "sum" | "mean":
            return rf"\operatorname{{{node.func}}}\left({args[0]}\right)"
        case _:
            name = LATEX_FUNCTIONS.get(node.func, rf"\operatorname{{{node.func}}}")
            return rf"{name}\left({', '.join(args)}\right)"
