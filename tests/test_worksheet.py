"""Worksheets: spec validation, seeded variants, resampling, verification of every key."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explain import api
from explain.errors import ExplainError, KeyNotVerified, SpecError
from explain.events import Backward
from explain.render.sheet import document
from explain.reports import (
    CodeQuestion,
    Differentiate,
    EvaluateAt,
    FindMistake,
    TensorGradient,
)
from explain.worksheet import build, parse_spec
from explain.worksheet.problems import final_grad
from tests.conftest import ROOT
from tests.worksheet_specs import FIXED, TEMPLATE

SAMPLES = ROOT / "samples" / "worksheets"
ENGINES = api.worksheet_engines()


def spec_error(text: str) -> str:
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "s.toml")
    line = caught.value.one_line()
    assert "\n" not in line
    return line


BAD_SPECS = {
    "not TOML": ("title = ", "s.toml: not valid TOML"),
    "no title": ('[problems.p]\nfunction = "x"', "s.toml: title: missing"),
    "no problems": ('title = "t"', "s.toml: problems: no problems"),
    "unknown top key": ('title = "t"\ntitel = 1\n[problems.p]\nfunction = "x"', "s.toml: titel"),
    "unknown problem key": ('title = "t"\n[problems.p]\nfuncion = "x"', "problems.p.funcion"),
    "both": ('title = "t"\n[problems.p]\nfunction = "x"\nscript = "y"', "not both"),
    "no question": ('title = "t"\n[problems.p]\nscript = "y"', "problems.p.question"),
    "script with at": (
        'title = "t"\n[problems.p]\nscript = "y"\nquestion = "x.grad"\nat = "x=1"',
        "problems.p.at: goes with a function",
    ),
    "order 0": ('title = "t"\n[problems.p]\nfunction = "x"\norder = 0', "problems.p.order"),
    "points text": ('title = "t"\n[problems.p]\nfunction = "x"\npoints = "2"', "problems.p.points"),
    "bad kind": ('title = "t"\n[problems.p]\nfunction = "x"\nkind = "limit"', "problems.p.kind"),
    "value without at": (
        'title = "t"\n[problems.p]\nfunction = "x"\nkind = "value"',
        "problems.p.at: a value problem needs values",
    ),
    "mistake without its kind": (
        'title = "t"\n[problems.p]\nfunction = "x^2"\nmistake = "sign_error"',
        'problems.p.mistake: goes with kind = "mistake"',
    ),
    "mistake code not a code": (
        'title = "t"\n[problems.p]\nfunction = "x^2"\nkind = "mistake"\nmistake = "x; y"',
        "problems.p.mistake: a mistake code such as chain_missing_inner",
    ),
    "mistake with values": (
        'title = "t"\n[problems.p]\nfunction = "x^2"\nkind = "mistake"\nat = "x=1"',
        "problems.p.at: a mistake problem has no values",
    ),
    "mistake of a script": (
        'title = "t"\n[problems.p]\nscript = "y"\nquestion = "x.grad"\nkind = "mistake"',
        "problems.p.kind: a code problem has a script; other kinds have a function",
    ),
    "bad id": ('title = "t"\n[problems."a b"]\nfunction = "x"', "a problem id is"),
    "reversed int": (
        'title = "t"\n[problems.p]\nfunction = "{a}x"\nparams = {a = {int = [5, 1]}}',
        "problems.p.params.a: int = [low, high]",
    ),
    "undeclared": (
        'title = "t"\n[problems.p]\nfunction = "{b}x"\nparams = {a = {int = [1, 5]}}',
        "problems.p.function: {b} is not a parameter",
    ),
    "unused": (
        'title = "t"\n[problems.p]\nfunction = "{a}x"\nparams = {a = {int = [1, 5]}, c = '
        "{choice = [1]}}",
        "problems.p.params.c: this parameter is never used",
    ),
    "empty choice": (
        'title = "t"\n[problems.p]\nfunction = "{a}x"\nparams = {a = {choice = []}}',
        "problems.p.params.a: choice",
    ),
    "nothing to draw": (
        'title = "t"\n[problems.p]\nfunction = "{a}x"\nparams = {a = {int = [0, 0], nonzero = '
        "true}}",
        "no value is left to draw",
    ),
    "huge parameter": (
        'title = "t"\n[problems.p]\nfunction = "{a}x"\nparams = {a = {int = [1, 99999999]}}',
        "values are limited",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_SPECS))
def test_bad_specs_are_one_line_errors_naming_the_key(case: str) -> None:
    text, expected = BAD_SPECS[case]
    assert expected in spec_error(text)


def build_text(text: str, variants: int | None = None, seed: int = 0) -> Any:
    return build(parse_spec(text, "s.toml"), ENGINES, variants=variants, seed=seed)


def test_fixed_sheet_has_every_kind_with_verified_answers() -> None:
    ws = build_text(FIXED)
    [sheet] = ws.variants
    kinds = [p.kind for p in sheet.problems]
    assert kinds == [
        "derivative", "derivative", "derivative", "value", "gradient", "code", "mistake",
    ]  # fmt: skip
    assert [type(p.task) for p in sheet.problems] == [
        Differentiate, Differentiate, Differentiate, EvaluateAt, TensorGradient, CodeQuestion,
        FindMistake,
    ]  # fmt: skip
    expected = [p.expected for p in sheet.problems]
    assert expected[0] == "x**2*cos(x) + 2*x*sin(x)"
    assert expected[3] == "cos(1) + 4"
    assert expected[4] == "[[4, 6], [8, 10]]"
    assert expected[5] == "[5, 7]"  # 2x + 3 at x = [1, 2]: the second backward accumulates
    assert expected[6] == "2*x*cos(x**2)"  # the right derivative, not the student's cos(x**2)
    for p in sheet.problems:
        assert p.verified.startswith("exact and autograd agree"), p.verified
    assert sheet.problems[1].task.partial  # type: ignore[union-attr]
    assert "order-2 result is confirmed against sympy.diff" in sheet.problems[2].verified


def test_same_seed_same_sheets_byte_for_byte_and_other_seeds_differ() -> None:
    def all_documents(seed: int) -> list[str]:
        ws = build_text(TEMPLATE, variants=5, seed=seed)
        return [
            document(ws, v, part, fmt)  # type: ignore[arg-type]
            for v in ws.variants
            for part in ("sheet", "key")
            for fmt in ("latex", "markdown")
        ]

    first = all_documents(2026)
    assert first == all_documents(2026)
    assert first != all_documents(2027)


def test_variants_are_distinct_and_carry_their_id() -> None:
    ws = build_text(TEMPLATE, variants=12, seed=1)
    ids = [v.id for v in ws.variants]
    assert ids == [f"{k:02d}" for k in range(1, 13)]
    signatures = {tuple(p.expected for p in v.problems) for v in ws.variants}
    assert len(signatures) == 12
    for v in ws.variants:
        assert f"Variant {v.id}" in document(ws, v, "sheet", "latex")
        assert f"Variant {v.id}" in document(ws, v, "key", "markdown")


def test_every_variant_of_the_samples_is_verified() -> None:
    for name in ("chain_rule.toml", "autograd.toml"):
        ws = api.build_worksheet(SAMPLES / name, variants=5, seed=2026)
        for v in ws.variants:
            for p in v.problems:
                assert p.verified.startswith("exact and autograd agree"), (name, v.id, p.id)


def test_degenerate_draws_are_resampled_never_printed() -> None:
    text = 'title = "t"\n[problems.p]\nfunction = "{a} x + 1"\nparams = {a = {int = [-1, 1]}}'
    ws = build_text(text, variants=2, seed=0)
    drawn = sorted(dict(v.problems[0].parameters)["a"] for v in ws.variants)
    assert drawn == ["-1", "1"]  # a = 0 makes the derivative 0: drawn again


def test_undefined_at_the_point_is_resampled() -> None:
    text = (
        'title = "t"\n[problems.p]\nfunction = "1/(x - {a})"\nat = "x=1"\n'
        "params = {a = {int = [1, 3]}}"
    )
    ws = build_text(text, variants=2, seed=0)
    assert all(dict(v.problems[0].parameters)["a"] != "1" for v in ws.variants)


def test_a_degenerate_fixed_problem_stops_the_build_with_its_name() -> None:
    with pytest.raises(SpecError, match=r"s\.toml: problems\.p: a degenerate problem: the "):
        build_text('title = "t"\n[problems.p]\nfunction = "5 + y"\nvariable = "y"\norder = 2')


def test_a_problem_twice_on_a_sheet_is_an_error_for_fixed_problems() -> None:
    text = 'title = "t"\n[problems.a]\nfunction = "x^2"\n[problems.b]\nfunction = "x^2"'
    with pytest.raises(SpecError, match=r"problems\.b: a degenerate problem: it repeats"):
        build_text(text)


def test_too_few_distinct_sheets_is_an_error() -> None:
    text = 'title = "t"\n[problems.p]\nfunction = "{a} x^2"\nparams = {a = {choice = [2, 3]}}'
    with pytest.raises(SpecError, match="variant 3: after 200 draws every sheet repeats"):
        build_text(text, variants=3)


def test_variants_of_a_fixed_sheet_are_refused() -> None:
    with pytest.raises(SpecError, match="no problem has parameters"):
        build_text(FIXED, variants=3)


def test_engine_errors_name_the_key_and_the_draw() -> None:
    text = 'title = "t"\n[problems.p]\nfunction = "{a} x +* 1"\nparams = {a = {int = [2, 2]}}'
    with pytest.raises(ExplainError) as caught:
        build_text(text)
    assert caught.value.one_line().startswith(
        "parse error: s.toml: problems.p.function (drawn: a=2), column"
    )


def disagreeing(check: Any) -> Any:
    def crosscheck(*args: Any, **kwargs: Any) -> Any:
        return dataclasses.replace(check(*args, **kwargs), verdict="disagree", summary="planted")

    return crosscheck


@pytest.mark.parametrize("problem", ["product", "value", "blog"])
def test_a_key_that_autograd_contradicts_stops_the_build(problem: str) -> None:
    spec = parse_spec(FIXED, "s.toml")
    only = dataclasses.replace(spec, problems=tuple(p for p in spec.problems if p.id == problem))
    engines = dataclasses.replace(ENGINES, crosscheck=disagreeing(api.crosscheck))
    with pytest.raises(KeyNotVerified) as caught:
        build(only, engines, variants=None, seed=0)
    line = caught.value.one_line()
    assert line.startswith(f"key not verified: s.toml: problems.{problem}: exact and autograd")
    assert "planted" in line


def test_a_script_whose_exact_gradient_differs_stops_the_build() -> None:
    def narrate(source: str, **kwargs: Any) -> Any:
        n = api.narrate(source, **kwargs)
        events = tuple(
            dataclasses.replace(
                e, grads=tuple(dataclasses.replace(g, exact=g.exact + 1) for g in e.grads)
            )
            if isinstance(e, Backward)
            else e
            for e in n.events
        )
        return dataclasses.replace(n, events=events)

    spec = parse_spec(FIXED, "s.toml")
    only = dataclasses.replace(spec, problems=tuple(p for p in spec.problems if p.script))
    with pytest.raises(
        KeyNotVerified,
        match=r"problems\.accumulate\.script: exact and autograd disagree at line 4 \(y\.backward",
    ):
        build(only, dataclasses.replace(ENGINES, narrate=narrate), variants=None, seed=0)


def test_code_answer_follows_zeroing_and_accumulation() -> None:
    script = (
        "x = torch.tensor([1.0, 2.0], requires_grad=True)\n"
        "torch.sum(x * x).backward()\n"
        "x.grad.zero_()\n"
        "torch.sum(5 * x).backward()\n"
        "torch.sum(x).backward()\n"
    )
    assert final_grad(api.narrate(script), "x").tolist() == [6.0, 6.0]


def test_a_script_that_raises_is_degenerate() -> None:
    text = (
        'title = "t"\n[problems.p]\nscript = """\nx = torch.tensor([1.0], requires_grad=True)\n'
        'y = x.detach()\ny.backward()\n"""\nquestion = "x.grad"'
    )
    with pytest.raises(SpecError, match=r"problems\.p: a degenerate problem: line 3 raises"):
        build_text(text)


def test_build_worksheet_reads_files_and_reports_missing_ones(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"missing\.toml: cannot read it"):
        api.build_worksheet(tmp_path / "missing.toml")
    (tmp_path / "bad.toml").write_bytes(b"title = \xff")
    with pytest.raises(SpecError, match="not UTF-8"):
        api.build_worksheet(tmp_path / "bad.toml")


TOML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**9), 10**9) | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
KEYS = st.sampled_from(["function", "script", "question", "variable", "order", "at", "points",
                        "space", "prompt", "kind", "params", "mistake", "other"])  # fmt: skip


@given(st.dictionaries(KEYS, TOML_VALUES, max_size=6), st.sampled_from(["p", "a b", "é"]))
def test_any_problem_table_is_read_or_refused_in_one_line(body: dict[str, Any], pid: str) -> None:
    import tomllib

    from explain.render.grading_key import toml_key, toml_string

    def value(v: Any) -> str:
        match v:
            case None:
                return '""'
            case bool():
                return "true" if v else "false"
            case str():
                return toml_string(v)
            case list():
                return "[" + ", ".join(value(x) for x in v) + "]"
            case dict():
                return (
                    "{"
                    + ", ".join(f"{toml_key(k or 'k')} = {value(x)}" for k, x in v.items())
                    + "}"
                )
            case _:
                return repr(v)

    lines = ['title = "t"', f"[problems.{toml_key(pid)}]"]
    lines += [f"{k} = {value(v)}" for k, v in body.items()]
    text = "\n".join(lines)
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # e.g. duplicate keys in an inline table: not a spec question
    try:
        parse_spec(text, "s.toml")
    except SpecError as err:
        assert "\n" not in err.one_line()
        assert err.one_line().startswith("spec error: s.toml")


def test_a_refused_script_names_the_key() -> None:
    text = 'title = "t"\n[problems.p]\nscript = "import os"\nquestion = "x.grad"'
    with pytest.raises(ExplainError) as caught:
        build_text(text)
    assert "s.toml: problems.p.script: line 1: import os is not allowed" in caught.value.one_line()
