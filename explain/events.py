"""MODEL: narration events (one per thing a script did) and the Narration of a whole script.

Arrays are NumPy float64 arrays (typed as Any so that model modules stay free of NumPy's
import); formulas are SymPy expressions in terms of generic symbols named like the tensors
(`2*x + 2`). Nothing here is mutated after narrate() returns it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Array = Any
"""A numpy.ndarray of float64 (0-d for a scalar tensor)."""

Sym = Any
"""A SymPy expression."""


@dataclass(frozen=True, slots=True)
class TensorCreated:
    """`name = torch.tensor(...)` (or ones/zeros): a new leaf tensor and its values."""

    line: int
    source: str
    name: str
    shape: tuple[int, ...]
    dtype: str  # "torch.float32"
    requires_grad: bool
    is_leaf: bool
    value: Array


@dataclass(frozen=True, slots=True)
class OpRecorded:
    """`name = <operations on tensors>`: the result, its grad_fn and why it (does not) track.

    `ops` lists the grad_fn names of every operation the statement recorded, in the order they
    ran (`PowBackward0, MulBackward0, AddBackward0, AddBackward0, SumBackward0`); empty when
    nothing was recorded (no input requires grad, or under no_grad).
    """

    line: int
    source: str
    name: str
    grad_fn: str | None
    requires_grad: bool
    why: str  # "x requires grad, so y does" / "made under no_grad" / "no input requires grad"
    shape: tuple[int, ...]
    ops: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GradChange:
    """What one backward() did to one leaf's .grad: after = before + added (before None: added).

    `formula` is ∂target/∂(one element) with the element's symbol replaced by a generic symbol
    named like the tensor (`2*x + 2`), or None when the elements' formulas differ in shape;
    `exact` is the per-element exact gradient evaluated numerically (None if not derived).
    """

    tensor: str
    before: Array | None
    added: Array
    after: Array
    formula: Sym | None
    exact: Array | None = None


@dataclass(frozen=True, slots=True)
class Backward:
    """`target.backward()`: the gradients it added, leaf by leaf, and remarks (`notes`)."""

    line: int
    source: str
    target: str
    grads: tuple[GradChange, ...]
    notes: tuple[str, ...] = ()
    untouched: tuple[Untouched, ...] = ()


@dataclass(frozen=True, slots=True)
class Untouched:
    """A named tensor backward() gave nothing to, and why (constant, or not in this graph)."""

    tensor: str
    why: str


@dataclass(frozen=True, slots=True)
class GradCleared:
    """`x.grad.zero_()` (same tensor, zeros) or `x.grad = None` (next backward allocates anew)."""

    line: int
    source: str
    tensor: str
    how: Literal["zero_()", "set to None", "zero_grad()"]


@dataclass(frozen=True, slots=True)
class Detached:
    """`name = of.detach()` (or `.data`): same storage, no grad_fn, a constant for autograd."""

    line: int
    source: str
    name: str
    of: str
    via: Literal["detach()", ".data"] = "detach()"


@dataclass(frozen=True, slots=True)
class GradMode:
    """A grad-mode block (`with torch.no_grad():` …) entered (True) or left.

    `mode` is how it was written without `torch.` (`no_grad`, `set_grad_enabled(False)` …);
    `recording` says whether operations inside are recorded for backward.
    """

    line: int
    source: str
    entered: bool
    mode: str
    recording: bool


@dataclass(frozen=True, slots=True)
class Printed:
    """`print(...)`: the exact text Python printed (with its newline)."""

    line: int
    source: str
    text: str


@dataclass(frozen=True, slots=True)
class Raised:
    """An exception the statement raised: its type, torch's own message, the cause and fix."""

    line: int
    source: str
    exception: str  # "RuntimeError"
    message: str
    explanation: str | None
    fix: str | None


@dataclass(frozen=True, slots=True)
class ModuleCreated:
    """A torch.nn module or an optimizer: what it is and the leaf tensors it holds."""

    line: int
    source: str
    name: str
    what: str  # "Linear(2, 4)", "SGD(lr=0.1)"
    parameters: tuple[str, ...]  # the leaves' names, "model.0.weight"
    shapes: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class Updated:
    """A tensor changed in place (`w -= lr * w.grad`, `optimizer.step()`, `x.add_(1)`)."""

    line: int
    source: str
    tensor: str
    how: str  # "w -= 0.1 * w.grad", "SGD: w -= lr * w.grad, with lr = 0.1"
    before: Array
    after: Array
    is_leaf: bool
    grad_fn: str | None  # a non-leaf's new grad_fn after the in-place op
    requires_grad: bool = True
    shares_with: str | None = None  # made by detach() or .data from this tensor: it changed too


@dataclass(frozen=True, slots=True)
class GradReturned:
    """`torch.autograd.grad(outputs, inputs)`: gradients returned, `.grad` left untouched."""

    line: int
    source: str
    target: str
    grads: tuple[GradChange, ...]  # `before`/`after` are the untouched .grad (None: still None)
    create_graph: bool


@dataclass(frozen=True, slots=True)
class Warned:
    """A warning torch printed on stderr (the build path it ends with removed)."""

    line: int
    source: str
    category: str  # "UserWarning"
    message: str
    explanation: str | None


@dataclass(frozen=True, slots=True)
class GradRetained:
    """`y.retain_grad()`: a non-leaf that will keep its .grad at the next backward."""

    line: int
    source: str
    tensor: str


@dataclass(frozen=True, slots=True)
class LoopElided:
    """Iterations of a long loop that ran but are not narrated one by one."""

    line: int
    source: str
    first: int
    last: int
    total: int


Event = (
    TensorCreated | OpRecorded | Backward | GradCleared | Detached | GradMode | Printed | Raised
    | ModuleCreated | Updated | GradReturned | GradRetained | Warned | LoopElided
)  # fmt: skip
"""The closed union of narration events."""


@dataclass(frozen=True, slots=True)
class Narration:
    """A whole script narrated: its text, its events in order, and its exact stdout."""

    source_text: str
    events: tuple[Event, ...]
    stdout: str
