"""explain check and explain grade from the command line; verdicts rendered in four formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from explain import api
from explain.batch import Options
from explain.cli import cli
from explain.grades import Problem
from explain.render import FORMATS, render
from tests.conftest import ROOT

EXT = {"text": "txt", "markdown": "md", "latex": "tex", "json": "json"}
SAMPLES = ROOT / "samples" / "class"


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_verdicts(fmt: str, golden) -> None:  # type: ignore[no-untyped-def]
    wrong = api.check("sin(x^2)", "cos(x^2)")
    golden(f"verdict_chain.{EXT[fmt]}", render(wrong, fmt))  # type: ignore[arg-type]
    unreadable = api.check("x^2", "2x +")
    golden(f"verdict_invalid.{EXT[fmt]}", render(unreadable, fmt))  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_class_report(fmt: str, golden, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    report = api.grade(
        str(SAMPLES / "key.toml"), str(SAMPLES / "submissions.csv"), "grades.csv", Options(jobs=0)
    )
    golden(f"class_report.{EXT[fmt]}", render(report, fmt))  # type: ignore[arg-type]


def test_json_verdict_keys() -> None:
    data = json.loads(render(api.check("x/(x+1)", "((x+1) - x)/(x+1)"), "json"))
    assert data["schema"] == 1 and data["kind"] == "verdict"
    assert set(data) == {
        "schema", "kind", "status", "question", "answer", "read_as", "expected", "basis",
        "feedback", "mistake", "witness", "notes",
    }  # fmt: skip
    assert data["mistake"]["code"] == "quotient_denominator_not_squared"
    assert set(data["witness"]) == {"point", "answer", "expected"}


def test_check_needs_a_problem_and_an_answer() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["check", "--answer", "2x"])
    assert result.exit_code == 2 and "give EXPRESSION" in result.output
    result = runner.invoke(cli, ["check", "x^2"])
    assert result.exit_code == 2
    script = str(ROOT / "samples" / "tutorial" / "04_accumulation.py")
    result = runner.invoke(cli, ["check", "--script", script, "--answer", "1"])
    assert result.exit_code == 2 and "--question" in result.output


def test_check_reports_a_bad_problem_in_one_line() -> None:
    result = CliRunner().invoke(cli, ["check", "sin(x", "--answer", "cos(x)"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "function, column" in result.output


def test_grade_writes_the_summary_file(tmp_path: Path) -> None:
    out, summary = tmp_path / "g.csv", tmp_path / "summary.md"
    args = ["grade", str(SAMPLES / "key.toml"), str(SAMPLES / "submissions.csv"), "-o", str(out),
            "--summary", str(summary), "--jobs", "0"]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert summary.read_text(encoding="utf-8").startswith("# Week 3 quiz")
    assert "p2\n  answers:  6: 2 correct, 3 incorrect, 1 invalid" in result.output


def test_value_questions_want_a_number() -> None:
    verdict = api.check(Problem(function="x^3 - 2x", at="x=2"), "3x^2 - 2")
    assert verdict.status == "incorrect" and verdict.mistake is not None
    assert verdict.mistake.code == "not_evaluated"
    assert api.check(Problem(function="x^3 - 2x", at="x=2"), "10").status == "correct"


def test_autograd_questions_name_their_mistakes() -> None:
    script = (ROOT / "samples" / "tutorial" / "04_accumulation.py").read_text(encoding="utf-8")
    problem = Problem(script=script, question="x.grad")
    assert api.check(problem, "[[5,7],[9,11]]").status == "correct"
    for answer in ("[[4,6],[8,10]]", "[[1,1],[1,1]]"):
        verdict = api.check(problem, answer)
        assert verdict.mistake is not None and verdict.mistake.code == "accumulation_forgotten"
    detached = Problem(
        script="import torch\nx = torch.tensor(3.0, requires_grad=True)\n"
        "y = x.detach()*x\ny.backward()\n",
        question="x.grad",
    )
    verdict = api.check(detached, "6")
    assert verdict.mistake is not None and verdict.mistake.code == "detached_path_counted"
    reset = Problem(
        script="import torch\nx = torch.tensor(3.0, requires_grad=True)\n(x*x).backward()\n"
        "x.grad.zero_()\n(x*x).backward()\n",
        question="x.grad",
    )
    verdict = api.check(reset, "12")
    assert verdict.mistake is not None and verdict.mistake.code == "accumulation_after_reset"


COEFFICIENTS = st.integers(min_value=-9, max_value=9)


@given(st.lists(COEFFICIENTS, min_size=2, max_size=5), st.integers(min_value=1, max_value=5))
def test_polynomials_right_and_off_by_one(coefficients: list[int], shift: int) -> None:
    """The derivative typed out is correct; the same plus a constant never is."""
    terms = [f"({c})*x^{k}" for k, c in enumerate(coefficients)]
    derivative = [f"({c * k})*x^{k - 1}" for k, c in enumerate(coefficients) if k]
    problem = Problem(function=" + ".join(terms))
    assert api.check(problem, " + ".join(derivative)).status == "correct"
    wrong = api.check(problem, " + ".join(derivative) + f" + {shift}")
    assert wrong.status == "incorrect" and wrong.witness is not None


def test_expected_may_be_an_array() -> None:
    assert api.check(Problem(expected="[[4,6],[8,10]]"), "[[4, 6], [8, 10]]").status == "correct"
    tensor = Problem(function="sum(x^2)", at="x=[1,2]", expected="[2, 5]")
    verdict = api.check(tensor, "[2, 4]")
    assert verdict.status == "incorrect" and verdict.witness is not None
    assert verdict.witness.point == (("element", "[1]"),)


def test_an_answer_past_its_time_limit_is_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    from explain import limits

    nested = "sin(" * 60 + "x" + ")" * 60
    monkeypatch.setattr(limits, "ANSWER_SECONDS", 1e-4)
    verdict = api.check("sin(x)^2", nested)
    assert verdict.status == "timeout"
    assert "ANSWER_SECONDS" in verdict.basis
