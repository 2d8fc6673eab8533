"""The mistake catalogue: typical wrong derivatives generated from the problem's own Step tree.

Each local mistake replaces one step's result (the chain factor dropped, the product rule as a
product of derivatives, the quotient's numerator swapped or its denominator not squared, a sign
lost in a trig/hyperbolic derivative, the power rule's exponent not decreased or coefficient
missing, a constant term kept, a constant multiple lost, a log base mixed up, e^(kx) without k,
a^x without ln a, ...) and the parent rules are applied again (explain.grading.rebuild). Then
whole-problem mistakes: the wrong variable, the original function, another order. Candidates
come in catalogue order; the first one that matches an answer names its mistake.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sympy

from explain.expr import Call
from explain.grading.rebuild import rebuild
from explain.steps import (
    RULE_NAMES,
    RULE_TITLES,
    Chain,
    Constant,
    ConstantMultiple,
    Derivation,
    Exp,
    ExpBase,
    Hyperbolic,
    InverseHyperbolic,
    InverseTrig,
    Log,
    Power,
    Product,
    Quotient,
    Step,
    Sum,
    Trig,
    walk,
)
from explain.symbolic import Converter, symbol
from explain.written import pretty

Sym = Any


@dataclass(frozen=True, slots=True)
class Candidate:
    """A wrong derivative: its code, a teacher's title, the step where it happens, its value."""

    code: str
    title: str
    step: str
    rule: str
    result: Sym


Local = tuple[str, str, Sym]
"""(code, title, the step's wrong local result)."""

TABLES: dict[str, dict[str, Any]] = {
    "trig": {
        "sin": sympy.cos, "cos": lambda u: -sympy.sin(u), "tan": lambda u: sympy.sec(u) ** 2,
        "sec": lambda u: sympy.sec(u) * sympy.tan(u), "csc": lambda u: -sympy.csc(u) * sympy.cot(u),
        "cot": lambda u: -sympy.csc(u) ** 2,
    },
    "hyperbolic": {
        "sinh": sympy.cosh, "cosh": sympy.sinh, "tanh": lambda u: sympy.sech(u) ** 2,
        "sech": lambda u: -sympy.sech(u) * sympy.tanh(u),
        "csch": lambda u: -sympy.csch(u) * sympy.coth(u), "coth": lambda u: -sympy.csch(u) ** 2,
    },
    "inverse": {
        "asin": lambda u: 1 / sympy.sqrt(1 - u**2), "acos": lambda u: -1 / sympy.sqrt(1 - u**2),
        "atan": lambda u: 1 / (1 + u**2), "asinh": lambda u: 1 / sympy.sqrt(u**2 + 1),
        "acosh": lambda u: 1 / sympy.sqrt(u**2 - 1), "atanh": lambda u: 1 / (1 - u**2),
    },
}  # fmt: skip
"""Derivative tables a student may mix up (the entry of a neighbouring function)."""


def catalogue(derivation: Derivation, function: Sym, names: tuple[str, ...]) -> list[Candidate]:
    """Every catalogued wrong answer for this problem, in the order they are tried."""
    stage = derivation.stages[-1]
    value = Converter(derivation.parsed.source)
    var = derivation.var
    found: list[Candidate] = []
    for step, shown in _located(stage.step):
        for code, title, local in _local(step, value, names, var):
            result, _ = rebuild(stage.step, {id(step): local}, value)
            rule = RULE_NAMES[type(step)]
            found.append(Candidate(code, title, f"{RULE_TITLES[rule]} on {shown}", rule, result))
    found += _whole(derivation, function, names)
    return found


def _located(root: Step) -> Iterator[tuple[Step, str]]:
    """Every step with the expression a student sees there (a chain's outer step: the chain's)."""
    shown: dict[int, str] = {}
    for step in walk(root):
        text = shown.get(id(step)) or pretty(step.expr)
        if isinstance(step, Chain):
            shown[id(step.outer)] = text
        yield step, text


def _local(step: Step, value: Converter, names: tuple[str, ...], var: str) -> Iterator[Local]:
    match step:
        case Chain():
            yield from _chain(step, value, names, var)
        case Product(factors=factors):
            product = sympy.Mul(*(f.result for f in factors))
            yield (
                "product_as_product_of_derivatives",
                "product rule: f′·g′ instead of f′g + fg′",
                product,
            )
        case Quotient(numerator=top, denominator=bottom):
            f, g = value(top.expr), value(bottom.expr)
            yield (
                "quotient_order_swapped",
                "quotient rule: numerator in the wrong order (fg′ − f′g)",
                -step.result,
            )
            yield (
                "quotient_denominator_not_squared",
                "quotient rule: denominator not squared",
                (top.result * g - f * bottom.result) / g,
            )
        case Trig() | Hyperbolic() | InverseTrig() | InverseHyperbolic():
            yield "sign_error", f"sign error in the derivative of {step.func}", -step.result
            yield from _table(step)
        case ConstantMultiple(constant=c, inner=inner):
            if c == -1:
                yield "sign_error", "sign error: the minus sign was dropped", inner.result
            else:
                yield (
                    "constant_multiple_lost",
                    f"constant multiple lost: the factor {c} is missing",
                    inner.result,
                )
        case Sum(terms=terms, signs=signs):
            yield from _kept_constants(step, terms, signs, value)
        case Exp() | ExpBase() | Log():
            yield from _exponential(step, value)
        case _:
            pass
    yield from _power(step, value)


def _chain(step: Chain, value: Converter, names: tuple[str, ...], var: str) -> Iterator[Local]:
    u = symbol(step.outer.var)
    g, dg = value(step.inner), step.inner_step.result
    outer = step.outer.result.xreplace({u: g})
    inner_text = pretty(step.inner)
    if isinstance(step.outer, Exp) and dg.is_number:
        title = f"e^(kx) differentiated without k: the factor {dg} is missing"
    else:
        title = f"chain rule: the inner derivative d/d{var}({inner_text}) is missing"
    yield "chain_missing_inner", title, outer
    if isinstance(step.outer, Power):
        n = step.outer.exponent
        if isinstance(step.inner, Call) and step.inner.func == "log":
            yield "log_power_confusion", "(ln u)ⁿ differentiated as ln(uⁿ)", n * dg
        title = f"chain rule: the outer factor ({inner_text})^{n - 1} is missing"
        yield "chain_missing_inner", title, n * dg
    wrong = step.outer.result.xreplace({u: dg})
    yield "chain_misapplied", "chain rule misapplied: f′(u′) instead of f′(u)·u′", wrong
    for other in (n for n in names if n != var):
        d_other = sympy.diff(g, symbol(other))
        if d_other != 0:
            title = f"chain rule: inner function differentiated by {other}"
            yield "chain_misapplied", title, outer * d_other
    yield from _confused(step, g, dg, var)


def _confused(step: Chain, g: Sym, dg: Sym, var: str) -> Iterator[Local]:
    """Power rule on an exponential; ln(uⁿ) read as (ln u)ⁿ."""
    if isinstance(step.outer, Exp | ExpBase):
        base = sympy.E if isinstance(step.outer, Exp) else step.outer.base
        confused = g * base ** (g - 1)
        yield "power_exponential_confusion", "power rule applied to an exponential", confused
        yield "power_exponential_confusion", "power rule applied to an exponential", confused * dg
    if isinstance(step.outer, Log) and g.is_Pow and g.exp.is_number:
        b, n = g.base, g.exp
        confused = n * sympy.log(b) ** (n - 1) * sympy.diff(b, symbol(var)) / b
        yield "log_power_confusion", "ln(uⁿ) differentiated as (ln u)ⁿ", confused


def _table(step: Trig | Hyperbolic | InverseTrig | InverseHyperbolic) -> Iterator[Local]:
    u = symbol(step.var)
    for table in TABLES.values():
        if step.func in table:
            for other, derivative in table.items():
                if other != step.func:
                    title = f"derivative table mixed up: {step.func}′ taken as {other}′"
                    yield "derivative_table_mixup", title, derivative(u)


def _kept_constants(
    step: Sum, terms: tuple[Step, ...], signs: tuple[int, ...], value: Converter
) -> Iterator[Local]:
    for term, sign in zip(terms, signs, strict=True):
        if isinstance(term, Constant):
            c = value(term.expr)
            if c.is_number and c != 0:
                yield (
                    "constant_term_error",
                    f"the constant term {pretty(term.expr)} was kept",
                    step.result + sign * c,
                )
                yield (
                    "constant_term_error",
                    f"the constant term {pretty(term.expr)} was differentiated to 1",
                    step.result + sign,
                )


def _exponential(step: Exp | ExpBase | Log, value: Converter) -> Iterator[Local]:
    a = symbol(step.var)
    match step:
        case ExpBase(base=b):
            yield (
                "exp_log_base_factor",
                f"the factor ln {b} of the exponential {b}^x is missing",
                b**a,
            )
            yield (
                "power_exponential_confusion",
                "power rule applied to an exponential",
                a * b ** (a - 1),
            )
        case Exp():
            yield (
                "power_exponential_confusion",
                "power rule applied to an exponential",
                a * sympy.exp(a - 1),
            )
        case Log(base=b):
            if b is not None:
                yield "log_base_mixup", f"log base {b} differentiated as ln", 1 / a
                yield (
                    "log_base_mixup",
                    f"log base {b}: ln {b} multiplied instead of divided",
                    sympy.log(b) / a,
                )
            else:
                yield "log_base_mixup", "ln differentiated as log base 10", 1 / (a * sympy.log(10))
                yield "derivative_table_mixup", "derivative table mixed up: 1/u² for ln u", 1 / a**2


def _power(step: Step, value: Converter) -> Iterator[Local]:
    """Power-rule slips on any step whose value is uⁿ (x³, √x, 1/√x, c/xⁿ ...)."""
    if isinstance(step, Chain):
        return
    here = value(step.expr)
    if not (here.is_Pow and here.exp.is_number and here.exp != -1):
        return
    base, n = here.base, here.exp
    if not base.has(symbol(step.var)):
        return
    d = sympy.diff(base, symbol(step.var))
    yield (
        "power_exponent_not_reduced",
        f"power rule: the exponent {n} was not decreased",
        n * base**n * d,
    )
    yield (
        "power_coefficient_missing",
        f"power rule: the coefficient {n} is missing",
        base ** (n - 1) * d,
    )
    yield (
        "power_exponent_not_reduced",
        f"power rule: the exponent {n} was increased instead of decreased",
        n * base ** (n + 1) * d,
    )


def _whole(derivation: Derivation, function: Sym, names: tuple[str, ...]) -> list[Candidate]:
    var, order = derivation.var, derivation.order
    x = symbol(var)
    shown = pretty(derivation.parsed.expr)
    found = [
        Candidate(
            "wrong_variable",
            f"differentiated by {other} instead of {var}",
            shown,
            "variable",
            sympy.diff(function, symbol(other), order),
        )
        for other in names
        if other != var
    ]
    found.append(
        Candidate(
            "original_returned", "the original function was returned", shown, "function", function
        )
    )
    for k in sorted({order - 1, order + 1} - {0}):
        title = f"the derivative of order {k} instead of {order}"
        found.append(
            Candidate("higher_order_error", title, shown, "order", sympy.diff(function, x, k))
        )
    return found  # fmt: skip
