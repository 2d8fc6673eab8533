"""The three-way cross-check: the issue's examples with their numbers, and a property test."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy
from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st

from explain.api import crosscheck, graph
from explain.cli import cli
from explain.expr import (
    Add,
    Call,
    Cases,
    Compare,
    Div,
    Expr,
    Mul,
    Num,
    Parsed,
    Piece,
    Pow,
    Span,
    Sub,
    Var,
)  # fmt: skip
from explain.render import render
from explain.symbolic import symbol, to_sympy

BLOG = "torch.sum(x**2 + 2*x + 1)"


def test_the_blog_polynomial_three_ways() -> None:
    report = crosscheck(BLOG, "x=[[1.0,2.0],[3.0,4.0]]")
    (x,) = report.inputs
    expected = np.array([[4.0, 6.0], [8.0, 10.0]])
    np.testing.assert_array_equal(x.exact, expected)
    np.testing.assert_array_equal(x.autograd, expected)
    np.testing.assert_allclose(x.finite_difference.reshape(2, 2), expected, rtol=1e-8)
    assert x.fd_within_error and x.max_abs_error == 0.0
    assert report.verdict == "agree" and report.summary == "all three agree within 1e-09"
    assert report.form == "elementwise" and str(report.formulas[0].expression) == "2*x_ij + 2"
    assert report.output == 1 * 1 + 2 + 1 + 4 + 4 + 1 + 9 + 6 + 1 + 16 + 8 + 1


def test_the_blog_graph_in_written_order() -> None:
    g = crosscheck(BLOG, "x=[[1.0,2.0],[3.0,4.0]]").graph
    names = [n.name for n in g.nodes]
    assert names == [
        "PowBackward0",
        "MulBackward0",
        "AddBackward0",
        "AddBackward0",
        "SumBackward0",
        "AccumulateGrad",
    ]
    by_id = {n.id: n for n in g.nodes}
    assert by_id["n2"].inputs == ("n0", "n1") and by_id["n0"].inputs == ("x",) == by_id["n1"].inputs
    x = by_id["x"]
    assert x.is_leaf and x.requires_grad and x.shape == (2, 2)
    assert all(not n.is_leaf and n.requires_grad for n in g.nodes if n.kind == "op")
    assert by_id["n0"].rule == "power" and by_id["n4"].shape == ()


def test_text_report_shows_the_three_answers_and_the_graph() -> None:
    out = render(crosscheck(BLOG, "x=[[1.0,2.0],[3.0,4.0]]"), "text")
    assert "∂f/∂x_ij = 2x_ij + 2" in out
    assert out.count("[[4, 6], [8, 10]]") == 3
    assert "verdict: agree: all three agree within 1e-09" in out
    assert out.index("PowBackward0") < out.index("MulBackward0") < out.index("SumBackward0")


def test_transcendental_on_linspace_in_markdown() -> None:
    report = crosscheck("sum(sin(x)*exp(-x^2)/(1+x^2))", "x=linspace(-3,3,7)")
    xs = np.linspace(-3, 3, 7)
    expected = (np.cos(xs) * np.exp(-(xs**2)) - 2 * xs * np.sin(xs) * np.exp(-(xs**2))) / (
        1 + xs**2
    ) - 2 * xs * np.sin(xs) * np.exp(-(xs**2)) / (1 + xs**2) ** 2
    np.testing.assert_allclose(report.inputs[0].exact, expected, rtol=1e-13)
    assert report.verdict == "agree" and report.inputs[0].max_rel_error < 1e-9
    out = render(report, "markdown")
    assert "```mermaid" in out and "**Verdict:** agree" in out


def test_least_squares_gradient_is_the_matrix_formula() -> None:
    report = crosscheck("mean((A@w - b)**2)", "A=[[1,2],[3,4]], w=[0.5,-1], b=[1,0]", "w")
    a, w, b = np.array([[1.0, 2], [3, 4]]), np.array([0.5, -1]), np.array([1.0, 0])
    expected = (2 / 2) * a.T @ (a @ w - b)
    (check,) = report.inputs
    np.testing.assert_allclose(check.exact, expected, rtol=1e-14)
    np.testing.assert_allclose(check.autograd, expected, rtol=1e-14)
    assert report.form == "matrix" and report.verdict == "agree"
    assert render(report, "text").splitlines()[1] == "∇_w f = (2/n)·Aᵀ·(A·w - b)"
    assert "n = 2, the number of residuals" in report.notes


def test_abs_at_zero_is_a_convention_not_a_bug() -> None:
    report = crosscheck("abs(x)", "x=0")
    assert report.verdict == "differs by convention"
    assert float(report.inputs[0].autograd) == 0.0
    assert any("subgradient" in n for n in report.notes)


def test_sqrt_at_zero_reports_inf_as_a_convention() -> None:
    report = crosscheck("sum(sqrt(x))", "x=[0, 1, 4]")
    assert report.verdict == "differs by convention"
    assert np.isinf(report.inputs[0].autograd[0]) and report.inputs[0].exact[1] == 0.5


def test_float32_shows_its_error_and_uses_a_float32_tolerance() -> None:
    report = crosscheck("sum(tanh(x))", "x=linspace(0,2,5)", dtype="float32")
    assert report.dtype == "float32" and report.tolerance == 1e-5
    assert report.verdict == "agree" and report.inputs[0].max_abs_error > 0


def test_broadcast_scalar_gets_the_summed_gradient() -> None:
    report = crosscheck("sum(a*x^2)", "a=2, x=[1, 2, 3]")
    by_name = {c.name: c for c in report.inputs}
    assert float(by_name["a"].exact) == pytest.approx(14.0)
    np.testing.assert_allclose(by_name["x"].exact, [4.0, 8.0, 12.0])
    assert report.verdict == "agree"


def test_detach_is_a_cut_and_a_constant() -> None:
    report = crosscheck("sum(x.detach()*x)", "x=[1.0, 2.0]")
    np.testing.assert_allclose(report.inputs[0].exact, [1.0, 2.0])
    np.testing.assert_allclose(report.inputs[0].autograd, [1.0, 2.0])
    assert any(n.kind == "cut" for n in report.graph.nodes)


def test_json_keys() -> None:
    data = json.loads(render(crosscheck(BLOG, "x=[[1.0,2.0],[3.0,4.0]]"), "json"))
    keys = "exact_gradient autograd_gradient finite_difference_gradient max_abs_error"
    for key in (keys + " max_rel_error verdict notes graph").split():
        assert key in data, key
    assert data["exact_gradient"]["x"] == [[4.0, 6.0], [8.0, 10.0]]
    node = data["graph"]["nodes"][0]
    assert {"id", "name", "rule", "inputs", "shape", "requires_grad", "is_leaf"} <= set(node)


def test_graph_command_writes_dot_and_mermaid() -> None:
    dot = CliRunner().invoke(cli, ["graph", BLOG, "--format", "dot"])
    assert dot.exit_code == 0 and "digraph" in dot.output and "PowBackward0" in dot.output
    mermaid = CliRunner().invoke(cli, ["graph", BLOG, "--format", "mermaid"])
    assert mermaid.exit_code == 0 and "flowchart" in mermaid.output
    assert [n.name for n in graph(BLOG).nodes][-1] == "AccumulateGrad"


def test_cli_cross_check_and_errors() -> None:
    ok = CliRunner().invoke(cli, ["diff", BLOG, "--at", "x=[[1.0,2.0],[3.0,4.0]]"])
    assert ok.exit_code == 0 and "verdict: agree" in ok.output
    for at in ("x=[[1,2],[3]]", "x=[nan]", "x=[1,2], y=3", "x=zeros(100000, 100000)"):
        bad = CliRunner().invoke(cli, ["diff", "sum(x^2)", "--at", at])
        assert bad.exit_code == 2 and bad.stderr.count("\n") == 1, (at, bad.output)


# --- property: exact and autograd agree on random trees --------------------------------------

SPAN = Span(0, 0)
UNARY = ("sin", "cos", "exp", "tanh", "atan", "sigmoid", "sqrt", "log")


def trees(depth: int) -> st.SearchStrategy[Expr]:
    leaf = st.one_of(
        st.just(Var("x", SPAN)),
        st.integers(1, 5).map(lambda n: Num(str(n), SPAN)),
    )
    if depth == 0:
        return leaf
    sub = trees(depth - 1)
    return st.one_of(
        leaf,
        st.builds(lambda a, b: Add(a, b, SPAN), sub, sub),
        st.builds(lambda a, b: Sub(a, b, SPAN), sub, sub),
        st.builds(lambda a, b: Mul(a, b, SPAN), sub, sub),
        st.builds(lambda a, b: Div(a, b, SPAN), sub, sub),
        st.builds(lambda a, n: Pow(a, Num(str(n), SPAN), SPAN), sub, st.integers(2, 3)),
        st.builds(lambda f, a: Call(f, (a,), SPAN, f), st.sampled_from(UNARY), sub),
        st.builds(where, st.sampled_from(("<", ">=")), st.sampled_from((0.5, 1.25)), sub, sub),
    )


def where(op: str, at: float, a: Expr, b: Expr) -> Cases:
    """torch.where(x op at, a, b): a function by cases whose pieces torch.where picks."""
    condition = (Compare(op, Var("x", SPAN), Num(str(at), SPAN), SPAN),)  # type: ignore[arg-type]
    pieces = (Piece(a, condition, SPAN), Piece(b, (), SPAN))
    return Cases(pieces, SPAN, "torch.where")


@given(trees(5), st.lists(st.floats(0.2, 2.0), min_size=1, max_size=4))
def test_exact_and_autograd_agree_on_random_trees(body: Expr, points: list[float]) -> None:
    expr = Call("sum", (Add(body, Var("x", SPAN), SPAN),), SPAN, "sum")
    parsed = Parsed("random tree", expr)
    try:
        report = crosscheck(parsed, f"x=[{', '.join(repr(p) for p in points)}]")
    except Exception as err:
        from explain.errors import ExplainError

        assert isinstance(err, ExplainError), err
        return
    (x,) = report.inputs
    finite = np.isfinite(x.exact) & np.isfinite(x.autograd) & (np.abs(x.exact) < 1e12)
    assume(bool(np.all(finite)) and report.verdict != "differs by convention")
    scale = max(1.0, float(np.max(np.abs(x.exact))))
    assert report.verdict == "agree", report.summary
    assert x.agrees and x.fd_within_error, report.summary
    if not (x.max_rel_error <= 1e-9 or x.max_abs_error <= 1e-12 * scale):
        # float64 cannot give 1e-9 through a cancellation: it must be named, and the exact
        # side must still be exact (checked here to 40 digits, independently of explain)
        assert any(n.startswith("float64 loses digits here") for n in report.notes), report.summary
        derivative = sympy.diff(to_sympy(expr), symbol("x"))
        truth = [derivative.subs(symbol("x"), sympy.Float(p, 60)).evalf(40) for p in points]
        assert all(
            abs(float(t) - e) <= 1e-12 * abs(float(t)) for t, e in zip(truth, x.exact, strict=True)
        )


def test_a_cancellation_is_rounding_named_not_a_disagreement() -> None:
    """(x-1)/(x-x*x) at 0.99999: float64 loses ~10 digits of the gradient in every answer.

    The exact value is computed to 40 digits there, finite differences carry their measured
    rounding, and torch's 8e-8 is named as float64's limit (a cancellation), not a bug."""
    report = crosscheck("(x-1)/(x-x*x)", "x=0.99999")
    (x,) = report.inputs
    assert float(x.exact) == pytest.approx(1 / 0.99999**2, rel=1e-15)
    assert 1e-8 < x.max_rel_error < 1e-6 and x.agrees and x.fd_within_error
    assert report.verdict == "agree" and "as far as float64 can" in report.summary
    assert any("-x² + x is 1e-05 while its terms are about 10^5" in n for n in report.notes)
    assert any("exact formula loses digits" in n for n in report.notes)
    well = crosscheck("(x-1)/(x-x*x)", "x=0.5")  # nothing to say where nothing cancels
    assert well.verdict == "agree" and not any("float64 loses" in n for n in well.notes)
    big = crosscheck("sin(exp(x+16))", "x=2")  # an angle of 6.6e7: float64 holds it to 1e-8
    assert big.verdict == "agree", big.summary
    assert any("has the angle e^(x + 16) = 6.57e+07" in n for n in big.notes), big.notes


def test_a_real_disagreement_is_not_excused_by_a_cancellation() -> None:
    """within_precision allows float64's loss, not more: a 1e-3 difference stays a disagreement."""
    from explain.precision import Cancellation, within_precision

    lost = Cancellation(5.0, "u is 1e-05 while its terms are about 10^5 times larger")
    one = np.array([1.0])
    assert within_precision("x", one, one + 1e-7, lost, (1e-9, 1e-12)) is not None
    assert within_precision("x", one, one + 1e-3, lost, (1e-9, 1e-12)) is None
    small = Cancellation(1.0, "u is 0.1 while its terms are about 10^1 times larger")
    assert within_precision("x", one, one + 1e-7, small, (1e-9, 1e-12)) is None


def test_ties_and_singular_points_are_conventions() -> None:
    tie = crosscheck("max(x)", "x=[1, 3, 3]")
    np.testing.assert_allclose(tie.inputs[0].autograd, [0.0, 0.5, 0.5])
    assert tie.verdict == "differs by convention" and "tie" in tie.summary
    pole = crosscheck("1/x", "x=0")
    assert pole.verdict == "differs by convention" and "singular" in pole.summary
    outside = crosscheck("log(x)", "x=-1")
    assert outside.verdict == "differs by convention" and "domain" in outside.summary
    assert float(outside.inputs[0].autograd) == -1.0


def test_shape_mismatch_is_a_clear_error() -> None:
    from explain.errors import MathError

    with pytest.raises(MathError, match="do not broadcast"):
        crosscheck("sum(x*y)", "x=[1,2], y=[1,2,3]")


def test_torch_where_inside_a_product_and_a_huge_cancelling_quotient() -> None:
    """Found by the random trees with torch.where: a condition CSE shares across the formula
    (x < 5/4 computed once) evaluates; and a quotient whose chain-rule terms are 10^29 and
    cancel to 1 leaves torch's float64 x.grad with no correct digit, which is named."""
    shared = crosscheck("exp(torch.where(x < 1.25, 8, x)*(5-x))", "x=[0.6, 1.5]")
    assert shared.verdict == "agree", shared.summary
    at = "x=[0.6, 0.37, 1.56, 1.47]"
    big = crosscheck(
        "exp(torch.where(x<1.25, 8, x)*(5-x)) / exp(torch.where(x<1.25, 8, x)*(-3-x)) + x", at
    )
    (x,) = big.inputs
    assert list(x.exact[:2]) == [1.0, 1.0]  # the exact gradient is right where torch is not
    assert big.verdict == "agree" and "no correct digit" in big.summary, big.summary
    assert any("10^29 times larger" in n for n in big.notes), big.notes


def test_a_limit_sympy_cannot_take_leaves_the_boundary_unsaid() -> None:
    inner = (
        "torch.where(x < 1.25, torch.where(x < 0.5, 1, 25), torch.where(x < 0.5, x, 1) - (x + 5))"
    )
    nested = f"torch.where(x < 1.25, sigmoid({inner}), 3)"
    report = crosscheck(nested, "x=0.2")
    assert report.verdict in ("agree", "differs by convention"), report.summary
