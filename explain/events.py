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


@dataclass(frozen=True, slots=True)
class GradCleared:
    """`x.grad.zero_()` (same tensor, zeros) or `x.grad = None` (next backward allocates anew)."""

    line: int
    source: str
    tensor: str
    how: Literal["zero_()", "set to None"]


@dataclass(frozen=True, slots=True)
class Detached:
    """`name = of.detach()` (or `.data`): same storage, no grad_fn, a constant for autograd."""

    line: int
    source: str
    name: str
    of: str


@dataclass(frozen=True, slots=True)
class GradMode:
    """A `with torch.no_grad():` / `torch.enable_grad()` block entered (True) or left."""

    line: int
    source: str
    entered: bool
    mode: Literal["no_grad", "enable_grad"]


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


Event = TensorCreated | OpRecorded | Backward | GradCleared | Detached | GradMode | Printed | Raised
"""The closed union of narration events."""


@dataclass(frozen=True, slots=True)
class Narration:
    """A whole script narrated: its text, its events in order, and its exact stdout."""

    source_text: str
    events: tuple[Event, ...]
    stdout: str
