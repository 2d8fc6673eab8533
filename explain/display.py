"""Jupyter display: gives the model classes _repr_markdown_ / _repr_latex_ through the renderers."""

from __future__ import annotations

from explain.render import render
from explain.render.latex import headline
from explain.render.notation import sym_latex
from explain.steps import Derivation, Gradient
from explain.written import latex as expr_latex


def _markdown(model: Derivation | Gradient) -> str:
    return render(model, "markdown")


def _latex_derivation(model: Derivation) -> str:
    return headline(model, partial=False).replace(r"\[", "$$").replace(r"\]", "$$")


def _latex_gradient(model: Gradient) -> str:
    comps = ", ".join(sym_latex(c.result) for c in model.components)
    return rf"$$\nabla\left({expr_latex(model.parsed.expr)}\right) = \left({comps}\right)$$"


Derivation._repr_markdown_ = _markdown  # type: ignore[attr-defined]
Derivation._repr_latex_ = _latex_derivation  # type: ignore[attr-defined]
Gradient._repr_markdown_ = _markdown  # type: ignore[attr-defined]
Gradient._repr_latex_ = _latex_gradient  # type: ignore[attr-defined]
