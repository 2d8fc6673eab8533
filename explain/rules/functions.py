"""The table of function rules: d/du f(u) for every known function, as a teacher writes it.

The formulas are those of steps.FUNCTION_FORMULAS (tan′ = sec², coth′ = 1 − coth²,
asec′ = 1/(|u|·√(u² − 1)), ...); where SymPy writes another, equal form, the check against
sympy.diff confirms the agreement numerically.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy

from explain.expr import FUNCTIONS, Expr
from explain.steps import (
    AbsValue,
    Exp,
    Hyperbolic,
    InverseHyperbolic,
    InverseTrig,
    Log,
    Relu,
    Root,
    Sigmoid,
    SignRule,
    Special,
    Step,
    Sym,
    Trig,
)
from explain.symbolic import sigmoid

Builder = Callable[[Expr, str, Sym], Step]

sin, cos, tan, sec, csc, cot = sympy.sin, sympy.cos, sympy.tan, sympy.sec, sympy.csc, sympy.cot
sinh, cosh, tanh, sech, csch, coth = (
    sympy.sinh,
    sympy.cosh,
    sympy.tanh,
    sympy.sech,
    sympy.csch,
    sympy.coth,
)
sqrt, Abs = sympy.sqrt, sympy.Abs

DERIVATIVES: dict[str, Callable[[Sym], Sym]] = {
    "sin": cos,
    "cos": lambda u: -sin(u),
    "tan": lambda u: sec(u) ** 2,
    "sec": lambda u: sec(u) * tan(u),
    "csc": lambda u: -csc(u) * cot(u),
    "cot": lambda u: -(csc(u) ** 2),
    "asin": lambda u: 1 / sqrt(1 - u**2),
    "acos": lambda u: -1 / sqrt(1 - u**2),
    "atan": lambda u: 1 / (1 + u**2),
    "asec": lambda u: 1 / (Abs(u) * sqrt(u**2 - 1)),
    "acsc": lambda u: -1 / (Abs(u) * sqrt(u**2 - 1)),
    "acot": lambda u: -1 / (1 + u**2),
    "sinh": cosh,
    "cosh": sinh,
    "tanh": lambda u: 1 - tanh(u) ** 2,
    "sech": lambda u: -sech(u) * tanh(u),
    "csch": lambda u: -csch(u) * coth(u),
    "coth": lambda u: 1 - coth(u) ** 2,
    "asinh": lambda u: 1 / sqrt(u**2 + 1),
    "acosh": lambda u: 1 / sqrt(u**2 - 1),
    "atanh": lambda u: 1 / (1 - u**2),
}
"""d/du f(u) for the trigonometric and hyperbolic families and their inverses."""

FAMILY_STEPS: dict[
    str, type[Trig] | type[InverseTrig] | type[Hyperbolic] | type[InverseHyperbolic]
] = {
    "trig": Trig,
    "inverse_trig": InverseTrig,
    "hyperbolic": Hyperbolic,
    "inverse_hyperbolic": InverseHyperbolic,
}

THIRD = sympy.Rational(1, 3)

FUNCTION_RULES: dict[str, Builder] = {
    "exp": lambda e, v, u: Exp(e, v, sympy.exp(u)),
    "log10": lambda e, v, u: Log(e, v, sympy.Integer(10), 1 / (u * sympy.log(10))),
    "log2": lambda e, v, u: Log(e, v, sympy.Integer(2), 1 / (u * sympy.log(2))),
    "sqrt": lambda e, v, u: Root(
        e, v, sympy.Integer(2), sympy.Rational(1, 2) * u ** (-sympy.Rational(1, 2))
    ),
    "cbrt": lambda e, v, u: Root(e, v, sympy.Integer(3), THIRD * Abs(u) ** (-2 * THIRD)),
    "abs": lambda e, v, u: AbsValue(e, v, sympy.sign(u)),
    "sign": lambda e, v, u: SignRule(e, v, sympy.Integer(0)),
    "relu": lambda e, v, u: Relu(e, v, sympy.Heaviside(u)),
    "sigmoid": lambda e, v, u: Sigmoid(e, v, sigmoid(u) * (1 - sigmoid(u))),
    "erf": lambda e, v, u: Special(e, v, "erf", 2 * sympy.exp(-(u**2)) / sqrt(sympy.pi)),
}
"""Step builders for the other one-argument functions (u: the argument, as SymPy)."""


def outer_rule(func: str, extra: tuple[Sym, ...]) -> Builder | None:
    """The builder of the step d/du func(u, *extra); None when no teacher's rule applies."""
    family = FUNCTIONS[func].family
    if family in FAMILY_STEPS:
        cls, formula = FAMILY_STEPS[family], DERIVATIVES[func]
        return lambda e, v, u: cls(e, v, func, formula(u))
    if func == "log":
        if not extra:
            return lambda e, v, u: Log(e, v, None, 1 / u)
        base = extra[0]
        return lambda e, v, u: Log(e, v, base, 1 / (u * sympy.log(base)))
    if func == "root":
        n = extra[0]
        return lambda e, v, u: Root(e, v, n, u ** (1 / n - 1) / n)
    return FUNCTION_RULES.get(func)
