"""Worksheet documents: golden files, pdflatex + pdftotext, Markdown parsed as GitHub would."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from explain import api
from explain.render.sheet import document
from explain.reports import Worksheet
from tests.conftest import ROOT
from tests.worksheet_specs import FIXED, INJECTED, INJECTIONS, TEMPLATE

SAMPLES = ROOT / "samples" / "worksheets"
needs_pdflatex = pytest.mark.skipif(
    (shutil.which("pdflatex") is None or shutil.which("pdftotext") is None)
    and not os.environ.get("CI"),
    reason="pdflatex or pdftotext is not installed",
)


@cache
def fixed() -> Worksheet:
    return api.build_worksheet(text=FIXED)


@cache
def sheets() -> dict[str, tuple[Worksheet, int]]:
    """Worksheets to render: name -> (worksheet, variant index)."""
    return {
        "fixed": (fixed(), 0),
        "chain_rule": (api.build_worksheet(SAMPLES / "chain_rule.toml"), 0),
        "autograd_variant": (api.build_worksheet(SAMPLES / "autograd.toml", variants=3), 2),
        "template": (api.build_worksheet(text=TEMPLATE, variants=2, seed=5), 1),
        "injected": (api.build_worksheet(text=INJECTED), 0),
    }


@pytest.mark.parametrize(("fmt", "ext"), [("latex", "tex"), ("markdown", "md")])
def test_golden_fixed_sheet_with_key(fmt: str, ext: str, golden: Any) -> None:
    ws = fixed()
    golden(f"worksheet_fixed.{ext}", document(ws, ws.variants[0], "both", fmt))  # type: ignore[arg-type]


def pdf_text(tex: str, tmp_path: Path) -> str:
    (tmp_path / "sheet.tex").write_text(tex, encoding="utf-8")
    done = subprocess.run(
        ["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "sheet.tex"],
        cwd=tmp_path, capture_output=True, timeout=180, check=False,
        env={**os.environ, "openin_any": "p", "openout_any": "p"},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout.decode("utf-8", "replace")[-2000:]
    fonts = subprocess.run(
        ["pdffonts", "sheet.pdf"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert "Type 3" not in fonts.stdout, "a bitmap font crept in"
    text = subprocess.run(
        ["pdftotext", "-layout", "sheet.pdf", "-"], cwd=tmp_path, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return text


@needs_pdflatex
@pytest.mark.parametrize("name", ["fixed", "chain_rule", "autograd_variant", "template"])
def test_every_sheet_and_key_compiles_and_shows_its_problems(name: str, tmp_path: Path) -> None:
    ws, k = sheets()[name]
    variant = ws.variants[k]
    text = pdf_text(document(ws, variant, "both", "latex"), tmp_path)
    flat = " ".join(text.split())
    assert ws.title.split(":")[0] in flat
    for number, p in enumerate(variant.problems, start=1):
        assert f"Problem {number}." in flat
        if p.kind in ("gradient", "code"):  # an array, as typed in the grading key
            assert p.expected.replace(" ", "") in flat.replace(" ", "")
        if p.kind == "mistake":  # the question under the wrong derivative, the key's findings
            assert "What went wrong? Give the correct derivative." in flat
            assert "The mistake." in flat and "Where they differ. At x = " in flat
    if variant.id:
        assert f"Variant {variant.id}" in flat
    assert "Name:" in flat and "Answer key" in flat


@needs_pdflatex
def test_injected_user_text_prints_literally(tmp_path: Path) -> None:
    ws, _ = sheets()["injected"]
    text = pdf_text(document(ws, ws.variants[0], "both", "latex"), tmp_path)
    for injection in INJECTIONS:
        assert injection in text, injection
    assert "[U+0007]" in text  # the bell is named, not sent to TeX
    assert not Path("/tmp/explain-pwned").exists()  # noqa: S108  (the file \\write18 would make)


def markdown_tokens(text: str) -> list[Any]:
    md = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin, double_inline=True)
    return list(md.parse(text))


def walk(tokens: list[Any]) -> list[Any]:
    out = []
    for token in tokens:
        out.append(token)
        out += walk(token.children or [])
    return out


def balanced(tex: str) -> bool:
    depth = 0
    for ch in re.sub(r"\\[{}]", "", tex):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


NAMES = ["fixed", "chain_rule", "autograd_variant", "template", "injected"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("part", ["sheet", "key"])
def test_markdown_has_balanced_maths_and_no_html(name: str, part: str) -> None:
    ws, k = sheets()[name]
    text = document(ws, ws.variants[k], part, "markdown")  # type: ignore[arg-type]
    tokens = walk(markdown_tokens(text))
    kinds = {t.type for t in tokens}
    assert not kinds & {"html_block", "html_inline"}
    maths = [t for t in tokens if t.type in ("math_inline", "math_block", "math_inline_double")]
    assert maths, "no maths found"
    for t in maths:
        assert balanced(t.content), t.content
    if name != "injected":  # there a literal $ is the user's (escaped) text
        for t in tokens:
            if t.type == "text":
                assert "$" not in t.content, f"a stray $ outside maths: {t.content!r}"
    fences = [t for t in tokens if t.type == "fence"]
    if part == "key" and any(p.kind == "gradient" for p in ws.variants[k].problems):
        assert any(t.info == "mermaid" for t in fences)


def test_injected_markdown_is_literal_text() -> None:
    ws, _ = sheets()["injected"]
    tokens = walk(markdown_tokens(document(ws, ws.variants[0], "sheet", "markdown")))
    texts = "".join(t.content for t in tokens if t.type in ("text", "code_inline"))
    assert r"\input{/etc/passwd}" in texts
    assert "100% & #1 $x$ a_b ~ {}" in texts
    assert not [t for t in tokens if t.type.startswith("math") and t.content == "x"]


@needs_pdflatex
def test_accented_names_and_typographic_punctuation_print(tmp_path: Path) -> None:
    spec = (
        'title = "Übungsblatt — Ableitungen für Seán, José, Straße, garçon, Dvořák, Øystein"\n'
        'course = "“Analysis” – Gruppe 2"\n[problems.p1]\nfunction = "x^3"\n'
    )
    ws = api.build_worksheet(text=spec)
    text = " ".join(pdf_text(document(ws, ws.variants[0], "sheet", "latex"), tmp_path).split())
    text = unicodedata.normalize("NFC", text)  # pdftotext gives an accent after its letter
    for word in ("Übungsblatt — Ableitungen", "Seán", "José", "Straße", "garçon", "Dvořák"):
        assert word in text
    assert "“Analysis” – Gruppe 2" in text
    assert "[U+" not in text
