"""Renderers: golden files for the four formats, coverage of every model, safe escaping."""

from __future__ import annotations

import json

import pytest

import explain
from explain.api import crosscheck, graph
from explain.events import Narration
from explain.grades import ClassReport, Verdict
from explain.render import FORMATS, render, renderable_types
from explain.render import graph as pictures
from explain.render.latex import escape as latex_escape
from explain.render.markdown import code as md_code
from explain.reports import CrossCheck, Graph
from explain.steps import Derivation, Gradient

EXT = {"text": "txt", "markdown": "md", "latex": "tex", "json": "json"}

CASES = {
    "poly": lambda: explain.derive("x**2 + 2*x + 1"),
    "point": lambda: explain.derive("2x^2 + sin x", at="x=1"),
    "partial": lambda: explain.derive("x*y^2 + exp(x*y)", "y"),
    "order2": lambda: explain.derive("ln(x)/x", order=2),
    "chain": lambda: explain.derive("sin(x^2)"),
    "quotient": lambda: explain.derive("(2x+1)/(x-3)"),
    "gradient": lambda: explain.gradient("x^2*y + y^3", "x,y", at="x=1, y=2"),
    "piecewise": lambda: explain.derive(
        "Piecewise((x^2, x < 0), (sin(x), 0 <= x <= pi), (0, True))"
    ),
}

CHECKS = {
    "check_blog": lambda: crosscheck("torch.sum(x**2 + 2*x + 1)", "x=[[1.0,2.0],[3.0,4.0]]"),
    "check_least_squares": lambda: crosscheck(
        "mean((A@w - b)**2)", "A=[[1,2],[3,4]], w=[0.5,-1], b=[1,0]", "w"
    ),
    "check_kink": lambda: crosscheck("abs(x)", "x=0"),
    "check_where": lambda: crosscheck("torch.where(x < 0, x**2, x)", "x=[-1.5, 0, 2]"),
    "graph_blog": lambda: graph("torch.sum(x**2 + 2*x + 1)"),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str, fmt: str, golden) -> None:  # type: ignore[no-untyped-def]
    golden(f"diff_{case}.{EXT[fmt]}", render(CASES[case](), fmt))  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", sorted(CHECKS))
def test_golden_crosscheck_and_graph(case: str, fmt: str, golden) -> None:  # type: ignore[no-untyped-def]
    golden(f"{case}.{EXT[fmt]}", render(CHECKS[case](), fmt))  # type: ignore[arg-type]


@pytest.mark.parametrize("picture", ["dot", "mermaid", "tikz"])
def test_golden_graph_pictures(picture: str, golden) -> None:  # type: ignore[no-untyped-def]
    golden(f"graph_blog.{picture}", pictures.picture(CHECKS["graph_blog"](), picture))


def test_every_model_renders_in_every_format() -> None:
    models = {Derivation, Gradient, CrossCheck, Graph, Narration, Verdict, ClassReport}
    assert renderable_types() == {m.__name__ for m in models}
    for fmt in FORMATS:
        for model in (CASES["poly"](), CASES["gradient"]()):
            assert render(model, fmt)  # type: ignore[arg-type]


def test_unknown_model_is_an_error_not_a_repr() -> None:
    with pytest.raises(TypeError, match="no text renderer"):
        render(object(), "text")


def test_json_is_valid_and_versioned() -> None:
    for make in CASES.values():
        data = json.loads(render(make(), "json"))
        assert data["schema"] == 1


def test_latex_escape_makes_injection_literal() -> None:
    assert latex_escape(r"\input{/etc/passwd}") == r"\textbackslash{}input\{/etc/passwd\}"
    assert latex_escape("^^5c % & # $ _ ~") == r"\^{}\^{}5c \% \& \# \$ \_ \textasciitilde{}"
    assert latex_escape("x\x07y") == "x[U+0007]y"


def test_markdown_code_span_cannot_be_closed_by_the_input() -> None:
    assert md_code("a`b") == "``a`b``"
    assert md_code("`x`") == "`` `x` ``"


def test_jupyter_reprs() -> None:
    d = explain.derive("x^2")
    assert "$$" in d._repr_markdown_()  # type: ignore[attr-defined]
    assert d._repr_latex_().startswith("$$")  # type: ignore[attr-defined]
