"""CHAIN: the grad_fn graph torch built, walked from the output and named in the user's terms.

Every grad_fn reached from the output through next_functions is one node (deduplicated by
object identity: `x**2 + 2*x` has ONE AccumulateGrad for x, with two incoming edges). Each is
attributed to the Expr node whose operation created it; torch may create several for one
operation (1/x is ReciprocalBackward0 then MulBackward0), and all of them are shown, with the
rule, local derivative and shape of that operation's result. Where the
gradient stops (a detach(), a variable that does not require grad) a "cut" node is shown, with
an edge from the operation that consumed it (after its real next_functions edges).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from explain.autograd.forward import Record
from explain.autograd.local import describe, tracked
from explain.expr import Call, Cases, Expr, Index, Span, Var, children
from explain.reports import Graph, GraphNode
from explain.written import latex
from explain.written import pretty as text

_AT = Span(0, 0)


@dataclass(slots=True)
class _Names:
    """Node ids: grad_fn object -> id, cut Expr node -> id (ids in written order)."""

    of_fn: dict[int, str] = field(default_factory=dict)
    of_cut: dict[int, str] = field(default_factory=dict)
    keep: list[Any] = field(default_factory=list)  # holds the objects whose id() we use
    count: int = 0

    def fresh(self) -> str:
        self.count += 1
        return f"n{self.count - 1}"

    def name_fn(self, fn: Any, name: str | None = None) -> str:
        self.keep.append(fn)
        self.of_fn[id(fn)] = name or self.fresh()
        return self.of_fn[id(fn)]


def reachable(top: Any) -> dict[int, Any]:
    """Every grad_fn reachable from `top` through next_functions (None edges skipped)."""
    found: dict[int, Any] = {}
    stack = [top] if top is not None else []
    while stack:
        fn = stack.pop()
        if id(fn) in found:
            continue
        found[id(fn)] = fn
        stack.extend(nxt for nxt, _ in fn.next_functions if nxt is not None)
    return found


def _is_leaf_fn(fn: Any) -> bool:
    return hasattr(fn, "variable")


def _owned(top: Any, tops: Mapping[int, Any]) -> list[Any]:
    """The grad_fns one operation created: from its result's grad_fn down to other operations'
    results or leaves, deepest first (the order torch created them)."""
    order: list[Any] = []
    seen: set[int] = set()

    def visit(fn: Any) -> None:
        seen.add(id(fn))
        for nxt, _ in fn.next_functions:
            if nxt is None or id(nxt) in seen or id(nxt) in tops or _is_leaf_fn(nxt):
                continue
            visit(nxt)
        order.append(fn)

    visit(top)
    return order


def stops(node: Expr, constants: Collection[str]) -> Iterator[Expr]:
    """Where the gradient stops inside a constant sub-expression: detach() calls and variables
    that do not require grad, in written order (not looking inside a detach)."""
    if isinstance(node, Call) and node.func == "detach":
        yield node
        return
    if isinstance(node, Var) and node.name in constants:
        yield node
        return
    for child in children(node):
        yield from stops(child, constants)


@dataclass(frozen=True, slots=True)
class Walk:
    """Everything the graph is read from: the records, the variables and the output."""

    records: tuple[Record, ...]
    leaves: Mapping[str, Any]  # variable name -> leaf tensor (requires_grad)
    constants: Mapping[str, Any]  # variable name -> tensor that does not require grad
    output: Any
    expr: Expr
    source: str


OUTPUT = -1
"""The key of the cuts feeding a constant output."""


def build(walk: Walk) -> Graph:
    """The Graph model: operations and cuts in written order, then constants, then leaves."""
    in_graph = reachable(getattr(walk.output, "grad_fn", None))
    cuts = _cut_attachments(walk, in_graph)
    names = _Names()
    owned = _name_nodes(walk, in_graph, cuts, names)
    nodes: list[GraphNode] = []
    for index, record in enumerate(walk.records):
        if index in owned:
            nodes.extend(_op_nodes(walk, record, owned[index], cuts.get(index, ()), names))
        elif id(record.node) in names.of_cut:
            nodes.append(_detach_node(names.of_cut[id(record.node)], record))
    constant_names = dict.fromkeys(
        s.name for stops_ in cuts.values() for s in stops_ if isinstance(s, Var)
    )
    nodes.extend(_constant_node(name, walk.constants[name]) for name in constant_names)
    nodes.extend(_leaves(walk, in_graph))
    output = _output_id(walk, names)
    if output is None:
        output = names.fresh()
        inputs = tuple(_cut_id(c, names) for c in cuts.get(OUTPUT, ()))
        nodes.append(_constant_output(walk, output, inputs))
    return Graph(nodes=tuple(nodes), output=output, source=walk.source or text(walk.expr))


def _cut_attachments(walk: Walk, in_graph: Mapping[int, Any]) -> dict[int, tuple[Expr, ...]]:
    """record index -> the cuts feeding that operation (only operations in the graph)."""
    attached: dict[int, tuple[Expr, ...]] = {}
    for index, record in enumerate(walk.records):
        fn = getattr(record.result, "grad_fn", None)
        if fn is None or id(fn) not in in_graph:
            continue
        found = tuple(
            stop
            for child, value in zip(_operands(record.node), record.args, strict=False)
            if not tracked(value)
            for stop in stops(child, walk.constants)
        )
        if found:
            attached[index] = found
    if not tracked(walk.output):
        attached[OUTPUT] = tuple(stops(walk.expr, walk.constants))
    return attached


def _operands(node: Expr) -> tuple[Expr, ...]:
    """The sub-expressions whose values an operation consumed, in the order of its args."""
    match node:
        case Call(args=args):
            return args
        case Index(base=base):
            return (base,)
        case Cases(pieces=pieces):
            return tuple(p.value for p in pieces)
    return children(node)


def _name_nodes(
    walk: Walk,
    in_graph: Mapping[int, Any],
    cuts: Mapping[int, tuple[Expr, ...]],
    names: _Names,
) -> dict[int, list[Any]]:
    """Give ids in written order; returns record index -> the grad_fns that operation owns."""
    tops: dict[int, Any] = {}
    for record in walk.records:
        fn = getattr(record.result, "grad_fn", None)
        if fn is not None:
            tops.setdefault(id(fn), fn)
    cut_nodes = {id(stop) for stops_ in cuts.values() for stop in stops_}
    owned: dict[int, list[Any]] = {}
    for index, record in enumerate(walk.records):
        if id(record.node) in cut_nodes:
            names.of_cut[id(record.node)] = names.fresh()
            continue
        fn = getattr(record.result, "grad_fn", None)
        if fn is None or id(fn) not in in_graph or id(fn) in names.of_fn:
            continue
        owned[index] = _owned(fn, tops)
        for each in owned[index]:
            names.name_fn(each)
    return owned


def _op_nodes(
    walk: Walk, record: Record, owned: list[Any], cuts: tuple[Expr, ...], names: _Names
) -> list[GraphNode]:
    rule, local = describe(record)
    top = getattr(record.result, "grad_fn", None)
    extra = tuple(_cut_id(c, names) for c in cuts)
    return [
        GraphNode(
            id=names.of_fn[id(fn)],
            name=type(fn).__name__,
            rule=rule,
            local=local,
            inputs=_inputs(fn, walk, names) + (extra if fn is top else ()),
            shape=tuple(record.result.shape),
            requires_grad=bool(record.result.requires_grad),
            is_leaf=bool(record.result.is_leaf),
            expression=text(record.node),
        )
        for fn in owned
    ]


def _inputs(fn: Any, walk: Walk, names: _Names) -> tuple[str, ...]:
    """Ids of next_functions targets, in order (None edges, from constants, left out)."""
    out = []
    for nxt, _ in fn.next_functions:
        if nxt is None:
            continue
        out.append(_leaf_name(nxt, walk) if _is_leaf_fn(nxt) else names.of_fn.get(id(nxt), "?"))
    return tuple(out)


def _leaf_name(fn: Any, walk: Walk) -> str:
    for name, tensor in walk.leaves.items():
        if fn.variable is tensor:
            return name
    return "?"


def _cut_id(stop: Expr, names: _Names) -> str:
    return stop.name if isinstance(stop, Var) else names.of_cut[id(stop)]


def _detach_node(node_id: str, record: Record) -> GraphNode:
    inner = record.node.args[0] if isinstance(record.node, Call) else record.node
    return GraphNode(
        id=node_id,
        name="detach",
        rule="detach",
        local=(
            f"no gradient flows to {text(inner)}: detach() stops it",
            rf"\text{{no gradient flows to }} {latex(inner)}",
        ),
        inputs=(),
        shape=tuple(getattr(record.result, "shape", ())),
        requires_grad=False,
        is_leaf=True,
        expression=text(record.node),
        kind="cut",
    )


def _constant_node(name: str, tensor: Any) -> GraphNode:
    var = Var(name, _AT)
    return GraphNode(
        id=name,
        name="constant",
        rule="constant",
        local=(
            f"no gradient for {text(var)}: it does not require grad",
            rf"\text{{no gradient for }} {latex(var)}",
        ),
        inputs=(),
        shape=tuple(tensor.shape),
        requires_grad=False,
        is_leaf=True,
        expression=text(var),
        kind="cut",
    )


def _leaves(walk: Walk, in_graph: Mapping[int, Any]) -> list[GraphNode]:
    found = {_leaf_name(fn, walk) for fn in in_graph.values() if _is_leaf_fn(fn)}
    found |= {name for name, tensor in walk.leaves.items() if tensor is walk.output}
    return [_leaf_node(name, walk.leaves[name]) for name in walk.leaves if name in found]


def _leaf_node(name: str, tensor: Any) -> GraphNode:
    var = Var(name, _AT)
    return GraphNode(
        id=name,
        name="AccumulateGrad",
        rule="variable",
        local=(
            f"{text(var)}.grad += the incoming gradient",
            rf"{latex(var)}.\mathrm{{grad}} \mathrel{{+}}= g",
        ),
        inputs=(),
        shape=tuple(tensor.shape),
        requires_grad=True,
        is_leaf=True,
        expression=text(var),
        kind="leaf",
    )


def _output_id(walk: Walk, names: _Names) -> str | None:
    fn = getattr(walk.output, "grad_fn", None)
    if fn is not None:
        return names.of_fn.get(id(fn))
    for name, tensor in walk.leaves.items():
        if tensor is walk.output:
            return name
    stop = walk.expr
    if isinstance(stop, Var) and stop.name in walk.constants:
        return stop.name
    return names.of_cut.get(id(stop))


def _constant_output(walk: Walk, node_id: str, inputs: tuple[str, ...]) -> GraphNode:
    return GraphNode(
        id=node_id,
        name="constant",
        rule="constant",
        local=("no input that requires grad reaches the output", r"\text{constant output}"),
        inputs=inputs,
        shape=tuple(getattr(walk.output, "shape", ())),
        requires_grad=False,
        is_leaf=True,
        expression=text(walk.expr),
        kind="cut",
    )
