"""TEXT as the parser sees it: typed characters mapped onto a small alphabet, with an index map.

Also the steps on whole text before tokens: the length limit (on the raw text, before any
trimming), dropping a leading label such as `y =`, refusing `d/dx`.
Each character of the normalised text remembers the original offsets it came from, so every
error and every span points into what the user typed (before NFKC, superscripts, trimming).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from explain.errors import LimitExceeded, ParseError
from explain.expr import Note, Span
from explain.lexicon import CHAR_MAP, KEPT, SUBSCRIPTS, SUPERSCRIPTS
from explain.limits import MAX_INPUT_CHARS


@dataclass(frozen=True, slots=True)
class Text:
    """Normalised text; character i came from original offsets [starts[i], ends[i])."""

    chars: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    length: int  # length of the original text

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Original [start, end) of normalised characters [i, j); empty ranges map to a point."""
        n = len(self.chars)
        i, j = min(max(i, 0), n), min(max(j, i), n)
        if j > i:
            return self.starts[i], self.ends[j - 1]
        at = self.starts[i] if i < n else (self.ends[-1] if self.chars else self.length)
        return at, at

    def slice(self, i: int, j: int) -> Text:
        return Text(self.chars[i:j], self.starts[i:j], self.ends[i:j], self.length)

    def strip(self) -> Text:
        """Without leading and trailing whitespace (line breaks included)."""
        i, j = 0, len(self.chars)
        while i < j and self.chars[i].isspace():
            i += 1
        while j > i and self.chars[j - 1].isspace():
            j -= 1
        return self.slice(i, j)


def build(pieces: list[tuple[str, int, int]], length: int) -> Text:
    """A Text from (replacement, original start, original end) pieces."""
    chars, starts, ends = [], [], []
    for text, start, end in pieces:
        chars.append(text)
        starts.extend([start] * len(text))
        ends.extend([end] * len(text))
    return Text("".join(chars), tuple(starts), tuple(ends), length)


def normalise(text: str) -> Text:
    """Map typed characters onto the alphabet; superscripts become ^{..}, subscripts _{..}."""
    pieces: list[tuple[str, int, int]] = []
    i = 0
    while i < len(text):
        run = _script_run(text, i)
        if run:
            pieces.extend(run)
            i = run[-1][2]
            continue
        pieces.append((_one(text[i]), i, i + 1))
        i += 1
    return build(pieces, len(text))


def _script_run(text: str, i: int) -> list[tuple[str, int, int]]:
    """x²³ -> ^{23}, x⁻¹ -> ^{-1}, x₁ -> _{1} (braced, so that x²3 is not x^23)."""
    for table, mark in ((SUPERSCRIPTS, "^"), (SUBSCRIPTS, "_")):
        j = i
        while j < len(text) and text[j] in table:
            j += 1
        if j > i:
            body = [(table[text[k]], k, k + 1) for k in range(i, j)]
            return [(mark + "{", i, i + 1), *body, ("}", j - 1, j)]
    return []


_COMPATIBLE = frozenset({"", "<wide>", "<narrow>", "<font>", "<noBreak>", "<compat>"})
"""Decomposition tags NFKC may undo: fullwidth, mathematical alphabets, spaces (not <super>)."""


def _one(ch: str) -> str:
    if ch.isascii() or ch in KEPT:
        return ch
    if ch in CHAR_MAP:
        return CHAR_MAP[ch]
    if unicodedata.decomposition(ch).split(" ")[0] not in _COMPATIBLE:
        return ch  # ², ½, ㎡ ...: NFKC would change their meaning; the tokenizer names them
    mapped = unicodedata.normalize("NFKC", ch)
    if len(mapped) == 1 and mapped in KEPT:
        return mapped
    if mapped.isascii() and mapped.isprintable() and unicodedata.category(ch) != "Mn":
        return "".join(CHAR_MAP.get(c, c) for c in mapped)
    return CHAR_MAP.get(mapped, ch)  # left as typed: the tokenizer names it in its error


def describe(ch: str) -> str:
    """U+0445 CYRILLIC SMALL LETTER HA."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}".rstrip()


Rewrite = Callable[[Text, str, str], Text]
"""A front end's rewrite of normalised text into plain notation (LaTeX has one)."""


def prepare(text: str, label: str, rewrite: Rewrite | None = None) -> Text:
    """Check the length of the raw text, normalise its characters, strip, apply a rewrite."""
    if len(text) > MAX_INPUT_CHARS:
        raise LimitExceeded(
            f"the {label} is {len(text)} characters long; the limit is {MAX_INPUT_CHARS}",
            source=text, start=MAX_INPUT_CHARS, end=MAX_INPUT_CHARS + 1, label=label,
        )  # fmt: skip
    norm = normalise(text).strip()
    return rewrite(norm, text, label).strip() if rewrite else norm


_LABEL = (
    r"\s*(?:\(*d\s*[A-Za-z]\)*\s*/\s*\(*d\s*[A-Za-z]\)*|[A-Za-z]\s*'\s*(?:\(\s*[A-Za-z]\s*\))?"
    r"|[A-Za-z]\s*\(\s*[A-Za-z]\s*(?:,\s*[A-Za-z]\s*)*\)|[A-Za-wyzA-Z])\s*=(?!=)\s*"
)
"""dy/dx =, y' =, f'(x) =, f(x) =, y = (any letter but x) at the very start."""

_D_OPERATOR = r"(?<![A-Za-z0-9_])\(*d\)*\s*/\s*\(*d\s*[A-Za-z]"


def drop_label(norm: Text, source: str) -> tuple[Text, tuple[Note, ...]]:
    """A leading label is dropped, with a note saying so."""
    found = re.match(_LABEL, norm.chars)
    if not found:
        return norm, ()
    start, end = norm.span(0, found.end())
    written = source[start:end].strip()
    note = Note("dropped", f"the label '{written}' at the start was dropped", Span(start, end))
    return norm.slice(found.end(), len(norm.chars)), (note,)


def refuse_d_operator(norm: Text, source: str, label: str) -> None:
    """d/dx(...) is an operator the user should replace by --wrt."""
    found = re.search(_D_OPERATOR, norm.chars)
    if found:
        start, end = norm.span(found.start(), found.end())
        raise ParseError(
            "d/dx is an operator, not part of the expression", source=source, start=start,
            end=end, label=label, hint="give the expression alone; choose the variable with --wrt",
        )  # fmt: skip
