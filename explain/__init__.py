"""explain: differentiation explained and checked (exact steps, numbers, PyTorch autograd).

Re-exports the public API lazily, so `explain --help` does not pay for SymPy or torch.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from explain.api import check, derive, grade, gradient, read
    from explain.errors import ExplainError

# Formats: `from explain.render import render` (explain.render is the renderers' package).
__all__ = ["ExplainError", "check", "derive", "grade", "gradient", "read"]

_HOMES = {
    "check": "explain.api",
    "grade": "explain.api",
    "derive": "explain.api",
    "gradient": "explain.api",
    "read": "explain.api",
    "ExplainError": "explain.errors",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'explain' has no attribute {name!r}")
    if _HOMES[name] == "explain.api":
        import_module("explain.display")  # models show themselves in Jupyter
    return getattr(import_module(_HOMES[name]), name)
