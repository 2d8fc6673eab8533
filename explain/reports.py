"""MODEL: reports built from several engines: the autograd graph and the three-way CrossCheck.

Arrays are NumPy float64 arrays (typed as Any here so that model modules stay free of NumPy's
import); they are never mutated after the report is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from explain.expr import Parsed
from explain.steps import Derivation

Array = Any
"""A numpy.ndarray (float64 unless the report says otherwise)."""


@dataclass(frozen=True, slots=True)
class GraphNode:
    """One node of the graph PyTorch built: a backward function, a leaf, or a cut.

    `id` is stable within a report ("n0", "n1", ... in the order the user wrote the operations;
    leaves are named after their variable); `name` is PyTorch's (PowBackward0, AccumulateGrad);
    `rule` the calculus rule it applies; `local` its local derivative as text and LaTeX;
    `inputs` the ids it passes gradients to (PyTorch's next_functions, in order, None edges
    for constants left out); `expression` the sub-expression it computes, as written.
    """

    id: str
    name: str
    rule: str
    local: tuple[str, str]
    inputs: tuple[str, ...]
    shape: tuple[int, ...]
    requires_grad: bool
    is_leaf: bool
    expression: str
    kind: Literal["op", "leaf", "cut"] = "op"


@dataclass(frozen=True, slots=True)
class Graph:
    """The autograd graph of one expression: nodes in written order, and the output node's id."""

    nodes: tuple[GraphNode, ...]
    output: str
    source: str  # the expression as typed


@dataclass(frozen=True, slots=True)
class InputCheck:
    """The three answers for one input tensor (or scalar), element by element.

    `finite_difference` holds estimates only at `fd_indices` (flat indices; all elements when
    the tensor is small); `fd_error` is each estimate's own error bound.
    """

    name: str
    shape: tuple[int, ...]
    value: Array
    exact: Array
    autograd: Array
    finite_difference: Array
    fd_error: Array
    fd_indices: Array
    max_abs_error: float  # exact vs autograd
    max_rel_error: float
    agrees: bool  # exact and autograd within the tolerance (nan with nan, inf with the same inf)
    fd_max_abs_error: float  # exact vs finite differences, at the sampled elements
    fd_within_error: bool


@dataclass(frozen=True, slots=True)
class GradientFormula:
    """∂f/∂x_ij = expression: `index` "ij" for any element of an elementwise gradient, "0,1" for
    one element of a per-element one, "" for a scalar; element symbols print as written."""

    name: str
    index: str
    expression: Any
    matrix: bool = False  # ∇_name f as a matrix expression (Aᵀ(Aw − b)), not one element's


Verdict = Literal["agree", "differs by convention", "disagree"]


@dataclass(frozen=True, slots=True)
class CrossCheck:
    """Exact gradient (SymPy → NumPy), PyTorch autograd and finite differences, side by side.

    `form` says how the exact side was obtained: "elementwise" (a scalar derivation applied to
    every element: `derivations` holds one per input), "matrix" (a closed matrix formula, in
    `formula`), or "per-element" (small tensors, each element a SymPy symbol).
    """

    parsed: Parsed
    wrt: tuple[str, ...]
    form: Literal["elementwise", "matrix", "per-element"]
    formulas: tuple[GradientFormula, ...]
    derivations: tuple[Derivation, ...]
    inputs: tuple[InputCheck, ...]
    output: float
    dtype: Literal["float64", "float32"]
    tolerance: float
    verdict: Verdict
    summary: str  # one sentence: "all three agree within 1e-9", or who disagrees and why
    notes: tuple[str, ...]
    graph: Graph
