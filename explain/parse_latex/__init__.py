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
- `\lt \gt \le \leq \leqslant \ge \geq \geqslant` are comparisons, `\land \wedge` join them
  (only conditions of cases may use them: the grammar places them);
- `\begin{cases} value & condition \\ ... \end{cases}` (or dcases) -> Piecewise((value,
  condition), ...), with \text{if }, \text{otherwise}, \text{ and } (explain.parse_latex.cases);
- every other command (`\input`, `\include`, `\def`, `\write18`, ...) and environment is
  refused by name, and so are `%`, `#`, `$` inside the text, and `&`, `\\` outside cases.

Modules: tables (command -> text), state (output, index map, open groups), cases (the
environment), rewriter (the pass).
"""

from __future__ import annotations

from explain.expr import Parsed
from explain.lexicon.text import Text
from explain.parse import parse, read_text
from explain.parse_latex.rewriter import Rewriter

__all__ = ["parse_latex", "read", "rewrite"]


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
    return Rewriter(_unwrap(norm), source, label).run()


def _unwrap(norm: Text) -> Text:
    s = norm.chars
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if len(s) >= len(left) + len(right) and s.startswith(left) and s.endswith(right):
            return norm.slice(len(left), len(s) - len(right)).strip()
    return norm
