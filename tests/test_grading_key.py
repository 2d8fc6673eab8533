"""The grading key: TOML that tomllib reads back exactly, with answers that re-derive."""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

import numpy as np
import sympy
from hypothesis import given
from hypothesis import strategies as st

from explain import api
from explain.render.grading_key import grading_key, toml_key, toml_string, toml_text
from explain.symbolic import symbol, to_sympy
from explain.values import parse_values
from explain.worksheet.problems import final_grad
from tests.conftest import ROOT
from tests.worksheet_specs import FIXED

SAMPLES = ROOT / "samples" / "worksheets"


@given(st.text())
def test_toml_strings_read_back_exactly(text: str) -> None:
    assert tomllib.loads(f"a = {toml_string(text)}")["a"] == text
    assert tomllib.loads(f"a = {toml_text(text)}\nb = 1")["a"] == text
    assert tomllib.loads(f"{toml_key(text or 'k')} = 1") == {text or "k": 1}


def test_toml_strings_of_hostile_texts() -> None:
    for text in ['"""', "'''", "a'", "\\u0000", "\x00\x7f\r\n\t", 'x = "1"\n[evil]', "\\", "é∂"]:
        assert tomllib.loads(f"a = {toml_string(text)}")["a"] == text
        assert tomllib.loads(f"a = {toml_text(text)}")["a"] == text


@cache
def keys() -> dict[str, dict[str, Any]]:
    return {
        "fixed": tomllib.loads(grading_key(api.build_worksheet(text=FIXED))),
        "chain_rule": tomllib.loads(
            grading_key(api.build_worksheet(SAMPLES / "chain_rule.toml", variants=3, seed=9))
        ),
        "autograd": tomllib.loads(
            grading_key(api.build_worksheet(SAMPLES / "autograd.toml", variants=3, seed=9))
        ),
    }


def test_single_sheet_key_layout() -> None:
    key = keys()["fixed"]
    assert key["title"] == "Derivatives: one of each kind"
    assert list(key["problems"]) == [
        "product", "partial", "second", "value", "blog", "accumulate", "mistake",
    ]  # fmt: skip
    assert key["problems"]["product"] == {
        "function": "x^2 sin(x)",
        "variable": "x",
        "expected": "x**2*cos(x) + 2*x*sin(x)",
        "points": 2,
    }
    assert key["problems"]["second"]["order"] == 2
    assert key["problems"]["value"]["at"] == "x=1"
    assert key["problems"]["accumulate"]["question"] == "x.grad"
    assert key["problems"]["accumulate"]["script"].startswith("import torch\nx = torch.tensor(")
    assert key["problems"]["mistake"] == {  # graded as a derivative: the corrected answer
        "function": "sin(x^2)",
        "variable": "x",
        "expected": "2*x*cos(x**2)",
        "points": 2,
    }


def test_variant_key_layout() -> None:
    key = keys()["chain_rule"]
    assert set(key) == {"title", "variants"}
    assert list(key["variants"]) == ["1", "2", "3"]
    for variant in key["variants"].values():
        assert list(variant["problems"]) == [
            "product", "power", "gauss", "partial", "slope", "second", "mistake",
        ]  # fmt: skip


def same(a: Any, b: Any) -> bool:
    return a == b or sympy.simplify(a - b) == 0


def check_problem(problem: dict[str, Any]) -> None:
    """The expected answer equals what explain derives again from the key's own texts."""
    if "script" in problem:
        tensor = problem["question"].removesuffix(".grad")
        answer = final_grad(api.narrate(problem["script"]), tensor)
        assert np.allclose(parse_values("v=" + problem["expected"])[0].array, answer)
        return
    at, var = problem.get("at"), problem["variable"]
    tensors = at is not None and any(v.exact is None for v in parse_values(at))
    if tensors:
        exact = api.crosscheck(problem["function"], at, var).inputs[0].exact
        assert np.allclose(parse_values("v=" + problem["expected"])[0].array, exact)
        return
    d = api.derive(problem["function"], var, order=problem.get("order", 1), at=at)
    truth = d.value.exact if at is not None else d.result  # type: ignore[union-attr]
    written = to_sympy(api.read(problem["expected"]).expr)
    if at is None:  # also equal to SymPy's own derivative of the function
        f = to_sympy(api.read(problem["function"]).expr)
        truth_again = sympy.diff(f, symbol(var), problem.get("order", 1))
        assert same(written, truth_again), problem
    assert same(written, truth), problem


def test_every_expected_answer_re_derives() -> None:
    count = 0
    for key in keys().values():
        tables = [key] if "problems" in key else list(key["variants"].values())
        for table in tables:
            for problem in table["problems"].values():
                check_problem(problem)
                count += 1
    assert count == 7 + 3 * 7 + 3 * 6
