r"""CASES in LaTeX: \begin{cases} value & condition \\ ... \end{cases} -> Piecewise((value,
condition), ...), read on by the same grammar as Piecewise typed as text.

`cases` and `dcases` are the environments read; any other is refused by name. Each row is
`value & condition`; a `\\` after the last row is allowed. In a condition, a leading
\text{if }, \text{for } or \text{when } is dropped, \text{otherwise} or \text{else} is True (the
whole condition), \text{and} joins comparisons (as \land and \wedge do); a comma or full stop
ending a value or a condition is prose and is dropped. `&` and `\\` anywhere else stay refused.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from explain.errors import ParseError
from explain.lexicon.text import Text
from explain.limits import MAX_PIECES
from explain.parse_latex.state import Group, State
from explain.parse_latex.tables import (
    CONDITION_WORDS,
    ENVIRONMENTS,
    LEADING_WORDS,
    TEXT_COMMANDS,
    WHOLE_CONDITION_WORDS,
)

ROW_HINT = r"each row is value & condition, as in x^2 & x < 0 \\ x & \text{otherwise}"
WORDS_HINT = (
    r"a condition is a comparison such as x < 0, maybe after \text{if }; join two with "
    r"\text{ and }; \text{otherwise} for the last row"
)


@dataclass(frozen=True, slots=True)
class Row:
    """The row being read in the innermost open cases environment."""

    number: int  # 1, 2, ...
    start: int  # normalised index of its first character
    mark: int  # len(out) where its current cell (value, then condition) starts
    amp: int = -1  # normalised index of its '&' (-1 while reading the value)
    closed: bool = False  # ended by a '\\' that only \end{...} follows


class Environments(State):
    """\\begin{cases} ... \\end{cases}: rows, cells and the words of conditions."""

    def __init__(self, norm: Text, source: str, label: str) -> None:
        super().__init__(norm, source, label)
        self.rows: list[Row] = []  # one per open cases environment, innermost last

    def structure(self, name: str, i: int, end: int) -> bool:
        """\\begin, \\end, \\\\ in cases and \\text: handled here (True), or not (False)."""
        if name == "begin":
            self.begin(i, end)
        elif name == "end":
            self.end(i, end)
        elif name == "\\" and self.in_cases():
            self.line_break(i, end)
        elif name == "\\" and (misplaced := self.separator(i, end)):
            raise misplaced
        elif name in TEXT_COMMANDS:
            self.words(i, end)
        else:
            return False
        return True

    def in_cases(self) -> bool:
        """Directly inside cases (not inside a brace group within it)."""
        return bool(self.stack) and self.stack[-1].closer in ENVIRONMENTS

    def separator(self, i: int, j: int) -> ParseError | None:
        """Why '&' or '\\\\' at [i, j) is misplaced inside cases: a group opened in the row is
        still open (None when no cases environment is open: the plain refusal applies)."""
        if not any(group.closer in ENVIRONMENTS for group in self.stack):
            return None
        opened = self.stack[-1]
        column = self.norm.span(opened.at, opened.at + 1)[0] + 1
        return self.error(
            f"'{self.s[i:j]}' inside the '{self.s[opened.at]}' opened at column {column}", i, j,
            f"close the '{self.s[opened.at]}' before '{self.s[i:j]}'",
        )  # fmt: skip

    def begin(self, i: int, end: int) -> None:
        name, after = self.braced(i, end)
        if name not in ENVIRONMENTS:
            raise self.error(
                f"the LaTeX environment {{{name}}} is not supported", i, after,
                r"functions defined by cases: \begin{cases} x^2 & x < 0 \\ x & \text{otherwise}"
                r" \end{cases}",
            )  # fmt: skip
        self.push(Group(name, ")", (), i))
        self.put(" Piecewise", i, end)
        self.put("(", end, after)
        self.rows.append(Row(0, i, 0))
        self.row(after, i)

    def row(self, j: int, at: int) -> None:
        """Start the next row at j (`at` is what began it: \\begin or the '\\\\')."""
        number = self.rows[-1].number + 1
        if number > MAX_PIECES:
            raise self.limit(f"cases has more than {MAX_PIECES} rows", at, j)
        k = self.skip(j)
        self.put("(", k, k + 1)
        self.rows[-1] = Row(number, k, len(self.out))
        self.i = k

    def ampersand(self, i: int) -> None:
        row = self.rows[-1]
        if row.amp >= 0:
            raise self.error(f"a second '&' in row {row.number} of cases", i, i + 1, ROW_HINT)
        self.cell(i, "value before '&'")
        self.put(", ", i, i + 1)
        self.rows[-1] = replace(row, amp=i, mark=len(self.out))
        self.i = i + 1

    def line_break(self, i: int, j: int) -> None:
        self.finish(i)
        self.put(")", i, j)
        k = self.skip(j)
        if self.s.startswith("\\end", k):
            self.rows[-1] = replace(self.rows[-1], closed=True)
            self.i = k
            return
        self.put(", ", i, j)
        self.row(j, i)

    def end(self, i: int, end: int) -> None:
        name, after = self.braced(i, end)
        if self.stack and self.stack[-1].closer not in ENVIRONMENTS:
            raise self.unclosed(self.stack[-1])
        if not self.stack:
            raise self.error(f"\\end{{{name}}} closes nothing here", i, after)
        opened = self.stack[-1]
        if opened.closer != name:
            column = self.norm.span(opened.at, opened.at + 1)[0] + 1
            why = f"does not match the \\begin{{{opened.closer}}} at column {column}"
            raise self.error(f"\\end{{{name}}} {why}", i, after)
        row = self.rows[-1]
        if not row.closed:
            if row.number == 1 and row.amp < 0 and self.blank(row):
                raise self.error(f"\\begin{{{name}}} has no rows", i, after, ROW_HINT)
            self.finish(i)
            self.put(")", i, after)
        self.put(")", i, after)
        self.stack.pop()
        self.rows.pop()
        self.i = after

    def finish(self, at: int) -> None:
        """The row ends at `at`: it has an '&', a value and a condition."""
        row = self.rows[-1]
        if row.amp < 0:
            what = "is empty" if self.blank(row) else "has no '&' between value and condition"
            end = len(self.s[row.start : at].rstrip()) + row.start
            raise self.error(f"row {row.number} of cases {what}", row.start, end, ROW_HINT)
        self.cell(at, "condition after '&'")

    def cell(self, at: int, missing: str) -> None:
        """Drop the spaces and a comma or full stop that end the cell; refuse an empty one."""
        row = self.rows[-1]
        while len(self.out) > row.mark and not self.out[-1][0].strip():
            self.out.pop()
        if len(self.out) > row.mark and self.out[-1][0] in (",", "."):
            self.out.pop()
        if self.blank(row):
            raise self.error(f"row {row.number} of cases has no {missing}", at, at + 1, ROW_HINT)

    def blank(self, row: Row) -> bool:
        return not "".join(text for text, _, _ in self.out[row.mark :]).strip()

    def words(self, i: int, end: int) -> None:
        """\\text{if }, \\text{otherwise}, \\text{ and } in a condition of cases."""
        command = self.s[i:end]
        if not self.in_cases() or self.rows[-1].amp < 0:
            hint = "words belong in the condition of a row, after '&'" if self.in_cases() else None
            raise self.error(f"LaTeX command {command} is not supported", i, end, hint)
        body, after = self.braced(i, end)
        word = body.strip().rstrip(",.").strip().lower()
        refusal = self.misplaced(word, body.strip())
        if refusal:
            raise self.error(refusal, i, after, WORDS_HINT)
        self.put(CONDITION_WORDS[word], i, after)
        self.i = after

    def misplaced(self, word: str, written: str) -> str | None:
        """Why this word cannot stand here in a condition, or None."""
        blank = self.blank(self.rows[-1])
        if word not in CONDITION_WORDS:
            return f"'{written}' is not part of a condition"
        if word in LEADING_WORDS and not blank:
            return f"'{written}' can only start a condition"
        if word in WHOLE_CONDITION_WORDS and not blank:
            return f"'{written}' is a whole condition (the last row's)"
        if word == "and" and blank:
            return "'and' needs a comparison before it"
        return None
