"""SCANNER: the Token type and the shared state and helpers of the lexer's passes.

A Token's `start`/`end` are offsets into the ORIGINAL text: the scanner works on normalised text
(lexicon.text.Text) and maps every index back through its index map.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from explain import lexicon as lx
from explain.errors import LimitExceeded, ParseError
from explain.expr import Note
from explain.lexicon.text import Text

TokenKind = Literal[
    "num", "name", "const", "func", "method", "kw", "op", "open", "close", "bar", "comma", "end"
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Token:
    """One token; `start`/`end` are offsets into the ORIGINAL text (before normalisation).

    text: num -> normalised literal; name -> canonical variable name; const -> "pi"/"e";
    func -> spelling ("sin", "ln", "torch.exp", "√"); method -> "exp" (or "T" for x.T);
    kw -> "dim"; op -> + - * / @ ^ ! _ and : (in an index); open/close -> ( ) { } [ ];
    bar -> |; comma -> ,; end -> "".
    """

    kind: TokenKind
    text: str
    start: int
    end: int


DIGITS = frozenset("0123456789")
ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
IDENT = ASCII_LETTERS | DIGITS | {"_"}
NAME_START = ASCII_LETTERS | {"_"}
LETTERS = ASCII_LETTERS | frozenset(lx.GREEK_LETTERS) | {"π"}
OPERATORS = frozenset("+-*/^!@")
CLOSER = {"(": ")", "{": "}", "[": "]"}
OPERAND_END = frozenset({"num", "name", "const", "close"})


class Scanner:
    """State of one left-to-right pass: position, tokens so far, notes, open brackets."""

    def __init__(self, norm: Text, source: str, label: str, latex: bool) -> None:
        self.norm, self.s, self.source, self.label, self.latex = (
            norm,
            norm.chars,
            source,
            label,
            latex,
        )
        self.i = 0
        self.tokens: list[Token] = []
        self.notes: list[Note] = []
        self.stack: list[tuple[str, int]] = []

    def _at(self, k: int) -> str:
        return self.s[self.i + k] if self.i + k < len(self.s) else ""

    def _emit(self, kind: TokenKind, text: str, i: int, j: int) -> None:
        start, end = self.norm.span(i, j)
        self.tokens.append(Token(kind, text, start, end))
        self.i = j

    def _error(self, why: str, i: int, j: int, hint: str | None = None) -> ParseError:
        start, end = self.norm.span(i, max(j, i + 1) if i < len(self.s) else j)
        return ParseError(
            why, source=self.source, start=start, end=end, hint=hint, label=self.label
        )

    def _limit(self, why: str, i: int, j: int) -> LimitExceeded:
        start, end = self.norm.span(i, j)
        return LimitExceeded(why, source=self.source, start=start, end=end, label=self.label)

    def _scan(self, i: int, chars: frozenset[str]) -> int:
        while i < len(self.s) and self.s[i] in chars:
            i += 1
        return i

    def _next_visible(self, i: int) -> int:
        while i < len(self.s) and self.s[i] == " ":
            i += 1
        return i

    # brackets and operators
