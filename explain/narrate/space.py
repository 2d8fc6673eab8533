"""The names a script reaches through torch, nn, optim, F and np: an allow-list, never the modules.

Each namespace is a stand-in: `torch.exp` resolves to `Function("exp")`, which the interpreter
runs on real tensors; `torch.os` or `torch.load` resolve to nothing and are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

UNARY = frozenset(
    {"exp", "sin", "cos", "tan", "log", "sqrt", "abs", "relu", "sigmoid", "tanh", "square"}
)
"""Elementwise functions of one tensor (torch.<f>(t) and t.<f>())."""

REDUCTIONS = frozenset({"sum", "mean"})
"""Reductions of a whole tensor to one number."""

BINARY = frozenset({"matmul", "mm", "dot", "pow", "maximum", "minimum", "mul", "add", "sub", "div"})
"""Functions of two tensors (or a tensor and a number)."""

CREATE = frozenset(
    {"tensor", "ones", "zeros", "full", "arange", "linspace", "rand", "randn"}
    | {"ones_like", "zeros_like", "full_like", "rand_like", "randn_like"}
)
"""Functions that make a new tensor."""

GRAD_MODES = frozenset({"no_grad", "enable_grad", "inference_mode", "set_grad_enabled"})
"""torch.<mode>(...) context managers a `with` may enter."""

DTYPES = frozenset({"float32", "float64", "float", "double", "float16", "int64", "long", "int32"})
"""torch.<dtype> names (for dtype=)."""

TORCH = UNARY | REDUCTIONS | BINARY | CREATE | GRAD_MODES | DTYPES | {
    "manual_seed", "is_grad_enabled", "stack", "clamp", "autograd", "nn", "optim",
}  # fmt: skip
"""Members of `torch`."""

NAMESPACES: dict[str, frozenset[str]] = {
    "torch": TORCH,
    "torch.autograd": frozenset({"grad"}),
    "nn": frozenset(
        {"Linear", "Sequential", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "BCELoss", "MSELoss"}
        | {"Parameter", "functional"}
    ),
    "optim": frozenset({"SGD", "Adam"}),
    "F": frozenset({"relu", "sigmoid", "tanh", "leaky_relu", "mse_loss", "binary_cross_entropy"}),
    "np": frozenset(),
}
"""Each namespace and the members a script may use."""

SUBSPACES = {("torch", "autograd"): "torch.autograd", ("torch", "nn"): "nn",
             ("torch", "optim"): "optim", ("nn", "functional"): "F"}  # fmt: skip
"""Members that are themselves namespaces."""

MEMBERS = frozenset().union(*NAMESPACES.values())
"""Every name reachable through a namespace."""

TENSOR_METHODS = (
    UNARY | REDUCTIONS | {"pow", "matmul", "max", "min"}
    | {"backward", "detach", "detach_", "clone", "zero_", "item", "requires_grad_", "retain_grad"}
    | {"numpy", "tolist", "double", "float", "size", "dim", "numel", "reshape", "view", "t"}
    | {"is_inference", "add_", "sub_", "mul_", "div_", "fill_"}
)  # fmt: skip
"""Methods a script may call on a tensor."""

TENSOR_ATTRIBUTES = frozenset(
    {"grad", "grad_fn", "requires_grad", "is_leaf", "shape", "dtype", "data", "T"}
)
"""Attributes a script may read from a tensor."""

OBJECT_MEMBERS = frozenset(
    {"next_functions", "name", "append", "parameters", "zero_grad", "step", "weight", "bias"}
)
"""Members of the other objects a script holds: grad_fn nodes, lists, modules, optimizers."""


@dataclass(frozen=True, slots=True)
class Namespace:
    """An allow-listed stand-in for an imported module (`torch`, `nn`, `optim`, `F`, `np`)."""

    name: str


@dataclass(frozen=True, slots=True)
class Member:
    """namespace.<name>: something the script may call (never the real attribute)."""

    space: str
    name: str


def resolve(space: Namespace, attr: str) -> Namespace | Member | None:
    """space.<attr> as a stand-in, or None when it is not allowed."""
    if attr not in NAMESPACES.get(space.name, frozenset()):
        return None
    sub = SUBSPACES.get((space.name, attr))
    return Namespace(sub) if sub else Member(space.name, attr)
