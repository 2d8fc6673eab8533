"""A structural key of an Expr tree without source spans: equal keys, equal expressions.

Used for the cheapest proof (the answer is the expected expression, written alike) and as
the memo key of a normalised answer (spacing, `**` or `^`, `2x` or `2*x` all give one key).
"""

from __future__ import annotations

from typing import Any

from explain.expr import Call, Expr, Mul, Num, children

Key = tuple[Any, ...]


def shape(node: Expr) -> Key:
    """(kind, own data, children's keys...) recursively; spans and spellings left out."""
    match node:
        case Num(text=text):
            own: Any = text
        case Call(func=func, kwargs=kwargs):
            own = (func, tuple((k, shape(v)) for k, v in kwargs))
        case Mul():
            own = None
        case _:
            own = getattr(node, "name", None)
    kids = node.args if isinstance(node, Call) else children(node)
    return (type(node).__name__, own, *(shape(c) for c in kids))
