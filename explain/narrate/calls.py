"""torch functions and tensor methods, run for real, with their shadows and events."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from explain.errors import LimitExceeded, Unsupported
from explain.events import Backward, GradChange
from explain.narrate import shadow
from explain.narrate.state import State

MAX_CREATED_ELEMENTS = 1_000_000
"""Most elements one tensor creation or one broadcast operation may produce (checked first)."""

Tensor = Any

REDUCTIONS_AND_FUNCTIONS = frozenset(shadow.FUNCTIONS) | {"sum", "mean"}


@dataclass(frozen=True, slots=True)
class TorchFunction:
    """torch.<name>, as the script may call it (never the real attribute)."""

    name: str


@dataclass(frozen=True, slots=True)
class Method:
    """tensor.<name>, bound to a tensor."""

    tensor: Tensor
    name: str


def check_size(count: int) -> None:
    if count > MAX_CREATED_ELEMENTS:
        raise LimitExceeded(
            f"a tensor of {count} elements is more than a narrated script may make "
            f"({MAX_CREATED_ELEMENTS})"
        )


def _count(data: Any) -> int:
    if isinstance(data, list | tuple):
        return sum(_count(d) for d in data)
    return 1


def _shape(args: tuple[Any, ...]) -> tuple[int, ...]:
    dims = args[0] if len(args) == 1 and isinstance(args[0], list | tuple) else args
    if not all(isinstance(d, int) and not isinstance(d, bool) for d in dims):
        raise Unsupported("torch.ones/zeros take whole-number sizes")
    return tuple(dims)


def create(state: State, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Tensor:
    """torch.tensor / ones / zeros: a new leaf (element symbols named after `hint`)."""
    import torch

    if set(kwargs) - {"requires_grad", "dtype"}:
        raise Unsupported(f"torch.{name}() takes only requires_grad= and dtype= here")
    if name == "tensor":
        if len(args) != 1:
            raise Unsupported("torch.tensor() takes one data argument")
        check_size(_count(args[0]))
        return torch.tensor(args[0], **kwargs)
    shape = _shape(args)
    check_size(math.prod(shape))
    return getattr(torch, name)(shape, **kwargs)


def function(state: State, name: str, tensor: Tensor) -> Tensor:
    """torch.sum / mean / exp ... of one tensor (or the method form)."""
    import torch

    if not isinstance(tensor, torch.Tensor):
        raise Unsupported(f"torch.{name}() takes a tensor here")
    result = getattr(torch, name)(tensor)
    shade = shadow.apply(name, state.shadow_of(tensor))
    record(state, result, shade)
    return result


def record(state: State, result: Tensor, shade: Any) -> None:
    """Remember an operation's result: tracked results keep their formula, others stop."""
    if result.grad_fn is not None:
        state.ops.append(type(result.grad_fn).__name__)
    else:
        shade = shadow.stop_gradient(shade)
    state.remember(result, shade, "op")


def backward(
    state: State, target: Tensor, kwargs: dict[str, Any], where: tuple[int, str, str]
) -> Backward:
    """target.backward(): run it, then say what each leaf's .grad received and why.

    A hook on every leaf catches the gradient torch accumulates, so `added` is torch's own
    increment (not after - before, which float32 rounding would blur) and leaves outside the
    graph are left out.
    """
    if set(kwargs) - {"gradient", "retain_graph"}:
        raise Unsupported("backward() takes only gradient= and retain_graph= here")
    before = {n: _copy(leaf.grad) for n, leaf in state.leaves.items()}
    added: dict[str, Any] = {}
    hooks = [
        leaf.register_hook(_catch(added, n))
        for n, leaf in state.leaves.items()
        if leaf.requires_grad
    ]
    try:
        target.backward(**kwargs)
    finally:
        for hook in hooks:
            hook.remove()
    scalar = _scalar(state, target, kwargs.get("gradient"))
    grads, notes = [], []
    for name, leaf in state.leaves.items():
        if name not in added:
            continue  # not in this graph: torch left its .grad alone
        change = GradChange(name, before[name], added[name], _copy(leaf.grad), None)
        change, note = _formula(state, change, leaf, scalar)
        grads.append(change)
        notes.extend(note)
    line, source, name = where
    return Backward(line, source, name, tuple(grads), tuple(notes))


def _catch(into: dict[str, Any], name: str) -> Any:
    def hook(grad: Tensor) -> None:
        into[name] = _copy(grad)

    return hook


def _scalar(state: State, target: Tensor, weights: Tensor | None) -> Any:
    """The target's shadow summed (weighted by gradient=), or None if it has no shadow."""
    target_shadow = state.shadow_of(target)
    if target_shadow is None:
        return None
    w = None if weights is None else state.shadow_of(weights)
    return shadow.total(target_shadow, w)


def _copy(grad: Tensor | None) -> Any:
    return None if grad is None else grad.detach().double().numpy().copy()


def _formula(
    state: State, change: GradChange, leaf: Tensor, scalar: Any
) -> tuple[GradChange, list[str]]:
    """The change with its formula and exact values, plus a note if they disagree with torch."""
    if scalar is None or leaf.numel() > shadow.MAX_SHADOW_ELEMENTS:
        return change, []
    from explain.elements import element_symbols

    name = change.tensor
    grads = shadow.gradient(scalar, element_symbols(name, tuple(leaf.shape)))
    formula = shadow.generic_formula(grads, state.shapes)
    exact = shadow.evaluate(shadow.torch_kinks(grads), state.env())
    rtol = 1e-9 if leaf.dtype == _float64() else 1e-5
    notes = []
    if not np.allclose(exact, change.added, rtol=rtol, atol=rtol, equal_nan=True):
        notes.append(f"narrator's formula disagrees with torch for {name}.grad")
    return replace(change, formula=formula, exact=exact), notes


def _float64() -> Any:
    import torch

    return torch.float64
