"""The rules: one matcher per rule a teacher names (a Step or None) and one dispatcher, derive_step.

Each step's `result` is built from its sub-steps' results with SymPy's constructors (never by
differentiating the node), so the answer comes from the same tree the steps show. The shapes
follow SymPy's own (f'/g − f·g'/g² for a quotient), so the check against sympy.diff is usually
an identity. Only NotSupported asks SymPy to differentiate, and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import chain, count
from typing import assert_never

import sympy

from explain.expr import (
    FUNCTIONS,
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
    Span,
    Sub,
    Var,
    children,
    variables,
)
from explain.rules.functions import outer_rule
from explain.rules.piecewise import piecewise_rule
from explain.steps import (
    Chain,
    Constant,
    ConstantMultiple,
    Elementwise,
    Exp,
    ExpBase,
    GeneralPower,
    NotSupported,
    Power,
    Product,
    Quotient,
    Step,
    Sum,
    Sym,
    UndefinedFunction,
    Variable,
)
from explain.symbolic import PRIME, Converter, symbol

Builder = Callable[[Expr, str, Sym], Step]
"""Makes the step for f(a): (the expression as shown, the variable's name, a as SymPy)."""

PLACEHOLDERS = ("u", "v", "w", "t", "s")


@dataclass(frozen=True, slots=True)
class Context:
    """What every matcher needs: the variable, values of nodes, which nodes depend on it."""

    root: Expr  # keeps every node (and so every id below) alive
    var: str
    x: Sym
    placeholder: str  # the inner function's name in a chain rule: d/du f(u)
    value: Converter
    dependent: frozenset[int]

    def depends(self, node: Expr) -> bool:
        return id(node) in self.dependent


def derive_step(expr: Expr, var: str, converter: Converter | None = None) -> Step:
    """The step tree of d/d`var` `expr`; `converter` shares node values with the caller."""
    taken = {*variables(expr), var}
    names = chain(PLACEHOLDERS, (f"u_{i}" for i in count(1)))
    placeholder = next(name for name in names if name not in taken)
    ctx = Context(
        expr, var, symbol(var), placeholder, converter or Converter(), _dependent(expr, var)
    )
    return _step(ctx, expr)


def _dependent(root: Expr, var: str) -> frozenset[int]:
    found: set[int] = set()

    def visit(node: Expr) -> bool:
        below = [visit(child) for child in children(node)]
        if any(below) or (isinstance(node, Var) and node.name == var):
            found.add(id(node))
            return True
        return False

    visit(root)
    return frozenset(found)


def _step(ctx: Context, node: Expr) -> Step:
    """The dispatcher: the constant rule for anything free of the variable, else by node kind."""
    if not ctx.depends(node):
        return Constant(node, ctx.var, sympy.Integer(0))
    return _rule(ctx, node)


def _rule(ctx: Context, node: Expr) -> Step:
    match node:
        case Var():
            return Variable(node, ctx.var, sympy.Integer(1))
        case Neg(operand=a):
            inner = _step(ctx, a)
            return ConstantMultiple(node, ctx.var, sympy.Integer(-1), inner, -inner.result)
        case Add() | Sub():
            return _sum(ctx, node)
        case Mul():
            return _product(ctx, node)
        case Div():
            return (
                _constant_denominator(ctx, node)
                or _reciprocal_power(ctx, node)
                or _quotient(ctx, node)
            )
        case Pow():
            return _power(ctx, node)
        case Call():
            return _call(ctx, node)
        case Apply() | Index() | Cases():
            return _apply(ctx, node) if isinstance(node, Apply) else _index_or_cases(ctx, node)
        case Num() | Const():
            return Constant(node, ctx.var, sympy.Integer(0))
        case _:
            assert_never(node)


# --- sums and products ------------------------------------------------------------------------


def _sum(ctx: Context, node: Add | Sub) -> Sum:
    """a + b − c + d as written: one Sum over the terms of the left spine, with their signs."""
    terms: list[Expr] = []
    signs: list[int] = []
    current: Expr = node
    while isinstance(current, Add | Sub):
        terms.append(current.right)
        signs.append(1 if isinstance(current, Add) else -1)
        current = current.left
    terms.append(current)
    signs.append(1)
    steps = tuple(_step(ctx, term) for term in reversed(terms))
    ordered = tuple(reversed(signs))
    result = sympy.Add(
        *(s.result if sign > 0 else -s.result for s, sign in zip(steps, ordered, strict=True))
    )
    return Sum(node, ctx.var, steps, ordered, result)


def _factors(node: Expr) -> list[Expr]:
    if isinstance(node, Mul):
        return _factors(node.left) + _factors(node.right)
    return [node]


def _product(ctx: Context, node: Mul) -> Step:
    """c·f·g: the constant factors are a constant multiple, the rest a product (or one factor)."""
    factors = _factors(node)
    varying = [f for f in factors if ctx.depends(f)]
    constants = [f for f in factors if not ctx.depends(f)]
    if len(varying) == 1:
        inner = _step(ctx, varying[0])
    else:
        shown = node if not constants else _joined(varying)
        inner = _product_rule(ctx, shown, varying)
    if not constants:
        return inner
    c = sympy.Mul(*(ctx.value(f) for f in constants))
    return ConstantMultiple(node, ctx.var, c, inner, c * inner.result)


def _joined(factors: list[Expr]) -> Expr:
    out = factors[0]
    for factor in factors[1:]:
        out = Mul(out, factor, Span(factors[0].span.start, factor.span.end))
    return out


def _product_rule(ctx: Context, shown: Expr, factors: list[Expr]) -> Product:
    steps = tuple(_step(ctx, f) for f in factors)
    values = [ctx.value(f) for f in factors]
    terms = (sympy.Mul(*values[:i], s.result, *values[i + 1 :]) for i, s in enumerate(steps))
    return Product(shown, ctx.var, steps, sympy.Add(*terms))


# --- quotients ---------------------------------------------------------------------------------


def _constant_denominator(ctx: Context, node: Div) -> Step | None:
    """f/c is the constant multiple (1/c)·f, not a quotient."""
    if ctx.depends(node.right):
        return None
    c = 1 / ctx.value(node.right)
    inner = _step(ctx, node.left)
    return ConstantMultiple(node, ctx.var, c, inner, c * inner.result)


def _reciprocal_power(ctx: Context, node: Div) -> Step | None:
    """c/x, c/xⁿ and c/uⁿ (n constant) are c·x⁻ⁿ: the power rule (with the chain rule for u)."""
    numerator, denominator = node.left, node.right
    if ctx.depends(numerator):
        return None
    base: Expr
    n_node: Expr | None
    if isinstance(denominator, Var):
        base, n_node = denominator, None
    elif isinstance(denominator, Pow) and not ctx.depends(denominator.exponent):
        base, n_node = denominator.base, denominator.exponent
    else:
        return None
    n = sympy.Integer(1) if n_node is None else ctx.value(n_node)
    c = ctx.value(numerator)
    one = Num("1", numerator.span)
    shown = node if c == 1 else Div(one, denominator, denominator.span)
    u = Var(ctx.placeholder, base.span)
    outer = Div(one, u if n_node is None else Pow(u, n_node, denominator.span), denominator.span)
    step = _chained(ctx, shown, base, outer, _power_rule(-n))
    if c == 1:
        return step
    return ConstantMultiple(node, ctx.var, c, step, c * step.result)


def _quotient(ctx: Context, node: Div) -> Quotient:
    """(f/g)' = f'/g − f·g'/g², SymPy's own shape of (f'g − fg')/g²."""
    top, bottom = _step(ctx, node.left), _step(ctx, node.right)
    f, g = ctx.value(node.left), ctx.value(node.right)
    return Quotient(node, ctx.var, top, bottom, top.result / g - f * bottom.result / g**2)


# --- powers and the chain rule ------------------------------------------------------------------


def _chained(ctx: Context, node: Expr, inner: Expr, outer: Expr, build: Builder) -> Step:
    """f(x) directly; f(u) with u not the bare variable: f'(u)·du/dx (outer by the placeholder)."""
    if isinstance(inner, Var) and inner.name == ctx.var:
        return build(node, ctx.var, ctx.x)
    u = symbol(ctx.placeholder)
    outer_step = build(outer, ctx.placeholder, u)
    inner_step = _step(ctx, inner)
    g = ctx.value(inner)
    if isinstance(outer_step, UndefinedFunction):
        at_u = sympy.Subs(outer_step.result, u, g)
    else:
        at_u = outer_step.result.xreplace({u: g})
    return Chain(node, ctx.var, inner, outer_step, inner_step, at_u * inner_step.result)


def _power_rule(n: Sym) -> Builder:
    return lambda shown, var, a: Power(shown, var, n, n * a ** (n - 1))


def _power(ctx: Context, node: Pow) -> Step:
    u = Var(ctx.placeholder, node.span)
    if not ctx.depends(node.exponent):
        outer = Pow(u, node.exponent, node.span)
        return _chained(ctx, node, node.base, outer, _power_rule(ctx.value(node.exponent)))
    if not ctx.depends(node.base):
        b = ctx.value(node.base)
        build: Builder
        if b == sympy.E:
            build = lambda shown, var, a: Exp(shown, var, sympy.exp(a))  # noqa: E731
        else:
            build = lambda shown, var, a: ExpBase(shown, var, b, b**a * sympy.log(b))  # noqa: E731
        return _chained(ctx, node, node.exponent, Pow(node.base, u, node.span), build)
    base, exponent = _step(ctx, node.base), _step(ctx, node.exponent)
    f, g = ctx.value(node.base), ctx.value(node.exponent)
    result = ctx.value(node) * (exponent.result * sympy.log(f) + base.result * g / f)
    return GeneralPower(node, ctx.var, base, exponent, result)


# --- functions -------------------------------------------------------------------------------


def _index_or_cases(ctx: Context, node: Index | Cases) -> Step:
    if isinstance(node, Cases):
        return piecewise_rule(node, ctx.var, ctx.x, ctx.value, partial(_step, ctx))
    ctx.value(node)  # raises Unsupported: indexing needs tensor values
    raise AssertionError("unreachable: indexing has no scalar value")


def _call(ctx: Context, node: Call) -> Step:
    if node.func == "detach":  # a stop-gradient: constant for differentiation
        return Constant(node, ctx.var, sympy.Integer(0))
    if node.func in ("sum", "mean"):
        inner = _step(ctx, node.args[0])
        return Elementwise(
            node, ctx.var, "mean" if node.func == "mean" else "sum", inner, inner.result
        )
    if any(ctx.depends(a) for a in node.args[1:]):
        what = "base" if node.func == "log" else "index"
        return _not_supported(ctx, node, f"the {what} of {node.func} depends on {ctx.var}")
    extra = tuple(ctx.value(a) for a in node.args[1:])
    build = outer_rule(node.func, extra)
    if build is None:
        return _not_supported(ctx, node, f"no rule for {FUNCTIONS[node.func].title} of {ctx.var}")
    u = Var(ctx.placeholder, node.args[0].span)
    outer = Call(node.func, (u, *node.args[1:]), node.span, node.spelling, node.kwargs)
    return _chained(ctx, node, node.args[0], outer, build)


def _apply(ctx: Context, node: Apply) -> Step:
    """f(x) stays f'(x); f(u) is f'(u)·du/dx; several varying arguments are left to SymPy."""
    varying = [a for a in node.args if ctx.depends(a)]
    bare = isinstance(varying[0], Var)
    if len(varying) > 1 or (len(node.args) > 1 and not bare):
        return _not_supported(
            ctx, node, f"{node.name} has several arguments that depend on {ctx.var}"
        )
    name = node.name.rstrip(PRIME)
    order = len(node.name) - len(name) + 1
    values = [ctx.value(a) for a in node.args]

    def build(shown: Expr, var: str, a: Sym) -> Step:
        args = [a if arg is varying[0] else v for arg, v in zip(node.args, values, strict=True)]
        return UndefinedFunction(
            shown, var, sympy.Derivative(sympy.Function(name)(*args), (a, order))
        )

    outer = Apply(node.name, (Var(ctx.placeholder, varying[0].span),), node.span)
    return _chained(ctx, node, varying[0], outer, build)


def _not_supported(ctx: Context, node: Expr, reason: str) -> NotSupported:
    return NotSupported(node, ctx.var, reason, sympy.diff(ctx.value(node), ctx.x))


# --- walking a step tree ----------------------------------------------------------------------
