"""Text renderer: models as plain terminal text (no colour, fixed layout, golden-tested)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, assert_never

from explain.expr import Parsed, variables
from explain.render.arrays import nested, readable, shape_text
from explain.render.notation import is_compound, sym_text
from explain.render.outline import D, Line, Piece, Prose, Result, Written, outline
from explain.steps import RULE_TITLES, Derivation, Gradient, PointValue

if TYPE_CHECKING:  # the cross-check and narration models load only when they are rendered
    from explain.events import Narration
    from explain.render import story
    from explain.reports import CrossCheck, GradientFormula, Graph, GraphNode, InputCheck
from explain.written import P_NEG, P_POW, display_name, explicit, parenthesised, precedence, pretty

ORDINALS = ("first", "second", "third")


def ordinal(n: int) -> str:
    return ORDINALS[n - 1] if n <= len(ORDINALS) else f"{n}th"


def operator(d: D) -> str:
    """d/dx, ∂/∂x, d²/dx², du/dx."""
    sym = "∂" if d.partial else "d"
    var = display_name(d.var)
    if d.of is not None:
        return f"{sym}{d.of}/{sym}{var}"
    if d.order == 1:
        return f"{sym}/{sym}{var}"
    sup = str(d.order).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{sym}{sup}/{sym}{var}{sup}"


def piece(p: Piece, after_operator: bool = False) -> str:
    match p:
        case Prose(text=text):
            return text
        case Written(expr=expr, factor=factor):
            text = pretty(expr)
            wrap = (after_operator and precedence(expr) <= P_NEG) or (
                factor and precedence(expr) < P_POW
            )
            return f"({text})" if wrap else text
        case Result(value=value, factor=factor):
            text = sym_text(value)
            return f"({text})" if factor and is_compound(value) else text
        case D() as d:
            return operator(d) + ("" if d.of else " ")
        case _:
            assert_never(p)


def equation(pieces: tuple[Piece, ...]) -> str:
    out, previous = [], None
    for p in pieces:
        out.append(piece(p, after_operator=isinstance(previous, D) and previous.of is None))
        previous = p
    return "".join(out)


def step_lines(lines: tuple[Line, ...]) -> list[str]:
    out = []
    for line in lines:
        pad = "  " * line.depth
        out.append(f"{pad}{line.number}  {line.title}   [{line.formula[0]}]")
        out.append(f"{pad}{' ' * (len(line.number) + 2)}{equation(line.equation)}")
    return out


def parsed_lines(parsed: Parsed) -> list[str]:
    out = [f"read as: {explicit(parsed.expr)}" + ("   (LaTeX input)" if parsed.latex else "")]
    out += [f"note: {note.message}" for note in parsed.notes]
    return out


def value_line(value: PointValue, lhs: str) -> str:
    point = ", ".join(f"{display_name(k)} = {sym_text(v)}" for k, v in value.point)
    text = f"at {point}: {lhs} = {sym_text(value.exact)}"
    if value.approx is not None and not value.exact.is_Rational:
        text += f" ≈ {_float_text(value.approx)}"
    if value.note:
        text += f"   ({value.note})"
    return text


def checked_suffix(d: Derivation) -> str:
    """How the shown result relates to the step tree's, when it is not the same expression."""
    return "" if d.tidy == "as derived" else f"; the result is shown {d.tidy}"


def derivative_name(var: str, order: int, partial: bool) -> str:
    """f′, f″, f⁽⁴⁾, or ∂f/∂x, ∂²f/∂x²: the derivative's name in a value line."""
    if partial:
        op = operator(D(var, True, order))
        return op.replace("∂/", "∂f/", 1) if order == 1 else op.replace("/", "f/", 1)
    if order <= 3:
        return "f" + "′" * order
    return "f⁽" + str(order).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")) + "⁾"


def _float_text(x: float) -> str:
    return repr(float(x)) if abs(x) >= 1e-4 or x == 0 else f"{x:.15g}"


def headline(d: Derivation, partial: bool) -> str:
    return equation(
        (D(d.var, partial, d.order), Written(d.parsed.expr), Prose(" = "), Result(d.result))
    )


def derivation_body(d: Derivation, partial: bool) -> list[str]:
    """Everything after the headline: value, steps per order, notes, how it was checked."""
    out = [value_line(d.value, derivative_name(d.var, d.order, partial))] if d.value else []
    for k, stage in enumerate(d.stages, start=1):
        title = "steps" if d.order == 1 else f"steps, {ordinal(k)} derivative"
        out += ["", f"{title}:"]
        out += step_lines(outline(stage.step, partial, str(k) if d.order > 1 else "1"))
    out.append("")
    out += [f"note: {note}" for note in d.notes]
    out.append(f"checked: {d.checked}{checked_suffix(d)}")
    return out


def render_derivation(d: Derivation) -> str:
    partial = len(variables(d.parsed.expr)) > 1
    lines = [*parsed_lines(d.parsed), headline(d, partial), *derivation_body(d, partial)]
    return "\n".join(lines) + "\n"


def render_gradient(g: Gradient) -> str:
    names = ", ".join(display_name(v) for v in g.variables)
    values = ", ".join(sym_text(c.result) for c in g.components)
    lines = [*parsed_lines(g.parsed), f"∇ {_paren(g)} = ({values})   [order: {names}]"]
    values_at = [c.value for c in g.components if c.value is not None]
    if values_at:
        point = ", ".join(f"{display_name(k)} = {sym_text(v)}" for k, v in values_at[0].point)
        lines.append(f"at {point}: ∇ = ({', '.join(_value_short(v) for v in values_at)})")
    for c in g.components:
        lines += [
            "",
            headline(c, True),
            *[ln for ln in derivation_body(c, True) if not ln.startswith("at ")],
        ]
    return "\n".join(lines) + "\n"


def _value_short(value: PointValue) -> str:
    exact = sym_text(value.exact)
    if value.approx is None or value.exact.is_Rational:
        return exact
    return f"{exact} ≈ {_float_text(value.approx)}"


def _paren(g: Gradient) -> str:
    text = pretty(g.parsed.expr)
    return f"({text})" if parenthesised(g.parsed.expr, after_operator=True) else text


RENDERS: dict[str, Callable[[Any], str]] = {
    "Derivation": render_derivation,
    "Gradient": render_gradient,
}


# --- cross-check and graph ----------------------------------------------------------------------


def formula_line(f: GradientFormula) -> str:
    if f.matrix:
        return f"∇_{display_name(f.name)} f = {sym_text(f.expression)}"
    index = f"_{f.index}" if f.index and "," not in f.index else (f"[{f.index}]" if f.index else "")
    return f"∂f/∂{display_name(f.name)}{index} = {sym_text(f.expression)}"


def check_lines(c: CrossCheck) -> list[str]:
    """The three answers per input, the differences, the verdict."""
    out: list[str] = []
    for i in c.inputs:
        out += [
            "",
            f"{display_name(i.name)} = {nested(i.value)}   ({shape_text(i.shape)}, {c.dtype})",
        ]
        out += _answer_lines(i)
    out += ["", f"verdict: {c.verdict}: {c.summary}"]
    out += [f"note: {n}" for n in c.notes]
    return out


def _answer_lines(i: InputCheck) -> list[str]:
    everything = i.fd_indices.size == i.exact.size
    fd = nested(i.finite_difference.reshape(i.exact.shape) if everything else i.finite_difference)
    where = "" if everything else f"at {i.fd_indices.size} sampled elements, "
    beyond = "" if i.fd_within_error else " (beyond its error estimate)"
    label = f"autograd ({display_name(i.name)}.grad)"
    return [
        f"  {'exact (SymPy → NumPy)':<24} {nested(i.exact)}",
        f"  {label:<24} {nested(i.autograd)}",
        f"  {'finite differences':<24} {fd}   ({where}central, error ≤ {short(i.fd_error)})",
        f"  exact vs autograd: max difference {short(i.max_abs_error)}"
        f" (relative {short(i.max_rel_error)}); exact vs finite differences: "
        f"{short(i.fd_max_abs_error)}{beyond}",
    ]


def short(x: Any) -> str:
    """An error size in two significant digits (the largest, for an array)."""
    value = float(x.max(initial=0.0)) if hasattr(x, "max") else float(x)
    return "0" if value == 0 else f"{value:.2g}"


def graph_lines(g: Graph) -> list[str]:
    out = [
        f"graph PyTorch built, in the order written (backward runs from {g.output} to the leaves):"
    ]
    rows = [(n.id, n.name, n.expression, _node_about(n), n.inputs) for n in g.nodes]
    widths = [max(len(r[k]) for r in rows) for k in range(3)]
    for node_id, name, expression, about, inputs in rows:
        to = f"  -> {', '.join(inputs)}" if inputs else ""
        out.append(
            f"  {node_id:<{widths[0]}}  {name:<{widths[1]}}  {expression:<{widths[2]}}  {about}{to}"
        )
    return out


def _node_about(n: GraphNode) -> str:
    rule = RULE_TITLES.get(n.rule, n.rule.replace("_", " "))
    if n.kind == "op":
        return f"{rule}: {n.local[0]}"
    flags = "requires_grad" if n.requires_grad else "no grad"
    return f"{'leaf' if n.is_leaf else 'non-leaf'}, {flags}, {shape_text(n.shape)}: {n.local[0]}"


def render_crosscheck(c: CrossCheck) -> str:
    lines = parsed_lines(c.parsed)
    lines += [formula_line(f) for f in c.formulas]
    if c.form == "elementwise" and any(i.shape for i in c.inputs):
        lines[-1] += "   (elementwise: the same formula for every element)"
    elif c.form == "matrix":
        lines.append("(a matrix formula; the values below were derived element by element)")
    elif c.form == "per-element":
        lines.append("(per element: differentiated with respect to each element of the tensors)")
    lines += check_lines(c)
    lines += ["", *graph_lines(c.graph)]
    partial = len(c.derivations) > 1
    for d in c.derivations:
        lines += ["", headline(d, partial), *derivation_body(d, partial)]
    return "\n".join(lines).rstrip("\n") + "\n"


def render_graph(g: Graph) -> str:
    return "\n".join(graph_lines(g)) + "\n"


RENDERS["CrossCheck"] = render_crosscheck
RENDERS["Graph"] = render_graph


# --- narration ----------------------------------------------------------------------------------


def story_piece(piece: story.Piece) -> str:
    from explain.render import story

    match piece:
        case str():
            return piece
        case story.Tensor(value=value):
            return readable(value)
        case story.Formula(value=value):
            return sym_text(value)
        case story.Code(text=text):
            return text
        case _:
            assert_never(piece)


def render_narration(n: Narration) -> str:
    from explain.render import story

    lines: list[str] = []
    for paragraph in story.paragraphs(n.events):
        head = f"line {paragraph.line}"
        lines.append(f"{head:<8}  {paragraph.source}")
        pad = " " * 10
        for sentence in paragraph.sentences:
            text = "".join(story_piece(p) for p in sentence)
            lines.append(pad + text.replace("\n", "\n" + pad))
    lines += ["", "output (exactly as python prints it):", n.stdout.rstrip("\n")]
    return "\n".join(lines) + "\n"


RENDERS["Narration"] = render_narration
