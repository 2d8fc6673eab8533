"""A structural key of an Expr tree without source spans: equal keys, equal expressions.

Used for the cheapest proof (the answer is the expected expression, written alike) and as
the memo key of a normalised answer (spacing, `**` or `^`, `2x` or `2*x` all give one key).
"""

from __future__ import annotations

from typing import Any

from explain.expr import Call, Cases, Expr, Mul, Num, Var, children

Key = tuple[Any, ...]


def shape(node: Expr) -> Key:
    """(kind, own data, children's keys...) recursively; spans and spellings left out."""
    return _key(node, {}, set())


def survey(node: Expr) -> tuple[Key, tuple[str, ...], set[str]]:
    """In one walk: the shape, the variables (in order of first appearance, as
    explain.expr.variables) and the names of the functions called."""
    names: dict[str, None] = {}
    functions: set[str] = set()
    return _key(node, names, functions), tuple(names), functions


def _key(node: Expr, names: dict[str, None], functions: set[str]) -> Key:
    match node:
        case Num(text=text):
            own: Any = text
        case Var(name=name):
            names.setdefault(name, None)
            own = name
        case Call(func=func, args=args, kwargs=kwargs):
            functions.add(func)
            kids = tuple(_key(c, names, functions) for c in args)
            own = (func, tuple((k, _key(v, names, functions)) for k, v in kwargs))
            return (type(node).__name__, own, *kids)
        case Mul():
            own = None
        case Cases(pieces=pieces):  # children() flattens the pieces: keep where each ends, and ops
            own = tuple(tuple(c.op for c in p.condition) for p in pieces)
        case _:
            own = getattr(node, "name", None)
    return (type(node).__name__, own, *(_key(c, names, functions) for c in children(node)))
