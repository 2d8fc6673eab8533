"""Expr → torch in the same op order; grad_fn chain (torch imported inside functions).

`run(expr, values, wrt)` evaluates what the person wrote with PyTorch, operation by operation
in their order, calls backward and returns the values, each x.grad, the graph of grad_fn
nodes (explain.reports.Graph) and notes on where torch and the maths part ways.
"""

from __future__ import annotations

from explain.autograd.run import AutogradRun, run

__all__ = ["AutogradRun", "run"]
