"""Name the likely mistake of an answer that differs: catalogue first, then general findings.

General findings (when no catalogued wrong answer matches): an ambiguous reading, a wrong
variable name, a decimal approximation, right only on part of the domain, an antiderivative,
a sign-only difference, a constant factor.
"""

from __future__ import annotations

from math import isnan
from typing import Any

import numpy as np

from explain.conditions import condition
from explain.errors import ExplainError
from explain.expr import Cases, Num, Parsed, Piece, children, variables
from explain.grades import Mistake
from explain.grading.compare import FLOAT_RTOL, Comparison, close
from explain.grading.evaluate import chosen_pieces, floats
from explain.grading.problem import Prepared
from explain.written import pretty

Array = Any
NEAR_ONE = 1e-4
"""A ratio this close to 1 is a small difference (a constant term), not a factor."""
FACTOR_RTOL = 1e-9
"""How constant the ratio answer/derivative must be to call it a constant factor."""
INEXACT_RTOL = 1e-3
"""A decimal answer this close everywhere is an approximation, not a different function."""
FD_STEP = 1e-7
"""Relative step of the difference quotient that screens for an antiderivative."""
FD_RTOL = 1e-2
"""How far the difference quotient must be from the function to rule an antiderivative out."""


def diagnose(
    prepared: Prepared, parsed: Parsed, found: Comparison, names: tuple[str, ...]
) -> Mistake | None:
    """The first catalogued mistake the answer matches, else a general finding, else None."""
    matched = _first_match(prepared, found.values)
    if matched is not None:
        candidate, _ = prepared.candidates[matched]
        return Mistake(candidate.code, candidate.title, candidate.step)
    for check in (_renamed, _inexact, _wrong_piece, _partial, _antiderivative, _ambiguous, _factor):
        mistake = check(prepared, parsed, found, names)
        if mistake is not None:
            return mistake
    return None


def _first_match(prepared: Prepared, values: Array) -> int | None:
    """The first candidate defined exactly where the answer is, and close to it there."""
    answer = values.tolist()
    for index, row in enumerate(prepared.candidate_table):
        if _same(answer, row):
            return index
    return None


def _same(answer: list[float], candidate: tuple[float, ...]) -> bool:
    """Defined at the same points (NaN elsewhere), somewhere, and close there: the float
    arithmetic of compare.close, point by point, stopping at the first difference."""
    defined = False
    for a, c in zip(answer, candidate, strict=True):
        if isnan(a) or isnan(c):  # undefined there
            if isnan(a) != isnan(c):
                return False
            continue
        if not abs(a - c) <= FLOAT_RTOL * max(abs(a), abs(c)) + 1e-300:
            return False
        defined = True
    return defined


def _ambiguous(prepared: Prepared, parsed: Parsed, found: Comparison, names: Any) -> Mistake | None:
    for note in parsed.notes:
        if note.kind == "ambiguous":
            return Mistake("ambiguous_input", f"ambiguous input: {note.message}", "")
    return None


def _renamed(prepared: Prepared, parsed: Parsed, found: Comparison, names: Any) -> Mistake | None:
    foreign = [n for n in variables(parsed.expr) if n not in prepared.names]
    sample = prepared.sample
    if not foreign or sample is None or not prepared.names:
        return None
    env = dict(sample.env_for(names))
    for name in foreign:
        env[name] = env[prepared.var]
    values = floats(parsed.expr, env, sample.size)
    if close(values, sample.reference).all():
        title = f"wrong variable: {', '.join(foreign)} written instead of {prepared.var}"
        return Mistake("wrong_variable", title, "")
    return None


def _inexact(prepared: Prepared, parsed: Parsed, found: Comparison, names: Any) -> Mistake | None:
    decimals = [n.text for n in _nodes(parsed) if isinstance(n, Num) and "." in n.text]
    sample = prepared.sample
    if (
        decimals
        and sample is not None
        and close(found.values, sample.reference, INEXACT_RTOL).all()
    ):
        title = f"inexact coefficient: the decimal {decimals[0]} stands for an exact number"
        return Mistake("inexact_coefficient", title, "")
    return None


def _partial(prepared: Prepared, parsed: Parsed, found: Comparison, names: Any) -> Mistake | None:
    sample = prepared.sample
    if sample is None or prepared.var not in sample.env:
        return None
    near = close(found.values, sample.reference, INEXACT_RTOL)
    telling = sample.reference != 0  # an underflow to 0 tells nothing
    right_here = found.agree & near & telling
    if near.all() or not right_here.any():
        return None
    where = sample.env[prepared.var]
    right, wrong = where[right_here], where[~near]
    if right.min() > 0 and wrong.max() < 0:
        region = f"{prepared.var} > 0"
    elif right.max() < 0 and wrong.min() > 0:
        region = f"{prepared.var} < 0"
    else:
        region = "part of the domain"
    title = f"right only for {region}: the problem's domain is larger"
    return Mistake("branch_or_domain", title, "")


def _wrong_piece(
    prepared: Prepared, parsed: Parsed, found: Comparison, names: Any
) -> Mistake | None:
    """An answer defined by cases, right on some pieces and wrong on others: which are wrong."""
    node, sample = parsed.expr, prepared.sample
    if not isinstance(node, Cases) or sample is None:
        return None
    chosen = chosen_pieces(node, sample.env_for(names), sample.size)
    near = close(found.values, sample.reference, INEXACT_RTOL)
    wrong = sorted({int(i) for i in chosen[~near & (chosen >= 0)]})
    if not wrong or not (near & (chosen >= 0)).any():
        return None
    shown = [_piece(node.pieces[i]) for i in wrong]
    plural = "s" if len(wrong) > 1 else ""
    title = (
        f"the piece{plural} {', '.join(shown)} {'are' if plural else 'is'} wrong (the rest right)"
    )
    return Mistake("branch_or_domain", title, "")


def _piece(piece: Piece) -> str:
    when = condition(piece.condition, pretty, "pretty")
    return f"“{pretty(piece.value)}{'' if not piece.condition else ' if'} {when}”"


def _antiderivative(
    prepared: Prepared, parsed: Parsed, found: Comparison, names: Any
) -> Mistake | None:
    sample, function = prepared.sample, prepared.function
    if sample is None or function is None or prepared.derivation is None:
        return None
    truth = prepared.function_values
    env = sample.env_for(names)
    if _surely_not_antiderivative(parsed, env, prepared.var, truth, found.values):
        return None
    from explain.symbolic import from_sympy, symbol, to_sympy

    try:
        derivative = from_sympy(to_sympy(parsed.expr, parsed.source).diff(symbol(prepared.var)))
        values = floats(derivative, sample.env_for(names), sample.size)
    except (ExplainError, KeyError):
        return None
    if close(values, truth).all():
        return Mistake("integrated_instead", "an antiderivative instead of the derivative", "")
    return None


def _surely_not_antiderivative(
    parsed: Parsed, env: dict[str, Array], var: str, truth: Array, values: Array
) -> bool:
    """A screen before SymPy differentiates the answer: its central difference quotient is far
    (FD_RTOL) from the function at two points or more. The step is small enough that a true
    antiderivative fails only within about 1e-4 of a pole, and two such points are needed."""
    x, n = env[var], env[var].size
    step = FD_STEP * np.maximum(1.0, np.abs(x))
    both = {name: np.concatenate((v, v)) for name, v in env.items()}  # x + step, then x - step
    both[var] = np.concatenate((x + step, x - step))
    with np.errstate(all="ignore"):
        shifted = floats(parsed.expr, both, 2 * n)
        slope = (shifted[:n] - shifted[n:]) / (both[var][:n] - both[var][n:])
        level = np.abs(values) / np.maximum(1.0, np.abs(x))
        scale = np.maximum(np.maximum(np.abs(truth), np.abs(slope)), level)
        far = np.abs(slope - truth) > FD_RTOL * scale
    return int(np.count_nonzero(far & np.isfinite(slope) & np.isfinite(truth))) >= 2


def _factor(prepared: Prepared, parsed: Parsed, found: Comparison, names: Any) -> Mistake | None:
    sample = prepared.sample
    if sample is None:
        return None
    with np.errstate(all="ignore"):
        ratio = found.values / sample.reference
    ratio = ratio[np.isfinite(ratio) & (ratio != 0)]
    if ratio.size < 2 or abs(ratio[0] - 1) < NEAR_ONE:
        return None
    if not close(ratio, np.full_like(ratio, ratio[0]), FACTOR_RTOL).all():
        return None
    if abs(ratio[0] + 1) < 1e-9:
        return Mistake(
            "sign_error", "sign error: the answer is the derivative with the opposite sign", ""
        )
    return Mistake("constant_factor", f"off by a constant factor {ratio[0]:.6g}", "")


def _nodes(parsed: Parsed) -> list[Any]:
    out, stack = [], [parsed.expr]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(children(node))
    return out
