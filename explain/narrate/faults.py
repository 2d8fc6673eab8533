"""Plain explanations and fixes for the errors every autograd learner meets."""

from __future__ import annotations

import re

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

MORE: tuple[tuple[str, str, str], ...] = (
    (
        "modified by an inplace operation",
        "a tensor that backward() needs (saved when the graph was built, for example the input "
        "of x**2 or the output of exp) was changed in place afterwards; its version counter "
        "moved on, so the saved value is no longer the one the gradient formula needs",
        "do the in-place change after backward(), or write the new value to a new tensor "
        "(y = y + 1 instead of y += 1 or y.add_(1))",
    ),
    (
        "Inference tensors cannot be saved for backward",
        "the tensor was made under torch.inference_mode(): it can never join a graph, so an "
        "operation that must save it for backward refuses it",
        "make it under torch.no_grad() instead, or use a copy: t.clone()",
    ),
    (
        "Inplace update to inference tensor outside InferenceMode",
        "a tensor made under torch.inference_mode() cannot be changed in place outside that mode",
        "change a copy (t = t.clone()) or do the update inside torch.inference_mode()",
    ),
    (
        "is not a leaf Tensor is being accessed",
        "only leaves (tensors you created with requires_grad=True) keep .grad; an intermediate "
        "result's gradient is used during backward() and then dropped, so its .grad is None",
        "call .retain_grad() on the intermediate result before backward(), or read the leaf's "
        ".grad",
    ),
    (
        "Can't call numpy() on Tensor that requires grad",
        "numpy() would hand out values autograd still tracks, so torch refuses",
        "use t.detach().numpy(), or compute the value under torch.no_grad()",
    ),
    (
        "One of the differentiated Tensors appears to not have been used in the graph",
        "torch.autograd.grad was asked for the gradient of an input the output does not depend on",
        "pass allow_unused=True, or ask only for the inputs the output was computed from",
    ),
)
"""Further errors and warnings, same layout."""

BUILD_PATH = re.compile(r"\s*\(Triggered internally at [^)]*\)\.?\s*$")


def explain(message: str) -> tuple[str | None, str | None]:
    """The plain explanation and fix for a known error message, else (None, None)."""
    for needle, why, fix in KNOWN + MORE:
        if needle in message:
            return why, fix
    return None, None


def strip_build_path(message: str) -> str:
    """torch's warning without its "(Triggered internally at /__w/pytorch/…)" suffix."""
    return BUILD_PATH.sub("", message)
