r"""PARSE_LATEX: LaTeX -> plain notation (index map kept) -> the same tokens and grammar as parse.

Never SymPy's LaTeX parser, never TeX. The rewrite is one left-to-right pass with a stack of
open groups (its depth checked against MAX_DEPTH):
- `$..$`, `$$..$$`, `\(..\)`, `\[..\]` around the whole text are dropped;
- `\frac{a}{b}` (`\dfrac`, `\tfrac`) -> ((a)/(b)); `\sqrt{x}` -> sqrt(x); `\sqrt[n]{x}` ->
  root(x, n); `x^{..}`, `x_{..}`; a script without braces takes one character (`x^23` = x²·3,
  `x^-1` is allowed);
- `\sin`, `\arcsin`, `\sinh`, `\exp`, `\ln`, `\log` (`\log_{2} x` has a base) and the other
  trigonometric, hyperbolic, exp and log names; `\operatorname{sech}` (known names only);
  `\mathrm{e}` is e; Greek commands (`\lambda` is the variable "lamda", `\varepsilon` epsilon);
- `\cdot`, `\times` -> *, `\div` -> /; `\left( \right)`, `\left| \right|`, `\left[ \right]`,
  `\{ \}` and bare `[ ]` group; spacing commands (`\, \; \! \: \quad \qquad`) and `~` are spaces;
- every other command (`\input`, `\include`, `\def`, `\write18`, ...) is refused by name, and
  so are `%`, `&`, `#`, `$` inside the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from explain import lexicon as lx
from explain.errors import LimitExceeded, ParseError
from explain.expr import FUNCTIONS, Parsed
from explain.lexicon.readings import shown
from explain.lexicon.text import Text, build, describe
from explain.limits import MAX_DEPTH
from explain.parse import parse, read_text

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
SIMPLE = MappingProxyType(
    {name: " " + word for name, word in (_GREEK | _VARIANTS).items()}
    | _FUNCTIONS | _SPACE | _SYMBOLS
)  # fmt: skip
"""Commands that become plain text: \\alpha -> " alpha", \\sin -> " sin", \\cdot -> "*"."""

DELIMITERS = MappingProxyType(
    {"(": "(", ")": ")", "[": "(", "]": ")", "|": "|", ".": "", "\\{": "(", "\\}": ")",
     "\\lvert": "|", "\\rvert": "|", "\\vert": "|"}
)  # fmt: skip
"""What follows \\left / \\right (and \\big ... ) -> plain bracket."""

SIZES = frozenset(
    {
        "left",
        "right",
        "bigl",
        "bigr",
        "Bigl",
        "Bigr",
        "big",
        "Big",
        "bigg",
        "Bigg",
        "biggl",
        "biggr",
    }
)
FRACTIONS = frozenset({"frac", "dfrac", "tfrac"})
LETTER_GROUPS = frozenset({"mathrm", "mathit", "operatorname"})
_CHAR_ERRORS = {
    "$": "'$' inside the expression",
    "%": "LaTeX comments are not supported",
    "&": "'&' (alignment) is not part of an expression",
    "#": "'#' is not part of an expression",
}


def parse_latex(text: str, *, label: str = "expression") -> Parsed:
    """Read LaTeX maths into the same tree as parse (Parsed.latex is True)."""
    return read_text(text, label, latex=True, rewrite=rewrite)


def read(text: str, *, latex: bool | None = None, label: str = "expression") -> Parsed:
    """LaTeX when `latex` is True, or when None and the text has a backslash or '$'; else plain."""
    if latex is None:
        latex = "\\" in text or "$" in text
    return parse_latex(text, label=label) if latex else parse(text, label=label)


def rewrite(norm: Text, source: str, label: str) -> Text:
    """Normalised LaTeX -> normalised plain notation, every character still mapped to its origin."""
    return _Rewriter(_unwrap(norm), source, label).run()


def _unwrap(norm: Text) -> Text:
    s = norm.chars
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if len(s) >= len(left) + len(right) and s.startswith(left) and s.endswith(right):
            return norm.slice(len(left), len(s) - len(right)).strip()
    return norm


Wrappers = tuple[tuple[str, str], ...]
"""Arguments still to read: (text put before, text put after) each; \\frac reads two."""


@dataclass(frozen=True, slots=True)
class _Group:
    closer: str  # "}" or "]"
    emit: str  # what the closer becomes
    then: Wrappers  # arguments to read after it (the denominator after the numerator)
    at: int  # where it opened (normalised index)


class _Rewriter:
    def __init__(self, norm: Text, source: str, label: str) -> None:
        self.norm, self.s, self.source, self.label = norm, norm.chars, source, label
        self.i = 0
        self.out: list[tuple[str, int, int]] = []
        self.stack: list[_Group] = []

    def run(self) -> Text:
        while self.i < len(self.s):
            self.step()
        if self.stack:
            top = self.stack[-1]
            raise self.error(f"'{self.s[top.at]}' is never closed", top.at, top.at + 1)
        return build(self.out, self.norm.length)

    def put(self, text: str, i: int, j: int) -> None:
        start, end = self.norm.span(i, j)
        self.out.append((text, start, end))

    def error(self, why: str, i: int, j: int, hint: str | None = None) -> ParseError:
        start, end = self.norm.span(i, j)
        return ParseError(
            why, source=self.source, start=start, end=end, hint=hint, label=self.label
        )

    def push(self, group: _Group) -> None:
        self.stack.append(group)
        if len(self.stack) > MAX_DEPTH:
            start, end = self.norm.span(group.at, group.at + 1)
            raise LimitExceeded(
                f"groups are nested more than {MAX_DEPTH} deep", source=self.source,
                start=start, end=end, label=self.label,
            )  # fmt: skip

    def step(self) -> None:
        i, ch = self.i, self.s[self.i]
        if ch == "\\":
            self.command()
        elif ch in "{[":
            self.push(_Group("}" if ch == "{" else "]", "}" if ch == "{" else ")", (), i))
            self.put("{" if ch == "{" else "(", i, i + 1)
            self.i += 1
        elif ch in "}]":
            self.close(ch)
        elif ch in "^_":
            self.put(ch, i, i + 1)
            self.i += 1
            self.arguments((("{", "}"),), i)
        elif ch in _CHAR_ERRORS:
            raise self.error(_CHAR_ERRORS[ch], i, i + 1)
        else:
            self.put(" " if ch == "~" else ch, i, i + 1)
            self.i += 1

    def close(self, ch: str) -> None:
        i = self.i
        if not self.stack or self.stack[-1].closer != ch:
            raise self.error(f"'{ch}' closes nothing here", i, i + 1)
        group = self.stack.pop()
        self.put(group.emit, i, i + 1)
        self.i += 1
        self.arguments(group.then, i)

    def name(self) -> str:
        """The command at self.i (after its backslash): letters, or one other character."""
        j = self.i + 1
        while j < len(self.s) and self.s[j].isascii() and self.s[j].isalpha():
            j += 1
        if j == self.i + 1:
            if j >= len(self.s):
                raise self.error(
                    "a lone '\\' at the end", self.i, j, "LaTeX commands look like \\frac or \\sin"
                )
            j += 1
        return self.s[self.i + 1 : j]

    def command(self) -> None:
        i, name = self.i, self.name()
        end = i + 1 + len(name)
        if name in SIMPLE:
            self.put(SIMPLE[name], i, end)
            self.i = end
        elif name in FRACTIONS:
            self.put("(", i, end)
            self.i = end
            self.arguments((("(", ")/"), ("(", "))")), i)
        elif name == "sqrt":
            self.sqrt(i, end)
        elif name in SIZES:
            self.delimiter(i, end)
        elif name in LETTER_GROUPS:
            self.letters(name, i, end)
        elif name == "\\":
            raise self.error(
                "line break inside an expression", i, end, "give one expression on one line"
            )
        elif name.isalpha() or name.isprintable():
            raise self.error(f"LaTeX command \\{name} is not supported", i, end)
        else:
            raise self.error(f"'\\' followed by {describe(name)} is not a LaTeX command", i, end)

    def sqrt(self, i: int, end: int) -> None:
        self.put(" sqrt", i, end)
        j = self.skip(end)
        if self.s[j : j + 1] == "[":
            self.push(_Group("]", "]", (("(", ")"),), j))
            self.put("[", j, j + 1)
            self.i = j + 1
        else:
            self.i = end
            self.arguments((("(", ")"),), i)

    def delimiter(self, i: int, end: int) -> None:
        j = self.skip(end)
        k = j + 1
        if self.s[j : j + 1] == "\\":
            self.i = j
            k = j + 1 + len(self.name())
        written = self.s[j:k]
        if written not in DELIMITERS:
            raise self.error(f"'\\{self.s[i + 1 : end]}' needs a bracket after it", i, k)
        self.put(DELIMITERS[written], i, k)
        self.i = k

    def letters(self, name: str, i: int, end: int) -> None:
        j = self.skip(end)
        close = self.s.find("}", j)
        body = self.s[j + 1 : close] if self.s[j : j + 1] == "{" and close > j else ""
        if not body.isascii() or not body.isalpha():
            raise self.error(
                f"\\{name} needs letters in braces, like \\{name}{{e}}", i, max(close + 1, end)
            )
        if name == "operatorname" and body not in lx.FUNCTION_WORDS:
            raise self.error(f"unknown function \\operatorname{{{body}}}", i, close + 1)
        self.put(" " + body, i, close + 1)
        self.i = close + 1

    def skip(self, j: int) -> int:
        while j < len(self.s) and self.s[j] == " ":
            j += 1
        return j

    def arguments(self, wrappers: Wrappers, at: int) -> None:
        """Read the next arguments: a {group} (closed later by close()) or one character/command."""
        while wrappers:
            (before, after), rest = wrappers[0], wrappers[1:]
            j = self.skip(self.i)
            if j >= len(self.s) or self.s[j] in "}]":
                raise self.error("an argument is missing here", j, j + 1, "arguments look like {x}")
            if self.s[j] == "{":
                self.push(_Group("}", after, rest, j))
                self.put(before, j, j + 1)
                self.i = j + 1
                return
            self.put(before, j, j + 1)
            self.i = j
            self.single(at)
            self.put(after, self.i - 1, self.i)
            wrappers = rest

    def single(self, at: int) -> None:
        """One character (a sign may lead it: x^-1) or one simple command such as \\pi."""
        ch = self.s[self.i]
        if ch in "+-" and self.i + 1 < len(self.s) and self.s[self.i + 1] not in " {}":
            self.put(ch, self.i, self.i + 1)
            self.i += 1
            ch = self.s[self.i]
        if ch != "\\":
            if ch in "^_{}[]$%&#":
                raise self.error("an argument is missing here", at, self.i + 1)
            self.put(ch, self.i, self.i + 1)
            self.i += 1
            return
        name = self.name()
        end = self.i + 1 + len(name)
        if name not in SIMPLE:
            hint = "put braces around it, as in x^{\\frac{1}{2}} or \\frac{1}{\\sqrt{x}}"
            raise self.error(f"put \\{shown(name)} in braces here", self.i, end, hint)
        self.put(SIMPLE[name], self.i, end)
        self.i = end
