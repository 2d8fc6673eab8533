"""Confirm that a step tree's result equals sympy.diff: identity, then numbers, then simplify.

Test points are exact rationals from a Weyl sequence (deterministic, irregular: no 0, ±1, π/2),
at several scales. A point counts only inside the real domain: the function, and the argument of
every |u|, sign(u), max(0, u) in it, are finite and real there, and so are both sides. Unknown
functions f, g, ... are replaced by fixed smooth functions before evaluating (both sides alike).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import sympy
from sympy.core.function import AppliedUndef

from explain import limits
from explain.budget import within
from explain.steps import Sym
from explain.symbolic import sigmoid

POINTS = 5
"""Agreeing points wanted for a numeric confirmation."""

GUARD_DIGITS = 5
"""Of the CHECK_DIGITS of working precision, the last few are not trusted when comparing."""

ATTEMPTS = 40
"""Points tried at most (many fall outside the real domain of asin, acosh, log, ...)."""

TRUSTED = limits.CHECK_DIGITS - GUARD_DIGITS
MAX_GROWTH = limits.MAX_RESULT_DIGITS / math.log10(math.e)
"""Largest exponent u of e^u evaluated at a test point (e^u then has MAX_RESULT_DIGITS digits)."""
NOT_ANALYTIC = (sympy.Abs, sympy.sign, sympy.Max, sympy.Min, sympy.Heaviside)
GROWING = (
    sympy.exp,
    sympy.sinh,
    sympy.cosh,
    sympy.tanh,
    sympy.coth,
    sympy.sech,
    sympy.csch,
    sigmoid,
)
SCALES = (1.0, 3.0, 0.5, 10.0, 1.5, 0.1)
GOLDEN = (math.sqrt(5) - 1) / 2
ZERO = sympy.Integer(0)


class DerivationMismatch(AssertionError):
    """The step tree's result differs from sympy.diff: a bug in a rule, never the user's fault."""


def confirm(raw: Sym, reference: Sym, function: Sym) -> str:
    """How `raw` was confirmed equal to `reference` (sympy.diff of `function`).

    Raises DerivationMismatch when they differ at a point of the function's real domain.
    """
    if raw == reference:
        return "identical to sympy.diff"
    if raw - reference == 0:
        return "identical to sympy.diff once SymPy collects terms"
    agreeing = (
        within(
            limits.CHECK_SECONDS,
            lambda: agreement(raw, reference, POINTS, strict=True, domain=function),
        )
        or 0
    )
    if agreeing >= 3:
        return f"agrees with sympy.diff to {TRUSTED} digits at {agreeing} points"
    if within(limits.CHECK_SECONDS, lambda: sympy.simplify(raw - reference) == 0):
        return "the difference from sympy.diff simplifies to 0"
    if agreeing:
        plural = "s" if agreeing > 1 else ""
        return f"agrees with sympy.diff to {TRUSTED} digits at {agreeing} point{plural} only"
    return "not confirmed: no real test point and simplification did not finish"


def agreement(
    a: Sym,
    b: Sym,
    wanted: int,
    *,
    strict: bool,
    digits: int = limits.CHECK_DIGITS,
    domain: Sym = ZERO,
) -> int:
    """Points (up to `wanted`) where a and b agree; a disagreement raises (strict) or gives -1.

    Only points where `domain` (the function differentiated) is finite and real are used.
    """
    a, b, domain = concrete(a), concrete(b), concrete(domain)
    symbols = sorted(a.free_symbols | b.free_symbols | domain.free_symbols, key=lambda s: s.name)
    value_a, value_b = _evaluator(a), _evaluator(b)
    domain_parts = [_evaluator(part) for part in _real_parts(domain)]
    tolerance = sympy.Float(10) ** (GUARD_DIGITS - digits)
    agreeing = 0
    for attempt in range(ATTEMPTS):
        point = {s: coordinate(attempt, j) for j, s in enumerate(symbols)}
        if any(value(point, 15) is None for value in domain_parts) or _pole(domain, point):
            continue
        left, right = value_a(point, digits), value_b(point, digits)
        if left is None or right is None:
            continue
        if abs(left - right) > tolerance * max(1, abs(left), abs(right)):
            if strict:
                raise DerivationMismatch(
                    f"{a} differs from sympy.diff {b} at {point}: {left} vs {right}"
                )
            return -1
        agreeing += 1
        if agreeing == wanted:
            break
    return agreeing


def _pole(function: Sym, point: Point) -> bool:
    """The function divides by an exact zero at the (rational) point: x/(x + sqrt(x²)) at
    x < 0. Numerical evaluation cannot see it (it returns a huge number from rounding)."""
    try:
        exact = function.xreplace(point)
    except (ArithmeticError, TypeError, ValueError):
        return True
    return bool(exact.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo))


def coordinate(attempt: int, index: int) -> Sym:
    """The `index`-th coordinate of test point number `attempt`: an irregular exact rational."""
    t = ((attempt + 1) * GOLDEN + (index + 1) * math.sqrt(2)) % 1.0
    scale = SCALES[(attempt + index) % len(SCALES)]
    return sympy.Rational(round((2 * t - 1) * scale * 9973), 9973)


Point = dict[Sym, Sym]


def _real_parts(function: Sym) -> list[Sym]:
    """What must be real at a test point: the function, and the arguments of |u|, sign(u),
    max(0, u), ... (a real-variable rule such as |u|' = sign(u)·u' holds only for real u)."""
    inner = {
        arg
        for node in sympy.preorder_traversal(function)
        if isinstance(node, NOT_ANALYTIC)
        for arg in node.args
    }
    return [function, *sorted(inner, key=sympy.default_sort_key)]


def _evaluator(expr: Sym) -> Callable[[Point, int], Sym | None]:
    """Evaluation at a point, refusing points where an exponential would be astronomically large.

    e^(e^(e^10)) has no float value and mpmath would work on it for hours: the exponents of
    exp, sinh, ..., and of powers u^v, are evaluated first (inner ones first) and bounded.
    """
    exponents = [_exponent(node) for node in sympy.postorder_traversal(expr)]
    growth = [e for e in exponents if e is not None]

    def value(point: Point, digits: int) -> Sym | None:
        for exponent in growth:
            size = _value(exponent, point, 15)
            if size is not None and abs(size) > MAX_GROWTH:
                return None
        return _value(expr, point, digits)

    return value


def _exponent(node: Sym) -> Sym | None:
    if isinstance(node, GROWING):
        return node.args[0]
    if node.is_Pow and not node.exp.is_number:
        return node.exp * sympy.log(sympy.Abs(node.base))
    return None


def _value(expr: Sym, point: Point, digits: int) -> Sym | None:
    """The value at a point to `digits` digits, None unless it is a finite real number."""
    try:
        value = expr.evalf(digits, subs=point)
    except (ArithmeticError, TypeError, ValueError):
        return None
    if not (value.is_Number and value.is_finite and value.is_extended_real):
        return None
    return value


def concrete(expr: Sym) -> Sym:
    """`expr` ready to evaluate: unknown functions f(u, ...) replaced by fixed smooth ones, and
    SymPy's unevaluated d/dx sign(u) (u not known real) by its real formula 2·δ(u)·u′."""
    if expr.has(sympy.Derivative):
        expr = expr.replace(_is_sign_derivative, _sign_derivative)
    functions = sorted({type(f) for f in expr.atoms(AppliedUndef)}, key=lambda f: f.__name__)
    if not functions:
        return expr.doit() if expr.has(sympy.Derivative) else expr
    swaps = {}
    for k, function in enumerate(functions):
        arity = next(len(f.args) for f in expr.atoms(AppliedUndef) if type(f) is function)
        args = sympy.symbols(f"t0:{arity}", real=True)
        total = sum((j + 2) * t for j, t in enumerate(args))
        swaps[function] = sympy.Lambda(args, sympy.sin(total + k) + total**2 / (k + 3) + k + 1)
    return expr.subs(swaps).doit()


def _is_sign_derivative(node: Sym) -> bool:
    return (
        isinstance(node, sympy.Derivative)
        and isinstance(node.expr, sympy.sign)
        and node.derivative_count == 1
    )


def _sign_derivative(node: Sym) -> Sym:
    u = node.expr.args[0]
    return 2 * sympy.DiracDelta(u) * sympy.Derivative(u, *node.variables)
