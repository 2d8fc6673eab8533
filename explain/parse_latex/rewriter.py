"""The REWRITER: one left-to-right pass over normalised LaTeX, putting out plain notation."""

from __future__ import annotations

from explain import lexicon as lx
from explain.lexicon.readings import shown
from explain.lexicon.text import Text, build, describe
from explain.parse_latex.cases import Environments
from explain.parse_latex.state import Group, Wrappers
from explain.parse_latex.tables import (
    CHAR_ERRORS,
    DELIMITERS,
    FRACTIONS,
    LETTER_GROUPS,
    SIMPLE,
    SIZES,
)


class Rewriter(Environments):
    def run(self) -> Text:
        while self.i < len(self.s):
            self.step()
        if self.stack:
            raise self.unclosed(self.stack[-1])
        return build(self.out, self.norm.length)

    def step(self) -> None:
        i, ch = self.i, self.s[self.i]
        if ch == "\\":
            self.command()
        elif ch in "{[":
            self.push(Group("}" if ch == "{" else "]", "}" if ch == "{" else ")", (), i))
            self.put("{" if ch == "{" else "(", i, i + 1)
            self.i += 1
        elif ch in "}]":
            self.close(ch)
        elif ch in "^_":
            self.put(ch, i, i + 1)
            self.i += 1
            self.arguments((("{", "}"),), i)
        elif ch == "&" and self.in_cases():
            self.ampersand(i)
        elif ch in CHAR_ERRORS:
            raise self.separator(i, i + 1) or self.error(CHAR_ERRORS[ch], i, i + 1)
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
        elif self.structure(name, i, end):
            return
        elif name == "\\":
            raise self.error(
                "line break inside an expression", i, end,
                r"give one expression on one line (rows belong in \begin{cases} ... \end{cases})",
            )  # fmt: skip
        elif name.isalpha() or name.isprintable():
            raise self.error(f"LaTeX command \\{name} is not supported", i, end)
        else:
            raise self.error(f"'\\' followed by {describe(name)} is not a LaTeX command", i, end)

    def sqrt(self, i: int, end: int) -> None:
        self.put(" sqrt", i, end)
        j = self.skip(end)
        if self.s[j : j + 1] == "[":
            self.push(Group("]", "]", (("(", ")"),), j))
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

    def arguments(self, wrappers: Wrappers, at: int) -> None:
        """Read the next arguments: a {group} (closed later by close()) or one character/command."""
        while wrappers:
            (before, after), rest = wrappers[0], wrappers[1:]
            j = self.skip(self.i)
            if j >= len(self.s) or self.s[j] in "}]":
                raise self.error("an argument is missing here", j, j + 1, "arguments look like {x}")
            if self.s[j] == "{":
                self.push(Group("}", after, rest, j))
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
