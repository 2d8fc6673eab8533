"""explain.autograd: the expression run through torch in written order, with torch as the oracle."""

from __future__ import annotations

import math
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

from explain.autograd import AutogradRun, run
from explain.autograd.forward import broadcast
from explain.errors import ExplainError, LimitExceeded, MathError, Unsupported, UsageError
from explain.expr import Span, Var
from explain.parse import parse
from explain.reports import Graph, GraphNode

torch = pytest.importorskip("torch")

AT = Span(0, 0)


def x_var(name: str = "x") -> Var:
    return Var(name, AT)


def go(source: str, wrt: tuple[str, ...] = ("x",), **values: Any) -> AutogradRun:
    parsed = parse(source)
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in values.items()}
    return run(parsed.expr, arrays, wrt, source=parsed.source)


def grad(result: AutogradRun, name: str = "x") -> Any:
    return dict(result.gradients)[name]


def ops(graph: Graph) -> list[GraphNode]:
    return [n for n in graph.nodes if n.kind == "op"]


def by_id(graph: Graph) -> dict[str, GraphNode]:
    return {n.id: n for n in graph.nodes}


def assert_well_formed(graph: Graph) -> None:
    ids = [n.id for n in graph.nodes]
    assert len(ids) == len(set(ids)), ids
    assert graph.output in ids
    for node in graph.nodes:
        assert set(node.inputs) <= set(ids), (node, ids)


# --- the blog graph -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def blog() -> AutogradRun:
    return go("torch.sum(x**2 + 2*x + 1)", x=[[1, 2], [3, 4]])


def test_blog_gradient_and_value(blog: AutogradRun) -> None:
    np.testing.assert_array_equal(grad(blog), [[4, 6], [8, 10]])
    assert grad(blog).dtype == np.float64
    assert blog.output.shape == ()
    assert float(blog.output) == 54.0
    assert blog.notes == ()


def test_blog_graph_in_written_order(blog: AutogradRun) -> None:
    graph = blog.graph
    assert_well_formed(graph)
    names = [n.name for n in ops(graph)]
    assert names == ["PowBackward0", "MulBackward0", "AddBackward0", "AddBackward0", "SumBackward0"]
    assert [n.id for n in ops(graph)] == ["n0", "n1", "n2", "n3", "n4"]
    assert graph.output == "n4"
    assert graph.source == "torch.sum(x**2 + 2*x + 1)"


def test_blog_graph_has_one_leaf_with_two_incoming_edges(blog: AutogradRun) -> None:
    leaves = [n for n in blog.graph.nodes if n.kind == "leaf"]
    assert [(n.id, n.name) for n in leaves] == [("x", "AccumulateGrad")]
    incoming = [n.id for n in blog.graph.nodes for i in n.inputs if i == "x"]
    assert incoming == ["n0", "n1"]


def test_blog_graph_edges_flags_and_shapes(blog: AutogradRun) -> None:
    nodes = by_id(blog.graph)
    assert nodes["n2"].inputs == ("n0", "n1")  # x**2 + 2*x
    assert nodes["n3"].inputs == ("n2",)  # ... + 1: the constant's None edge is left out
    assert nodes["n4"].inputs == ("n3",)
    for node in ops(blog.graph):
        assert (node.requires_grad, node.is_leaf) == (True, False)
    assert [n.shape for n in ops(blog.graph)] == [(2, 2)] * 4 + [()]
    leaf = nodes["x"]
    assert (leaf.requires_grad, leaf.is_leaf, leaf.shape) == (True, True, (2, 2))


def test_blog_graph_rules_and_local_derivatives(blog: AutogradRun) -> None:
    nodes = by_id(blog.graph)
    assert [n.rule for n in ops(blog.graph)] == [
        "power",
        "constant_multiple",
        "sum",
        "sum",
        "elementwise",
    ]
    assert nodes["n0"].local[0] == "∂(x²)/∂x = 2x"
    assert nodes["n1"].local[0] == "∂(2x)/∂x = 2"
    assert nodes["n2"].local[0] == "∂/∂(x²) = 1, ∂/∂(2x) = 1"
    assert nodes["n4"].local[0] == "∂ sum(u)/∂uᵢ = 1"
    assert nodes["n0"].local[1] == r"\frac{\partial \left(x^{2}\right)}{\partial x} = 2 x"
    assert [n.expression for n in ops(blog.graph)] == [
        "x²",
        "2x",
        "x² + 2x",
        "x² + 2x + 1",
        "sum(x² + 2x + 1)",
    ]


# --- grad_fn names and structure ------------------------------------------------------------------


def test_reciprocal_is_two_grad_fns_for_one_division() -> None:
    result = go("1/x", x=2.0)
    assert [n.name for n in ops(result.graph)] == ["ReciprocalBackward0", "MulBackward0"]
    assert {n.expression for n in ops(result.graph)} == {"1/x"}
    assert by_id(result.graph)["n1"].inputs == ("n0",)
    assert grad(result) == pytest.approx(-0.25)


@pytest.mark.parametrize(
    ("source", "name"),
    [("x**2", "PowBackward0"), ("x**0.5", "PowBackward0"), ("x**x", "PowBackward1")],
)
def test_power_grad_fn_names(source: str, name: str) -> None:
    assert ops(go(source, x=2.0).graph)[0].name == name


def test_number_to_a_tensor_power_is_named_as_torch_names_it() -> None:
    x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    expected = type((2**x).grad_fn).__name__  # PowBackward2 in torch 2.13
    result = go("2**x", x=2.0)
    assert ops(result.graph)[0].name == expected
    assert ops(result.graph)[0].rule == "exp_base"
    assert grad(result) == pytest.approx(4 * math.log(2))


def test_definitions_built_from_torch_functions_show_every_grad_fn() -> None:
    result = go("sec(x)", x=0.5)
    assert [n.name for n in ops(result.graph)] == [
        "CosBackward0",
        "ReciprocalBackward0",
        "MulBackward0",
    ]
    assert grad(result) == pytest.approx(math.tan(0.5) / math.cos(0.5))


def test_x_times_x_has_two_edges_to_one_leaf() -> None:
    result = go("x*x", x=3.0)
    node = ops(result.graph)[0]
    assert node.inputs == ("x", "x")
    assert node.rule == "product"
    assert "(left)" in node.local[0] and "(right)" in node.local[0]
    assert grad(result) == 6.0


# --- detach ---------------------------------------------------------------------------------------


def test_detached_factor_is_a_constant_and_a_cut() -> None:
    result = go("(x.detach()*x).sum()", x=[1.0, 2.0, 3.0])
    np.testing.assert_array_equal(grad(result), [1.0, 2.0, 3.0])  # x, not 2x
    cuts = [n for n in result.graph.nodes if n.kind == "cut"]
    assert [(c.name, c.rule, c.requires_grad) for c in cuts] == [("detach", "detach", False)]
    mul = by_id(result.graph)["n1"]
    assert (cuts[0].id, cuts[0].expression) == ("n0", "detach(x)")
    assert mul.name == "MulBackward0"
    assert mul.inputs == ("x", cuts[0].id)  # the real edge, then the cut
    assert_well_formed(result.graph)


def test_input_reached_only_through_detach_gets_zero_and_a_note() -> None:
    result = go("y*x.detach()", wrt=("x", "y"), x=[1.0, 2.0], y=[3.0, 4.0])
    np.testing.assert_array_equal(grad(result, "x"), [0.0, 0.0])
    np.testing.assert_array_equal(grad(result, "y"), [1.0, 2.0])
    assert (
        "x does not reach the output except through detach(): its gradient is 0 "
        "(torch leaves x.grad = None)"
    ) in result.notes
    assert "x" not in by_id(result.graph)  # no AccumulateGrad for x in torch's graph


def test_fully_detached_output_runs_no_backward() -> None:
    result = go("x.detach()", x=[1.0, 2.0])
    np.testing.assert_array_equal(grad(result), [0.0, 0.0])
    assert result.graph.nodes[0].kind == "cut"
    assert result.graph.output == result.graph.nodes[0].id
    assert any("no backward pass ran" in n for n in result.notes)


def test_constant_inside_an_expression_is_a_cut_node() -> None:
    result = go("x + 2*c", x=[1.0], c=[5.0])
    node = by_id(result.graph)["c"]
    assert (node.kind, node.name, node.requires_grad) == ("cut", "constant", False)
    add = ops(result.graph)[0]
    assert (add.name, add.inputs) == ("AddBackward0", ("x", "c"))
    assert_well_formed(result.graph)


# --- notes where torch and the maths differ -------------------------------------------------------


def test_non_scalar_output_note() -> None:
    result = go("x**2", x=[1.0, 2.0])
    np.testing.assert_array_equal(grad(result), [2.0, 4.0])
    assert result.output.shape == (2,)
    assert any(
        "not a scalar: gradients are those of sum(output), as y.backward(torch.ones_like(y))" in n
        for n in result.notes
    )


def test_relu_and_abs_at_zero() -> None:
    result = go("relu(x) + abs(x)", x=[0.0, 2.0])
    np.testing.assert_array_equal(grad(result), [0.0, 2.0])
    relu = next(n for n in result.notes if n.startswith("relu(x) at x = 0"))
    assert "relu'(0) = 0" in relu and "1 of 2 elements" in relu
    assert any(n.startswith("|x| at x = 0") and "abs'(0) = 0" in n for n in result.notes)


def test_sign_at_zero() -> None:
    result = go("sign(x)", x=0.0)
    assert grad(result) == 0.0
    assert any("sign jumps there" in n for n in result.notes)


def test_sqrt_at_zero_is_infinite() -> None:
    result = go("sqrt(x)", x=0.0)
    assert math.isinf(grad(result))
    assert any("unbounded; torch returns inf" in n for n in result.notes)
    assert any(n.startswith("x.grad is inf") for n in result.notes)


def test_log_of_a_negative_number_has_a_finite_gradient() -> None:
    result = go("log(x)", x=-1.0)
    assert math.isnan(float(result.output))
    assert grad(result) == -1.0
    note = next(n for n in result.notes if "negative number" in n)
    assert "torch's value is nan" in note and "-1" in note and "LogBackward0" in note


def test_log_at_zero_and_zero_times_infinity() -> None:
    result = go("0*log(x)", x=0.0)
    assert math.isnan(float(result.output))
    assert math.isnan(grad(result))
    assert any("at x = 0: torch's value is -inf" in n for n in result.notes)
    assert any("multiplies 0 by ∞" in n for n in result.notes)


def test_division_by_zero() -> None:
    result = go("x/y", wrt=("x", "y"), x=[1.0, 0.0], y=[0.0, 0.0])
    assert np.isinf(result.output[0]) and np.isnan(result.output[1])
    note = next(n for n in result.notes if "divides by zero" in n)
    assert "inf and nan" in note


def test_max_ties_split_evenly() -> None:
    result = go("max(x)", x=[1.0, 3.0, 3.0])
    np.testing.assert_array_equal(grad(result), [0.0, 0.5, 0.5])
    assert any("tie: 2 elements equal 3" in n and "0.5 each" in n for n in result.notes)


def test_max_along_a_dim_uses_amax() -> None:
    result = go("torch.max(x, dim=1)", x=[[1.0, 1.0], [2.0, 3.0]])
    assert ops(result.graph)[0].name == "AmaxBackward0"
    np.testing.assert_array_equal(grad(result), [[0.5, 0.5], [0.0, 1.0]])
    assert any("torch.amax splits the gradient evenly" in n for n in result.notes)


def test_domain_error_gives_nan_note() -> None:
    result = go("acos(x)", x=2.0)
    assert any("acos(x) is nan" in n for n in result.notes)


# --- dtype, tensors, shapes -----------------------------------------------------------------------


def test_float32_run() -> None:
    result = run(parse("tanh(x)").expr, {"x": np.float64(1.0)}, ["x"], dtype="float32")
    g = grad(result)
    assert g.dtype == np.float64
    x32 = torch.tensor(1.0, dtype=torch.float32, requires_grad=True)
    torch.tanh(x32).backward()
    assert float(g) == float(x32.grad)  # float32's own answer, widened
    assert float(g) != pytest.approx(1 - math.tanh(1) ** 2, rel=1e-12, abs=0)
    assert float(g) == pytest.approx(1 - math.tanh(1) ** 2, rel=1e-6)
    assert any("float32" in n for n in result.notes)


def test_unknown_dtype_is_refused() -> None:
    with pytest.raises(UsageError):
        run(parse("x").expr, {"x": np.float64(1.0)}, ["x"], dtype="float16")


def test_shape_mismatch_is_one_line() -> None:
    with pytest.raises(MathError) as caught:
        go("x + y", wrt=("x", "y"), x=[1.0, 2.0], y=[1.0, 2.0, 3.0])
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    assert "(2,)" in message and "(3,)" in message and "x + y" in message


def test_matmul_shape_mismatch_is_one_line() -> None:
    with pytest.raises(MathError) as caught:
        go("A @ w", wrt=("w",), A=[[1.0, 2.0], [3.0, 4.0]], w=[1.0, 2.0, 3.0])
    message = str(caught.value)
    assert "\n" not in message and "(2, 2)" in message and "(3,)" in message


def test_broadcast_larger_than_the_limit_is_refused() -> None:
    column, row = np.ones((4000, 1)), np.ones((1, 4000))
    with pytest.raises(LimitExceeded, match="16,000,000 elements"):
        go("x*y", wrt=("x",), x=column, y=row)


def test_broadcast_shapes_as_numpy_does() -> None:
    for a, b in [((2, 1), (3,)), ((), (4,)), ((0, 1), (1, 5)), ((3, 1, 2), (4, 1))]:
        assert broadcast(a, b) == np.broadcast_shapes(a, b)
    assert broadcast((2,), (3,)) is None


def test_least_squares_gradient() -> None:
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    w = np.array([0.5, -1.0])
    b = np.array([1.0, 0.0])
    result = go("torch.mean((A @ w - b)**2)", wrt=("w",), A=a, w=w, b=b)
    expected = (2 / len(b)) * a.T @ (a @ w - b)
    np.testing.assert_allclose(grad(result, "w"), expected, rtol=1e-12)
    assert float(result.output) == pytest.approx(np.mean((a @ w - b) ** 2))
    mv = ops(result.graph)[0]
    assert mv.name == "MvBackward0" and mv.rule == "matmul"
    assert mv.local[0] == "∂(A·w)/∂w = Aᵀ (vector-Jacobian: Aᵀ·g)"
    assert by_id(result.graph)["A"].kind == "cut"
    mean = ops(result.graph)[-1]
    assert mean.local[0] == "∂ mean(u)/∂uᵢ = 1/N, N = 2"


def test_dot_needs_vectors() -> None:
    with pytest.raises(MathError, match="two vectors"):
        go("torch.dot(A, x)", A=[[1.0, 2.0], [3.0, 4.0]], x=[1.0, 2.0])
    result = go("torch.dot(v, x)", wrt=("v", "x"), v=[3, 4], x=[1, 2])
    np.testing.assert_array_equal(grad(result, "v"), [1.0, 2.0])
    assert ops(result.graph)[0].name == "DotBackward0"


def test_transpose_and_index() -> None:
    result = go("x[0, 1:]", x=[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    np.testing.assert_array_equal(grad(result), [[0, 1, 1], [0, 0, 0]])
    assert {n.rule for n in ops(result.graph)} == {"index"}
    assert ops(result.graph)[0].local[0] == "∂(x[0, 1:])/∂x: g at [0, 1:], 0 elsewhere"
    np.testing.assert_array_equal(grad(go("x[-1]", x=[1.0, 2.0])), [0.0, 1.0])
    transposed = go("x.T", x=[[1.0, 2.0], [3.0, 4.0]])
    assert ops(transposed.graph)[0].name == "PermuteBackward0"


def test_index_out_of_range_is_a_math_error() -> None:
    with pytest.raises(MathError, match="out of bounds"):
        go("x[5]", x=[1.0, 2.0])


def test_reductions_along_a_dim() -> None:
    result = go("sum(x, dim=0, keepdim=True)", x=[[1.0, 2.0], [3.0, 4.0]])
    assert result.output.shape == (1, 2)
    result = go("x.sum(dim=-1)", x=[[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(result.output, [3.0, 7.0])
    result = go("prod(x)", x=[1.0, 2.0, 3.0])
    np.testing.assert_array_equal(grad(result), [6.0, 3.0, 2.0])


# --- the oracle: the same expression written directly in torch ------------------------------------

ORACLE = {
    "sin(x)*cos(x) + tan(x)": lambda x: torch.sin(x) * torch.cos(x) + torch.tan(x),
    "csc(x) + cot(x)": lambda x: 1 / torch.sin(x) + 1 / torch.tan(x),
    "asin(x/2) + acos(x/2) + atan(x)": lambda x: (
        torch.asin(x / 2) + torch.acos(x / 2) + torch.atan(x)
    ),
    "asec(x+1) + acsc(x+1) + acot(x)": lambda x: (
        torch.acos(1 / (x + 1)) + torch.asin(1 / (x + 1)) + torch.atan(1 / x)
    ),
    "sinh(x) + cosh(x) + tanh(x)": lambda x: torch.sinh(x) + torch.cosh(x) + torch.tanh(x),
    "sech(x) + csch(x) + coth(x)": lambda x: (
        1 / torch.cosh(x) + 1 / torch.sinh(x) + 1 / torch.tanh(x)
    ),
    "asinh(x) + acosh(x+1) + atanh(x/2)": lambda x: (
        torch.asinh(x) + torch.acosh(x + 1) + torch.atanh(x / 2)
    ),
    "exp(x) + log(x) + log(x, 3) + log10(x) + log2(x)": lambda x: (
        torch.exp(x) + torch.log(x) + torch.log(x) / math.log(3) + torch.log10(x) + torch.log2(x)
    ),
    "sqrt(x) + cbrt(x) + root(x, 4)": lambda x: (
        torch.sqrt(x) + torch.sign(x) * torch.abs(x) ** (1 / 3) + x ** (1 / 4)
    ),
    "sigmoid(x) * erf(x) - e**x + pi*x": lambda x: (
        torch.sigmoid(x) * torch.erf(x) - math.e**x + math.pi * x
    ),
    "-x**3/(1 + x**2)": lambda x: -(x**3) / (1 + x**2),
}


@pytest.mark.parametrize("source", list(ORACLE))
def test_gradients_match_torch_written_directly(source: str) -> None:
    x = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    expected = ORACLE[source](x)
    expected.backward()
    result = go(source, x=0.7)
    assert float(result.output) == pytest.approx(float(expected.detach()), rel=1e-12)
    assert float(grad(result)) == pytest.approx(float(x.grad), rel=1e-12)
    assert_well_formed(result.graph)


# --- errors and edge cases ------------------------------------------------------------------------


def test_undefined_function_is_unsupported() -> None:
    with pytest.raises(Unsupported, match="undefined function"):
        go("f(x)", x=1.0)


def test_factorial_of_a_constant_only() -> None:
    assert grad(go("factorial(3)*x", x=1.0)) == 6.0
    with pytest.raises(Unsupported):
        go("factorial(x)", x=1.0)


def test_constant_division_by_zero_is_a_math_error() -> None:
    with pytest.raises(MathError, match="divides by zero"):
        go("x*(1/0)", x=1.0)


def test_missing_value_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no value given for y"):
        go("x*y", x=1.0)


def test_errors_are_explain_errors_with_one_line() -> None:
    for source in ("f(x)", "x*(1/0)", "log(x, 0)"):
        with pytest.raises(ExplainError) as caught:
            go(source, x=1.0)
        assert "\n" not in str(caught.value)


def test_output_that_is_a_leaf() -> None:
    result = go("x", x=2.0)
    assert grad(result) == 1.0
    assert result.graph.output == "x"
    assert [n.kind for n in result.graph.nodes] == ["leaf"]


def test_input_not_in_the_expression() -> None:
    result = go("2*x", wrt=("x", "z"), x=1.0, z=[1.0, 2.0])
    np.testing.assert_array_equal(grad(result, "z"), [0.0, 0.0])
    assert any(n.startswith("z does not appear in the expression") for n in result.notes)


def test_long_operands_are_elided_in_local_derivatives() -> None:
    result = go("sin(x) + cos(x) + tan(x) + exp(x) + sqrt(x) + log(x)", x=0.5)
    last = ops(result.graph)[-1]
    assert last.local[0] == "∂/∂(… + √x) = 1, ∂/∂(ln(x)) = 1"
    assert r"\dots" in last.local[1]


# --- the architecture -----------------------------------------------------------------------------


def test_import_does_not_load_torch() -> None:
    code = "import sys, explain.autograd; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
