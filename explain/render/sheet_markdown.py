"""Worksheet as Markdown (GitHub, Jupyter): $…$/$$…$$ maths, no raw HTML, user text escaped,
autograd graphs in Mermaid; the answer key appended or alone."""

from __future__ import annotations

from typing import assert_never

from explain.events import Narration
from explain.render import latex as tex
from explain.render import markdown as md
from explain.render import sheet, story
from explain.render.arrays import nested
from explain.render.notation import sym_latex
from explain.render.outline import D, Written
from explain.reports import (
    CodeAnswer,
    CodeQuestion,
    CrossCheck,
    Differentiate,
    EvaluateAt,
    FindMistake,
    MistakeAnswer,
    SheetProblem,
    TensorGradient,
    Variant,
    Worksheet,
)
from explain.steps import Derivation
from explain.written import latex, latex_name


def document(ws: Worksheet, variant: Variant, part: sheet.Part) -> str:
    """A whole .md file: the sheet, the key, or the sheet with the key after a rule."""
    lines = _heading(ws, variant, part)
    if part != "key":
        if ws.instructions:
            lines += [f"*{md.escape(ws.instructions)}*", ""]
        for number, p in enumerate(variant.problems, start=1):
            lines += _problem(number, p)
    if part == "both":
        lines += ["---", "", f"## {md.escape(sheet.key_title(ws, variant))}", ""]
    if part != "sheet":
        for number, p in enumerate(variant.problems, start=1):
            lines += _solution(number, p)
    return md._joined(lines)


def _heading(ws: Worksheet, variant: Variant, part: sheet.Part) -> list[str]:
    title, details = sheet.heading(ws, variant, part)
    out = [f"# {md.escape(title)}", "", md.escape(details), ""]
    if part != "key":
        blank = r"\_" * 16
        name = md.escape(variant.student) if variant.student else blank
        out += [rf"**Name:** {name} **Date:** {blank[: 2 * 8]}", ""]
    return out


def _problem(number: int, p: SheetProblem) -> list[str]:
    head = f"### Problem {number} ({sheet.points(p.points)})"
    return [head, "", md.escape(sheet.sentence(p)), "", *_task(p), ""]


def _task(p: SheetProblem) -> list[str]:
    match p.task:
        case Differentiate(function=f, variable=var, order=order, partial=partial):
            return [f"$${tex.equation((D(var, partial, order), Written(f.expr)))}$$"]
        case EvaluateAt(function=f, variable=var, order=order, partial=partial, point=point):
            at = ", ".join(f"{latex_name(k)} = {sym_latex(v)}" for k, v in point)
            name = tex.derivative_name(var, order, partial)
            return [rf"$$f = {latex(f.expr)}, \qquad {name} \text{{ at }} {at}$$"]
        case TensorGradient(function=f, at=at):
            return [f"$$f = {latex(f.expr)}$$", "", f"with {md.code(at)}"]
        case CodeQuestion(script=script):
            return md.fence(script, "python")
        case FindMistake():
            return [_wrong(p.task), "", md.escape(sheet.WHAT_WENT_WRONG)]
        case _:
            assert_never(p.task)


def _wrong(task: FindMistake) -> str:
    """The student's derivative: d/dx f = the wrong derivative."""
    said = tex.equation((D(task.variable, task.partial, task.order), Written(task.function.expr)))
    return f"$${said} = {sym_latex(task.wrong)}$$"


def _solution(number: int, p: SheetProblem) -> list[str]:
    out = [f"### Problem {number}: answer {md.code(p.expected)} ({sheet.points(p.points)})", ""]
    match p.answer:
        case Derivation() as d:
            out.append(md.render_derivation(d))
        case CrossCheck() as c:
            out += [*_task(p), "", md.render_crosscheck(c)]
        case CodeAnswer() as a:
            out += _narrated(a.narration)
        case MistakeAnswer(derivation=d) as a:
            wrote, named, differ = (md.escape(label) for label in sheet.KEY_LABELS)
            out += [f"**{wrote}:**", ""]
            out += [_wrong(p.task), ""] if isinstance(p.task, FindMistake) else []
            out += [rf"**{named}\.** {md.escape(sheet.mistake(a))}", ""]
            out += [rf"**{differ}\.** {md.escape(sheet.witness(a))}", ""]
            out.append(md.render_derivation(d))
        case _:
            assert_never(p.answer)
    return [*out, f"*{md.escape(sheet.verified(p))}*", ""]


def _narrated(n: Narration) -> list[str]:
    """The script's run, statement by statement (its output only when it printed something)."""
    out: list[str] = []
    for event in n.events:
        out.append(f"- **line {event.line}** {md.code(event.source)}")
        out += ["  " + "".join(_piece(piece) for piece in said) for said in story.sentences(event)]
    out.append("")
    if n.stdout:
        out += ["**Output**", "", *md.fence(n.stdout, "text"), ""]
    return out


def _piece(piece: story.Piece) -> str:
    match piece:
        case str():
            return md.escape(piece)
        case story.Tensor(value=value):
            return md.code(nested(value))
        case story.Formula(value=value):
            return md.math(sym_latex(value))
        case story.Code(text=text):
            return md.code(text.replace("\n", " "))
