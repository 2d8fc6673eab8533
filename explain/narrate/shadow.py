"""Symbolic shadows: each tensor element as a SymPy formula of the leaves' element symbols."""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import sympy

from explain.elements import element_name
from explain.symbolic import UNARY, detach, symbol
from explain.vectorised import Program

Array = Any
Sym = Any

MAX_SHADOW_TERMS = 20_000
"""Most terms a matrix product of formulas may build (x @ x @ x of a 20×20 x would not stop)."""

MAX_FORMULA_NODES = 20_000
"""Largest formula (nodes, as a tree) the narrator derives; beyond it torch's numbers alone."""

MAX_SHADOW_ELEMENTS = 400
"""Most elements a tensor may have and still get a symbolic shadow (larger: numbers only)."""

FUNCTIONS: dict[str, Callable[[Sym], Sym]] = {
    **{name: UNARY[name] for name in ("exp", "sin", "cos", "tan", "sqrt", "abs", "relu")},
    "sigmoid": UNARY["sigmoid"],
    "tanh": sympy.tanh,
    "log": sympy.log,
    "square": lambda u: u**2,
}
"""torch.<name> → the SymPy function of one element."""

OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "pow": operator.pow, "mul": operator.mul, "add": operator.add, "sub": operator.sub,
    "div": operator.truediv,
}  # fmt: skip
"""torch.<name> of two tensors that is an arithmetic operator element by element."""


def number(value: float | int | bool) -> Sym:
    """A Python number as SymPy: integers stay exact (2*x, not 2.0*x)."""
    if isinstance(value, bool | int) or float(value).is_integer():
        return sympy.Integer(int(value))
    return sympy.Float(value)


def constant(values: Array) -> Array | None:
    """Numbers as an object array of SymPy numbers (None when too large to shadow)."""
    values = np.asarray(values, dtype=np.float64)
    if values.size > MAX_SHADOW_ELEMENTS:
        return None
    return _map(number, values.astype(object))


def stop_gradient(shadow: Array | None) -> Array | None:
    """detach(): the same values, a constant for differentiation."""
    if shadow is None:
        return None
    return _map(lambda e: detach(e) if getattr(e, "free_symbols", None) else e, shadow)


def binary(op: Callable[[Any, Any], Any], left: Array | None, right: Array | None) -> Array | None:
    """An arithmetic operator applied element by element, with NumPy broadcasting."""
    if left is None or right is None:
        return None
    return np.asarray(op(left, right), dtype=object)


def negate(shade: Array | None) -> Array | None:
    """-t, element by element."""
    return None if shade is None else np.asarray(-shade, dtype=object)


def apply(name: str, shadow: Array | None) -> Array | None:
    """torch.<name>(t) for sum, mean and the unary functions."""
    if shadow is None:
        return None
    if name == "sum":
        return np.asarray(sympy.Add(*shadow.ravel().tolist()), dtype=object)
    if name == "mean":
        total = sympy.Add(*shadow.ravel().tolist())
        return np.asarray(total / sympy.Integer(shadow.size), dtype=object)
    return _map(FUNCTIONS[name], shadow)


def matmul(left: Array | None, right: Array | None) -> Array | None:
    """a @ b on element formulas (NumPy's matmul works on object arrays)."""
    if left is None or right is None:
        return None
    cost = _terms(left) * (right.shape[-1] if right.ndim > 1 else 1)
    cost += _terms(right) * (left.shape[0] if left.ndim > 1 else 1)
    if cost > MAX_SHADOW_TERMS:
        return None  # products of products grow fast: numbers only from here on
    return np.asarray(np.matmul(left, right), dtype=object)


def _terms(shade: Array) -> int:
    return sum(len(sympy.Add.make_args(e)) for e in np.ravel(shade))


def reshape(shade: Array | None, how: Callable[[Array], Array]) -> Array | None:
    """A view of the same elements (reshape, transpose, indexing): the same formulas moved."""
    return None if shade is None else np.asarray(how(shade), dtype=object)


def _map(fn: Callable[[Any], Any], array: Array) -> Array:
    array = np.asarray(array, dtype=object)
    out = np.empty(array.shape, dtype=object)
    for index in np.ndindex(array.shape):
        out[index] = fn(array[index])
    return out


def small(expr: Sym, most: int = MAX_FORMULA_NODES) -> bool:
    """Whether a formula has at most `most` nodes (counted as a tree, stopping early)."""
    return sum(1 for _ in itertools.islice(sympy.preorder_traversal(expr), most + 1)) <= most


def total(target: Array, weights: Array | None) -> Sym:
    """The scalar backward() differentiates: the target, or Σ gradient·target."""
    if weights is not None:
        target = np.asarray(target * weights, dtype=object)
    return sympy.Add(*np.asarray(target, dtype=object).ravel().tolist())


def gradient(scalar: Sym, symbols: Array) -> Array:
    """∂scalar/∂(each element symbol), as an object array shaped like the leaf."""
    return _map(lambda s: sympy.diff(scalar, s), symbols)


def generic_formula(
    grads: Array, shapes: Mapping[str, tuple[int, ...]], scalar: Sym = None, leaf: Sym = None
) -> Sym | None:
    """The per-element derivative with element symbols replaced by generic ones (x[0,1] → x).

    None when the elements' derivatives differ after that replacement (not elementwise).
    """
    found: Sym | None = None
    for index in np.ndindex(grads.shape):
        plain = grads[index].replace(detach, lambda u: u)
        generic = plain.xreplace(_generic_map(index, shapes))
        if any("[" in str(s) for s in generic.free_symbols):
            # some elements are not aligned with this one (a sum over a tensor): no generic form
            one = grads.size == 1 and scalar is not None
            return _reduction(scalar, leaf, shapes) if one else None
        if found is None:
            found = generic
        elif found != generic and sympy.expand(found - generic) != 0:
            return None
    return found


MAX_FORMULA_ELEMENTS = 8
"""Most element symbols (x[0], x[1] …) a shown formula may hold; longer ones are left out."""

MEAN = sympy.Function("mean")
"""mean(t) over the elements of the tensors in t, as a formula is shown (never evaluated)."""

SUM = sympy.Function("sum")
"""sum(t) over the elements of the tensors in t, likewise."""


def _reduction(scalar: Sym, leaf: Sym, shapes: Mapping[str, tuple[int, ...]]) -> Sym | None:
    """The derivative of a sum or mean over data, term by term: c·mean(template) when every
    term's derivative is one template at another index (∂/∂w mean((w·x − y)²) = mean(2x·(w·x −
    y))); else the plain derivative when it is short, else None (the numbers alone are shown)."""
    single = {
        symbol(element_name(n, (0,) * len(s))): symbol(n)
        for n, s in shapes.items()
        if s and math.prod(s) == 1
    }
    coeff, rest = scalar.as_coeff_Mul()
    terms = sympy.Add.make_args(rest)
    templates, indices = set(), set()
    for term in terms:
        derivative = sympy.diff(term, leaf).replace(detach, lambda u: u).xreplace(single)
        indexed = [s for s in derivative.free_symbols if "[" in s.name]
        where = {s.name[s.name.index("[") :] for s in indexed}
        if len(where) != 1:
            break
        indices |= where
        templates.add(derivative.xreplace({s: symbol(s.name.split("[")[0]) for s in indexed}))
    else:
        if len(templates) == 1 and len(indices) == len(terms) > 1:
            template = templates.pop()
            mean = sympy.factor_terms(len(terms) * template)
            shorter = sympy.count_ops(mean) < sympy.count_ops(template)
            return coeff * (MEAN(mean) if shorter else SUM(template))
    plain = sympy.diff(scalar, leaf).replace(detach, lambda u: u).xreplace(single)
    count = sum("[" in s.name for s in plain.free_symbols)
    return plain if count <= MAX_FORMULA_ELEMENTS else None


def _generic_map(index: tuple[int, ...], shapes: Mapping[str, tuple[int, ...]]) -> dict[Sym, Sym]:
    """Element symbols aligned with `index` by broadcasting → the tensor's generic symbol."""
    out: dict[Sym, Sym] = {}
    for name, shape in shapes.items():
        if len(shape) > len(index):
            continue
        tail = index[len(index) - len(shape) :]
        aligned = tuple(0 if n == 1 else i for i, n in zip(tail, shape, strict=True))
        out[symbol(element_name(name, aligned))] = symbol(name)
    return out


def evaluate(grads: Array, env: Mapping[str, float]) -> Array:
    """The per-element derivatives as float64 numbers (inf/nan where undefined)."""
    values = Program.prepare(grads.ravel().tolist()).run(env)
    return np.asarray([float(v) for v in values], dtype=np.float64).reshape(grads.shape)


def torch_kinks(grads: Array) -> Array:
    """torch's convention at relu's kink: Heaviside(0) is 0 (SymPy's default is 1/2)."""
    return _map(lambda g: g.replace(sympy.Heaviside, lambda u, *_: sympy.Heaviside(u, 0)), grads)
