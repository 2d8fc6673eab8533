"""Build: a SheetSpec, a seed and a number of variants → the Worksheet, every answer verified.

Variant k draws each templated problem from its own generator (explain.worksheet.template) and
draws again while the result is degenerate (Degenerate: a zero derivative, undefined at the
point, a script that raises), repeats a problem already on the sheet, or makes the whole sheet a
copy of an earlier variant. A find-the-mistake problem draws its wrong derivative from the same
generator (explain.worksheet.mistake), so a fixed function shows another mistake on each
variant. A fixed problem that is degenerate, and any answer that exact and autograd disagree
on, stop the build with the problem named. Equal problems are built (and wrong derivatives
judged) once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from explain import limits
from explain.errors import ExplainError, SpecError
from explain.reports import SheetProblem, Variant, Worksheet
from explain.worksheet.mistake import Judged, choose
from explain.worksheet.problems import Degenerate, Engines, Menu, build_problem
from explain.worksheet.spec import ProblemSpec, SheetSpec
from explain.worksheet.template import Values, draw, fill, generator

LABELS = {"expression": "function", "--at": "at", "value": "at", "script": "script"}
"""Labels the engines give their inputs → the spec key they came from."""

Built = SheetProblem | Menu | Degenerate
Drawn = tuple[ProblemSpec, int]
"""A problem as drawn: its filled spec and the wrong derivative chosen (-1: not a mistake)."""


@dataclass
class Memo:
    """One build's work, reused by every variant: the problems built, the wrong derivatives
    judged (per find-the-mistake problem)."""

    built: dict[ProblemSpec, Built] = field(default_factory=dict)
    judged: dict[ProblemSpec, Judged] = field(default_factory=dict)


def build(
    spec: SheetSpec,
    engines: Engines,
    *,
    variants: int | None,
    seed: int,
    students: tuple[str, ...] = (),
) -> Worksheet:
    """One sheet (variants None) or `variants` distinct, reproducible sheets; with `students`,
    one sheet per student, in the roster's order."""
    if students:
        if variants is not None and variants != len(students):
            raise SpecError(
                f"--variants {variants}, but the roster lists {len(students)} students",
                label="--students",
                hint="leave out --variants: every student gets a variant",
            )
        variants = len(students)
    count = 1 if variants is None else variants
    if not 1 <= count <= limits.MAX_VARIANTS:
        raise SpecError(f"--variants must be from 1 to {limits.MAX_VARIANTS}", label="--variants")
    templated = any(p.params or (p.kind == "mistake" and not p.mistake) for p in spec.problems)
    if count > 1 and not templated:
        raise SpecError(
            f"--variants {count}: no problem has parameters, so every sheet would be the same",
            label=spec.name,
            hint="add [problems.<id>.params] to a problem to make it a template (or leave out "
            "a find-the-mistake problem's `mistake`: each variant then draws one)",
        )
    memo = Memo()
    seen: set[tuple[Drawn, ...]] = set()
    sheets = []
    width = len(str(count))
    for k in range(1, count + 1):
        rngs = [generator(seed, k, p.id) for p in spec.problems]
        problems = _distinct_sheet(spec, engines, rngs, memo, seen, k)
        name = students[k - 1] if students else ""
        tag = "" if variants is None else f"{k:0{width}d}"
        sheets.append(Variant(id=tag, problems=problems, student=name))
    return Worksheet(spec.title, spec.course, spec.date, spec.instructions, seed, tuple(sheets))


def _distinct_sheet(
    spec: SheetSpec,
    engines: Engines,
    rngs: list[random.Random],
    memo: Memo,
    seen: set[tuple[Drawn, ...]],
    k: int,
) -> tuple[SheetProblem, ...]:
    for _ in range(limits.MAX_RESAMPLES):
        drawn: list[Drawn] = []
        built: list[SheetProblem] = []
        for problem, rng in zip(spec.problems, rngs, strict=True):
            one, made = _drawn(spec.name, problem, rng, engines, memo, [d[0] for d in drawn])
            drawn.append(one)
            built.append(made)
        signature = tuple(drawn)
        if signature not in seen:
            seen.add(signature)
            return tuple(built)
    raise SpecError(
        f"variant {k}: after {limits.MAX_RESAMPLES} draws every sheet repeats an earlier one",
        label=spec.name,
        hint="widen the parameters' ranges or ask for fewer --variants",
    )


def _drawn(
    name: str,
    problem: ProblemSpec,
    rng: random.Random,
    engines: Engines,
    memo: Memo,
    earlier: list[ProblemSpec],
) -> tuple[Drawn, SheetProblem]:
    """Draw until the problem is not degenerate and not already on this sheet."""
    why = "it repeats an earlier problem of the sheet"
    for _ in range(limits.MAX_RESAMPLES if problem.params else 1):
        values = draw(problem, rng)
        one = fill(problem, values)
        if _same_task(one, earlier):
            continue
        if one not in memo.built:
            memo.built[one] = _built(name, one, values, engines)
        chosen, made = -1, memo.built[one]
        if isinstance(made, Menu):
            judged = memo.judged.setdefault(one, {})
            chosen, made = _chosen(name, made, values, rng, engines, judged)
        if isinstance(made, SheetProblem):
            return (one, chosen), made
        why = str(made)
    where = f"{name}: {problem.key}"
    if not problem.params:
        raise SpecError(f"a degenerate problem: {why}", label=where)
    raise SpecError(f"no usable draw in {limits.MAX_RESAMPLES} tries; last: {why}", label=where)


def _same_task(one: ProblemSpec, earlier: list[ProblemSpec]) -> bool:
    task = (one.function, one.variable, one.order, one.at, one.script, one.question)
    return any(
        task == (p.function, p.variable, p.order, p.at, p.script, p.question) for p in earlier
    )


def _built(name: str, one: ProblemSpec, values: Values, engines: Engines) -> Built:
    try:
        made = build_problem(one, engines)
    except Degenerate as why:
        return why
    except ExplainError as err:
        _label(err, name, one, values)
        raise
    return made if isinstance(made, Menu) else replace(made, parameters=values)


def _chosen(
    name: str, menu: Menu, values: Values, rng: random.Random, engines: Engines, judged: Judged
) -> tuple[int, SheetProblem | Degenerate]:
    """The wrong derivative drawn for a find-the-mistake problem (its index in the menu)."""
    try:
        index, made = choose(menu, rng, engines, judged)
    except Degenerate as why:
        return -1, why
    except ExplainError as err:
        _label(err, name, menu.spec, values)
        raise
    return index, replace(made, parameters=values)


def _label(err: ExplainError, name: str, one: ProblemSpec, values: Values) -> None:
    """Say where: the file, the problem's key (and field) and the values drawn."""
    drawn = f" (drawn: {', '.join(f'{k}={v}' for k, v in values)})" if values else ""
    key = LABELS.get(err.label or "", err.label) or ("script" if one.script else None)
    err.label = f"{name}: {one.key}" + (f".{key}" if key else "") + drawn
