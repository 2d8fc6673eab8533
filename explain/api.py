"""Python API: read, derive, gradient, crosscheck, graph, narrate, build_worksheet; the CLI calls
these and renders them."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

from explain import limits
from explain.budget import time_budget
from explain.errors import BudgetExceeded, LimitExceeded, UsageError
from explain.expr import Parsed, variables
from explain.parse import default_variable, variable_name
from explain.parse_latex import read as _read
from explain.steps import Derivation, Gradient

if TYPE_CHECKING:
    from explain.batch import Options
    from explain.events import Narration
    from explain.grades import ClassReport, Problem, Verdict
    from explain.grading.mistakes import Candidate
    from explain.numeric import Point
    from explain.reports import CrossCheck, Graph, Worksheet
    from explain.worksheet import Engines

T = TypeVar("T")
_ONE = 1.0  # the value graph() gives a variable that --at does not mention
PointSpec = str | Mapping[str, object] | None


def read(text: str, *, latex: bool | None = None) -> Parsed:
    """Parse what a person typed (plain maths, Python/PyTorch style, or LaTeX) into a tree."""
    return _read(text, latex=latex)


def derive(
    expression: str | Parsed,
    wrt: str | None = None,
    *,
    order: int = 1,
    at: PointSpec = None,
    latex: bool | None = None,
) -> Derivation:
    """The exact derivative of `expression` with the teacher's steps.

    `wrt` defaults to x when present, else the only variable. `at` ("x=1, y=2" or a mapping)
    adds the exact and float value of the derivative there.
    """
    return _bounded(lambda: _derive_now(expression, wrt, order, at, latex))


def gradient(
    expression: str | Parsed,
    wrt: Sequence[str] | str | None = None,
    *,
    at: PointSpec = None,
    latex: bool | None = None,
) -> Gradient:
    """∇f: a first-order derivation per variable (`wrt` "x,y" or a list; default: all, in order)."""
    return _bounded(lambda: _gradient_now(expression, wrt, at, latex))


def crosscheck(
    expression: str | Parsed,
    at: str,
    wrt: Sequence[str] | str | None = None,
    *,
    dtype: str = "float64",
    latex: bool | None = None,
) -> CrossCheck:
    """The exact gradient, PyTorch's autograd and finite differences at `at`, side by side.

    `at` gives every variable a scalar or tensor value ("x=[[1,2],[3,4]]", "x=linspace(-3,3,7)");
    `wrt` defaults to every variable.
    """
    return _bounded(lambda: _crosscheck_now(expression, at, wrt, dtype, latex))


def graph(expression: str | Parsed, at: str | None = None, *, latex: bool | None = None) -> Graph:
    """The autograd graph PyTorch builds for the expression (every variable 1.0 unless `at`)."""
    from explain.autograd import run
    from explain.values import parse_values

    parsed = expression if isinstance(expression, Parsed) else read(expression, latex=latex)
    names = variables(parsed.expr)
    given = {v.name: v.array for v in parse_values(at)} if at else {}
    env = {name: given.get(name, _ONE) for name in names}
    return run(parsed.expr, env, names, source=parsed.source).graph


def narrate(source: str, *, filename: str = "<script>", keep_going: bool = False) -> Narration:
    """Run a tutorial-style PyTorch script safely, with real torch, and narrate autograd."""
    if len(source) > limits.MAX_SCRIPT_CHARS:
        raise LimitExceeded(
            f"the script is {len(source)} characters; the limit is {limits.MAX_SCRIPT_CHARS}",
            label=filename,
        )
    from explain.narrate import narrate as run_script

    return run_script(source, filename=filename, keep_going=keep_going)


def build_worksheet(
    spec: str | os.PathLike[str] | None = None,
    *,
    text: str | None = None,
    variants: int | None = None,
    seed: int = 0,
    students: str | os.PathLike[str] | Sequence[str] | None = None,
) -> Worksheet:
    """A worksheet from a TOML spec (a file, or `text`): one sheet, or `variants` distinct ones.

    `students` (a roster file, one id per line, or a list) gives every student a variant.
    Every answer is worked (steps, values, narrated backward calls) and verified against
    PyTorch's autograd; the same spec and seed give the same sheets, byte for byte.
    """
    from explain.worksheet import build, parse_spec, read_spec, read_students

    if (spec is None) == (text is None):
        raise UsageError("give a spec file or its text, not both")
    sheet = parse_spec(text) if text is not None else read_spec(os.fspath(spec))  # type: ignore[arg-type]
    roster: tuple[str, ...] = ()
    if isinstance(students, str | os.PathLike):
        roster = read_students(os.fspath(students))
    elif students is not None:
        roster = tuple(students)
    return build(sheet, worksheet_engines(), variants=variants, seed=seed, students=roster)


def worksheet_engines() -> Engines:
    """The API functions the worksheet builder calls (a test may replace one to plant a fault)."""
    from explain.worksheet import Engines

    return Engines(
        read=read, derive=derive, crosscheck=crosscheck, narrate=narrate, check=check,
        mistakes=_mistakes,
    )  # fmt: skip


def _mistakes(derivation: Derivation) -> list[Candidate]:
    """The mistake catalogue's wrong answers for a derivation, as `check` tries them."""
    from explain.grading.mistakes import catalogue
    from explain.symbolic import to_sympy

    parsed = derivation.parsed
    names = tuple(dict.fromkeys((*variables(parsed.expr), derivation.var)))
    return _bounded(lambda: catalogue(derivation, to_sympy(parsed.expr, parsed.source), names))


def check(problem: Problem | str, answer: str, *, seed: int = 0) -> Verdict:
    """Is `answer` the derivative asked for? A Verdict with its basis, witness and mistake.

    `problem` is the function to differentiate (d/dx, x or the only variable) or a Problem
    (variable, order, at, expected, or an autograd script and its question such as "x.grad").
    The answer is judged within limits.ANSWER_SECONDS; past it the verdict is "timeout".
    """
    from explain.grades import Problem
    from explain.questions import ask, prepare_question, timed_out

    spec = problem if isinstance(problem, Problem) else Problem(function=problem)
    question = _bounded(lambda: prepare_question(spec, seed))
    try:
        with time_budget(limits.ANSWER_SECONDS):
            return ask(question, answer)
    except BudgetExceeded:
        return timed_out(question, answer, limits.ANSWER_SECONDS)


def grade(key: str, submissions: str, output: str, options: Options | None = None) -> ClassReport:
    """Grade a class: `key` (TOML), `submissions` (CSV or JSONL) -> `output` (CSV, JSONL, JSON).

    One output row per input row, in input order; malformed rows are kept as "invalid" with
    the reason. `options` (explain.batch.Options): `jobs` worker processes (None: one per
    core; 0: none), `resume` an interrupted run, `memo` (off only to measure it), `progress`
    called with (bytes read, rows written).
    """
    import os

    from explain.batch import Options, grade_class

    chosen = options or Options()
    if chosen.jobs is None:
        chosen = dataclasses.replace(chosen, jobs=os.cpu_count() or 1)
    elif chosen.jobs < 0:
        raise UsageError(f"--jobs must be 0 (no worker processes) or more, not {chosen.jobs}")
    return grade_class(key, submissions, output, chosen)


def _crosscheck_now(
    expression: str | Parsed,
    at: str,
    wrt: Sequence[str] | str | None,
    dtype: str,
    latex: bool | None,
) -> CrossCheck:
    from explain.crosscheck import crosscheck as check
    from explain.numeric import value_at
    from explain.values import parse_values

    parsed = expression if isinstance(expression, Parsed) else read(expression, latex=latex)
    values = parse_values(at)
    names = split_names(wrt) if wrt is not None else None
    report = check(parsed, values, names, dtype=dtype)
    if report.derivations and all(v.exact is not None for v in values):
        point = tuple((v.name, v.exact) for v in values)
        exact = tuple(
            dataclasses.replace(d, value=value_at(d.result, point)) for d in report.derivations
        )
        report = dataclasses.replace(report, derivations=exact)
    return report


def _derive_now(
    expression: str | Parsed, wrt: str | None, order: int, at: PointSpec, latex: bool | None
) -> Derivation:
    parsed = expression if isinstance(expression, Parsed) else read(expression, latex=latex)
    var = variable_name(wrt) if wrt is not None else default_variable(parsed)
    from explain.rules import derive as _derive  # SymPy: only for what derives

    derivation = _derive(parsed, var, order)
    point = _point(at)
    if point is None:
        return derivation
    from explain.numeric import value_at  # loaded only when a point is asked for

    return dataclasses.replace(derivation, value=value_at(derivation.result, point))


def _gradient_now(
    expression: str | Parsed, wrt: Sequence[str] | str | None, at: PointSpec, latex: bool | None
) -> Gradient:
    parsed = expression if isinstance(expression, Parsed) else read(expression, latex=latex)
    names = split_names(wrt) if wrt is not None else variables(parsed.expr)
    if not names:
        raise UsageError("the expression has no variables to take a gradient over")
    if len(names) > limits.MAX_VARIABLES:
        raise LimitExceeded(f"{len(names)} variables; the limit is {limits.MAX_VARIABLES}")
    from explain.rules import gradient as _gradient

    grad = _gradient(parsed, names)
    point = _point(at)
    if point is None:
        return grad
    from explain.numeric import value_at

    components = tuple(
        dataclasses.replace(c, value=value_at(c.result, point)) for c in grad.components
    )
    return dataclasses.replace(grad, components=components)


def split_names(wrt: Sequence[str] | str) -> tuple[str, ...]:
    """ "x,y" or ["x", "y"] -> canonical names, each once."""
    raw = wrt.split(",") if isinstance(wrt, str) else list(wrt)
    names = tuple(variable_name(name.strip()) for name in raw)
    if len(set(names)) != len(names):
        raise UsageError(f"a variable is listed twice in {', '.join(names)}")
    return names


def _point(at: PointSpec) -> Point | None:
    if at is None:
        return None
    from explain.numeric import parse_point, point_from_mapping

    return parse_point(at) if isinstance(at, str) else point_from_mapping(at)


def _bounded(compute: Callable[[], T]) -> T:
    try:
        with time_budget(limits.MAX_SECONDS_PER_ITEM):
            return compute()
    except BudgetExceeded:
        raise LimitExceeded(
            f"gave up after {limits.MAX_SECONDS_PER_ITEM:g} s (limits.MAX_SECONDS_PER_ITEM)"
        ) from None
