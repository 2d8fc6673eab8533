"""The piecewise rule: each piece differentiated on its own interval, and the boundaries checked.

Where two pieces meet (var = b, a number), a teacher asks two questions, answered here with
SymPy limits under a time budget (never guessed; an undecided question is left unanswered):
is the function continuous at b (left limit = right limit = value), and, if so, do the
one-sided derivatives agree (then it is differentiable at b)? Boundaries are found only when
every comparison in the conditions sets the variable against a number; otherwise none is said.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import sympy

from explain import limits
from explain.budget import within
from explain.errors import ExplainError
from explain.expr import Cases, Expr
from explain.piecewise import condition_to_sympy
from explain.steps import Boundary, PiecewiseRule, Step
from explain.symbolic import from_sympy
from explain.written import pretty

Sym = Any


def piecewise_rule(
    node: Cases, var: str, x: Sym, value: Callable[[Expr], Sym], step: Callable[[Expr], Step]
) -> PiecewiseRule:
    """{f₁ if c₁; …}′ = {f₁′ if c₁; …}; the boundaries where the pieces meet, checked."""
    steps = tuple(step(piece.value) for piece in node.pieces)
    conditions = [condition_to_sympy(piece.condition, value) for piece in node.pieces]
    result = sympy.Piecewise(*((s.result, c) for s, c in zip(steps, conditions, strict=True)))
    pieces = [(value(p.value), c) for p, c in zip(node.pieces, conditions, strict=True)]
    slopes = [s.result for s in steps]
    return PiecewiseRule(node, var, steps, boundaries(node, x, value, pieces, slopes), result)


def boundaries(
    node: Cases, x: Sym, value: Callable[[Expr], Sym], pieces: list[tuple[Sym, Sym]],
    slopes: list[Sym],
) -> tuple[Boundary, ...]:  # fmt: skip
    """Every finite point where the piece in force changes, checked (undecided points left out)."""
    points = _points(node, x, value)
    if not points:
        return ()
    found = []
    for k, b in enumerate(points):
        gaps = [abs(b - other) for other in points[max(k - 1, 0) : k + 2] if other != b]
        delta = min([sympy.Rational(1, 2), *(g / 4 for g in gaps)])
        found.append(
            within(limits.BOUNDARY_SECONDS, partial(_boundary, x, b, delta, pieces, slopes))
        )
    return tuple(b for b in found if b is not None)


def _points(node: Cases, x: Sym, value: Callable[[Expr], Sym]) -> list[Sym]:
    """The numbers the variable is compared with, sorted; [] unless every comparison is the
    variable against a real number (only then does each piece hold on whole intervals)."""
    points: set[Sym] = set()
    for piece in node.pieces:
        for compare in piece.condition:
            left, right = value(compare.left), value(compare.right)
            number = right if left == x else left if right == x else None
            if number is None or not (number.is_number and number.is_extended_real):
                return []
            if number.is_finite:
                points.add(number)
    return sorted(points, key=float)[: 2 * limits.MAX_PIECES]


def _in_force(x: Sym, at: Sym, pieces: list[tuple[Sym, Sym]]) -> int | None:
    """The index of the first piece whose condition holds at x = at (None: none holds)."""
    for i, (_, condition) in enumerate(pieces):
        holds = condition.subs(x, at)
        if holds is sympy.true:
            return i
        if holds is not sympy.false:
            raise ValueError(f"undecided condition {holds}")
    return None


def _boundary(
    x: Sym, b: Sym, delta: Sym, pieces: list[tuple[Sym, Sym]], slopes: list[Sym]
) -> Boundary | None:
    try:
        left, here, right = (_in_force(x, at, pieces) for at in (b - delta, b, b + delta))
    except ValueError:
        return None
    if left is None or right is None or left == right:
        return None  # an end of the domain, or no change of piece here
    value = None if here is None else _finite(pieces[here][0].subs(x, b))
    from_left = _limit(pieces[left][0], x, b, "-")
    from_right = _limit(pieces[right][0], x, b, "+")
    continuous = _continuous(here, value, from_left, from_right)
    if not continuous:
        return Boundary(b, value, from_left, from_right, continuous, None, None, continuous)
    left_slope, right_slope = _limit(slopes[left], x, b, "-"), _limit(slopes[right], x, b, "+")
    agree = _same(left_slope, right_slope)
    return Boundary(b, value, from_left, from_right, True, left_slope, right_slope, agree)


def _continuous(here: int | None, value: Sym, left: Sym, right: Sym) -> bool | None:
    if here is None:
        return False  # not defined at the point
    if left is sympy.oo or left is -sympy.oo or right is sympy.oo or right is -sympy.oo:
        return False
    if value is None or left is None or right is None:
        return None
    same_sides = _same(left, right)
    if same_sides is False:
        return False
    at_point = _same(left, value)
    return None if same_sides is None or at_point is None else at_point


def _limit(expr: Sym, x: Sym, b: Sym, side: str) -> Sym | None:
    """The one-sided limit, ±oo when it diverges, None when SymPy leaves it undecided."""
    try:
        found = sympy.limit(expr, x, b, dir=side)
    except (NotImplementedError, ArithmeticError, TypeError, ValueError):
        return None  # SymPy cannot take this limit ("don't know how to calculate the mrv")
    if found in (sympy.oo, -sympy.oo) or (found.is_number and found.is_extended_real):
        return found
    return None


def _finite(number: Sym) -> Sym | None:
    return number if number.is_number and number.is_finite and number.is_extended_real else None


def _same(a: Sym | None, b: Sym | None) -> bool | None:
    """a = b (False when one is infinite, None when undecided)."""
    if a is None or b is None:
        return None
    if a.is_finite is not True or b.is_finite is not True:
        return False if a.is_infinite or b.is_infinite else None
    difference = sympy.simplify(a - b)
    return None if difference.is_zero is None else bool(difference.is_zero)


def boundary_notes(step: PiecewiseRule) -> tuple[str, ...]:
    """What a teacher says at each point where the pieces meet (nothing where undecided)."""
    return tuple(n for n in (_note(step.var, b) for b in step.boundaries) if n)


def _note(var: str, b: Boundary) -> str | None:
    at, value = f"at {var} = {_shown(b.point)}", _shown(b.value)
    if b.continuous is None:
        return None
    if not b.continuous:
        sides = f"from the left it tends to {_shown(b.left)}, from the right to {_shown(b.right)}"
        there = ", it is undefined there" if b.value is None else f", its value there is {value}"
        return f"{at} the function is not continuous ({sides}{there}): no derivative there"
    if b.differentiable is None:
        return f"{at} the pieces meet continuously (value {value})"
    if b.differentiable:
        return (
            f"{at} the pieces meet continuously (value {value}) and both one-sided slopes "
            f"are {_shown(b.left_slope)}: differentiable there"
        )
    return (
        f"{at} the pieces meet continuously (value {value}), but the slope from the left is "
        f"{_shown(b.left_slope)} and from the right {_shown(b.right_slope)}: no derivative "
        f"there (the formula gives the slope of the piece chosen at {var} = {_shown(b.point)})"
    )


def _shown(value: Sym | None) -> str:
    if value is None:
        return "an undecided value"
    if value in (sympy.oo, -sympy.oo):
        return "∞" if value == sympy.oo else "-∞"
    try:
        return pretty(from_sympy(value))  # π, not pi; 1/2 as a teacher writes it
    except ExplainError:
        return str(value)
