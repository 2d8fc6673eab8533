"""torch.nn modules, nn.functional losses and torch.optim optimizers a tutorial's loop needs.

Each is the real torch object behind a small stand-in: the script can call it and use the
allow-listed members (`parameters()`, `weight`, `step()`, `zero_grad()`), nothing else. Calling
a module runs it for real, layer by layer, and builds the same layers' shadow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from explain.errors import Unsupported
from explain.events import GradCleared, Updated
from explain.limits import MAX_SHADOW_PARAMETERS
from explain.narrate import calls, shadow
from explain.narrate.grads import copy
from explain.narrate.state import State

Tensor = Any

LAYERS = {"Linear": ("in_features", "out_features", "bias")}
ACTIVATIONS = {"ReLU": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "LeakyReLU": None}
LOSSES = {"MSELoss": "mse_loss", "BCELoss": "binary_cross_entropy"}
FUNCTIONAL = {"relu", "sigmoid", "tanh", "leaky_relu", "mse_loss", "binary_cross_entropy"}


@dataclass(eq=False)
class Module:
    """A torch.nn module the script made (`real`), and its children for Sequential."""

    real: Any
    kind: str
    children: tuple[Module, ...] = ()


@dataclass(eq=False)
class Optimizer:
    """A torch.optim optimizer over named leaves."""

    real: Any
    kind: str
    params: list[Tensor] = field(default_factory=list)


def make_module(state: State, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Module:
    """nn.<name>(...): a real module; only the arguments a tutorial uses are accepted."""
    import torch

    if name == "Sequential":
        if kwargs or not all(isinstance(a, Module) for a in args):
            raise Unsupported("nn.Sequential() takes modules here")
        kind = f"Sequential({', '.join(a.kind for a in args)})"
        return Module(torch.nn.Sequential(*(a.real for a in args)), kind, tuple(args))
    allowed = {
        "Linear": {"bias"}, "LeakyReLU": {"negative_slope"}, "MSELoss": {"reduction"},
        "BCELoss": {"reduction"},
    }.get(name, set())  # fmt: skip
    if set(kwargs) - allowed:
        raise Unsupported(f"nn.{name}() takes only {sorted(allowed) or 'no'} keywords here")
    if not all(isinstance(a, int | float) and not isinstance(a, bool) for a in args):
        raise Unsupported(f"nn.{name}() takes numbers here")
    if name == "Linear":
        calls.check_size(state, int(args[0]) * int(args[1]) if len(args) == 2 else 0)
    real = getattr(torch.nn, name)(*args, **kwargs)
    return Module(real, _describe(name, args, kwargs))


def _describe(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """The module as the script wrote it: Linear(2, 4), LeakyReLU(negative_slope=0.2)."""
    written = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(written)})"


def parameters(module: Module, prefix: str) -> list[tuple[str, Tensor]]:
    """The module's parameters named as the script would reach them (`model.0.weight`)."""
    return [(f"{prefix}.{n}", p) for n, p in module.real.named_parameters()]


def register(state: State, module: Module, prefix: str) -> list[tuple[str, Tensor]]:
    """Make the module's parameters known leaves (with symbols when the model is small)."""
    named = parameters(module, prefix)
    for name, _ in named:
        state.owners[name] = prefix
    small = sum(p.numel() for _, p in named) <= MAX_SHADOW_PARAMETERS
    for name, param in named:
        if state.leaf_name(param) is not None:
            continue
        if small:
            state.remember(param, state.symbols_for(param, name), "created")
        else:
            state.leaves[name] = param
            state.remember(param, None, "created")
    return named


def forward(state: State, module: Module, args: tuple[Any, ...]) -> Tensor:
    """module(x) (or loss(prediction, target)): run it, layer by layer, with shadows."""
    import torch

    if not args or not all(isinstance(a, torch.Tensor) for a in args):
        raise Unsupported("a module is called on tensors here")
    if module.children:
        (value,) = args
        for child in module.children:
            value = forward(state, child, (value,))
        return value
    real = module.real
    for a in args:
        calls.check_size(state, a.numel())
    result = real(*args)
    record_shadow(state, real, args, result)
    return result


def record_shadow(state: State, real: Any, args: tuple[Any, ...], result: Tensor) -> None:
    kind = type(real).__name__
    shades = [state.shadow_of(a) for a in args]
    shade = None
    if all(s is not None for s in shades):
        if kind == "Linear":
            shade = _linear(state, real, shades[0])
        elif (function := ACTIVATIONS.get(kind)) is not None:
            shade = shadow.apply(function, shades[0])
        elif kind in LOSSES and getattr(real, "reduction", "mean") == "mean":
            shade = loss(LOSSES[kind], shades[0], shades[1])
    calls.record(state, result, shade)


def _linear(state: State, real: Any, x: Any) -> Any:
    w = state.shadow_of(real.weight)
    b = None if real.bias is None else state.shadow_of(real.bias)
    if w is None or (real.bias is not None and b is None):
        return None
    out = np.matmul(x, w.T)
    return np.asarray(out if b is None else out + b, dtype=object)


def loss(name: str, prediction: Any, target: Any) -> Any:
    """mean((p - t)²) or mean(-(t log p + (1 - t) log(1 - p))), element formulas."""
    if prediction is None or target is None:
        return None
    if name == "mse_loss":
        terms = (prediction - target) ** 2
    else:
        terms = -(target * _map_log(prediction) + (1 - target) * _map_log(1 - prediction))
    flat = np.asarray(terms, dtype=object).ravel().tolist()
    return np.asarray(sympy.Add(*flat) / len(flat), dtype=object)


def _map_log(values: Any) -> Any:
    return shadow.apply("log", np.asarray(values, dtype=object))


def functional(state: State, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Tensor:
    """F.relu / sigmoid / tanh / leaky_relu / mse_loss / binary_cross_entropy."""
    import torch

    if kwargs and not (name == "leaky_relu" and set(kwargs) <= {"negative_slope"}):
        raise Unsupported(f"F.{name}() takes no keywords here")
    if not args or not all(isinstance(a, torch.Tensor) for a in args):
        raise Unsupported(f"F.{name}() takes tensors here")
    result = getattr(torch.nn.functional, name)(*args, **kwargs)
    shades = [state.shadow_of(a) for a in args]
    shade = None
    if name in ("relu", "sigmoid", "tanh"):
        shade = shadow.apply(name, shades[0])
    elif name in ("mse_loss", "binary_cross_entropy") and len(shades) == 2:
        shade = loss(name, *shades)
    calls.record(state, result, shade)
    return result


def make_optimizer(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Optimizer:
    """optim.SGD / Adam over a list of leaves (`model.parameters()` or `[w, b]`)."""
    import torch

    allowed = {"SGD": {"lr", "momentum", "weight_decay"}, "Adam": {"lr", "betas"}}[name]
    if set(kwargs) - allowed or len(args) != 1 or not isinstance(args[0], list | tuple):
        raise Unsupported(f"optim.{name}() takes a list of parameters and {sorted(allowed)} here")
    params = list(args[0])
    if not params or not all(isinstance(p, torch.Tensor) and p.is_leaf for p in params):
        raise Unsupported(f"optim.{name}() takes leaf tensors (model.parameters(), [w, b])")
    real = getattr(torch.optim, name)(params, **kwargs)
    options = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    return Optimizer(real, f"{name}({options})", params)


def step(state: State, opt: Optimizer, where: tuple[int, str]) -> list[Updated]:
    """optimizer.step(): every parameter with a gradient moves; say how and by how much."""
    before = [copy(p) for p in opt.params]
    opt.real.step()
    kind = opt.kind.split("(")[0]
    lr = opt.real.defaults["lr"]
    events = []
    for p, old in zip(opt.params, before, strict=True):
        if p.grad is None:
            continue
        name = state.leaf_name(p) or "parameter"
        rule = (
            f"SGD: {name} -= lr * {name}.grad, with lr = {lr:g}"
            if kind == "SGD" and not opt.real.defaults.get("momentum")
            else f"{kind} (lr = {lr:g}): {name} moves against its running averages of the gradient"
        )
        events.append(Updated(*where, name, rule, old, copy(p), True, None))
    return events


def zero_grad(
    state: State, params: list[Tensor], real: Any, kwargs: dict[str, Any], where: tuple[int, str]
) -> list[GradCleared]:
    """optimizer.zero_grad() / model.zero_grad(), run for real: which .grad went, and how."""
    if set(kwargs) - {"set_to_none"}:
        raise Unsupported("zero_grad() takes only set_to_none= here")
    had = [p for p in params if p.grad is not None]
    real.zero_grad(**kwargs)
    return [
        GradCleared(*where, state.leaf_name(p) or "parameter",
                    "zero_grad()" if p.grad is None else "zero_()")
        for p in had
    ]  # fmt: skip
