"""The shared derivative corpus: every case derived by explain equals the corpus derivative,
and the rules the corpus names appear in the step tree."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
import sympy

from explain.errors import ParseError
from explain.expr import Cases, variables
from explain.parse import parse
from explain.rules import derive, walk
from explain.steps import RULE_NAMES, Derivation
from explain.symbolic import symbol, to_sympy

CORPUS = Path(__file__).resolve().parent / "corpus" / "derivative_cases.json"

RULES: dict[str, set[str]] = {
    "power": {"power", "root"},
    "log_base": {"log"},
}
"""Corpus rule names -> explain's (RULE_NAMES) where they differ; `sqrt(x)` is our root rule."""

NOT_STEPS = {"partial", "higher_order", "implicit"}
"""Corpus rule names that describe the question rather than a step."""

DERIVATIVE = re.compile(r"Derivative\((\w+)\((\w+)\),\s*(\w+)\)")


def load_cases() -> list[dict[str, Any]]:
    if not CORPUS.is_file():
        return []
    cases: list[dict[str, Any]] = json.loads(CORPUS.read_text(encoding="utf-8"))["cases"]
    return cases


CASES = load_cases()


STAND_INS = ("alpha", "omega", "theta", "kappa")
"""Variables that stand for Derivative(f(x), x) while explain's parser reads the corpus text."""


def expected_value(text: str) -> sympy.Expr:
    """The corpus derivative as SymPy, via explain's parser (each Derivative(f(x), x) is read
    as a stand-in variable, then replaced)."""
    found = list(dict.fromkeys(m.group(0) for m in DERIVATIVE.finditer(text)))
    swaps = {}
    for stand_in, written in zip(STAND_INS, found, strict=False):
        match = DERIVATIVE.fullmatch(written)
        assert match is not None
        name, arg, var = match.group(1), symbol(match.group(2)), symbol(match.group(3))
        swaps[symbol(stand_in)] = sympy.Derivative(sympy.Function(name)(arg), var)
        text = text.replace(written, stand_in)
    parsed = parse(text)
    return to_sympy(parsed.expr, parsed.source).xreplace(swaps)


def equal(a: sympy.Expr, b: sympy.Expr, function: sympy.Expr) -> bool:
    """Equal symbolically, else at ≥ 5 random points inside the real domain (1e-9 relative)."""
    difference = (a - b).doit()
    if difference == 0 or sympy.simplify(difference) == 0:
        return True
    undefined = sorted({type(f) for f in (a + b).atoms(sympy.core.function.AppliedUndef)}, key=str)
    assert not undefined, f"{a} and {b} differ symbolically"
    rng = random.Random(7)
    symbols = sorted(a.free_symbols | b.free_symbols | function.free_symbols, key=str)
    agreeing = 0
    for _ in range(300):
        point = {s: sympy.Rational(rng.randint(-4000, 4000), 991) for s in symbols}
        values = [e.evalf(25, subs=point) for e in (function, a, b)]
        if not all(v.is_Number and v.is_finite and v.is_extended_real for v in values):
            continue
        _, left, right = values
        assert abs(left - right) <= 1e-9 * max(1, abs(left), abs(right)), (point, left, right)
        agreeing += 1
    return agreeing >= 5


def named_rules(derivation: Derivation) -> set[str]:
    return {RULE_NAMES[type(s)] for stage in derivation.stages for s in walk(stage.step)}


def test_corpus_is_present() -> None:
    assert len(CASES) >= 50, f"the corpus copy is missing: {CORPUS}"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_corpus_case(case: dict[str, Any]) -> None:
    parsed = parse(case["function"])
    var, order = case["variable"], case["order"]
    derivation = derive(parsed, var, order)
    function = to_sympy(parsed.expr)
    expected = expected_value(case["derivative"])
    assert equal(derivation.result, expected, function)
    assert equal(derivation.raw, expected, function)
    found = named_rules(derivation)
    for rule in case["rules"]:
        if rule not in NOT_STEPS:
            assert RULES.get(rule, {rule}) & found, f"{rule} not among {sorted(found)}"
    if "partial" in case["rules"]:
        assert set(variables(parsed.expr)) - {var}
    if "higher_order" in case["rules"]:
        assert len(derivation.stages) == order > 1


def test_piecewise_is_read_and_checked_at_its_boundary() -> None:
    """pw-03 is read as a function defined by cases; the piecewise rule says it is
    differentiable at 0 (both one-sided slopes are 1), as the corpus note does."""
    parsed = parse("Piecewise((sin(x), x < 0), (x, True))")
    assert isinstance(parsed.expr, Cases)
    assert [len(p.condition) for p in parsed.expr.pieces] == [1, 0]
    derivation = derive(parsed, "x")
    (boundary,) = derivation.stages[0].step.boundaries  # type: ignore[union-attr]
    assert (boundary.point, boundary.continuous, boundary.differentiable) == (0, True, True)
    assert (boundary.left_slope, boundary.right_slope) == (1, 1)
    with pytest.raises(ParseError, match="comparison"):
        parse("Piecewise((sin(x), x), (x, True))")


def test_corpus_derivatives_use_real_symbols() -> None:
    assert symbol("x").is_real
