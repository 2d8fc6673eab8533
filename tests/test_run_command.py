"""`explain run`: the narration of the tutorial's scripts in every format, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from explain.api import narrate
from explain.cli import cli
from explain.render import FORMATS, render

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "tutorial"
EXT = {"text": "txt", "markdown": "md", "latex": "tex", "json": "json"}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "sample",
    ["04_accumulation", "05_detach_error", "../autograd/sgd_without_zero_grad",
     "../autograd/non_leaf_grad", "../autograd/autograd_grad", "../autograd/inplace_leaf_no_grad"],
)  # fmt: skip
def test_golden_narrations(sample: str, fmt: str, golden) -> None:  # type: ignore[no-untyped-def]
    source = (SAMPLES / f"{sample}.py").read_text(encoding="utf-8")
    sample = sample.removeprefix("../autograd/")
    golden(f"run_{sample}.{EXT[fmt]}", render(narrate(source), fmt))  # type: ignore[arg-type]


def test_accumulation_is_narrated_with_before_added_after() -> None:
    out = CliRunner().invoke(cli, ["run", str(SAMPLES / "04_accumulation.py")]).output
    assert "∂y1/∂x = 2x + 2 = [[4, 6], [8, 10]]; x.grad was None, so this becomes x.grad" in out
    assert "added to x.grad: [[4, 6], [8, 10]] + [[1, 1], [1, 1]] = [[5, 7], [9, 11]]" in out
    assert "zero them (x.grad.zero_(), or optimizer.zero_grad())" in out


def test_json_schema_of_a_narration() -> None:
    data = json.loads(render(narrate((SAMPLES / "04_accumulation.py").read_text()), "json"))
    assert data["schema"] == 1 and data["stdout"].startswith("None\n")
    backward = [e for e in data["events"] if e["kind"] == "backward"]
    first, second = backward[0]["grads"][0], backward[1]["grads"][0]
    assert backward[0]["target"] == "y1" and first["tensor"] == "x" and first["before"] is None
    assert first["added"] == [[4.0, 6.0], [8.0, 10.0]] and first["formula"] == "2*x + 2"
    assert second["after"] == [[5.0, 7.0], [9.0, 11.0]] and second["formula"] == "1"
    for event in data["events"]:
        assert {"kind", "line", "source"} <= set(event)


def test_error_event_has_exception_message_and_explanation() -> None:
    data = json.loads(render(narrate((SAMPLES / "05_detach_error.py").read_text()), "json"))
    raised = data["events"][-1]
    assert raised["kind"] == "raised" and raised["exception"] == "RuntimeError"
    assert raised["message"].startswith("element 0 of tensors does not require grad")
    assert "detach" in raised["explanation"]


def test_code_fragment_and_stdin() -> None:
    runner = CliRunner()
    code = (
        "x = torch.tensor(3.0, requires_grad=True); y = (x.detach()*x); y.backward(); print(x.grad)"
    )
    out = runner.invoke(cli, ["run", "--code", code]).output
    assert "∂y/∂x = x = 3" in out and out.rstrip().endswith("tensor(3.)")
    piped = runner.invoke(cli, ["run", "-"], input="import torch\nprint(torch.ones(2).sum())\n")
    assert piped.exit_code == 0 and "tensor(2.)" in piped.output


def test_hostile_script_is_one_line_exit_2() -> None:
    result = CliRunner().invoke(cli, ["run", "--code", "import torch\ntorch.os.system('id')"])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "line 2" in result.stderr
