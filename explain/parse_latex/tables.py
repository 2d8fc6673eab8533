"""TABLES of the LaTeX front end: which commands and characters become which plain text."""

from __future__ import annotations

from types import MappingProxyType

from explain import lexicon as lx
from explain.expr import FUNCTIONS

_FUNCTION_FAMILIES = ("trig", "inverse_trig", "hyperbolic", "inverse_hyperbolic", "exp", "log")
_GREEK = {name: name for name in lx.GREEK_NAMES} | {"lambda": "lamda", "pi": "pi"}
_VARIANTS = {
    "varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varrho": "rho",
    "varsigma": "sigma",
}  # fmt: skip
_FUNCTIONS = {
    w: " " + w
    for w, f in lx.FUNCTION_WORDS.items()
    if w.isalpha() and FUNCTIONS[f].family in _FUNCTION_FAMILIES
}
_SPACE = {",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": " ", "qquad": " "}
_SYMBOLS = {
    "cdot": "*", "times": "*", "ast": "*", "div": "/", "{": "(", "}": ")", "lvert": "|",
    "rvert": "|", "vert": "|", "displaystyle": "", "textstyle": "", "infty": " infinity",
}  # fmt: skip
_CONDITIONS = {
    "lt": "<", "gt": ">", "le": "<=", "leq": "<=", "leqslant": "<=", "ge": ">=", "geq": ">=",
    "geqslant": ">=", "land": " & ", "wedge": " & ",
}  # fmt: skip
"""Comparisons and `and` of a condition; the grammar accepts them only in a condition."""

SIMPLE = MappingProxyType(
    {name: " " + word for name, word in (_GREEK | _VARIANTS).items()}
    | _FUNCTIONS | _SPACE | _SYMBOLS | _CONDITIONS
)  # fmt: skip
"""Commands that become plain text: \\alpha -> " alpha", \\sin -> " sin", \\cdot -> "*"."""

DELIMITERS = MappingProxyType(
    {"(": "(", ")": ")", "[": "(", "]": ")", "|": "|", ".": "", "\\{": "(", "\\}": ")",
     "\\lvert": "|", "\\rvert": "|", "\\vert": "|"}
)  # fmt: skip
"""What follows \\left / \\right (and \\big ... ) -> plain bracket."""

SIZES = frozenset(
    {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "bigg", "Bigg", "biggl",
     "biggr"}
)  # fmt: skip
FRACTIONS = frozenset({"frac", "dfrac", "tfrac"})
LETTER_GROUPS = frozenset({"mathrm", "mathit", "operatorname"})
CHAR_ERRORS = MappingProxyType(
    {
        "$": "'$' inside the expression",
        "%": "LaTeX comments are not supported",
        "&": "'&' (alignment) is not part of an expression",
        "#": "'#' is not part of an expression",
    }
)

ENVIRONMENTS = frozenset({"cases", "dcases"})
"""The only environments read: a function defined by cases (amsmath, mathtools)."""

CONDITION_WORDS = MappingProxyType(
    {"if": " ", "for": " ", "when": " ", "otherwise": " True", "else": " True", "and": " & "}
)
"""\\text{...} in a condition of cases: a leading if/for/when is dropped, otherwise/else is
True (the last piece), and joins comparisons."""

LEADING_WORDS = frozenset({"if", "for", "when"})
WHOLE_CONDITION_WORDS = frozenset({"otherwise", "else"})
TEXT_COMMANDS = frozenset({"text", "textrm", "mbox"})
