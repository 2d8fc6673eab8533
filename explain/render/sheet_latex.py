"""Worksheet as a LaTeX document (pdflatex, standard TeX Live packages only): exam-style sheet,
answer key appended or alone. Every user text goes through latex.escape in one pass."""

from __future__ import annotations

from typing import assert_never

from explain.render import latex as tex
from explain.render import sheet
from explain.render.notation import sym_latex
from explain.render.outline import D, Written
from explain.reports import (
    CodeAnswer,
    CodeQuestion,
    CrossCheck,
    Differentiate,
    EvaluateAt,
    SheetProblem,
    TensorGradient,
    Variant,
    Worksheet,
)
from explain.steps import Derivation
from explain.written import latex, latex_name

PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[margin=2.2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{tikz}
\usetikzlibrary{arrows.meta,positioning}
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
\pagestyle{plain}
\begin{document}
"""


def document(ws: Worksheet, variant: Variant, part: sheet.Part) -> str:
    """A whole .tex file: the sheet, the key, or the sheet with the key on new pages."""
    lines = [f"% {tex.escape(ws.title)}: worksheet made by explain (compile with pdflatex)"]
    lines += [PREAMBLE.rstrip("\n"), *_heading(ws, variant, part)]
    if part != "key":
        lines += _instructions(ws)
        for number, p in enumerate(variant.problems, start=1):
            lines += _problem(number, p)
    if part == "both":
        lines += [r"\newpage", *_heading(ws, variant, "key")]
    if part != "sheet":
        for number, p in enumerate(variant.problems, start=1):
            lines += _solution(number, p)
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


def _heading(ws: Worksheet, variant: Variant, part: sheet.Part) -> list[str]:
    title, details = sheet.heading(ws, variant, part)
    out = [
        r"\begin{center}",
        rf"{{\LARGE\bfseries {tex.escape(title)}}}\\[6pt]",
        rf"{{\large {tex.escape(details)}}}",
        r"\end{center}",
    ]
    if part != "key":
        out += [r"\vspace{4pt}", r"Name: \rule{8cm}{0.4pt}\hfill Date: \rule{4cm}{0.4pt}\par"]
    return [*out, r"\medskip\hrule\medskip"]


def _instructions(ws: Worksheet) -> list[str]:
    return [rf"\emph{{{tex.escape(ws.instructions)}}}\par\medskip"] if ws.instructions else []


def _title(number: int, p: SheetProblem) -> str:
    return rf"\textbf{{Problem {number}.}} {tex.escape(sheet.sentence(p))}\hfill" + (
        rf"\emph{{({sheet.points(p.points)})}}\par"
    )


def _problem(number: int, p: SheetProblem) -> list[str]:
    """The problem with its working space, kept on one page (a minipage)."""
    out = [r"\noindent\begin{minipage}{\linewidth}", _title(number, p), *_task(p)]
    if p.space:
        out.append(rf"\vspace*{{{p.space:g}cm}}")
    return [*out, r"\end{minipage}", r"\par\bigskip"]


def _task(p: SheetProblem) -> list[str]:
    match p.task:
        case Differentiate(function=f, variable=var, order=order, partial=partial):
            return [rf"\[ {tex.equation((D(var, partial, order), Written(f.expr)))} \]"]
        case EvaluateAt(function=f, variable=var, order=order, partial=partial, point=point):
            at = ", ".join(f"{latex_name(k)} = {sym_latex(v)}" for k, v in point)
            name = tex.derivative_name(var, order, partial)
            return [rf"\[ f = {latex(f.expr)}, \qquad {name} \text{{ at }} {at} \]"]
        case TensorGradient(function=f, at=at):
            return [rf"\[ f = {latex(f.expr)} \]", rf"with \texttt{{{tex.escape(at)}}}.\par"]
        case CodeQuestion(script=script):
            return _code(script)
        case _:
            assert_never(p.task)


def _code(script: str) -> list[str]:
    """The script in typewriter type, line by line (escaped: no verbatim to break out of)."""
    lines = script.expandtabs(4).strip("\n").splitlines()
    body = [tex.escape(line).replace(" ", r"\ ") or r"\mbox{}" for line in lines]
    return [
        r"\begin{quote}\ttfamily\small",
        *(line + r"\\" for line in body[:-1]),
        body[-1] if body else "",
        r"\end{quote}",
    ]


def _solution(number: int, p: SheetProblem) -> list[str]:
    out = [
        r"\bigskip",
        rf"\textbf{{Problem {number}}}\quad answer: \texttt{{{tex.escape(p.expected)}}}\par",
    ]
    out += _worked(p)
    out.append(rf"\emph{{{tex.escape(sheet.verified(p))}}}\par")
    return out


def _worked(p: SheetProblem) -> list[str]:
    match p.answer:
        case Derivation() as d:
            return [tex.render_derivation(d).rstrip("\n")]
        case CrossCheck() as c:
            return [tex.render_crosscheck(c).rstrip("\n")]
        case CodeAnswer() as a:
            return [tex.render_narration(a.narration).rstrip("\n")]
        case _:
            assert_never(p.answer)
