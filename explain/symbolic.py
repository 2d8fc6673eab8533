"""Expr → SymPy: the only door from user input to SymPy (and back, for higher orders).

Conventions (documented choices):
- symbols are always real (`real=True`): |x|' = sign(x), not a complex-analysis formula;
- numbers are exact: "0.5" is 1/2, parsed from the literal's digits (never sympify);
- cbrt(u) is the *real* cube root sign(u)·|u|^(1/3) (what a calculator shows for cbrt(-8) = -2);
  u^(1/3) and root(u, n) = u^(1/n) are principal roots, as in SymPy, so a negative constant to a
  fractional power such as (-8)^(1/3) is a MathError whose hint points to cbrt(-8);
- relu(u) is Max(0, u) (derivative Heaviside(u), with SymPy's Heaviside(0) = 1/2);
- sigmoid(u) is the SymPy function `sigmoid` below; sum(u) and mean(u) of a scalar are u.
Constants are checked as they are built: limits before anything large is computed, and a
MathError naming the sub-expression when its value is not a real number.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any, assert_never

import sympy
from sympy.core.function import AppliedUndef, ArgumentIndexError

from explain import limits
from explain.errors import ExplainError, LimitExceeded, MathError, Unsupported
from explain.expr import (
    FUNCTIONS,
    Add,
    Apply,
    Call,
    Cases,
    Const,
    Div,
    Expr,
    Index,
    Mul,
    Neg,
    Num,
    Pow,
    Span,
    Sub,
    Var,
    children,
)
from explain.piecewise import cases_from_sympy, cases_to_sympy

Sym = Any
"""A SymPy expression (SymPy is untyped)."""

PRIME = "'"
"""An undefined function's derivative is written with primes: Apply("f'", (x,)) is f'(x)."""

MAX_EXP_ARGUMENT = math.log10(limits.MAX_RESULT_DIGITS / math.log10(math.e))
"""log10 of the largest |u| for which e^u has at most MAX_RESULT_DIGITS digits (u ≈ 9210)."""
NUMBER = re.compile(r"(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")
CONSTANTS = {"pi": sympy.pi, "e": sympy.E}
GROWS_LIKE_EXP = frozenset({"exp", "sinh", "cosh", "sech", "csch"})


@lru_cache(maxsize=1024)
def symbol(name: str) -> Sym:
    """The SymPy symbol for a variable: always real."""
    return sympy.Symbol(name, real=True)


class sigmoid(sympy.Function):
    """The logistic sigmoid σ(x) = 1/(1 + e^(−x)); σ′ = σ·(1 − σ)."""

    @classmethod
    def eval(cls, arg: Sym) -> Sym:  # safe: SymPy's Function.eval hook, no text involved
        return sympy.Rational(1, 2) if arg.is_zero else None

    def fdiff(self, argindex: int = 1) -> Sym:
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, arg: Sym, **kwargs: Any) -> Sym:
        return 1 / (1 + sympy.exp(-arg))

    def _eval_evalf(self, prec: int) -> Sym:
        return self._eval_rewrite_as_exp(self.args[0])._eval_evalf(prec)

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real  # type: ignore[no-any-return]

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_extended_real else None

    def _latex(self, printer: Any) -> str:
        return rf"\sigma\left({printer._print(self.args[0])}\right)"


class detach(sympy.Function):
    """x.detach(): the same value, but a constant for differentiation (a stop-gradient)."""

    def fdiff(self, argindex: int = 1) -> Sym:
        return sympy.Integer(0)

    def _eval_evalf(self, prec: int) -> Sym:
        return self.args[0]._eval_evalf(prec)

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real  # type: ignore[no-any-return]

    def _latex(self, printer: Any) -> str:
        return rf"\operatorname{{detach}}\left({printer._print(self.args[0])}\right)"


UNARY: dict[str, Any] = {
    **{name: getattr(sympy, name) for name, info in FUNCTIONS.items() if info.family in (
        "trig", "inverse_trig", "hyperbolic", "inverse_hyperbolic")},
    "exp": sympy.exp, "erf": sympy.erf, "abs": sympy.Abs, "sign": sympy.sign,
    "sqrt": sympy.sqrt, "sigmoid": sigmoid, "factorial": sympy.factorial,
    "cbrt": lambda u: sympy.sign(u) * sympy.Abs(u) ** sympy.Rational(1, 3),
    "relu": lambda u: sympy.Max(0, u),
    "log10": lambda u: sympy.log(u, 10), "log2": lambda u: sympy.log(u, 2),
    # Read with scalar values, reductions and a transpose leave a value as it is; tensors
    # (given with --at) are handled elementwise or per element by explain.crosscheck.
    "sum": lambda u: u, "mean": lambda u: u, "prod": lambda u: u, "max": lambda u: u,
    "transpose": lambda u: u, "detach": detach,
}  # fmt: skip
"""Canonical one-argument functions (see expr.FUNCTIONS) and their SymPy meaning."""


def to_sympy(expr: Expr, source: str | None = None) -> Sym:
    """The SymPy value of a tree; `source` (the text it was parsed from) places error messages."""
    return Converter(source)(expr)


class Converter:
    """Expr → SymPy for one input: each node converted once (memo by id), constants checked."""

    def __init__(self, source: str | None = None) -> None:
        self.source = source
        # id(node) -> (the node, kept alive so that its id stays unique; value; numeric)
        self._memo: dict[int, tuple[Expr, Sym, bool]] = {}

    def __call__(self, node: Expr) -> Sym:
        return self._entry(node)[1]

    def numeric(self, node: Expr) -> bool:
        """True when the node is built only from numbers and named constants."""
        return self._entry(node)[2]

    def _entry(self, node: Expr) -> tuple[Expr, Sym, bool]:
        hit = self._memo.get(id(node))
        if hit is not None and hit[0] is node:
            return hit
        value = self._build(node)
        numeric = not isinstance(node, Var | Apply) and all(self.numeric(c) for c in children(node))
        if numeric:
            self._check_constant(node, value)
        elif value is sympy.zoo or value is sympy.nan:
            raise self.fail(MathError, node, f"{self.written(node)} is undefined (infinite or 0/0)")
        entry = (node, value, numeric)
        self._memo[id(node)] = entry
        return entry

    def _build(self, node: Expr) -> Sym:
        match node:
            case Num() | Const():
                return self._number(node) if isinstance(node, Num) else CONSTANTS[node.name]
            case Var(name=name):
                return symbol(name)
            case Neg(operand=a):
                return -self(a)
            case Add(left=a, right=b):
                return self(a) + self(b)
            case Sub(left=a, right=b):
                return self(a) - self(b)
            case Mul(left=a, right=b):
                return self(a) * self(b)
            case Div() | Pow():
                return self._quotient(node) if isinstance(node, Div) else self._power(node)
            case Call(func=func, args=args):
                return self._call(node, func, args)
            case Apply() | Index() | Cases():
                return self._apply_or_index(node)
            case _:
                assert_never(node)

    # --- errors ------------------------------------------------------------------------------

    def fail(
        self, kind: type[ExplainError], node: Expr, why: str, hint: str | None = None
    ) -> ExplainError:
        """An error of `kind` placed at `node` (when the source text is known)."""
        if self.source is None:
            return kind(why, hint=hint)
        return kind(why, source=self.source, start=node.span.start, end=node.span.end, hint=hint)

    def written(self, node: Expr) -> str:
        """The node as the user wrote it (from the source), else in plain notation."""
        start, end = node.span.start, node.span.end
        if self.source is not None and 0 <= start < end <= len(self.source):
            return self.source[start:end].strip()
        return plain(node)

    # --- numbers and constants ---------------------------------------------------------------

    def _number(self, node: Num) -> Sym:
        text = node.text
        match = NUMBER.fullmatch(text.replace("_", ""))
        if match is None or not (match.group(1) or match.group(2)):
            raise self.fail(Unsupported, node, f"{text!r} is not a number explain can read")
        whole, frac, exp = match.group(1), match.group(2) or "", int(match.group(3) or 0)
        if len(whole) + len(frac) > 2 * limits.MAX_INT_DIGITS or abs(exp) > limits.MAX_SCI_EXPONENT:
            why = f"the number {text} is longer than explain accepts"
            raise self.fail(LimitExceeded, node, why)
        value = sympy.Rational(int(whole + frac or "0"), 10 ** len(frac))
        return value * sympy.Rational(10) ** exp

    def _check_constant(self, node: Expr, value: Sym) -> None:
        text = self.written(node)
        if value.is_Rational:
            digits = max(abs(value.p), value.q).bit_length() * math.log10(2)
            if digits > limits.MAX_RESULT_DIGITS:
                why = f"{text} has about {digits:.0f} digits (limit {limits.MAX_RESULT_DIGITS})"
                raise self.fail(LimitExceeded, node, why)
            return
        if value.has(sympy.zoo, sympy.nan) or value in (sympy.oo, -sympy.oo):
            raise self.fail(MathError, node, f"{text} is undefined (infinite or 0/0)")
        if value.is_extended_real is False or not _numerically_real(value):
            raise self.fail(MathError, node, f"{text} is not a real number")

    @staticmethod
    def _magnitude(value: Sym) -> float:
        """log10 |value| of a checked constant, without computing anything large."""
        if value.is_zero:
            return -math.inf
        if value.is_Rational:
            return math.log10(abs(value.p)) - math.log10(value.q)
        approx = sympy.Abs(value).evalf(15)
        if not approx.is_Number or approx.is_zero:
            return -math.inf
        return float(sympy.log(approx, 10).evalf(15))

    # --- operators -----------------------------------------------------------------------------

    def _quotient(self, node: Div) -> Sym:
        a, b = node.left, node.right
        denominator = self(b)
        if denominator.is_zero:
            raise self.fail(MathError, node, f"{self.written(node)} divides by zero")
        return self(a) / denominator

    def _power(self, node: Pow) -> Sym:
        a, b = node.base, node.exponent
        base, exponent = self(a), self(b)
        if self.numeric(b):
            log_size = self._magnitude(exponent)
            if log_size > math.log10(limits.MAX_EXPONENT):
                why = (
                    f"the exponent {self.written(b)} in {self.written(node)} is larger than "
                    f"the limit {limits.MAX_EXPONENT}"
                )
                raise self.fail(LimitExceeded, node, why)
            if self.numeric(a):
                self._check_power_of_constants(node, base, exponent, 10**log_size)
        elif self.numeric(a) and base.is_negative:
            why = f"{self.written(node)} is not a real number unless its exponent is a whole number"
            raise self.fail(MathError, node, why)
        return base**exponent

    def _check_power_of_constants(self, node: Pow, base: Sym, exponent: Sym, size: float) -> None:
        text = self.written(node)
        digits = size * abs(self._magnitude(base))
        if digits > limits.MAX_RESULT_DIGITS:
            why = f"{text} would have about {digits:.0f} digits (limit {limits.MAX_RESULT_DIGITS})"
            raise self.fail(LimitExceeded, node, why)
        if base.is_negative and exponent.is_Rational and not exponent.is_Integer:
            hint = None
            if exponent.q == 3:
                hint = "SymPy takes the principal (complex) root; the real cube root is "
                hint += f"cbrt({_unwrapped(self.written(node.base))})"
            raise self.fail(MathError, node, f"{text} is not a real number", hint)

    def _call(self, node: Call, func: str, args: tuple[Expr, ...]) -> Sym:
        info = FUNCTIONS.get(func)
        if info is None or len(args) not in info.arity:
            why = f"{func} with {len(args)} argument(s) is not supported"
            raise self.fail(Unsupported, node, why)
        values = [self(a) for a in args]
        if len(values) == 2:
            return self._two_argument(node, func, values)
        if func == "log":
            return sympy.log(values[0])
        if self.numeric(args[0]):
            self._check_argument(node, func, values[0])
        return UNARY[func](values[0])

    def _two_argument(self, node: Call, func: str, values: list[Sym]) -> Sym:
        u, second = values
        if func in ("matmul", "dot"):  # scalars: the ordinary product
            return u * second
        if func == "root":
            if second.is_zero:
                raise self.fail(MathError, node, f"{self.written(node)}: a 0th root is undefined")
            return u ** (1 / second)
        if second.is_number and (second.is_positive is False or second == 1):
            why = f"{self.written(node)}: a logarithm's base must be positive and not 1"
            raise self.fail(MathError, node, why)
        return sympy.log(u, second)

    def _check_argument(self, node: Call, func: str, value: Sym) -> None:
        text = self.written(node)
        if func in GROWS_LIKE_EXP and self._magnitude(value) > MAX_EXP_ARGUMENT:
            why = f"{text} has more than {limits.MAX_RESULT_DIGITS} digits"
            raise self.fail(LimitExceeded, node, why)
        if func == "factorial" and not (value.is_Integer and value >= 0):
            why = f"{text}: the factorial is defined here for whole numbers 0, 1, 2, ... only"
            raise self.fail(MathError, node, why)
        if func == "factorial" and value > limits.MAX_FACTORIAL_ARG:
            why = f"{text}: the argument is larger than {limits.MAX_FACTORIAL_ARG}"
            raise self.fail(LimitExceeded, node, why)

    def _apply_or_index(self, node: Apply | Index | Cases) -> Sym:
        if isinstance(node, Cases):
            return cases_to_sympy(node, self)
        if isinstance(node, Index):
            why = "indexing needs tensor values: give them with --at, e.g. --at 'x=[1, 2]'"
            raise self.fail(Unsupported, node, why)
        return self._apply(node, node.name, node.args)

    def _apply(self, node: Apply, name: str, args: tuple[Expr, ...]) -> Sym:
        values = [self(a) for a in args]
        base = name.rstrip(PRIME)
        primes = len(name) - len(base)
        if not primes:
            return sympy.Function(name)(*values)
        if len(values) != 1 or not base:
            why = f"{name}: primes are read only on f(u) of one argument"
            raise self.fail(Unsupported, node, why)
        (u,) = values
        if u.is_Symbol:
            return sympy.Derivative(sympy.Function(base)(u), (u, primes))
        xi = sympy.Dummy("xi", real=True)
        return sympy.Subs(sympy.Derivative(sympy.Function(base)(xi), (xi, primes)), xi, u)


def _unwrapped(text: str) -> str:
    """ "(-8)" → "-8": one pair of enclosing parentheses removed."""
    inner = text[1:-1]
    if text[:1] + text[-1:] == "()" and "(" not in inner and ")" not in inner:
        return inner
    return text


def _numerically_real(value: Sym) -> bool:
    """False only when a constant evaluates to a clearly non-real number."""
    if value.is_extended_real:
        return True
    approx = value.evalf(15)
    real, imag = approx.as_real_imag()
    return not (imag.is_Number and abs(imag) > 1e-12 * max(1, abs(real) if real.is_Number else 1))


def plain(node: Expr) -> str:
    """A compact plain-text form of a tree (for messages when there is no source text)."""

    def sub(child: Expr) -> str:
        text = plain(child)
        return text if isinstance(child, Num | Const | Var | Call | Apply) else f"({text})"

    match node:
        case Num(text=text) | Const(name=text) | Var(name=text):
            return text
        case Neg(operand=a):
            return "-" + sub(a)
        case (
            Add(left=a, right=b)
            | Sub(left=a, right=b)
            | Mul(left=a, right=b)
            | Div(left=a, right=b)
            | Pow(base=a, exponent=b)
        ):
            return f"{sub(a)}{OPERATORS[type(node)]}{sub(b)}"
        case Call(func=name, args=args) | Apply(name=name, args=args):
            return f"{name}({', '.join(plain(a) for a in args)})"
        case Index(base=base):
            return f"{sub(base)}[...]"
        case Cases(pieces=pieces):
            return "Piecewise(" + ", ".join(f"({plain(p.value)}, ...)" for p in pieces) + ")"
        case _:
            assert_never(node)


OPERATORS: dict[type, str] = {Add: " + ", Sub: " - ", Mul: "*", Div: "/", Pow: "^"}


# --- SymPy → Expr ------------------------------------------------------------------------------

NOWHERE = Span(0, 0)
SYMPY_NAMES = {"Abs": "abs"}
"""SymPy class names that differ from explain's canonical function names."""


def from_sympy(sym: Sym) -> Expr:
    """An Expr in natural written form whose to_sympy value equals `sym` (spans are Span(0, 0)).

    a - b for negative terms, 1/x for x**-1, 2/3 as Div, √ for **(1/2); Heaviside(u) becomes
    (sign(u) + 1)/2 and Max(0, u) relu(u); f'(u) for the derivative of an undefined f.
    Piecewise becomes Cases (conditions: comparisons joined by And).
    Raises Unsupported for what has no written form here (DiracDelta, gamma, ...).
    """
    if sym.is_Rational:
        return _rational(sym)
    if sym.is_Float:
        text = _num(str(abs(sym)))
        return Neg(text, NOWHERE) if sym < 0 else text
    if sym is sympy.pi or sym is sympy.E:
        return Const("pi" if sym is sympy.pi else "e", NOWHERE)
    if sym.is_Symbol:
        return Var(sym.name, NOWHERE)
    if sym.is_Add:
        return _sum(sym)
    if sym.is_Mul:
        return _product(sym)
    if sym.is_Pow:
        return _power(sym.base, sym.exp)
    return _function(sym)


def _num(text: str) -> Num:
    return Num(text, NOWHERE)


def _rational(value: Sym) -> Expr:
    size: Expr = _num(str(abs(value.p)))
    if value.q != 1:
        size = Div(size, _num(str(value.q)), NOWHERE)
    return Neg(size, NOWHERE) if value.p < 0 else size


def _sum(sym: Sym) -> Expr:
    terms = sym.as_ordered_terms()
    out = from_sympy(terms[0])
    for term in terms[1:]:
        if term.could_extract_minus_sign():
            out = Sub(out, from_sympy(-term), NOWHERE)
        else:
            out = Add(out, from_sympy(term), NOWHERE)
    return out


def _product(sym: Sym) -> Expr:
    coeff, rest = sym.as_coeff_Mul()
    if coeff.is_negative:
        return Neg(_product(-coeff * rest) if rest != 1 else from_sympy(-coeff), NOWHERE)
    numer: list[Expr] = []
    denom: list[Expr] = []
    if coeff.is_Rational and coeff != 1:
        numer.extend([_num(str(coeff.p))] if coeff.p != 1 else [])
        denom.extend([_num(str(coeff.q))] if coeff.q != 1 else [])
    elif coeff != 1:
        numer.append(from_sympy(coeff))
    for factor in rest.as_ordered_factors():
        base, exp = factor.as_base_exp()
        if exp.is_Rational and exp.is_negative and not factor.is_Function:
            denom.append(_power(base, -exp))
        else:
            numer.append(from_sympy(factor))
    top = _chain(numer) if numer else _num("1")
    return Div(top, _chain(denom), NOWHERE) if denom else top


def _chain(factors: list[Expr]) -> Expr:
    out = factors[0]
    for factor in factors[1:]:
        out = Mul(out, factor, NOWHERE)
    return out


def _power(base: Sym, exp: Sym) -> Expr:
    if base is sympy.E:
        return Call("exp", (from_sympy(exp),), NOWHERE)
    if exp == 1:
        return from_sympy(base)
    if exp == sympy.Rational(1, 2):
        return Call("sqrt", (from_sympy(base),), NOWHERE)
    if exp.is_Rational and exp.is_negative:
        return Div(_num("1"), _power(base, -exp), NOWHERE)
    return Pow(from_sympy(base), from_sympy(exp), NOWHERE)


def _function(sym: Sym) -> Expr:
    if isinstance(sym, AppliedUndef):
        return Apply(type(sym).__name__, tuple(from_sympy(a) for a in sym.args), NOWHERE)
    if isinstance(sym, sympy.Derivative | sympy.Subs):
        return _derivative(sym)
    if isinstance(sym, sympy.Piecewise):
        return cases_from_sympy(sym, from_sympy)
    if isinstance(sym, sympy.Heaviside) and sym.args[1:] in ((), (sympy.Rational(1, 2),)):
        sign = Call("sign", (from_sympy(sym.args[0]),), NOWHERE)
        return Div(Add(sign, _num("1"), NOWHERE), _num("2"), NOWHERE)
    if isinstance(sym, sympy.Max) and len(sym.args) == 2 and 0 in sym.args:
        (u,) = [a for a in sym.args if a != 0]
        return Call("relu", (from_sympy(u),), NOWHERE)
    name = SYMPY_NAMES.get(type(sym).__name__, type(sym).__name__)
    if sym.is_Function and name in FUNCTIONS and len(sym.args) == 1:
        return Call(name, (from_sympy(sym.args[0]),), NOWHERE)
    kind = type(sym).__name__
    raise Unsupported(f"the result contains {kind}, which explain cannot differentiate further")


def _derivative(sym: Sym) -> Expr:
    """f'(x) for Derivative(f(x), x); f'(u) for SymPy's Subs(Derivative(f(ξ), ξ), ξ, u)."""
    derivative, point = (sym, None) if isinstance(sym, sympy.Derivative) else (sym.expr, sym.point)
    if isinstance(derivative, sympy.Derivative):
        func, pairs = derivative.expr, derivative.variable_count
        if isinstance(func, AppliedUndef) and len(func.args) == 1 and len(pairs) == 1:
            (variable, count), arg = pairs[0], func.args[0]
            if variable == arg and (point is None or (len(point) == 1 and sym.variables == (arg,))):
                where = from_sympy(arg if point is None else point[0])
                return Apply(type(func).__name__ + PRIME * int(count), (where,), NOWHERE)
    raise Unsupported(
        "the result contains a derivative of an unknown function of several arguments,"
        " which explain cannot differentiate further"
    )
