"""READINGS: the notes that tell a person how an ambiguous text was read, and the conventions.

Pure functions of the source text and the tree: `1/2x` -> "(1/2)·x", `sin x^2` -> "sin(x^2)",
`xsinx` -> "x·sin(x)", "e is Euler's number". Messages quote the user's own spellings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from explain.expr import Const, Div, Expr, Index, Note, Num, Pow, Span, Var

CONVENTIONS = {
    "e": "e is Euler's number (2.718…)",
    "log": "log is the natural logarithm (base e); write log10(x) or log(x, 10) for base 10",
}
"""What is stated once when it was used: the constant e, log without a base."""


def shown(text: str) -> str:
    """Text fit for a one-line message: control and invisible characters become U+XXXX."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in text)


def _of(source: str, node: Expr) -> str:
    return shown(source[node.span.start : node.span.end])


def _span(left: Expr, right: Expr) -> Span:
    return Span(left.span.start, right.span.end)


def _bare(source: str, node: Expr) -> bool:
    """Written without brackets (x^2, not x^(2) or x^{2}); superscripts count as bracketed."""
    first = source[node.span.start : node.span.start + 1]
    return first not in ("(", "{") and first.isascii()


def compose(parts: Sequence[tuple[str, str]]) -> str:
    """(kind, written) pieces of a cut word -> "x·sin(x)", in the user's own spellings."""
    out: list[str] = []
    k = 0
    while k < len(parts):
        kind, written = parts[k]
        k += 1
        if kind == "func":
            args = []
            while k < len(parts) and parts[k][0] != "func":
                args.append(parts[k][1])
                k += 1
            written = f"{written}({'·'.join(args)})" if args else written
        out.append(written)
    return "·".join(out)


def slash(source: str, left: Expr, right: Expr, slash_start: int) -> Note | None:
    """x^1/2 is (x^1)/2: said when a bare number exponent is followed at once by '/number'."""
    if not (isinstance(left, Pow) and isinstance(left.exponent, Num) and isinstance(right, Num)):
        return None
    exp = left.exponent
    if not _bare(source, exp) or exp.span.end != slash_start or slash_start + 1 != right.span.start:
        return None
    base, e, d = _of(source, left.base), _of(source, exp), _of(source, right)
    whole = shown(source[left.span.start : right.span.end])
    message = f"{whole} was read as ({base}^{e})/{d}; write {base}^({e}/{d}) if you meant that"
    return Note("ambiguous", message, _span(left, right))


def implicit(source: str, left: Expr, right: Expr) -> Note | None:
    """1/2x is (1/2)·x and e^2x is e^2·x: juxtaposition binds like '*', left to right."""
    whole, r = shown(source[left.span.start : right.span.end]), _of(source, right)
    if isinstance(left, Div) and left.span.start == left.left.span.start:
        a, b = _of(source, left.left), _of(source, left.right)
        message = f"{whole} was read as ({a}/{b})·{r}; write {a}/({b}{r}) if you meant that"
        return Note("ambiguous", message, _span(left, right))
    if isinstance(left, Pow) and isinstance(left.base, Const) and left.base.name == "e":
        exp = left.exponent
        if _bare(source, exp) and exp.span.end == right.span.start:
            e = _of(source, exp)
            message = f"{whole} was read as e^{e}·{r}; write e^({e}{r}) if you meant that"
            return Note("ambiguous", message, _span(left, right))
    return None


def bare_argument(source: str, start: int, spelling: str, arg: Expr) -> Note | None:
    """sin x^2 -> "sin x^2 was read as sin(x^2)"; nothing for sin x, sin x[0] or sin (x + 1)."""
    if isinstance(arg, Index) and isinstance(arg.base, Var):
        return None
    if isinstance(arg, Num | Var | Const) or not _bare(source, arg):
        return None
    whole = shown(source[start : arg.span.end])
    message = f"{whole} was read as {spelling}({_of(source, arg)})"
    return Note("ambiguous", message, Span(start, arg.span.end))


def conventions(seen: Iterable[str]) -> list[Note]:
    """One note for each convention that was used."""
    return [Note("convention", CONVENTIONS[key]) for key in CONVENTIONS if key in seen]
