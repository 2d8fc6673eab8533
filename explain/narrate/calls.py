"""torch functions, run for real on checked arguments, each result remembered with its shadow."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from explain.errors import LimitExceeded, Unsupported
from explain.limits import MAX_CREATED_ELEMENTS, MAX_TOTAL_ELEMENTS
from explain.narrate import shadow, space
from explain.narrate.state import State

Tensor = Any

CREATE_KEYWORDS = frozenset({"requires_grad", "dtype"})
"""Keywords every tensor-creating function accepts here."""


def check_size(state: State, count: int) -> None:
    """Refuse an operation that would make too many elements, before it runs."""
    if count > MAX_CREATED_ELEMENTS:
        raise LimitExceeded(
            f"a tensor of {count} elements is more than a narrated script may make "
            f"({MAX_CREATED_ELEMENTS})"
        )
    state.elements += count
    if state.elements > MAX_TOTAL_ELEMENTS:
        raise LimitExceeded(
            f"the script made more than {MAX_TOTAL_ELEMENTS} tensor elements in all"
        )


def _count(data: Any) -> int:
    if isinstance(data, list | tuple):
        return sum(_count(d) for d in data)
    return 1


def _shape(name: str, args: tuple[Any, ...]) -> tuple[int, ...]:
    dims = args[0] if len(args) == 1 and isinstance(args[0], list | tuple) else args
    if not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in dims):
        raise Unsupported(f"torch.{name}() takes whole-number sizes")
    return tuple(dims)


def create(state: State, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Tensor:
    """tensor / ones / zeros / full / arange / linspace / rand / randn / *_like: a new tensor."""
    import torch

    if set(kwargs) - CREATE_KEYWORDS:
        raise Unsupported(f"torch.{name}() takes only requires_grad= and dtype= here")
    fn = getattr(torch, name)
    if name == "tensor":
        if len(args) != 1:
            raise Unsupported("torch.tensor() takes one data argument")
        check_size(state, _count(args[0]))
        return fn(*args, **kwargs)
    if name.endswith("_like"):
        if not args or not isinstance(args[0], torch.Tensor):
            raise Unsupported(f"torch.{name}() takes a tensor first")
        check_size(state, args[0].numel())
        return fn(*args, **kwargs)
    if name in ("arange", "linspace"):
        check_size(state, _range_count(name, args))
        return fn(*args, **kwargs)
    if name == "full":
        if len(args) != 2:
            raise Unsupported("torch.full() takes a size and a value")
        shape = _shape(name, (args[0],))
        check_size(state, math.prod(shape))
        return fn(shape, args[1], **kwargs)
    shape = _shape(name, args)
    check_size(state, math.prod(shape))
    return fn(shape, **kwargs)


def _range_count(name: str, args: tuple[Any, ...]) -> int:
    if not all(isinstance(a, int | float) and not isinstance(a, bool) for a in args):
        raise Unsupported(f"torch.{name}() takes numbers here")
    if name == "linspace":
        if len(args) != 3 or not isinstance(args[2], int):
            raise Unsupported("torch.linspace() takes start, end and a whole number of steps")
        return max(int(args[2]), 0)
    if not 1 <= len(args) <= 3:
        raise Unsupported("torch.arange() takes end, or start, end[, step]")
    start, end, step = (0, args[0], 1) if len(args) == 1 else (*args, 1)[:3]
    if step == 0 or not all(math.isfinite(v) for v in (start, end, step)):
        raise Unsupported("torch.arange() needs a finite, non-zero step")
    count: int = math.ceil((end - start) / step)
    return max(count, 0)


def unary(state: State, name: str, tensor: Tensor) -> Tensor:
    """torch.exp / sin / ... / sum / mean of one tensor (or the method form)."""
    import torch

    if not isinstance(tensor, torch.Tensor):
        raise Unsupported(f"torch.{name}() takes a tensor here")
    check_size(state, tensor.numel())
    result = getattr(torch, name)(tensor)
    record(state, result, shadow.apply(name, state.shadow_of(tensor)))
    return result


def binary(state: State, name: str, left: Any, right: Any) -> Tensor:
    """matmul / mm / dot / pow / maximum / minimum / mul / add / sub / div."""
    import torch

    if not isinstance(left, torch.Tensor):
        raise Unsupported(f"torch.{name}() takes a tensor first")
    operand = right if isinstance(right, torch.Tensor) else torch.as_tensor(right)
    if name in ("matmul", "mm", "dot"):
        check_size(state, _matmul_size(left.shape, operand.shape))
        result = getattr(torch, name)(left, right)
        shade = shadow.matmul(state.shadow_of(left), state.shadow_of(right))
        record(state, result, shade)
        return result
    check_size(state, math.prod(np.broadcast_shapes(tuple(left.shape), tuple(operand.shape))))
    result = getattr(torch, name)(left, right)
    op = shadow.OPERATORS.get(name)
    shade = None if op is None else shadow.binary(op, state.shadow_of(left), state.shadow_of(right))
    record(state, result, shade)
    return result


def _matmul_size(a: Any, b: Any) -> int:
    """Elements of a @ b (worst case, before checking that the shapes fit)."""
    rows = math.prod(tuple(a)[:-1]) if len(a) > 1 else 1
    cols = tuple(b)[-1] if len(b) > 1 else 1
    batch = math.prod(tuple(b)[:-2]) if len(b) > 2 else 1
    return rows * cols * batch


def stack(state: State, tensors: Any, kwargs: dict[str, Any]) -> Tensor:
    """torch.stack([a, b, ...], dim=0)."""
    import torch

    if set(kwargs) - {"dim"} or not isinstance(tensors, list | tuple):
        raise Unsupported("torch.stack() takes a list of tensors and dim= here")
    if not all(isinstance(t, torch.Tensor) for t in tensors):
        raise Unsupported("torch.stack() takes a list of tensors here")
    check_size(state, sum(t.numel() for t in tensors))
    dim = kwargs.get("dim", 0)
    result = torch.stack(list(tensors), dim=dim)
    shades = [state.shadow_of(t) for t in tensors]
    ok = all(s is not None for s in shades) and isinstance(dim, int)
    record(state, result, np.stack(shades, axis=dim) if ok else None)  # type: ignore[arg-type]
    return result


def clamp(state: State, tensor: Tensor, kwargs: dict[str, Any]) -> Tensor:
    """torch.clamp(t, min=, max=): numbers only (its kink convention differs from SymPy's)."""
    import torch

    if not isinstance(tensor, torch.Tensor) or set(kwargs) - {"min", "max"}:
        raise Unsupported("torch.clamp() takes a tensor and min=/max= here")
    result = torch.clamp(tensor, **kwargs)
    record(state, result, None)
    return result


def record(state: State, result: Tensor, shade: Any) -> None:
    """Remember an operation's result: tracked results keep their formula, others stop."""
    if result.grad_fn is not None:
        state.ops.append(type(result.grad_fn).__name__)
    else:
        shade = shadow.stop_gradient(shade)
    state.remember(result, shade, "op")


def member_call(
    state: State, member: space.Member, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """torch.<name>(...) for the functions that are not creation, grad modes or nn/optim."""
    import torch

    name = member.name
    if name in space.UNARY or name in space.REDUCTIONS:
        if len(args) != 1 or kwargs:
            raise Unsupported(f"torch.{name}() takes one tensor here")
        return unary(state, name, args[0])
    if name in space.BINARY:
        if len(args) != 2 or kwargs:
            raise Unsupported(f"torch.{name}() takes two arguments here")
        return binary(state, name, *args)
    if name == "stack":
        return stack(state, args[0] if args else None, kwargs)
    if name == "clamp":
        return clamp(state, args[0] if args else None, kwargs)
    if name == "manual_seed":
        if len(args) != 1 or not isinstance(args[0], int) or kwargs:
            raise Unsupported("torch.manual_seed() takes one whole number")
        return torch.manual_seed(args[0])
    if name == "is_grad_enabled":
        return torch.is_grad_enabled()
    raise Unsupported(f"torch.{name}() is not narrated")
