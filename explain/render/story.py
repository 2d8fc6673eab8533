"""Story: each narration event as sentences of pieces (words, arrays, formulas), for every format.

Like the outline of a derivation, this only arranges fields of the events: every number and
formula comes from the Narration model; each format prints the pieces in its own notation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, assert_never

from explain.events import (
    Backward,
    Detached,
    Event,
    GradChange,
    GradCleared,
    GradMode,
    OpRecorded,
    Printed,
    Raised,
    TensorCreated,
)


@dataclass(frozen=True, slots=True)
class Tensor:
    """An array value, printed as nested lists."""

    value: Any


@dataclass(frozen=True, slots=True)
class Formula:
    """A SymPy formula."""

    value: Any


@dataclass(frozen=True, slots=True)
class Code:
    """Program text (a name or an expression as written)."""

    text: str


Piece = str | Tensor | Formula | Code
Sentence = tuple[Piece, ...]

ACCUMULATE_ADVICE = (
    "gradients accumulate: zero them (x.grad.zero_(), or optimizer.zero_grad()) before each "
    "new backward when training"
)


def sentences(event: Event) -> tuple[Sentence, ...]:
    """What the narration says about one event."""
    match event:
        case TensorCreated():
            return (_created(event),)
        case OpRecorded():
            return (_recorded(event),)
        case Backward():
            return _backward(event)
        case GradCleared(tensor=t, how=how):
            what = "zeroed in place (same tensor)" if how == "zero_()" else "set to None"
            return ((Code(f"{t}.grad"), f" is {what}: the next backward starts from it afresh"),)
        case Detached(name=name, of=of):
            return ((Code(name), " = ", Code(f"{of}.detach()"), DETACHED),)
        case GradMode(entered=entered, mode=mode):
            return (_grad_mode(entered, mode),)
        case Printed(text=text):
            return (("prints: ", Code(text.rstrip("\n"))),)
        case Raised():
            return _raised(event)
        case _:
            assert_never(event)


DETACHED = ": the same values (shared storage), no grad_fn; gradients do not flow back through it"


def _grad_mode(entered: bool, mode: str) -> Sentence:
    if not entered:
        return (f"leaves torch.{mode}(): back to the mode before",)
    effect = "operations are not recorded" if mode == "no_grad" else "recording is on again"
    return (f"enters torch.{mode}(): {effect}",)


def _created(e: TensorCreated) -> Sentence:
    kind = "a leaf tensor" if e.is_leaf else "a tensor"
    shape = "×".join(map(str, e.shape)) or "scalar"
    grad = (
        " that requires grad: backward() will fill its .grad"
        if e.requires_grad
        else " (requires_grad=False: no gradient is tracked)"
    )
    return (Code(e.name), f" is {kind} ({shape}, {e.dtype}){grad}")


def _recorded(e: OpRecorded) -> Sentence:
    if e.grad_fn is None:
        return (Code(e.name), f" is computed without a graph ({e.why}): grad_fn is None")
    chain = ", ".join(e.ops) if e.ops else e.grad_fn
    return (Code(e.name), f" is built by {chain} (grad_fn {e.grad_fn}); {e.why}")


def _backward(e: Backward) -> tuple[Sentence, ...]:
    out: list[Sentence] = [("backward from ", Code(e.target), ":")]
    out += [_change(e.target, change) for change in e.grads]
    if any(c.before is not None for c in e.grads):
        out.append(("note: " + ACCUMULATE_ADVICE,))
    out += [("note: " + note,) for note in e.notes]
    return tuple(out)


def _change(target: str, c: GradChange) -> Sentence:
    head: list[Piece] = [f"  ∂{target}/∂{c.tensor} = "]
    if c.formula is not None:
        head += [Formula(c.formula), " = "]
    head.append(Tensor(c.added))
    if c.before is None:
        return (
            *head,
            f"; {c.tensor}.grad was None, so it is stored: {c.tensor}.grad = ",
            Tensor(c.after),
        )
    return (
        *head, f"; added to {c.tensor}.grad: ", Tensor(c.before), " + ", Tensor(c.added), " = ",
        Tensor(c.after),
    )  # fmt: skip


def _raised(e: Raised) -> tuple[Sentence, ...]:
    out: list[Sentence] = [(f"raises {e.exception}: ", Code(e.message))]
    if e.explanation:
        out.append(("why: " + e.explanation,))
    if e.fix:
        out.append(("fix: " + e.fix,))
    return tuple(out)
