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
    GradRetained,
    GradReturned,
    LoopElided,
    ModuleCreated,
    OpRecorded,
    Printed,
    Raised,
    TensorCreated,
    Updated,
    Warned,
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


@dataclass(frozen=True, slots=True)
class Paragraph:
    """What one statement did: its line and text, and the sentences of its events in order."""

    line: int
    source: str
    sentences: tuple[Sentence, ...]


def paragraphs(events: tuple[Event, ...]) -> list[Paragraph]:
    """Consecutive events of the same statement under one heading (optimizer.step() moves many
    parameters; a with block's header is said once when the block is empty)."""
    out: list[Paragraph] = []
    for event in events:
        said = sentences(event)
        last = out[-1] if out else None
        if last is not None and (last.line, last.source) == (event.line, event.source):
            out[-1] = Paragraph(last.line, last.source, last.sentences + said)
        else:
            out.append(Paragraph(event.line, event.source, said))
    return out


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
            return (_cleared(t, how),)
        case Detached(name=name, of=of, via=via):
            if via == ".data":
                return ((Code(name), " = ", Code(f"{of}.data"), DETACHED, DATA),)
            return ((Code(name), " = ", Code(f"{of}.detach()"), DETACHED),)
        case GradMode(entered=entered, mode=mode, recording=recording):
            return (_grad_mode(entered, mode, recording),)
        case Printed(text=text):
            return (("prints: ", Code(text.rstrip("\n"))),)
        case _:
            return _more(event)


def _more(event: Event) -> tuple[Sentence, ...]:
    """The events of errors, modules, in-place updates, autograd.grad and loops."""
    match event:
        case Raised():
            return _raised(event)
        case ModuleCreated():
            return _module(event)
        case Updated():
            return _updated(event)
        case GradReturned():
            return _returned(event)
        case Warned(category=category, message=message, explanation=why):
            said: Sentence = (f"warns ({category}): ", Code(message))
            return (said, ("why: " + why,)) if why else (said,)
        case GradRetained(tensor=t):
            return ((Code(t), RETAINED),)
        case LoopElided(first=first, last=last, total=total):
            return (_elided(first, last, total),)
        case TensorCreated() | OpRecorded() | Backward() | GradCleared() | Detached():
            return sentences(event)  # said by sentences(); listed so the match stays closed
        case GradMode() | Printed():
            return sentences(event)
        case _:
            assert_never(event)


RETAINED = (
    " will keep its .grad: backward() stores the gradient that reaches this intermediate result "
    "too (normally only leaves keep theirs)"
)


def _elided(first: int, last: int, total: int) -> Sentence:
    which = f"iteration {first}" if first == last else f"iterations {first} to {last}"
    verb = "runs" if first == last else "run"
    return (f"{which} of {total} {verb} like the ones shown: not narrated step by step "
            "(what they print is still shown)",)  # fmt: skip


DATA = (
    "; unlike detach(), .data does not share the version counter: an in-place change through "
    "it goes unnoticed by autograd, and backward may silently use the changed values"
)
DETACHED = ": the same values (shared storage), no grad_fn; gradients do not flow back through it"


def _grad_mode(entered: bool, mode: str, recording: bool) -> Sentence:
    if not entered:
        state = "on" if recording else "off"
        return (f"leaves torch.{mode}: back to the mode before (recording {state})",)
    effect = "operations are recorded for backward" if recording else "operations are not recorded"
    extra = (
        "; results are inference tensors, which can never join a graph later"
        if mode.startswith("inference_mode")
        else ""
    )
    return (f"enters torch.{mode}: {effect}{extra}",)


def _cleared(tensor: str, how: str) -> Sentence:
    what = {
        "zero_()": "zeroed in place (same tensor)",
        "set to None": "set to None",
        "zero_grad()": "set to None by zero_grad()",
    }[how]
    return (Code(f"{tensor}.grad"), f" is {what}: the next backward starts from it afresh")


def _module(e: ModuleCreated) -> tuple[Sentence, ...]:
    out: list[Sentence] = [(Code(e.name), " is ", Code(e.what))]
    if e.parameters and e.what.split("(")[0] in ("SGD", "Adam"):
        out.append(("  it updates: " + ", ".join(e.parameters),))
    elif e.parameters:
        shapes = ", ".join(
            f"{n} ({'×'.join(map(str, s)) or 'scalar'})"
            for n, s in zip(e.parameters, e.shapes, strict=True)
        )
        out.append(("  leaves that require grad: " + shapes,))
    return tuple(out)


def _updated(e: Updated) -> tuple[Sentence, ...]:
    head: Sentence = (
        Code(e.tensor),
        " changes in place: ",
        Tensor(e.before),
        " → ",
        Tensor(e.after),
    )
    shared = (f"  {e.shares_with} changes with it: they share storage",) if e.shares_with else ()
    said: tuple[Sentence, ...]
    if e.is_leaf and e.requires_grad:
        said = ((*head, " (still a leaf: its .grad is kept)"), ("  how: " + e.how,))
    else:
        said = ((*head, f"; its grad_fn is now {e.grad_fn}" if e.grad_fn else ""),)
    return said + ((shared,) if shared else ())


def _returned(e: GradReturned) -> tuple[Sentence, ...]:
    out: list[Sentence] = [("torch.autograd.grad of ", Code(e.target), " returns:")]
    for c in e.grads:
        piece: list[Piece] = [f"  ∂{e.target}/∂{c.tensor} = "]
        if c.formula is not None:
            piece += [Formula(c.formula), " = "]
        piece.append(Tensor(c.added))
        grad = "None" if c.before is None else "unchanged"
        piece.append(f"; {c.tensor}.grad is left {grad} (autograd.grad does not accumulate)")
        out.append(tuple(piece))
    if e.create_graph:
        out.append(
            ("  create_graph=True: the result has its own graph, so it can be derived again",)
        )
    return tuple(out)


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
    out += [("  ", Code(u.tensor), f" gets nothing: {u.why}") for u in e.untouched]
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
        return (*head, f"; {c.tensor}.grad was None, so this becomes {c.tensor}.grad")
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
