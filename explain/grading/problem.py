"""Prepare a problem once: its derivation, the expected answer, sample points, the mistakes.

Everything an answer is compared with is computed here once per problem (and reused for every
student): the expected values at the points (float and 40-digit) and the value of every
catalogued wrong answer at the same points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from explain.errors import ExplainError, UsageError
from explain.expr import Expr, Parsed, variables
from explain.grades import Problem
from explain.grading.canon import Form, canonical
from explain.grading.compare import close
from explain.grading.evaluate import floats
from explain.grading.sample import Sample, choose
from explain.grading.shape import Key, shape
from explain.parse import default_variable, variable_name
from explain.parse_latex import read
from explain.steps import Derivation
from explain.written import pretty

if TYPE_CHECKING:
    from explain.grading.mistakes import Candidate

Sym = Any
Array = Any


@dataclass
class Prepared:
    """A problem ready to judge answers against (built by `prepare`)."""

    question: str
    var: str
    names: tuple[str, ...]
    reference: Expr
    reference_sym: Sym
    expected: str
    function: Expr | None
    function_sym: Sym | None
    sample: Sample | None
    candidates: list[tuple[Candidate, Array]]
    derivation: Derivation | None
    point: dict[str, float] = field(default_factory=dict)
    """For a value question (`at`): the point, as floats."""
    canonical: Form | None = None
    function_values: Array = None
    """The problem's function at the sample points (when it has both)."""
    """The expected answer's canonical form (explain.grading.canon), when it has one."""
    _shape: Key | None = None
    _table: list[tuple[float, ...]] | None = None

    @property
    def reference_shape(self) -> Key:
        """The expected answer's structural key (computed once)."""
        if self._shape is None:
            self._shape = shape(self.reference)
        return self._shape

    @property
    def candidate_table(self) -> list[tuple[float, ...]]:
        """The candidates' values at the points as tuples of floats (NaN where undefined),
        computed once: matching an answer then compares plain floats, most at the first point."""
        if self._table is None:
            self._table = [tuple(float(x) for x in v) for _, v in self.candidates]
        return self._table


def prepare(problem: Problem, seed: int = 0) -> Prepared:
    """The problem's truth and catalogue, or an ExplainError saying what is wrong with it."""
    from explain.grading.mistakes import catalogue  # SymPy: imported by the first problem
    from explain.rules import derive
    from explain.symbolic import from_sympy, to_sympy

    parsed = read(problem.function, label="function") if problem.function else None
    expected = read(problem.expected, label="expected") if problem.expected else None
    source = parsed or expected
    if source is None:
        raise UsageError("a problem needs a function to differentiate or an expected answer")
    var = variable_name(problem.variable) if problem.variable else default_variable(source)
    derivation = derive(parsed, var, problem.order) if parsed is not None else None
    if expected is not None:
        reference, reference_sym = expected.expr, to_sympy(expected.expr, expected.source)
    else:
        reference_sym = derivation.result if derivation is not None else None
        reference = from_sympy(reference_sym)
    function_sym = to_sympy(parsed.expr, parsed.source) if parsed is not None else None
    names = tuple(dict.fromkeys((*variables(source.expr), var, *variables(reference))))
    point = _point(problem.at)
    prepared = Prepared(
        question=_question(source, var, problem.order, parsed is not None, problem.at),
        var=var,
        names=() if point else names,
        reference=reference,
        reference_sym=reference_sym,
        expected=pretty(reference),
        function=parsed.expr if parsed is not None and not point else None,
        function_sym=function_sym,
        sample=None,
        candidates=[],
        derivation=derivation,
    )
    if point:
        _at_point(prepared, point)
        prepared.point = {str(name): float(value) for name, value in point.items()}
    prepared.canonical = canonical(prepared.reference)
    prepared.sample = choose(prepared.reference, prepared.function, prepared.names, var, seed)
    if prepared.sample is not None and derivation is not None and function_sym is not None:
        prepared.candidates = _evaluated(
            catalogue(derivation, function_sym, names), prepared, point
        )
    prepared.candidate_table  # noqa: B018  (built now: an answer pays only for itself)
    prepared.reference_shape  # noqa: B018
    if prepared.sample is not None and prepared.function is not None:
        sample = prepared.sample
        prepared.function_values = floats(prepared.function, sample.env, sample.size)
    return prepared


def _question(source: Parsed, var: str, order: int, derived: bool, at: str | None) -> str:
    if not derived:
        return f"an expression equal to {pretty(source.expr)}"
    d = f"d/d{var}" if order == 1 else f"d^{order}/d{var}^{order}"
    where = f" at {at}" if at else ""
    return f"{d} ({pretty(source.expr)}){where}"


def _point(at: str | None) -> dict[Sym, Sym]:
    if at is None:
        return {}
    from explain.numeric import parse_point
    from explain.symbolic import symbol

    return {symbol(name): value for name, value in parse_point(at)}


def _at_point(prepared: Prepared, point: dict[Sym, Sym]) -> None:
    """The expected answer is a number: the derivative's exact value at the point."""
    from explain.symbolic import from_sympy

    value = prepared.reference_sym.subs(point)
    if value.free_symbols:
        missing = ", ".join(sorted(str(s) for s in value.free_symbols))
        raise UsageError(f"the point gives no value for {missing}")
    prepared.reference_sym = value
    try:
        prepared.reference = from_sympy(value)
    except ExplainError:
        prepared.reference = from_sympy(value.evalf(50))
    prepared.expected = pretty(prepared.reference)


def _evaluated(
    found: list[Candidate], prepared: Prepared, point: dict[Sym, Sym]
) -> list[tuple[Candidate, Array]]:
    """Each candidate with its values at the sample; those equal to the truth or a predecessor
    (or without a value) are left out."""
    from explain.symbolic import from_sympy

    sample = prepared.sample
    if sample is None:
        return []
    kept: list[tuple[Candidate, Array]] = []
    for candidate in found:
        try:
            expr = from_sympy(candidate.result.subs(point) if point else candidate.result)
            values = floats(expr, sample.env_for(variables(expr)), sample.size)
        except (ExplainError, KeyError, TypeError, ValueError):
            continue
        if not np.isfinite(values).any() or close(values, sample.reference).all():
            continue
        if any(close(values, seen).all() for _, seen in kept):
            continue
        kept.append((candidate, values))
    return kept
