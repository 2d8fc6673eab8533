"""Notation of SymPy results: one line of unicode maths (parseable back), SymPy syntax, LaTeX.

The written notation of Expr trees (pretty, explicit, latex) lives in explain.written.
"""

from __future__ import annotations

import re
from typing import Any

import sympy
from sympy.printing.latex import LatexPrinter, greek_letters_set
from sympy.printing.precedence import precedence
from sympy.printing.str import StrPrinter

from explain.written import SUPERSCRIPT, display_name

_HALF = sympy.Rational(1, 2)
_RELATIONS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "!=": "≠", "==": "="}

# --- SymPy results --------------------------------------------------------------------------


class _TextPrinter(StrPrinter):
    """SymPy -> one line of unicode maths that explain can parse back: 2x·cos(x²), -7/(x - 3)²."""

    printmethod = "_explain_text"

    def _print_Symbol(self, expr: Any) -> str:
        return display_name(expr.name)

    def _print_Pi(self, expr: Any) -> str:
        return "π"

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_Infinity(self, expr: Any) -> str:
        return "∞"

    def _print_NegativeInfinity(self, expr: Any) -> str:
        return "-∞"

    def _print_ComplexInfinity(self, expr: Any) -> str:
        return "∞ (unbounded)"

    def _print_NaN(self, expr: Any) -> str:
        return "undefined"

    def _print_exp(self, expr: Any) -> str:
        arg = self._print(expr.args[0])
        return f"e^{arg}" if expr.args[0].is_Atom and not expr.args[0].is_negative else f"e^({arg})"

    def _print_log(self, expr: Any) -> str:
        return f"ln({self._print(expr.args[0])})"

    def _print_Abs(self, expr: Any) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_Transpose(self, expr: Any) -> str:
        return f"{self.parenthesize(expr.arg, precedence(expr), strict=True)}ᵀ"

    def _print_MatMul(self, expr: Any) -> str:
        coeff, factors = expr.as_coeff_mmul()
        parts = [self.parenthesize(f, precedence(expr), strict=False) for f in factors.args]
        body = "·".join(parts)
        if coeff in (1, -1):
            return body if coeff == 1 else f"-{body}"
        return f"({self._print(coeff)})·{body}"

    def _print_Piecewise(self, expr: Any) -> str:
        """{ 2x if x < 0; 1 otherwise }: the first piece whose condition holds."""
        rows = []
        for value, condition in expr.args:
            when = "otherwise" if condition is sympy.true else "if " + self._condition(condition)
            rows.append(f"{self._print(value)} {when}")
        return "{ " + "; ".join(rows) + " }"

    def _condition(self, condition: Any) -> str:
        if isinstance(condition, sympy.And | sympy.Or):
            glue = " and " if isinstance(condition, sympy.And) else " or "
            return glue.join(self._condition(part) for part in condition.args)
        op = _RELATIONS.get(getattr(condition, "rel_op", ""))
        if op is None:
            return str(self._print(condition))
        return f"{self._print(condition.lhs)} {op} {self._print(condition.rhs)}"

    def _print_Heaviside(self, expr: Any) -> str:
        return f"H({self._print(expr.args[0])})"

    def _print_Derivative(self, expr: Any) -> str:
        func, pairs = expr.expr, expr.variable_count
        order = sum(int(count) for _, count in pairs)
        if getattr(func, "is_Function", False) and len(pairs) == 1 and len(func.args) == 1:
            primes = "′" * order if order <= 3 else f"⁽{str(order).translate(SUPERSCRIPT)}⁾"
            return f"{func.func.__name__}{primes}({self._print(func.args[0])})"
        return super()._print_Derivative(expr)  # type: ignore[no-any-return]

    def _print_Pow(self, expr: Any, rational: bool = False) -> str:
        base, exponent = expr.base, expr.exp
        if exponent == _HALF:
            return _sqrt_text(self._print(base), base)
        if exponent == -_HALF:
            return "1/" + _sqrt_text(self._print(base), base)
        if base is sympy.E:
            return self._print_exp(sympy.exp(exponent, evaluate=False))
        if exponent.is_Integer and exponent > 1 and _is_trig_call(base):
            name, arg = base.func.__name__, self._print(base.args[0])
            return f"{name}{str(exponent).translate(SUPERSCRIPT)}({arg})"
        base_text = self.parenthesize(base, precedence(expr), strict=True)
        if exponent.is_number and exponent.is_negative:
            positive = base if exponent == -1 else sympy.Pow(base, -exponent, evaluate=False)
            return "1/" + str(self.parenthesize(positive, precedence(expr), strict=True))
        if exponent.is_Integer:
            return str(base_text + str(exponent).translate(SUPERSCRIPT))
        exp_text = self._print(exponent)
        atomic = exponent.is_Symbol or (exponent.is_Integer and exponent >= 0)
        return f"{base_text}^{exp_text}" if atomic else f"{base_text}^({exp_text})"

    def _print_Mul(self, expr: Any) -> str:
        coeff, rest = expr.as_coeff_Mul()
        if coeff < 0:
            return "-" + self._print_Mul_positive(-coeff, rest)
        return self._print_Mul_positive(coeff, rest)

    def _print_Mul_positive(self, coeff: Any, rest: Any) -> str:
        numer, denom = [], []
        if coeff != 1 or rest == 1:
            if coeff.p != 1 or rest == 1:
                numer.append(sympy.Integer(coeff.p))
            if coeff.q != 1:
                denom.append(sympy.Integer(coeff.q))
        for factor in sympy.Mul.make_args(rest) if rest != 1 else ():
            base, exponent = factor.as_base_exp()
            if exponent.is_number and exponent.is_negative and base is not sympy.E:
                denom.append(sympy.Pow(base, -exponent, evaluate=False) if exponent != -1 else base)
            else:
                numer.append(factor)
        top = self._join(numer) if numer else "1"
        if not denom:
            return top
        bottom = self._join(denom)
        if len(denom) > 1 or denom[0].is_Mul:
            bottom = f"({bottom})"
        return f"{top}/{bottom}"

    def _join(self, factors: list[Any]) -> str:
        prec = precedence(sympy.Mul(sympy.Symbol("a"), sympy.Symbol("b"), evaluate=False))
        out = ""
        for factor in factors:
            text = self.parenthesize(factor, prec, strict=False)
            if not out:
                out = text
            elif out[-1] in "0123456789" and text[0] not in "0123456789-":
                out += text
            else:
                out += "·" + text
        return out


def _sqrt_text(inner: str, base: Any) -> str:
    return f"√{inner}" if base.is_Atom and not base.is_negative else f"√({inner})"


def _is_trig_call(expr: Any) -> bool:
    return bool(getattr(expr, "is_Function", False)) and expr.func.__name__ in {
        "sin", "cos", "tan", "sec", "csc", "cot", "sinh", "cosh", "tanh", "sech", "csch", "coth",
    }  # fmt: skip


_TEXT = _TextPrinter()


def is_compound(expr: Any) -> bool:
    """Whether a SymPy value needs parentheses as a factor: sums, negatives, fractions."""
    if expr.is_Add or (expr.is_number and expr.is_negative):
        return True
    if expr.is_Mul and expr.could_extract_minus_sign():
        return True
    return bool(sympy.fraction(expr)[1] != 1)


def sym_text(expr: Any) -> str:
    """A SymPy expression as one line of readable maths."""
    return str(_TEXT.doprint(expr))


def sym_plain(expr: Any) -> str:
    """A SymPy expression in SymPy's own syntax (stable, machine-readable; for JSON)."""
    return str(sympy.sstr(expr))


class _LatexPrinter(LatexPrinter):
    """SymPy's LaTeX, with pieces worded as explain's tree writes them: "if x < 0"."""

    def _print_Piecewise(self, expr: Any) -> str:
        rows = []
        for value, condition in expr.args:
            when = (
                r"\text{otherwise}"
                if condition is sympy.true
                else (r"\text{if } " + self._print(condition))
            )
            rows.append(f"{self._print(value)} & {when}")
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"


def sym_latex(expr: Any) -> str:
    """A SymPy expression as LaTeX (math mode, no delimiters).

    Names of more than one letter (`inputs`, `model.weight`) are set as words, and then
    products get a visible dot, so `inputs model.weight` cannot read as a string of letters.
    """
    words = {
        s: rf"\mathit{{{s.name}}}" for s in getattr(expr, "free_symbols", ()) if _wordy(s.name)
    }
    if not words:
        return str(_LatexPrinter({"ln_notation": True}).doprint(expr))
    settings = {"ln_notation": True, "symbol_names": words, "mul_symbol": "dot"}
    return str(_LatexPrinter(settings).doprint(expr))


def _wordy(name: str) -> bool:
    """A name of two or more letters that is not a Greek letter's (alpha) nor x1 / x_1."""
    head = re.match(r"[A-Za-z]+", name)
    if head is None or len(head.group()) < 2 or head.group().lower() in greek_letters_set:
        return False
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9_.]*", name))
