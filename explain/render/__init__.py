"""render(model, fmt): one model, four formats (text, markdown, latex, json); nothing computed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from explain.render import json, latex, markdown, text

Format = Literal["text", "markdown", "latex", "json"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "latex", "json")

_BY_FORMAT: dict[str, dict[type, Callable[[Any], str]]] = {
    "text": text.RENDERS,
    "markdown": markdown.RENDERS,
    "latex": latex.RENDERS,
    "json": json.RENDERS,
}


def render(model: object, fmt: Format = "text") -> str:
    """The model as a string in `fmt`; a model type without a renderer is a bug, never a repr."""
    try:
        renderer = _BY_FORMAT[fmt][type(model)]
    except KeyError:
        raise TypeError(f"no {fmt} renderer for {type(model).__name__}") from None
    return renderer(model)


def renderable_types() -> frozenset[type]:
    """Every model type some format renders (each must be rendered by all formats)."""
    return frozenset(t for table in _BY_FORMAT.values() for t in table)
