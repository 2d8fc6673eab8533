"""WORDS: runs of letters -> names, constants and functions (xy -> x·y, xsinx -> x·sin(x)).

Also refused here, with the word named: Python keywords, dunders, nan/inf, unknown functions
(`eval` before brackets), wrong-case function names (`Sin(x)`, `In x`), runs of 4+ single
letters; and
read here: keyword arguments (`dim=`), dotted spellings (`torch.exp`, `np.pi`).
"""

from __future__ import annotations

from dataclasses import dataclass

from explain import lexicon as lx
from explain.errors import ParseError
from explain.expr import Note, Span
from explain.lexicon.readings import compose
from explain.lexicon.scanner import (
    ASCII_LETTERS,
    DIGITS,
    IDENT,
    LETTERS,
    NAME_START,
    OPERAND_END,
    Scanner,
    Token,
    TokenKind,
)


def split_letters(run: str) -> tuple[tuple[int, int], ...]:
    """Cut a run of letters into words: at each place the longest known word, else one letter
    (a tensor word such as max or dot only as the whole run)."""
    if run in lx.WHOLE_WORDS:
        return ((0, len(run)),)
    pieces: list[tuple[int, int]] = []
    i = 0
    while i < len(run):
        size = 1
        for n in range(min(lx.LONGEST_WORD, len(run) - i), 1, -1):
            if run[i : i + n] in lx.KNOWN_WORDS:
                size = n
                break
        pieces.append((i, i + size))
        i += size
    return tuple(pieces)


def _piece(text: str) -> tuple[TokenKind, str]:
    """What one cut-out word is: a function spelling, a constant or a variable."""
    if text in lx.FUNCTION_WORDS:
        return "func", text
    if text in ("pi", "π", "e"):
        return "const", "pi" if text != "e" else "e"
    return "name", lx.GREEK_LETTERS.get(text, text)


@dataclass(frozen=True, slots=True)
class _Word:
    """A run of letters, its trailing digits and subscript, as normalised-text indices."""

    start: int
    letters_end: int
    digits_end: int
    subscript: str
    end: int


class WordScanner(Scanner):
    """The word-reading part of the lexer."""

    def _word(self) -> None:
        word = self._measure(self.i)
        ident = self.s[word.start : self._scan(word.start, IDENT)]
        if self._refused_word(word, ident):
            return
        letters = self.s[word.start : word.letters_end]
        dot, after = word.letters_end, word.letters_end + 1
        if (
            letters in lx.DOTTED_ROOTS
            and self.s[dot:after] == "."
            and self.s[after : after + 1] in NAME_START
        ):
            self._dotted(word.start)
            return
        pieces = [(word.start + a, word.start + b) for a, b in split_letters(letters)]
        self._check_pieces(word, letters, pieces)
        self._emit_pieces(word, pieces)

    def _measure(self, i: int) -> _Word:
        letters_end = self._scan(i, LETTERS)
        digits_end = self._scan(letters_end, DIGITS)
        if self.s[digits_end : digits_end + 1] != "_":
            return _Word(i, letters_end, digits_end, "", digits_end)
        j = digits_end + 1
        if self.s[j : j + 1] == "{":
            close = self.s.find("}", j)
            body, end = (self.s[j + 1 : close], close + 1) if close > 0 else ("", j)
        else:
            end = self._scan(j, ASCII_LETTERS | DIGITS)
            body = self.s[j:end]
        if not body or not all(c in ASCII_LETTERS | DIGITS for c in body):
            if self.s[j : j + 1] == "_":
                raise self._error("names containing '__' are not allowed", i, self._scan(i, IDENT))
            raise self._error(
                "expected a subscript (letters or digits) after '_'", digits_end, end + 1
            )
        return _Word(i, letters_end, digits_end, body, end)

    def _refused_word(self, word: _Word, ident: str) -> bool:
        """Python words, dunders, nan/inf; True/False after keepdim= become numbers."""
        end = word.start + len(ident)
        if "__" in ident:
            raise self._error("names containing '__' are not allowed", word.start, end)
        if ident in ("True", "False") and self.tokens and self.tokens[-1].text == "keepdim":
            self._emit("num", "1" if ident == "True" else "0", word.start, end)
            return True
        if self._condition_word(ident, word.start, end):
            return True
        if ident in lx.PYTHON_WORDS:
            hint = "write λ (or lamda) for the Greek letter" if ident == "lambda" else None
            if self.stack and self.stack[-1][0] == "[":
                hint = "indices are whole numbers or slices such as 1:3 (no None or new axes)"
            raise self._error(f"Python keyword '{ident}' is not maths", word.start, end, hint)
        if ident.lower() in lx.NOT_A_NUMBER:
            raise self._error(
                f"'{ident}' is not a number",
                word.start,
                end,
                "explain works with finite real values",
            )
        return bool(self.stack) and self._keyword(word, ident)

    def _condition_word(self, ident: str, start: int, end: int) -> bool:
        """Piecewise (any case) is a function; True after a comma ("otherwise") and `and`
        inside brackets belong to conditions: the grammar places them."""
        last = self.tokens[-1].kind if self.tokens else "end"
        if ident.lower() == "piecewise":
            self._emit("func", "Piecewise", start, end)
        elif ident == "True" and last == "comma":
            self._emit("op", "True", start, end)
        elif ident == "and" and self.stack and last in OPERAND_END:
            self._emit("op", "&", start, end)
        else:
            return False
        return True

    def _keyword(self, word: _Word, ident: str) -> bool:
        after = self._next_visible(word.start + len(ident))
        if self.s[after : after + 1] != "=" or self.s[after + 1 : after + 2] == "=":
            return False
        if ident not in lx.KEYWORD_ARGUMENTS:
            raise self._error(
                f"keyword argument '{ident}=' is not supported", word.start, after + 1,
                f"only dim= and keepdim= (in {lx.REDUCTION_NAMES})",
            )  # fmt: skip
        self._emit("kw", ident, word.start, after + 1)
        return True

    def _check_pieces(self, word: _Word, letters: str, pieces: list[tuple[int, int]]) -> None:
        after = self._next_visible(word.end)
        paren = self.s[after : after + 1] == "("
        spaced = after > word.end and self.s[after : after + 1] in LETTERS | DIGITS
        self._check_case(word, letters, paren or spaced)
        last_kind, _ = _piece(self.s[pieces[-1][0] : pieces[-1][1]])
        if paren and len(letters) > 1 and last_kind != "func" and not _letter_like(letters):
            raise self._unknown_function(word, letters, pieces)
        if paren and word.digits_end > word.letters_end and last_kind == "func":
            spelled = self.s[pieces[-1][0] : word.digits_end]
            if spelled not in lx.FUNCTION_WORDS:
                raise self._error(f"unknown function '{spelled}'", pieces[-1][0], word.digits_end)
        run = longest = 0
        for a, b in pieces:
            run = run + 1 if b - a == 1 and self.s[a] in ASCII_LETTERS else 0
            longest = max(longest, run)
        if longest >= 4:
            raise self._error(
                f"unknown word '{letters}'", word.start, word.letters_end,
                "write * between letters if you meant a product",
            )  # fmt: skip

    def _check_case(self, word: _Word, letters: str, applied: bool) -> None:
        lower = letters.lower()
        if lower == "pi" and letters != "pi":
            raise self._error(
                f"'{letters}' is not a name here", word.start, word.letters_end, "write pi for π"
            )
        if not applied or letters == lower or not letters.isascii():
            return
        if letters == "In":
            raise self._error(
                "unknown function 'In'",
                word.start,
                word.letters_end,
                "did you mean ln (lower-case L)?",
            )
        if lower in lx.FUNCTION_WORDS:
            raise self._error(
                f"unknown function '{letters}'", word.start, word.letters_end,
                f"function names are lower case: {lower}",
            )  # fmt: skip

    def _unknown_function(
        self, word: _Word, letters: str, pieces: list[tuple[int, int]]
    ) -> ParseError:
        hint = None
        if len(pieces) <= 3 and all(b - a == 1 for a, b in pieces):
            hint = f"for a product write {'*'.join(self.s[a:b] for a, b in pieces)}*(…)"
        if letters in lx.GREEK_FUNCTION_NAMES:
            hint = f"{letters} is read as a Greek letter here; for a product write {letters}*(…)"
        hint = lx.FUNCTION_HINTS.get(letters, hint)
        return self._error(f"unknown function '{letters}'", word.start, word.letters_end, hint)

    def _emit_pieces(self, word: _Word, pieces: list[tuple[int, int]]) -> None:
        first = len(self.tokens)
        for a, b in pieces[:-1]:
            self._emit(*_piece(self.s[a:b]), a, b)
        a, b = pieces[-1]
        kind, text = _piece(self.s[a:b])
        spelled = self.s[a : word.digits_end]
        if kind == "func" and word.digits_end > b and spelled in lx.FUNCTION_WORDS:
            self._emit("func", spelled, a, word.digits_end)
        elif kind == "func":
            self._emit(kind, text, a, b)  # digits or a subscript after it are lexed on their own
        elif word.end > b:
            suffix = self.s[b : word.digits_end] + (f"_{word.subscript}" if word.subscript else "")
            self._emit("name", (text if kind == "name" else self.s[a:b]) + suffix, a, word.end)
        else:
            self._emit(kind, text, a, b)
        self._word_notes(word, self.tokens[first:])

    def _word_notes(self, word: _Word, tokens: list[Token]) -> None:
        start, end = tokens[0].start, tokens[-1].end
        written = self.source[start:end]
        last = tokens[-1]
        if len(tokens) > 1:
            parts = [(t.kind, self.source[t.start : t.end]) for t in tokens]
            self.notes.append(
                Note("ambiguous", f"{written} was read as {compose(parts)}", Span(start, end))
            )
        if last.kind == "name" and word.digits_end > word.letters_end:
            base = self.source[last.start : self.norm.span(word.letters_end, word.letters_end)[0]]
            digits = self.s[word.letters_end : word.digits_end]
            self.notes.append(Note(
                "ambiguous",
                f"{self.source[last.start : last.end]} was read as one variable name; "
                f"write {base}^{digits} or {base}*{digits} for a power or a product",
                Span(last.start, last.end),
            ))  # fmt: skip
        if len(tokens) == 1 and written in lx.SHORT_GREEK:
            self.notes.append(
                Note("convention", f"{written} was read as a Greek letter", Span(start, end))
            )

    def _dotted(self, i: int) -> None:
        j = i
        while True:
            j = self._scan(j, IDENT)
            if self.s[j : j + 1] != "." or self.s[j + 1 : j + 2] not in NAME_START:
                break
            j += 1
        name = self.s[i:j]
        if "._" in name or "__" in name:
            raise self._error(f"'{name}': names with '_' or '__' are not allowed", i, j)
        if name in lx.WHERE or name in lx.DOTTED_FUNCTIONS:
            self._emit("func", name, i, j)
        elif name in lx.DOTTED_CONSTANTS:
            self._emit("const", lx.DOTTED_CONSTANTS[name], i, j)
        else:
            hint = lx.FUNCTION_HINTS.get(name.rpartition(".")[2])
            raise self._error(
                f"unknown name '{name}'", i, j,
                hint or "known: torch.exp, np.sin, math.log, F.relu, torch.pi ...",
            )  # fmt: skip


def _letter_like(letters: str) -> bool:
    """Greek names and pi multiply a following bracket, like single letters do."""
    return letters == "pi" or (letters in lx.GREEK_NAMES and letters not in lx.GREEK_FUNCTION_NAMES)
