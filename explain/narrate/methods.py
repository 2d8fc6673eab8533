"""Tensor methods a script may call: each runs for real and says what it did."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from explain.errors import Unsupported
from explain.events import GradCleared
from explain.narrate import calls, shadow

if TYPE_CHECKING:
    from explain.narrate.run import _Run


def call(
    run: _Run, node: ast.Call, method: calls.Method, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """tensor.<name>(*args, **kwargs) for the allow-listed methods."""
    tensor, name = method.tensor, method.name
    state = run.state
    if name == "backward":
        if args:
            raise Unsupported(f"line {run.line}: pass backward()'s arguments by keyword")
        target = ast.get_source_segment(run.source, node.func) or ""
        where = (run.line, run.text, target.removesuffix(".backward"))
        run.events.append(calls.backward(state, tensor, kwargs, where))
        return None
    if args or (kwargs and name != "requires_grad_"):
        raise Unsupported(f"line {run.line}: .{name}() takes no arguments here")
    if name in ("sum", "mean"):
        return calls.function(state, name, tensor)
    if name == "detach":
        result = tensor.detach()
        source = ast.get_source_segment(run.source, node.func) or ""
        of = source.removesuffix(".detach")
        state.remember(result, shadow.stop_gradient(state.shadow_of(tensor)), "detached", of)
        return result
    if name == "zero_":
        return _zero(run, tensor)
    if name == "requires_grad_":
        return _requires_grad(run, tensor, kwargs)
    return getattr(tensor, name)()  # item, retain_grad


def _zero(run: _Run, tensor: Any) -> Any:
    owner = next((n for n, leaf in run.state.leaves.items() if leaf.grad is tensor), None)
    tensor.zero_()
    if owner is not None:
        run.events.append(GradCleared(run.line, run.text, owner, "zero_()"))
    else:
        run.state.remember(tensor, shadow.constant(tensor.detach().double().numpy()), "op")
    return tensor


def _requires_grad(run: _Run, tensor: Any, kwargs: dict[str, Any]) -> Any:
    tensor.requires_grad_(**kwargs)
    if tensor.requires_grad and tensor.is_leaf and run.state.leaf_name(tensor) is None:
        hint = next((n for n, v in run.env.items() if v is tensor), None)
        run.state.remember(tensor, run.state.symbols_for(tensor, hint), "created")
    return tensor
