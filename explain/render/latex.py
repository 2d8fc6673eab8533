"""LaTeX renderer: models as a LaTeX fragment (needs amsmath) that compiles with pdflatex."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, assert_never

from explain.events import Narration
from explain.expr import Parsed, variables
from explain.render import story
from explain.render.arrays import nested, readable, shape_text
from explain.render.graph import to_tikz
from explain.render.notation import is_compound, sym_latex
from explain.render.outline import D, Line, Piece, Prose, Result, Written, outline
from explain.render.text import checked_suffix, ordinal, short
from explain.reports import CrossCheck, GradientFormula, Graph, InputCheck
from explain.steps import Derivation, Gradient, PointValue
from explain.written import P_NEG, P_POW, explicit, latex, latex_name, precedence

LATEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",  # OT1 text: ¡ ¿ —
}  # fmt: skip


GREEK_NAMES = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "theta",
    "lambda",
    "mu",
    "sigma",
    "phi",
    "omega",
]
UNICODE_LATEX = {
    "×": r"$\times$", "·": r"$\cdot$", "−": "-", "→": r"$\rightarrow$", "≤": r"$\le$",
    "≥": r"$\ge$", "≈": r"$\approx$", "±": r"$\pm$", "∂": r"$\partial$", "∇": r"$\nabla$",
    "…": r"\ldots{}", "′": "'", "ᵀ": r"\textsuperscript{T}", "π": r"$\pi$", "√": r"$\surd$",
    "²": r"\textsuperscript{2}", "³": r"\textsuperscript{3}", "ⁿ": r"\textsuperscript{n}",
    "⁻": r"\textsuperscript{-}", "¹": r"\textsuperscript{1}", "ᵢ": r"\textsubscript{i}",
    "ⱼ": r"\textsubscript{j}", "⟨": r"$\langle$", "⟩": r"$\rangle$",
    **{ch: rf"$\{name}$" for ch, name in zip("αβγδεθλμσφω", GREEK_NAMES, strict=True)},
}  # fmt: skip
"""Characters maths text uses often, as LaTeX; any other non-ASCII character is named."""

MATH_PUNCTUATION = frozenset("()/+-=·, ")
"""Prose made only of these is set as maths, not as \\text."""


def escape(text: str) -> str:
    """User text for LaTeX, one pass: specials escaped, others named."""
    out = []
    for ch in text:
        if ch in LATEX_SPECIALS:
            out.append(LATEX_SPECIALS[ch])
        elif ch in UNICODE_LATEX:
            out.append(UNICODE_LATEX[ch])
        elif ch.isascii() and ch.isprintable():
            out.append(ch)
        else:
            out.append(f"[U+{ord(ch):04X}]")
    return "".join(out)


def operator(d: D) -> str:
    sym = r"\partial" if d.partial else "d"
    gap = " " if d.partial else ""  # \partial y, but dy
    var = latex_name(d.var)
    if d.of is not None:
        return rf"\frac{{{sym}{gap}{d.of}}}{{{sym}{gap}{var}}}"
    if d.order == 1:
        return rf"\frac{{{sym}}}{{{sym}{gap}{var}}}"
    return rf"\frac{{{sym}^{{{d.order}}}}}{{{sym}{gap}{var}^{{{d.order}}}}}"


def piece(p: Piece, after_operator: bool) -> str:
    match p:
        case Prose(text=text):
            if set(text) <= MATH_PUNCTUATION:
                return " \\cdot " if text.strip() == "·" else text
            return rf"\text{{{escape(text)}}}"
        case Written(expr=expr, factor=factor):
            body = latex(expr)
            wrap = (after_operator and precedence(expr) <= P_NEG) or (
                factor and precedence(expr) < P_POW
            )
            return rf"\left({body}\right)" if wrap else body
        case Result(value=value, factor=factor):
            body = sym_latex(value)
            return rf"\left({body}\right)" if factor and is_compound(value) else body
        case D() as d:
            return operator(d) + " "
        case _:
            assert_never(p)


def equation(pieces: tuple[Piece, ...]) -> str:
    out, previous = [], None
    for p in pieces:
        out.append(piece(p, isinstance(previous, D) and previous.of is None))
        previous = p
    return "".join(out)


def step_lines(lines: tuple[Line, ...]) -> list[str]:
    return [
        rf"\noindent\hspace*{{{1.5 * line.depth:g}em}}{line.number}\ "
        rf"\textbf{{{escape(line.title)}}}: "
        rf"${line.formula[1]}$\\"
        "\n"
        rf"\hspace*{{{1.5 * line.depth + 1.5:g}em}}${equation(line.equation)}$\par"
        for line in lines
    ]


def parsed_lines(parsed: Parsed) -> list[str]:
    out = [rf"\noindent Read as: \texttt{{{escape(explicit(parsed.expr))}}}\par"]
    out += [rf"\noindent Note: {escape(note.message)}\par" for note in parsed.notes]
    return out


def derivative_name(var: str, order: int, partial: bool) -> str:
    """f', f'', f^{(4)}, or \\frac{\\partial f}{\\partial x}: the derivative in a value line."""
    if partial:
        power = "" if order == 1 else f"^{{{order}}}"
        return rf"\frac{{\partial{power} f}}{{\partial {latex_name(var)}{power}}}"
    return "f" + "'" * order if order <= 3 else f"f^{{({order})}}"


def value_line(value: PointValue, lhs: str) -> str:
    point = ", ".join(f"{latex_name(k)} = {sym_latex(v)}" for k, v in value.point)
    text = rf"\noindent At ${point}$: ${lhs} = {sym_latex(value.exact)}"
    if value.approx is not None and not value.exact.is_Rational:
        text += rf" \approx {value.approx:.12g}"
    text += "$"
    if value.note:
        text += f" ({escape(value.note)})"
    return text + r"\par"


def headline(d: Derivation, partial: bool) -> str:
    eq = equation(
        (D(d.var, partial, d.order), Written(d.parsed.expr), Prose(" = "), Result(d.result))
    )
    return rf"\[ {eq} \]"


def body(d: Derivation, partial: bool) -> list[str]:
    out = [value_line(d.value, derivative_name(d.var, d.order, partial))] if d.value else []
    for k, stage in enumerate(d.stages, start=1):
        title = "Steps" if d.order == 1 else f"Steps, {ordinal(k)} derivative"
        out += ["", rf"\medskip\noindent\textbf{{{title}}}\par"]
        out += step_lines(outline(stage.step, partial, str(k) if d.order > 1 else "1"))
    out += [rf"\noindent Note: {escape(n)}\par" for n in d.notes]
    checked = escape(d.checked + checked_suffix(d))
    out.append(rf"\noindent\emph{{Checked: {checked}.}}\par")
    return out


def render_derivation(d: Derivation) -> str:
    partial = len(variables(d.parsed.expr)) > 1
    lines = ["% explain: derivative (needs \\usepackage{amsmath})", headline(d, partial)]
    lines += [*parsed_lines(d.parsed), *body(d, partial)]
    return "\n".join(lines) + "\n"


def render_gradient(g: Gradient) -> str:
    comps = ", ".join(sym_latex(c.result) for c in g.components)
    expr = latex(g.parsed.expr)
    lines = [
        "% explain: gradient (needs \\usepackage{amsmath})",
        rf"\[ \nabla\left({expr}\right) = \left({comps}\right) \]",
    ]
    lines += parsed_lines(g.parsed)
    for c in g.components:
        lines += ["", headline(c, True), *body(c, True)]
    return "\n".join(lines) + "\n"


RENDERS: dict[str, Callable[[Any], str]] = {
    "Derivation": render_derivation,
    "Gradient": render_gradient,
}


# --- cross-check and graph ----------------------------------------------------------------------


def formula_math(f: GradientFormula) -> str:
    """∂f/∂x_{ij} = ... (any element), ∂f/∂x[0,1] = ... (one element), or ∇_w f = ... (matrix)."""
    if f.matrix:
        return rf"\nabla_{{{latex_name(f.name)}}} f = {sym_latex(f.expression)}"
    index = (
        f"_{{{f.index}}}" if f.index and "," not in f.index else (f"[{f.index}]" if f.index else "")
    )
    return (
        rf"\frac{{\partial f}}{{\partial {latex_name(f.name)}{index}}} = {sym_latex(f.expression)}"
    )


def _tt(text: str) -> str:
    return rf"\texttt{{{escape(text)}}}"


def _answer_rows(i: InputCheck) -> list[str]:
    everything = i.fd_indices.size == i.exact.size
    fd = nested(i.finite_difference.reshape(i.exact.shape) if everything else i.finite_difference)
    fd_error = short(i.fd_error)
    return [
        rf"value of {_tt(i.name)} ({escape(shape_text(i.shape))}) & {_tt(nested(i.value))} \\",
        rf"exact (SymPy $\to$ NumPy) & {_tt(nested(i.exact))} \\",
        rf"autograd ({_tt(i.name + '.grad')}) & {_tt(nested(i.autograd))} \\",
        rf"finite differences & {_tt(fd)} $\pm$ {escape(fd_error)} \\",
        rf"max abs / rel difference & {escape(short(i.max_abs_error))} / "
        rf"{escape(short(i.max_rel_error))} \\",
    ]


def render_crosscheck(c: CrossCheck) -> str:
    lines = ["% explain: cross-check (needs \\usepackage{amsmath,tikz})"]
    lines += [rf"\[ {formula_math(f)} \]" for f in c.formulas]
    lines += parsed_lines(c.parsed)
    lines += [r"\begin{tabular}{ll}", r"\hline"]
    for i in c.inputs:
        lines += [*_answer_rows(i), r"\hline"]
    lines += [
        r"\end{tabular}\par",
        rf"\noindent\textbf{{Verdict}}: {escape(c.verdict)}: {escape(c.summary)}\par",
    ]
    lines += [rf"\noindent Note: {escape(n)}\par" for n in c.notes]
    lines += ["", r"\medskip\noindent\textbf{The graph PyTorch built}\par"]
    lines += [r"\begin{center}", to_tikz(c.graph), r"\end{center}"]
    partial = len(c.derivations) > 1
    for d in c.derivations:
        lines += ["", headline(d, partial), *body(d, partial)]
    return "\n".join(lines) + "\n"


def render_graph(g: Graph) -> str:
    return "% explain: autograd graph (needs \\usepackage{tikz})\n" + to_tikz(g) + "\n"


RENDERS["CrossCheck"] = render_crosscheck
RENDERS["Graph"] = render_graph


# --- narration ----------------------------------------------------------------------------------


def _story_piece(piece: story.Piece) -> str:
    match piece:
        case str():
            return escape(piece)
        case story.Tensor(value=value):
            return _tt(readable(value))
        case story.Formula(value=value):
            return f"${sym_latex(value)}$"
        case story.Code(text=text):
            return _tt(text.replace("\n", " "))


def render_narration(n: Narration) -> str:
    lines = ["% explain: narration of a PyTorch script"]
    for paragraph in story.paragraphs(n.events):
        lines.append(rf"\noindent\textbf{{line {paragraph.line}}}\quad {_tt(paragraph.source)}\par")
        for sentence in paragraph.sentences:
            body = "".join(_story_piece(p) for p in sentence)
            lines.append(rf"\hspace*{{1.5em}}{body}\par")
    lines.append(r"\medskip\noindent\textbf{Output} (exactly as python prints it)\par")
    lines += [
        r"\begin{verbatim}",
        n.stdout.replace("\\end{verbatim}", "\\end {verbatim}").rstrip("\n"),
        r"\end{verbatim}",
    ]
    return "\n".join(lines) + "\n"


RENDERS["Narration"] = render_narration
