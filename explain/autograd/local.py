"""LOCAL: the calculus rule each graph node applies and its local derivative, in the user's terms.

Formulas are built as Expr trees over the written operands (∂(x²)/∂x = 2x) and printed by
`written`, so a label reads like the expression it came from. Only operands that take part in
the gradient (tensors with requires_grad) get a partial derivative.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from explain.autograd.forward import Record
from explain.conditions import condition
from explain.expr import (
    FUNCTIONS,
    Add,
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
    Span,
    Sub,
    Var,
)
from explain.written import P_ATOM, latex, precedence
from explain.written import pretty as text

Formula = tuple[str, str]
"""(text, LaTeX)."""

_AT = Span(0, 0)
ONE = Num("1", _AT)

FAMILY_RULES = {"piecewise_linear": "relu", "special": "special_function"}
FUNCTION_RULES = {
    "sign": "sign",
    "sigmoid": "sigmoid",
    "sum": "elementwise",
    "mean": "elementwise",
    "prod": "product",
    "max": "max",
    "matmul": "matmul",
    "dot": "dot",
    "transpose": "transpose",
    "detach": "detach",
    "factorial": "constant",
}


def tracked(value: Any) -> bool:
    """Does the value take part in the gradient (a tensor with requires_grad)?"""
    return not isinstance(value, float) and bool(value.requires_grad)


def describe(record: Record) -> tuple[str, Formula]:
    """The rule id (as in explain.steps.RULE_NAMES) and the local derivative of one operation."""
    node = _briefly(record.node)
    active = tuple(tracked(a) for a in record.args)
    match node:
        case Call():
            return _rule_of(node), _call_local(node, record, active)
        case Index():
            return "index", _index_local(node)
        case Cases():
            return "piecewise", _cases_local(node, active)
        case _:
            return _operator_local(node, active)


def _cases_local(node: Cases, active: tuple[bool, ...]) -> Formula:
    """∂/∂(piece) = 1 where that piece is chosen, 0 elsewhere (torch.where's gradient)."""
    parts = []
    earlier: list[Formula] = []
    for piece, on in zip(node.pieces, active, strict=False):  # then the comparisons' sides
        shown = (condition(piece.condition, text, "pretty"),
                 condition(piece.condition, latex, "latex"))  # fmt: skip
        if on:
            parts.append(partial(None, piece.value, _chosen(shown if piece.condition else None,
                                                            earlier)))  # fmt: skip
        earlier.append(shown)
    return join(parts)


def _chosen(where: Formula | None, earlier: list[Formula]) -> Formula:
    """1 where the piece's condition holds (and no earlier one), else 0."""
    if where is None and not earlier:
        return show(ONE)
    if where is None:
        return (f"0 where {' or '.join(e[0] for e in earlier)}, else 1",
                r"0 \text{ where } " + r" \text{ or } ".join(e[1] for e in earlier)
                + r" \text{, else } 1")  # fmt: skip
    unless = " unless an earlier condition holds" if earlier else ""
    return (f"1 where {where[0]}{unless}, else 0",
            rf"1 \text{{ where }} {where[1]} \text{{{unless}, else }} 0")  # fmt: skip


BRIEF = 24
"""Longest operand text shown in a local derivative; longer ones are elided (… + cot(x))."""

ELLIPSIS = Var("…", _AT)


def _briefly(node: Expr) -> Expr:
    """The node with each operand shortened to about BRIEF characters."""
    match node:
        case Neg(operand=a):
            return Neg(_brief(a, BRIEF), _AT)
        case Add(left=a, right=b) | Sub(left=a, right=b) | Mul(left=a, right=b):
            return type(node)(_brief(a, BRIEF), _brief(b, BRIEF), _AT)
        case Div(left=a, right=b):
            return Div(_brief(a, BRIEF), _brief(b, BRIEF), _AT)
        case Pow(base=a, exponent=b):
            return Pow(_brief(a, BRIEF), _brief(b, BRIEF), _AT)
        case Call(args=args):
            shortened = tuple(_brief(a, BRIEF) for a in args)
            return Call(node.func, shortened, node.span, node.spelling, node.kwargs)
        case Index(base=base):
            return Index(_brief(base, BRIEF), node.items, _AT)
    return node


def _brief(node: Expr, limit: int) -> Expr:
    """A shorter stand-in: keep the right-hand end of long chains (… + cot(x)), else …."""
    if len(text(node)) <= limit:
        return node
    half = limit // 2
    match node:
        case Add(left=_, right=b) | Sub(left=_, right=b) | Mul(left=_, right=b):
            return type(node)(ELLIPSIS, _brief(b, half), _AT)
        case Div(left=a, right=b) | Pow(base=a, exponent=b):
            return type(node)(_brief(a, half), _brief(b, half), _AT)
        case Call(args=(a,)) if not node.kwargs:
            return Call(node.func, (_brief(a, limit - len(node.func) - 2),), _AT)
    return ELLIPSIS


def _rule_of(node: Call) -> str:
    if node.func in FUNCTION_RULES:
        return FUNCTION_RULES[node.func]
    family = FUNCTIONS[node.func].family
    return FAMILY_RULES.get(family, family)


# --- printing ---------------------------------------------------------------------------------


def show(node: Expr) -> Formula:
    return text(node), latex(node).replace("…", r"\dots")


def _wrapped(node: Expr, atoms: bool = False) -> Formula:
    """(x²), (2x); names and numbers bare, and with `atoms` any call or index too."""
    if isinstance(node, Var | Num) or (atoms and precedence(node) == P_ATOM):
        return show(node)
    shown = show(node)
    return f"({shown[0]})", rf"\left({shown[1]}\right)"


def partial(whole: Expr | None, wrt: Expr, result: Formula, sep: str = "=") -> Formula:
    """∂(whole)/∂wrt = result, or ∂/∂wrt = result when `whole` is None."""
    w_text, w_latex = _wrapped(wrt)
    if whole is None:
        top_text, top_latex = "∂", r"\partial"
    else:
        h_text, h_latex = _wrapped(whole)
        top_text, top_latex = f"∂{h_text}", rf"\partial {h_latex}"
    latex_sep = r"\colon" if sep == ":" else sep
    return (
        f"{top_text}/∂{w_text} {sep} {result[0]}".replace(" :", ":"),
        rf"\frac{{{top_latex}}}{{\partial {w_latex}}} {latex_sep} {result[1]}",
    )


def join(parts: list[Formula]) -> Formula:
    return ", ".join(p[0] for p in parts), r",\quad ".join(p[1] for p in parts)


# --- operators --------------------------------------------------------------------------------


def _operator_local(node: Expr, active: tuple[bool, ...]) -> tuple[str, Formula]:
    match node:
        case Neg(operand=u):
            return "constant_multiple", partial(node, u, show(Neg(ONE, _AT)))
        case Add(left=a, right=b):
            return "sum", _each(None, [(a, show(ONE)), (b, show(ONE))], active)
        case Sub(left=a, right=b):
            return "sum", _each(None, [(a, show(ONE)), (b, show(Neg(ONE, _AT)))], active)
        case Mul(left=a, right=b):
            rule = "product" if all(active) else "constant_multiple"
            return rule, _each(node, [(a, show(b)), (b, show(a))], active)
        case Div(left=a, right=b):
            rule = "constant_multiple" if not active[1] else "quotient"
            minus = Neg(Div(a, Pow(b, Num("2", _AT), _AT), _AT), _AT)
            return rule, _each(node, [(a, show(Div(ONE, b, _AT))), (b, show(minus))], active)
        case Pow(base=a, exponent=b):
            return _power_local(node, a, b, active)
    return "constant", ("", "")


def _each(
    whole: Expr | None, parts: list[tuple[Expr, Formula]], active: tuple[bool, ...]
) -> Formula:
    """One partial per operand that takes part; the short ∂/∂u form when there are several."""
    chosen = [(u, d) for (u, d), on in zip(parts, active, strict=True) if on]
    if len(chosen) == 1 and whole is not None:
        return partial(whole, *chosen[0])
    formulas = [partial(None, u, d) for u, d in chosen]
    if len(chosen) == 2 and text(chosen[0][0]) == text(chosen[1][0]):
        # x·x, x^x: torch has two edges to the same x; say which operand each one is.
        sides = ("base", "exponent") if isinstance(whole, Pow) else ("left", "right")
        formulas = [(f"{t} ({side})", tex) for (t, tex), side in zip(formulas, sides, strict=True)]
    return join(formulas)


def _power_local(node: Pow, a: Expr, b: Expr, active: tuple[bool, ...]) -> tuple[str, Formula]:
    by_base = _power_rule(a, b)
    by_exponent = Call("exp", (b,), _AT) if _is_e(a) else Mul(node, _ln(a), _AT)
    if all(active):
        return "log_differentiation", _each(
            node, [(a, show(by_base)), (b, show(by_exponent))], active
        )
    if active[0]:
        return "power", partial(node, a, show(by_base))
    return ("exp" if _is_e(a) else "exp_base"), partial(node, b, show(by_exponent))


def _power_rule(u: Expr, n: Expr) -> Expr:
    """n·u^(n-1), with the arithmetic done when n is written as a number: 2x, 3x², -x⁻²."""
    value = _number(n)
    if value is None:
        return Mul(n, Pow(u, Sub(n, ONE, _AT), _AT), _AT)
    if value == 0:
        return Num("0", _AT)
    less = value - 1
    power: Expr = u if less == 1 else Pow(u, _literal(less), _AT)
    body: Expr = power if less != 0 else ONE
    coefficient = _literal(abs(value))
    term = body if abs(value) == 1 else (coefficient if less == 0 else Mul(coefficient, body, _AT))
    return Neg(term, _AT) if value < 0 else term


def _number(node: Expr) -> Decimal | None:
    try:
        match node:
            case Num(text=literal):
                return Decimal(literal)
            case Neg(operand=Num(text=literal)):
                return -Decimal(literal)
    except InvalidOperation:
        return None
    return None


def _literal(value: Decimal) -> Expr:
    shown = Num(format(abs(value).normalize(), "f"), _AT)
    return Neg(shown, _AT) if value < 0 else shown


def _is_e(node: Expr) -> bool:
    return isinstance(node, Const) and node.name == "e"


def _ln(node: Expr) -> Expr:
    return Call("log", (node,), _AT)


# --- functions --------------------------------------------------------------------------------


def _call(name: str, u: Expr) -> Expr:
    return Call(name, (u,), _AT)


def _square(u: Expr) -> Expr:
    return Pow(u, Num("2", _AT), _AT)


def _elementwise(func: str, u: Expr) -> Expr | None:
    one_minus_sq, one_plus_sq = Sub(ONE, _square(u), _AT), Add(ONE, _square(u), _AT)
    sq_minus_one = Call("sqrt", (Sub(_square(u), ONE, _AT),), _AT)
    match func:
        case "sin" | "cos" | "sinh" | "cosh":
            other = {"sin": "cos", "cos": "sin", "sinh": "cosh", "cosh": "sinh"}[func]
            d: Expr = _call(other, u)
            return Neg(d, _AT) if func == "cos" else d
        case "tan" | "cot":
            d = _square(_call("sec" if func == "tan" else "csc", u))
            return d if func == "tan" else Neg(d, _AT)
        case "sec" | "csc" | "sech" | "csch":
            partner = {"sec": "tan", "csc": "cot", "sech": "tanh", "csch": "coth"}[func]
            d = Mul(_call(func, u), _call(partner, u), _AT)
            return d if func == "sec" else Neg(d, _AT)
        case "tanh" | "coth":
            return Sub(ONE, _square(_call(func, u)), _AT)
        case "asin" | "acos":
            d = Div(ONE, Call("sqrt", (one_minus_sq,), _AT), _AT)
            return d if func == "asin" else Neg(d, _AT)
        case "atan" | "acot":
            return (
                Div(ONE, one_plus_sq, _AT)
                if func == "atan"
                else Neg(Div(ONE, one_plus_sq, _AT), _AT)
            )
        case "asec" | "acsc":
            d = Div(ONE, Mul(_call("abs", u), sq_minus_one, _AT), _AT)
            return d if func == "asec" else Neg(d, _AT)
        case "asinh" | "acosh" | "atanh":
            return _inverse_hyperbolic(func, u)
    return _elementwise_other(func, u)


def _inverse_hyperbolic(func: str, u: Expr) -> Expr:
    if func == "atanh":
        return Div(ONE, Sub(ONE, _square(u), _AT), _AT)
    inner = Add(_square(u), ONE, _AT) if func == "asinh" else Sub(_square(u), ONE, _AT)
    return Div(ONE, Call("sqrt", (inner,), _AT), _AT)


def _elementwise_other(func: str, u: Expr) -> Expr | None:
    match func:
        case "exp":
            return _call("exp", u)
        case "log":
            return Div(ONE, u, _AT)
        case "log10" | "log2":
            return Div(ONE, Mul(u, _ln(Num(func[3:], _AT)), _AT), _AT)
        case "sqrt":
            return Div(ONE, Mul(Num("2", _AT), _call("sqrt", u), _AT), _AT)
        case "cbrt":
            return Div(ONE, Mul(Num("3", _AT), _square(_call("cbrt", u)), _AT), _AT)
        case "abs":
            return _call("sign", u)
        case "sign":
            return Num("0", _AT)
        case "sigmoid":
            return Mul(_call("sigmoid", u), Sub(ONE, _call("sigmoid", u), _AT), _AT)
        case "erf":
            minus_sq = Neg(_square(u), _AT)
            root_pi = _call("sqrt", Const("pi", _AT))
            return Div(Mul(Num("2", _AT), _call("exp", minus_sq), _AT), root_pi, _AT)
    return None


def _call_local(node: Call, record: Record, active: tuple[bool, ...]) -> Formula:
    u = node.args[0]
    derivative = _elementwise(node.func, u) if len(node.args) == 1 else None
    if derivative is not None:
        return partial(node, u, show(derivative))
    match node.func:
        case "log" | "root":
            return _two_argument(node, active)
        case "relu":
            above = ("1 where it is > 0, else 0", f"[{show(u)[1]} > 0]")
            return partial(node, u, above)
        case "sum" | "mean" | "prod" | "max":
            return _reduction_local(node, record)
        case "matmul" | "dot":
            return _product_local(node, active)
        case "transpose":
            return partial(node, u, ("gᵀ, the incoming gradient transposed back", r"g^{\top}"), ":")
        case "detach":
            return "detach(): the gradient stops here", r"\text{detach(): the gradient stops}"
    return "", ""


def _two_argument(node: Call, active: tuple[bool, ...]) -> Formula:
    u, other = node.args
    if node.func == "root":
        inverse = Div(ONE, other, _AT)
        by_u: Expr = Div(Pow(u, Sub(inverse, ONE, _AT), _AT), other, _AT)
        by_other: Expr = Neg(Div(Mul(node, _ln(u), _AT), _square(other), _AT), _AT)
    else:
        by_u = Div(ONE, Mul(u, _ln(other), _AT), _AT)
        by_other = Neg(Div(_ln(u), Mul(other, _square(_ln(other)), _AT), _AT), _AT)
    return _each(node, [(u, show(by_u)), (other, show(by_other))], active)


def _reduction_local(node: Call, record: Record) -> Formula:
    """∂ sum(x)/∂xᵢ = 1: x by its name, anything longer as u (the label shows what u is)."""
    u = node.args[0]
    name = show(u) if isinstance(u, Var) else ("u", "u")
    values = {
        "sum": ("1", "1"),
        "mean": _mean_factor(record),
        "prod": ("∏ⱼ≠ᵢ uⱼ".replace("u", name[0]), rf"\prod_{{j \neq i}} {name[1]}_{{j}}"),
        "max": ("1 at the largest element (shared evenly at ties), else 0", r"[u_{i} = \max u]"),
    }[node.func]
    return (
        f"∂ {node.func}({name[0]})/∂{name[0]}ᵢ = {values[0]}",
        rf"\frac{{\partial \operatorname{{{node.func}}}({name[1]})}}{{\partial {name[1]}_{{i}}}}"
        f" = {values[1]}",
    )


def _mean_factor(record: Record) -> Formula:
    value, result = record.args[0], record.result
    count = 1 if isinstance(value, float) else max(1, value.numel() // max(1, result.numel()))
    return f"1/N, N = {count}", rf"\frac{{1}}{{N}},\ N = {count}"


def _product_local(node: Call, active: tuple[bool, ...]) -> Formula:
    """a·b: ∂/∂b = aᵀ as a vector-Jacobian product for matmul; plain b and a for dot."""
    a, b = node.args
    (at, al), (bt, bl) = _wrapped(a, atoms=True), _wrapped(b, atoms=True)
    if node.func == "dot":
        by_a, by_b, sep_a = (bt, bl), (at, al), "="
    else:
        by_a = (f"g·{bt}ᵀ (vector-Jacobian)", rf"g\,{bl}^{{\top}}")
        by_b = (f"{at}ᵀ (vector-Jacobian: {at}ᵀ·g)", rf"{al}^{{\top}}")
        sep_a = ":"
    whole = Mul(a, b, _AT)
    parts = [(a, by_a, sep_a), (b, by_b, "=")]
    chosen = [
        partial(whole, u, d, sep) for (u, d, sep), on in zip(parts, active, strict=True) if on
    ]
    return join(chosen)


def _index_local(node: Index) -> Formula:
    """∂ x[0]/∂x: the incoming gradient placed at [0], zeros elsewhere."""
    where = Index(Var("", _AT), node.items, _AT)
    result = (f"g at {text(where)}, 0 elsewhere", rf"g \text{{ at }} {show(where)[1]}")
    return partial(node, node.base, result, ":")
