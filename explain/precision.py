"""Where float64 loses digits: before the cross-check calls a difference a disagreement.

Near cancellation, float64 loses digits in every one of the three answers: (x − 1)/(x − x²) at
x = 0.99999 loses about ten, in the exact formula's evaluation, in torch's arithmetic and in a
difference quotient alike. So the elements that seem to differ (at most REFINED per input) are
looked at closely, each answer by its own yardstick:

- the exact gradient is evaluated there to DIGITS digits (explain.digits), so "exact" is exact;
- torch computes in float64 through the expression as written: the worst cancellation in it
  (a sum whose terms are 10^L times larger than the sum) is measured to many digits, and a
  difference within float64's ε·10^(2L+1) is rounding, named as such (L digits are lost in the
  forward pass and about as many again where the gradient's contributions meet at the input);
- a finite difference's rounding is measured from f to many digits (explain.finite.refine).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import sympy

from explain.digits import at_point
from explain.elements import element_name
from explain.finite import Estimate, refine, steps_for
from explain.symbolic import from_sympy, symbol
from explain.written import pretty

Array = Any
Sym = Any
REFINED = 8
"""At most this many elements per input are looked at closely (more: the verdict stands)."""
EPS = float(np.finfo(np.float64).eps)
SHOWN_CHARS = 60
"""A sum longer than this is named, not written out, in a note."""
LOST_DIGITS = 3
"""A cancellation that loses fewer digits than this explains no difference."""


class Digits(Protocol):
    """The exact gradient and the function to many digits, one element at a time."""

    def gradient(self, name: str, k: int) -> Any | None:
        """∂f/∂name at flat element k, to many digits (None: not available there)."""

    def function(self, name: str, k: int) -> Callable[[float], Any | None] | None:
        """f (as the finite difference sees it) as element k of `name` takes the float p."""

    def cancellation(self, name: str, k: int) -> Cancellation | None:
        """The worst cancellation in f at element k of `name`."""


@dataclass(frozen=True, slots=True)
class FieldDigits:
    """An elementwise f (summed, or averaged with `scale`), its derivative per input."""

    field: Sym
    derivatives: Mapping[str, Sym]
    env: Mapping[str, Array]
    full: tuple[int, ...]
    scale: float
    raw: Mapping[str, Sym] | None = None  # the chain rule's derivative, before tidying

    def _point(self, name: str, k: int) -> dict[Sym, float] | None:
        if np.shape(self.env[name]) != self.full:
            return None  # a broadcast input: its gradient and FD are sums over elements
        return {
            symbol(n): float(np.broadcast_to(a, self.full).flat[k]) for n, a in self.env.items()
        }

    def gradient(self, name: str, k: int) -> Any | None:
        point = self._point(name, k)
        return None if point is None else at_point(self.derivatives[name], point, self.scale)

    def function(self, name: str, k: int) -> Callable[[float], Any | None] | None:
        point = self._point(name, k)
        if point is None:
            return None
        return lambda p: at_point(self.field, {**point, symbol(name): p}, self.scale)

    def cancellation(self, name: str, k: int) -> Cancellation | None:
        """In f, and in the derivative as the chain rule builds it (as autograd does): terms
        of 10^28 that cancel to 1 where the tidy formula shows only the 1."""
        point = self._point(name, k)
        if point is None:
            return None
        raw = self.raw.get(name) if self.raw else None
        found = [worst_cancellation(e, point) for e in (self.field, raw) if e is not None]
        return max((c for c in found if c is not None), default=None, key=lambda c: c.digits)


@dataclass(frozen=True, slots=True)
class TotalDigits:
    """A function of every element (per-element path): the sum and each element's derivative."""

    total: Sym
    gradients: Mapping[str, Array]  # name -> object array of SymPy derivatives
    flat_env: Mapping[str, Array]  # element name -> value

    def _key(self, name: str, k: int) -> Sym:
        index = list(np.ndindex(np.shape(self.gradients[name])))[k]
        return symbol(element_name(name, index))

    def _point(self) -> dict[Sym, float]:
        return {symbol(key): float(v) for key, v in self.flat_env.items()}

    def gradient(self, name: str, k: int) -> Any | None:
        return at_point(self.gradients[name].flat[k], self._point())

    def function(self, name: str, k: int) -> Callable[[float], Any | None] | None:
        point, key = self._point(), self._key(name, k)
        return lambda p: at_point(self.total, {**point, key: p})

    def cancellation(self, name: str, k: int) -> Cancellation | None:
        terms = self.total.args if isinstance(self.total, sympy.Add) else (self.total,)
        found = [worst_cancellation(t, self._point()) for t in terms]  # not the sum of elements
        return max((c for c in found if c is not None), default=None, key=lambda c: c.digits)


def exact_to_digits(exact: Array, suspects: Array, digits: Digits, name: str) -> tuple[Array, int]:
    """The exact gradient with the suspect elements evaluated to many digits, and how many of
    them float64 had got wrong (beyond a few ulps)."""
    fixed, wrong = np.array(exact, dtype=np.float64, copy=True), 0
    flat = fixed.reshape(-1)
    for k in suspects:
        value = digits.gradient(name, int(k))
        if value is None:
            continue
        precise = float(value)
        if not math.isfinite(flat[k]) or abs(precise - flat[k]) > 8 * EPS * abs(precise):
            wrong += 1
        flat[k] = precise
    return fixed, wrong


@dataclass(frozen=True, slots=True)
class Cancellation:
    """Where float64 loses `digits` evaluating f: a sum far smaller than its terms, or a
    periodic or exponential function of a large argument; `why` says which, with the values."""

    digits: float
    why: str


PERIODIC = (sympy.sin, sympy.cos, sympy.tan, sympy.sec, sympy.csc, sympy.cot)
GROWING = (sympy.exp, sympy.sinh, sympy.cosh)


def worst_cancellation(expr: Sym, point: Mapping[Sym, float]) -> Cancellation | None:
    """The node of expr that loses the most digits at the point (values to many digits)."""
    found = (_loss(node, point) for node in sympy.preorder_traversal(expr))
    return max((c for c in found if c is not None), default=None, key=lambda c: c.digits)


def _loss(node: Sym, point: Mapping[Sym, float]) -> Cancellation | None:
    if isinstance(node, sympy.Add):
        terms = [at_point(t, point) for t in node.args]
        if any(t is None for t in terms):
            return None
        total, size = sum(terms), sum(abs(t) for t in terms)  # type: ignore[arg-type]
        if total == 0 or size == 0:
            return None
        digits = math.log10(float(size / abs(total)))
        shown = _shown(node)
        what = shown if len(shown) <= SHOWN_CHARS else "a sum of the chain rule's terms"
        why = f"{what} is {float(total):.3g} while its terms are about 10^{digits:.0f} times larger"
        return Cancellation(digits, why)
    if isinstance(node, PERIODIC + GROWING):
        u = at_point(node.args[0], point)
        if u is None or abs(u) <= 1:
            return None
        digits = math.log10(float(abs(u)))
        what = "the angle" if isinstance(node, PERIODIC) else "the exponent"
        why = (
            f"{_shown(node)} has {what} {_shown(node.args[0])} = {float(u):.3g}, which float64 "
            f"holds only to about ±{EPS * float(abs(u)):.1g}"
        )
        return Cancellation(digits, why)
    return None


def _shown(node: Sym) -> str:
    return pretty(from_sympy(node))


def within_precision(
    name: str, exact: Array, autograd: Array, lost: Cancellation, tolerance: tuple[float, float]
) -> str | None:
    """The note saying exact and autograd agree to the precision float64 keeps through the
    loss, or None when they differ by more (or the loss is too small to explain anything)."""
    rtol, atol = tolerance
    if lost.digits < LOST_DIGITS:
        return None
    allowed = max(rtol, EPS * 10 ** (2 * lost.digits + 1))
    with np.errstate(all="ignore"):
        d = np.abs(exact - autograd)
        scale = np.maximum(np.abs(exact), np.abs(autograd))
        near = d <= allowed * scale + atol
        relative = float(np.nanmax(np.where(scale > 0, d / scale, 0.0)))
    if not bool(np.all(near | (np.isnan(exact) & np.isnan(autograd)))):
        return None
    agreed = max(0, math.floor(-math.log10(relative))) if relative > 0 else 16
    if lost.digits >= 16:
        lost_text = "all 16 of its digits are lost there"
    else:
        lost_text = f"about {lost.digits:.0f} of its 16 digits are lost there"
        lost_text += " (and the gradient can lose more)"
    if agreed:
        tail = f"torch's {name}.grad agrees with the exact value to {agreed} digits"
        tail += ", all that float64 can promise here"
    else:
        tail = f"torch's {name}.grad has no correct digit here (off by {relative:.2g}, relative)"
        tail += ": a limit of float64, not a bug"
    return f"float64 loses digits here: {lost.why}, so {lost_text}: {tail}"


def refined(
    name: str, value: Array, estimates: tuple[Array, Estimate], missed: Array, digits: Digits
) -> Estimate:
    """The FD estimates (at flat indices idx) that seem to miss, with their rounding measured
    against f to many digits rather than estimated (explain.finite.refine)."""
    idx, estimate = estimates
    error = np.array(estimate.error, dtype=np.float64)  # a copy, of the estimates' shape
    errors, values = error.reshape(-1), np.ravel(estimate.value)
    flat, indices = np.ravel(np.asarray(value, dtype=np.float64)), np.ravel(idx)
    steps = np.ravel(steps_for(flat[indices]) if estimate.step is None else estimate.step)
    for j in np.flatnonzero(missed):
        k = int(indices[j])
        f = digits.function(name, k)
        h = float(steps[j])
        bound = refine(float(values[j]), float(flat[k]), h, f) if f is not None else None
        if bound is not None:
            errors[j] = bound
    return Estimate(estimate.value, error)
