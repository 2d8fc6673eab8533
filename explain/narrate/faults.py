"""Plain explanations and fixes for the errors every autograd learner meets."""

from __future__ import annotations

KNOWN: tuple[tuple[str, str, str], ...] = (
    (
        "does not require grad and does not have a grad_fn",
        "the tensor backward() was called on is not connected to any leaf that requires grad: "
        "it was made by detach() (which returns a constant with no grad_fn) or under "
        "torch.no_grad(), or none of its inputs required grad",
        "call backward() on the result before detaching it, compute it outside torch.no_grad(), "
        "or create the input with requires_grad=True",
    ),
    (
        "Trying to backward through the graph a second time",
        "the first backward() freed the values the graph had saved (here for an operation such "
        "as x**2 or 3*x), so a second backward() through the same graph has nothing to use",
        "pass retain_graph=True to the first backward(), or add the losses and call backward() "
        "once",
    ),
    (
        "a leaf Variable that requires grad is being used in an in-place operation",
        "changing a leaf that requires grad in place (x += ..., x.zero_()) would break the "
        "gradient autograd has to compute for it",
        "update parameters inside `with torch.no_grad():`, or write x = x + ... for a new tensor",
    ),
    (
        "floating point and complex dtype can require gradients",
        "only floating-point tensors can require grad: integer values have no derivative",
        "write the numbers as floats (1.0 rather than 1) or pass dtype=torch.float32",
    ),
    (
        "grad can be implicitly created only for scalar outputs",
        "backward() without an argument needs a single number to differentiate",
        "reduce the output first (y.sum().backward()) or pass gradient= a tensor of y's shape",
    ),
)
"""(part of torch's message, what it means, how to fix it)."""


def explain(message: str) -> tuple[str | None, str | None]:
    """The plain explanation and fix for a known error message, else (None, None)."""
    for needle, why, fix in KNOWN:
        if needle in message:
            return why, fix
    return None, None
