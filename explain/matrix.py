"""Matrix formulas: closed forms of gradients that teachers write, for a few common shapes.

Matched on the tree as written, with the operands' shapes: least squares `sum/mean((M@v - c)**2)`
(∇_v = 2·Mᵀ(Mv − c), divided by n for a mean), `sum(M@v)` (∇_v = Mᵀ·1) and `dot(a, v)`
(∇_v = a). The numbers always come from the per-element derivation; a formula found here is
shown beside them, and the cross-check compares those numbers with autograd as usual.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy

from explain.expr import Call, Expr, Num, Pow, Sub, Var

Sym = Any


@dataclass(frozen=True, slots=True)
class MatrixFormula:
    """∇_name f = expression (SymPy matrix expression), with `where` saying what n stands for."""

    name: str
    expression: Sym
    where: str


def matrix_formula(
    expr: Expr, name: str, shapes: Mapping[str, tuple[int, ...]]
) -> MatrixFormula | None:
    """The closed matrix form of ∇_name expr, when expr has one of the catalogued shapes."""
    if isinstance(expr, Call) and expr.func == "dot" and len(expr.args) == 2:
        return _dot(expr.args, name, shapes)
    if not (isinstance(expr, Call) and expr.func in ("sum", "mean") and not expr.kwargs):
        return None
    inner = expr.args[0]
    if _is_matvec(inner, name, shapes) and expr.func == "sum":
        m = _matrix(inner.args[0], shapes)  # type: ignore[union-attr]
        return MatrixFormula(name, m.T * sympy.ones(m.shape[0], 1), "1 is a column of ones")
    return _least_squares(inner, name, shapes, mean=expr.func == "mean")


def _least_squares(
    inner: Expr, name: str, shapes: Mapping[str, tuple[int, ...]], mean: bool
) -> MatrixFormula | None:
    if not (
        isinstance(inner, Pow) and isinstance(inner.exponent, Num) and inner.exponent.text == "2"
    ):
        return None
    residual: Expr = inner.base
    target: Expr | None = None
    if isinstance(residual, Sub):  # (M@v - c)² or (c - M@v)²: the same square
        for matvec, other in ((residual.left, residual.right), (residual.right, residual.left)):
            if _is_matvec(matvec, name, shapes) and _is_vector(other, name, shapes):
                residual, target = matvec, other
                break
    if not _is_matvec(residual, name, shapes):
        return None
    m = _matrix(residual.args[0], shapes)  # type: ignore[union-attr]
    v = _vector(name, shapes)
    r = m * v if target is None else m * v - _vector(target.name, shapes)  # type: ignore[union-attr]
    n = sympy.Symbol("n", positive=True)
    factor = 2 / n if mean else sympy.Integer(2)
    where = f"n = {m.shape[0]}, the number of residuals" if mean else ""
    return MatrixFormula(name, factor * m.T * r, where)


def _dot(
    args: tuple[Expr, ...], name: str, shapes: Mapping[str, tuple[int, ...]]
) -> MatrixFormula | None:
    a, b = args
    if isinstance(a, Var) and isinstance(b, Var) and a.name == b.name == name:
        return MatrixFormula(name, 2 * _vector(name, shapes), "")
    for this, other in ((a, b), (b, a)):
        if (
            isinstance(this, Var)
            and this.name == name
            and isinstance(other, Var)
            and _free_of(other, name)
        ):
            return MatrixFormula(name, _vector(other.name, shapes), "")
    return None


def _is_matvec(node: Expr, name: str, shapes: Mapping[str, tuple[int, ...]]) -> bool:
    """M @ v with M a constant matrix variable and v the 1-D variable `name`."""
    if not (isinstance(node, Call) and node.func == "matmul"):
        return False
    m, v = node.args
    return (
        isinstance(m, Var) and m.name != name and len(shapes.get(m.name, ())) == 2
        and isinstance(v, Var) and v.name == name and len(shapes.get(name, ())) == 1
    )  # fmt: skip


def _free_of(node: Expr, name: str) -> bool:
    return isinstance(node, Var) and node.name != name


def _is_vector(node: Expr, name: str, shapes: Mapping[str, tuple[int, ...]]) -> bool:
    return _free_of(node, name) and len(shapes.get(node.name, ())) == 1  # type: ignore[union-attr]


def _matrix(node: Expr, shapes: Mapping[str, tuple[int, ...]]) -> Sym:
    assert isinstance(node, Var)  # noqa: S101 - checked by _is_matvec
    rows, cols = shapes[node.name]
    return sympy.MatrixSymbol(node.name, rows, cols)


def _vector(name: str, shapes: Mapping[str, tuple[int, ...]]) -> Sym:
    return sympy.MatrixSymbol(name, shapes[name][0], 1)
