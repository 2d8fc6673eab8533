"""FORWARD: an Expr evaluated with torch, operation by operation, in the order it was written.

Numbers stay Python floats (so `2*x` saves a wrapped scalar, as in PyTorch code), constant
sub-expressions are folded the way Python would fold them, and every operation is recorded
with its Expr node, its operands and its result, for the graph and the notes.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, assert_never

from explain import limits
from explain.autograd import functions
from explain.errors import ExplainError, LimitExceeded, MathError, Unsupported, UsageError
from explain.expr import (
    Add,
    Apply,
    Call,
    Cases,
    Compare,
    Const,
    Div,
    Expr,
    Index,
    Mul,
    Neg,
    Num,
    Pow,
    Slice,
    Sub,
    Var,
)
from explain.written import pretty as text

BINARY: dict[type, Callable[[Any, Any], Any]] = {
    Add: operator.add,
    Sub: operator.sub,
    Mul: operator.mul,
    Div: operator.truediv,
    Pow: operator.pow,
}
REDUCTIONS = ("sum", "mean", "prod", "max")
COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Record:
    """One operation as torch ran it: the Expr node, its operand values, its result."""

    node: Expr
    args: tuple[Any, ...]
    result: Any


@dataclass(frozen=True, slots=True)
class Shadow:
    """What the graph needs of a tensor once its values may go: keeps 10⁷-element runs lean."""

    grad_fn: Any
    shape: tuple[int, ...]
    requires_grad: bool
    is_leaf: bool
    size: int

    def numel(self) -> int:
        return self.size


def lighten(record: Record) -> Record:
    """The record with its tensors replaced by shadows (floats stay as they are)."""

    def shadow(value: Any) -> Any:
        if isinstance(value, float):
            return value
        return Shadow(
            value.grad_fn, tuple(value.shape), bool(value.requires_grad), bool(value.is_leaf),
            int(value.numel()),
        )  # fmt: skip

    return Record(record.node, tuple(shadow(a) for a in record.args), shadow(record.result))


@dataclass(slots=True)
class Forward:
    """The state of one forward pass: torch, the dtype, the named tensors and the records."""

    torch: Any
    dtype: Any
    tensors: Mapping[str, Any]
    source: str = ""
    records: list[Record] = field(default_factory=list)

    def evaluate(self, node: Expr) -> Any:
        """The value of `node`: a tensor, or a Python float for a constant."""
        match node:
            case Num(text=literal):
                return float(literal)
            case Const(name=name):
                return math.pi if name == "pi" else math.e
            case Var(name=name):
                return self._variable(node, name)
            case Neg(operand=a):
                return self._apply(node, (self.evaluate(a),), operator.neg)
            case Add(left=a, right=b) | Sub(left=a, right=b) | Mul(left=a, right=b):
                return self._binary(node, a, b)
            case Div(left=a, right=b) | Pow(base=a, exponent=b):
                return self._binary(node, a, b)
            case Call():
                return self._call(node)
            case Index() | Cases():
                return self._index(node) if isinstance(node, Index) else self._cases(node)
            case Apply(name=name):
                raise self.error(Unsupported, node, f"{name}(…) is an undefined function")
            case _:
                assert_never(node)

    def error(self, kind: type[ExplainError], node: Expr, why: str) -> ExplainError:
        """A one-line error placed at the node (when the source text is known)."""
        if not self.source:
            return kind(why, label="expression")
        start, end = node.span.start, node.span.end
        return kind(why, source=self.source, start=start, end=end, label="expression")

    def constant(self, value: Any) -> Any:
        """A Python float as a constant tensor of the run's dtype (tensors pass through)."""
        if isinstance(value, float):
            return self.torch.tensor(value, dtype=self.dtype)
        return value

    # --- nodes ------------------------------------------------------------------------------

    def _variable(self, node: Var, name: str) -> Any:
        if name not in self.tensors:
            raise self.error(UsageError, node, f"no value given for {name}")
        return self.tensors[name]

    def _binary(self, node: Add | Sub | Mul | Div | Pow, a: Expr, b: Expr) -> Any:
        left = self.evaluate(a)
        right = self.evaluate(b)
        self._check_broadcast(node, left, right)
        return self._apply(node, (left, right), BINARY[type(node)])

    def _call(self, node: Call) -> Any:
        args = tuple(self.evaluate(a) for a in node.args)
        func = node.func
        if func == "factorial":
            return self._record(node, args, self._factorial(node, args[0]))
        if func in functions.ELEMENTWISE and len(args) == 1:
            impl = functions.ELEMENTWISE[func]
            return self._apply(node, args, lambda u: impl(self.torch, self.constant(u)))
        if func in REDUCTIONS:
            dim, keepdim = self._reduction_options(node)
            return self._apply(
                node,
                args,
                lambda u: functions.reduce(self.torch, func, self.constant(u), dim, keepdim),
            )
        return self._apply(node, args, self._other(node))

    def _other(self, node: Call) -> Callable[..., Any]:
        torch, func = self.torch, node.func
        match func:
            case "log":
                return lambda u, b: functions.log_base(torch, self.constant(u), self._base(node, b))
            case "root":
                return lambda u, n: functions.nth_root(self.constant(u), n)
            case "matmul":
                return lambda a, b: self._matmul(node, a, b)
            case "dot":
                return lambda a, b: self._dot(node, a, b)
            case "transpose":
                return lambda u: self._transpose(node, u)
            case "detach":
                return lambda u: u.detach() if not isinstance(u, float) else u
        raise self.error(Unsupported, node, f"{func}(…) has no PyTorch counterpart here")

    def _index(self, node: Index) -> Any:
        base = self.evaluate(node.base)
        if isinstance(base, float):
            raise self.error(MathError, node, f"{text(node.base)} is a number: it has no elements")
        key = tuple(self._key(item) for item in node.items)
        return self._apply(node, (base,), lambda u: u[key])

    def _cases(self, node: Cases) -> Any:
        """torch.where, nested from the last piece: the first piece whose condition holds;
        NaN where none holds. One record: its args are the pieces' values in written order,
        then both sides of every comparison (for the notes on boundaries)."""
        values = tuple(self.evaluate(p.value) for p in node.pieces)
        sides: list[Any] = []
        holds = [self._condition(p.condition, sides) for p in node.pieces]

        def where(*args: Any) -> Any:
            result = self.constant(math.nan)
            for chosen, condition in reversed(list(zip(args, holds, strict=False))):
                value = self.constant(chosen)
                result = value if condition is None else self.torch.where(condition, value, result)
            return result

        return self._apply(node, (*values, *sides), where)

    def _condition(self, comparisons: tuple[Compare, ...], sides: list[Any]) -> Any:
        """A boolean tensor (None for otherwise): every comparison holds."""
        holds = None
        for c in comparisons:
            left, right = (
                self.constant(self.evaluate(c.left)),
                self.constant(self.evaluate(c.right)),
            )
            sides.extend((left.detach(), right.detach()))
            each = COMPARE[c.op](left.detach(), right.detach())
            holds = each if holds is None else holds & each
        return holds

    # --- helpers ----------------------------------------------------------------------------

    def _apply(self, node: Expr, args: tuple[Any, ...], op: Callable[..., Any]) -> Any:
        """Run one operation; shape and index errors become one-line MathErrors."""
        if all(isinstance(a, float) for a in args) and not isinstance(node, Call | Index | Cases):
            return self._record(node, args, self._fold(node, args, op))
        try:
            result = op(*args)
        except (RuntimeError, IndexError) as exc:
            raise self._shape_error(node, args, exc) from None
        except ZeroDivisionError:
            raise self.error(MathError, node, f"{text(node)} divides by zero") from None
        return self._record(node, args, result)

    def _record(self, node: Expr, args: tuple[Any, ...], result: Any) -> Any:
        self.records.append(Record(node, args, result))
        return result

    def _fold(self, node: Expr, args: tuple[Any, ...], op: Callable[..., Any]) -> float:
        """A constant computed as Python computes it (1/2 -> 0.5), or a clear error."""
        try:
            value = op(*args)
        except ZeroDivisionError:
            raise self.error(MathError, node, f"{text(node)} divides by zero") from None
        except OverflowError:
            raise self.error(MathError, node, f"{text(node)} is too large for a float") from None
        if isinstance(value, complex):
            raise self.error(MathError, node, f"{text(node)} is not a real number") from None
        return float(value)

    def _shape_error(self, node: Expr, args: tuple[Any, ...], exc: Exception) -> ExplainError:
        shapes = " and ".join(_shape_text(a) for a in args)
        said = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        why = f"{text(node)} cannot be computed for shapes {shapes} (torch: {said})"
        return self.error(MathError, node, why)

    def _check_broadcast(self, node: Expr, left: Any, right: Any) -> None:
        if isinstance(left, float) or isinstance(right, float):
            return
        shape = broadcast(tuple(left.shape), tuple(right.shape))
        if shape is None:
            shapes = f"{_shape_text(left)} and {_shape_text(right)}"
            why = (
                f"{text(node)} cannot be computed: shapes {shapes} do not broadcast "
                "(compared from the right, each size must match or be 1)"
            )
            raise self.error(MathError, node, why) from None
        if math.prod(shape) > limits.MAX_TENSOR_ELEMENTS:
            why = f"{text(node)} would have {math.prod(shape):,} elements"
            raise self.error(LimitExceeded, node, why)

    def _base(self, node: Call, base: Any) -> Any:
        if isinstance(base, float) and base <= 0:
            why = f"the base of {text(node)} must be positive, not {base:g}"
            raise self.error(MathError, node, why)
        return base

    def _matmul(self, node: Call, a: Any, b: Any) -> Any:
        a, b = self.constant(a), self.constant(b)
        if a.ndim >= 1 and b.ndim >= 1:
            rows = math.prod(a.shape[:-1]) * math.prod(b.shape[:-2])
            size = rows * (b.shape[-1] if b.ndim >= 2 else 1)
            if size > limits.MAX_TENSOR_ELEMENTS:
                why = f"{text(node)} would have up to {size:,} elements"
                raise self.error(LimitExceeded, node, why)
        return self.torch.matmul(a, b)

    def _dot(self, node: Call, a: Any, b: Any) -> Any:
        a, b = self.constant(a), self.constant(b)
        if a.ndim != 1 or b.ndim != 1:
            shapes = f"{_shape_text(a)} and {_shape_text(b)}"
            raise self.error(MathError, node, f"dot needs two vectors (1-D), got shapes {shapes}")
        return self.torch.dot(a, b)

    def _transpose(self, node: Call, u: Any) -> Any:
        u = self.constant(u)
        if u.ndim > 2:
            why = f"transpose of a {u.ndim}-D tensor: say which dimensions to swap"
            raise self.error(Unsupported, node, why)
        return functions.transpose(u)

    def _factorial(self, node: Call, n: Any) -> float:
        if not isinstance(n, float):
            raise self.error(Unsupported, node, "factorial of a tensor has no derivative here")
        if not n.is_integer() or n < 0:
            raise self.error(MathError, node, f"factorial needs a whole number ≥ 0, not {n:g}")
        if n > limits.MAX_FACTORIAL_ARG:
            raise self.error(LimitExceeded, node, f"factorial({n:g}) is too large")
        try:
            return functions.factorial(n)
        except OverflowError:
            raise self.error(MathError, node, f"{n:g}! is too large for a float") from None

    def _reduction_options(self, node: Call) -> tuple[int | None, bool]:
        dim: int | None = None
        keepdim = False
        for key, value in node.kwargs:
            if key == "dim":
                dim = self._integer(value)
            elif key == "keepdim":
                keepdim = isinstance(value, Num) and value.text != "0"
            else:
                raise self.error(Unsupported, value, f"{node.func}() takes no {key}=")
        return dim, keepdim

    def _key(self, item: Expr | Slice) -> int | slice:
        if isinstance(item, Slice):
            parts = (item.start, item.stop, item.step)
            start, stop, step = (None if p is None else self._integer(p) for p in parts)
            return slice(start, stop, step)
        return self._integer(item)

    def _integer(self, node: Expr) -> int:
        """A whole number written as 3 or -1 (indices, dim=)."""
        match node:
            case Num(text=literal) if literal.isdigit():
                return int(literal)
            case Neg(operand=Num(text=literal)) if literal.isdigit():
                return -int(literal)
        raise self.error(Unsupported, node, f"{text(node)} is not a whole number: only 3 or -1")


def broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    """NumPy/PyTorch broadcasting of two shapes (None when they do not fit), without torch:
    torch.broadcast_shapes imports torch._refs on first use, a third of a second."""
    width = max(len(a), len(b))
    a, b = (1,) * (width - len(a)) + a, (1,) * (width - len(b)) + b
    if any(m != n and 1 not in (m, n) for m, n in zip(a, b, strict=True)):
        return None
    return tuple(max(m, n) if 0 not in (m, n) else 0 for m, n in zip(a, b, strict=True))


def _shape_text(value: Any) -> str:
    if isinstance(value, float):
        return "()"
    return str(tuple(value.shape))
