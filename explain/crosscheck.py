"""The three answers side by side: exact (SymPy → NumPy), PyTorch autograd, finite differences.

Elementwise expressions (f applied to every element, optionally summed or averaged over the
whole tensor) take the scalar Derivation of f and evaluate it on every element, so symbolic work
does not grow with the tensor. Anything else (matmul, dot, transpose, indexing, reductions along
a dim, products of sums...) is derived per element on small tensors (explain.elements).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from explain import limits
from explain.autograd import run as run_autograd
from explain.digits import DIGITS
from explain.elements import element_name, element_symbols, gradient_expressions, symbolic_tensor
from explain.errors import UsageError
from explain.expr import FUNCTIONS, Call, Expr, Index, Parsed, children, variables
from explain.finite import Estimate, central, sample_indices
from explain.matrix import matrix_formula
from explain.precision import (
    REFINED,
    Digits,
    FieldDigits,
    TotalDigits,
    exact_to_digits,
    refined,
    within_precision,
)
from explain.reports import CrossCheck, GradientFormula, InputCheck
from explain.rules import derive
from explain.steps import Derivation
from explain.symbolic import symbol, to_sympy
from explain.values import Value
from explain.vectorised import Program

Array = Any
Sym = Any
TOLERANCE = {"float64": (1e-9, 1e-12), "float32": (1e-5, 1e-6)}
"""dtype -> (relative, absolute) tolerance for exact vs autograd."""
CHUNK = 1 << 17
"""Elements per chunk when comparing large gradients."""
NO_DIGIT = 0.1
"""A relative difference this large leaves no correct digit."""
TENSOR_FUNCS = frozenset(n for n, f in FUNCTIONS.items() if f.family in ("tensor", "reduction"))
SUBSCRIPTS = "ijklmnop"


@dataclass(frozen=True, slots=True)
class Exact:
    """The exact side: gradients per input, FD estimates per input, formulas, derivations."""

    gradients: dict[str, Array]
    estimates: dict[str, tuple[Array, Estimate]]
    formulas: tuple[GradientFormula, ...]
    derivations: tuple[Derivation, ...]
    form: str
    function: Sym  # the scalar function (summed over elements) whose kinks decide the verdict
    function_env: Mapping[str, Array]  # values for its symbols
    notes: tuple[str, ...] = ()
    digits: Digits | None = None  # gradient and f to many digits (explain.precision)


def crosscheck(
    parsed: Parsed,
    values: Sequence[Value],
    wrt: Sequence[str] | None = None,
    *,
    dtype: str = "float64",
) -> CrossCheck:
    """Compare the exact gradient, PyTorch's x.grad and finite differences at the given values."""
    env = {v.name: np.asarray(v.array, dtype=np.float64) for v in values}
    names = _check_names(parsed, env)
    targets = tuple(wrt) if wrt else names
    run = run_autograd(parsed.expr, env, targets, dtype=dtype, source=parsed.source)
    reduction, field = _elementwise_field(parsed.expr)
    if field is not None:
        exact = _elementwise(parsed, env, targets, reduction, field)
    else:
        exact = _per_element(parsed.expr, env, targets)
    auto = dict(run.gradients)
    compared = [_compare(name, env[name], exact, auto[name], dtype) for name in targets]
    inputs = tuple(check for check, _ in compared)
    found = tuple(note for _, notes in compared for note in notes)
    kinks = _kinks(exact.function, exact.function_env)
    if not all(c.agrees and c.fd_within_error for c in inputs):
        kinks = (*kinks, *on_boundary(exact.function, exact.function_env))
    output = float(np.sum(run.output))
    if math.isnan(output):
        kinks = (*kinks, "a value outside the function's real domain")
    elif not math.isfinite(output):
        kinks = (*kinks, "a singular point (the function is infinite there)")
    verdict, summary = _verdict(inputs, kinks, dtype)
    return CrossCheck(
        parsed=parsed, wrt=targets, form=exact.form, formulas=exact.formulas,  # type: ignore[arg-type]
        derivations=exact.derivations, inputs=inputs, output=output,
        dtype=dtype, tolerance=TOLERANCE[dtype][0], verdict=verdict, summary=summary,  # type: ignore[arg-type]
        notes=tuple(dict.fromkeys((*exact.notes, *run.notes, *found))), graph=run.graph,
    )  # fmt: skip


def _check_names(parsed: Parsed, env: Mapping[str, Array]) -> tuple[str, ...]:
    names = variables(parsed.expr)
    missing = [n for n in names if n not in env]
    if missing:
        raise UsageError(f"--at gives no value for {', '.join(missing)}")
    extra = [n for n in env if n not in names]
    if extra:
        raise UsageError(f"{', '.join(extra)} does not appear in the expression")
    return names


# --- which path -------------------------------------------------------------------------------


def _elementwise_field(expr: Expr) -> tuple[str | None, Expr | None]:
    """(reduction, f) when expr is f or sum(f)/mean(f) over the whole tensor with f elementwise."""
    if isinstance(expr, Call) and expr.func in ("sum", "mean") and not expr.kwargs:
        inner = expr.args[0]
        return (expr.func, inner) if _is_elementwise(inner) else (None, None)
    return (None, expr) if _is_elementwise(expr) else (None, None)


def _is_elementwise(expr: Expr) -> bool:
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Index) or (isinstance(node, Call) and node.func in TENSOR_FUNCS):
            return False
        stack.extend(children(node))
    return True


# --- elementwise: one scalar derivation, evaluated on every element -------------------------


def _elementwise(
    parsed: Parsed, env: Mapping[str, Array], wrt: Sequence[str], reduction: str | None, field: Expr
) -> Exact:
    full = np.broadcast_shapes(*(np.shape(a) for a in env.values()))
    scale = 1.0 / math.prod(full) if reduction == "mean" else 1.0
    derivations = tuple(derive(parsed, name) for name in wrt)
    program = Program.prepare([d.result for d in derivations])
    grads = {}
    for name, raw in zip(wrt, program.run_elementwise(env), strict=True):
        shape = np.shape(env[name])
        grad = raw if raw.shape == shape else _reduce_to(np.broadcast_to(raw, full), shape)
        if scale != 1.0:
            grad = np.multiply(grad, scale, out=grad if grad.flags.writeable else None)
        grads[name] = grad
    f = Program.prepare([to_sympy(field)])
    estimates = {name: _fd_elementwise(f, env, name, full, scale, reduction) for name in wrt}
    formulas = tuple(_elementwise_formula(d, env, full, scale) for d in derivations)
    field_sym = to_sympy(field)
    derivatives = {name: d.result for name, d in zip(wrt, derivations, strict=True)}
    raw = {name: d.raw for name, d in zip(wrt, derivations, strict=True)}
    digits = FieldDigits(field_sym, derivatives, env, full, scale, raw)
    return Exact(
        grads, estimates, formulas, derivations, "elementwise", field_sym, env, digits=digits
    )


def _reduce_to(grad: Array, shape: tuple[int, ...]) -> Array:
    """Sum a broadcast gradient back to the input's shape (as autograd does)."""
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and grad.shape[extra + i] != 1
    )
    reduced = np.sum(grad, axis=axes, keepdims=True) if axes else grad
    return np.asarray(reduced).reshape(shape)


def _fd_elementwise(
    f: Program, env: Mapping[str, Array], name: str, full: tuple[int, ...], scale: float,
    reduction: str | None,
) -> tuple[Array, Estimate]:  # fmt: skip
    x = env[name]
    if np.shape(x) != full:  # a broadcast input: perturb it and re-evaluate the whole sum
        return _fd_whole(f, env, name, reduction)
    idx = sample_indices(x.size, limits.FD_SAMPLE)
    where = np.unravel_index(idx, full) if full else ()
    sampled = {k: np.broadcast_to(v, full)[where] for k, v in env.items()}

    def plus_minus(h: Array) -> tuple[Array, Array]:
        up = f.run({**sampled, name: sampled[name] + h})[0]
        down = f.run({**sampled, name: sampled[name] - h})[0]
        return up * scale, down * scale

    return idx, central(plus_minus, sampled[name])


def _fd_whole(
    f: Program, env: Mapping[str, Array], name: str, reduction: str | None
) -> tuple[Array, Estimate]:
    total = np.mean if reduction == "mean" else np.sum
    return _fd_by_evaluation(lambda e: float(total(f.run(e)[0])), env, name)


def _fd_by_evaluation(value: Any, env: Mapping[str, Array], name: str) -> tuple[Array, Estimate]:
    """Perturb sampled elements one at a time and evaluate the whole function (small inputs)."""
    x = np.asarray(env[name], dtype=np.float64)
    idx = sample_indices(x.size, limits.FD_SAMPLE)
    values, errors, steps = [], [], []
    for k in idx:

        def plus_minus(h: Array, k: int = int(k)) -> tuple[Array, Array]:
            results = []
            for sign in (1.0, -1.0):
                moved = x.copy()
                moved.flat[k] += sign * float(h)
                results.append(np.float64(value({**env, name: moved})))
            return results[0], results[1]

        estimate = central(plus_minus, x.flat[k])
        values.append(float(estimate.value))
        errors.append(float(estimate.error))
        steps.append(float(np.asarray(estimate.step)))
    return idx, Estimate(np.array(values), np.array(errors), np.array(steps))


def _elementwise_formula(
    d: Derivation, env: Mapping[str, Array], full: tuple[int, ...], scale: float
) -> GradientFormula:
    index = SUBSCRIPTS[: len(full)]
    subs = {symbol(n): symbol(f"{n}_{index}") for n, a in env.items() if np.ndim(a) and index}
    expression = d.result.subs(subs) if subs else d.result
    if scale != 1.0:
        expression = sympy.Rational(1, math.prod(full)) * expression
    return GradientFormula(d.var, index if np.ndim(env[d.var]) else "", expression)


# --- per element (small tensors) ---------------------------------------------------------------


def _per_element(expr: Expr, env: Mapping[str, Array], wrt: Sequence[str]) -> Exact:
    symbols = {name: element_symbols(name, np.shape(a)) for name, a in env.items()}
    output = symbolic_tensor(expr, symbols)
    grads_sym = gradient_expressions(output, symbols, wrt)
    flat_env = {
        element_name(name, index): np.float64(a[index])
        for name, a in env.items() for index in np.ndindex(np.shape(a))
    }  # fmt: skip
    order = [(name, index) for name in wrt for index in np.ndindex(np.shape(env[name]))]
    program = Program.prepare([grads_sym[name][index] for name, index in order])
    results = program.run(flat_env)
    grads = {name: np.zeros(np.shape(env[name])) for name in wrt}
    for (name, index), value in zip(order, results, strict=True):
        grads[name][index] = float(value)
    function = sympy.Add(*np.asarray(output, dtype=object).ravel().tolist())
    total = Program.prepare([function])
    estimates = {name: _fd_elements(total, flat_env, name, np.shape(env[name])) for name in wrt}
    shapes = {name: np.shape(a) for name, a in env.items()}
    digits = TotalDigits(function, grads_sym, flat_env)
    closed = [m for m in (matrix_formula(expr, name, shapes) for name in wrt) if m is not None]
    if len(closed) == len(wrt):
        matrices = tuple(GradientFormula(m.name, "", m.expression, matrix=True) for m in closed)
        wheres = tuple(m.where for m in closed if m.where)
        return Exact(grads, estimates, matrices, (), "matrix", function, flat_env, wheres, digits)
    formulas = tuple(
        GradientFormula(name, ",".join(map(str, index)), grads_sym[name][index])
        for name in wrt for index in list(np.ndindex(np.shape(env[name])))[:4]
    )  # fmt: skip
    return Exact(grads, estimates, formulas, (), "per-element", function, flat_env, digits=digits)


def _fd_elements(
    total: Program, flat_env: Mapping[str, Array], name: str, shape: tuple[int, ...]
) -> tuple[Array, Estimate]:
    indices = list(np.ndindex(shape))
    picked = sample_indices(len(indices), limits.FD_SAMPLE)
    values, errors, steps = [], [], []
    for k in picked:
        key = element_name(name, indices[int(k)])

        def plus_minus(h: Array, key: str = key) -> tuple[Array, Array]:
            up = total.run({**flat_env, key: flat_env[key] + h})[0]
            down = total.run({**flat_env, key: flat_env[key] - h})[0]
            return up, down

        estimate = central(plus_minus, np.float64(flat_env[key]))
        values.append(float(estimate.value))
        errors.append(float(estimate.error))
        steps.append(float(np.asarray(estimate.step)))
    return picked, Estimate(np.array(values), np.array(errors), np.array(steps))


# --- comparison and verdict --------------------------------------------------------------------


def _compare(
    name: str, value: Array, exact: Exact, autograd: Array, dtype: str
) -> tuple[InputCheck, tuple[str, ...]]:
    """The three answers for one input (suspect elements looked at closely first), and notes."""
    a = np.asarray(autograd, dtype=np.float64).reshape(np.shape(exact.gradients[name]))
    plain = np.asarray(exact.gradients[name], dtype=np.float64)
    first = _differences(plain, a, *TOLERANCE[dtype])  # one pass over a large gradient
    e, estimate, rounding, notes = _closely(name, value, exact, a, dtype, first[2])
    idx = exact.estimates[name][0]
    max_abs, max_rel, agrees = first if e is plain else _differences(e, a, *TOLERANCE[dtype])
    with np.errstate(all="ignore"):
        fd_diff = np.abs(estimate.value - e.ravel()[idx])
    check = InputCheck(
        name=name, shape=tuple(np.shape(value)), value=value, exact=e, autograd=a,
        finite_difference=estimate.value, fd_error=estimate.error, fd_indices=idx,
        max_abs_error=max_abs, max_rel_error=max_rel, agrees=agrees or rounding,
        fd_max_abs_error=float(np.max(fd_diff, where=np.isfinite(fd_diff), initial=0.0)),
        fd_within_error=not _fd_missed(e, idx, estimate, TOLERANCE[dtype][1]).any(),
    )  # fmt: skip
    return check, notes


def _closely(
    name: str, value: Array, exact: Exact, a: Array, dtype: str, agrees: bool
) -> tuple[Array, Estimate, bool, tuple[str, ...]]:
    """Before a difference is called a disagreement (explain.precision): the exact gradient,
    the FD estimates, whether what still differs is float64's rounding, and notes."""
    e = np.asarray(exact.gradients[name], dtype=np.float64)
    idx, estimate = exact.estimates[name]
    rtol, atol = TOLERANCE[dtype]
    missed = _fd_missed(e, idx, estimate, atol)
    small = e.size <= REFINED  # then every element is looked at: float64 can be wrong alike
    if exact.digits is None or (agrees and not missed.any() and not small):
        return e, estimate, False, ()
    suspects = np.union1d(_differing(e, a, rtol, atol), np.ravel(idx)[np.ravel(missed)])
    suspects = np.arange(e.size) if small else suspects
    if suspects.size > REFINED:
        return e, estimate, False, ()
    notes: list[str] = []
    e, wrong = exact_to_digits(e, suspects, exact.digits, name)
    if wrong:
        where = (
            f"{wrong} element{'s' if wrong > 1 else ''} of {name}" if e.size > 1 else "this point"
        )
        notes.append(
            f"the exact formula loses digits when evaluated in float64 at {where}: "
            f"its value there is computed to {DIGITS} digits instead"
        )
    missed = _fd_missed(e, idx, estimate, atol)
    estimate = refined(name, value, (idx, estimate), missed, exact.digits)
    said = None
    differing = _differing(e, a, rtol, atol)
    if differing.size and dtype == "float64":
        lost = [exact.digits.cancellation(name, int(k)) for k in differing]
        if all(c is not None for c in lost):
            worst = max(lost, key=lambda c: c.digits)  # type: ignore[union-attr]
            said = within_precision(name, e, a, worst, (rtol, atol))  # type: ignore[arg-type]
            notes.extend([said] if said else [])
    return e, estimate, said is not None, tuple(notes)


def _fd_missed(e: Array, idx: Array, estimate: Estimate, atol: float) -> Array:
    """Per FD estimate: farther from the exact value than 3 times its own error bound."""
    with np.errstate(all="ignore"):
        e_at = e.ravel()[idx]
        return ~(np.abs(estimate.value - e_at) <= 3 * estimate.error + atol) & np.isfinite(e_at)


def _differing(e: Array, a: Array, rtol: float, atol: float) -> Array:
    """Flat indices where exact and autograd differ beyond the tolerance."""
    with np.errstate(all="ignore"):
        d = np.abs(e - a).ravel()
        scale = np.maximum(np.abs(e), np.abs(a)).ravel()
        same = (d <= rtol * scale + atol) | (np.isnan(e) & np.isnan(a)).ravel() | (e == a).ravel()
    return np.flatnonzero(~same)


def _differences(e: Array, a: Array, rtol: float, atol: float) -> tuple[float, float, bool]:
    """max |e - a|, max |e - a|/max(|e|, |a|), and whether all are within rtol·scale + atol.

    Written for 10⁷ elements: in chunks whose temporaries stay in cache. Non-finite values
    take a slower path: nan agrees with nan, inf with the same inf.
    """
    e, a = np.atleast_1d(e).reshape(-1), np.atleast_1d(a).reshape(-1)
    max_abs, max_rel, agrees = 0.0, 0.0, True
    with np.errstate(all="ignore"):
        for start in range(0, e.size, CHUNK):
            part_e, part_a = e[start : start + CHUNK], a[start : start + CHUNK]
            d = np.subtract(part_e, part_a)
            np.abs(d, out=d)
            if not np.isfinite(d).all():
                return _differences_special(e, a, np.abs(e - a), rtol, atol)
            s = np.abs(part_e)
            np.maximum(s, np.abs(part_a), out=s)
            agrees = agrees and bool(np.all(d <= rtol * s + atol))
            np.divide(d, s, out=s, where=s > 0)
            max_abs = max(max_abs, float(d.max(initial=0.0)))
            max_rel = max(max_rel, float(s.max(initial=0.0)))
    return max_abs, max_rel, agrees


def _differences_special(
    e: Array, a: Array, d: Array, rtol: float, atol: float
) -> tuple[float, float, bool]:
    finite = np.isfinite(d)
    scale = np.maximum(np.abs(e), np.abs(a))
    close = d <= rtol * scale + atol
    same = (np.isnan(e) & np.isnan(a)) | (np.isinf(e) & (e == a))
    rel = np.divide(d, scale, out=np.zeros_like(d), where=finite & (scale > 0))
    max_abs = float(np.max(d, where=finite, initial=0.0))
    return max_abs, float(np.max(rel, where=finite, initial=0.0)), bool(np.all(close | same))


def _kinks(function: Sym, env: Mapping[str, Array]) -> tuple[str, ...]:
    """The kinks the values fall on: |u|, sign(u) with u = 0, a tie inside max/min/relu.

    PyTorch's notes (explain.autograd) already say what torch returns there; these only decide
    the verdict, so each kind is named once.
    """
    kinds: dict[str, None] = {}
    for atom in function.atoms(sympy.Abs, sympy.sign, sympy.Max, sympy.Min):
        values = [np.asarray(v) for v in Program.prepare(list(atom.args)).run(env)]
        if len(values) == 1:
            hit = bool(np.any(values[0] == 0))
        else:  # a tie: the extreme value is taken by two arguments at once
            stacked = np.stack(np.broadcast_arrays(*values))
            extreme = stacked.max(axis=0) if isinstance(atom, sympy.Max) else stacked.min(axis=0)
            hit = bool(np.any((stacked == extreme).sum(axis=0) > 1))
        if hit:
            kinds[KINKS[type(atom).__name__]] = None
    return tuple(kinds)


def on_boundary(function: Sym, env: Mapping[str, Array]) -> tuple[str, ...]:
    """A value where a piece's condition turns (x = 0 in x < 0): a kink or jump if the
    one-sided slopes differ, which is why it counts only when the three answers disagree."""
    for atom in function.atoms(sympy.Piecewise):
        for _, condition in atom.args:
            for relation in condition.atoms(sympy.core.relational.Relational):
                gap = Program.prepare([relation.lhs - relation.rhs]).run(env)[0]
                if bool(np.any(np.asarray(gap) == 0)):
                    return ("a boundary between the pieces of a function defined by cases",)
    return ()


KINKS = {
    "Abs": "a kink of |u| (u = 0)",
    "sign": "the jump of sign(u) (u = 0)",
    "Max": "a kink of relu/max (a tie)",
    "Min": "a kink of min (a tie)",
}


def _verdict(inputs: Sequence[InputCheck], kinks: Sequence[str], dtype: str) -> tuple[str, str]:
    rtol = TOLERANCE[dtype][0]
    singular = any(not np.all(np.isfinite(c.exact)) for c in inputs)
    if kinks or singular:
        where = ", ".join(kinks) if kinks else "a point where the derivative is not finite"
        return "differs by convention", (
            f"the values include {where}: the derivative is undefined there and PyTorch returns "
            "a conventional value (see the notes); a convention, not a bug"
        )
    bad_auto = [c for c in inputs if not c.agrees]
    bad_fd = [c for c in inputs if not c.fd_within_error]
    if not bad_auto and not bad_fd:
        rounded = [c for c in inputs if c.max_rel_error > rtol]
        if rounded:
            worst = max(rounded, key=lambda c: c.max_rel_error)
            if worst.max_rel_error >= NO_DIGIT:
                return "agree", (
                    f"exact and finite differences agree; autograd's float64 result for "
                    f"{worst.name} has no correct digit here (float64 loses them all: see the "
                    "notes), a limit of float64, not a bug"
                )
            return "agree", (
                f"all three agree as far as float64 can here: exact and autograd to "
                f"{worst.max_rel_error:.2g} for {worst.name} (float64 loses digits: see the notes)"
            )
        return "agree", f"all three agree within {rtol:g}"
    if bad_auto:
        worst = max(bad_auto, key=lambda c: c.max_rel_error)
        return "disagree", (
            f"exact and autograd differ for {worst.name}: max |difference| "
            f"{worst.max_abs_error:.3g}, relative {worst.max_rel_error:.3g} (tolerance {rtol:g})"
        )
    worst = max(bad_fd, key=lambda c: c.fd_max_abs_error)
    return "disagree", (
        f"exact and autograd agree; finite differences for {worst.name} are off by "
        f"{worst.fd_max_abs_error:.3g}, beyond their error estimate"
    )
