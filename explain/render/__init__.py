"""render(model, fmt): one model, four formats (text, markdown, latex, json); nothing computed."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any, Literal

Format = Literal["text", "markdown", "latex", "json"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "latex", "json")


def _renderers(fmt: str) -> dict[str, Callable[[Any], str]]:
    """The format's table {model class name: renderer}; a format module loads when first used.

    Keyed by name so that a format module need not import every model to render one of them.
    """
    table: dict[str, Callable[[Any], str]] = import_module(f"explain.render.{fmt}").RENDERS
    grades: dict[str, Callable[[Any], str]] = import_module("explain.render.grades").RENDERS[fmt]
    return {**table, **grades}


def render(model: object, fmt: Format = "text") -> str:
    """The model as a string in `fmt`; a model type without a renderer is a bug, never a repr."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    name = type(model).__name__
    grades: dict[str, Callable[[Any], str]] = import_module("explain.render.grades").RENDERS[fmt]
    renderer = grades.get(name)  # verdicts and class reports need no SymPy printer
    if renderer is None:
        renderer = _renderers(fmt).get(name)
    if renderer is None:
        raise TypeError(f"no {fmt} renderer for {type(model).__name__}")
    return renderer(model)


def renderable_types() -> frozenset[str]:
    """Every model class (by name) some format renders (each must be rendered by all)."""
    return frozenset(t for fmt in FORMATS for t in _renderers(fmt))
