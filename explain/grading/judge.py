"""Judge one answer against a prepared problem: read, screen, recheck, prove, name the mistake.

Never "correct" without a proof (SymPy shows the difference is 0) or agreement to 30 digits
at two points; never "incorrect" without a witness point whose difference is confirmed at a
second, higher precision (16 and 40 digits, or 40 and 70).
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

import mpmath
import numpy as np

from explain import limits
from explain.errors import ExplainError, LimitExceeded, ParseError, Unsupported
from explain.expr import Cases, Expr, Parsed, variables
from explain.grades import Mistake, Verdict, Witness
from explain.grading.canon import canonical, same
from explain.grading.compare import Comparison, compare, confirm
from explain.grading.diagnose import diagnose
from explain.grading.evaluate import chosen_pieces, floats
from explain.grading.problem import Prepared
from explain.grading.shape import survey
from explain.parse_latex import read
from explain.written import explicit

PROOF_SECONDS = limits.PROOF_SECONDS
QUICK_PROOF_SECONDS = 0.05
"""The cheap proof (canonical form, expansion) tried before the 30-digit recheck."""
Reading = tuple[str, tuple[str, ...]]
"""How the answer was read (explicit form) and the reader's notes."""


def judge(prepared: Prepared, answer: str, proof_seconds: float = PROOF_SECONDS) -> Verdict:
    """The verdict on `answer` (text as typed) for the prepared problem."""
    unread: Reading = ("", ())
    try:
        parsed = read(answer, label="answer")
    except (ParseError, LimitExceeded) as err:
        return _verdict(prepared, answer, "invalid", "could not be read", err.one_line(), unread)
    except ExplainError as err:
        why = err.one_line()
        return _verdict(prepared, answer, "unsupported", "could not be read", why, unread)
    return judge_parsed(prepared, parsed, proof_seconds)


def judge_parsed(
    prepared: Prepared, parsed: Parsed, proof_seconds: float = PROOF_SECONDS
) -> Verdict:
    """The verdict on an answer already read by explain's parser."""
    reading = (explicit(parsed.expr), tuple(note.message for note in parsed.notes))
    key, names, functions = survey(parsed.expr)
    if key == prepared.reference_shape:
        return _verdict(prepared, parsed.source, "correct", "proven", "Correct (proven).", reading)
    try:
        return _judged(prepared, parsed, reading, proof_seconds, (names, functions))
    except Unsupported as err:
        why = err.one_line()
        return _verdict(prepared, parsed.source, "unsupported", "no value to compare", why, reading)


def _judged(
    prepared: Prepared,
    parsed: Parsed,
    reading: Reading,
    seconds: float,
    used: tuple[tuple[str, ...], set[str]],
) -> Verdict:
    """`used`: the answer's variables and the functions it calls."""
    own, functions = used
    sample = prepared.sample
    answer = parsed.source
    if sample is None:
        why = "no point was found where the problem's derivative is defined"
        return _verdict(prepared, answer, "unsupported", why, why, reading)
    if prepared.point and own:
        return _not_evaluated(prepared, parsed, reading)
    names = tuple(dict.fromkeys((*prepared.names, *own)))
    found = compare(parsed.expr, sample, names)
    reading = (reading[0], reading[1] + _piecewise_note(functions, parsed.expr))
    if found.witness is not None and not np.isnan(found.values).all():
        return _incorrect(prepared, parsed, reading, found, names)
    if found.witness is None and _canonically_equal(prepared, parsed):
        return _verdict(prepared, answer, "correct", "proven", "Correct (proven).", reading)
    from explain.grading.prove import cheaply_proven, proven_where  # SymPy, only from here on
    from explain.symbolic import to_sympy

    try:
        answer_sym = to_sympy(parsed.expr, parsed.source)
    except ExplainError as err:
        return _verdict(prepared, answer, "invalid", "undefined", err.one_line(), reading)
    if found.witness is not None:  # undefined at every point, though SymPy reads it
        return _incorrect(prepared, parsed, reading, found, names)
    started = time.monotonic()
    quick = min(seconds, QUICK_PROOF_SECONDS)
    if cheaply_proven(answer_sym - prepared.reference_sym, quick):
        return _verdict(prepared, answer, "correct", "proven", "Correct (proven).", reading)
    found = confirm(parsed.expr, sample, names, found)
    if found.witness is not None:
        return _incorrect(prepared, parsed, reading, found, names)
    seconds -= time.monotonic() - started
    positive = tuple(n for n, v in sample.env.items() if (v > 0).all())
    basis = proven_where(answer_sym, prepared.reference_sym, seconds, positive)
    if not basis:
        basis = f"agrees to 30 digits at {found.precise_agreed} points"
        basis += f" and to 1e-6 at {sample.size}"
    return _verdict(prepared, answer, "correct", basis, f"Correct ({basis}).", reading)


def _canonically_equal(prepared: Prepared, parsed: Parsed) -> bool:
    """The cheapest proof: equal canonical forms (expanded, exact; no SymPy)."""
    if prepared.canonical is None:
        return False
    mine = canonical(parsed.expr)
    return mine is not None and same(mine, prepared.canonical)


def _incorrect(
    prepared: Prepared, parsed: Parsed, reading: Reading, found: Comparison, names: tuple[str, ...]
) -> Verdict:
    diff = found.witness
    if diff is None:
        raise ValueError("an incorrect verdict needs a witness")
    answer, expected = _shown(diff.answer, diff.expected)
    witness = Witness(
        point=tuple((n, _number(v, 6)) for n, v in diff.point.items())
        or tuple((n, f"{v:g}") for n, v in prepared.point.items()),
        answer=answer,
        expected=expected,
    )
    mistake = diagnose(prepared, parsed, found, names)
    where = ", ".join(f"{n} = {v}" for n, v in witness.point) or "the point"
    gives = "is undefined" if witness.answer == "undefined" else f"gives {witness.answer}"
    evidence = f"at {where} your answer {gives}, the derivative is {witness.expected}"
    if mistake is not None:
        step = f" ({mistake.step})" if mistake.step else ""
        feedback = f"{mistake.title[:1].upper()}{mistake.title[1:]}{step}: {evidence}."
    else:
        feedback = f"Not the derivative: {evidence}."
    return Verdict(
        "incorrect", prepared.question, parsed.source, reading[0], prepared.expected,
        f"differs at {where}", feedback, witness, mistake, reading[1],
    )  # fmt: skip


def _not_evaluated(prepared: Prepared, parsed: Parsed, reading: Reading) -> Verdict:
    """A formula where a value was asked for (`at`): incorrect, whatever it evaluates to."""
    env = {name: np.array([value]) for name, value in prepared.point.items()}
    try:
        value = float(floats(parsed.expr, env, 1)[0])
    except (KeyError, ExplainError):
        value = float("nan")
    expected = float(floats(prepared.reference, {}, 1)[0])
    where = ", ".join(f"{n} = {v:g}" for n, v in prepared.point.items())
    witness = Witness(
        tuple((n, f"{v:g}") for n, v in prepared.point.items()),
        f"a formula in {', '.join(variables(parsed.expr))}",
        f"{expected:.6g}",
    )
    same = np.isfinite(value) and abs(value - expected) <= 1e-9 * max(1.0, abs(expected))
    title = f"a formula, not the value at {where}"
    title += f" (it would give {value:.6g}, which is right)" if same else f" (it gives {value:.6g})"
    mistake = Mistake("not_evaluated", title, "")
    feedback = f"{title[:1].upper()}{title[1:]}: the value there is {expected:.6g}."
    return Verdict("incorrect", prepared.question, parsed.source, reading[0], prepared.expected,
                   f"a formula where a number at {where} is asked for", feedback, witness,
                   mistake, reading[1])  # fmt: skip


PIECEWISE = {"abs": "|u|", "sign": "sign(u)", "relu": "relu(u)"}
"""Functions that make an answer piecewise."""


def _piecewise_note(functions: set[str], expr: Expr) -> tuple[str, ...]:
    if isinstance(expr, Cases):
        gaps = ", ".join(_uncovered(expr))
        left = f"; no piece holds at {gaps}, so it is undefined there" if gaps else ""
        return (f"an answer defined by cases: compared inside each piece it defines{left}",)
    used = sorted({PIECEWISE[f] for f in functions if f in PIECEWISE})
    if not used:
        return ()
    return (f"a piecewise answer ({', '.join(used)}): compared on both sides of its kinks",)


def _uncovered(node: Cases) -> list[str]:
    """The boundary points (numbers a variable is compared with) where no piece holds: x = 0
    in Piecewise((2x, x < 0), (1, x > 0)). One variable only; other gaps are not looked for."""
    names = variables(node)
    if len(names) != 1:
        return []
    ends: set[float] = set()
    for piece in node.pieces:
        for c in piece.condition:
            for side in (c.left, c.right):
                if not variables(side):
                    with contextlib.suppress(ExplainError, KeyError):
                        ends.add(float(floats(side, {}, 1)[0]))
    points = sorted(v for v in ends if np.isfinite(v))
    if not points:
        return []
    chosen = chosen_pieces(node, {names[0]: np.array(points)}, len(points))
    return [f"{names[0]} = {v:g}" for v, i in zip(points, chosen, strict=True) if i < 0]


def _verdict(
    prepared: Prepared, answer: str, status: Any, basis: str, feedback: str, reading: Reading
) -> Verdict:
    read_as, notes = reading
    return Verdict(status, prepared.question, answer, read_as, prepared.expected, basis, feedback,
                   notes=notes)  # fmt: skip


def _number(value: Any, digits: int) -> str:
    text: str = mpmath.nstr(value, digits, strip_zeros=True)
    return text[:-2] if text.endswith(".0") else text


def _shown(answer: Any | None, expected: Any) -> tuple[str, str]:
    """Both values with enough significant digits (6 to 30, the same for both) to tell them
    apart; an undefined answer is "undefined"."""
    if answer is None:
        return "undefined", _number(expected, 6)
    for digits in (6, 10, 15, 20, 25):
        shown = _number(answer, digits), _number(expected, digits)
        if shown[0] != shown[1]:
            return shown
    return _number(answer, 30), _number(expected, 30)
