"""MODEL: the verdict on one answer (with its mistake and witness) and the report on a class.

Every text a renderer shows is a field here, computed once by explain.grading / explain.batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["correct", "incorrect", "invalid", "unsupported", "timeout"]
STATUSES: tuple[Status, ...] = ("correct", "incorrect", "invalid", "unsupported", "timeout")


@dataclass(frozen=True, slots=True)
class Witness:
    """A point where the answer and the truth differ: the point and both values, as text.

    `answer` is "undefined" where the answer has no real value but the derivative has one.
    """

    point: tuple[tuple[str, str], ...]
    answer: str
    expected: str


@dataclass(frozen=True, slots=True)
class Mistake:
    """The likely mistake: a stable `code`, a teacher's `title`, and the step where it happens."""

    code: str
    title: str
    step: str  # "Chain rule on sin(x²)"; "" when not tied to one step


@dataclass(frozen=True, slots=True)
class Verdict:
    """One answer judged: status, its basis, the evidence, the mistake and one line of feedback.

    `basis` says why: "proven" (SymPy shows the difference is 0), "agrees to 30 digits at N
    points", "differs at a point" (with `witness`), or the reason it could not be judged.
    """

    status: Status
    question: str  # "d/dx (x² + 2x + 1)", "x.grad after the script", ...
    answer: str  # as typed
    read_as: str  # how the answer was read ("" when it could not be read)
    expected: str  # the expected answer, shown
    basis: str
    feedback: str
    witness: Witness | None = None
    mistake: Mistake | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProblemSummary:
    """One problem over a class: counts by status, the most common wrong answers and mistakes."""

    problem: str
    answers: int
    counts: tuple[tuple[Status, int], ...]
    wrong_answers: tuple[tuple[str, int], ...]
    mistakes: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class ClassReport:
    """A graded class: rows read and written, distinct answers graded, one summary per problem."""

    title: str
    rows: int
    graded: int  # distinct (problem, normalised answer) pairs actually graded
    resumed: int  # rows taken from an earlier, interrupted run
    problems: tuple[ProblemSummary, ...]
    output: str | None


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of a key: differentiate `function` (or narrate `script` and ask `question`).

    `at` asks for the derivative's value at a point; `expected` overrides the derived answer.
    """

    function: str | None = None
    variable: str | None = None
    order: int = 1
    at: str | None = None
    expected: str | None = None
    script: str | None = None
    question: str | None = None
    points: float = 1.0
