"""derive and gradient: stages (one per order), the check against sympy.diff, the shown form."""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from explain import limits
from explain.errors import LimitExceeded, UsageError
from explain.expr import Parsed, variables
from explain.rules.check import confirm
from explain.rules.matchers import derive_step
from explain.rules.piecewise import boundary_notes
from explain.rules.tidy import tidy
from explain.steps import (
    AbsValue,
    Derivation,
    Gradient,
    NotSupported,
    PiecewiseRule,
    Relu,
    SignRule,
    Stage,
    Step,
    walk,
)
from explain.symbolic import Converter, from_sympy, symbol


def derive(parsed: Parsed, var: str, order: int = 1) -> Derivation:
    """d^order/d var^order of the parsed input, step by step, checked against sympy.diff."""
    if not 1 <= order <= limits.MAX_ORDER:
        raise UsageError(
            f"the order must be a whole number from 1 to {limits.MAX_ORDER}, not {order}"
        )
    converter = Converter(parsed.source)
    function = converter(parsed.expr)
    stages: list[Stage] = []
    expr = parsed.expr
    for k in range(order):
        if k:  # differentiate the previous result as a teacher would write it: tidied
            expr = from_sympy(tidy(stages[-1].result)[0])
            converter = Converter()
        step = derive_step(expr, var, converter)
        stages.append(Stage(expr, step, step.result))
    raw = stages[-1].result
    checked = confirm(raw, sympy.diff(function, symbol(var), order), function)
    shown, how, note = tidy(raw)
    notes = _notes(parsed, var, stages) + ((note,) if note else ())
    return Derivation(parsed, var, order, tuple(stages), raw, shown, how, checked, notes=notes)


def gradient(parsed: Parsed, variables: Sequence[str]) -> Gradient:
    """∇f: one first-order derivation per variable, in the order given."""
    names = tuple(variables)
    if not names:
        raise UsageError("a gradient needs at least one variable")
    if len(set(names)) != len(names):
        raise UsageError(f"a variable is listed twice in {', '.join(names)}")
    if len(names) > limits.MAX_VARIABLES:
        raise LimitExceeded(f"{len(names)} variables; the limit is {limits.MAX_VARIABLES}")
    return Gradient(parsed, tuple(derive(parsed, name) for name in names))


KINKS = {
    Relu: "relu has a kink at 0: SymPy's Heaviside(0) is 1/2, PyTorch's relu gradient there is 0",
    AbsValue: "|u| has no derivative where u = 0 (sign(0) = 0 is a convention, shared by PyTorch)",
    SignRule: "sign(u) jumps at u = 0: its derivative is 0 everywhere else",
}
"""Notes on points where a rule's formula is a convention rather than a derivative."""


def _notes(parsed: Parsed, var: str, stages: Sequence[Stage]) -> tuple[str, ...]:
    notes: dict[str, None] = {}
    if var not in variables(parsed.expr):
        notes[f"{var} does not appear: the derivative is 0"] = None
    for stage in stages:
        for step in walk(stage.step):
            notes.update(dict.fromkeys(_step_notes(step)))
    return tuple(notes)


def _step_notes(step: Step) -> tuple[str, ...]:
    if isinstance(step, NotSupported):
        return (f"{step.reason}: SymPy differentiated that part directly",)
    if isinstance(step, PiecewiseRule):
        return boundary_notes(step)
    kink = KINKS.get(type(step))
    return (kink,) if kink else ()
