"""Attributes and calls: what `a.b` and `f(...)` mean for each kind of value a script holds."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from explain.errors import Unsupported
from explain.events import Printed
from explain.narrate import calls, exprs, grads, modules, shadow, space

if TYPE_CHECKING:
    from explain.narrate.run import _Run


@dataclass(frozen=True, slots=True)
class Method:
    """tensor.<name>, bound to a tensor."""

    tensor: Any
    name: str


@dataclass(frozen=True, slots=True)
class Bound:
    """<object>.<name> for the other objects: list.append, model.parameters, optimizer.step."""

    owner: Any
    name: str


def attribute(run: _Run, node: ast.Attribute) -> Any:
    """node.value.<attr> for every kind of owner, or a one-line refusal."""
    import torch

    owner, attr = exprs.evaluate(run, node.value), node.attr
    if isinstance(owner, space.Namespace):
        found = space.resolve(owner, attr)
        if found is None:
            raise Unsupported(f"line {run.line}: {owner.name}.{attr} is not narrated")
        if isinstance(found, space.Member) and found.space == "torch" and attr in space.DTYPES:
            return getattr(torch, attr)  # a dtype is a plain value
        return found
    if isinstance(owner, torch.Tensor):
        return _tensor_attribute(run, node, owner, attr)
    allowed = _OBJECT_MEMBERS.get(_kind(owner), frozenset())
    if attr not in allowed:
        raise Unsupported(f"line {run.line}: .{attr} is not narrated on {type(owner).__name__}")
    if attr == "next_functions":
        return owner.next_functions
    if attr in ("weight", "bias"):
        return getattr(owner.real, attr)
    return Bound(owner, attr)


_OBJECT_MEMBERS = {
    "list": frozenset({"append"}),
    "module": frozenset({"parameters", "zero_grad", "weight", "bias"}),
    "optimizer": frozenset({"step", "zero_grad"}),
    "node": frozenset({"next_functions", "name"}),
}


def _kind(owner: Any) -> str:
    import torch

    if isinstance(owner, list):
        return "list"
    if isinstance(owner, modules.Module):
        return "module"
    if isinstance(owner, modules.Optimizer):
        return "optimizer"
    if isinstance(owner, torch.autograd.graph.Node):
        return "node"
    return ""


def _tensor_attribute(run: _Run, node: ast.Attribute, owner: Any, attr: str) -> Any:
    if attr in space.TENSOR_METHODS:
        return Method(owner, attr)
    if attr not in space.TENSOR_ATTRIBUTES:
        raise Unsupported(f"line {run.line}: .{attr} is not a tensor attribute here")
    value = getattr(owner, attr)
    state = run.state
    if attr == "data":
        of = ast.get_source_segment(run.source, node.value) or ""
        state.remember(value, shadow.stop_gradient(state.shadow_of(owner)), "data", of)
    elif attr == "T":
        calls.record(state, value, shadow.reshape(state.shadow_of(owner), lambda a: a.T))
    return value


def call(run: _Run, node: ast.Call, hint: str | None) -> Any:
    """f(...), for the script's own functions, built-ins, torch members, methods and modules."""
    from explain.narrate import methods
    from explain.narrate.run import Function

    args = tuple(exprs.evaluate(run, a) for a in node.args)
    kwargs = {k.arg: exprs.evaluate(run, k.value) for k in node.keywords if k.arg}
    if isinstance(node.func, ast.Name):
        name = node.func.id
        bound = any(name in scope for scope in (run.scopes[-1], run.globals))
        if not bound:
            return exprs.builtin(run, name, args, kwargs)
    func = exprs.evaluate(run, node.func)
    if isinstance(func, Function):
        return run.call_function(func, args)
    if isinstance(func, modules.Module):
        if kwargs:
            raise Unsupported(f"line {run.line}: a module is called without keywords here")
        return modules.forward(run.state, func, args)
    if isinstance(func, space.Member):
        return _member(run, node, func, args, kwargs, hint)
    if isinstance(func, Method):
        return methods.call(run, node, func, args, kwargs)
    if isinstance(func, Bound):
        return _bound(run, func, args, kwargs)
    raise TypeError(f"'{type(func).__name__}' object is not callable")


def _member(
    run: _Run, node: ast.Call, member: space.Member, args: tuple[Any, ...],
    kwargs: dict[str, Any], hint: str | None,
) -> Any:  # fmt: skip
    name, state = member.name, run.state
    if member.space == "torch" and name in space.CREATE:
        tensor = calls.create(state, name, args, kwargs)
        return _new_leaf(run, tensor, hint)
    if member.space == "torch" and name in space.GRAD_MODES:
        return _grad_mode(run, name, args, kwargs)
    if member.space == "torch.autograd":
        target = ast.get_source_segment(run.source, node.args[0]) if node.args else ""
        results, event = grads.autograd_grad(
            state, args, kwargs, (run.line, run.text, target or "")
        )
        run.emit(event)
        return results
    if member.space == "nn" and name == "Parameter":
        return _parameter(run, args, kwargs, hint)
    if member.space == "nn":
        return modules.make_module(state, name, args, kwargs)
    if member.space == "optim":
        return modules.make_optimizer(name, args, kwargs)
    if member.space == "F":
        return modules.functional(state, name, args, kwargs)
    if name in space.DTYPES:
        raise TypeError(f"'torch.{name}' is a dtype, not a function")
    return calls.member_call(state, member, args, kwargs)


def _new_leaf(run: _Run, tensor: Any, hint: str | None) -> Any:
    """A created tensor: named after the assignment (or a leaf): symbols; else constants."""
    state = run.state
    named = hint is not None or tensor.requires_grad
    values = tensor.detach().double().numpy()
    shade = state.symbols_for(tensor, hint) if named else shadow.constant(values)
    state.remember(tensor, shade, "created")
    return tensor


def _parameter(run: _Run, args: tuple[Any, ...], kwargs: dict[str, Any], hint: str | None) -> Any:
    import torch

    if len(args) != 1 or not isinstance(args[0], torch.Tensor) or set(kwargs) - {"requires_grad"}:
        raise Unsupported(f"line {run.line}: nn.Parameter() takes one tensor here")
    return _new_leaf(run, torch.nn.Parameter(args[0], **kwargs), hint)


def _grad_mode(run: _Run, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if name == "set_grad_enabled":
        if len(args) != 1 or not isinstance(args[0], bool) or kwargs:
            raise Unsupported(f"line {run.line}: torch.set_grad_enabled() takes True or False")
        return exprs.GradModeCall(name, args[0])
    if args or kwargs:
        raise Unsupported(f"line {run.line}: torch.{name}() takes no arguments here")
    return exprs.GradModeCall(name)


def _bound(run: _Run, bound: Bound, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    owner, name, where = bound.owner, bound.name, (run.line, run.text)
    if name == "append":
        if len(args) != 1 or kwargs:
            raise TypeError("append() takes exactly one argument")
        exprs.append(owner, args[0])
        return None
    if name == "name":
        return owner.name()
    if args or (kwargs and name != "zero_grad"):
        raise Unsupported(f"line {run.line}: .{name}() takes no arguments here")
    if name == "parameters":
        return [p for _, p in owner.real.named_parameters()]
    if name == "step":
        for event in modules.step(run.state, owner, where):
            run.emit(event)
        return None
    params = owner.params if isinstance(owner, modules.Optimizer) else list(owner.real.parameters())
    for cleared in modules.zero_grad(run.state, params, owner.real, kwargs, where):
        run.emit(cleared)
    return None


def print_(run: _Run, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if set(kwargs) - {"sep", "end"} or not all(isinstance(v, str) for v in kwargs.values()):
        raise Unsupported(f"line {run.line}: print() takes only sep= and end= strings here")
    text = kwargs.get("sep", " ").join(str(a) for a in args) + kwargs.get("end", "\n")
    run.stdout.append(text)
    run.emit(Printed(run.line, run.text, text))
