"""The form of a result a teacher would print: cheap rewrites first, simplify only when worth it.

Policy (never an unconditional simplify):
- a polynomial stays as derived (2x + 2, 20x(x² + 1)⁹), or is expanded when that is no longer
  and the powers are small (2x(x + 1) + x² → 3x² + 2x);
- otherwise sign(u)/|u| becomes 1/u; a sum of fractions goes over one denominator with its
  numerator expanded (gcd_terms): -7/(x - 3)², (1 - x²)/(x² + 1)², (x·cos x − sin x)/x²;
  other sums get their common factors out when that is clearly shorter: (x + 1)eˣ, but not
  2(cos x·cos 2x − sin x·sin 2x)·cos x;
- a result still long (`size` > LONG): a rational function is cancelled (1/(2x² − 6x + 5));
  else sympy.simplify within limits.SIMPLIFY_SECONDS, kept only when clearly shorter
  (count_ops) and equal at test points.
"""

from __future__ import annotations

import math

import sympy

from explain import limits
from explain.budget import within
from explain.rules.check import agreement
from explain.steps import Sym, Tidy

LONG = 12
"""Size above which a non-polynomial result is worth a sympy.simplify."""

SIMPLIFY_GAIN = 0.75
"""sympy.simplify's form is shown only when this much shorter (count_ops): it is often less
familiar (1/tan(x) for cot(x)), so it must earn its place."""

FACTORED_GAIN = 0.8
"""A factored form must be this much shorter to be shown: (x + 1)eˣ yes, 2(a - b)·c no."""

SMALL_POWER = 4
"""Largest exponent of a sum that a polynomial result is expanded through."""


def tidy(raw: Sym) -> tuple[Sym, Tidy, str | None]:
    """(shown form, how it was obtained, a note for the user or None)."""
    if raw.is_Atom:
        return raw, "as derived", None
    polynomial = raw.is_polynomial()
    cheap = _cheap(raw, polynomial)
    label: Tidy = "as derived" if cheap == raw else "tidied"
    if polynomial or size(cheap) <= LONG:
        return cheap, label, None
    if raw.is_rational_function():
        cancelled = within(
            limits.SIMPLIFY_SECONDS,
            lambda: _shorter(cheap, _factored_denominator(sympy.cancel(cheap))),
        )
        if cancelled is not None and size(cancelled) <= LONG:
            return cancelled, "tidied", None
    simplified = within(limits.SIMPLIFY_SECONDS, lambda: sympy.simplify(cheap))
    if simplified is None:
        seconds = limits.SIMPLIFY_SECONDS
        return (
            cheap,
            "tidied",
            f"simplification stopped after {seconds:g} s; showing the tidied result",
        )
    shorter = sympy.count_ops(simplified) <= SIMPLIFY_GAIN * sympy.count_ops(cheap)
    if shorter and _equal(simplified, cheap):
        return simplified, "simplified", None
    return cheap, label, None


def _factored_denominator(fraction: Sym) -> Sym:
    """p/q with q factored when that is no longer: 1/(x - 1)², not 1/(x² - 2x + 1), which
    reads worse and loses every digit near x = 1 when evaluated (the terms cancel)."""
    numerator, denominator = sympy.fraction(fraction)
    factored = sympy.factor(denominator)
    if size(factored) <= size(denominator):
        return numerator / factored
    return fraction


def _cheap(raw: Sym, polynomial: bool) -> Sym:
    if polynomial:
        return _shorter(raw, sympy.expand(raw)) if _small_powers(raw) else raw
    raw = _signs_cancelled(raw)
    if not raw.is_Add:
        return raw
    terms = [_powers(term) for term in raw.args]
    if any(e.is_negative for _, powers in terms for e in powers.values()):
        return _shorter(raw, _expand_numerator(sympy.gcd_terms(raw)))
    return _shorter(raw, _pull_common(raw, terms), FACTORED_GAIN)


def _signs_cancelled(expr: Sym) -> Sym:
    """sign(u)/|u| → 1/u: |u| = u·sign(u) where sign(u) is already there (kept when shorter)."""
    signs = {s.args[0] for s in expr.atoms(sympy.sign)}
    swaps = {
        a: a.args[0] * sympy.sign(a.args[0]) for a in expr.atoms(sympy.Abs) if a.args[0] in signs
    }
    return _shorter(expr, expr.xreplace(swaps)) if swaps else expr


Term = tuple[Sym, dict[Sym, Sym]]
"""A term as (numeric coefficient, {base: exponent}); functions are bases: eˣ is one."""


def _powers(term: Sym) -> Term:
    coeff, rest = term.as_coeff_Mul()
    out: dict[Sym, Sym] = {}
    for factor in sympy.Mul.make_args(rest):
        base, exp = factor.as_base_exp() if factor.is_Pow else (factor, sympy.Integer(1))
        out[base] = exp
    return coeff, out


def _pull_common(raw: Sym, terms: list[Term]) -> Sym:
    """2x²eˣ + 4xeˣ → 2x(x + 2)eˣ: what every term shares (least rational power), pulled out.

    The cheap case of gcd_terms, for sums without denominators.
    """
    common: dict[Sym, Sym] = {}
    for base in terms[0][1]:
        exps = [powers.get(base) for _, powers in terms]
        if all(e is not None and e.is_Rational for e in exps):
            common[base] = min(e for e in exps if e is not None)
    if not common:
        return raw
    coeffs = [coeff for coeff, _ in terms]
    number = (
        sympy.Integer(math.gcd(*(int(c) for c in coeffs)))
        if all(c.is_Integer for c in coeffs)
        else 1
    )
    number = -number if all(c.is_negative for c in coeffs) else number
    rest = (
        sympy.Mul(coeff / number, *(b ** (e - common.get(b, 0)) for b, e in powers.items()))
        for coeff, powers in terms
    )
    return number * sympy.Mul(*(b**e for b, e in common.items())) * sympy.Add(*rest)


def _expand_numerator(expr: Sym) -> Sym:
    """(-x² + 2x(x - 1) - 1)/(x - 1)² → (x² - 2x - 1)/(x - 1)²."""
    numerator, denominator = sympy.fraction(expr)
    if denominator == 1 or not numerator.is_Add or not _small_powers(numerator):
        return expr
    return sympy.expand(numerator) / denominator


def _small_powers(expr: Sym) -> bool:
    """True when expanding cannot blow up: every power of a sum has a small exponent."""
    return all(
        not p.base.is_Add or (p.exp.is_Integer and abs(p.exp) <= SMALL_POWER)
        for p in expr.atoms(sympy.Pow)
    )


def _shorter(current: Sym, candidate: Sym, gain: float = 1.0) -> Sym:
    """The candidate if its size is at most `gain` times the current form's."""
    return candidate if size(candidate) <= gain * size(current) else current


def size(expr: Sym) -> int:
    """Operations in an expression, like sympy.count_ops but without its cost (a quick walk)."""
    if expr.is_Atom:
        return 0
    if expr.is_Pow and expr.exp.is_Rational and expr.exp.is_negative:
        return (1 if expr.exp == -1 else 2) + size(expr.base)
    own = len(expr.args) - 1 if expr.is_Add or expr.is_Mul else 1
    return own + sum(size(arg) for arg in expr.args)


def _equal(a: Sym, b: Sym) -> bool:
    """A guard on simplify's answer: equal at a few test points (when any is real)."""
    return agreement(a, b, 3, strict=False, digits=15) >= 0
