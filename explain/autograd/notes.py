"""NOTES: where torch's answer and the maths part ways, detected from the values actually used.

Kinks (abs, relu, sign at 0; ties of max), singular points (sqrt, log at 0; division by zero;
0·∞) and points outside a function's domain (log of a negative number) each get one short
sentence quoting what torch returned. Probing reads detached values under torch.no_grad and
never touches the real run.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from explain.autograd.forward import Record
from explain.expr import Call, Cases, Div, Expr, Mul, Neg, Num, Pow
from explain.written import pretty as text

Probe = Callable[[Any, Record, tuple[Any, ...], Any], list[str]]
"""(torch, record, detached operand tensors, detached result) -> notes."""


def notes(torch: Any, records: tuple[Record, ...], output_finite: bool = False) -> list[str]:
    """The notes for every operation, in written order, each said once.

    With a finite output no operation produced a nan that reached it, so the domain probe
    (one pass over every intermediate tensor) is skipped.
    """
    found: dict[str, None] = {}
    with torch.no_grad():
        for record in records:
            args = tuple(_tensor(torch, a) for a in record.args)
            result = _tensor(torch, record.result)
            probe = _probe_for(record.node)
            said = probe(torch, record, args, result) if probe else []
            if not said and not output_finite:
                said = _domain(record, args, result)
            found.update(dict.fromkeys(said))
    return list(found)


def _tensor(torch: Any, value: Any) -> Any:
    if isinstance(value, float):
        return torch.tensor(value, dtype=torch.float64)
    return value.detach()


def _count(mask: Any) -> str:
    """ " (1 of 4 elements)" for a tensor, "" for a single number."""
    total = mask.numel()
    return "" if total == 1 else f" ({int(mask.sum())} of {total} elements)"


def _number(value: Any) -> str:
    return f"{float(value):g}"


def _probe_for(node: Expr) -> Probe | None:
    match node:
        case Cases():
            return _boundary
        case Call(func=func) if func in CALL_PROBES:
            return CALL_PROBES[func]
        case Div():
            return _division
        case Mul():
            return _zero_times_infinity
        case Pow():
            return _power_at_zero
    return None


# --- kinks ------------------------------------------------------------------------------------


def _kink(message: str) -> Probe:
    def probe(torch: Any, record: Record, args: tuple[Any, ...], result: Any) -> list[str]:
        _ = torch, result
        at_zero = args[0] == 0
        if not bool(at_zero.any()):
            return []
        u = text(_arg(record))
        return [message.format(f=text(record.node), u=u, count=_count(at_zero))]

    return probe


def _arg(record: Record) -> Expr:
    node = record.node
    return node.args[0] if isinstance(node, Call) else node


def _max_tie(torch: Any, record: Record, args: tuple[Any, ...], result: Any) -> list[str]:
    u, node = args[0], record.node
    if not isinstance(node, Call):
        return []
    dims = [v for k, v in node.kwargs if k == "dim"]
    if not dims:
        ties = int((u == result.max()).sum())
        if ties < 2:
            return []
        return [
            f"{text(node)} has a tie: {ties} elements equal {_number(result.max())}; torch "
            f"splits the gradient evenly ({_number(1 / ties)} each)"
        ]
    dim = _int(dims[0])
    tied = (u == torch.amax(u, dim=dim, keepdim=True)).sum(dim=dim)
    if not bool((tied > 1).any()):
        return []
    return [
        f"{text(node)} has ties along dim {dim}: torch.amax splits the gradient evenly between "
        "tied elements (x.max(dim) would send all of it to the one index it returns)"
    ]


def _int(node: Expr) -> int:
    match node:
        case Num(text=literal):
            return int(literal)
        case Neg(operand=Num(text=literal)):
            return -int(literal)
    return 0


# --- singular points and domains --------------------------------------------------------------


def _sqrt(torch: Any, record: Record, args: tuple[Any, ...], result: Any) -> list[str]:
    _ = torch, result
    u, f = text(_arg(record)), text(record.node)
    out = []
    if bool((zero := args[0] == 0).any()):
        out.append(
            f"{f} at {u} = 0{_count(zero)}: the derivative 1/(2{f}) is unbounded; torch returns inf"
        )
    if bool((negative := args[0] < 0).any()):
        out.append(
            f"{f} of a negative number{_count(negative)}: torch's value and gradient are nan"
        )
    return out


def _cbrt(torch: Any, record: Record, args: tuple[Any, ...], result: Any) -> list[str]:
    _ = torch, result
    if not bool((zero := args[0] == 0).any()):
        return []
    u = text(_arg(record))
    return [
        f"{text(record.node)} at {u} = 0{_count(zero)}: computed as sign({u})·|{u}|^(1/3), whose "
        "gradient there is nan (0·inf inside torch); the true derivative is unbounded"
    ]


def _log(torch: Any, record: Record, args: tuple[Any, ...], result: Any) -> list[str]:
    _ = torch
    u, f = text(_arg(record)), text(record.node)
    out = []
    if bool((zero := args[0] == 0).any()):
        out.append(f"{f} at {u} = 0{_count(zero)}: torch's value is -inf and the gradient inf")
    if bool((negative := args[0] < 0).any()):
        v = float(args[0][negative].flatten()[0])
        scale = _log_scale(record, args)
        slope = f" (at {u} = {_number(v)}: {_number(1 / (v * scale))})" if scale else ""
        out.append(
            f"{f} of a negative number{_count(negative)}: torch's value is "
            f"{_number(result[negative].flatten()[0])} but its gradient is finite{slope}, "
            "because LogBackward0 computes grad/x without a domain check"
        )
    return out


def _log_scale(record: Record, args: tuple[Any, ...]) -> float | None:
    """ln(base): 1 for ln, ln 10 for log10, ... (None when the base is a tensor)."""
    node = record.node
    if not isinstance(node, Call):
        return None
    if node.func in ("log10", "log2"):
        return math.log(float(node.func[3:]))
    if len(args) == 2:
        base = args[1]
        return math.log(float(base)) if base.numel() == 1 and float(base) > 0 else None
    return 1.0


def _division(torch: Any, record: Record, args: tuple[Any, ...], result: Any) -> list[str]:
    _ = torch
    zero = (args[1] == 0).expand_as(result)
    if not bool(zero.any()):
        return []
    values = sorted({_number(v) for v in result[zero].flatten().tolist()})
    return [
        f"{text(record.node)} divides by zero{_count(zero)}: torch's value is "
        f"{' and '.join(values)} there, and the gradient is not finite either"
    ]


def _zero_times_infinity(
    torch: Any, record: Record, args: tuple[Any, ...], result: Any
) -> list[str]:
    a, b = args
    if not bool(result.isnan().any()):  # 0·∞ makes a nan: none here, nothing to say
        return []
    both = ((a == 0) & torch.isinf(b)) | (torch.isinf(a) & (b == 0))
    if not bool(both.any()):
        return []
    where = _count(both.expand_as(result))
    return [
        f"{text(record.node)} multiplies 0 by ∞{where}: torch's value is nan "
        "(though the limit may be finite)"
    ]


def _power_at_zero(torch: Any, record: Record, args: tuple[Any, ...], result: Any) -> list[str]:
    _ = torch, result
    base, exponent = record.args
    if isinstance(base, float) or not isinstance(exponent, float):
        return []
    if not (exponent < 1 and exponent != 0) or not bool((zero := args[0] == 0).any()):
        return []
    node = record.node
    if not isinstance(node, Pow):
        return []
    u = text(node.base)
    return [
        f"{text(node)} at {u} = 0{_count(zero)}: the derivative {_number(exponent)}·{u}^"
        f"({_number(exponent - 1)}) is unbounded; torch returns inf"
    ]


def _boundary(torch: Any, record: Record, args: tuple[Any, ...], result: Any) -> list[str]:
    """A value on the boundary of a condition (x = 0 in x < 0): torch.where takes the gradient
    of the piece chosen there, as SymPy's Piecewise takes that piece's derivative."""
    node = record.node
    if not isinstance(node, Cases):
        return []
    sides = args[len(node.pieces) :]
    on = None
    for left, right in zip(sides[0::2], sides[1::2], strict=True):
        equal = torch.broadcast_to(left == right, result.shape)
        on = equal if on is None else on | equal
    if on is None or not bool(on.any()):
        return []
    return [
        f"a value sits where two pieces of {text(node)} meet{_count(on)}: torch.where passes "
        "the gradient to the piece chosen there (as SymPy's Piecewise takes that piece's "
        "derivative); there is a derivative there only if the one-sided slopes agree"
    ]


def _domain(record: Record, args: tuple[Any, ...], result: Any) -> list[str]:
    """A nan that appears at this operation from finite inputs: outside the real domain."""
    if not result.is_floating_point() or not bool(result.isnan().any()):
        return []
    fresh = result.isnan()
    for arg in args:
        if arg.numel() == 1 or arg.shape == result.shape:
            fresh = fresh & arg.isfinite()
        elif not bool(arg.isfinite().all()):
            return []  # the nan may come from upstream: said there
    if not bool(fresh.any()):
        return []
    return [
        f"{text(record.node)} is nan{_count(fresh)}: outside the real domain, torch returns nan"
    ]


CALL_PROBES: dict[str, Probe] = {
    "abs": _kink(
        "{f} at {u} = 0{count}: torch takes abs'(0) = 0 (AbsBackward0), one choice from the "
        "subgradient [-1, 1]; |x| has no derivative there"
    ),
    "relu": _kink(
        "{f} at {u} = 0{count}: torch takes relu'(0) = 0; SymPy's Heaviside(0) gives 1/2 and "
        "clamp(min=0) gives 1, a convention at the kink, not an error"
    ),
    "sign": _kink(
        "{f} at {u} = 0{count}: sign jumps there and has no derivative; torch gives 0, as "
        "everywhere else"
    ),
    "max": _max_tie,
    "sqrt": _sqrt,
    "cbrt": _cbrt,
    "log": _log,
    "log10": _log,
    "log2": _log,
}
