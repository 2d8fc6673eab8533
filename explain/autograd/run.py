"""RUN: one forward and backward pass in torch, returning values, x.grad, the graph and notes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from explain import limits
from explain.autograd.chain import Walk, build
from explain.autograd.forward import Forward, lighten
from explain.autograd.notes import notes as probe_notes
from explain.errors import LimitExceeded, UsageError
from explain.expr import Call, Expr, children, variables
from explain.reports import Graph

DTYPES = ("float64", "float32")


@dataclass(frozen=True, slots=True)
class AutogradRun:
    """What PyTorch computed: the output value, each x.grad, the grad_fn graph and the notes.

    `output` is a NumPy float64 array (0-d for a scalar); `gradients` holds one float64 array
    per name in `wrt`, in order (zeros where torch left x.grad = None, with a note).
    """

    output: Any
    gradients: tuple[tuple[str, Any], ...]
    graph: Graph
    notes: tuple[str, ...]


def run(
    expr: Expr,
    values: Mapping[str, Any],
    wrt: Sequence[str],
    *,
    dtype: str = "float64",
    source: str = "",
) -> AutogradRun:
    """Evaluate `expr` with torch in the order it was written, call backward, read x.grad.

    Every name in `wrt` becomes a leaf tensor with requires_grad=True; other variables are
    constants. A non-scalar output is backpropagated as y.backward(torch.ones_like(y)).
    """
    import torch

    if dtype not in DTYPES:
        raise UsageError(f"dtype must be float64 or float32, not {dtype!r}", label="--dtype")
    kind = getattr(torch, dtype)
    names = tuple(dict.fromkeys(wrt))
    arrays = {name: _array(name, value) for name, value in values.items()}
    missing = [name for name in names if name not in arrays]
    if missing:
        raise UsageError(f"no value given for {', '.join(missing)}", label="--at")
    with torch.enable_grad():
        leaves = {n: _tensor(torch, arrays[n], kind).requires_grad_() for n in names}
        constants = {n: _tensor(torch, a, kind) for n, a in arrays.items() if n not in leaves}
        forward = Forward(torch, kind, {**constants, **leaves}, source)
        output = forward.constant(forward.evaluate(expr))
        # Probe while the intermediate values exist, then keep only their shadows, so that
        # the backward pass does not run with every intermediate tensor still alive.
        finite = bool(torch.isfinite(output).all()) if hasattr(output, "isfinite") else True
        probed = probe_notes(torch, tuple(forward.records), output_finite=finite)
        records = tuple(lighten(r) for r in forward.records)
        forward.records.clear()
        said = _backward(torch, output)
    graph = build(Walk(records, leaves, constants, output, expr, source))
    gradients, leaf_notes = _gradients(expr, leaves)
    said = probed + said + leaf_notes + _non_finite(gradients)
    if dtype == "float32":
        said.append(
            "computed in float32: values and gradients carry about 7 significant digits "
            "(returned widened to float64)"
        )
    value = np.array(output.detach().to(torch.float64).numpy(), dtype=np.float64)
    return AutogradRun(value, gradients, graph, tuple(dict.fromkeys(said)))


def _tensor(torch: Any, array: Any, kind: Any) -> Any:
    """A float64 array shared with torch without a copy when it can be; a copy otherwise."""
    if kind == torch.float64 and array.flags.writeable and array.flags.c_contiguous:
        return torch.from_numpy(array)
    return torch.tensor(array, dtype=kind)


def _array(name: str, value: Any) -> Any:
    array = np.asarray(value, dtype=np.float64)
    if array.size > limits.MAX_TENSOR_ELEMENTS:
        raise LimitExceeded(f"{name} has {array.size:,} elements", label="--at")
    return array


def _backward(torch: Any, output: Any) -> list[str]:
    """output.backward(), or backward(ones_like) for a tensor output; notes on what was done."""
    if not output.requires_grad:
        return ["the output does not depend on any input that requires grad: no backward pass ran"]
    if output.ndim == 0:
        output.backward()
        return []
    output.backward(torch.ones_like(output))
    return [
        f"the output has shape {tuple(output.shape)}, not a scalar: gradients are those of "
        "sum(output), as y.backward(torch.ones_like(y))"
    ]


def _gradients(
    expr: Expr, leaves: Mapping[str, Any]
) -> tuple[tuple[tuple[str, Any], ...], list[str]]:
    used = set(variables(expr))
    detached = _has_detach(expr)
    pairs, said = [], []
    for name, leaf in leaves.items():
        if leaf.grad is not None:
            pairs.append((name, np.asarray(leaf.grad.detach().double().numpy(), dtype=np.float64)))
            continue
        pairs.append((name, np.zeros(tuple(leaf.shape), dtype=np.float64)))
        if name not in used:
            reason = "does not appear in the expression"
        elif detached:
            reason = "does not reach the output except through detach()"
        else:
            reason = "does not reach the output"
        said.append(f"{name} {reason}: its gradient is 0 (torch leaves {name}.grad = None)")
    return tuple(pairs), said


def _non_finite(gradients: tuple[tuple[str, Any], ...]) -> list[str]:
    said = []
    for name, grad in gradients:
        bad = ~np.isfinite(grad)
        if not bad.any():
            continue
        kinds = [k for k, m in (("nan", np.isnan(grad)), ("inf", np.isinf(grad))) if m.any()]
        where = "" if grad.size == 1 else f" at {int(bad.sum())} of {grad.size} elements"
        said.append(
            f"{name}.grad is {' and '.join(kinds)}{where}: torch gives no warning for "
            "non-finite gradients"
        )
    return said


def _has_detach(expr: Expr) -> bool:
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Call) and node.func == "detach":
            return True
        stack.extend(children(node))
    return False
