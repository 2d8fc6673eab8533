"""Values: points the user gives (`x=1, y=pi/2`) and a derivative there, exact and as a float."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import sympy

from explain import limits
from explain.budget import within
from explain.errors import ExplainError, LimitExceeded, MathError, ParseError, UsageError
from explain.parse import parse, variable_name
from explain.steps import PointValue
from explain.symbolic import symbol, to_sympy

Point = tuple[tuple[str, Any], ...]
"""Variable name -> exact SymPy value, in the order given."""

FLOAT64_EXACT = 2**53


def parse_point(text: str, label: str = "--at") -> Point:
    """`x=1, y=pi/2` -> ((x, 1), (y, pi/2)); each value via the safe parser, constant and real."""
    if len(text) > limits.MAX_INPUT_CHARS:
        raise LimitExceeded(
            f"point is {len(text)} characters; the limit is {limits.MAX_INPUT_CHARS}", label=label
        )
    pairs: list[tuple[str, Any]] = []
    for start, piece in _split_top_level(text):
        name, value = _assignment(text, start, piece, label)
        if any(name == seen for seen, _ in pairs):
            raise UsageError(
                f"{name} is given twice",
                source=text,
                start=start,
                end=start + len(piece),
                label=label,
            )
        pairs.append((name, value))
    return tuple(pairs)


def point_from_mapping(values: Mapping[str, object]) -> Point:
    """A point from Python values (API use): ints, Fractions, floats, or strings like "pi/2"."""
    pairs = []
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float | Fraction | str):
            raise UsageError(f"value of {name} must be a number, got {type(value).__name__}")
        if isinstance(value, str):
            exact = _constant(value, value, 0, "value")
        elif isinstance(value, float):
            exact = sympy.Float(value)
        else:
            exact = sympy.Rational(value.numerator, value.denominator)
        pairs.append((variable_name(name), _finite_real(exact, name)))
    return tuple(pairs)


def _split_top_level(text: str) -> list[tuple[int, str]]:
    """Split on commas outside parentheses, keeping each piece's offset."""
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == "," and depth == 0:
            pieces.append((start, text[start:i]))
            start = i + 1
    pieces.append((start, text[start:]))
    return pieces


def _assignment(text: str, start: int, piece: str, label: str) -> tuple[str, Any]:
    name_part, eq, value_part = piece.partition("=")
    if not eq:
        raise ParseError(
            "expected name=value",
            source=text,
            start=start,
            end=start + len(piece),
            label=label,
            hint="for example --at x=1,y=2",
        )
    try:
        name = variable_name(name_part.strip())
    except ExplainError as err:
        raise ParseError(
            err.why, source=text, start=start, end=start + len(name_part), label=label
        ) from None
    offset = start + len(name_part) + 1
    value = _constant(text, value_part, offset, label)
    return name, _finite_real(value, name, text, offset, offset + len(value_part))


def _constant(text: str, value_text: str, offset: int, label: str) -> Any:
    """A constant value through the safe parser, errors re-anchored in the whole text."""
    try:
        parsed = parse(value_text, label=label)
        value = to_sympy(parsed.expr)
    except ExplainError as err:
        raise _shifted(err, text, offset) from None
    if value.free_symbols:
        names = ", ".join(sorted(str(s) for s in value.free_symbols))
        raise UsageError(
            f"a point's value must be a number, not an expression in {names}",
            source=text,
            start=offset,
            end=offset + len(value_text),
            label=label,
        )
    return value


def _shifted(err: ExplainError, text: str, offset: int) -> ExplainError:
    start = None if err.start is None else err.start + offset
    end = None if err.end is None else err.end + offset
    return type(err)(err.why, source=text, start=start, end=end, hint=err.hint, label=err.label)


def _finite_real(
    value: Any, name: str, text: str | None = None, start: int = 0, end: int = 0
) -> Any:
    approx = within(limits.EVAL_SECONDS, lambda: complex(sympy.N(value, 20)))
    if approx is None:
        raise LimitExceeded(
            f"the value of {name} takes too long to compute", source=text, start=start, end=end
        )
    if approx.imag != 0 or approx.real != approx.real or abs(approx.real) == float("inf"):
        raise MathError(
            f"the value of {name} is not a finite real number", source=text, start=start, end=end
        )
    return value


def value_at(derivative: Any, point: Point) -> PointValue:
    """The derivative at the point: exact (within a budget) and a float, or why there is none."""
    given = {symbol(name): value for name, value in point}
    missing = sorted(str(s) for s in derivative.free_symbols - set(given) if s.is_Symbol)
    if missing:
        raise UsageError(f"--at gives no value for {', '.join(missing)}")
    exact = within(limits.EVAL_SECONDS, lambda: derivative.subs(given))
    if exact is None:
        raise LimitExceeded(f"evaluating the derivative took longer than {limits.EVAL_SECONDS:g} s")
    approx = within(limits.EVAL_SECONDS, lambda: complex(sympy.N(exact, 17)))
    note = _note(exact, approx, point)
    real = (
        approx.real
        if approx is not None and approx.imag == 0 and approx.real == approx.real
        else None
    )
    if real is not None and abs(real) == float("inf"):
        real = None
    return PointValue(point=point, exact=exact, approx=real, note=note)


def _note(exact: Any, approx: complex | None, point: Point) -> str | None:
    if exact.has(sympy.zoo, sympy.oo, -sympy.oo) or (
        approx is not None and abs(approx) == float("inf")
    ):
        return "the derivative is unbounded at this point"
    if exact.has(sympy.nan) or approx is None or math.isnan(approx.real) or math.isnan(approx.imag):
        return "the derivative is undefined at this point"
    if approx.imag != 0:
        return "the derivative is not real at this point (outside the function's real domain)"
    big = [name for name, v in point if v.is_Integer and abs(int(v)) > FLOAT64_EXACT]
    if big:
        return f"{', '.join(big)} is not exactly representable as a float64; the float is rounded"
    return None
