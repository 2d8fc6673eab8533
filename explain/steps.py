"""MODEL: the Step tree of a derivation (one class per rule a teacher names) and Derivation.

Every step holds the sub-expression as the user wrote it (`expr`, an Expr), the variable it is
differentiated by (`var`), its sub-steps and its `result` (a SymPy expression computed from the
sub-steps' results by explain.rules). The docstring of each class is the rule's formula;
`FORMULAS` holds the same formula in text and LaTeX for the renderers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, assert_never

from explain.expr import Expr, Parsed

Sym = Any
"""A SymPy expression (SymPy is untyped; treated as Any at its edge)."""


@dataclass(frozen=True, slots=True)
class Constant:
    """d/dx c = 0 (also any other variable, held fixed in a partial derivative)."""

    expr: Expr
    var: str
    result: Sym


@dataclass(frozen=True, slots=True)
class Variable:
    """d/dx x = 1."""

    expr: Expr
    var: str
    result: Sym


@dataclass(frozen=True, slots=True)
class ConstantMultiple:
    """(c·f)' = c·f'."""

    expr: Expr
    var: str
    constant: Sym
    inner: Step
    result: Sym


@dataclass(frozen=True, slots=True)
class Sum:
    """(f ± g)' = f' ± g' (the sum and difference rule, over every term)."""

    expr: Expr
    var: str
    terms: tuple[Step, ...]
    signs: tuple[int, ...]  # +1 or -1 for each term, as written
    result: Sym


@dataclass(frozen=True, slots=True)
class Power:
    """d/dx xⁿ = n·xⁿ⁻¹ (n constant)."""

    expr: Expr
    var: str
    exponent: Sym
    result: Sym


@dataclass(frozen=True, slots=True)
class Root:
    """d/dx ⁿ√x = d/dx x^(1/n) = 1/(n·ⁿ√(x^(n-1))); for n = 2: d/dx √x = 1/(2√x)."""

    expr: Expr
    var: str
    index: Sym
    result: Sym


@dataclass(frozen=True, slots=True)
class Product:
    """(f·g)' = f'·g + f·g' (for more factors: each factor's derivative times the others)."""

    expr: Expr
    var: str
    factors: tuple[Step, ...]
    result: Sym


@dataclass(frozen=True, slots=True)
class Quotient:
    """(f/g)' = (f'·g − f·g') / g²."""

    expr: Expr
    var: str
    numerator: Step
    denominator: Step
    result: Sym


@dataclass(frozen=True, slots=True)
class Chain:
    """d/dx f(u) = f'(u) · du/dx, with u the inner function."""

    expr: Expr
    var: str
    inner: Expr  # u, as written
    outer: Step  # d/du f(u), differentiated by the placeholder variable `u`
    inner_step: Step  # du/dx
    result: Sym


@dataclass(frozen=True, slots=True)
class Exp:
    """d/dx eˣ = eˣ."""

    expr: Expr
    var: str
    result: Sym


@dataclass(frozen=True, slots=True)
class ExpBase:
    """d/dx aˣ = aˣ·ln a (a > 0 constant)."""

    expr: Expr
    var: str
    base: Sym
    result: Sym


@dataclass(frozen=True, slots=True)
class Log:
    """d/dx ln x = 1/x; d/dx log_b x = 1/(x·ln b)."""

    expr: Expr
    var: str
    base: Sym | None  # None for the natural logarithm
    result: Sym


@dataclass(frozen=True, slots=True)
class Trig:
    """sin' = cos, cos' = −sin, tan' = sec², sec' = sec·tan, csc' = −csc·cot, cot' = −csc²."""

    expr: Expr
    var: str
    func: str
    result: Sym


@dataclass(frozen=True, slots=True)
class InverseTrig:
    """asin' = 1/√(1−x²), acos' = −1/√(1−x²), atan' = 1/(1+x²), and asec, acsc, acot."""

    expr: Expr
    var: str
    func: str
    result: Sym


@dataclass(frozen=True, slots=True)
class Hyperbolic:
    """sinh' = cosh, cosh' = sinh, tanh' = sech² = 1 − tanh², and sech, csch, coth."""

    expr: Expr
    var: str
    func: str
    result: Sym


@dataclass(frozen=True, slots=True)
class InverseHyperbolic:
    """asinh' = 1/√(x²+1), acosh' = 1/√(x²−1), atanh' = 1/(1−x²)."""

    expr: Expr
    var: str
    func: str
    result: Sym


@dataclass(frozen=True, slots=True)
class AbsValue:
    """d/dx |x| = x/|x| = sign(x), for x ≠ 0 (no derivative at 0)."""

    expr: Expr
    var: str
    result: Sym


@dataclass(frozen=True, slots=True)
class SignRule:
    """d/dx sign(x) = 0 for x ≠ 0 (a jump at 0)."""

    expr: Expr
    var: str
    result: Sym


@dataclass(frozen=True, slots=True)
class Relu:
    """relu'(x) = 1 for x > 0, 0 for x < 0 (a kink at 0)."""

    expr: Expr
    var: str
    result: Sym


@dataclass(frozen=True, slots=True)
class Sigmoid:
    """σ'(x) = σ(x)·(1 − σ(x)), with σ(x) = 1/(1 + e^(−x))."""

    expr: Expr
    var: str
    result: Sym


@dataclass(frozen=True, slots=True)
class Special:
    """A special function from the table: erf'(x) = 2/√π·e^(−x²)."""

    expr: Expr
    var: str
    func: str
    result: Sym


@dataclass(frozen=True, slots=True)
class GeneralPower:
    """d/dx f^g = f^g · (g'·ln f + g·f'/f) (logarithmic differentiation; f > 0)."""

    expr: Expr
    var: str
    base: Step
    exponent: Step
    result: Sym


@dataclass(frozen=True, slots=True)
class UndefinedFunction:
    """d/dx f(x) = f'(x) (an unknown function: its derivative stays symbolic)."""

    expr: Expr
    var: str
    result: Sym


@dataclass(frozen=True, slots=True)
class Elementwise:
    """∂/∂x_i Σ_j f(x_j) = f'(x_i): a sum (or mean, divided by n) over elements, per element."""

    expr: Expr
    var: str
    reduction: Literal["sum", "mean"]
    inner: Step
    result: Sym


@dataclass(frozen=True, slots=True)
class Boundary:
    """Where two pieces meet (var = point), as a teacher checks it: the one-sided limits and
    the value there (continuity), then the one-sided derivatives (differentiability).

    `value` is None where no piece's condition holds at the point (undefined there); the other
    fields are None where SymPy could not decide within its time budget (nothing is guessed).
    """

    point: Sym
    value: Sym | None
    left: Sym | None
    right: Sym | None
    continuous: bool | None
    left_slope: Sym | None = None
    right_slope: Sym | None = None
    differentiable: bool | None = None


@dataclass(frozen=True, slots=True)
class PiecewiseRule:
    """d/dx {f₁ if c₁; f₂ if c₂; …} = {f₁′ if c₁; f₂′ if c₂; …}: each piece is differentiated on
    its own interval; where pieces meet, the derivative exists only if the function is
    continuous there and the one-sided derivatives agree."""

    expr: Expr
    var: str
    pieces: tuple[Step, ...]
    boundaries: tuple[Boundary, ...]
    result: Sym


@dataclass(frozen=True, slots=True)
class NotSupported:
    """No teacher's rule here: SymPy differentiates this part directly and we say so."""

    expr: Expr
    var: str
    reason: str
    result: Sym


Step = (
    Constant
    | Variable
    | ConstantMultiple
    | Sum
    | Power
    | Root
    | Product
    | Quotient
    | Chain
    | Exp
    | ExpBase
    | Log
    | Trig
    | InverseTrig
    | Hyperbolic
    | InverseHyperbolic
    | AbsValue
    | SignRule
    | Relu
    | Sigmoid
    | Special
    | GeneralPower
    | UndefinedFunction
    | Elementwise
    | PiecewiseRule
    | NotSupported
)
"""Every rule; match on it and end with assert_never."""


def substeps(step: Step) -> tuple[Step, ...]:
    """The direct sub-steps of a step, in the order they are shown."""
    match step:
        case ConstantMultiple(inner=inner) | Elementwise(inner=inner):
            return (inner,)
        case Sum(terms=parts) | Product(factors=parts) | PiecewiseRule(pieces=parts):
            return parts
        case Quotient(numerator=a, denominator=b) | GeneralPower(base=a, exponent=b):
            return (a, b)
        case Chain(outer=a, inner_step=b):
            return (a, b)
        case Constant() | Variable() | Power() | Root() | Exp() | ExpBase() | Log() | Trig():
            return ()
        case InverseTrig() | Hyperbolic() | InverseHyperbolic() | AbsValue() | SignRule():
            return ()
        case Relu() | Sigmoid() | Special() | UndefinedFunction() | NotSupported():
            return ()
        case _:
            assert_never(step)


def walk(step: Step) -> Iterator[Step]:
    """Every step of the tree, parents before children."""
    stack = [step]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(substeps(current)))


RULE_NAMES: dict[type, str] = {
    Constant: "constant",
    Variable: "variable",
    ConstantMultiple: "constant_multiple",
    Sum: "sum",
    Power: "power",
    Root: "root",
    Product: "product",
    Quotient: "quotient",
    Chain: "chain",
    Exp: "exp",
    ExpBase: "exp_base",
    Log: "log",
    Trig: "trig",
    InverseTrig: "inverse_trig",
    Hyperbolic: "hyperbolic",
    InverseHyperbolic: "inverse_hyperbolic",
    AbsValue: "abs",
    SignRule: "sign",
    Relu: "relu",
    Sigmoid: "sigmoid",
    Special: "special_function",
    GeneralPower: "log_differentiation",
    UndefinedFunction: "undefined_function",
    Elementwise: "elementwise",
    PiecewiseRule: "piecewise",
    NotSupported: "not_supported",
}
"""Stable rule identifiers (used in JSON `rule` and in tests)."""

RULE_TITLES: dict[str, str] = {
    "constant": "Constant rule",
    "variable": "Variable",
    "constant_multiple": "Constant multiple rule",
    "sum": "Sum rule",
    "power": "Power rule",
    "root": "Root rule",
    "product": "Product rule",
    "quotient": "Quotient rule",
    "chain": "Chain rule",
    "exp": "Exponential rule",
    "exp_base": "Exponential rule (base a)",
    "log": "Logarithm rule",
    "trig": "Trigonometric rule",
    "inverse_trig": "Inverse trigonometric rule",
    "hyperbolic": "Hyperbolic rule",
    "inverse_hyperbolic": "Inverse hyperbolic rule",
    "abs": "Absolute value rule",
    "sign": "Sign function",
    "relu": "ReLU rule",
    "sigmoid": "Sigmoid rule",
    "special_function": "Special function rule",
    "log_differentiation": "General power rule (logarithmic differentiation)",
    "undefined_function": "Unknown function",
    "elementwise": "Sum over elements",
    "piecewise": "Piecewise rule",
    "not_supported": "Not covered by a named rule",
}
"""How a teacher names each rule (the heading of a step)."""

Formula = tuple[str, str]
"""A rule's formula as (plain text, LaTeX)."""

RULE_FORMULAS: dict[str, Formula] = {
    "constant": ("d/dx c = 0", r"\frac{d}{dx} c = 0"),
    "variable": ("d/dx x = 1", r"\frac{d}{dx} x = 1"),
    "constant_multiple": ("(c·f)′ = c·f′", r"(c f)' = c f'"),
    "sum": ("(f ± g)′ = f′ ± g′", r"(f \pm g)' = f' \pm g'"),
    "power": ("d/dx xⁿ = n·xⁿ⁻¹", r"\frac{d}{dx} x^{n} = n x^{n-1}"),
    "root": ("d/dx √x = 1/(2√x)", r"\frac{d}{dx} \sqrt{x} = \frac{1}{2\sqrt{x}}"),
    "product": ("(f·g)′ = f′·g + f·g′", r"(f g)' = f' g + f g'"),
    "quotient": (
        "(f/g)′ = (f′·g − f·g′)/g²",
        r"\left(\frac{f}{g}\right)' = \frac{f' g - f g'}{g^{2}}",
    ),
    "chain": ("d/dx f(u) = f′(u)·du/dx", r"\frac{d}{dx} f(u) = f'(u) \frac{du}{dx}"),
    "exp": ("d/dx eˣ = eˣ", r"\frac{d}{dx} e^{x} = e^{x}"),
    "exp_base": ("d/dx aˣ = aˣ·ln a", r"\frac{d}{dx} a^{x} = a^{x} \ln a"),
    "log": ("d/dx ln x = 1/x", r"\frac{d}{dx} \ln x = \frac{1}{x}"),
    "abs": ("d/dx |x| = x/|x| (x ≠ 0)", r"\frac{d}{dx} |x| = \frac{x}{|x|} \; (x \neq 0)"),
    "sign": ("d/dx sign(x) = 0 (x ≠ 0)", r"\frac{d}{dx} \operatorname{sign}(x) = 0 \; (x \neq 0)"),
    "relu": ("relu′(x) = 1 if x > 0, 0 if x < 0", r"\operatorname{relu}'(x) = [x > 0]"),
    "sigmoid": ("σ′(x) = σ(x)·(1 − σ(x))", r"\sigma'(x) = \sigma(x)\,(1 - \sigma(x))"),
    "log_differentiation": (
        "d/dx f^g = f^g·(g′·ln f + g·f′/f)",
        r"\frac{d}{dx} f^{g} = f^{g} \left(g' \ln f + \frac{g f'}{f}\right)",
    ),
    "undefined_function": ("d/dx f(x) = f′(x)", r"\frac{d}{dx} f(x) = f'(x)"),
    "elementwise": (
        "∂/∂xᵢ Σⱼ f(xⱼ) = f′(xᵢ)",
        r"\frac{\partial}{\partial x_i} \sum_j f(x_j) = f'(x_i)",
    ),
    "piecewise": (
        "d/dx {f if c; g otherwise} = {f′ if c; g′ otherwise} (inside each piece)",
        r"\frac{d}{dx} \begin{cases} f & \text{if } c \\ g & \text{otherwise} \end{cases} = "
        r"\begin{cases} f' & \text{if } c \\ g' & \text{otherwise} \end{cases}",
    ),
    "not_supported": ("computed by SymPy directly", r"\text{computed by SymPy directly}"),
}
"""Formula of each rule that has one formula."""

FUNCTION_FORMULAS: dict[str, Formula] = {
    "sin": ("d/dx sin x = cos x", r"\frac{d}{dx} \sin x = \cos x"),
    "cos": ("d/dx cos x = −sin x", r"\frac{d}{dx} \cos x = -\sin x"),
    "tan": ("d/dx tan x = sec² x", r"\frac{d}{dx} \tan x = \sec^{2} x"),
    "sec": ("d/dx sec x = sec x·tan x", r"\frac{d}{dx} \sec x = \sec x \tan x"),
    "csc": ("d/dx csc x = −csc x·cot x", r"\frac{d}{dx} \csc x = -\csc x \cot x"),
    "cot": ("d/dx cot x = −csc² x", r"\frac{d}{dx} \cot x = -\csc^{2} x"),
    "asin": ("d/dx asin x = 1/√(1 − x²)", r"\frac{d}{dx} \arcsin x = \frac{1}{\sqrt{1 - x^{2}}}"),
    "acos": ("d/dx acos x = −1/√(1 − x²)", r"\frac{d}{dx} \arccos x = -\frac{1}{\sqrt{1 - x^{2}}}"),
    "atan": ("d/dx atan x = 1/(1 + x²)", r"\frac{d}{dx} \arctan x = \frac{1}{1 + x^{2}}"),
    "asec": (
        "d/dx asec x = 1/(|x|·√(x² − 1))",
        r"\frac{d}{dx} \operatorname{arcsec} x = \frac{1}{|x| \sqrt{x^{2} - 1}}",
    ),
    "acsc": (
        "d/dx acsc x = −1/(|x|·√(x² − 1))",
        r"\frac{d}{dx} \operatorname{arccsc} x = -\frac{1}{|x| \sqrt{x^{2} - 1}}",
    ),
    "acot": (
        "d/dx acot x = −1/(1 + x²)",
        r"\frac{d}{dx} \operatorname{arccot} x = -\frac{1}{1 + x^{2}}",
    ),
    "sinh": ("d/dx sinh x = cosh x", r"\frac{d}{dx} \sinh x = \cosh x"),
    "cosh": ("d/dx cosh x = sinh x", r"\frac{d}{dx} \cosh x = \sinh x"),
    "tanh": ("d/dx tanh x = 1 − tanh² x", r"\frac{d}{dx} \tanh x = 1 - \tanh^{2} x"),
    "sech": (
        "d/dx sech x = −sech x·tanh x",
        r"\frac{d}{dx} \operatorname{sech} x = -\operatorname{sech} x \tanh x",
    ),
    "csch": (
        "d/dx csch x = −csch x·coth x",
        r"\frac{d}{dx} \operatorname{csch} x = -\operatorname{csch} x \coth x",
    ),
    "coth": ("d/dx coth x = 1 − coth² x", r"\frac{d}{dx} \coth x = 1 - \coth^{2} x"),
    "asinh": (
        "d/dx asinh x = 1/√(x² + 1)",
        r"\frac{d}{dx} \operatorname{arsinh} x = \frac{1}{\sqrt{x^{2} + 1}}",
    ),
    "acosh": (
        "d/dx acosh x = 1/√(x² − 1)",
        r"\frac{d}{dx} \operatorname{arcosh} x = \frac{1}{\sqrt{x^{2} - 1}}",
    ),
    "atanh": (
        "d/dx atanh x = 1/(1 − x²)",
        r"\frac{d}{dx} \operatorname{artanh} x = \frac{1}{1 - x^{2}}",
    ),
    "erf": (
        "d/dx erf x = 2/√π·e^(−x²)",
        r"\frac{d}{dx} \operatorname{erf} x = \frac{2}{\sqrt{\pi}} e^{-x^{2}}",
    ),
    "log_base": ("d/dx log_b x = 1/(x·ln b)", r"\frac{d}{dx} \log_{b} x = \frac{1}{x \ln b}"),
    "nth_root": (
        "d/dx x^(1/n) = (1/n)·x^(1/n − 1)",
        r"\frac{d}{dx} x^{1/n} = \frac{1}{n} x^{\frac{1}{n} - 1}",
    ),
    "mean": (
        "∂/∂xᵢ (1/N)Σⱼ f(xⱼ) = f′(xᵢ)/N",
        r"\frac{\partial}{\partial x_i} \frac{1}{N}\sum_j f(x_j) = \frac{f'(x_i)}{N}",
    ),
}
"""Formulas that depend on the function (or variant) a step is about."""


@dataclass(frozen=True, slots=True)
class Stage:
    """One order of differentiation: the expression differentiated, its step tree, its result."""

    expr: Expr
    step: Step
    result: Sym


@dataclass(frozen=True, slots=True)
class PointValue:
    """The derivative at a point: exact (SymPy) and as a float, with a note when not finite."""

    point: tuple[tuple[str, Sym], ...]
    exact: Sym
    approx: float | None
    note: str | None = None


Tidy = Literal["simplified", "tidied", "as derived"]
"""How the shown result was obtained from the step tree's result."""


@dataclass(frozen=True, slots=True)
class Derivation:
    """dⁿ/dxⁿ of a parsed input: stages (one per order), the final result, how it was checked.

    `result` is the readable form shown to the user; `raw` is what the step tree produced;
    `checked` says how `raw` was confirmed equal to sympy.diff.
    """

    parsed: Parsed
    var: str
    order: int
    stages: tuple[Stage, ...]
    raw: Sym
    result: Sym
    tidy: Tidy
    checked: str
    value: PointValue | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Gradient:
    """∇f: one first-order Derivation per variable, in the order the user listed them."""

    parsed: Parsed
    components: tuple[Derivation, ...]

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(c.var for c in self.components)
