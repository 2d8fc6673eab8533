"""A canonical form of an Expr for a cheap proof of equality, without SymPy.

The form is a quotient P/Q of two polynomials with exact rational coefficients in atoms:
variables, π and e, function calls (keyed by the canonical form of their arguments) and
powers that are not expanded (a fractional power, a power with a variable exponent, a sum to
a large whole power). Products are expanded, whole powers up to MAX_EXPAND multiplied out,
decimals read exactly ("0.5" is 1/2), e^u is exp(u), √u is u^(1/2), log_b u is ln u / ln b.

Two forms are equal when P1·Q2 = P2·Q1 term by term: this proves the expressions equal
wherever both are defined, in the sense of SymPy's automatic cancellation (x/x = 1). Nothing
here is a heuristic: no form (None) means "not shown", never "different". Anything unusual
gives up (large numbers or exponents, a constant that is not a finite real number, unknown
nodes) and the answer goes on to SymPy as before.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from explain import limits
from explain.expr import FUNCTIONS, Add, Call, Const, Div, Expr, Mul, Neg, Num, Pow, Sub, Var
from explain.grading.evaluate import FLOAT

Rational = int | Fraction
Atom = tuple[Any, ...]
"""(kind, varying, ...): varying is True when the atom depends on a variable."""
Monomial = frozenset[tuple[Atom, int]]
Poly = dict[Monomial, Rational]
Form = tuple[Poly, Poly, float | None]
"""Numerator, denominator, and the float value when the form is a constant."""

MAX_EXPAND = 24
"""Largest whole power of a sum multiplied out ((x + 1)^24 has 25 terms)."""
MAX_POWER = limits.MAX_EXPONENT
"""Largest whole power (as explain.symbolic allows); past it, no form."""
MAX_ROOT = 64
"""Largest denominator of a fractional exponent (u^(p/q))."""
MAX_TERMS = 400
"""Most terms in one polynomial; past it, no form (the proof goes to SymPy)."""
MAX_DIGITS = 30
"""Most digits in one number literal (and in its exponent)."""
MAX_CONSTANT_BITS = 3000
"""Largest constant (bits of numerator or denominator) built from constants alone."""
NUMBER = re.compile(r"(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")
IDENTITY = frozenset({"sum", "mean", "prod", "max", "transpose"})
"""Reductions and the transpose of a scalar are the scalar (as in explain.symbolic)."""
LOG_BASE = {"log10": 10, "log2": 2}

ONE: Monomial = frozenset()
UNIT: Poly = {ONE: 1}


class _NoForm(Exception):
    """Raised inside: this expression gets no canonical form."""


def canonical(expr: Expr) -> Form | None:
    """The canonical form of `expr`, or None when it has none (see the module docstring)."""
    try:
        return _form(expr)
    except (_NoForm, ZeroDivisionError, OverflowError, ValueError, RecursionError):
        return None


def same(a: Form, b: Form) -> bool:
    """True when the two forms are equal (P1·Q2 = P2·Q1); False means "not shown"."""
    if a[1] == b[1]:
        return a[0] == b[0]
    try:
        return _mul(a[0], b[1]) == _mul(b[0], a[1])
    except _NoForm:
        return False


# --- building forms ---------------------------------------------------------------------------


def _form(node: Expr) -> Form:
    build = BUILD.get(type(node))
    if build is None:
        raise _NoForm  # Apply, Index: no value of their own
    return build(node)


def _num(node: Num) -> Form:
    value = _number(node.text)
    return ({ONE: value} if value else {}), UNIT, float(value)


def _neg(node: Neg) -> Form:
    p, q, v = _form(node.operand)
    return {m: -c for m, c in p.items()}, q, None if v is None else -v


def _number(text: str) -> Rational:
    if text.isdigit() and len(text) <= MAX_DIGITS:
        return int(text)
    match = NUMBER.fullmatch(text.replace("_", ""))
    if match is None or not (match.group(1) or match.group(2)):
        raise _NoForm
    whole, frac, exp = match.group(1), match.group(2) or "", match.group(3) or "0"
    if len(whole) + len(frac) > MAX_DIGITS or len(exp.lstrip("+-")) > 2:
        raise _NoForm
    value = Fraction(int(whole + frac or "0"), 10 ** len(frac)) * Fraction(10) ** int(exp)
    return value.numerator if value.denominator == 1 else value


def _atom(atom: Atom, value: float | None) -> Form:
    return {frozenset({(atom, 1)}): 1}, UNIT, value


def _key(form: Form) -> tuple[frozenset[Any], frozenset[Any]]:
    """A hashable key of a form (equal keys: the same P and Q)."""
    return frozenset(form[0].items()), frozenset(form[1].items())


def _varying(form: Form) -> bool:
    return any(atom[1] for poly in form[:2] for m in poly for atom, _ in m)


def _constant(value: float | None) -> float | None:
    """A constant's float value must be finite (and real: NaN is not)."""
    if value is not None and not math.isfinite(value):
        raise _NoForm
    return value


def _tidy(p: Poly, q: Poly, value: float | None) -> Form:
    """Q of one term is moved into P (as negative exponents): Q is 1 or a sum."""
    if q is UNIT:
        return p, q, value
    if len(q) == 1:
        ((m, c),) = q.items()
        if m == ONE and c == 1:
            return p, UNIT, value
        inverse = frozenset((a, -e) for a, e in m)
        return {_times(k, inverse): Fraction(v) / c for k, v in p.items()}, UNIT, value
    return p, q, value


# --- arithmetic -------------------------------------------------------------------------------


def _sum(a: Form, b: Form, sign: int) -> Form:
    value = None if a[2] is None or b[2] is None else _constant(a[2] + sign * b[2])
    if a[1] == b[1]:
        return _tidy(_add(a[0], b[0], sign), a[1], value)
    top = _add(_mul(a[0], b[1]), _mul(b[0], a[1]), sign)
    return _tidy(top, _mul(a[1], b[1]), value)


def _product(a: Form, b: Form) -> Form:
    value = None if a[2] is None or b[2] is None else _constant(a[2] * b[2])
    if value is not None:
        _small(a[0], b[0])
    return _tidy(_mul(a[0], b[0]), _mul(a[1], b[1]), value)


def _inverse(a: Form) -> Form:
    if not a[0] or a[2] == 0:
        raise _NoForm  # division by zero
    return _tidy(a[1], a[0], None if a[2] is None else _constant(1 / a[2]))


def _small(*polys: Poly) -> None:
    """Constants built from constants alone stay small (explain.symbolic limits them too)."""
    bits = sum(_bits(c) for poly in polys for c in poly.values())
    if bits > MAX_CONSTANT_BITS:
        raise _NoForm


def _bits(c: Rational) -> int:
    if isinstance(c, int):
        return c.bit_length()
    return max(c.numerator.bit_length(), c.denominator.bit_length())


def _add(a: Poly, b: Poly, sign: int) -> Poly:
    out = dict(a)
    for m, c in b.items():
        total = out.get(m, 0) + sign * c
        if total:
            out[m] = total
        else:
            out.pop(m, None)
    return out


def _mul(a: Poly, b: Poly) -> Poly:
    if b is UNIT or a is UNIT:  # forms are never changed in place: 1 · p is p itself
        return a if b is UNIT else b
    if len(a) * len(b) > MAX_TERMS * 4:
        raise _NoForm
    out: Poly = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            m = _times(ma, mb) if ma and mb else ma or mb
            total = out.get(m, 0) + ca * cb
            if total:
                out[m] = total
            else:
                out.pop(m, None)
    if len(out) > MAX_TERMS:
        raise _NoForm
    return out


def _times(a: Monomial, b: Monomial) -> Monomial:
    if not b:
        return a
    exps = dict(a)
    for atom, e in b:
        total = exps.get(atom, 0) + e
        if total:
            exps[atom] = total
        else:
            del exps[atom]
    return frozenset(exps.items())


# --- powers and functions ---------------------------------------------------------------------


def _power(base: Form, exponent: Form) -> Form:
    if _varying(exponent) or exponent[2] is None or exponent[1] != UNIT or len(exponent[0]) > 1:
        return _variable_power(base, exponent)
    c = exponent[0].get(ONE, 0) if not exponent[0] or ONE in exponent[0] else None
    if c is None:  # a constant exponent with atoms (π, ln 2 ...)
        return _variable_power(base, exponent)
    n = Fraction(c)
    if n.denominator == 1:
        return _whole_power(base, n.numerator)
    if n.denominator > MAX_ROOT or abs(n.numerator) > MAX_EXPAND:
        raise _NoForm
    if base[2] is not None and base[2] <= 0:
        raise _NoForm  # a negative constant to a fractional power is not real
    value = None if base[2] is None else _constant(base[2] ** float(n))
    root = ("r", _varying(base), _key(base), n.denominator)
    top, bottom, _ = _whole_power(_atom(root, None), n.numerator)
    return top, bottom, value


def _whole_power(base: Form, n: int) -> Form:
    if n == 0:
        return UNIT, UNIT, 1.0
    if abs(n) > MAX_POWER:
        raise _NoForm
    p, q, value = base if n > 0 else _inverse(base)
    n = abs(n)
    value = None if value is None else _constant(value**n)
    if len(p) == 1 and q == UNIT:
        ((m, c),) = p.items()
        _not_too_large(c, n)
        return {frozenset((a, e * n) for a, e in m): c**n}, UNIT, value
    if n > MAX_EXPAND:
        return _atom(("b", _varying(base), _key((p, q, value)), n), value)
    for c in (*p.values(), *q.values()):
        _not_too_large(c, n)
    top, bottom = p, q
    for _ in range(n - 1):
        top, bottom = _mul(top, p), _mul(bottom, q)
    return top, bottom, value


def _not_too_large(c: Rational, n: int) -> None:
    """c^n must stay a small number (the coefficients of a power grow like that)."""
    if abs(c) != 1 and _bits(c) * n > MAX_CONSTANT_BITS:
        raise _NoForm


def _variable_power(base: Form, exponent: Form) -> Form:
    """u^v with v not a rational number: exp(v) when u is e, else an atom (u > 0 if constant)."""
    if base == _atom(("c", False, "e"), math.e):
        return _function("exp", exponent)
    if base[2] is not None and base[2] <= 0:
        raise _NoForm
    value = None if base[2] is None or exponent[2] is None else _constant(base[2] ** exponent[2])
    varying = _varying(base) or _varying(exponent)
    return _atom(("w", varying, _key(base), _key(exponent)), value)


def _call(node: Call) -> Form:
    info = FUNCTIONS.get(node.func)
    if info is None or len(node.args) not in info.arity or node.kwargs:
        raise _NoForm
    args = [_form(a) for a in node.args]
    func = node.func
    if func in IDENTITY:
        return args[0]
    if func in ("matmul", "dot"):
        return _product(args[0], args[1])
    if func == "sqrt":
        return _power(args[0], ({ONE: Fraction(1, 2)}, UNIT, 0.5))
    if func == "root":
        return _power(args[0], _inverse(args[1]))
    if func in LOG_BASE or len(args) == 2:
        base = args[1] if len(args) == 2 else _form(Num(str(LOG_BASE[func]), node.span))
        return _product(_function("log", args[0]), _inverse(_function("log", base)))
    return _function(func, args[0])


def _function(func: str, arg: Form) -> Form:
    """func(arg) as an atom; a constant argument must give a finite real value."""
    value = None
    if arg[2] is not None:
        with np.errstate(all="ignore"):
            value = _constant(float(FLOAT[func](np.asarray(arg[2], dtype=float))))
    elif not _varying(arg):
        raise _NoForm  # a constant whose value was lost in a cancellation: not checked
    return _atom(("f", _varying(arg), func, _key(arg)), value)


BUILD: dict[type, Callable[[Any], Form]] = {
    Num: _num,
    Const: lambda n: _atom(("c", False, n.name), math.pi if n.name == "pi" else math.e),
    Var: lambda n: _atom(("v", True, n.name), None),
    Neg: _neg,
    Add: lambda n: _sum(_form(n.left), _form(n.right), 1),
    Sub: lambda n: _sum(_form(n.left), _form(n.right), -1),
    Mul: lambda n: _product(_form(n.left), _form(n.right)),
    Div: lambda n: _product(_form(n.left), _inverse(_form(n.right))),
    Pow: lambda n: _power(_form(n.base), _form(n.exponent)),
    Call: _call,
}
"""Node type → its form (a table, not a match: this runs for every agreeing answer)."""
