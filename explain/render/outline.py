"""Outline: a Step tree flattened into numbered lines of pieces, shared by every renderer.

A line says which rule applies (title, formula) and the worked equation for that node. The
equation is a sequence of pieces (prose, written Expr, SymPy result, a d/dx operator), so each
format prints the same content in its own notation and nothing is computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from explain.expr import Expr, Num, Pow, Var
from explain.steps import (
    FUNCTION_FORMULAS,
    RULE_FORMULAS,
    RULE_NAMES,
    RULE_TITLES,
    Chain,
    Constant,
    ConstantMultiple,
    Elementwise,
    Formula,
    Hyperbolic,
    InverseHyperbolic,
    InverseTrig,
    Log,
    NotSupported,
    Product,
    Quotient,
    Root,
    Special,
    Step,
    Sum,
    Trig,
    Variable,
    substeps,
)


@dataclass(frozen=True, slots=True)
class Prose:
    """Words between the maths."""

    text: str


@dataclass(frozen=True, slots=True)
class Written:
    """A sub-expression as the user wrote it; `factor`: parenthesised if it is not one factor."""

    expr: Expr
    factor: bool = False


@dataclass(frozen=True, slots=True)
class Result:
    """A SymPy expression (a derivative or a constant); `factor` as for Written."""

    value: Any
    factor: bool = False


@dataclass(frozen=True, slots=True)
class D:
    """The operator d/dx (∂/∂x when `partial`) of order `order`; with `of`, the quotient du/dx."""

    var: str
    partial: bool = False
    order: int = 1
    of: str | None = None


Piece = Prose | Written | Result | D


@dataclass(frozen=True, slots=True)
class Line:
    """One step: its number ("1.2"), depth, rule id, title, formula and worked equation."""

    number: str
    depth: int
    rule: str
    title: str
    formula: Formula
    equation: tuple[Piece, ...]


EQ = Prose(" = ")


def formula_of(step: Step) -> Formula:
    """The formula shown for a step (function-specific where the rule is a table)."""
    match step:
        case Trig(func=f) | InverseTrig(func=f) | Hyperbolic(func=f) | InverseHyperbolic(func=f):
            return FUNCTION_FORMULAS[f]
        case Special(func=f):
            return FUNCTION_FORMULAS.get(f, RULE_FORMULAS["not_supported"])
        case Log(base=base) if base is not None:
            return FUNCTION_FORMULAS["log_base"]
        case Root(index=n) if n != 2:
            return FUNCTION_FORMULAS["nth_root"]
        case Elementwise(reduction="mean"):
            return FUNCTION_FORMULAS["mean"]
        case _:
            return RULE_FORMULAS[RULE_NAMES[type(step)]]


def equation(step: Step, partial: bool) -> tuple[Piece, ...]:
    """The worked equation of one step: d/dx [expr] = (intermediate) = result."""
    d = D(step.var, partial and step.var != "u")
    head: tuple[Piece, ...] = (d, Written(step.expr), EQ)
    match step:
        case Sum(terms=terms, signs=signs):
            middle: list[Piece] = []
            for i, (term, sign) in enumerate(zip(terms, signs, strict=True)):
                if i or sign < 0:
                    middle.append(Prose(" - " if sign < 0 else " + ") if i else Prose("-"))
                middle += [d, Written(term.expr)]
            return (*head, *middle, EQ, Result(step.result))
        case ConstantMultiple(constant=c, inner=inner):
            return (*head, Result(c), Prose(" · "), d, Written(inner.expr), EQ, Result(step.result))
        case Chain(inner=u, outer=outer):
            return (
                Prose("with u = "), Written(u), Prose(": "), *head, Result(outer.result),
                Prose(" · "), D(step.var, d.partial, of="u"), EQ, Result(step.result),
            )  # fmt: skip
        case Product(factors=factors):
            return (*head, *_product_rule(factors), EQ, Result(step.result))
        case Quotient(numerator=f, denominator=g):
            return (*head, *_quotient_rule(f, g), EQ, Result(step.result))
        case Constant(expr=Var(name=name)) if name != step.var:
            return (*head, Result(step.result), Prose(f"   ({name} is held constant)"))
        case _:
            return (*head, Result(step.result))


TIMES, MINUS, PLUS = Prose("·"), Prose(" - "), Prose(" + ")


def _product_rule(factors: tuple[Step, ...]) -> list[Piece]:
    """f′·g·h + f·g′·h + f·g·h′, each factor's derivative in its place."""
    out: list[Piece] = []
    for i in range(len(factors)):
        if i:
            out.append(PLUS)
        for j, factor in enumerate(factors):
            if j:
                out.append(TIMES)
            out.append(Result(factor.result, True) if i == j else Written(factor.expr, True))
    return out


def _quotient_rule(f: Step, g: Step) -> list[Piece]:
    """(f′·g − f·g′)/g², with the user's f and g."""
    g_squared = Pow(g.expr, Num("2", g.expr.span), g.expr.span)
    return [
        Prose("("), Result(f.result, True), TIMES, Written(g.expr, True), MINUS,
        Written(f.expr, True), TIMES, Result(g.result, True), Prose(")/"), Written(g_squared, True),
    ]  # fmt: skip


def outline(
    step: Step, partial: bool = False, number: str = "1", depth: int = 0
) -> tuple[Line, ...]:
    """Every step of the tree as numbered lines, depth first, in the order they are worked."""
    rule = RULE_NAMES[type(step)]
    title = RULE_TITLES[rule]
    if isinstance(step, NotSupported):
        title = f"{title} ({step.reason})"
    line = Line(number, depth, rule, title, formula_of(step), equation(step, partial))
    lines = [line]
    # d/dx x = 1 under another rule says nothing a student needs: it is folded into its parent.
    shown = [child for child in substeps(step) if not isinstance(child, Variable)]
    for i, child in enumerate(shown, start=1):
        lines.extend(outline(child, partial, f"{number}.{i}", depth + 1))
    return tuple(lines)
