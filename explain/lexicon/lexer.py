"""LEXER: normalised text -> Tokens (offsets into the original text), and notes on cut words.

One left-to-right pass: numbers, operators, brackets (their depth counted here, before any
recursive descent starts), tensor methods, and every character outside the alphabet refused
with its own message. Words are read by WordScanner.
"""

from __future__ import annotations

import unicodedata

from explain import lexicon as lx
from explain.errors import ParseError
from explain.expr import Note
from explain.lexicon.scanner import (
    ASCII_LETTERS,
    CLOSER,
    DIGITS,
    IDENT,
    LETTERS,
    OPERAND_END,
    OPERATORS,
    Token,
    TokenKind,
)
from explain.lexicon.text import Text, describe
from explain.lexicon.words import WordScanner
from explain.limits import MAX_DEPTH, MAX_INT_DIGITS, MAX_SCI_EXPONENT

_CHAR_ERRORS: dict[str, tuple[str, str | None]] = {
    ";": ("one expression at a time", "run explain once for each expression"),
    "=": (
        "'=' is not part of an expression",
        "give the expression alone (a leading 'y =' is dropped)",
    ),
    "[": ("lists are values, not expressions", "give values with --at"),
    ":": ("':' only appears in a slice such as x[1:3]", None),
    "\\": (
        "'\\' starts a LaTeX command",
        "LaTeX is read when the text has a backslash, or with --latex",
    ),
    "$": (
        "'$' belongs to LaTeX",
        "LaTeX is read when the text has a backslash or '$', or with --latex",
    ),
    '"': ("strings are not part of maths", None),
    "`": ("strings are not part of maths", None),
}

_BASES = {
    k: v
    for keys, v in (("xX", ("hexadecimal", frozenset("0123456789abcdefABCDEF"))),
                    ("bB", ("binary", frozenset("01"))), ("oO", ("octal", frozenset("01234567"))))
    for k in keys
}  # fmt: skip


class Lexer(WordScanner):
    """One left-to-right pass over normalised text: tokens, plus notes on how words were cut."""

    def run(self) -> tuple[tuple[Token, ...], tuple[Note, ...]]:
        while self.i < len(self.s):
            if self.s[self.i] == " ":
                self.i += 1
            else:
                self._dispatch(self.s[self.i])
        at, _ = self.norm.span(len(self.s), len(self.s))
        self.tokens.append(Token("end", "", at, at))
        return tuple(self.tokens), tuple(self.notes)

    def _dispatch(self, ch: str) -> None:
        if ch in DIGITS or (ch == "." and self._at(1) in DIGITS):
            self._number()
        elif ch in LETTERS:
            self._word()
        elif ch in OPERATORS:
            self._operator(ch)
        elif ch in "({" or (ch == "[" and self._index_may_open()):
            self._open(ch)
        elif ch in ")}]":
            self._close(ch)
        elif ch == ":" and self._in_index():
            self._emit("op", ch, self.i, self.i + 1)
        elif ch in "|,√∛" or (ch == "_" and self._after_function()):
            kinds: dict[str, TokenKind] = {"|": "bar", ",": "comma", "_": "op"}
            self._emit(kinds.get(ch, "func"), ch, self.i, self.i + 1)
        elif ch == ".":
            self._method()
        elif ch in "<>&":
            self._comparison(ch)
        else:
            raise self._bad_char(self.i)

    # helpers

    def _in_index(self) -> bool:
        return bool(self.stack) and self.stack[-1][0] == "["

    def _index_may_open(self) -> bool:
        """x[0], (A@w)[0], x.T[0], |x|[0]; a list literal [1, 2] is a value, refused (inside an
        index or after a bar the grammar names it itself)."""
        last = self.tokens[-1] if self.tokens else None
        after_operand = last is not None and (
            last.kind in OPERAND_END
            or last.kind == "bar"
            or (last.kind == "method" and last.text in lx.ATTRIBUTES)
        )
        return self.latex or after_operand or self._in_index()

    def _after_function(self) -> bool:
        last = self.tokens[-1] if self.tokens else None
        return (
            last is not None
            and last.kind == "func"
            and self.norm.span(self.i, self.i)[0] == last.end
        )

    def _open(self, ch: str) -> None:
        self.stack.append((ch, self.i))
        if len(self.stack) > MAX_DEPTH:
            raise self._limit(f"brackets are nested more than {MAX_DEPTH} deep", self.i, self.i + 1)
        self._emit("open", ch, self.i, self.i + 1)

    def _close(self, ch: str) -> None:
        if not self.stack:
            raise self._error(
                f"'{ch}' closes nothing", self.i, self.i + 1, "remove it or add its opening bracket"
            )
        opened, at = self.stack.pop()
        if CLOSER[opened] != ch:
            column = self.norm.span(at, at + 1)[0] + 1
            raise self._error(
                f"'{ch}' does not match the '{opened}' at column {column}", self.i, self.i + 1
            )
        self._emit("close", ch, self.i, self.i + 1)

    def _operator(self, ch: str) -> None:
        if ch == "*" and self._at(1) == "*":
            self._emit("op", "^", self.i, self.i + 2)
        else:
            self._emit("op", ch, self.i, self.i + 1)

    def _comparison(self, ch: str) -> None:
        """<, <=, >, >= and & (conditions of Piecewise and torch.where); the grammar refuses
        them anywhere else."""
        if ch == "&" and self._at(1) == "&":
            raise self._error("'&&' is not Python", self.i, self.i + 2, "write & or and")
        size = 2 if ch != "&" and self._at(1) == "=" else 1
        self._emit("op", self.s[self.i : self.i + size], self.i, self.i + size)

    def _bad_char(self, i: int) -> ParseError:
        ch, original = self.s[i], self.source[self.norm.starts[i]]
        if ch in lx.LINE_BREAKS:
            return self._error(
                "line break inside an expression", i, i + 1, "give one expression on one line"
            )
        if ch == "'":
            return self._quote(i)
        if ch == "_":
            return self._error("names cannot start with '_'", i, self._scan(i, IDENT))
        if ch in _CHAR_ERRORS:
            why, hint = _CHAR_ERRORS[ch]
            return self._error(why, i, i + 1, hint)
        category = unicodedata.category(original)
        if category == "Cc":
            return self._error(f"control character {describe(original)} is not allowed", i, i + 1)
        if category in ("Cf", "Zl", "Zp", "Mn", "Me"):
            return self._error(f"invisible character {describe(original)}", i, i + 1, "delete it")
        hint = "it looks like a Latin letter; retype it" if original in lx.LOOKALIKES else None
        if unicodedata.decomposition(original).startswith(("<super>", "<sub>")):
            hint = "write powers with ^ and subscripts with _"
        return self._error(f"character {describe(original)} is not allowed", i, i + 1, hint)

    def _quote(self, i: int) -> ParseError:
        before = self.s[i - 1] if i > 0 else ""
        after = self.s[i + 1] if i + 1 < len(self.s) else ""
        if (before in IDENT or before in LETTERS or before == ")") and after not in ASCII_LETTERS:
            return self._error(
                "prime marks are not part of an expression", i, i + 1,
                "write the function itself; the variable of d/dx is given by --wrt",
            )  # fmt: skip
        return self._error("strings are not part of maths", i, i + 1)

    # numbers

    def _number(self) -> None:
        i = self.i
        base = _BASES.get(self._at(1)) if self.s[i] == "0" else None
        if base and self._at(2) in base[1]:
            end = self._scan(i + 2, IDENT)
            hint = f"{base[0]} literals are not supported; write the number in decimal"
            raise self._error(f"'{self.s[i:end]}' is a {base[0]} literal", i, end, hint)
        if self.tokens and self.tokens[-1].kind == "num":
            hint = "write * between them, or remove the space"
            raise self._error("two numbers in a row", i, i + 1, hint)
        whole_end = self._scan(i, DIGITS)
        frac_end = whole_end
        if (
            self.s[whole_end : whole_end + 1] == "."
            and whole_end + 1 < len(self.s)
            and self.s[whole_end + 1] in DIGITS
        ):
            frac_end = self._scan(whole_end + 1, DIGITS)
        self._check_number_end(i, frac_end)
        digits = max(whole_end - i, frac_end - whole_end - 1)
        if digits > MAX_INT_DIGITS:
            raise self._limit(
                f"a number has {digits} digits; the limit is {MAX_INT_DIGITS}", i, frac_end
            )
        exponent, end = self._exponent(frac_end)
        self._emit(
            "num", _number_text(self.s[i:whole_end], self.s[whole_end:frac_end], exponent), i, end
        )

    def _check_number_end(self, i: int, j: int) -> None:
        nxt, after = self.s[j : j + 1], self.s[j + 1 : j + 2]
        if nxt == "_" and after in DIGITS:
            raise self._error(
                "underscores in numbers are not supported", j, j + 1, "write 1000, not 1_000"
            )
        if nxt == "." and after in DIGITS:
            raise self._error("a number has one decimal point", j, j + 1)
        if nxt == "." and after not in ASCII_LETTERS:
            written = self.s[i:j]
            raise self._error(
                f"'{written}.' needs digits after the decimal point" if j > i else "unexpected '.'",
                j, j + 1, f"write {written} or {written}.0",
            )  # fmt: skip

    def _exponent(self, i: int) -> tuple[str, int]:
        """1.5e-3: returns ("-3", end); ("", i) when `e` is Euler's number (2e, 2ex)."""
        if self.s[i : i + 1] not in ("e", "E"):
            return "", i
        j = i + 1 + (self.s[i + 1 : i + 2] in ("+", "-"))
        if self.s[j : j + 1] not in DIGITS:
            return "", i
        end = self._scan(j, DIGITS)
        digits = self.s[j:end].lstrip("0") or "0"
        if len(digits) > 6 or int(digits) > MAX_SCI_EXPONENT:
            written = self.s[i + 1 : end]
            why = f"the exponent {written} is too large; the limit is ±{MAX_SCI_EXPONENT}"
            raise self._limit(why, i, end)
        sign = "-" if self.s[i + 1] == "-" else ""
        return sign + digits, end

    # words

    def _method(self) -> None:
        i = self.i
        if self.s[i : i + 3] == "...":
            hint = "write every index: x[:, 0]" if self._in_index() else None
            raise self._error("'...' (Ellipsis) is not supported", i, i + 3, hint)
        j = self._scan(i + 1, IDENT)
        name = self.s[i + 1 : j]
        last = self.tokens[-1].kind if self.tokens else "end"
        if last == "method" and self.tokens[-1].text in lx.ATTRIBUTES:
            last = "close"
        if not name or name[0] in DIGITS or last not in OPERAND_END:
            raise self._error("unexpected '.'", i, i + 1, "remove it" if j == len(self.s) else None)
        hint = "only maths methods such as .exp(), .sum(), .pow(n), and .T"
        if name.startswith("_"):
            raise self._error(f"attribute '.{name}' is not allowed", i, j, hint)
        if name in lx.ATTRIBUTES:
            if self.s[j : j + 1] == "(":
                raise self._error(
                    f"write .{name} without parentheses", i, j + 1, f"or .{name.lower()}()"
                )
            self._emit("method", name, i, j)
            return
        if name not in lx.METHODS:
            raise self._error(f"unknown method '.{name}()'", i, j, hint)
        if self.s[j : j + 1] != "(":
            raise self._error(f"write .{name}() with parentheses", i, j)
        self._emit("method", name, i, j)


def _number_text(whole: str, fraction: str, exponent: str) -> str:
    """Normalised literal: ".5" -> "0.5", "007" -> "7", "1E+05" -> "1e5"."""
    text = (whole.lstrip("0") or "0") + fraction
    return f"{text}e{exponent}" if exponent else text


def lex(
    norm: Text, source: str, label: str, *, latex: bool
) -> tuple[tuple[Token, ...], tuple[Note, ...]]:
    """Tokens of normalised text (spans in the original), and notes on how words were cut."""
    return Lexer(norm, source, label, latex).run()
