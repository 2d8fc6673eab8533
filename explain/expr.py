"""MODEL: the Expr tree of what the person wrote, in their order and names, with source spans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, assert_never

# --- vocabulary -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FunctionInfo:
    """A function explain knows: its canonical name, arity and the family a teacher names."""

    name: str
    arity: tuple[int, ...]  # accepted argument counts, e.g. (1, 2) for log(x[, base])
    family: Literal[
        "trig",
        "inverse_trig",
        "hyperbolic",
        "inverse_hyperbolic",
        "exp",
        "log",
        "root",
        "abs",
        "piecewise_linear",
        "special",
        "reduction",
        "integer",
        "tensor",
        "gradient",
    ]
    title: str  # how a teacher says it: "sine", "natural logarithm"


def _f(name: str, family: str, title: str, arity: tuple[int, ...] = (1,)) -> FunctionInfo:
    return FunctionInfo(name, arity, family, title)  # type: ignore[arg-type]


FUNCTIONS: dict[str, FunctionInfo] = {
    f.name: f
    for f in (
        _f("sin", "trig", "sine"),
        _f("cos", "trig", "cosine"),
        _f("tan", "trig", "tangent"),
        _f("sec", "trig", "secant"),
        _f("csc", "trig", "cosecant"),
        _f("cot", "trig", "cotangent"),
        _f("asin", "inverse_trig", "inverse sine"),
        _f("acos", "inverse_trig", "inverse cosine"),
        _f("atan", "inverse_trig", "inverse tangent"),
        _f("asec", "inverse_trig", "inverse secant"),
        _f("acsc", "inverse_trig", "inverse cosecant"),
        _f("acot", "inverse_trig", "inverse cotangent"),
        _f("sinh", "hyperbolic", "hyperbolic sine"),
        _f("cosh", "hyperbolic", "hyperbolic cosine"),
        _f("tanh", "hyperbolic", "hyperbolic tangent"),
        _f("sech", "hyperbolic", "hyperbolic secant"),
        _f("csch", "hyperbolic", "hyperbolic cosecant"),
        _f("coth", "hyperbolic", "hyperbolic cotangent"),
        _f("asinh", "inverse_hyperbolic", "inverse hyperbolic sine"),
        _f("acosh", "inverse_hyperbolic", "inverse hyperbolic cosine"),
        _f("atanh", "inverse_hyperbolic", "inverse hyperbolic tangent"),
        _f("exp", "exp", "exponential"),
        _f("log", "log", "logarithm", (1, 2)),  # log(x) = ln x; log(x, b) = log base b
        _f("log10", "log", "base-10 logarithm"),
        _f("log2", "log", "base-2 logarithm"),
        _f("sqrt", "root", "square root"),
        _f("cbrt", "root", "cube root"),
        _f("root", "root", "n-th root", (2,)),  # root(x, n) = x^(1/n), from \sqrt[n]{x}
        _f("abs", "abs", "absolute value"),
        _f("sign", "abs", "sign"),
        _f("relu", "piecewise_linear", "ReLU"),
        _f("sigmoid", "special", "logistic sigmoid"),
        _f("erf", "special", "error function"),
        _f("sum", "reduction", "sum over the elements"),
        _f("mean", "reduction", "mean over the elements"),
        _f("prod", "reduction", "product of the elements"),
        _f("max", "reduction", "largest element"),
        _f("matmul", "tensor", "matrix product", (2,)),  # also a @ b
        _f("dot", "tensor", "dot product", (2,)),
        _f("transpose", "tensor", "transpose"),  # x.T, x.t(), torch.t(x)
        _f("detach", "gradient", "detach (stop the gradient)"),  # x.detach(): a constant
        _f("factorial", "integer", "factorial"),
    )
}
"""Canonical function names; the parser maps every accepted spelling onto one of these."""

CONSTANTS: dict[str, str] = {"pi": "π", "e": "e"}
"""Named constants (canonical name -> symbol shown to the user)."""

# --- the tree -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """Where a node came from: 0-based [start, end) offsets into the text as the user typed it."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Num:
    """A non-negative number literal, kept as written: "2", "0.5", "1.5e-3"."""

    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Const:
    """A named constant: "pi" (π) or "e" (Euler's number)."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Var:
    """A variable or parameter: "x", "x_1", "alpha"."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Neg:
    """Unary minus: -operand."""

    operand: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Add:
    """left + right."""

    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Sub:
    """left - right."""

    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Mul:
    """left · right; `implicit` when written by juxtaposition (2x, (x+1)(x-1))."""

    left: Expr
    right: Expr
    span: Span
    implicit: bool = False


@dataclass(frozen=True, slots=True)
class Div:
    """left / right (a quotient as the user wrote it)."""

    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Pow:
    """base ^ exponent (also ** and x.pow(n))."""

    base: Expr
    exponent: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Call:
    """A known function applied to arguments: func is canonical (see FUNCTIONS).

    `spelling` is how it was written ("sin", "torch.sin", "np.sin", ".sin()", "ln", "\\ln"),
    so the output can speak in the user's terms; `kwargs` holds keyword arguments (dim=0).
    """

    func: str
    args: tuple[Expr, ...]
    span: Span
    spelling: str = ""
    kwargs: tuple[tuple[str, Expr], ...] = ()


@dataclass(frozen=True, slots=True)
class Slice:
    """start:stop:step inside an index (each part optional, integers)."""

    start: Expr | None
    stop: Expr | None
    step: Expr | None
    span: Span


@dataclass(frozen=True, slots=True)
class Index:
    """base[i, j:k, ...]: integer and slice indexing of a tensor, as in NumPy and PyTorch."""

    base: Expr
    items: tuple[Expr | Slice, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Apply:
    """An undefined function of its arguments, such as f(x), g(x) or y(x)."""

    name: str
    args: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Compare:
    """left op right, one comparison in the condition of a piece: <, <=, > or >=."""

    op: Literal["<", "<=", ">", ">="]
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Piece:
    """value where every comparison of `condition` holds; an empty condition is "otherwise"."""

    value: Expr
    condition: tuple[Compare, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Cases:
    """A function defined by cases: the value of the first piece whose condition holds; where
    no condition holds it is undefined (SymPy's Piecewise; torch.where(c, a, b) is two pieces).

    `spelling` is how it was written: "Piecewise", "torch.where", "np.where", "cases".
    """

    pieces: tuple[Piece, ...]
    span: Span
    spelling: str = "Piecewise"


Expr = Num | Const | Var | Neg | Add | Sub | Mul | Div | Pow | Call | Apply | Index | Cases
"""Every node kind; match on it and end with assert_never."""

# --- the result of parsing -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Note:
    """Something the parser decided that the user should see (a convention or an ambiguity)."""

    kind: Literal["ambiguous", "convention", "normalised", "dropped"]
    message: str
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Parsed:
    """Text read into a tree: the original source, the tree, and the notes on how it was read."""

    source: str
    expr: Expr
    notes: tuple[Note, ...] = ()
    latex: bool = False


# --- helpers over the tree (pure) ------------------------------------------------------------


def children(node: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of a node, in written order."""
    match node:
        case Num() | Const() | Var():
            return ()
        case Neg(operand=a):
            return (a,)
        case (
            Add(left=a, right=b)
            | Sub(left=a, right=b)
            | Mul(left=a, right=b)
            | Div(left=a, right=b)
        ):
            return (a, b)
        case Pow(base=a, exponent=b):
            return (a, b)
        case Call(args=args, kwargs=kwargs):
            return args + tuple(v for _, v in kwargs)
        case Apply(args=args):
            return args
        case Cases(pieces=pieces):
            return tuple(
                part
                for piece in pieces
                for part in (piece.value, *(e for c in piece.condition for e in (c.left, c.right)))
            )
        case Index(base=base, items=items):
            inner: list[Expr] = []
            for item in items:
                parts = (item.start, item.stop, item.step) if isinstance(item, Slice) else (item,)
                inner.extend(p for p in parts if p is not None)
            return (base, *inner)
        case _:
            assert_never(node)


def variables(node: Expr) -> tuple[str, ...]:
    """Variable names in order of first appearance (excluding undefined function names)."""
    seen: dict[str, None] = {}
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Var):
            seen.setdefault(current.name, None)
        stack.extend(reversed(children(current)))
    return tuple(seen)


def size(node: Expr) -> int:
    """Number of nodes in the tree."""
    count, stack = 0, [node]
    while stack:
        count += 1
        stack.extend(children(stack.pop()))
    return count
