"""What the narrator knows about the script's tensors: names, shadows, leaves, symbol values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from explain.elements import element_name, element_symbols
from explain.narrate import shadow

Tensor = Any
Array = Any

MAX_WALK = 10_000
"""Most graph nodes walked to find the leaves a result depends on."""


@dataclass
class Known:
    """One tensor the script made: its shadow and how it came to be in this statement."""

    tensor: Tensor
    shadow: Array | None
    origin: str  # "created", "op", "detached", "data", "returned"
    of: str = ""  # for "detached": the name of the source


@dataclass
class State:
    """Everything mutable during one narration (never shared between narrations)."""

    known: dict[int, Known] = field(default_factory=dict)
    leaves: dict[str, Tensor] = field(default_factory=dict)
    shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    constants: dict[str, float] = field(default_factory=dict)
    symbol_names: dict[int, tuple[Tensor, str]] = field(default_factory=dict)
    fresh: list[int] = field(default_factory=list)
    ops: list[str] = field(default_factory=list)
    elements: int = 0
    names: dict[int, tuple[Tensor, str]] = field(default_factory=dict)
    said_constant: set[str] = field(default_factory=set)  # constants already said to get nothing
    retained: dict[str, Tensor] = field(default_factory=dict)  # non-leaves after retain_grad()
    owners: dict[str, str] = field(default_factory=dict)  # parameter → the module's name

    def shadow_of(self, value: Any) -> Array | None:
        """The shadow of a tensor or a Python number (unknown tensors enter as numbers)."""
        if isinstance(value, bool | int | float):
            return np.asarray(shadow.number(value), dtype=object)
        entry = self.known.get(id(value))
        if entry is not None and entry.tensor is value:
            return entry.shadow
        return shadow.constant(value.detach().double().numpy())

    def remember(self, tensor: Tensor, shade: Array | None, origin: str, of: str = "") -> None:
        self.known[id(tensor)] = Known(tensor, shade, origin, of)
        self.fresh.append(id(tensor))

    def unique(self, hint: str | None) -> str:
        base = hint or "t"
        name, n = base, 1
        while name in self.shapes:
            n += 1
            name = f"{base}_{n}"
        return name

    def symbols_for(self, tensor: Tensor, hint: str | None) -> Array | None:
        """Element symbols for a new tensor (a leaf that requires grad, or a named constant)."""
        shape = tuple(tensor.shape)
        if tensor.numel() > shadow.MAX_SHADOW_ELEMENTS:
            return None
        earlier = self.symbol_names.get(id(tensor))
        name = earlier[1] if earlier and earlier[0] is tensor else self.unique(hint)
        self.symbol_names[id(tensor)] = (tensor, name)
        self.shapes[name] = shape
        if tensor.requires_grad:
            self.leaves[name] = tensor
        else:
            values = tensor.detach().double().numpy()
            for index in np.ndindex(shape):
                self.constants[element_name(name, index)] = float(values[index])
        return element_symbols(name, shape)

    def sources(self, tensor: Tensor) -> list[str]:
        """The named leaves a tensor's graph reaches (walking grad_fn, at most MAX_WALK nodes)."""
        leaves = {id(t): n for n, t in self.leaves.items()}
        found: list[str] = []
        stack: list[Any] = [tensor.grad_fn]
        seen: set[int] = set()
        while stack and len(seen) < MAX_WALK:
            node = stack.pop()
            if node is None or id(node) in seen:
                continue
            seen.add(id(node))
            variable = getattr(node, "variable", None)
            name = leaves.get(id(variable)) if variable is not None else None
            if name is not None and name not in found:
                found.append(name)
            stack.extend(n for n, _ in node.next_functions)
        order = list(self.leaves)
        return sorted(found, key=order.index)

    def name_of(self, tensor: Tensor) -> str | None:
        """The name the script last assigned this tensor to, if any."""
        entry = self.names.get(id(tensor))
        return entry[1] if entry is not None and entry[0] is tensor else None

    def has_symbols(self, name: str) -> bool:
        """Whether a leaf has element symbols (small enough to be narrated by formula)."""
        return name in self.shapes

    def leaf_name(self, tensor: Tensor) -> str | None:
        return next((n for n, t in self.leaves.items() if t is tensor), None)

    def env(self) -> dict[str, float]:
        """Values of every element symbol: constants as made, leaves as they are now."""
        out = dict(self.constants)
        for name, leaf in self.leaves.items():
            values = leaf.detach().double().numpy()
            for index in np.ndindex(values.shape):
                out[element_name(name, index)] = float(values[index])
        return out
