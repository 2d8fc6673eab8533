"""Tensor methods a script may call: each runs for real and says what it did."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from explain.errors import Unsupported
from explain.events import GradCleared, GradRetained
from explain.narrate import calls, exprs, grads, shadow, space

if TYPE_CHECKING:
    from explain.narrate.members import Method
    from explain.narrate.run import _Run

QUERIES = frozenset({"item", "numpy", "tolist", "size", "dim", "numel", "is_inference"})
"""Methods that only read a tensor."""

IN_PLACE_METHODS = frozenset({"add_", "sub_", "mul_", "div_", "fill_"})


def call(
    run: _Run, node: ast.Call, method: Method, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """tensor.<name>(*args, **kwargs) for the allow-listed methods."""
    tensor, name, state = method.tensor, method.name, run.state
    if name == "backward":
        if args:
            raise Unsupported(f"line {run.line}: pass backward()'s arguments by keyword")
        target = ast.get_source_segment(run.source, node.func) or ""
        where = (run.line, run.text, target.removesuffix(".backward"))
        run.emit(grads.backward(state, tensor, kwargs, where))
        return None
    if name in IN_PLACE_METHODS:
        return _in_place(run, tensor, name, args, kwargs)
    if name in ("pow", "matmul"):
        if len(args) != 1 or kwargs:
            raise Unsupported(f"line {run.line}: .{name}() takes one argument here")
        return calls.binary(state, name, tensor, args[0])
    if name in ("reshape", "view"):
        return _reshape(run, tensor, name, args, kwargs)
    if args or (kwargs and name != "requires_grad_"):
        raise Unsupported(f"line {run.line}: .{name}() takes no arguments here")
    if name == "requires_grad_":
        return _requires_grad(run, tensor, kwargs)
    return _plain(run, node, tensor, name)


def _plain(run: _Run, node: ast.Call, tensor: Any, name: str) -> Any:
    """The methods called without arguments."""
    state = run.state
    if name in space.UNARY or name in space.REDUCTIONS:
        return calls.unary(state, name, tensor)
    if name in ("max", "min"):
        result = getattr(tensor, name)()
        calls.record(state, result, None)  # ties split the gradient: numbers only
        return result
    if name in ("detach", "clone", "double", "float", "t"):
        return _copy_like(run, node, tensor, name)
    if name == "detach_":
        tensor.detach_()
        state.remember(tensor, shadow.stop_gradient(state.shadow_of(tensor)), "op")
        return tensor
    if name == "zero_":
        return _zero(run, tensor)
    if name == "retain_grad":
        return _retain_grad(run, tensor)
    if name in QUERIES:
        return getattr(tensor, name)()
    raise Unsupported(f"line {run.line}: .{name}() is not narrated")


def _retain_grad(run: _Run, tensor: Any) -> None:
    tensor.retain_grad()
    if not tensor.is_leaf:
        label = run.state.name_of(tensor) or "tensor"
        run.state.retained[label] = tensor
        run.emit(GradRetained(run.line, run.text, label))


def _copy_like(run: _Run, node: ast.Call, tensor: Any, name: str) -> Any:
    """detach() (a constant), clone() / double() / float() / t() (recorded operations)."""
    state = run.state
    result = getattr(tensor, name)()
    if name == "detach":
        of = (ast.get_source_segment(run.source, node.func) or "").removesuffix(".detach")
        state.remember(result, shadow.stop_gradient(state.shadow_of(tensor)), "detached", of)
    elif name == "t":
        calls.record(state, result, shadow.reshape(state.shadow_of(tensor), lambda a: a.T))
    else:
        calls.record(state, result, state.shadow_of(tensor))
    return result


def _reshape(
    run: _Run, tensor: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    dims = args[0] if len(args) == 1 and isinstance(args[0], tuple | list) else args
    if kwargs or not all(isinstance(d, int) and not isinstance(d, bool) for d in dims):
        raise Unsupported(f"line {run.line}: .{name}() takes whole-number sizes here")
    result = getattr(tensor, name)(*dims)
    shade = shadow.reshape(run.state.shadow_of(tensor), lambda a: a.reshape(tuple(result.shape)))
    calls.record(run.state, result, shade)
    return result


def _in_place(
    run: _Run, tensor: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """x.add_(1) and friends: torch refuses it on a leaf that requires grad (outside no_grad)."""
    if len(args) != 1 or kwargs:
        raise Unsupported(f"line {run.line}: .{name}() takes one argument here")
    state = run.state
    before_shadow = state.shadow_of(tensor)
    old, shares = grads.copy(tensor), exprs.shares_with(run, tensor)
    getattr(tensor, name)(args[0])
    leaf = state.leaf_name(tensor)
    if leaf is None:
        op = {"add_": "add", "sub_": "sub", "mul_": "mul", "div_": "div"}.get(name)
        operator = shadow.OPERATORS.get(op or "")
        right = state.shadow_of(args[0])
        shade = None if operator is None else shadow.binary(operator, before_shadow, right)
        calls.record(state, tensor, shade)  # a non-leaf's new op and formula
    run.emit(exprs.updated(run, tensor, leaf or state.name_of(tensor) or "tensor", old, shares))
    return tensor


def _zero(run: _Run, tensor: Any) -> Any:
    owner = next((n for n, leaf in run.state.leaves.items() if leaf.grad is tensor), None)
    tensor.zero_()
    if owner is not None:
        run.emit(GradCleared(run.line, run.text, owner, "zero_()"))
    else:
        run.state.remember(tensor, shadow.constant(tensor.detach().double().numpy()), "op")
    return tensor


def _requires_grad(run: _Run, tensor: Any, kwargs: dict[str, Any]) -> Any:
    tensor.requires_grad_(**kwargs)
    if tensor.requires_grad and tensor.is_leaf and run.state.leaf_name(tensor) is None:
        hint = next((n for n, v in run.env.items() if v is tensor), None)
        run.state.remember(tensor, run.state.symbols_for(tensor, hint), "created")
    return tensor
