"""FUNCTIONS: each canonical function of explain as the torch code a person would write for it.

Functions torch lacks are built from their definitions (sec = 1/cos, cbrt = sign·|x|^(1/3)),
so the graph shows what that code really builds. `torch` is passed in: this module does not
import it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

Elementwise = Callable[[Any, Any], Any]
"""(torch, u) -> f(u) for a tensor u."""

ELEMENTWISE: dict[str, Elementwise] = {
    "sin": lambda t, u: t.sin(u),
    "cos": lambda t, u: t.cos(u),
    "tan": lambda t, u: t.tan(u),
    "sec": lambda t, u: 1 / t.cos(u),
    "csc": lambda t, u: 1 / t.sin(u),
    "cot": lambda t, u: 1 / t.tan(u),
    "asin": lambda t, u: t.asin(u),
    "acos": lambda t, u: t.acos(u),
    "atan": lambda t, u: t.atan(u),
    "asec": lambda t, u: t.acos(1 / u),
    "acsc": lambda t, u: t.asin(1 / u),
    "acot": lambda t, u: t.atan(1 / u),
    "sinh": lambda t, u: t.sinh(u),
    "cosh": lambda t, u: t.cosh(u),
    "tanh": lambda t, u: t.tanh(u),
    "sech": lambda t, u: 1 / t.cosh(u),
    "csch": lambda t, u: 1 / t.sinh(u),
    "coth": lambda t, u: 1 / t.tanh(u),
    "asinh": lambda t, u: t.asinh(u),
    "acosh": lambda t, u: t.acosh(u),
    "atanh": lambda t, u: t.atanh(u),
    "exp": lambda t, u: t.exp(u),
    "log": lambda t, u: t.log(u),
    "log10": lambda t, u: t.log10(u),
    "log2": lambda t, u: t.log2(u),
    "sqrt": lambda t, u: t.sqrt(u),
    "cbrt": lambda t, u: t.sign(u) * t.abs(u) ** (1 / 3),
    "abs": lambda t, u: t.abs(u),
    "sign": lambda t, u: t.sign(u),
    "relu": lambda t, u: t.relu(u),
    "sigmoid": lambda t, u: t.sigmoid(u),
    "erf": lambda t, u: t.erf(u),
}
"""One-argument functions applied element by element."""


def log_base(torch: Any, u: Any, base: Any) -> Any:
    """log(u, b) = ln(u)/ln(b): ln(b) is a Python float when the base is a number."""
    if isinstance(base, float):
        return torch.log(u) / math.log(base)
    return torch.log(u) / torch.log(base)


def nth_root(u: Any, n: Any) -> Any:
    """root(u, n) = u^(1/n), as `u ** (1/n)` is written in PyTorch."""
    return u ** (1 / n)


def reduce(torch: Any, func: str, u: Any, dim: int | None, keepdim: bool) -> Any:
    """sum, mean, prod, max over all elements or along `dim`.

    max along a dim uses torch.amax, not torch.max: `x.max(dim)` returns (values, indices) and
    at a tie sends the whole gradient to the one returned index, while amax (like x.max() over
    all elements) splits it evenly between the tied elements, the symmetric choice that also
    matches SymPy's Max (Heaviside(0) = 1/2). A note says so whenever a tie occurs.
    """
    if dim is None:
        whole: dict[str, Callable[[Any], Any]] = {
            "sum": torch.sum,
            "mean": torch.mean,
            "prod": torch.prod,
            "max": torch.max,
        }
        result = whole[func](u)
        return result.reshape((1,) * u.ndim) if keepdim else result
    along: dict[str, Callable[..., Any]] = {
        "sum": torch.sum,
        "mean": torch.mean,
        "prod": torch.prod,
        "max": torch.amax,
    }
    return along[func](u, dim=dim, keepdim=keepdim)


def transpose(u: Any) -> Any:
    """uᵀ for a matrix; a vector or a scalar is its own transpose (as in the maths)."""
    return u.T if u.ndim == 2 else u


def factorial(n: float) -> float:
    """n! of a non-negative whole number, as a float (math.factorial, then float())."""
    return float(math.factorial(int(n)))
