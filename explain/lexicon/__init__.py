"""LEXICON of the expression language: spellings, reserved words, Greek names, characters, hints.

The package turns text into tokens, before the grammar (explain.parse) sees it:
- `text`: typed characters -> a small alphabet, each character keeping where it came from;
  the length limit, a leading label, d/dx;
- `scanner`, `words`, `lexer`: one pass cutting that text into Tokens (words: xy -> x, y);
- `readings`: the notes that say how an ambiguous text was read.
This module holds the tables (read-only mappings and frozensets) they and the parser use.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from explain.expr import FUNCTIONS


def _frozen(table: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(table))


# --- functions ---------------------------------------------------------------------------------

_ALIASES = {
    "ln": "log",
    "arcsin": "asin", "arccos": "acos", "arctan": "atan",
    "arcsec": "asec", "arccsc": "acsc", "arccot": "acot",
    "arsinh": "asinh", "arcsinh": "asinh", "arcosh": "acosh", "arccosh": "acosh",
    "artanh": "atanh", "arctanh": "atanh",
    "sgn": "sign", "√": "sqrt", "∛": "cbrt",
}  # fmt: skip

FUNCTION_WORDS: Mapping[str, str] = _frozen({**{n: n for n in FUNCTIONS}, **_ALIASES})
"""Plain spellings of functions (a word, or √ ∛) -> canonical name in expr.FUNCTIONS."""

_TENSOR_ALIASES = {"amax": "max", "t": "transpose"}
"""Tensor spellings that are not plain words: torch.amax(x) is max; x.t() and torch.t(x)."""

_TORCH = (
    "sin cos tan asin acos atan arcsin arccos arctan sinh cosh tanh asinh acosh atanh "
    "arcsinh arccosh arctanh exp log log10 log2 sqrt abs sign sgn relu sigmoid erf sum mean "
    "prod max amax matmul dot t transpose detach"
)
_NUMPY = (
    "sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh exp log log10 "
    "log2 sqrt cbrt abs sign sum mean prod max amax matmul dot transpose"
)
_MATH = (
    "sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh exp log log10 log2 sqrt cbrt erf "
    "factorial"
)


def _canonical(word: str) -> str:
    return _TENSOR_ALIASES.get(word) or FUNCTION_WORDS[word]


def _dotted() -> dict[str, str]:
    table: dict[str, str] = {}
    for prefix, words in (("torch", _TORCH), ("np", _NUMPY), ("numpy", _NUMPY), ("math", _MATH)):
        table.update({f"{prefix}.{w}": _canonical(w) for w in words.split()})
    for prefix in ("F", "torch.nn.functional"):
        table.update({f"{prefix}.{w}": w for w in ("relu", "sigmoid", "tanh")})
    table.update({"torch.special.expit": "sigmoid", "torch.special.erf": "erf"})
    table.update({"np.absolute": "abs", "numpy.absolute": "abs", "math.fabs": "abs"})
    table.update({f"{p}.{w}": "pow" for p in ("torch", "math") for w in ("pow",)})
    table.update({"np.power": "pow", "numpy.power": "pow"})
    return table


DOTTED_FUNCTIONS: Mapping[str, str] = _frozen(_dotted())
"""torch./np./numpy./math./F. spellings -> canonical name, or "pow" (a power, not a Call)."""

WHERE = frozenset({"torch.where", "np.where", "numpy.where"})
"""where(c, a, b): a where c holds, else b (read as a function defined by two cases)."""

CASES_WORDS = WHERE | {"Piecewise"}
"""Function tokens that start a function defined by cases."""

COMPARISONS = frozenset({"<", "<=", ">", ">="})
"""The comparisons a condition of Piecewise or where may use."""

DOTTED_CONSTANTS: Mapping[str, str] = _frozen(
    {
        "torch.pi": "pi",
        "math.pi": "pi",
        "np.pi": "pi",
        "numpy.pi": "pi",
        "math.e": "e",
        "np.e": "e",
        "numpy.e": "e",
    }
)
DOTTED_ROOTS = frozenset({"torch", "np", "numpy", "math", "F"})
"""Words that start a dotted name when a '.' and a letter follow them."""

METHODS: Mapping[str, str] = _frozen(
    {w: _canonical(w) for w in _TORCH.split() if w not in ("sgn",)} | {"pow": "pow"}
)
"""Tensor methods accepted after an operand: x.exp(), (x**2).sum(), x.pow(2), x.t()."""

ATTRIBUTES: Mapping[str, str] = _frozen({"T": "transpose"})
"""Tensor attributes written without brackets: x.T."""

TWO_ARGUMENT_LOG = frozenset({"log", "math.log", "\\log"})
"""Spellings where log(x, b) means the logarithm of x to base b."""

REDUCTIONS = frozenset({"sum", "mean", "prod", "max"})
"""The only functions that take a dimension (dim=<int>, or an integer second argument) and
keepdim=<True/False>."""

REDUCTION_NAMES = "sum, mean, prod and max"

KEYWORD_ARGUMENTS = frozenset({"dim", "keepdim"})

INVERSES: Mapping[str, str] = _frozen(
    {"sin": "asin", "cos": "acos", "tan": "atan", "sec": "asec", "csc": "acsc", "cot": "acot",
     "sinh": "asinh", "cosh": "acosh", "tanh": "atanh"}
)  # fmt: skip
"""sin -> asin: the hint given for sin^-1(x)."""

# --- names -------------------------------------------------------------------------------------

_GREEK_SMALL = (
    "α alpha β beta γ gamma δ delta ε epsilon ζ zeta η eta θ theta ι iota κ kappa λ lamda "
    "μ mu ν nu ξ xi ρ rho σ sigma ς sigma τ tau υ upsilon φ phi χ chi ψ psi ω omega"
)
_GREEK_CAPITAL = "Γ Gamma Δ Delta Θ Theta Λ Lambda Ξ Xi Σ Sigma Φ Phi Ψ Psi Ω Omega"


def _pairs(text: str) -> dict[str, str]:
    words = text.split()
    return dict(zip(words[0::2], words[1::2], strict=True))


GREEK_LETTERS: Mapping[str, str] = _frozen(_pairs(_GREEK_SMALL) | _pairs(_GREEK_CAPITAL))
"""Greek characters accepted as variables -> canonical ASCII name (λ -> "lamda", as in SymPy).

Capitals that look like Latin letters (Α Β Ε ...) and omicron are refused as lookalikes; π is
the constant; Π is not accepted (it reads as a product sign)."""

GREEK_NAMES = frozenset(GREEK_LETTERS.values())
"""ASCII Greek names read as one variable: alpha, theta, lamda, Gamma ..."""

GREEK_FUNCTION_NAMES = frozenset({"gamma", "beta", "zeta", "eta"})
"""Greek names that are also special functions: gamma(x) is refused rather than read as γ·x."""

SHORT_GREEK = frozenset({"mu", "nu", "xi"})
"""Two-letter Greek names that could be a product; reading them gets a note."""

APPLY_ALWAYS = frozenset({"f", "g", "h"})
"""f(...), g(...), h(...) are undefined functions applied to their arguments."""

APPLY_ONE_VARIABLE = frozenset({"y", "u", "v"})
"""y(x), u(t), v(x): applied when the parentheses hold one other bare variable."""

_PYTHON = """True False None lambda import def class if elif else for in not and or while return
yield with as from global nonlocal is del pass raise try except finally assert async await break
continue"""
PYTHON_WORDS = frozenset(_PYTHON.split())
"""Whole words refused with "Python keyword ... is not maths"."""

NOT_A_NUMBER = frozenset({"nan", "inf", "infinity", "infty", "oo", "zoo"})
"""Words (any case) refused with "not a number"."""

CONSTANT_WORDS = frozenset({"pi"})


WHOLE_WORDS = frozenset({"prod", "max", "matmul", "dot", "transpose", "detach"})
"""Tensor function names read only as a whole run of letters, never cut out of a longer one:
`product` stays an unknown word rather than prod(u·c·t)."""

FUNCTION_HINTS: Mapping[str, str] = _frozen(
    {"maximum": "the elementwise maximum is not supported; max(x) is the largest element of x",
     "minimum": "the elementwise minimum is not supported",
     "min": "min is not supported; max(x) is the largest element of x",
     "amin": "min is not supported; max(x) is the largest element of x",
     "argmax": "argmax is not supported (it has no derivative)",
     "amax": "write torch.amax(x), np.amax(x) or x.max()"}
)  # fmt: skip
"""Hints for unknown functions a tensor user is likely to write (also after torch. or np.)."""


def known_words() -> frozenset[str]:
    """Every multi-letter word the splitter may cut out of a run of letters."""
    words = {w for w in FUNCTION_WORDS if w.isascii() and w.isalpha()} - WHOLE_WORDS
    return frozenset(words | GREEK_NAMES | CONSTANT_WORDS)


KNOWN_WORDS = known_words()
LONGEST_WORD = max(len(w) for w in KNOWN_WORDS)

# --- characters --------------------------------------------------------------------------------

CHAR_MAP: Mapping[str, str] = _frozen(
    {"×": "*", "·": "*", "⋅": "*", "∙": "*", "∗": "*", "−": "-", "–": "-", "‐": "-", "‑": "-",
     "‒": "-", "÷": "/", "∕": "/", "\t": " ", "′": "'", "‘": "'", "’": "'", "“": '"', "”": '"'}
)  # fmt: skip
"""Characters replaced before NFKC (which would not map these, or would map them wrongly)."""

SUPERSCRIPTS: Mapping[str, str] = _frozen(dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-", strict=True)))
SUBSCRIPTS: Mapping[str, str] = _frozen(dict(zip("₀₁₂₃₄₅₆₇₈₉", "0123456789", strict=True)))
KEPT = frozenset("√∛π") | frozenset(GREEK_LETTERS)
"""Non-ASCII characters the tokenizer understands as they are."""

LINE_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")

LOOKALIKES = frozenset("аеорсухіјѕһԁԛԝӏАВЕКМНОРСТХЅІЈԚԜΑΒΕΖΗΙΚΜΝΟΡΤΥΧοϲ")
"""Cyrillic and Greek letters that look like Latin ones: refused with "retype it"."""
