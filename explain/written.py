"""Written notation of Expr trees, in the user's order: as read (explicit), as a teacher writes it
(pretty) and as LaTeX. Shared by the renderers and by the autograd graph's labels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import assert_never

from explain.conditions import cases
from explain.expr import (
    Add,
    Apply,
    Call,
    Cases,
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

GREEK = (
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lamda",
    "mu",
    "nu",
    "xi",
    "omicron",
    "pi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "chi",
    "psi",
    "omega",
)
GREEK_LETTERS = dict(zip(GREEK, "αβγδεζηθικλμνξοπρστυφχψω", strict=True))
GREEK_LETTERS |= {name.capitalize(): ch.upper() for name, ch in GREEK_LETTERS.items()}
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

# Precedence levels for written-order printing.
P_ADD, P_MUL, P_NEG, P_POW, P_ATOM = 10, 20, 30, 40, 50


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
        head = "\\" + ("lambda" if head == "lamda" else head) + " "
        head = head.rstrip()
    elif len(head) > 1:
        head = f"\\mathit{{{head}}}"
    return f"{head}_{{{sub}}}" if sub else head


# --- Expr, written order ------------------------------------------------------------------


def precedence(node: Expr) -> int:
    match node:
        case Add() | Sub():
            return P_ADD
        case Mul() | Div():
            return P_MUL
        case Call(func="matmul"):
            return P_MUL
        case Neg():
            return P_NEG
        case Pow():
            return P_POW
        case Num() | Const() | Var() | Call() | Apply() | Index() | Cases():
            return P_ATOM
        case _:
            assert_never(node)


def parenthesised(node: Expr, *, after_operator: bool = False, factor: bool = False) -> bool:
    """Whether a sub-expression needs brackets after d/dx (x² + 1) or as a factor (x + 1)·y."""
    return (after_operator and precedence(node) <= P_NEG) or (factor and precedence(node) < P_POW)


def is_natural_log(node: Call) -> bool:
    return node.func == "log" and len(node.args) == 1


def _fn_name(node: Call) -> str:
    if is_natural_log(node):
        return "ln"
    return node.func


def explicit(node: Expr) -> str:
    """The "read as" echo: ASCII, every product a `*`, parentheses wherever grouping matters."""

    def sub(child: Expr, minimum: int) -> str:
        text = explicit(child)
        return f"({text})" if precedence(child) < minimum else text

    match node:
        case Num(text=text):
            return text
        case Const(name=name) | Var(name=name):
            return name
        case Neg(operand=a):
            return "-" + sub(a, P_ATOM)
        case Add() | Sub() | Mul() | Div():
            return _explicit_binary(node, sub)
        case Pow(base=a, exponent=b):
            return f"{sub(a, P_ATOM)}^{sub(b, P_ATOM)}"
        case Call() as call:
            return _call_explicit(call)
        case Apply(name=name, args=args):
            return f"{name}({', '.join(explicit(a) for a in args)})"
        case Index() | Cases():
            return indexed(node, explicit) if isinstance(node, Index) else cases(node, explicit)
        case _:
            assert_never(node)


def _explicit_binary(node: Add | Sub | Mul | Div, sub: Callable[[Expr, int], str]) -> str:
    # A quotient inside a product is parenthesised: 1/2x is shown as (1/2)*x.
    left_min = P_POW if isinstance(node.left, Div) else P_NEG
    match node:
        case Add(left=a, right=b):
            return f"{explicit(a)} + {sub(b, P_MUL)}"
        case Sub(left=a, right=b):
            return f"{explicit(a)} - {sub(b, P_MUL)}"
        case Mul(left=a, right=b):
            return f"{sub(a, left_min)}*{sub(b, P_POW)}"
        case Div(left=a, right=b):
            return f"{sub(a, left_min)}/{sub(b, P_POW)}"


def indexed(
    node: Index, show: Callable[[Expr], str], brackets: tuple[str, str] = ("[", "]")
) -> str:
    """base[i, a:b] in any of the three notations."""

    def part(item: Expr | Slice) -> str:
        if not isinstance(item, Slice):
            return show(item)
        text = ":".join("" if p is None else show(p) for p in (item.start, item.stop, item.step))
        return text[:-1] if item.step is None else text

    base = show(node.base)
    if precedence(node.base) < P_ATOM:
        base = f"({base})"
    return f"{base}{brackets[0]}{', '.join(part(i) for i in node.items)}{brackets[1]}"


def _applied(node: Apply | Index | Cases, show: Callable[[Expr], str], latex: bool = False) -> str:
    """f(x), x[i] or a function defined by cases in the notation of `show`."""
    if isinstance(node, Cases):
        return cases(node, show, "latex" if latex else "pretty")
    if isinstance(node, Index):
        return indexed(node, show, (r"\left[", r"\right]") if latex else ("[", "]"))
    args = ", ".join(show(a) for a in node.args)
    return rf"{node.name}\left({args}\right)" if latex else f"{node.name}({args})"


def _matmul(node: Call, show: Callable[[Expr], str], glue: str) -> str:
    """a @ b (as Python writes a matrix product), operands bracketed when they are sums."""
    left, right = node.args
    a = show(left) if precedence(left) >= P_MUL else f"({show(left)})"
    b = show(right) if precedence(right) > P_MUL else f"({show(right)})"
    return f"{a}{glue}{b}"


def _transposed(node: Call, show: Callable[[Expr], str], mark: str) -> str:
    inner = node.args[0]
    return f"{show(inner)}{mark}" if precedence(inner) == P_ATOM else f"({show(inner)}){mark}"


def _call_explicit(node: Call) -> str:
    if node.func == "matmul":
        return _matmul(node, explicit, " @ ")
    if node.func == "transpose":
        return _transposed(node, explicit, ".T")
    args = [explicit(a) for a in node.args]
    args += [f"{key}={explicit(value)}" for key, value in node.kwargs]
    if node.func == "factorial":
        inner = node.args[0]
        return f"{explicit(inner) if precedence(inner) == P_ATOM else '(' + explicit(inner) + ')'}!"
    return f"{_fn_name(node)}({', '.join(args)})"


def pretty(node: Expr) -> str:
    """What a teacher writes: 2x² + sin(x), (2x + 1)/(x - 3), e^(2x), |x|."""

    def sub(child: Expr, minimum: int) -> str:
        text = pretty(child)
        return f"({text})" if precedence(child) < minimum else text

    match node:
        case Num(text=text):
            return text
        case Const(name=name):
            return "π" if name == "pi" else name
        case Var(name=name):
            return display_name(name)
        case Neg(operand=a):
            return "-" + sub(a, P_MUL if not isinstance(a, Neg) else P_ATOM)
        case Add() | Sub() | Mul() | Div():
            return _pretty_binary(node, sub)
        case Pow(base=a, exponent=b):
            return _pow_pretty(sub(a, P_ATOM), b)
        case Call() as call:
            return _call_pretty(call)
        case Apply() | Index() | Cases():
            return _applied(node, pretty)
        case _:
            assert_never(node)


def _pretty_binary(node: Add | Sub | Mul | Div, sub: Callable[[Expr, int], str]) -> str:
    match node:
        case Add(left=a, right=b):
            return f"{pretty(a)} + {sub(b, P_MUL)}"
        case Sub(left=a, right=b):
            return f"{pretty(a)} - {sub(b, P_MUL)}"
        case Mul(left=a, right=b):  # a product on the left reads as it is: 2x·cos(x²)
            left = pretty(a) if isinstance(a, Mul) else sub(a, P_NEG)
            right = sub(b, P_POW)
            return left + ("" if _juxtapose(a, right) else "·") + right
        case Div(left=a, right=b):
            return f"{sub(a, P_POW)}/{sub(b, P_POW)}"


def _juxtapose(left: Expr, right_text: str) -> bool:
    """2x, 2sin(x), 2(x + 1): a number followed by something that starts with a letter or '('."""
    return (
        isinstance(left, Num)
        and bool(right_text)
        and (right_text[0].isalpha() or right_text[0] in "(|√π")
    )


def _pow_pretty(base: str, exponent: Expr) -> str:
    if isinstance(exponent, Num) and exponent.text.isdigit():
        return base + exponent.text.translate(SUPERSCRIPT)
    if (
        isinstance(exponent, Neg)
        and isinstance(exponent.operand, Num)
        and exponent.operand.text.isdigit()
    ):
        return base + ("-" + exponent.operand.text).translate(SUPERSCRIPT)
    text = pretty(exponent)
    return f"{base}^{text}" if precedence(exponent) == P_ATOM else f"{base}^({text})"


def _call_pretty(node: Call) -> str:
    if node.func in ("matmul", "transpose"):
        return (
            _matmul(node, pretty, " @ ")
            if node.func == "matmul"
            else _transposed(node, pretty, "ᵀ")
        )
    args = [pretty(a) for a in node.args]
    match node.func:
        case "abs":
            return f"|{args[0]}|"
        case "sqrt":
            return (
                f"√{args[0]}"
                if precedence(node.args[0]) == P_ATOM and not isinstance(node.args[0], Call)
                else f"√({args[0]})"
            )
        case "exp":
            inner = node.args[0]
            return f"e^{args[0]}" if precedence(inner) == P_ATOM else f"e^({args[0]})"
        case "factorial":
            return f"{args[0] if precedence(node.args[0]) == P_ATOM else '(' + args[0] + ')'}!"
        case _:
            args += [f"{key}={pretty(value)}" for key, value in node.kwargs]
            return f"{_fn_name(node)}({', '.join(args)})"


# --- Expr as LaTeX --------------------------------------------------------------------------

LATEX_FUNCTIONS = {
    "sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "sec": r"\sec", "csc": r"\csc",
    "cot": r"\cot", "asin": r"\arcsin", "acos": r"\arccos", "atan": r"\arctan",
    "sinh": r"\sinh", "cosh": r"\cosh", "tanh": r"\tanh", "coth": r"\coth", "exp": r"\exp",
    "log": r"\ln", "sigmoid": r"\sigma",
}  # fmt: skip


def latex(node: Expr) -> str:
    """The Expr in written order as LaTeX (math mode, no delimiters)."""

    def sub(child: Expr, minimum: int) -> str:
        text = latex(child)
        return rf"\left({text}\right)" if precedence(child) < minimum else text

    match node:
        case Num(text=text):
            return text
        case Const(name=name):
            return r"\pi" if name == "pi" else "e"
        case Var(name=name):
            return latex_name(name)
        case Neg(operand=a):
            return "-" + sub(a, P_MUL if not isinstance(a, Neg) else P_ATOM)
        case Add() | Sub() | Mul() | Div():
            return _latex_binary(node, sub)
        case Pow(base=a, exponent=b):
            base = (
                sub(a, P_ATOM)
                if not isinstance(a, Call) or a.func in ("abs", "sqrt")
                else rf"\left({latex(a)}\right)"
            )
            return f"{base}^{{{latex(b)}}}"
        case Call() as call:
            return _call_latex(call)
        case Apply() | Index() | Cases():
            return _applied(node, latex, latex=True)
        case _:
            assert_never(node)


def _latex_binary(node: Add | Sub | Mul | Div, sub: Callable[[Expr, int], str]) -> str:
    match node:
        case Add(left=a, right=b):
            return f"{latex(a)} + {sub(b, P_MUL)}"
        case Sub(left=a, right=b):
            return f"{latex(a)} - {sub(b, P_MUL)}"
        case Mul(left=a, right=b):
            # Juxtapose as LaTeX does (2 x, x y^{2}); a dot only before a number: 2 \cdot 3.
            glue = r" \cdot " if pretty(b)[:1].isdigit() else " "
            return sub(a, P_NEG) + glue + sub(b, P_POW)
        case Div(left=a, right=b):
            return rf"\frac{{{latex(a)}}}{{{latex(b)}}}"


def _tensor_latex(node: Call) -> str:
    if node.func == "matmul":
        return _matmul(node, latex, " ").replace("(", r"\left(").replace(")", r"\right)")
    return _transposed(node, latex, r"^{\top}")


def _call_latex(node: Call) -> str:
    if node.func in ("matmul", "transpose"):
        return _tensor_latex(node)
    args = [latex(a) for a in node.args]
    match node.func:
        case "abs":
            return rf"\left|{args[0]}\right|"
        case "sqrt" | "cbrt" | "root":
            index = {"sqrt": "", "cbrt": "[3]"}.get(node.func, f"[{args[-1]}]")
            return rf"\sqrt{index}{{{args[0]}}}"
        case "exp":
            return f"e^{{{args[0]}}}"
        case "log" if len(args) == 2:
            return rf"\log_{{{args[1]}}}\left({args[0]}\right)"
        case "log10" | "log2":
            return rf"\log_{{{node.func[3:]}}}\left({args[0]}\right)"
        case "factorial":
            return (
                rf"\left({args[0]}\right)!" if precedence(node.args[0]) < P_ATOM else f"{args[0]}!"
            )
        case "sum" | "mean":
            return rf"\operatorname{{{node.func}}}\left({args[0]}\right)"
        case _:
            name = LATEX_FUNCTIONS.get(node.func, rf"\operatorname{{{node.func}}}")
            return rf"{name}\left({', '.join(args)}\right)"
