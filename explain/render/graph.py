"""Graph pictures: DOT, Mermaid, TikZ (text), SVG/PNG through Graphviz when installed.

Every picture shows the same fields of the Graph model: each node's grad_fn name, the
sub-expression it computes and its local derivative; leaves are boxes, cuts (detach, constants)
dashed red. Edges follow the gradient, from an operation to its next_functions, and are drawn
bottom to top: the output at the bottom, the leaves at the top (as torchviz draws them).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from typing import Literal

from explain.errors import LimitExceeded, Unsupported
from explain.reports import Graph, GraphNode

DOT_SECONDS = 10
"""Longest wait for Graphviz's dot."""

CUT_TITLE = {"detach": "detach: gradient stops", "constant": "constant: no gradient"}


def _title(node: GraphNode) -> str:
    """First line of a label: the grad_fn name, or what a cut is."""
    if node.kind == "cut":
        return CUT_TITLE.get(node.name, f"{node.name}: no gradient")
    return node.name


def _lines(node: GraphNode) -> list[str]:
    """A label's lines: grad_fn name, expression, local derivative (a leaf: its name first)."""
    leaf = node.kind == "leaf"
    first = [node.expression, node.name] if leaf else [_title(node), node.expression]
    return [*first, node.local[0]] if node.local[0] else first


def _edges(graph: Graph) -> list[tuple[GraphNode, GraphNode]]:
    """(consumer, input) pairs, in node order then input order."""
    by_id = {node.id: node for node in graph.nodes}
    return [(node, by_id[i]) for node in graph.nodes for i in node.inputs if i in by_id]


# --- Graphviz DOT -----------------------------------------------------------------------------


def _dot_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_style(node: GraphNode, output: str) -> str:
    match node.kind:
        case "leaf":
            style = 'shape=box, style="rounded,filled", fillcolor="#dbe9f6"'
        case "cut":
            style = 'shape=box, style=dashed, color="#c00000", fontcolor="#c00000"'
        case _:
            style = "shape=ellipse"
    return style + (", penwidth=2" if node.id == output else "")


def to_dot(graph: Graph) -> str:
    """The graph as Graphviz DOT (rankdir=BT: output at the bottom, leaves at the top)."""
    lines = [
        "digraph autograd {",
        "  rankdir=BT;",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
        f"  label={_dot_string('autograd graph of ' + graph.source)};",
    ]
    for node in graph.nodes:
        label = _dot_string("\n".join(_lines(node)))
        lines.append(f"  {_dot_string(node.id)} [label={label}, {_dot_style(node, graph.output)}];")
    for consumer, target in _edges(graph):
        style = ' [style=dashed, color="#c00000"]' if target.kind == "cut" else ""
        lines.append(f"  {_dot_string(consumer.id)} -> {_dot_string(target.id)}{style};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- Mermaid ----------------------------------------------------------------------------------

MERMAID_ESCAPES = str.maketrans({"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;"})
"""Mermaid entity codes, applied in one pass (so the # of an inserted code is never re-escaped)."""


def _mermaid_ids(graph: Graph) -> dict[str, str]:
    """Mermaid ids g0, g1, ...: a variable may be called `end`, a Mermaid keyword."""
    return {node.id: f"g{k}" for k, node in enumerate(graph.nodes)}


def to_mermaid(graph: Graph) -> str:
    """The graph as a Mermaid flowchart body (no ``` fence): `flowchart BT`, quoted labels."""
    ids = _mermaid_ids(graph)
    shapes = {"op": ('(["', '"])'), "leaf": ('["', '"]'), "cut": ('["', '"]')}
    lines = ["flowchart BT"]
    for node in graph.nodes:
        label = "<br/>".join(line.translate(MERMAID_ESCAPES) for line in _lines(node))
        left, right = shapes[node.kind]
        lines.append(f"  {ids[node.id]}{left}{label}{right}")
    for consumer, target in _edges(graph):
        arrow = "-.->" if target.kind == "cut" else "-->"
        lines.append(f"  {ids[consumer.id]} {arrow} {ids[target.id]}")
    lines.append("  classDef leaf fill:#dbe9f6,stroke:#4a78a8")
    lines.append("  classDef cut stroke:#c00000,stroke-dasharray:5 5,color:#c00000")
    lines.append("  classDef output stroke-width:3px")
    for kind in ("leaf", "cut"):
        members = [ids[n.id] for n in graph.nodes if n.kind == kind]
        if members:
            lines.append(f"  class {','.join(members)} {kind}")
    if graph.output in ids:
        lines.append(f"  class {ids[graph.output]} output")
    return "\n".join(lines) + "\n"


# --- TikZ -------------------------------------------------------------------------------------

_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻ᵀ", "0123456789-T", strict=True))
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉ᵢⱼ", "0123456789ij", strict=True))
_GREEK = (
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "o", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi",
    "psi", "omega",
)  # fmt: skip
_GREEK_LOWER = dict(zip("αβγδεζηθικλμνξοπρστυφχψω", _GREEK, strict=True))
_GREEK_UPPER = {"Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi"}
_GREEK_UPPER |= {"Σ": "Sigma", "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega"}

TEX_ESCAPES: dict[str, str] = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\^{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\~{}",
    "|": r"\textbar{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "·": r"$\cdot$",
    "∂": r"$\partial$",
    "√": r"$\surd$",
    "∏": r"$\prod$",
    "∞": r"$\infty$",
    "≠": r"$\neq$",
    "≥": r"$\geq$",
    "≤": r"$\leq$",
    "−": "-",
    "…": r"\dots{}",
    **{k: rf"\textsuperscript{{{v}}}" for k, v in _SUPERSCRIPTS.items()},
    **{k: rf"\textsubscript{{{v}}}" for k, v in _SUBSCRIPTS.items()},
    **{k: rf"$\{v}$" for k, v in _GREEK_LOWER.items() if v != "o"},
    "ο": "o",
    **{k: rf"$\{v}$" for k, v in _GREEK_UPPER.items()},
}
"""User text -> LaTeX text mode, for pdflatex with only the tikz package."""


def tex_escape(value: str) -> str:
    """Escape LaTeX's specials and spell out maths characters, in one pass over the text."""
    out = []
    for ch in value:
        if ch in TEX_ESCAPES:
            out.append(TEX_ESCAPES[ch])
        elif ch.isascii():
            out.append(ch if ch.isprintable() else " ")
        else:
            out.append(f"[U+{ord(ch):04X}]")
    return "".join(out)


def _depths(graph: Graph) -> dict[str, int]:
    """Layer of each node: its longest distance from the output along the edges."""
    depth = {graph.output: 0}
    by_id = {node.id: node for node in graph.nodes}
    for _ in range(len(graph.nodes)):  # Bellman-Ford style: the graph is acyclic and small
        changed = False
        for node_id in list(depth):
            for target in by_id[node_id].inputs if node_id in by_id else ():
                if target in by_id and depth.get(target, -1) < depth[node_id] + 1:
                    depth[target] = depth[node_id] + 1
                    changed = True
        if not changed:
            break
    deepest = max(depth.values(), default=0)
    return {node.id: depth.get(node.id, deepest + 1) for node in graph.nodes}


TIKZ_STYLES = (
    r"op/.style={draw, rounded corners, align=center, text width=4.2cm, font=\small},",
    r"leaf/.style={draw, fill=blue!8, align=center, text width=3cm, font=\small},",
    r"cut/.style={draw=red!75!black, dashed, text=red!75!black, align=center,"
    r" text width=3.6cm, font=\small},",
    r"output/.style={very thick},",
    r"grad/.style={-{Stealth[length=2.5mm]}},",
    r"stop/.style={-{Stealth[length=2.5mm]}, dashed, red!75!black}",
)


def to_tikz(graph: Graph) -> str:
    """A tikzpicture (tikz with arrows.meta), laid out in layers by distance from the output."""
    ids = _mermaid_ids(graph)
    depths = _depths(graph)
    layers: dict[int, list[GraphNode]] = {}
    for node in graph.nodes:
        layers.setdefault(depths[node.id], []).append(node)
    lines = [
        r"% \usepackage{tikz} \usetikzlibrary{arrows.meta,positioning}",
        f"% autograd graph of {tex_escape(graph.source)}",
        r"\begin{tikzpicture}[",
        *(f"  {style}" for style in TIKZ_STYLES),
        "]",
    ]
    for depth, members in sorted(layers.items()):
        for k, node in enumerate(members):
            x = (k - (len(members) - 1) / 2) * 4.8
            style = node.kind + (", output" if node.id == graph.output else "")
            label = r" \\ ".join(tex_escape(line) for line in _lines(node))
            lines.append(
                rf"  \node[{style}] ({ids[node.id]}) at ({x:.2f}, {depth * 2.6:.2f}) {{{label}}};"
            )
    for consumer, target in _edges(graph):
        style = "stop" if target.kind == "cut" else "grad"
        lines.append(rf"  \draw[{style}] ({ids[consumer.id]}) -- ({ids[target.id]});")
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines) + "\n"


# --- images through Graphviz ------------------------------------------------------------------

ImageFormat = Literal["svg", "png"]


def to_image(graph: Graph, fmt: ImageFormat = "svg") -> bytes:
    """SVG or PNG bytes from Graphviz's `dot` (no shell; at most DOT_SECONDS)."""
    if fmt not in ("svg", "png"):
        raise Unsupported(f"no image format {fmt!r}: use svg or png")
    dot = shutil.which("dot")
    if dot is None:
        raise Unsupported("Graphviz's dot program is not installed: use --format dot")
    try:
        done = subprocess.run(  # noqa: S603  (a fixed argument list; the graph goes to stdin)
            [dot, f"-T{fmt}"],
            input=to_dot(graph).encode("utf-8"),
            capture_output=True,
            timeout=DOT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise LimitExceeded(f"Graphviz's dot took longer than {DOT_SECONDS} s") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise Unsupported(f"Graphviz's dot failed: {said[0] if said else done.returncode}")
    return done.stdout


TEXT_FORMATS: dict[str, Callable[[Graph], str]] = {
    "dot": to_dot,
    "mermaid": to_mermaid,
    "tikz": to_tikz,
}
"""The text pictures by format name."""


def picture(graph: Graph, fmt: str) -> str:
    """The graph as DOT, Mermaid or TikZ text."""
    if fmt not in TEXT_FORMATS:
        raise Unsupported(f"no graph picture format {fmt!r}: use {', '.join(TEXT_FORMATS)}")
    return TEXT_FORMATS[fmt](graph)
