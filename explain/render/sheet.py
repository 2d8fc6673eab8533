"""Sheet: the words of a worksheet shared by its LaTeX and Markdown renderings (nothing computed).

Each problem's sentence (the teacher's prompt, or the standard wording of its kind), its points,
the sheet's heading and the answer key's verdict lines, as plain text each format escapes.
"""

from __future__ import annotations

from typing import Literal, assert_never

from explain.grades import Mistake, Witness
from explain.reports import (
    CodeQuestion,
    Differentiate,
    EvaluateAt,
    FindMistake,
    MistakeAnswer,
    SheetProblem,
    TensorGradient,
    Variant,
    Worksheet,
)

Part = Literal["sheet", "key", "both"]
"""What a document holds: the problems, the answer key, or the problems with the key appended."""


def sentence(p: SheetProblem) -> str:
    """What the student is asked, in words (the maths follows it)."""
    if p.prompt:
        return p.prompt
    match p.task:
        case Differentiate(partial=partial):
            return "Find the partial derivative:" if partial else "Find the derivative:"
        case EvaluateAt():
            return "Find the value of the derivative at the point:"
        case TensorGradient(variable=v):
            return (
                f"Find the gradient of f with respect to {v} "
                f"(what f.backward() stores in {v}.grad):"
            )
        case CodeQuestion(question=question):
            return f"What is {question} after this code runs?"
        case FindMistake():
            return "A student wrote:"
        case _:
            assert_never(p.task)


WHAT_WENT_WRONG = "What went wrong? Give the correct derivative."
"""Asked under a find-the-mistake problem's wrong derivative (also after a teacher's prompt)."""


def partial(p: SheetProblem) -> bool:
    """Whether the problem's derivative is partial (its function has several variables)."""
    return isinstance(p.task, Differentiate | EvaluateAt | FindMistake) and p.task.partial


def mistake(a: MistakeAnswer) -> str:
    """The key's sentence naming the mistake and the step where it happened."""
    named: Mistake = a.mistake
    step = f" (at the {named.step})" if named.step else ""
    return f"{named.title[:1].upper()}{named.title[1:]}{step}."


def witness(a: MistakeAnswer) -> str:
    """The key's sentence with a point where the wrong and right derivatives differ."""
    w: Witness = a.witness
    where = ", ".join(f"{name} = {value}" for name, value in w.point)
    return f"At {where} the student's derivative is {w.answer}; the correct one is {w.expected}."


KEY_LABELS = ("The student wrote", "The mistake", "Where they differ")
"""The key's labels of a find-the-mistake problem: the wrong derivative, the mistake, the point."""


def points(n: int) -> str:
    return "1 point" if n == 1 else f"{n} points"


def heading(ws: Worksheet, variant: Variant, part: Part) -> tuple[str, str]:
    """(title, the line under it: course · date · variant), as plain text."""
    title = f"Answer key: {ws.title}" if part == "key" else ws.title
    details = [d for d in (ws.course, ws.date) if d]
    if variant.id:
        details.append(f"Variant {variant.id}")
    if variant.student and part == "key":
        details.append(variant.student)
    total = sum(p.points for p in variant.problems)
    count = len(variant.problems)
    details.append(f"{count} problem{'' if count == 1 else 's'}, {points(total)}")
    return title, " · ".join(details)


SHORT_TITLE = 60
"""Characters of the title repeated in a page footer."""


def short_title(ws: Worksheet) -> str:
    """The title, cut at a word to fit a footer."""
    if len(ws.title) <= SHORT_TITLE:
        return ws.title
    return ws.title[:SHORT_TITLE].rsplit(" ", 1)[0] + "…"


def key_title(ws: Worksheet, variant: Variant) -> str:
    return "Answer key" + (f", variant {variant.id}" if variant.id else "")


def verified(p: SheetProblem) -> str:
    return f"Verified: {p.verified}."


SheetFormat = Literal["latex", "markdown"]
SHEET_FORMATS: tuple[SheetFormat, ...] = ("latex", "markdown")


def document(ws: Worksheet, variant: Variant, part: Part, fmt: SheetFormat) -> str:
    """One variant of the worksheet as a whole LaTeX or Markdown document."""
    if fmt not in SHEET_FORMATS:
        raise ValueError(f"unknown worksheet format {fmt!r}; choose from latex, markdown")
    from importlib import import_module

    rendered: str = import_module(f"explain.render.sheet_{fmt}").document(ws, variant, part)
    return rendered
