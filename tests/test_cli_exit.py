"""The console entry point ends a torch command without the interpreter's teardown
(explain.cli._exit): everything must still reach the pipe, with the right exit status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "tutorial" / "04_accumulation.py"


def explain(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "explain", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_narration_reaches_the_pipe_whole() -> None:
    done = explain("run", str(SAMPLE))
    script = subprocess.run(
        [sys.executable, str(SAMPLE)], check=True, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(script.stdout.rstrip().splitlines()[-1])
    assert "∂y2/∂x" in done.stdout and done.stderr == ""


def test_exit_statuses_survive() -> None:
    refused = explain("run", "--code", "x = torch.tensor(1.0); y = x.nope()")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    raised = explain("run", "--code", "x = torch.tensor(1.0); x.backward()")
    assert raised.returncode == 0 and "RuntimeError" in raised.stdout


def test_a_file_written_by_a_torch_command_is_complete(tmp_path: Path) -> None:
    out = tmp_path / "graph.dot"
    done = explain("graph", "torch.sum(x**2 + 2*x + 1)", "--format", "dot", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").rstrip().endswith("}")


def test_a_graded_class_is_written_whole(tmp_path: Path) -> None:
    """explain grade loads SymPy (its forked workers share it): its output file and summary
    are complete before the process ends."""
    out, summary = tmp_path / "grades.csv", tmp_path / "summary.md"
    key, subs = (
        ROOT / "samples" / "class" / "key.toml",
        ROOT / "samples" / "class" / "submissions.csv",
    )
    done = explain("grade", str(key), str(subs), "-o", str(out), "--summary", str(summary))
    assert done.returncode == 0, done.stderr
    rows = subs.read_text(encoding="utf-8").strip().splitlines()
    assert len(out.read_text(encoding="utf-8").strip().splitlines()) == len(rows)
    assert summary.read_text(encoding="utf-8").strip()
