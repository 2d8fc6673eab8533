"""Functions defined by cases between the tree and SymPy: Cases <-> sympy.Piecewise.

A piece's condition is a conjunction of comparisons (sympy.And of Lt/Le/Gt/Ge); "otherwise"
is sympy.true. Where no condition holds, Piecewise is undefined (nan), as the tree says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy

from explain.errors import Unsupported
from explain.expr import Cases, Compare, Expr, Piece, Span

Sym = Any
Convert = Callable[[Expr], Sym]
Back = Callable[[Sym], Expr]

RELATIONS: dict[str, Any] = {"<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge}
OPERATORS: dict[type, str] = {
    sympy.StrictLessThan: "<", sympy.LessThan: "<=",
    sympy.StrictGreaterThan: ">", sympy.GreaterThan: ">=",
}  # fmt: skip
NOWHERE = Span(0, 0)


def condition_to_sympy(condition: tuple[Compare, ...], convert: Convert) -> Sym:
    """The SymPy condition of a piece: And of the comparisons; sympy.true for otherwise."""
    return sympy.And(*(RELATIONS[c.op](convert(c.left), convert(c.right)) for c in condition))


def cases_to_sympy(node: Cases, convert: Convert) -> Sym:
    """sympy.Piecewise of the pieces, in their order (the first whose condition holds)."""
    pairs = [(convert(p.value), condition_to_sympy(p.condition, convert)) for p in node.pieces]
    return sympy.Piecewise(*pairs)


def cases_from_sympy(sym: Sym, back: Back) -> Cases:
    """The Cases tree of a sympy.Piecewise whose conditions are comparisons joined by And."""
    pieces = tuple(
        Piece(back(value), _condition_from_sympy(part, back), NOWHERE)
        for value, condition in sym.args
        for part in _disjuncts(condition)
    )
    return Cases(pieces, NOWHERE)


def _disjuncts(condition: Sym) -> tuple[Sym, ...]:
    """A or B becomes two pieces with the same value (the first that holds is taken); a ≠ b
    is a < b or a > b."""
    if isinstance(condition, sympy.Or):
        return tuple(d for part in condition.args for d in _disjuncts(part))
    if isinstance(condition, sympy.Ne):
        return (sympy.Lt(*condition.args), sympy.Gt(*condition.args))
    return (condition,)


def _condition_from_sympy(condition: Sym, back: Back) -> tuple[Compare, ...]:
    if condition is sympy.true:
        return ()
    parts = condition.args if isinstance(condition, sympy.And) else (condition,)
    out = []
    for part in parts:
        op = OPERATORS.get(type(part))
        if op is None:
            raise Unsupported(f"the result has a piece whose condition is {part}")
        out.append(Compare(op, back(part.lhs), back(part.rhs), NOWHERE))  # type: ignore[arg-type]
    return tuple(out)
