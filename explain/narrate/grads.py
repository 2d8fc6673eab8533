"""backward() and torch.autograd.grad, run for real: what each leaf received, with its formula."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from explain.errors import Unsupported
from explain.events import Backward, GradChange, GradReturned, Untouched
from explain.narrate import shadow
from explain.narrate.state import State

Tensor = Any
Where = tuple[int, str, str]  # line, statement, the target as written


def backward(state: State, target: Tensor, kwargs: dict[str, Any], where: Where) -> Backward:
    """target.backward(): run it, then say what each leaf's .grad received and why.

    A hook on every leaf catches the gradient torch accumulates, so `added` is torch's own
    increment (not after - before, which float32 rounding would blur) and leaves outside the
    graph are left out.
    """
    if set(kwargs) - {"gradient", "retain_graph", "create_graph"}:
        raise Unsupported("backward() takes only gradient=, retain_graph= and create_graph= here")
    watched = {**state.leaves, **state.retained}
    before = {n: copy(t.grad) for n, t in watched.items()}
    added: dict[str, Any] = {}
    hooks = [t.register_hook(_catch(added, n)) for n, t in watched.items() if t.requires_grad]
    try:
        target.backward(**kwargs)
    finally:
        for hook in hooks:
            hook.remove()
    scalar = _scalar(state, target, kwargs.get("gradient"))
    grads, notes = [], []
    if scalar is None and state.shadow_of(target) is not None:
        notes.append("the formula behind this backward is too large to derive symbolically: "
                     "torch's numbers are shown")  # fmt: skip
    for name, tensor in watched.items():
        if name not in added:
            continue  # not in this graph: torch left its .grad alone
        change = GradChange(name, before[name], added[name], copy(tensor.grad), None)
        if name not in state.leaves:  # a retained non-leaf: numbers only
            grads.append(change)
            continue
        change, note = _formula(state, change, tensor, scalar)
        grads.append(change)
        notes.extend(note)
    line, source, name = where
    untouched = _untouched(state, added, scalar, name)
    return Backward(line, source, name, tuple(grads), tuple(notes), untouched)


def _untouched(
    state: State, added: dict[str, Any], scalar: Any, target: str
) -> tuple[Untouched, ...]:
    """Leaves outside this graph, and named constants the target was computed from."""
    out = [
        Untouched(n, f"{target} was not computed from it, so its .grad is left as it was")
        for n, leaf in state.leaves.items()
        if n not in added and leaf.requires_grad and n not in state.owners
    ]
    used = {str(s).split("[")[0] for s in getattr(scalar, "free_symbols", ())}
    constants = [n for n in state.shapes if n in used and n not in state.leaves]
    fresh = [n for n in constants if n not in state.said_constant]  # said once per narration
    state.said_constant.update(fresh)
    out += [Untouched(n, "requires_grad=False, so autograd treats it as a constant") for n in fresh]
    return tuple(out)


def autograd_grad(
    state: State, args: tuple[Any, ...], kwargs: dict[str, Any], where: Where
) -> tuple[tuple[Tensor, ...], GradReturned]:
    """torch.autograd.grad(outputs, inputs, ...): the gradients returned, .grad untouched."""
    import torch

    allowed = {"outputs", "inputs", "grad_outputs", "retain_graph", "create_graph"}
    if set(kwargs) - allowed or len(args) > 2:
        raise Unsupported("torch.autograd.grad() takes outputs, inputs, grad_outputs=, "
                          "retain_graph= and create_graph= here")  # fmt: skip
    call = dict(zip(("outputs", "inputs"), args, strict=False)) | kwargs
    outputs, inputs = call.get("outputs"), call.get("inputs")
    if not all(isinstance(t, torch.Tensor) for t in _listed(outputs)):
        raise Unsupported("torch.autograd.grad() needs a tensor or a list of tensors as outputs")
    listed: list[Any] = list(inputs) if isinstance(inputs, list | tuple) else [inputs]
    if not listed or not all(isinstance(t, torch.Tensor) for t in listed):
        raise Unsupported("torch.autograd.grad() needs a tensor or a list of tensors as inputs")
    results = torch.autograd.grad(**call)
    scalar = _scalar(state, call.get("outputs"), call.get("grad_outputs"))
    grads = []
    for tensor, result in zip(listed, results, strict=True):
        name = state.leaf_name(tensor) or state.name_of(tensor) or "input"
        value = copy(result)
        change = GradChange(name, copy(tensor.grad), value, copy(tensor.grad), None)
        if state.leaf_name(tensor) is not None:
            change, _ = _formula(state, change, tensor, scalar)
        state.remember(result, _second_order(state, tensor, scalar, result), "returned")
        grads.append(change)
    line, source, target = where
    event = GradReturned(line, source, target, tuple(grads), bool(call.get("create_graph")))
    return tuple(results), event


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _second_order(state: State, leaf: Tensor, scalar: Any, result: Tensor) -> Any:
    """With create_graph=True the returned gradient is a formula too (so it can be derived)."""
    name = state.leaf_name(leaf)
    if result.grad_fn is None or scalar is None or name is None:
        return shadow.constant(result.detach().double().numpy())
    from explain.elements import element_symbols

    return shadow.gradient(scalar, element_symbols(name, tuple(leaf.shape)))


def _catch(into: dict[str, Any], name: str) -> Any:
    def hook(grad: Tensor) -> None:
        into[name] = copy(grad)

    return hook


def _scalar(state: State, target: Tensor, weights: Tensor | None) -> Any:
    """The target's shadow summed (weighted by gradient=), or None if it has no shadow."""
    target_shadow = state.shadow_of(target)
    if target_shadow is None:
        return None
    w = None if weights is None else state.shadow_of(weights)
    if weights is not None and w is None:
        return None
    scalar = shadow.total(target_shadow, w)
    return scalar if shadow.small(scalar) else None


def copy(grad: Tensor | None) -> Any:
    """A float64 NumPy copy of a tensor (None stays None)."""
    return None if grad is None else grad.detach().double().numpy().copy()


def _formula(
    state: State, change: GradChange, leaf: Tensor, scalar: Any
) -> tuple[GradChange, list[str]]:
    """The change with its formula and exact values, plus a note if they disagree with torch."""
    if scalar is None or leaf.numel() > shadow.MAX_SHADOW_ELEMENTS:
        return change, []
    if not state.has_symbols(change.tensor):
        return change, []
    from explain.elements import element_symbols

    name = change.tensor
    symbols = element_symbols(name, tuple(leaf.shape))
    grads = shadow.gradient(scalar, symbols)
    formula = shadow.generic_formula(grads, state.shapes, scalar, symbols.ravel()[0])
    exact = shadow.evaluate(shadow.torch_kinks(grads), state.env())
    rtol = 1e-9 if leaf.dtype == _float64() else 1e-5
    notes = []
    if not np.allclose(exact, change.added, rtol=rtol, atol=rtol, equal_nan=True):
        notes.append(f"narrator's formula disagrees with torch for {name}.grad")
    return replace(change, formula=formula, exact=exact), notes


def _float64() -> Any:
    import torch

    return torch.float64
