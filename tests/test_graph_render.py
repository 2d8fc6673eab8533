"""explain.render.graph: DOT, Mermaid and TikZ pictures of a Graph, and images through Graphviz."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from explain.errors import LimitExceeded, Unsupported
from explain.render import graph as pictures
from explain.render.graph import picture, tex_escape, to_dot, to_image, to_mermaid, to_tikz
from explain.reports import Graph, GraphNode

DOT_STRING = r'"(?:[^"\\]|\\.)*"'


def node(
    node_id: str,
    name: str,
    expression: str,
    inputs: tuple[str, ...] = (),
    kind: str = "op",
    local: str = "∂/∂x = 1",
) -> GraphNode:
    leaf = kind != "op"
    return GraphNode(
        id=node_id,
        name=name,
        rule="sum",
        local=(local, r"\frac{\partial}{\partial x} = 1"),
        inputs=inputs,
        shape=(2,),
        requires_grad=kind != "cut",
        is_leaf=leaf,
        expression=expression,
        kind=kind,  # type: ignore[arg-type]
    )


BLOG = Graph(
    nodes=(
        node("n0", "PowBackward0", "x²", ("x",), local="∂(x²)/∂x = 2x"),
        node("n1", "MulBackward0", "2x", ("x",), local="∂(2x)/∂x = 2"),
        node("n2", "AddBackward0", "x² + 2x", ("n0", "n1")),
        node("n3", "AddBackward0", "x² + 2x + 1", ("n2",)),
        node("n4", "SumBackward0", "sum(x² + 2x + 1)", ("n3",), local="∂ sum(u)/∂uᵢ = 1"),
        node("x", "AccumulateGrad", "x", kind="leaf", local="x.grad += the incoming gradient"),
    ),
    output="n4",
    source="torch.sum(x**2 + 2*x + 1)",
)

CUT = Graph(
    nodes=(
        node("n0", "detach", "detach(x)", kind="cut", local="no gradient flows to x"),
        node("n1", "MulBackward0", "x·detach(x)", ("x", "n0")),
        node("end", "AccumulateGrad", "end", kind="leaf"),  # a Mermaid keyword as a name
        node("x", "AccumulateGrad", "x", kind="leaf"),
    ),
    output="n1",
    source="x.detach()*x",
)

NASTY = 'a "quoted" \\ back {b} $c$ & #d ^e _f %g ~h <i> |j|'
SPECIALS = Graph(
    nodes=(
        node("n0", "MulBackward0", NASTY, ("x",), local=NASTY),
        node("x", "AccumulateGrad", "x", kind="leaf"),
    ),
    output="n0",
    source=NASTY,
)

EDGES = [(n.id, i) for n in BLOG.nodes for i in n.inputs]


# --- DOT ------------------------------------------------------------------------------------------


def dot_statements(dot: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Parse our own DOT back: node id -> label, and (tail, head, attributes) edges."""
    assert dot.startswith("digraph autograd {\n") and dot.rstrip().endswith("}")
    nodes, edges = {}, []
    for raw in dot.splitlines()[1:-1]:
        line = raw.strip()
        assert line.endswith(";"), line
        if m := re.fullmatch(rf"({DOT_STRING}) -> ({DOT_STRING})(.*);", line):
            edges.append((m[1][1:-1], m[2][1:-1], m[3]))
        elif m := re.fullmatch(rf"({DOT_STRING}) \[label=({DOT_STRING}), (.*)\];", line):
            nodes[m[1][1:-1]] = m[2][1:-1]
        else:
            assert re.fullmatch(rf"(rankdir=BT|(node|edge) \[.*\]|label={DOT_STRING});", line), line
    return nodes, edges


def test_dot_has_every_node_and_edge() -> None:
    dot = to_dot(BLOG)
    assert "rankdir=BT" in dot
    nodes, edges = dot_statements(dot)
    assert set(nodes) == {n.id for n in BLOG.nodes}
    assert [(a, b) for a, b, _ in edges] == EDGES
    assert nodes["n0"] == "PowBackward0\\nx²\\n∂(x²)/∂x = 2x"
    assert nodes["x"].startswith("x\\nAccumulateGrad")


def test_dot_styles_leaves_cuts_and_the_output() -> None:
    dot = to_dot(CUT)
    assert re.search(r'"x" \[label=.*shape=box', dot)
    assert re.search(r'"n0" \[label="detach: gradient stops\\n.*style=dashed, color="#c00000"', dot)
    assert re.search(r'"n1" \[label=.*penwidth=2', dot)
    assert '"n1" -> "n0" [style=dashed' in dot


def test_dot_escapes_quotes_and_backslashes() -> None:
    nodes, _ = dot_statements(to_dot(SPECIALS))
    assert '\\"quoted\\"' in nodes["n0"]
    assert "\\\\ back" in nodes["n0"]


@pytest.mark.skipif(
    shutil.which("dot") is None and not os.environ.get("CI"),
    reason="Graphviz's dot is not installed",
)
def test_dot_is_accepted_by_graphviz() -> None:
    for graph in (BLOG, CUT, SPECIALS):
        svg = to_image(graph, "svg")
        assert b"<svg" in svg
        assert b"PowBackward0" in svg or graph is not BLOG
    assert to_image(BLOG, "png").startswith(b"\x89PNG")


# --- images without Graphviz ----------------------------------------------------------------------


def test_image_without_graphviz_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pictures.shutil, "which", lambda _: None)
    with pytest.raises(
        Unsupported, match="Graphviz's dot program is not installed: use --format dot"
    ):
        to_image(BLOG, "svg")


def fake_dot(tmp_path: Path, body: str) -> str:
    script = tmp_path / "dot"
    script.write_text(f"#!{sys.executable}\nimport sys\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def test_image_runs_dot_with_the_dot_text_on_stdin(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    body = "data = sys.stdin.buffer.read()\nsys.stdout.buffer.write(b'<svg>' + data + b'</svg>')"
    monkeypatch.setattr(pictures.shutil, "which", lambda _: fake_dot(tmp_path, body))
    out = to_image(BLOG, "svg")
    assert out == b"<svg>" + to_dot(BLOG).encode("utf-8") + b"</svg>"


def test_image_reports_a_failing_dot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    body = "sys.stderr.write('Error: syntax error in line 1\\n')\nsys.exit(1)"
    monkeypatch.setattr(pictures.shutil, "which", lambda _: fake_dot(tmp_path, body))
    with pytest.raises(Unsupported, match="syntax error in line 1"):
        to_image(BLOG, "png")


def test_image_times_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pictures, "DOT_SECONDS", 0.5)
    monkeypatch.setattr(
        pictures.shutil, "which", lambda _: fake_dot(tmp_path, "import time\ntime.sleep(5)")
    )
    with pytest.raises(LimitExceeded):
        to_image(BLOG, "svg")


def test_image_format_is_checked() -> None:
    with pytest.raises(Unsupported):
        to_image(BLOG, "gif")  # type: ignore[arg-type]


# --- Mermaid --------------------------------------------------------------------------------------


def test_mermaid_has_every_node_and_edge() -> None:
    text = to_mermaid(BLOG)
    lines = text.splitlines()
    assert lines[0] == "flowchart BT"
    ids = {n.id: f"g{k}" for k, n in enumerate(BLOG.nodes)}
    for n in BLOG.nodes:
        assert any(
            line.strip().startswith(ids[n.id] + "[") or line.strip().startswith(ids[n.id] + "([")
            for line in lines
        )
        assert n.name in text and n.expression in text
    for a, b in EDGES:
        assert f"  {ids[a]} --> {ids[b]}" in lines
    assert "```" not in text


def test_mermaid_ids_are_safe_and_cuts_dashed() -> None:
    text = to_mermaid(CUT)
    assert re.search(r"^\s*end\b", text, re.MULTILINE) is None  # `end` would close a subgraph
    assert "  g1 -.-> g0" in text and "  g1 --> g3" in text
    assert "class g0 cut" in text and "class g2,g3 leaf" in text and "class g1 output" in text


def test_mermaid_escapes_labels() -> None:
    text = to_mermaid(SPECIALS)
    label = re.search(r'g0\(\["(.*)"\]\)', text)
    assert label is not None
    inner = label[1]
    assert '"' not in inner
    assert "#quot;quoted#quot;" in inner
    assert "#35;d" in inner and "#lt;i#gt;" in inner


# --- TikZ -----------------------------------------------------------------------------------------


def test_tikz_has_every_node_and_edge_in_layers() -> None:
    tikz = to_tikz(BLOG)
    assert "\\begin{tikzpicture}" in tikz and tikz.rstrip().endswith("\\end{tikzpicture}")
    ids = {n.id: f"g{k}" for k, n in enumerate(BLOG.nodes)}
    places = {}
    for n in BLOG.nodes:
        m = re.search(rf"\\node\[[^\]]*\] \({ids[n.id]}\) at \(([-\d.]+), ([-\d.]+)\)", tikz)
        assert m is not None, n.id
        places[n.id] = (float(m[1]), float(m[2]))
    for a, b in EDGES:
        assert f"\\draw[grad] ({ids[a]}) -- ({ids[b]});" in tikz
    # layers: the output at the bottom, each input above its consumer
    assert places["n4"][1] == 0
    assert places["n0"][1] == places["n1"][1] > places["n2"][1] > places["n3"][1]
    assert places["x"][1] > places["n0"][1]
    assert places["n0"][0] != places["n1"][0]
    assert tikz.count("{") == tikz.count("}")


def test_tikz_escapes_latex_specials() -> None:
    escaped = tex_escape("\\ { } $ & # ^ _ % ~")
    assert escaped == r"\textbackslash{} \{ \} \$ \& \# \^{} \_ \% \~{}"
    tikz = to_tikz(SPECIALS)
    assert r"\{b\}" in tikz and r"\$c\$" in tikz and r"\#d" in tikz and r"\%g" in tikz
    assert "_f" not in tikz.replace(r"\_f", "")


def test_tikz_spells_maths_characters_for_pdflatex() -> None:
    assert tex_escape("∂(x²)/∂x = 2x") == r"$\partial$(x\textsuperscript{2})/$\partial$x = 2x"
    assert tex_escape("θ·xᵢ") == r"$\theta$$\cdot$x\textsubscript{i}"
    assert tex_escape("√x…") == r"$\surd$x\dots{}"
    body = to_tikz(BLOG).split("\n", 2)[2]  # the picture, after the two comment lines
    assert all(ord(ch) < 128 for ch in body), [ch for ch in body if ord(ch) >= 128]


def test_tikz_cut_edges_are_dashed() -> None:
    tikz = to_tikz(CUT)
    assert "\\draw[stop] (g1) -- (g0);" in tikz
    assert "\\node[cut]" in tikz


@pytest.mark.skipif(
    shutil.which("pdflatex") is None and not os.environ.get("CI"),
    reason="pdflatex is not installed",
)
def test_tikz_compiles(tmp_path: Path) -> None:
    for k, graph in enumerate((BLOG, CUT, SPECIALS)):
        document = (
            "\\documentclass{article}\n\\usepackage{tikz}\n"
            "\\usetikzlibrary{arrows.meta,positioning}\n\\begin{document}\n"
            f"{to_tikz(graph)}\\end{{document}}\n"
        )
        tex = tmp_path / f"graph{k}.tex"
        tex.write_text(document, encoding="utf-8")
        done = subprocess.run(
            [
                "pdflatex",
                "-no-shell-escape",
                "-interaction=nonstopmode",
                "-halt-on-error",
                tex.name,
            ],
            cwd=tmp_path,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stdout.decode("utf-8", "replace")[-2000:]


# --- from a real run ------------------------------------------------------------------------------


def test_pictures_of_a_real_autograd_graph() -> None:
    pytest.importorskip("torch")
    from explain.autograd import run
    from explain.parse import parse

    parsed = parse("torch.sum(x**2 + 2*x + 1)")
    graph = run(parsed.expr, {"x": np.array([[1.0, 2.0], [3.0, 4.0]])}, ["x"]).graph
    nodes, edges = dot_statements(to_dot(graph))
    assert len(nodes) == 6 and len(edges) == 6
    assert [e[1] for e in edges].count("x") == 2  # one x, two incoming edges
    assert to_mermaid(graph).count("-->") == 6
    assert to_tikz(graph).count("\\draw[grad]") == 6


def test_picture_dispatches_by_format() -> None:
    assert picture(BLOG, "dot") == to_dot(BLOG)
    assert picture(BLOG, "mermaid") == to_mermaid(BLOG)
    assert picture(BLOG, "tikz") == to_tikz(BLOG)
    with pytest.raises(Unsupported):
        picture(BLOG, "ascii")
