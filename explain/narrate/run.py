"""The interpreter: walks an allow-listed tree statement by statement with real torch."""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass
from typing import Any

from explain.budget import time_budget
from explain.errors import BudgetExceeded, ExplainError, LimitExceeded, ParseError, Unsupported
from explain.events import (
    Detached,
    Event,
    GradCleared,
    GradMode,
    LoopElided,
    ModuleCreated,
    Narration,
    OpRecorded,
    Printed,
    Raised,
    TensorCreated,
    Warned,
)
from explain.limits import (
    MAX_CALL_DEPTH,
    MAX_SCRIPT_CHARS,
    MAX_SCRIPT_SECONDS,
    MAX_SCRIPT_STATEMENTS,
    MAX_STEPS,
    NARRATED_ITERATIONS,
)
from explain.narrate import allow, calls, exprs, faults, modules, shadow, space
from explain.narrate.state import State

USER_ERRORS = (
    RuntimeError, TypeError, ValueError, NameError, ArithmeticError, LookupError,
    AttributeError, AssertionError, NotImplementedError,
)  # fmt: skip
"""What a script's statement may raise (torch's own checks included): narrated, like Python."""
ALWAYS_SHOWN = (Printed, Raised, Warned)
"""Events shown even in the quiet iterations of a long loop."""


@dataclass(frozen=True, slots=True)
class Function:
    """A `def` of the script: its tree, run by the interpreter (never compiled)."""

    node: ast.FunctionDef


class _Stop(Exception):
    """The script raised and narration stops, like Python."""


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


def narrate(source: str, *, filename: str = "<script>", keep_going: bool = False) -> Narration:
    """Run a tutorial-style PyTorch script safely and narrate what autograd did."""
    if len(source) > MAX_SCRIPT_CHARS:
        raise LimitExceeded(f"the script has {len(source)} characters; at most {MAX_SCRIPT_CHARS}")
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as err:
        raise ParseError(f"line {err.lineno}: {err.msg}") from None
    allow.check_script(tree)
    statements = sum(isinstance(n, ast.stmt) for n in ast.walk(tree))
    if statements > MAX_SCRIPT_STATEMENTS:
        raise LimitExceeded(
            f"the script has {statements} statements; at most {MAX_SCRIPT_STATEMENTS}"
        )
    run = _Run(source, keep_going)
    if not _imports_torch(tree):  # a tutorial fragment: `import torch` is taken as read
        run.globals["torch"] = space.Namespace("torch")
    try:
        with time_budget(MAX_SCRIPT_SECONDS):
            run.block(tree.body)
    except BudgetExceeded:
        raise LimitExceeded(f"the script ran longer than {MAX_SCRIPT_SECONDS:g} seconds") from None
    except _Stop:
        pass
    return Narration(source, tuple(run.events), "".join(run.stdout))


def _imports_torch(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.Import) and any(a.name.startswith("torch") for a in node.names)
        for node in ast.walk(tree)
    )


class _Run:
    def __init__(self, source: str, keep_going: bool) -> None:
        self.source = source
        self.lines = source.splitlines()
        self.keep_going = keep_going
        self.globals: dict[str, Any] = {}
        self.scopes: list[dict[str, Any]] = [self.globals]
        self.events: list[Event] = []
        self.stdout: list[str] = []
        self.state = State()
        self.line = 0
        self.text = ""
        self.quiet = 0
        self.steps = 0

    @property
    def env(self) -> dict[str, Any]:
        return self.scopes[-1]

    def emit(self, event: Event) -> None:
        if not self.quiet or isinstance(event, ALWAYS_SHOWN):
            self.events.append(event)

    # --- statements ---------------------------------------------------------------------------

    def block(self, body: list[ast.stmt]) -> None:
        for node in body:
            self.statement(node)

    def statement(self, node: ast.stmt) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise LimitExceeded(f"line {node.lineno}: the script ran more than {MAX_STEPS} "
                                "statements")  # fmt: skip
        self.line = node.lineno
        self.text = self.lines[node.lineno - 1].strip()
        if not isinstance(node, ast.With | ast.For | ast.If | ast.FunctionDef):
            self.text = ast.get_source_segment(self.source, node) or self.text
        self.state.fresh.clear()
        self.state.ops.clear()
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                self._dispatch(node)
            self._warned(caught)
        except ExplainError as err:
            if not err.why.startswith("line "):
                err.why = f"line {self.line}: {err.why}"
            raise
        except USER_ERRORS as err:
            message = str(err).strip("'") if isinstance(err, KeyError) else str(err)
            why, fix = faults.explain(message)
            self.emit(Raised(self.line, self.text, type(err).__name__, message, why, fix))
            if not self.keep_going:
                raise _Stop from None

    def _warned(self, caught: list[warnings.WarningMessage]) -> None:
        for w in caught:
            if issubclass(w.category, UserWarning):
                message = faults.strip_build_path(str(w.message))
                why = faults.explain(message)[0]
                self.emit(Warned(self.line, self.text, w.category.__name__, message, why))

    def _dispatch(self, node: ast.stmt) -> None:
        match node:
            case ast.Import() | ast.ImportFrom():
                self._import(node)
            case ast.Assign(targets=[ast.Name(id=name)], value=value):
                self.assign(name, self.expr(value, hint=name))
            case ast.Assign(targets=[ast.Tuple(elts=names)], value=value):
                self._unpack([n.id for n in names if isinstance(n, ast.Name)], self.expr(value))
            case ast.Assign(targets=[ast.Attribute(value=owner)]):
                self._clear_grad(self.expr(owner))
            case ast.AugAssign(target=ast.Name(id=name), op=op, value=value):
                self._augment(name, op, self.expr(value))
            case ast.Expr(value=value):
                self.expr(value)
            case _:
                self._compound(node)

    def _compound(self, node: ast.stmt) -> None:
        match node:
            case ast.With():
                self._with(node)
            case ast.For():
                self._for(node)
            case ast.If(test=test, body=body, orelse=orelse):
                self.block(body if self.expr(test) else orelse)
            case ast.FunctionDef(name=name):
                self.env[name] = Function(node)
            case ast.Return(value=value):
                raise _Return(None if value is None else self.expr(value))
            case ast.Break():
                raise _Break
            case ast.Continue():
                raise _Continue
            case ast.Pass():
                pass
            case _:
                raise Unsupported(f"line {node.lineno}: this statement is not supported")

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                bound = allow.FROM_IMPORTS[(node.module or "", alias.name)]
                self.env[bound] = space.Namespace(bound)
            return
        for alias in node.names:
            if alias.asname is None:  # import torch.nn binds torch
                self.env[alias.name.split(".")[0]] = space.Namespace(alias.name.split(".")[0])
            else:
                self.env[alias.asname] = space.Namespace(allow.MODULES[alias.name])

    def assign(self, name: str, value: Any) -> None:
        self.env[name] = value
        if isinstance(value, modules.Module | modules.Optimizer):
            self._created_object(name, value)
            return
        entry = self.state.known.get(id(value))
        if entry is None or id(value) not in self.state.fresh or entry.tensor is not value:
            return
        self.state.names[id(value)] = (value, name)
        where = (self.line, self.text)
        if entry.origin == "created":
            self.emit(
                TensorCreated(
                    *where, name, tuple(value.shape), str(value.dtype), value.requires_grad,
                    value.is_leaf, value.detach().double().numpy().copy(),
                )
            )  # fmt: skip
        elif entry.origin in ("detached", "data"):
            if entry.origin == "data":
                self.emit(Detached(*where, name, entry.of, ".data"))
            else:
                self.emit(Detached(*where, name, entry.of, "detach()"))
        else:
            self.emit(self._op_event(name, value))

    def _created_object(self, name: str, value: modules.Module | modules.Optimizer) -> None:
        if isinstance(value, modules.Optimizer):
            names = tuple(self.state.leaf_name(p) or "parameter" for p in value.params)
            shapes = tuple(tuple(p.shape) for p in value.params)
        else:
            named = modules.register(self.state, value, name)
            names = tuple(self.state.leaf_name(p) or n for n, p in named)
            shapes = tuple(tuple(p.shape) for _, p in named)
        self.emit(ModuleCreated(self.line, self.text, name, value.kind, names, shapes))

    def _unpack(self, names: list[str], value: Any) -> None:
        if not isinstance(value, list | tuple) or len(value) != len(names):
            raise ValueError(f"cannot unpack into {len(names)} names")
        for name, item in zip(names, value, strict=True):
            self.state.fresh.append(id(item))
            self.assign(name, item)

    def _op_event(self, name: str, value: Any) -> OpRecorded:
        import torch

        fn = None if value.grad_fn is None else type(value.grad_fn).__name__
        leaves = self.state.sources(value)
        if value.requires_grad:
            why = f"{self._cause(leaves)} grad, so {name} does"
        elif self.state.known[id(value)].origin == "returned":
            why = "torch.autograd.grad returns a constant unless create_graph=True"
        elif torch.is_inference_mode_enabled():
            why = "made under inference_mode"
        elif not torch.is_grad_enabled():
            why = "made while grad mode is off"
        else:
            why = "no input requires grad"
        return OpRecorded(
            self.line, self.text, name, fn, value.requires_grad, why, tuple(value.shape),
            tuple(self.state.ops),
        )  # fmt: skip

    def _cause(self, leaves: list[str]) -> str:
        """'x requires', 'w and b require', "model's parameters require"."""
        parts: list[str] = []
        for leaf in leaves:
            owner = self.state.owners.get(leaf)
            part = f"{owner}'s parameters" if owner else leaf
            if part not in parts:
                parts.append(part)
        if not parts:
            return "an input requires"
        said = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return said + (" requires" if len(leaves) == 1 else " require")

    def _clear_grad(self, owner: Any) -> None:
        import torch

        if not isinstance(owner, torch.Tensor):
            raise Unsupported(f"line {self.line}: only a tensor's .grad can be set to None")
        owner.grad = None
        name = self.state.leaf_name(owner) or self.text.split(".grad")[0].strip()
        self.emit(GradCleared(self.line, self.text, name, "set to None"))

    def _augment(self, name: str, op: ast.operator, value: Any) -> None:
        import torch

        current = exprs.lookup(self, name)
        if not isinstance(current, torch.Tensor):
            self.assign(name, exprs.arith(self, exprs.OPERATORS[type(op)], current, value))
            return
        before = self.state.shadow_of(current)
        old, shares = current.detach().double().numpy().copy(), exprs.shares_with(self, current)
        exprs.IN_PLACE[type(op)](current, value)
        leaf = self.state.leaf_name(current)
        if leaf is None:
            shade = shadow.binary(exprs.OPERATORS[type(op)], before, self.state.shadow_of(value))
            calls.record(self.state, current, shade)  # a non-leaf's new op and formula
        self.emit(exprs.updated(self, current, leaf or name, old, shares))

    def _with(self, node: ast.With) -> None:
        import torch

        modes = [self.expr(item.context_expr) for item in node.items]
        if not all(isinstance(m, exprs.GradModeCall) for m in modes):
            raise Unsupported(f"line {self.line}: only grad modes (torch.no_grad() …) here")
        header, entered = self.text, []
        try:
            for mode in modes:
                manager = mode.manager()
                manager.__enter__()
                entered.append(manager)
                self.emit(GradMode(self.line, header, True, mode.text, torch.is_grad_enabled()))
            self.block(node.body)
        finally:
            for manager in reversed(entered):
                manager.__exit__(None, None, None)
        for mode in reversed(modes):
            self.emit(GradMode(node.lineno, header, False, mode.text, torch.is_grad_enabled()))

    def _for(self, node: ast.For) -> None:
        items = exprs.iterable(self, self.expr(node.iter))
        assert isinstance(node.target, ast.Name)  # noqa: S101  (allow.py refuses the rest)
        header = self.text
        for k, item in enumerate(items):
            quiet = NARRATED_ITERATIONS <= k < len(items) - 1
            if k == NARRATED_ITERATIONS and quiet:
                first, last = k + 1, len(items) - 1
                self.emit(LoopElided(node.lineno, header, first, last, len(items)))
            self.quiet += quiet
            try:
                self.env[node.target.id] = item
                self.block(node.body)
            except _Break:
                break
            except _Continue:
                continue
            finally:
                self.quiet -= quiet

    def call_function(self, function: Function, args: tuple[Any, ...]) -> Any:
        node = function.node
        params = [a.arg for a in node.args.args]
        if len(args) != len(params):
            raise TypeError(f"{node.name}() takes {len(params)} arguments but {len(args)} given")
        if len(self.scopes) > MAX_CALL_DEPTH:
            raise LimitExceeded(f"line {self.line}: calls nest deeper than {MAX_CALL_DEPTH}")
        self.scopes.append(dict(zip(params, args, strict=True)))
        saved = (self.line, self.text)
        try:
            self.block(node.body)
        except _Return as result:
            return result.value
        finally:
            self.scopes.pop()
            self.line, self.text = saved
        return None

    # --- expressions --------------------------------------------------------------------------

    def expr(self, node: ast.expr, hint: str | None = None) -> Any:
        return exprs.evaluate(self, node, hint)
