"""Build: a SheetSpec, a seed and a number of variants → the Worksheet, every answer verified.

Variant k draws each templated problem from its own generator (explain.worksheet.template) and
draws again while the result is degenerate (Degenerate: a zero derivative, undefined at the
point, a script that raises), repeats a problem already on the sheet, or makes the whole sheet a
copy of an earlier variant. A fixed problem that is degenerate, and any answer that exact and
autograd disagree on, stop the build with the problem named. Equal problems are built once.
"""

from __future__ import annotations

import random

from explain import limits
from explain.errors import ExplainError, SpecError
from explain.reports import SheetProblem, Variant, Worksheet
from explain.worksheet.problems import Degenerate, Engines, build_problem
from explain.worksheet.spec import ProblemSpec, SheetSpec
from explain.worksheet.template import Values, draw, fill, generator

LABELS = {"expression": "function", "--at": "at", "value": "at", "script": "script"}
"""Labels the engines give their inputs → the spec key they came from."""

Built = SheetProblem | Degenerate
Memo = dict[ProblemSpec, Built]


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
    templated = any(p.params for p in spec.problems)
    if count > 1 and not templated:
        raise SpecError(
            f"--variants {count}: no problem has parameters, so every sheet would be the same",
            label=spec.name,
            hint="add [problems.<id>.params] to a problem to make it a template",
        )
    memo: Memo = {}
    seen: set[tuple[ProblemSpec, ...]] = set()
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
    seen: set[tuple[ProblemSpec, ...]],
    k: int,
) -> tuple[SheetProblem, ...]:
    for _ in range(limits.MAX_RESAMPLES):
        filled: list[ProblemSpec] = []
        built: list[SheetProblem] = []
        for problem, rng in zip(spec.problems, rngs, strict=True):
            one, made = _drawn(spec.name, problem, rng, engines, memo, filled)
            filled.append(one)
            built.append(made)
        signature = tuple(filled)
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
) -> tuple[ProblemSpec, SheetProblem]:
    """Draw until the problem is not degenerate and not already on this sheet."""
    why = "it repeats an earlier problem of the sheet"
    for _ in range(limits.MAX_RESAMPLES if problem.params else 1):
        values = draw(problem, rng)
        one = fill(problem, values)
        if _same_task(one, earlier):
            continue
        if one not in memo:
            memo[one] = _built(name, one, values, engines)
        made = memo[one]
        if isinstance(made, SheetProblem):
            return one, made
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
        drawn = f" (drawn: {', '.join(f'{k}={v}' for k, v in values)})" if values else ""
        field = LABELS.get(err.label or "", err.label) or ("script" if one.script else None)
        err.label = f"{name}: {one.key}" + (f".{field}" if field else "") + drawn
        raise
    from dataclasses import replace

    return replace(made, parameters=values)
