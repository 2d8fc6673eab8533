"""The LaTeX renderings compile with pdflatex (no shell escape), as users paste them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import explain
import explain.grades
from explain.api import crosscheck, narrate
from explain.render import render

needs_pdflatex = pytest.mark.skipif(
    shutil.which("pdflatex") is None and not os.environ.get("CI"),
    reason="pdflatex is not installed",
)

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "tutorial"
PREAMBLE = (
    "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{tikz}\n"
    "\\usetikzlibrary{arrows.meta,positioning}\n\\begin{document}\n"
)

MODELS = {
    "derivative": lambda: explain.derive("x**2 + 2*x + 1", at="x=1"),
    "second_order": lambda: explain.derive("ln(x)/x", order=2),
    "partial": lambda: explain.derive("x*y^2 + exp(x*y)", "y"),
    "gradient": lambda: explain.gradient("x^2*y + y^3", "x,y"),
    "crosscheck": lambda: crosscheck("torch.sum(x**2 + 2*x + 1)", "x=[[1.0,2.0],[3.0,4.0]]"),
    "matrix": lambda: crosscheck("mean((A@w - b)**2)", "A=[[1,2],[3,4]], w=[0.5,-1], b=[1,0]", "w"),
    "kink": lambda: crosscheck("abs(x)", "x=0"),
    "piecewise": lambda: explain.derive(
        "Piecewise((x^2, x < 0), (sin(x), 0 <= x <= pi), (0, True))"
    ),
    "where": lambda: crosscheck("torch.where(x < 0, x**2, x)", "x=[-1.5, 0, 2]"),
    "narration": lambda: narrate((SAMPLES / "04_accumulation.py").read_text(encoding="utf-8")),
    "narrated_error": lambda: narrate((SAMPLES / "05_detach_error.py").read_text(encoding="utf-8")),
    "narrated_gan": lambda: narrate((SAMPLES / "07_gan_no_grad.py").read_text(encoding="utf-8")),
    "narrated_training": lambda: narrate(
        (SAMPLES.parent / "autograd" / "training_loop_def.py").read_text(encoding="utf-8")
    ),
    "narrated_warning": lambda: narrate(
        (SAMPLES.parent / "autograd" / "non_leaf_grad.py").read_text(encoding="utf-8")
    ),
    "verdict": lambda: explain.check("x/(x+1)", "((x+1) - x)/(x+1)"),
    "verdict_invalid": lambda: explain.check("x^2", "2x + #$%&_{}~^\\"),
    "verdict_tensor": lambda: explain.check(
        explain.grades.Problem(
            script=(SAMPLES / "04_accumulation.py").read_text(encoding="utf-8"), question="x.grad"
        ),
        "[[4,6],[8,10]]",
    ),
}


@needs_pdflatex
@pytest.mark.parametrize("name", sorted(MODELS))
def test_latex_output_compiles(name: str, tmp_path: Path) -> None:
    body = render(MODELS[name](), "latex")
    (tmp_path / "out.tex").write_text(PREAMBLE + body + "\\end{document}\n", encoding="utf-8")
    done = subprocess.run(
        ["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "out.tex"],
        cwd=tmp_path, capture_output=True, timeout=120, check=False,
        env={**os.environ, "openin_any": "p", "openout_any": "p"},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout.decode("utf-8", "replace")[-1500:]
    assert (tmp_path / "out.pdf").stat().st_size > 1000
