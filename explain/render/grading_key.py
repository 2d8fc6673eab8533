"""Grading key: a Worksheet as the TOML `explain grade` reads (problems per variant, expected
answers in explain's syntax). Strings are written so that tomllib reads back exactly the text."""

from __future__ import annotations

import re
from typing import assert_never

from explain.reports import (
    CodeQuestion,
    Differentiate,
    EvaluateAt,
    FindMistake,
    MistakeAnswer,
    SheetProblem,
    Task,
    TensorGradient,
    Worksheet,
)

BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in text:
        if ch in ESCAPES:
            out.append(ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_text(text: str) -> str:
    """Program text as a multi-line literal string when that is exact, else a basic string."""
    plain = all(ch in "\n\t" or (ord(ch) >= 0x20 and ord(ch) != 0x7F) for ch in text)
    if plain and "'''" not in text and not text.endswith("'"):
        return "'''\n" + text + "'''"  # the newline after the opening quotes is not kept
    return toml_string(text)


def toml_key(key: str) -> str:
    return key if BARE_KEY.fullmatch(key) and not key.isdigit() else toml_string(key)


def _task(task: Task) -> list[str]:
    match task:
        case CodeQuestion(script=script, question=question):
            return [f"script = {toml_text(script)}", f"question = {toml_string(question)}"]
        case Differentiate(function=f, variable=var, order=order):
            at = None
        case FindMistake(function=f, variable=var, order=order):
            at = None  # graded as a derivative: the corrected answer is the expected one
        case EvaluateAt(function=f, variable=var, order=order, at=at):
            pass
        case TensorGradient(function=f, variable=var, at=at):
            order = 1
        case _:
            assert_never(task)
    out = [f"function = {toml_string(f.source)}", f"variable = {toml_string(var)}"]
    out += [f"order = {order}"] if order != 1 else []
    return out + ([f"at = {toml_string(at)}"] if at is not None else [])


def _problem(table: str, p: SheetProblem) -> list[str]:
    return [
        f"[{table}]", *_note(p), *_task(p.task), f"expected = {toml_string(p.expected)}",
        f"points = {p.points}", "",
    ]  # fmt: skip


def _note(p: SheetProblem) -> list[str]:
    """A find-the-mistake problem says, as a comment, what the sheet showed."""
    if not isinstance(p.task, FindMistake) or not isinstance(p.answer, MistakeAnswer):
        return []
    code = p.answer.mistake.code
    return [f"# find the mistake: the sheet shows {p.task.wrong_text} ({code})"]


def grading_key(ws: Worksheet) -> str:
    """The key: [problems.<id>] for a single sheet, [variants."<id>".problems.<id>] per variant,
    and [students] (student id -> variant id) when the sheets were made from a roster."""
    lines = [
        "# Grading key written by `explain worksheet` (the format `explain grade` reads).",
        f"# seed = {ws.seed}; every expected answer was verified against PyTorch autograd.",
        f"title = {toml_string(ws.title)}",
        "",
    ]
    for variant in ws.variants:
        prefix = f"variants.{toml_key(variant.id)}." if variant.id else ""
        for p in variant.problems:
            lines += _problem(f"{prefix}problems.{toml_key(p.id)}", p)
    roster = [(v.student, v.id) for v in ws.variants if v.student]
    if roster:
        lines.append("[students]")
        lines += [f"{toml_key(student)} = {toml_string(tag)}" for student, tag in roster]
    return "\n".join(lines).rstrip("\n") + "\n"
