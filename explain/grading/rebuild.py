"""Recompute a derivation's result from its Step tree with some steps' results replaced.

This is how a mistake made at one step travels up to the final answer: the parent rules are
applied again (c·f′, Σ, product, quotient, chain, logarithmic differentiation) with the
wrong local result in place of the right one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy

from explain.steps import (
    Chain,
    ConstantMultiple,
    Elementwise,
    GeneralPower,
    Product,
    Quotient,
    Step,
    Sum,
)
from explain.symbolic import Converter, symbol

Sym = Any


def rebuild(step: Step, replaced: Mapping[int, Sym], value: Converter) -> tuple[Sym, bool]:
    """(result of `step` with `replaced` {id(step): result} applied, whether anything changed)."""
    if id(step) in replaced:
        return replaced[id(step)], True
    match step:
        case ConstantMultiple(constant=c, inner=inner):
            inner_result, changed = rebuild(inner, replaced, value)
            return (c * inner_result, True) if changed else (step.result, False)
        case Elementwise(inner=inner):
            return rebuild(inner, replaced, value)
        case Sum(terms=terms, signs=signs):
            parts = [rebuild(t, replaced, value) for t in terms]
            if not any(changed for _, changed in parts):
                return step.result, False
            return sympy.Add(*(s * r for (r, _), s in zip(parts, signs, strict=True))), True
        case Product() | Quotient() | Chain() | GeneralPower():
            return _compound(step, replaced, value)
        case _:
            return step.result, False


def _compound(
    step: Product | Quotient | Chain | GeneralPower, replaced: Mapping[int, Sym], value: Converter
) -> tuple[Sym, bool]:
    match step:
        case Product(factors=factors):
            parts = [rebuild(f, replaced, value) for f in factors]
            if not any(changed for _, changed in parts):
                return step.result, False
            values = [value(f.expr) for f in factors]
            terms = (sympy.Mul(*values[:i], r, *values[i + 1 :]) for i, (r, _) in enumerate(parts))
            return sympy.Add(*terms), True
        case Quotient(numerator=top, denominator=bottom):
            (t, ct), (b, cb) = rebuild(top, replaced, value), rebuild(bottom, replaced, value)
            if not (ct or cb):
                return step.result, False
            f, g = value(top.expr), value(bottom.expr)
            return t / g - f * b / g**2, True
        case Chain(outer=outer, inner_step=inner_step, inner=inner):
            (o, co), (d, cd) = rebuild(outer, replaced, value), rebuild(inner_step, replaced, value)
            if not (co or cd):
                return step.result, False
            return o.xreplace({symbol(outer.var): value(inner)}) * d, True
        case GeneralPower(base=base, exponent=exponent):
            (b, cb), (e, ce) = rebuild(base, replaced, value), rebuild(exponent, replaced, value)
            if not (cb or ce):
                return step.result, False
            f, g = value(base.expr), value(exponent.expr)
            return value(step.expr) * (e * sympy.log(f) + b * g / f), True
