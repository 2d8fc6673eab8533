"""Markdown renderer: models as GitHub/Jupyter Markdown with $…$ maths and no raw HTML."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from explain.events import Narration
from explain.expr import Parsed, variables
from explain.render import latex as tex
from explain.render import story
from explain.render.arrays import nested, readable, shape_text
from explain.render.graph import to_mermaid
from explain.render.notation import sym_latex
from explain.render.outline import D, Line, Prose, Result, Written, outline
from explain.render.text import checked_suffix, ordinal, short
from explain.reports import CrossCheck, Graph, InputCheck
from explain.steps import Derivation, Gradient, PointValue
from explain.written import explicit, latex, latex_name

MD_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~])")


def escape(text: str) -> str:
    """User text as literal Markdown (every punctuation character that could start syntax)."""
    return MD_SPECIALS.sub(r"\\\1", text)


def code(text: str) -> str:
    """An inline code span that no backtick inside `text` can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def math(body: str) -> str:
    return f"${body.strip()}$"


def step_lines(lines: tuple[Line, ...]) -> list[str]:
    return [
        f"{'  ' * line.depth}- **{line.number} {escape(line.title)}** · {math(line.formula[1])}: "
        f"{math(tex.equation(line.equation))}"
        for line in lines
    ]


def parsed_lines(parsed: Parsed) -> list[str]:
    out = [f"**Input** {code(parsed.source)} · **read as** {code(explicit(parsed.expr))}"]
    return out + notes(note.message for note in parsed.notes)


def notes(texts: Iterable[str]) -> list[str]:
    """Each note its own quoted paragraph, a blank line after it: consecutive `>` lines would
    merge into one paragraph, and a line right after a quote would join it."""
    out: list[str] = []
    for text in texts:
        out += ["", f"> Note: {escape(text)}", ""]
    return out


def value_line(value: PointValue, lhs: str) -> str:
    point = ", ".join(f"{latex_name(k)} = {sym_latex(v)}" for k, v in value.point)
    exact_number = value.exact.is_Rational
    approx = "" if value.approx is None or exact_number else rf" \approx {value.approx:.12g}"
    text = f"**At** {math(point)}: {math(f'{lhs} = {sym_latex(value.exact)}{approx}')}"
    return text + (f" ({escape(value.note)})" if value.note else "")


def body(d: Derivation, partial: bool) -> list[str]:
    lhs = tex.derivative_name(d.var, d.order, partial)
    out = [value_line(d.value, lhs)] if d.value else []
    for k, stage in enumerate(d.stages, start=1):
        title = "Steps" if d.order == 1 else f"Steps, {ordinal(k)} derivative"
        out += ["", f"**{title}**", ""]
        out += step_lines(outline(stage.step, partial, str(k) if d.order > 1 else "1"))
    out.append("")
    out += notes(d.notes)
    out.append(f"*Checked: {escape(d.checked + checked_suffix(d))}.*")
    return out


def headline(d: Derivation, partial: bool) -> str:
    eq = tex.equation(
        (D(d.var, partial, d.order), Written(d.parsed.expr), Prose(" = "), Result(d.result))
    )
    return f"$${eq}$$"


def _joined(lines: list[str]) -> str:
    """Paragraphs separated by exactly one blank line."""
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def render_derivation(d: Derivation) -> str:
    partial = len(variables(d.parsed.expr)) > 1
    return _joined([*parsed_lines(d.parsed), "", headline(d, partial), "", *body(d, partial)])


def render_gradient(g: Gradient) -> str:
    comps = ", ".join(sym_latex(c.result) for c in g.components)
    lines = [
        *parsed_lines(g.parsed),
        "",
        rf"$$\nabla\left({latex(g.parsed.expr)}\right) = \left({comps}\right)$$",
    ]
    for c in g.components:
        lines += ["", headline(c, True), "", *body(c, True)]
    return _joined(lines)


RENDERS: dict[str, Callable[[Any], str]] = {
    "Derivation": render_derivation,
    "Gradient": render_gradient,
}


# --- cross-check and graph ----------------------------------------------------------------------


def _answer_rows(i: InputCheck) -> list[str]:
    everything = i.fd_indices.size == i.exact.size
    fd = nested(i.finite_difference.reshape(i.exact.shape) if everything else i.finite_difference)
    where = "" if everything else f" (at {i.fd_indices.size} sampled elements)"
    fd_error = short(i.fd_error)
    name = escape(i.name)
    return [
        f"| value of {name} ({shape_text(i.shape)}) | {code(nested(i.value))} |",
        f"| exact (SymPy → NumPy) | {code(nested(i.exact))} |",
        f"| autograd ({code(i.name + '.grad')}) | {code(nested(i.autograd))} |",
        f"| finite differences{where} | {code(fd)} ± {fd_error} |",
        f"| max abs / rel difference, exact vs autograd | {short(i.max_abs_error)} / "
        f"{short(i.max_rel_error)} |",
    ]


def render_crosscheck(c: CrossCheck) -> str:
    lines = [*parsed_lines(c.parsed), ""]
    lines += [f"$${tex.formula_math(f)}$$" for f in c.formulas]
    lines += ["", "| | gradient |", "|---|---|"]
    for i in c.inputs:
        lines += _answer_rows(i)
    lines += ["", f"**Verdict:** {escape(c.verdict)}: {escape(c.summary)}", ""]
    lines += notes(c.notes)
    lines += ["", "**The graph PyTorch built**", "", "```mermaid", to_mermaid(c.graph), "```"]
    partial = len(c.derivations) > 1
    for d in c.derivations:
        lines += ["", headline(d, partial), "", *body(d, partial)]
    return _joined(lines)


def render_graph(g: Graph) -> str:
    return _joined(["```mermaid", to_mermaid(g), "```"])


RENDERS["CrossCheck"] = render_crosscheck
RENDERS["Graph"] = render_graph


# --- narration ----------------------------------------------------------------------------------


def _story_piece(piece: story.Piece) -> str:
    match piece:
        case str():
            return escape(piece)
        case story.Tensor(value=value):
            return code(readable(value))
        case story.Formula(value=value):
            return math(sym_latex(value))
        case story.Code(text=text):
            return code(text.replace("\n", " "))


def fence(text: str, info: str = "") -> list[str]:
    """A fenced block that no backtick run inside `text` can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    mark = "`" * max(3, longest + 1)
    return [mark + info, text.rstrip("\n"), mark]


def render_narration(n: Narration) -> str:
    lines: list[str] = []
    for paragraph in story.paragraphs(n.events):
        lines.append(f"- **line {paragraph.line}** {code(paragraph.source)}")
        said = ["  " + "".join(_story_piece(p) for p in s) for s in paragraph.sentences]
        lines += [line + "\\" for line in said[:-1]] + said[-1:]  # hard line breaks
    lines += ["", "**Output** (exactly as python prints it)", "", *fence(n.stdout, "text")]
    return _joined(lines)


RENDERS["Narration"] = render_narration
