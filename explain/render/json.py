"""JSON renderer: models as stable, documented JSON (schema 1; keys listed in README)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from explain.events import Narration
from explain.expr import Parsed, variables
from explain.render import latex as tex
from explain.render import story, text
from explain.render.arrays import to_lists
from explain.render.notation import sym_latex, sym_plain, sym_text
from explain.render.outline import Line, outline
from explain.reports import CrossCheck, Graph, InputCheck
from explain.steps import Boundary, Derivation, Gradient, PiecewiseRule, PointValue, Stage, walk
from explain.written import explicit, latex, pretty

SCHEMA = 1


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def parsed_fields(parsed: Parsed) -> dict[str, Any]:
    return {
        "input": parsed.source,
        "read_as": explicit(parsed.expr),
        "input_text": pretty(parsed.expr),
        "input_latex": latex(parsed.expr),
        "latex_input": parsed.latex,
        "notes": [note.message for note in parsed.notes],
        "variables": list(variables(parsed.expr)),
    }


def step_tree(lines: tuple[Line, ...], partial: bool) -> list[dict[str, Any]]:
    """Rebuild the nesting from the numbered outline lines (numbers encode the tree)."""
    roots: list[dict[str, Any]] = []
    index: dict[str, dict[str, Any]] = {}
    for line in lines:
        node = {
            "number": line.number,
            "rule": line.rule,
            "title": line.title,
            "formula": line.formula[0],
            "formula_latex": line.formula[1],
            "expression": text.piece(line.equation[1]) if len(line.equation) > 1 else "",
            "equation": text.equation(line.equation),
            "equation_latex": tex.equation(line.equation),
            "result": text.piece(line.equation[-1]),
            "substeps": [],
        }
        parent = line.number.rpartition(".")[0]
        (index[parent]["substeps"] if parent in index else roots).append(node)
        index[line.number] = node
    return roots


def stage_fields(stage: Stage, k: int, order: int, partial: bool) -> dict[str, Any]:
    tree = step_tree(outline(stage.step, partial, str(k) if order > 1 else "1"), partial)
    root = tree[0]
    root["expression"] = pretty(stage.expr)
    root["result"] = sym_text(stage.result)
    root["result_plain"] = sym_plain(stage.result)
    return root


def value_fields(value: PointValue) -> dict[str, Any]:
    finite = value.approx is not None and math.isfinite(value.approx)
    return {
        "point": {name: sym_plain(v) for name, v in value.point},
        "exact": sym_plain(value.exact),
        "exact_text": sym_text(value.exact),
        "exact_latex": sym_latex(value.exact),
        "float": value.approx if finite else None,
        "note": value.note,
    }


def derivation_fields(d: Derivation) -> dict[str, Any]:
    partial = len(variables(d.parsed.expr)) > 1
    data: dict[str, Any] = {
        "wrt": d.var,
        "order": d.order,
        "derivative": sym_plain(d.result),
        "derivative_text": sym_text(d.result),
        "derivative_latex": sym_latex(d.result),
        "derivative_as_derived": sym_plain(d.raw),
        "simplification": d.tidy,
        "checked": d.checked,
        "steps": [stage_fields(s, k, d.order, partial) for k, s in enumerate(d.stages, start=1)],
        "derivation_notes": list(d.notes),
    }
    if d.value is not None:
        data["value"] = value_fields(d.value)
    found = [b for s in d.stages for step in walk(s.step) if isinstance(step, PiecewiseRule)
             for b in step.boundaries]  # fmt: skip
    if found:
        data["boundaries"] = [boundary_fields(b) for b in found]
    return data


def boundary_fields(b: Boundary) -> dict[str, Any]:
    """Where two pieces meet; null where undecided (or, for value, undefined there)."""

    def shown(value: Any) -> str | None:
        return None if value is None else sym_plain(value)

    return {
        "point": sym_plain(b.point), "value": shown(b.value),
        "left_limit": shown(b.left), "right_limit": shown(b.right),
        "continuous": b.continuous, "left_slope": shown(b.left_slope),
        "right_slope": shown(b.right_slope), "differentiable": b.differentiable,
    }  # fmt: skip


def render_derivation(d: Derivation) -> str:
    return dumps(
        {"schema": SCHEMA, "kind": "derivative", **parsed_fields(d.parsed), **derivation_fields(d)}
    )


def render_gradient(g: Gradient) -> str:
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "kind": "gradient",
        **parsed_fields(g.parsed),
        "wrt": list(g.variables),
        "gradient": [sym_plain(c.result) for c in g.components],
        "gradient_latex": [sym_latex(c.result) for c in g.components],
        "components": [derivation_fields(c) for c in g.components],
    }
    return dumps(data)


RENDERS: dict[str, Callable[[Any], str]] = {
    "Derivation": render_derivation,
    "Gradient": render_gradient,
}


# --- cross-check and graph ----------------------------------------------------------------------

MAX_JSON_ELEMENTS = 10_000
"""Arrays larger than this are given as a summary (shape, sampled elements), not in full."""


def array_field(array: Any, indices: Any = None) -> Any:
    """Nested lists (None for non-finite values); a large array as {shape, flat_indices, values}."""
    if indices is not None:
        return {"flat_indices": [int(k) for k in indices], "values": to_lists(array)}
    if array.size <= MAX_JSON_ELEMENTS:
        return to_lists(array)
    flat = array.ravel()
    head = list(range(min(flat.size, 10)))
    return {
        "shape": list(array.shape),
        "flat_indices": head,
        "values": [to_lists(flat[k]) for k in head],
    }


def graph_fields(g: Graph) -> dict[str, Any]:
    return {
        "output": g.output,
        "nodes": [
            {
                "id": n.id,
                "name": n.name,
                "kind": n.kind,
                "rule": n.rule,
                "local_derivative": n.local[0],
                "local_derivative_latex": n.local[1],
                "expression": n.expression,
                "inputs": list(n.inputs),
                "shape": list(n.shape),
                "requires_grad": n.requires_grad,
                "is_leaf": n.is_leaf,
            }
            for n in g.nodes
        ],
    }


def _fd_field(i: InputCheck) -> Any:
    if i.fd_indices.size == i.exact.size:
        return array_field(i.finite_difference.reshape(i.exact.shape))
    return array_field(i.finite_difference, i.fd_indices)


def render_crosscheck(c: CrossCheck) -> str:
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "kind": "crosscheck",
        **parsed_fields(c.parsed),
        "wrt": list(c.wrt),
        "dtype": c.dtype,
        "form": c.form,
        "formulas": [
            {
                "input": f.name,
                "index": f.index,
                "expression": sym_plain(f.expression),
                "latex": sym_latex(f.expression),
            }
            for f in c.formulas
        ],
        "output": c.output,
        "values": {i.name: array_field(i.value) for i in c.inputs},
        "exact_gradient": {i.name: array_field(i.exact) for i in c.inputs},
        "autograd_gradient": {i.name: array_field(i.autograd) for i in c.inputs},
        "finite_difference_gradient": {i.name: _fd_field(i) for i in c.inputs},
        "finite_difference_error": {i.name: float(i.fd_error.max(initial=0.0)) for i in c.inputs},
        "max_abs_error": max((i.max_abs_error for i in c.inputs), default=0.0),
        "max_rel_error": max((i.max_rel_error for i in c.inputs), default=0.0),
        "finite_difference_max_abs_error": max((i.fd_max_abs_error for i in c.inputs), default=0.0),
        "tolerance": c.tolerance,
        "verdict": c.verdict,
        "summary": c.summary,
        "notes": list(c.notes),
        "graph": graph_fields(c.graph),
        "derivations": [derivation_fields(d) for d in c.derivations],
    }
    return dumps(data)


def render_graph(g: Graph) -> str:
    return dumps({"schema": SCHEMA, "kind": "graph", "input": g.source, **graph_fields(g)})


RENDERS["CrossCheck"] = render_crosscheck
RENDERS["Graph"] = render_graph


# --- narration ----------------------------------------------------------------------------------


def _event_value(value: Any) -> Any:
    """A field of an event as JSON: arrays as nested lists, SymPy formulas in SymPy syntax."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple):
        return [_event_value(v) for v in value]
    if hasattr(value, "ndim"):
        return array_field(value)
    if hasattr(value, "free_symbols"):
        return sym_plain(value)
    if hasattr(value, "__dataclass_fields__"):
        return {k: _event_value(getattr(value, k)) for k in value.__dataclass_fields__}
    return str(value)


def event_fields(event: Any) -> dict[str, Any]:
    kind = re.sub(r"(?<!^)(?=[A-Z])", "_", type(event).__name__).lower()
    data = {"kind": kind, **_event_value(event)}
    data["narration"] = ["".join(text.story_piece(p) for p in s) for s in story.sentences(event)]
    return data


def render_narration(n: Narration) -> str:
    return dumps({"schema": SCHEMA, "kind": "narration", "stdout": n.stdout,
                  "events": [event_fields(e) for e in n.events]})  # fmt: skip


RENDERS["Narration"] = render_narration
