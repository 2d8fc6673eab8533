"""The rewriter's STATE: the text read so far, the stack of open groups, errors that point home.

Every piece of plain text put out keeps the original offsets it came from (explain.lexicon.text),
so an error found later by the grammar still points at the LaTeX the user wrote.
"""

from __future__ import annotations

from dataclasses import dataclass

from explain.errors import LimitExceeded, ParseError
from explain.lexicon.text import Text
from explain.limits import MAX_DEPTH
from explain.parse_latex.tables import ENVIRONMENTS

Wrappers = tuple[tuple[str, str], ...]
"""Arguments still to read: (text put before, text put after) each; \\frac reads two."""


@dataclass(frozen=True, slots=True)
class Group:
    """An open group: a brace or bracket, or an environment (closer = its name, e.g. "cases")."""

    closer: str  # "}" or "]", or the name of an environment
    emit: str  # what the closer becomes
    then: Wrappers  # arguments to read after it (the denominator after the numerator)
    at: int  # where it opened (normalised index)


class State:
    """Position in the normalised LaTeX, plain text put out so far, open groups."""

    def __init__(self, norm: Text, source: str, label: str) -> None:
        self.norm, self.s, self.source, self.label = norm, norm.chars, source, label
        self.i = 0
        self.out: list[tuple[str, int, int]] = []
        self.stack: list[Group] = []

    def put(self, text: str, i: int, j: int) -> None:
        start, end = self.norm.span(i, j)
        if text[:1] == " " and text.strip():  # the space keeping " sin" apart is nobody's text
            self.out.append((" ", start, start))
            text = text[1:]
        self.out.append((text, start, end))

    def error(self, why: str, i: int, j: int, hint: str | None = None) -> ParseError:
        start, end = self.norm.span(i, j)
        return ParseError(
            why, source=self.source, start=start, end=end, hint=hint, label=self.label
        )

    def limit(self, why: str, i: int, j: int) -> LimitExceeded:
        start, end = self.norm.span(i, j)
        return LimitExceeded(why, source=self.source, start=start, end=end, label=self.label)

    def push(self, group: Group) -> None:
        self.stack.append(group)
        if len(self.stack) > MAX_DEPTH:
            why = f"groups are nested more than {MAX_DEPTH} deep"
            raise self.limit(why, group.at, group.at + 1)

    def unclosed(self, group: Group) -> ParseError:
        if group.closer in ENVIRONMENTS:
            return self.error(
                f"\\begin{{{group.closer}}} is never closed", group.at, group.at + len("\\begin"),
                f"end it with \\end{{{group.closer}}}",
            )  # fmt: skip
        return self.error(f"'{self.s[group.at]}' is never closed", group.at, group.at + 1)

    def skip(self, j: int) -> int:
        while j < len(self.s) and self.s[j] == " ":
            j += 1
        return j

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

    def braced(self, i: int, end: int) -> tuple[str, int]:
        """The {argument} of the command at [i, end) as written, and where it ends; refused if
        there is none (no nesting: the argument of \\begin or \\text is a plain word)."""
        j = self.skip(end)
        close = self.s.find("}", j)
        if self.s[j : j + 1] != "{" or close < 0 or "{" in self.s[j + 1 : close]:
            command = self.s[i:end]
            raise self.error(
                f"{command} needs a word in braces here", i, max(end, j + 1),
                f"write it as {command}{{...}}",
            )  # fmt: skip
        return self.s[j + 1 : close], close + 1
