"""Find the mistake: a Menu (the right derivative and the catalogue's wrong ones) and a seeded
generator → the wrong derivative a student sees, and its key, judged by `explain check`.

The mistake is a seeded choice: first among the mistake codes the catalogue has for the
function, then among that code's wrong derivatives. A choice is degenerate, and the next one
is tried, when `explain check` does not judge the wrong derivative `incorrect` naming exactly
the intended mistake: it equals the right derivative, another code comes first, or it equals
a catalogued wrong derivative that comes earlier (which check would name instead). A check
that runs out of time stops the build instead: the same seed must give the same sheets.
"""

from __future__ import annotations

import random
from typing import Any

import sympy

from explain.errors import LimitExceeded
from explain.expr import variables
from explain.grades import Mistake, Problem, Witness
from explain.grading.mistakes import Candidate
from explain.reports import FindMistake, MistakeAnswer, SheetProblem
from explain.symbolic import symbol
from explain.worksheet.problems import Degenerate, Engines, Menu, explain_text, sheet_problem

WITNESS_POINTS = ("1", "2", "-1", "1/2", "3", "-2", "1/3")
"""Where the key shows the wrong and right derivatives differing (the first point where both
are defined and differ in 6 digits; rotated among variables); else the judge's own witness."""

Judged = dict[int, SheetProblem | Degenerate]
"""Candidate index → its problem, or why it is degenerate (kept for the next variants)."""


def choose(
    menu: Menu, rng: random.Random, engines: Engines, judged: Judged
) -> tuple[int, SheetProblem]:
    """The seeded choice of a usable wrong derivative: (its index in the menu, the problem)."""
    last = ""
    for index in _order(menu.candidates, rng):
        if index not in judged:
            try:
                judged[index] = _judged(menu, index, engines)
            except Degenerate as why:
                judged[index] = why
        made = judged[index]
        if isinstance(made, SheetProblem):
            return index, made
        last = str(made)
    code = f"{menu.spec.mistake} " if menu.spec.mistake else ""
    raise Degenerate(
        f"explain check recognises no {code}wrong derivative of the catalogue for "
        f"{menu.derivation.parsed.source} ({len(menu.candidates)} tried; last: {last})"
    )


def _order(candidates: tuple[Candidate, ...], rng: random.Random) -> list[int]:
    """Every candidate once: codes in a seeded order, each code's candidates shuffled."""
    codes = list(dict.fromkeys(c.code for c in candidates))
    rng.shuffle(codes)
    order: list[int] = []
    for code in codes:
        group = [i for i, c in enumerate(candidates) if c.code == code]
        rng.shuffle(group)
        order += group
    return order


def _judged(menu: Menu, index: int, engines: Engines) -> SheetProblem:
    candidate = menu.candidates[index]
    d, spec = menu.derivation, menu.spec
    wrong = explain_text(candidate.result, engines)
    shown = f"{wrong} ({candidate.code}: {candidate.title})"
    verdict = engines.check(Problem(function=spec.function, variable=d.var, order=d.order), wrong)
    if verdict.status == "timeout":  # not drawn again: the sheets would depend on the machine
        raise LimitExceeded(f"explain check ran out of time on the wrong derivative {shown}")
    if verdict.status == "correct":
        raise Degenerate(f"the wrong derivative {shown} equals the right one")
    named = verdict.mistake
    if verdict.status != "incorrect" or named is None:
        raise Degenerate(f"explain check finds {shown} {verdict.status} and names no mistake")
    if named.code != candidate.code:
        raise Degenerate(f"explain check names {named.code}, not {candidate.code}, in {wrong}")
    if named != Mistake(candidate.code, candidate.title, candidate.step):
        raise Degenerate(f"{shown} equals an earlier catalogued wrong derivative ({named.title})")
    witness = _witness(candidate.result, d.result, variables(d.parsed.expr)) or verdict.witness
    if witness is None:
        raise Degenerate(f"no point where {shown} and the right derivative differ")
    task = FindMistake(d.parsed, d.var, d.order, menu.partial, candidate.result, wrong)
    verified = (
        f"{menu.verified}; explain check judges the student's derivative incorrect "
        f"({verdict.basis}) and names the mistake {named.code}"
    )
    return sheet_problem(spec, task, MistakeAnswer(named, d, witness), menu.expected, verified)


def _witness(wrong: Any, right: Any, names: tuple[str, ...]) -> Witness | None:
    """The first of WITNESS_POINTS where both derivatives are real and differ in 6 digits."""
    n = len(WITNESS_POINTS)
    for j in range(n):
        point = tuple((v, WITNESS_POINTS[(i + j) % n]) for i, v in enumerate(names))
        at = {symbol(v): sympy.Rational(text) for v, text in point}
        student, correct = _value(wrong, at), _value(right, at)
        if student is not None and correct is not None and student != correct:
            return Witness(point, student, correct)
    return None


def _value(expr: Any, at: dict[Any, Any]) -> str | None:
    """The real value at the point in 6 significant digits, None where undefined or complex."""
    value = sympy.N(expr.xreplace(at), 20)
    if not (value.is_number and value.is_real and value.is_finite):
        return None
    return f"{float(value):.6g}"
