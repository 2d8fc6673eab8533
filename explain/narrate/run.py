"""The interpreter: walks an allow-listed tree statement by statement with real torch."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from explain.budget import time_budget
from explain.errors import BudgetExceeded, LimitExceeded, ParseError, Unsupported
from explain.events import (
    Detached,
    Event,
    GradCleared,
    GradMode,
    Narration,
    OpRecorded,
    Printed,
    Raised,
    TensorCreated,
)
from explain.narrate import allow, calls, faults, shadow
from explain.narrate.state import State

MAX_STATEMENTS = 10_000
"""Most statements one narration executes."""

MAX_SECONDS = 20.0
"""Wall-clock limit for one narration, torch's first import included."""

MAX_INT_BITS = 10_000
"""Largest Python integer (in bits) arithmetic in a script may produce."""

OPERATORS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow,
}  # fmt: skip
IN_PLACE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.iadd, ast.Sub: operator.isub, ast.Mult: operator.imul,
    ast.Div: operator.itruediv, ast.Pow: operator.ipow,
}  # fmt: skip
USER_ERRORS = (RuntimeError, TypeError, ValueError, NameError, ZeroDivisionError, IndexError)


@dataclass(frozen=True, slots=True)
class Namespace:
    """An allow-listed stand-in for an imported module (`torch`, `np`)."""

    name: str


class _Stop(Exception):
    """The script raised and narration stops, like Python."""


def narrate(source: str, *, filename: str = "<script>", keep_going: bool = False) -> Narration:
    """Run a tutorial-style PyTorch script safely and narrate what autograd did."""
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as err:
        raise ParseError(f"line {err.lineno}: {err.msg}") from None
    allow.check_script(tree)
    statements = sum(isinstance(n, ast.stmt) for n in ast.walk(tree))
    if statements > MAX_STATEMENTS:
        raise LimitExceeded(f"the script has {statements} statements; at most {MAX_STATEMENTS}")
    run = _Run(source, keep_going)
    if not _imports_torch(tree):  # a tutorial fragment: `import torch` is taken as read
        run.env["torch"] = Namespace("torch")
    try:
        with time_budget(MAX_SECONDS):
            run.block(tree.body)
    except BudgetExceeded:
        raise LimitExceeded(f"the script ran longer than {MAX_SECONDS:g} seconds") from None
    except _Stop:
        pass
    return Narration(source, tuple(run.events), "".join(run.stdout))


def _imports_torch(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.Import) and any(alias.name == "torch" for alias in node.names)
        for node in ast.walk(tree)
    )


class _Run:
    def __init__(self, source: str, keep_going: bool) -> None:
        self.source = source
        self.keep_going = keep_going
        self.env: dict[str, Any] = {}
        self.events: list[Event] = []
        self.stdout: list[str] = []
        self.state = State()
        self.line = 0
        self.text = ""

    # --- statements ---------------------------------------------------------------------------

    def block(self, body: list[ast.stmt]) -> None:
        for node in body:
            self.statement(node)

    def statement(self, node: ast.stmt) -> None:
        self.line = node.lineno
        self.text = self.source.splitlines()[node.lineno - 1].strip()
        if not isinstance(node, ast.With):
            self.text = ast.get_source_segment(self.source, node) or self.text
        self.state.fresh.clear()
        self.state.ops.clear()
        try:
            self._dispatch(node)
        except USER_ERRORS as err:
            message = str(err).strip("'") if isinstance(err, KeyError) else str(err)
            why, fix = faults.explain(message)
            self.events.append(Raised(self.line, self.text, type(err).__name__, message, why, fix))
            if not self.keep_going:
                raise _Stop from None

    def _dispatch(self, node: ast.stmt) -> None:
        match node:
            case ast.Import():
                for alias in node.names:
                    self.env[alias.asname or alias.name] = Namespace(alias.name)
            case ast.Assign(targets=[ast.Name(id=name)], value=value):
                self._assign(name, self.expr(value, hint=name))
            case ast.Assign(targets=[ast.Attribute(value=owner)]):
                self._clear_grad(self.expr(owner))
            case ast.AugAssign(target=ast.Name(id=name), op=op, value=value):
                self._augment(name, op, self.expr(value))
            case ast.Expr(value=value):
                self.expr(value)
            case ast.With():
                self._with(node)
            case _:
                raise Unsupported(f"line {node.lineno}: this statement is not supported")

    def _assign(self, name: str, value: Any) -> None:
        self.env[name] = value
        entry = self.state.known.get(id(value))
        if entry is None or id(value) not in self.state.fresh or entry.tensor is not value:
            return
        where = (self.line, self.text)
        if entry.origin == "created":
            self.events.append(
                TensorCreated(
                    *where, name, tuple(value.shape), str(value.dtype), value.requires_grad,
                    value.is_leaf, value.detach().double().numpy().copy(),
                )
            )  # fmt: skip
        elif entry.origin == "detached":
            self.events.append(Detached(*where, name, entry.of))
        else:
            self.events.append(self._op_event(name, value))

    def _op_event(self, name: str, value: Any) -> OpRecorded:
        import torch

        fn = None if value.grad_fn is None else type(value.grad_fn).__name__
        leaves = self.state.sources(self.state.shadow_of(value))
        if value.requires_grad:
            cause = " and ".join(leaves) if leaves else "an input"
            why = f"{cause} require{'s' if len(leaves) < 2 else ''} grad, so {name} does"
        elif not torch.is_grad_enabled():
            why = "made under no_grad"
        else:
            why = "no input requires grad"
        return OpRecorded(
            self.line, self.text, name, fn, value.requires_grad, why, tuple(value.shape),
            tuple(self.state.ops),
        )  # fmt: skip

    def _clear_grad(self, owner: Any) -> None:
        import torch

        if not isinstance(owner, torch.Tensor):
            raise Unsupported(f"line {self.line}: only a tensor's .grad can be set to None")
        owner.grad = None
        name = self.state.leaf_name(owner) or self.text.split(".grad")[0].strip()
        self.events.append(GradCleared(self.line, self.text, name, "set to None"))

    def _augment(self, name: str, op: ast.operator, value: Any) -> None:
        import torch

        if name not in self.env:
            raise NameError(f"name '{name}' is not defined")
        current = self.env[name]
        if not isinstance(current, torch.Tensor):
            self._assign(name, self._arith(OPERATORS[type(op)], current, value))
            return
        before = self.state.shadow_of(current)
        IN_PLACE[type(op)](current, value)
        if self.state.leaf_name(current) is None:
            shade = shadow.binary(OPERATORS[type(op)], before, self.state.shadow_of(value))
            calls.record(self.state, current, shade)
            self.events.append(self._op_event(name, current))

    def _with(self, node: ast.With) -> None:
        import torch

        modes = [self.expr(item.context_expr) for item in node.items]
        if not all(isinstance(m, str) and m in allow.GRAD_MODES for m in modes):
            raise Unsupported(f"line {self.line}: only torch.no_grad()/enable_grad() here")
        for mode in modes:
            self.events.append(GradMode(self.line, self.text, True, mode))
        header, enabled = self.text, modes[-1] == "enable_grad"
        with torch.set_grad_enabled(enabled):
            self.block(node.body)
        for mode in reversed(modes):
            self.events.append(GradMode(node.lineno, header, False, mode))

    # --- expressions --------------------------------------------------------------------------

    def expr(self, node: ast.expr, hint: str | None = None) -> Any:
        match node:
            case ast.Constant(value=value):
                return value
            case ast.Name(id=name):
                return self._name(name)
            case ast.List(elts=items):
                return [self.expr(i) for i in items]
            case ast.Tuple(elts=items):
                return tuple(self.expr(i) for i in items)
            case ast.UnaryOp(op=op, operand=operand):
                value = self.expr(operand)
                return self._negate(value) if isinstance(op, ast.USub) else value
            case ast.BinOp(left=left, op=op, right=right):
                return self._arith(OPERATORS[type(op)], self.expr(left), self.expr(right))
            case ast.Attribute():
                return self._attribute_node(node)
            case ast.Call():
                return self._call(node, hint)
        raise Unsupported(f"line {self.line}: {type(node).__name__} is not supported")

    def _arith(self, op: Callable[[Any, Any], Any], left: Any, right: Any) -> Any:
        import torch

        tensors = [v for v in (left, right) if isinstance(v, torch.Tensor)]
        for v in (left, right):
            if not isinstance(v, torch.Tensor | int | float):
                raise Unsupported(
                    f"line {self.line}: arithmetic on {type(v).__name__} is not narrated"
                )
        if not tensors:
            return _number_arith(op, left, right)
        shapes = [tuple(t.shape) for t in tensors]
        calls.check_size(math.prod(np.broadcast_shapes(*shapes)))
        result = op(left, right)
        shade = shadow.binary(op, self.state.shadow_of(left), self.state.shadow_of(right))
        calls.record(self.state, result, shade)
        return result

    def _name(self, name: str) -> Any:
        if name not in self.env:
            raise NameError(f"name '{name}' is not defined")
        return self.env[name]

    def _negate(self, value: Any) -> Any:
        import torch

        if not isinstance(value, torch.Tensor):
            return self._arith(operator.mul, -1, value)
        result = -value
        calls.record(self.state, result, shadow.negate(self.state.shadow_of(value)))
        return result

    def _attribute_node(self, node: ast.Attribute) -> Any:
        value = self._attribute(self.expr(node.value), node.attr)
        if node.attr == "data":
            self.state.known[id(value)].of = ast.get_source_segment(self.source, node.value) or ""
        return value

    def _attribute(self, owner: Any, attr: str) -> Any:
        import torch

        if isinstance(owner, Namespace):
            return _namespace_member(owner, attr)
        if not isinstance(owner, torch.Tensor):
            raise Unsupported(f"line {self.line}: .{attr} is only narrated on tensors")
        if attr in allow.TENSOR_METHODS:
            return calls.Method(owner, attr)
        if attr not in allow.TENSOR_ATTRIBUTES:
            raise Unsupported(f"line {self.line}: .{attr} is not a tensor attribute here")
        value = getattr(owner, attr)
        if attr == "data":
            self.state.remember(
                value, shadow.stop_gradient(self.state.shadow_of(owner)), "detached"
            )
        return value

    def _call(self, node: ast.Call, hint: str | None) -> Any:
        if isinstance(node.func, ast.Name):
            return self._print(node)
        func = self.expr(node.func)
        args = tuple(self.expr(a) for a in node.args)
        kwargs = {k.arg: self.expr(k.value) for k in node.keywords if k.arg}
        if isinstance(func, calls.TorchFunction):
            return self._torch(func.name, args, kwargs, hint)
        if isinstance(func, calls.Method):
            return self._method(node, func, args, kwargs)
        raise TypeError(f"'{type(func).__name__}' object is not callable")

    def _print(self, node: ast.Call) -> None:
        kwargs = {k.arg: self.expr(k.value) for k in node.keywords if k.arg}
        if set(kwargs) - {"sep", "end"} or not all(isinstance(v, str) for v in kwargs.values()):
            raise Unsupported(f"line {self.line}: print() takes only sep= and end= strings here")
        args = [self.expr(a) for a in node.args]
        text = kwargs.get("sep", " ").join(str(a) for a in args) + kwargs.get("end", "\n")
        self.stdout.append(text)
        self.events.append(Printed(self.line, self.text, text))

    def _torch(
        self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], hint: str | None
    ) -> Any:
        if name in allow.GRAD_MODES:
            return name
        if name in ("tensor", "ones", "zeros"):
            tensor = calls.create(self.state, name, args, kwargs)
            named = hint is not None or tensor.requires_grad
            shade = (
                self.state.symbols_for(tensor, hint)
                if named
                else shadow.constant(tensor.detach().double().numpy())
            )
            self.state.remember(tensor, shade, "created")
            return tensor
        if len(args) != 1 or kwargs:
            raise Unsupported(f"line {self.line}: torch.{name}() takes one tensor here")
        return calls.function(self.state, name, args[0])

    def _method(
        self, node: ast.Call, method: calls.Method, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        from explain.narrate import methods

        return methods.call(self, node, method, args, kwargs)


def _namespace_member(space: Namespace, attr: str) -> Any:
    import torch

    if space.name != "torch":
        raise Unsupported(f"np.{attr} is not supported in a narrated script yet")
    if attr in allow.DTYPES:
        return {"float32": torch.float32, "float": torch.float32}.get(attr, torch.float64)
    if attr in allow.TORCH_FUNCTIONS or attr in allow.GRAD_MODES:
        return calls.TorchFunction(attr)
    raise Unsupported(f"torch.{attr} is not supported in a narrated script yet")


def _number_arith(op: Callable[[Any, Any], Any], left: Any, right: Any) -> Any:
    if _huge_power(op, left, right):
        raise LimitExceeded(f"{left}**{right} is too large a number for a narrated script")
    result = op(left, right)
    if isinstance(result, int) and result.bit_length() > MAX_INT_BITS:
        raise LimitExceeded("an integer in the script grew beyond the narrator's limit")
    return result


def _huge_power(op: Callable[[Any, Any], Any], left: Any, right: Any) -> bool:
    if op is not operator.pow or not isinstance(left, int) or not isinstance(right, int):
        return False
    return right > 0 and left not in (0, 1, -1) and abs(left).bit_length() * right > MAX_INT_BITS
