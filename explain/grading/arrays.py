"""Judge a numeric answer (a number or a tensor such as a .grad) against the expected array.

Numbers have no symbolic form to prove: the basis is "equal within 1e-6 at all N elements".
A difference is shown at its first element, with both values; known wrong arrays (the
accumulation forgotten, a detached path counted ...) name the mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from explain.errors import ExplainError
from explain.grades import Mistake, Verdict, Witness
from explain.values import parse_value

RTOL = 1e-6
"""Relative tolerance per element (float32 gradients are exact on textbook inputs)."""
ATOL = 1e-9

Array = Any


@dataclass(frozen=True, slots=True)
class WrongArray:
    """A catalogued wrong value for an array question."""

    code: str
    title: str
    step: str
    values: Array


@dataclass(frozen=True)
class ArrayQuestion:
    """A question whose answer is a number or a tensor: the truth and the known wrong values."""

    question: str
    expected: Array
    wrong: list[WrongArray]


def array_text(array: Array) -> str:
    """[[4, 6], [8, 10]]: one line, up to 8 significant digits."""
    return np.array2string(
        np.asarray(array, dtype=float),
        separator=", ",
        max_line_width=1 << 30,
        formatter={"float_kind": lambda v: f"{v:.8g}"},
    ).replace("\n", "")


def _equal(a: Array, b: Array) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def judge_array(question: ArrayQuestion, answer: str) -> Verdict:
    """The verdict on a typed number or list for an array question."""
    expected = np.asarray(question.expected, dtype=float)
    shown = array_text(expected)
    try:
        value = np.asarray(parse_value(answer).array, dtype=float)
    except ExplainError as err:
        return Verdict("invalid", question.question, answer, "", shown, "could not be read",
                       err.one_line())  # fmt: skip
    read_as = array_text(value)
    if value.shape != expected.shape and value.size == 1:
        value = np.broadcast_to(value.reshape(()), expected.shape)
    if _equal(value, expected):
        basis = f"equal within {RTOL:g} at all {expected.size} elements"
        return Verdict("correct", question.question, answer, read_as, shown, basis, "Correct.")
    if value.shape != expected.shape:
        why = f"the answer has shape {value.shape}, the expected value {expected.shape}"
        mistake = Mistake("wrong_shape", why, "")
        return Verdict("incorrect", question.question, answer, read_as, shown, why,
                       f"Wrong shape: {why}.", mistake=mistake)  # fmt: skip
    return _incorrect(question, answer, read_as, value, expected)


def _incorrect(
    question: ArrayQuestion, answer: str, read_as: str, value: Array, expected: Array
) -> Verdict:
    far = ~np.isclose(value, expected, rtol=RTOL, atol=ATOL)
    index = tuple(int(i) for i in np.argwhere(far)[0]) if expected.ndim else ()
    point = (("element", str(list(index))),) if index else ()
    witness = Witness(point, f"{value[index]:.8g}", f"{expected[index]:.8g}")
    mistake = next(
        (Mistake(w.code, w.title, w.step) for w in question.wrong if _equal(value, w.values)),
        None,
    ) or _factor(value, expected)
    at = f"at element {list(index)}" if index else "here"
    evidence = f"{at} your answer is {witness.answer}, the right value {witness.expected}"
    head = f"{mistake.title[:1].upper()}{mistake.title[1:]}" if mistake else "Not the right value"
    basis = f"differs {at}"
    return Verdict("incorrect", question.question, answer, read_as, array_text(expected), basis,
                   f"{head}: {evidence}.", witness, mistake)  # fmt: skip


def _factor(value: Array, expected: Array) -> Mistake | None:
    nonzero = expected != 0
    if not nonzero.any() or (value[~nonzero] != 0).any():
        return None
    ratio = value[nonzero] / expected[nonzero]
    if not np.allclose(ratio, ratio.flat[0], rtol=RTOL):
        return None
    if np.isclose(ratio.flat[0], -1.0):
        return Mistake("sign_error", "sign error: the right values with the opposite sign", "")
    return Mistake("constant_factor", f"off by a constant factor {ratio.flat[0]:.6g}", "")
