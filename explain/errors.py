"""ExplainError and its kinds: each says where (a span of the user's text) and why, in one line."""

from __future__ import annotations

EXCERPT_RADIUS = 24
"""Characters of context shown on each side of the offending span."""


class ExplainError(Exception):
    """A problem with what the user gave us: reported in one line, exit status 2.

    `start`/`end` are 0-based offsets into `source` (the text as the user typed it);
    `label` names the input ("expression", "answer", "--at", ...).
    """

    kind = "error"

    def __init__(
        self,
        why: str,
        *,
        source: str | None = None,
        start: int | None = None,
        end: int | None = None,
        hint: str | None = None,
        label: str | None = None,
    ) -> None:
        super().__init__(why)
        self.why = why
        self.source = source
        self.start = start
        self.end = end if end is not None else (None if start is None else start + 1)
        self.hint = hint
        self.label = label

    @property
    def column(self) -> int | None:
        """1-based column of the problem, if it has a place."""
        return None if self.start is None else self.start + 1

    def one_line(self) -> str:
        """`<label>, column N: why: …excerpt⟨bad⟩excerpt…; hint` on a single line."""
        where = self.label or ""
        if self.column is not None:
            where = f"{where}, column {self.column}" if where else f"column {self.column}"
        text = f"{where}: {self.why}" if where else self.why
        excerpt = self._excerpt()
        if excerpt:
            text = f"{text}: {excerpt}"
        if self.hint:
            text = f"{text} (hint: {self.hint})"
        return f"{self.kind}: {text}"

    def _excerpt(self) -> str:
        if self.source is None or self.start is None:
            return ""
        src, start = self.source, max(0, min(self.start, len(self.source)))
        end = max(start, min(self.end or start, len(src)))
        lo, hi = max(0, start - EXCERPT_RADIUS), min(len(src), end + EXCERPT_RADIUS)
        bad = src[start:end] if end > start else " "
        if len(bad) > 2 * EXCERPT_RADIUS:
            bad = bad[:EXCERPT_RADIUS] + "…" + bad[-EXCERPT_RADIUS // 2 :]
        text = src[lo:start] + "⟨" + bad + "⟩" + src[end:hi]
        text = "".join(_visible(ch) for ch in text)
        return ("…" if lo > 0 else "") + text + ("…" if hi < len(src) else "")

    def __str__(self) -> str:
        return self.one_line()


def _visible(ch: str) -> str:
    """Keep the one-line promise: control and invisible characters are shown as U+XXXX."""
    if ch.isprintable() and ch not in "\u2028\u2029":
        return ch
    return f"U+{ord(ch):04X}"


class ParseError(ExplainError):
    """The text is not an expression we can read (syntax, unknown name, forbidden construct)."""

    kind = "parse error"


class LimitExceeded(ExplainError):
    """The input is larger than a named limit in explain.limits allows."""

    kind = "limit exceeded"


class MathError(ExplainError):
    """The input reads fine but asks for something undefined (not real, infinite, no variable)."""

    kind = "math error"


class Unsupported(ExplainError):
    """A well-formed request that explain cannot answer (yet), said plainly."""

    kind = "unsupported"


class UsageError(ExplainError):
    """Options that do not fit together (e.g. --order 2 with a gradient)."""

    kind = "usage error"


class BudgetExceeded(BaseException):
    """Raised inside a time budget when it runs out (BaseException so no library swallows it)."""


class SpecError(ExplainError):
    """A worksheet spec (TOML) that cannot be built: its label names the file and the key."""

    kind = "spec error"


class KeyNotVerified(ExplainError):
    """A worksheet answer whose exact and autograd values disagree: the build stops."""

    kind = "key not verified"
