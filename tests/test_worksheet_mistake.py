"""Find-the-mistake problems: the seeded choice, resampling by explain check, the key, grading."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path
from typing import Any

import pytest
import sympy
from click.testing import CliRunner

from explain import api
from explain.cli import cli
from explain.errors import LimitExceeded, SpecError
from explain.grades import Mistake, Problem
from explain.render.grading_key import grading_key
from explain.render.sheet import document
from explain.reports import FindMistake, MistakeAnswer, SheetProblem, Worksheet
from explain.symbolic import symbol, to_sympy
from explain.worksheet import build, parse_spec

ENGINES = api.worksheet_engines()


def spec(function: str, *lines: str) -> str:
    body = "\n".join(lines)
    return f'title = "t"\n[problems.m]\nkind = "mistake"\nfunction = "{function}"\n{body}\n'


def build_text(text: str, variants: int | None = None, seed: int = 0, engines: Any = None) -> Any:
    return build(parse_spec(text, "s.toml"), engines or ENGINES, variants=variants, seed=seed)


def mistakes(ws: Worksheet) -> list[SheetProblem]:
    return [p for v in ws.variants for p in v.problems if isinstance(p.task, FindMistake)]


def shown(ws: Worksheet) -> list[tuple[str, str]]:
    """(mistake code, the wrong derivative shown) of every find-the-mistake problem."""
    return [(p.answer.mistake.code, p.task.wrong_text) for p in mistakes(ws)]  # type: ignore[union-attr]


def test_the_drawn_mistake_is_seeded_distinct_and_from_the_catalogue() -> None:
    text = spec("x^2 sin(x)")
    first = build_text(text, variants=8, seed=4)
    assert shown(first) == shown(build_text(text, variants=8, seed=4))
    assert shown(first) != shown(build_text(text, variants=8, seed=5))
    assert len({wrong for _, wrong in shown(first)}) == 8  # the sheets differ by their mistake
    assert len({code for code, _ in shown(first)}) >= 3  # a code is drawn, not one every time
    d = api.derive("x^2 sin(x)")
    catalogue = {(c.code, c.title, c.step): c.result for c in ENGINES.mistakes(d)}
    for p in mistakes(first):
        assert isinstance(p.answer, MistakeAnswer) and isinstance(p.task, FindMistake)
        m = p.answer.mistake
        wrong = catalogue[(m.code, m.title, m.step)]
        assert sympy.simplify(to_sympy(api.read(p.task.wrong_text).expr) - wrong) == 0
        assert sympy.simplify(p.task.wrong - wrong) == 0


def test_a_wrong_derivative_the_judge_does_not_name_is_drawn_again() -> None:
    judged: list[str] = []

    def check(problem: Problem, answer: str, **kwargs: Any) -> Any:
        verdict = api.check(problem, answer, **kwargs)
        judged.append(answer)
        if len(judged) == 1:  # planted: the first wrong derivative equals the right one
            return dataclasses.replace(verdict, status="correct", mistake=None)
        if len(judged) == 2:  # planted: check names another mistake
            return dataclasses.replace(verdict, mistake=Mistake("other_code", "planted", ""))
        return verdict

    engines = dataclasses.replace(ENGINES, check=check)
    [p] = mistakes(build_text(spec("x^2 sin(x)"), engines=engines))
    assert len(judged) == 3
    assert p.task.wrong_text == judged[2]  # type: ignore[union-attr]
    assert len(set(judged)) == 3


def test_a_duplicate_of_an_earlier_catalogued_mistake_is_drawn_again() -> None:
    # (x² + 1)ⁿ: "the constant term 1 was differentiated to 1" gives the same wrong derivative
    # as "the constant term 1 was kept", which check names first: it is never shown
    calls: list[str] = []

    def check(problem: Problem, answer: str, **kwargs: Any) -> Any:
        calls.append(answer)
        return api.check(problem, answer, **kwargs)

    text = spec("(x^2 + 1)^{n}", 'mistake = "constant_term_error"', "params = {n = {int = [2, 9]}}")
    ws = build_text(text, variants=6, seed=3, engines=dataclasses.replace(ENGINES, check=check))
    titles = {p.answer.mistake.title for p in mistakes(ws)}  # type: ignore[union-attr]
    assert titles == {"the constant term 1 was kept"}
    assert len(calls) > 6  # some draws were the duplicate, judged and drawn again
    d = api.derive("(x^2 + 1)^3")
    codes = [c.title for c in ENGINES.mistakes(d) if c.code == "constant_term_error"]
    assert codes == ["the constant term 1 was kept", "the constant term 1 was differentiated to 1"]


def test_a_fixed_mistake_that_equals_the_right_derivative_stops_the_build() -> None:
    # d/dx eˣ = eˣ: "the original function was returned" is no mistake there
    with pytest.raises(SpecError) as caught:
        build_text(spec("exp(x)", 'mistake = "original_returned"'))
    line = caught.value.one_line()
    assert line.startswith("spec error: s.toml: problems.m: a degenerate problem: explain check")
    assert "equals the right one" in line
    seeded = [shown(build_text(spec("exp(x)"), seed=seed))[0][0] for seed in range(6)]
    assert "original_returned" not in seeded


def test_a_fixed_mistake_check_never_names_stops_the_build_naming_the_problem() -> None:
    def check(problem: Problem, answer: str, **kwargs: Any) -> Any:
        return dataclasses.replace(api.check(problem, answer, **kwargs), mistake=None)

    engines = dataclasses.replace(ENGINES, check=check)
    with pytest.raises(SpecError, match=r"s\.toml: problems\.m: a degenerate problem: explain "):
        build_text(spec("sin(x^2)", 'mistake = "chain_missing_inner"'), engines=engines)


def test_a_code_the_catalogue_lacks_for_the_function_names_the_codes_it_has() -> None:
    with pytest.raises(SpecError) as caught:
        build_text(spec("x^2 sin(x)", 'mistake = "quotient_order_swapped"'))
    line = caught.value.one_line()
    assert "s.toml: problems.m: a degenerate problem: the catalogue has no " in line
    assert "quotient_order_swapped mistake for x^2 sin(x) (it has: product_as_product" in line


KINDS_OF_PROBLEM = """
title = "Mistakes"
[problems.chain]
kind = "mistake"
function = "sin(x^2)"
mistake = "chain_missing_inner"
[problems.partial]
kind = "mistake"
function = "x y^2 + exp(x y)"
variable = "y"
[problems.second]
kind = "mistake"
function = "x^3 ln(x)"
order = 2
[problems.quotient]
kind = "mistake"
function = "(x + 1)/(x^2 + 3)"
mistake = "quotient_order_swapped"
"""


def test_the_key_names_the_mistake_works_the_answer_and_shows_where_they_differ() -> None:
    ws = build_text(KINDS_OF_PROBLEM)
    for p in ws.variants[0].problems:
        task, answer = p.task, p.answer
        assert isinstance(task, FindMistake) and isinstance(answer, MistakeAnswer)
        problem = Problem(function=task.function.source, variable=task.variable, order=task.order)
        verdict = api.check(problem, task.wrong_text)  # what explain check says of the student
        assert verdict.status == "incorrect" and verdict.mistake == answer.mistake, p.id
        assert api.check(problem, p.expected).status == "correct"  # the key's answer
        d = api.derive(task.function.source, task.variable, order=task.order)
        assert answer.derivation.result == d.result and len(answer.derivation.stages) == task.order
        assert p.verified.startswith("exact and autograd agree"), p.verified
        assert f"names the mistake {answer.mistake.code}" in p.verified
        w = answer.witness
        point = {symbol(name): sympy.Rational(value) for name, value in w.point}
        wrong = to_sympy(api.read(task.wrong_text).expr).xreplace(point)
        assert float(w.answer) == pytest.approx(float(wrong), rel=1e-5)
        assert float(w.expected) == pytest.approx(float(d.result.xreplace(point)), rel=1e-5)
        assert w.answer != w.expected
    chain, partial, _, quotient = ws.variants[0].problems
    assert chain.answer.mistake.step == "Chain rule on sin(x²)"  # type: ignore[union-attr]
    assert partial.task.partial and len(partial.answer.witness.point) == 2  # type: ignore[union-attr]
    assert quotient.answer.mistake.code == "quotient_order_swapped"  # type: ignore[union-attr]


def test_sheet_and_key_say_what_the_student_wrote_and_what_went_wrong() -> None:
    ws = build_text(KINDS_OF_PROBLEM)
    v = ws.variants[0]
    for fmt in ("latex", "markdown"):
        sheet = document(ws, v, "sheet", fmt)  # type: ignore[arg-type]
        assert sheet.count("A student wrote:") == 4
        assert sheet.count("What went wrong? Give the correct derivative") == 4
        assert r"= \cos{\left(x^{2} \right)}" in sheet  # the wrong derivative, in maths
        assert "The mistake" not in sheet and "chain_missing_inner" not in sheet
        key = document(ws, v, "key", fmt)  # type: ignore[arg-type]
        assert "The student wrote" in key
        assert "Chain rule: the inner derivative d/dx" in key
        assert "At x = 1 the student" in key
    toml = grading_key(ws)
    assert (
        '# find the mistake: the sheet shows cos(x**2) (chain_missing_inner)\nfunction = "sin'
        in toml
    )


def test_grading_the_corrections_and_the_copied_mistakes(tmp_path: Path) -> None:
    """The key grades a corrected answer correct and the sheet's wrong derivative incorrect,
    naming the mistake the key named."""
    samples = Path(__file__).resolve().parents[1] / "samples" / "worksheets"
    ws = api.build_worksheet(samples / "chain_rule.toml", variants=4, seed=11)
    key = tmp_path / "key.toml"
    key.write_text(grading_key(ws), encoding="utf-8")
    rows = [("student", "problem", "answer", "variant")]
    wanted = []
    for v in ws.variants:
        for p in mistakes(dataclasses.replace(ws, variants=(v,))):
            rows.append((f"right-{v.id}", p.id, p.expected, v.id))
            rows.append((f"copied-{v.id}", p.id, p.task.wrong_text, v.id))  # type: ignore[union-attr]
            wanted += [("correct", ""), ("incorrect", p.answer.mistake.code)]  # type: ignore[union-attr]
    assert len(wanted) == 8
    submissions, graded = tmp_path / "submissions.csv", tmp_path / "grades.csv"
    with submissions.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    done = CliRunner().invoke(
        cli, ["grade", str(key), str(submissions), "-o", str(graded), "--jobs", "0"]
    )
    assert done.exit_code == 0, done.output
    with graded.open(encoding="utf-8", newline="") as handle:
        got = [(row["verdict"], row["mistake"]) for row in csv.DictReader(handle)]
    assert got == wanted


def test_a_check_that_runs_out_of_time_stops_the_build_rather_than_drawing_again() -> None:
    def check(problem: Problem, answer: str, **kwargs: Any) -> Any:
        return dataclasses.replace(api.check(problem, answer, **kwargs), status="timeout")

    engines = dataclasses.replace(ENGINES, check=check)
    with pytest.raises(LimitExceeded) as caught:
        build_text(spec("x^2 sin(x)"), engines=engines)
    assert caught.value.one_line().startswith(
        "limit exceeded: s.toml: problems.m: explain check ran out of time on the wrong derivative"
    )
