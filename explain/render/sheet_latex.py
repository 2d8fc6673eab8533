"""Worksheet as a LaTeX document (pdflatex, standard TeX Live packages only): exam-style sheet,
answer key appended or alone. Every user text goes through latex.escape in one pass."""

from __future__ import annotations

import unicodedata
from typing import assert_never

from explain.events import Narration
from explain.render import latex as tex
from explain.render import sheet, story
from explain.render.arrays import nested
from explain.render.graph import to_tikz
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

PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[margin=2.2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\usepackage{tikz}
\usetikzlibrary{arrows.meta,positioning}
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
\usepackage{fancyhdr}
\pagestyle{fancy}
\fancyhf{}
\renewcommand{\headrulewidth}{0pt}
% (n points) at the right of the paragraph's last line, or of a line of its own (TeXbook p. 106)
\newcommand{\points}[1]{{\unskip\nobreak\hfil\penalty50\hskip2em\hbox{}\nobreak\hfil
  \mbox{\emph{(#1)}}\parfillskip=0pt\finalhyphendemerits=0\par}}
% a new page unless #1 more lines fit (a solution's heading never ends a page)
\newcommand{\keeplines}[1]{\par\vspace{0pt plus #1\baselineskip}\penalty-200
  \vspace{0pt plus -#1\baselineskip}}
"""


TYPEWRITER = {ch: rf"{{\ttfamily\char{ord(ch)}}}" for ch in "\\{}^~$_"}
"""\\ { } ^ ~ $ _ from the typewriter font, which has them as ASCII glyphs (the text font's accents
read ˆ and ˜ in a PDF, its _ is a rule, and its bold $ needs a bitmap font)."""


ACCENTS = {
    "\u0301": "'", "\u0300": "`", "\u0302": "^", "\u0308": '"', "\u0303": "~", "\u0304": "=",
    "\u0307": ".", "\u0327": "c", "\u030c": "v", "\u030a": "r", "\u0306": "u", "\u030b": "H",
}  # fmt: skip
"""Combining accents → the LaTeX accent commands of the OT1 encoding (pdflatex's default)."""

LETTERS = {
    "ß": r"\ss{}", "æ": r"\ae{}", "Æ": r"\AE{}", "ø": r"\o{}", "Ø": r"\O{}", "œ": r"\oe{}",
    "Œ": r"\OE{}", "ł": r"\l{}", "Ł": r"\L{}", "ı": r"\i{}", "—": "---", "–": "--", "’": "'",
    "‘": "`", "“": "``", "”": "''", "\u00a0": "~",
}  # fmt: skip
"""Letters and punctuation of names and titles that are commands of their own."""


def _accented(ch: str) -> str | None:
    """é → \\'{e}, ç → \\c{c}: a Latin letter with one accent OT1 can draw, else None."""
    if ch in LETTERS:
        return LETTERS[ch]
    parts = unicodedata.normalize("NFD", ch)
    if (
        len(parts) != 2
        or not (parts[0].isascii() and parts[0].isalpha())
        or parts[1] not in ACCENTS
    ):
        return None
    base = r"\i" if parts[0] == "i" else parts[0]  # the dotless i carries the accent
    return rf"\{ACCENTS[parts[1]]}{{{base}}}"


def escape(text: str) -> str:
    """User text for LaTeX in one pass: explain.render.latex.escape, with \\ { } ^ ~ $ _ from
    the typewriter font and accented Latin letters as accent commands (é, ñ, ç, ø, ß...)."""
    return "".join(TYPEWRITER.get(ch) or _accented(ch) or tex.escape(ch) for ch in text)


def document(ws: Worksheet, variant: Variant, part: sheet.Part) -> str:
    """A whole .tex file: the sheet, the key, or the sheet with the key on new pages."""
    lines = [f"% {escape(ws.title)}: worksheet made by explain (compile with pdflatex)"]
    lines += [PREAMBLE.rstrip("\n"), *_footer(ws, variant), r"\begin{document}"]
    lines += _heading(ws, variant, part)
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


def _footer(ws: Worksheet, variant: Variant) -> list[str]:
    """Every page says whose sheet it is: the title, the variant and the page number."""
    who = [escape(variant.student)] if variant.student else []
    who += [f"Variant {escape(variant.id)}"] if variant.id else []
    right = "".join(f"{part} $\\cdot$ " for part in who) + r"page \thepage"
    return [
        rf"\fancyfoot[L]{{\small {escape(sheet.short_title(ws))}}}",
        rf"\fancyfoot[R]{{\small {right}}}",
    ]


def _heading(ws: Worksheet, variant: Variant, part: sheet.Part) -> list[str]:
    title, details = sheet.heading(ws, variant, part)
    out = [
        r"\begin{center}",
        rf"{{\LARGE\bfseries {escape(title)}}}\\[6pt]",
        rf"{{\large {escape(details)}}}",
        r"\end{center}",
    ]
    if part != "key":
        name = escape(variant.student) if variant.student else r"\rule{8cm}{0.4pt}"
        out += [r"\vspace{4pt}", rf"Name: {name}\hfill Date: \rule{{4cm}}{{0.4pt}}\par"]
    return [*out, r"\medskip\hrule\medskip"]


def _instructions(ws: Worksheet) -> list[str]:
    return [rf"\emph{{{escape(ws.instructions)}}}\par\medskip"] if ws.instructions else []


def _title(number: int, p: SheetProblem) -> str:
    sentence = escape(sheet.sentence(p))
    return rf"\textbf{{Problem {number}.}} {sentence}\points{{{sheet.points(p.points)}}}"


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
            return [rf"\[ f = {latex(f.expr)} \]", rf"with \texttt{{{escape(at)}}}.\par"]
        case CodeQuestion(script=script):
            return _code(script)
        case FindMistake():
            return [_wrong(p.task), rf"{escape(sheet.WHAT_WENT_WRONG)}\par"]
        case _:
            assert_never(p.task)


def _wrong(task: FindMistake) -> str:
    """The student's derivative: d/dx f = the wrong derivative."""
    said = tex.equation((D(task.variable, task.partial, task.order), Written(task.function.expr)))
    return rf"\[ {said} = {sym_latex(task.wrong)} \]"


def _code(script: str) -> list[str]:
    """The script in typewriter type, line by line (escaped: no verbatim to break out of)."""
    lines = script.expandtabs(4).strip("\n").splitlines()
    body = [escape(line).replace(" ", r"\ ") or r"\mbox{}" for line in lines]
    return [
        r"\begin{quote}\ttfamily\small",
        *(line + r"\\" for line in body[:-1]),
        body[-1] if body else "",
        r"\end{quote}",
    ]


def _solution(number: int, p: SheetProblem) -> list[str]:
    marks = rf"\points{{{sheet.points(p.points)}}}"
    head = [
        r"\keeplines{10}\bigskip\noindent\begin{minipage}{\linewidth}",
        rf"\textbf{{Problem {number}.}} Answer: {_boxed(p)}{marks}",
        *(_task(p) if isinstance(p.task, TensorGradient) else []),
        r"\end{minipage}\par",
    ]
    key = rf"Grading key (as \texttt{{explain grade}} reads it): \texttt{{{escape(p.expected)}}}"
    return [*head, *_worked(p), rf"\emph{{{escape(sheet.verified(p))}}}\\", rf"{key}\par"]


def _boxed(p: SheetProblem) -> str:
    """The answer, boxed: the derivative or its value in maths, an array as typed."""
    match p.answer:
        case Derivation(value=value) if value is not None:
            return rf"$\boxed{{{sym_latex(value.exact)}}}$"
        case Derivation(result=result) | MistakeAnswer(derivation=Derivation(result=result)):
            return rf"$\boxed{{{sym_latex(result)}}}$"
        case _:
            return rf"\fbox{{\texttt{{{escape(p.expected)}}}}}"


def _worked(p: SheetProblem) -> list[str]:
    match p.answer:
        case Derivation() as d:
            partial = sheet.partial(p)
            return [tex.headline(d, partial), *tex.body(d, partial)]
        case CrossCheck() as c:
            return _gradient(c)
        case CodeAnswer() as a:
            return _narrated(a.narration)
        case MistakeAnswer(derivation=d) as a:
            partial = sheet.partial(p)
            return [*_mistake(p, a), tex.headline(d, partial), *tex.body(d, partial)]
        case _:
            assert_never(p.answer)


def _mistake(p: SheetProblem, a: MistakeAnswer) -> list[str]:
    """What the student wrote, the mistake named and a point where it shows."""
    wrote, named, differ = (escape(label) for label in sheet.KEY_LABELS)
    shown = [_wrong(p.task)] if isinstance(p.task, FindMistake) else []
    return [
        rf"\noindent\textbf{{{wrote}:}}", *shown,
        rf"\noindent\textbf{{{named}.}} {escape(sheet.mistake(a))}\par",
        rf"\noindent\textbf{{{differ}.}} {escape(sheet.witness(a))}\par",
    ]  # fmt: skip


def _gradient(c: CrossCheck) -> list[str]:
    """The gradient's formula, its steps, the notes and the graph PyTorch built (kept whole)."""
    out = [rf"\[ {tex.formula_math(f)} \]" for f in c.formulas]
    out += [rf"\noindent Note: {escape(n)}\par" for n in c.notes]
    for d in c.derivations:
        out += tex.body(d, len(c.derivations) > 1)
    return [
        *out,
        r"\medskip\noindent\begin{minipage}{\linewidth}",
        r"\textbf{The graph PyTorch built} (backward runs from the bottom up)\par\smallskip",
        r"\centering\scalebox{0.8}{%",
        to_tikz(c.graph).rstrip("\n") + "}",
        r"\end{minipage}\par",
    ]


def _narrated(n: Narration) -> list[str]:
    """The script's run, statement by statement (its output only when it printed something)."""
    out = [r"\smallskip"]
    for event in n.events:
        out.append(
            rf"\noindent\textbf{{line {event.line}}}\quad \texttt{{{escape(event.source)}}}\par"
        )
        for said in story.sentences(event):
            words = "".join(_piece(piece) for piece in said)
            out.append(rf"{{\leftskip=1.5em\relax {words}\par}}")
    if n.stdout:
        out += [r"\textbf{Output}\par", *_code(n.stdout)]
    return out


def _piece(piece: story.Piece) -> str:
    match piece:
        case str():
            return escape(piece)
        case story.Tensor(value=value):
            return rf"\texttt{{{escape(nested(value))}}}"
        case story.Formula(value=value):
            return f"${sym_latex(value)}$"
        case story.Code(text=text):
            return rf"\texttt{{{escape(text)}}}"
