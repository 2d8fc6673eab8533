"""Problems: one filled-in ProblemSpec → a SheetProblem with its worked answer, verified.

The answer comes from the engines the Python API offers (passed in as `Engines`, since the
worksheet layer sits below the API): the Derivation for derivative and value problems, the
CrossCheck for a tensor gradient, the narrator's run for a code problem. Each answer is verified
by comparing the exact value with PyTorch's autograd; a disagreement stops the build
(KeyNotVerified). A draw that makes a poor problem (a zero derivative, a value that is undefined,
a script that raises) is `Degenerate`: the builder draws again, or stops for a fixed problem.
A find-the-mistake problem is first a `Menu` (its right answer and the catalogue's wrong ones);
explain.worksheet.mistake draws the wrong derivative the student sees.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from explain.errors import KeyNotVerified, SpecError
from explain.events import Backward, GradCleared, Narration, Raised, TensorCreated
from explain.expr import Parsed, variables
from explain.grades import Verdict
from explain.grading.mistakes import Candidate
from explain.reports import (
    Answer,
    CodeAnswer,
    CodeQuestion,
    CrossCheck,
    Differentiate,
    EvaluateAt,
    SheetProblem,
    Task,
    TensorGradient,
)
from explain.steps import Derivation
from explain.symbolic import to_sympy
from explain.worksheet.spec import QUESTION, ProblemSpec

CHECK_POINTS = ("0.7", "-0.6", "1.3", "-1.2", "2.1")
"""Where a derivative without a point is checked against autograd (rotated among variables)."""

RTOL, ATOL = 1e-5, 1e-6
"""Exact vs autograd in a script (torch's default dtype is float32)."""


@dataclass(frozen=True, slots=True)
class Engines:
    """The API functions the builder calls (explain.api passes its own, with their budgets)."""

    read: Callable[[str], Parsed]
    derive: Callable[..., Derivation]  # derive(parsed, var, order=n, at=None | "x=1")
    crosscheck: Callable[..., CrossCheck]  # crosscheck(parsed, at, var)
    narrate: Callable[..., Narration]  # narrate(source, filename=...)
    check: Callable[..., Verdict]  # check(grades.Problem(function, variable, order), answer)
    mistakes: Callable[[Derivation], Sequence[Candidate]]  # the mistake catalogue's wrong answers


@dataclass(frozen=True, slots=True)
class Menu:
    """A find-the-mistake problem before its mistake is drawn: the right derivative, worked and
    verified, and the catalogue's wrong derivatives (of the spec's `mistake` code, when given)."""

    spec: ProblemSpec
    derivation: Derivation
    partial: bool
    expected: str
    verified: str
    candidates: tuple[Candidate, ...]


class Degenerate(Exception):
    """This draw makes a poor problem (a signal to draw again, not a user error); says why."""


def build_problem(spec: ProblemSpec, engines: Engines) -> SheetProblem | Menu:
    """The problem with its answer, the grading key's `expected` and how it was verified (for
    a find-the-mistake problem, the Menu its wrong derivative is drawn from)."""
    if spec.script is not None:
        return _code(spec, spec.script, engines)
    parsed = engines.read(spec.function or "")
    var = _variable(spec, parsed)
    kind = spec.kind or _kind_of(spec)
    if kind == "gradient":
        return _gradient(spec, engines, parsed, var)
    derivation = engines.derive(parsed, var, order=spec.order, at=spec.at)
    if derivation.result == 0:
        raise Degenerate("the derivative is 0")
    partial = len(variables(parsed.expr)) > 1
    if kind == "value":
        return _value(spec, engines, derivation, partial)
    verified = _check_somewhere(engines, parsed, var) + _higher(spec, derivation)
    expected = explain_text(derivation.result, engines)
    if kind == "mistake":
        wrong = _catalogued(spec, engines, derivation)
        return Menu(spec, derivation, partial, expected, verified, wrong)
    task = Differentiate(parsed, var, spec.order, partial)
    return sheet_problem(spec, task, derivation, expected, verified)


def _catalogued(spec: ProblemSpec, engines: Engines, d: Derivation) -> tuple[Candidate, ...]:
    found = tuple(engines.mistakes(d))
    wanted = tuple(c for c in found if spec.mistake in (None, c.code))
    if not wanted:
        codes = ", ".join(dict.fromkeys(c.code for c in found)) or "none"
        what = f"no {spec.mistake} mistake" if spec.mistake else "no mistake"
        raise Degenerate(f"the catalogue has {what} for {d.parsed.source} (it has: {codes})")
    return wanted


def _kind_of(spec: ProblemSpec) -> str:
    if spec.at is None:
        return "derivative"
    from explain.values import parse_values

    tensors = [v for v in parse_values(spec.at, label="at") if v.exact is None]
    return "gradient" if tensors else "value"


def _variable(spec: ProblemSpec, parsed: Parsed) -> str:
    names = variables(parsed.expr)
    if spec.variable is not None:
        from explain.parse import variable_name

        var = variable_name(spec.variable.strip())
        if var not in names:
            raise SpecError(f"{var} does not appear in the function", label="variable")
        return var
    if "x" in names or len(names) == 1:
        return "x" if "x" in names else names[0]
    raise SpecError(
        f"the function has several variables ({', '.join(names) or 'none'}): say which",
        label="variable",
        hint=f'variable = "{names[0]}"' if names else None,
    )


def sheet_problem(
    spec: ProblemSpec, task: Task, answer: Answer, expected: str, verified: str
) -> SheetProblem:
    return SheetProblem(
        id=spec.id, points=spec.points, space=spec.space, prompt=spec.prompt, task=task,
        answer=answer, expected=expected, verified=verified,
    )  # fmt: skip


# --- verification against autograd ----------------------------------------------------------


def _agreement(check: CrossCheck, at: str) -> str | None:
    """The sentence saying exact and autograd agree at `at`, None if undefined there."""
    if check.verdict == "disagree":
        raise KeyNotVerified(f"exact and autograd disagree at {at}: {check.summary}")
    finite = all(np.all(np.isfinite(i.exact)) for i in check.inputs)
    if check.verdict != "agree" or not finite:
        return None
    worst = max(i.max_abs_error for i in check.inputs)
    return f"exact and autograd agree at {at} (largest difference {worst:.1g})"


def _higher(spec: ProblemSpec, derivation: Derivation) -> str:
    if spec.order == 1:
        return ""
    return (
        f"; autograd checks the first derivative, the order-{spec.order} result is confirmed "
        f"against sympy.diff ({derivation.checked})"
    )


def _check_somewhere(engines: Engines, parsed: Parsed, var: str) -> str:
    """Cross-check the first derivative at the first of CHECK_POINTS where it is defined."""
    names = variables(parsed.expr)
    n = len(CHECK_POINTS)
    for j in range(n):
        at = ", ".join(f"{v}={CHECK_POINTS[(i + j) % n]}" for i, v in enumerate(names))
        said = _agreement(engines.crosscheck(parsed, at, var), at)
        if said is not None:
            return said
    raise Degenerate("no check point where the derivative is defined")


def _value(spec: ProblemSpec, engines: Engines, d: Derivation, partial: bool) -> SheetProblem:
    at = spec.at or ""
    if d.value is None or d.value.approx is None or d.value.note:
        raise Degenerate(d.value.note if d.value else "no value")
    check = engines.crosscheck(d.parsed, at, d.var)
    said = _agreement(check, at)
    if said is None:
        raise Degenerate(f"the derivative is undefined at {at} (by PyTorch's convention)")
    if spec.order == 1:
        torch_value = float(check.inputs[0].autograd)
        if not math.isclose(torch_value, d.value.approx, rel_tol=1e-9, abs_tol=1e-12):
            raise KeyNotVerified(
                f"the exact value {d.value.approx} is not autograd's {torch_value}"
            )
    expected = explain_text(d.value.exact, engines)
    task = EvaluateAt(d.parsed, d.var, spec.order, partial, d.value.point, at)
    return sheet_problem(spec, task, d, expected, said + _higher(spec, d))


def _gradient(spec: ProblemSpec, engines: Engines, parsed: Parsed, var: str) -> SheetProblem:
    at = spec.at or ""
    check = engines.crosscheck(parsed, at, var)
    said = _agreement(check, "the given values")
    if said is None:
        raise Degenerate(f"the gradient is undefined at {at} (by PyTorch's convention)")
    exact = check.inputs[0].exact
    if not np.any(exact):
        raise Degenerate("the gradient is 0")
    task = TensorGradient(parsed, var, at)
    return sheet_problem(spec, task, check, array_text(exact), said)


# --- code problems ----------------------------------------------------------------------------


def _code(spec: ProblemSpec, script: str, engines: Engines) -> SheetProblem:
    question = (spec.question or "").strip()
    found = QUESTION.fullmatch(question)
    if found is None:
        raise SpecError('ask for a tensor attribute: "x.grad"', label="question")
    tensor = found.group(1)
    narration = engines.narrate(script, filename="script")
    raised = [e for e in narration.events if isinstance(e, Raised)]
    if raised:
        raise Degenerate(f"line {raised[0].line} raises {raised[0].exception}: {raised[0].message}")
    if not any(isinstance(e, TensorCreated) and e.name == tensor for e in narration.events):
        raise SpecError(f"the script creates no tensor {tensor}", label="question")
    value = final_grad(narration, tensor)
    if value is None:
        raise Degenerate(f"{tensor}.grad is None at the end of the script")
    answer = CodeAnswer(narration=narration, tensor=tensor, value=value)
    said = _verify_backwards(narration, tensor)
    task = CodeQuestion(script, question, tensor)
    return sheet_problem(spec, task, answer, array_text(value), said)


def final_grad(narration: Narration, tensor: str) -> Any:
    """The tensor's .grad after the script, from the narrated backward and zeroing events."""
    grad: Any = None
    for event in narration.events:
        if isinstance(event, Backward):
            for change in event.grads:
                if change.tensor == tensor:
                    grad = change.after
        elif isinstance(event, GradCleared) and event.tensor == tensor:
            # zero_() keeps the tensor (zeros); any other clearing (= None, zero_grad()) drops it
            grad = np.zeros_like(grad) if event.how == "zero_()" and grad is not None else None
    return grad


def _verify_backwards(narration: Narration, tensor: str) -> str:
    """Every gradient backward() added to the tensor equals the narrator's exact gradient."""
    count = 0
    for event in narration.events:
        if not isinstance(event, Backward):
            continue
        for change in event.grads:
            if change.tensor != tensor:
                continue
            where = f"line {event.line} ({event.source})"
            if change.exact is None:
                raise KeyNotVerified(
                    f"no exact gradient of {event.target} for {tensor} at {where}: autograd's "
                    "value cannot be verified"
                )
            if not np.allclose(change.added, change.exact, rtol=RTOL, atol=ATOL):
                raise KeyNotVerified(f"exact and autograd disagree at {where}")
            count += 1
    plural = "" if count == 1 else "s"
    return f"exact and autograd agree at each of {count} backward call{plural}"


# --- the key's texts --------------------------------------------------------------------------


class _KeyPrinter(sympy.printing.str.StrPrinter):  # type: ignore[misc]
    """SymPy's own syntax, with Euler's number as e and |u| as abs(u), which explain reads."""

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_Abs(self, expr: Any) -> str:
        return f"abs({self._print(expr.args[0])})"


def explain_text(value: Any, engines: Engines) -> str:
    """The value in explain's syntax, read back to make sure it means the same."""
    text = str(_KeyPrinter().doprint(value))
    back = to_sympy(engines.read(text).expr)
    if back != value and sympy.expand(back - value) != 0:
        raise Degenerate(f"the answer {text} cannot be written in explain's syntax")
    return text


def array_text(value: Any) -> str:
    """A NumPy array as nested lists with 12 significant digits: [[4, 6], [8, 10]]."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return f"{float(array):.12g}"
    return "[" + ", ".join(array_text(row) for row in array) + "]"
