"""The `explain` command as a user runs it: the issue's examples, errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from explain.cli import FORMATS, cli


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_the_tutorial_polynomial_shows_reading_result_and_steps() -> None:
    code, out, err = run("diff", "x**2 + 2*x + 1")
    assert code == 0, err
    assert "read as: x^2 + 2*x + 1" in out
    assert "d/dx (x² + 2x + 1) = 2x + 2" in out
    order = [
        out.index(rule)
        for rule in ("Sum rule", "Power rule", "Constant multiple rule", "Constant rule")
    ]
    assert order == sorted(order)
    assert "d/dx x² = 2x" in out


def test_value_at_a_point_is_exact_and_float() -> None:
    code, out, _ = run("diff", "2x^2 + sin x", "--at", "x=1")
    assert code == 0
    assert "read as: 2*x^2 + sin(x)" in out
    assert "cos(1) + 4" in out or "4 + cos(1)" in out
    assert "4.54030230586813" in out


def test_partial_derivative_in_latex() -> None:
    code, out, _ = run("diff", "x*y^2 + exp(x*y)", "--wrt", "y", "--format", "latex")
    assert code == 0
    assert r"\frac{\partial}{\partial y}" in out
    assert "2 x y + x e^{x y}" in out


def test_second_order_in_markdown() -> None:
    code, out, _ = run("diff", "ln(x)/x", "--order", "2", "--format", "markdown")
    assert code == 0
    assert r"\frac{d^{2}}{dx^{2}}" in out
    assert r"\frac{2 \ln{\left(x \right)} - 3}{x^{3}}" in out
    assert "second derivative" in out


def test_gradient() -> None:
    code, out, _ = run("diff", "x^2*y + y^3", "--wrt", "x,y")
    assert code == 0
    assert "(2x·y, x² + 3y²)" in out


def test_gradient_json_lists_components_in_order() -> None:
    code, out, _ = run(
        "diff", "x^2*y + y^3", "--wrt", "x,y", "--format", "json", "--at", "x=1, y=2", "--no-check"
    )
    assert code == 0
    data = json.loads(out)
    assert data["kind"] == "gradient" and data["wrt"] == ["x", "y"]
    assert data["gradient"] == ["2*x*y", "x**2 + 3*y**2"]
    assert [c["value"]["float"] for c in data["components"]] == [4.0, 13.0]


def test_json_has_the_documented_keys() -> None:
    code, out, _ = run("diff", "2x^2 + sin x", "--at", "x=1", "--format", "json", "--no-check")
    data = json.loads(out)
    assert code == 0
    for key in (
        "schema",
        "input",
        "read_as",
        "variables",
        "derivative",
        "derivative_latex",
        "steps",
        "value",
    ):
        assert key in data, key
    assert data["schema"] == 1 and data["derivative"] == "4*x + cos(x)"
    step = data["steps"][0]
    assert {"rule", "expression", "result", "substeps"} <= set(step)
    assert step["rule"] == "sum" and [s["rule"] for s in step["substeps"]] == [
        "constant_multiple",
        "trig",
    ]
    assert data["value"]["exact"] == "cos(1) + 4" and data["value"]["float"] == pytest.approx(
        4.5403023058681398
    )


def test_python_api_result() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import explain; print(explain.derive('x**2+2*x+1', 'x').result)"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert out.strip() == "2*x + 2"


def test_module_entry_point_and_help() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "explain", "--help"], check=True, capture_output=True, text=True
    )
    assert "diff" in out.stdout


def test_file_of_expressions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "sheet.txt"
    sheet.write_text("# a comment\nx^2\n\nsin(\ncos x\n", encoding="utf-8")
    code, out, err = run("diff", "--file", str(sheet))
    assert code == 2
    assert "d/dx x² = 2x" in out and "d/dx cos(x) = -sin(x)" in out
    assert err.count("\n") == 1 and "sheet.txt:4:" in err


def test_expression_from_stdin() -> None:
    code, out, _ = run("diff", "-", input="x^3\n")
    assert code == 0 and "= 3x²" in out


BAD = [
    "__import__('os').system('id')",
    "().__class__.__bases__",
    "ｅｖａｌ(1)",
    "9**9**9**9",
    "10**10**10",
    "factorial(10**7)",
    "1e1000000",
    "(" * 100_000,
    "x" * 1_000_000,
    "x +",
    ")(",
    "sin()",
    "",
    "sin^-1(x)",
    "In(x)",
    "3,5x",
    "х^2",
]


@pytest.mark.parametrize("text", BAD, ids=lambda t: repr(t[:20]))
def test_bad_input_is_one_line_exit_2_within_a_second(text: str) -> None:
    start = time.perf_counter()
    code, out, err = run("diff", text)
    elapsed = time.perf_counter() - start
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and len(err) < 400, err
    assert "Traceback" not in err and out == ""
    assert elapsed < 1.0


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["diff", "x*y", "--wrt", "x", "--order", "11"], "order"),
        (["diff", "x*y", "--wrt", "x,y", "--order", "2"], "gradient is first order"),
        (["diff", "a*b"], "several variables"),
        (["diff", "x^2", "--at", "x=1, x=2"], "given twice"),
        (["diff", "x^2", "--at", "x=nan"], "column"),
        (["diff", "x^2", "--at", "x=1+2j"], "number"),
        (["diff", "x^2", "--at", "x=١٢٣"], "U+0661"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], fragment: str) -> None:
    code, _, err = run(*args)
    assert code == 2 and fragment in err and err.count("\n") == 1, err


def test_cli_formats_match_the_renderers() -> None:
    from explain.render import FORMATS as RENDER_FORMATS

    assert tuple(FORMATS) == RENDER_FORMATS


def test_real_console_script_reports_errors_without_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "explain", "diff", "x +"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "column" in proc.stderr
