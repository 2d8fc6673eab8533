"""Tensor expressions element by element: each element of each input a SymPy symbol (small tensors).

For expressions that are not elementwise (matmul, dot, transpose, indexing, reductions along a
dim, products of sums...) the exact gradient is derived per element: the expression is built
over NumPy object arrays of SymPy expressions, in the user's order, then differentiated with
respect to every element symbol. Exact, independent of PyTorch, and bounded by
limits.MAX_SYMBOLIC_ELEMENTS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, assert_never

import numpy as np
import sympy

from explain import limits
from explain.errors import LimitExceeded, MathError, Unsupported
from explain.expr import (
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
    Slice,
    Sub,
    Var,
    children,
)
from explain.piecewise import RELATIONS
from explain.symbolic import UNARY, symbol, to_sympy

Sym = Any
Array = Any


def element_name(name: str, index: tuple[int, ...]) -> str:
    """x[0,1]: the name of one element's symbol (cannot clash with a variable's name)."""
    return f"{name}[{','.join(map(str, index))}]" if index else name


def element_symbols(name: str, shape: tuple[int, ...]) -> Array:
    """An object array of real symbols x[0,0], x[0,1], ... for input `name` (0-d: x itself)."""
    out = np.empty(shape, dtype=object)
    for index in np.ndindex(shape):
        out[index] = symbol(element_name(name, index))
    return out


def symbolic_tensor(expr: Expr, inputs: Mapping[str, Array]) -> Array:
    """The expression as an object array (0-d for a scalar) of SymPy expressions."""
    total = sum(np.size(a) for a in inputs.values())
    if total > limits.MAX_SYMBOLIC_ELEMENTS:
        raise LimitExceeded(
            f"the per-element exact derivation handles at most {limits.MAX_SYMBOLIC_ELEMENTS} "
            f"tensor elements in all; these inputs have {total}",
            hint="use smaller tensors for expressions that are not elementwise",
        )
    return np.asarray(_Builder(inputs).build(expr), dtype=object)


class _Builder:
    def __init__(self, inputs: Mapping[str, Array]) -> None:
        self.inputs = inputs

    def build(self, node: Expr) -> Array:
        try:
            return self._node(node)
        except ValueError as err:  # NumPy's broadcasting or matmul shape errors
            raise MathError(f"shapes do not fit: {err}") from None

    def _node(self, node: Expr) -> Array:
        match node:
            case Num() | Const():
                return to_sympy(node)
            case Var(name=name):
                return self.inputs.get(name, symbol(name))
            case Neg(operand=a):
                return -np.asarray(self._node(a), dtype=object)
            case Add() | Sub() | Mul() | Div() | Pow():
                return self._binary(node)
            case Call():
                return self._call(node)
            case Index():
                return np.asarray(self._node(node.base), dtype=object)[_index(node.items)]
            case Apply():
                raise Unsupported(f"unknown function {node.name} on tensors")
            case Cases():
                return self._cases(node)
            case _:
                assert_never(node)

    def _cases(self, node: Cases) -> Array:
        """One sympy.Piecewise per element (values and comparison sides broadcast together)."""
        parts = np.broadcast_arrays(
            *(np.asarray(self._node(c), dtype=object) for c in children(node))
        )
        out = np.empty(parts[0].shape if parts else (), dtype=object)
        for index in np.ndindex(out.shape):
            values = iter(part[index] for part in parts)
            pairs = []
            for piece in node.pieces:
                value = next(values)
                holds = [RELATIONS[c.op](next(values), next(values)) for c in piece.condition]
                pairs.append((value, sympy.And(*holds)))
            out[index] = sympy.Piecewise(*pairs)
        return out

    def _binary(self, node: Add | Sub | Mul | Div | Pow) -> Array:
        a = np.asarray(
            self._node(node.left if not isinstance(node, Pow) else node.base), dtype=object
        )
        b = np.asarray(
            self._node(node.right if not isinstance(node, Pow) else node.exponent), dtype=object
        )
        match node:
            case Add():
                return a + b
            case Sub():
                return a - b
            case Mul():
                return a * b
            case Div():
                return a / b
            case Pow():
                return a**b

    def _call(self, node: Call) -> Array:
        args = [np.asarray(self._node(a), dtype=object) for a in node.args]
        kwargs = dict(node.kwargs)
        dim = _int(kwargs["dim"]) if "dim" in kwargs else None
        match node.func:
            case "sum" | "mean" | "prod" | "max":
                return _reduce(node.func, args[0], dim)
            case "matmul" | "dot":
                return np.asarray(args[0] @ args[1], dtype=object)
            case "transpose":
                return args[0].T
            case "log" if len(args) == 2:
                return _map(lambda u: sympy.log(u, args[1].item()), args[0])
            case "root":
                return _map(lambda u: u ** (1 / args[1].item()), args[0])
            case name if name in UNARY:
                return _map(UNARY[name], args[0])
            case name:
                raise Unsupported(f"{name} cannot be applied element by element")


def _map(fn: Any, array: Array) -> Array:
    return (
        np.vectorize(fn, otypes=[object])(array)
        if array.ndim
        else np.asarray(fn(array.item()), dtype=object)
    )


def _reduce(func: str, array: Array, dim: int | None) -> Array:
    axis = dim if dim is not None else None
    if func == "sum":
        return np.sum(array, axis=axis)
    if func == "mean":
        count = array.size if axis is None else array.shape[axis]
        return np.sum(array, axis=axis) / sympy.Integer(count)
    if func == "prod":
        return np.prod(array, axis=axis)
    return _max(array, axis)


def _max(array: Array, axis: int | None) -> Array:
    if axis is None:
        return sympy.Max(*array.ravel().tolist())
    moved = np.moveaxis(array, axis, -1)
    out = np.empty(moved.shape[:-1], dtype=object)
    for index in np.ndindex(out.shape):
        out[index] = sympy.Max(*moved[index].tolist())
    return out


def _int(node: Expr) -> int:
    if isinstance(node, Num):
        return int(node.text)
    if isinstance(node, Neg) and isinstance(node.operand, Num):
        return -int(node.operand.text)
    raise Unsupported("indices and dims must be whole numbers")


def _index(items: Sequence[Expr | Slice]) -> tuple[int | slice, ...]:
    out: list[int | slice] = []
    for item in items:
        if isinstance(item, Slice):
            parts = [None if p is None else _int(p) for p in (item.start, item.stop, item.step)]
            out.append(slice(*parts))
        else:
            out.append(_int(item))
    return tuple(out)


def gradient_expressions(
    output: Array, inputs: Mapping[str, Array], wrt: Sequence[str]
) -> dict[str, Array]:
    """∂(sum of the output)/∂ each element symbol of each input in `wrt`, as object arrays."""
    total = sympy.Add(*np.asarray(output, dtype=object).ravel().tolist())
    grads = {}
    for name in wrt:
        elements = inputs[name]
        grads[name] = (
            np.vectorize(lambda s: sympy.diff(total, s), otypes=[object])(elements)
            if elements.ndim
            else np.asarray(sympy.diff(total, elements.item()), dtype=object)
        )
    return grads
