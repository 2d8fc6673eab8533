"""Equivalence and mistakes on labelled answers: the shared corpus and explain's own cases.

Zero wrong verdicts: never "correct" for a non-equivalent answer, never "incorrect" for an
equivalent one, every catalogued mistake named by its code, and no mistake claimed where the
label has none.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from explain.grades import Problem
from explain.grading import prepare
from explain.grading.judge import judge
from explain.grading.shape import shape
from explain.parse_latex import read
from tests.conftest import CORPUS
from tests.data.own_cases import CASES

STATUS = {"equivalent": "correct", "not_equivalent": "incorrect", "invalid_syntax": "invalid"}
CATALOGUED = {
    "chain_missing_inner", "chain_misapplied", "product_as_product_of_derivatives",
    "quotient_order_swapped", "quotient_denominator_not_squared", "sign_error",
    "power_exponent_not_reduced", "power_coefficient_missing", "constant_term_error",
    "constant_multiple_lost", "log_base_mixup", "exp_log_base_factor", "wrong_variable",
    "original_returned", "integrated_instead", "power_exponential_confusion",
    "derivative_table_mixup", "log_power_confusion", "higher_order_error",
    "inexact_coefficient", "branch_or_domain", "ambiguous_input", "constant_factor",
}  # fmt: skip


def corpus_cases() -> list[Any]:
    path = CORPUS / "equivalence_cases.json"  # a copy kept in the repository: never missing
    cases = json.loads(Path(path).read_text(encoding="utf-8"))["cases"]
    return [pytest.param(c, id=c["id"]) for c in cases]


def verdict_for(function: str, variable: str, order: int, answer: str) -> Any:
    return judge(prepare(Problem(function=function, variable=variable, order=order)), answer)


@pytest.mark.parametrize("case", corpus_cases())
def test_shared_corpus(case: dict[str, Any]) -> None:
    problem = case["problem"]
    verdict = verdict_for(
        problem["function"], problem["variable"], problem["order"], case["student_answer"]
    )
    assert verdict.status == STATUS[case["expected"]], verdict
    code = case.get("mistake_code")
    if verdict.status == "incorrect":
        assert verdict.witness is not None
        got = verdict.mistake.code if verdict.mistake else None
        assert got == (code if code in CATALOGUED else None), verdict


@pytest.mark.parametrize(
    ("function", "variable", "order", "answer", "status", "code"),
    CASES,
    ids=[f"{c[0]} | {c[3][:30]}" for c in CASES],
)
def test_own_cases(
    function: str, variable: str, order: int, answer: str, status: str, code: str | None
) -> None:
    verdict = verdict_for(function, variable, order, answer)
    assert verdict.status == status, verdict
    if status == "incorrect":
        assert verdict.witness is not None and verdict.witness.point
        assert (verdict.mistake.code if verdict.mistake else None) == code, verdict


def test_labelled_pairs_are_many_enough() -> None:
    assert len(corpus_cases()) + len(CASES) >= 150


def test_witness_shows_both_values_where_they_differ() -> None:
    verdict = verdict_for("sin(x^2)", "x", 1, "cos(x^2)")
    assert verdict.witness is not None
    ((name, where),) = verdict.witness.point
    assert name == "x"
    import math

    x = float(where)
    assert float(verdict.witness.answer) == pytest.approx(math.cos(x * x), rel=1e-4)
    assert float(verdict.witness.expected) == pytest.approx(2 * x * math.cos(x * x), rel=1e-4)
    assert verdict.mistake is not None and verdict.mistake.step == "Chain rule on sin(x²)"


def test_basis_is_proven_or_digits() -> None:
    assert verdict_for("2*sin(x)*cos(x)", "x", 1, "2cos(2x)").basis == "proven"
    big = verdict_for("(x - 1)^6000", "x", 1, "6000(x - 1)^5999")
    assert big.status == "correct"


def test_difference_beyond_float64_is_shown_with_enough_digits() -> None:
    verdict = verdict_for("x^3/9", "x", 1, "0.333333333333333x^2")
    assert verdict.witness is not None
    assert verdict.witness.answer != verdict.witness.expected


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 17])
def test_no_wrong_verdict_for_any_seed(seed: int) -> None:
    for function, variable, order, answer, status, _ in CASES[::3]:
        problem = prepare(Problem(function=function, variable=variable, order=order), seed)
        assert judge(problem, answer).status == status, (function, answer, seed)


def test_invalid_answer_says_where() -> None:
    verdict = verdict_for("x^2", "x", 1, "2x +")
    assert verdict.status == "invalid"
    assert "column" in verdict.feedback


def test_proof_on_a_positive_domain_says_so() -> None:
    assert verdict_for("ln(x)", "x", 1, "1/abs(x)").basis == "proven for x > 0"
    assert verdict_for("abs(x)", "x", 1, "x/abs(x)").basis.startswith("agrees to 30 digits")


PIECEWISE = "Piecewise((x^2, x < 0), (x, True))"


def test_piecewise_answer_valid_on_each_piece_is_correct() -> None:
    """eqf-24's answer leaves x = 0 undefined (no derivative there): still correct."""
    verdict = verdict_for(PIECEWISE, "x", 1, "Piecewise((2*x, x < 0), (1, x > 0))")
    assert verdict.status == "correct", verdict


def test_piecewise_answer_with_one_wrong_piece_has_a_witness_in_that_piece() -> None:
    left = verdict_for(PIECEWISE, "x", 1, "Piecewise((2, x < 0), (1, True))")
    right = verdict_for(PIECEWISE, "x", 1, "Piecewise((2*x, x < 0), (x, True))")
    for verdict, inside in ((left, lambda x: x < 0), (right, lambda x: x >= 0)):
        assert verdict.status == "incorrect", verdict
        assert verdict.witness is not None
        ((_, at),) = verdict.witness.point
        assert inside(float(at)), verdict.witness


def test_abs_answered_by_cases_is_correct() -> None:
    verdict = verdict_for("abs(x)", "x", 1, "Piecewise((-1, x<0), (1, x>0))")
    assert verdict.status == "correct", verdict
    wrong = verdict_for("abs(x)", "x", 1, "Piecewise((1, x<0), (-1, x>0))")
    assert wrong.status == "incorrect", wrong


def test_torch_where_answer_is_read_as_cases() -> None:
    verdict = verdict_for("relu(x)", "x", 1, "torch.where(x > 0, 1, 0)")
    assert verdict.status == "correct", verdict


def test_the_wrong_piece_of_an_answer_by_cases_is_named() -> None:
    verdict = verdict_for(PIECEWISE, "x", 1, "Piecewise((2*x, x < 0), (2, True))")
    assert verdict.mistake is not None
    assert verdict.mistake.title == "the piece “2 otherwise” is wrong (the rest right)"
    both = verdict_for(PIECEWISE, "x", 1, "Piecewise((x, x < 0), (2, True))")
    assert both.status == "incorrect"
    assert both.mistake is None or "piece" not in both.mistake.title  # no piece is right
    assert "an answer defined by cases" in " ".join(verdict.notes)


@pytest.mark.parametrize(
    "answer",
    [
        "Piecewise((2*x, x > 0), (1, True))",  # the same symbols, another comparison
        r"\begin{cases} 2x & x > 0 \\ 1 & \text{otherwise} \end{cases}",
    ],
)
def test_an_answer_by_cases_with_another_comparison_is_incorrect(answer: str) -> None:
    """It was "correct (proven)": the cheapest proof compared shapes without the comparisons."""
    assert verdict_for(PIECEWISE, "x", 1, answer).status == "incorrect"


def test_the_shape_of_cases_keeps_comparisons_and_pieces() -> None:
    def key(text: str) -> object:
        return shape(read(text).expr)

    base = key("Piecewise((2*x, x < 0), (1, True))")
    assert base == key(r"\begin{cases} 2x & x<0 \\ 1 & \text{otherwise} \end{cases}")
    for other in ["Piecewise((2*x, x > 0), (1, True))", "Piecewise((2*x, x <= 0), (1, True))",
                  "Piecewise((2*x, x < 0), (1, x < 1), (0, True))"]:  # fmt: skip
        assert key(other) != base, other
    split = key("Piecewise((1, x < 0), (1, x < 1))")
    assert split != key("Piecewise((1, (x < 0) & (x < 1)))")  # 2 pieces, not 1 with 2 parts


@pytest.mark.parametrize(
    "answer",
    [
        r"\begin{cases} 2x & x < 0 \\ 1 & \text{otherwise} \end{cases}",
        r"$\begin{cases} 2x, & \text{if } x < 0, \\ 1, & x \ge 0. \end{cases}$",
    ],
)
def test_an_answer_by_cases_in_latex_is_read_and_judged(answer: str) -> None:
    assert verdict_for(PIECEWISE, "x", 1, answer).status == "correct"
    wrong = answer.replace("1", "2")
    assert verdict_for(PIECEWISE, "x", 1, wrong).status == "incorrect"


def test_an_answer_by_cases_that_leaves_a_point_out_says_where() -> None:
    gap = verdict_for("abs(x)", "x", 1, "Piecewise((-1, x<0), (1, x>0))")
    assert gap.status == "correct"
    assert any("no piece holds at x = 0, so it is undefined there" in n for n in gap.notes)
    whole = verdict_for("abs(x)", "x", 1, "Piecewise((-1, x<=0), (1, x>0))")
    assert not any("no piece holds" in n for n in whole.notes)
