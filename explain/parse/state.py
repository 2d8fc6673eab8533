"""The parser's state and helpers: tokens, position, depth, node and height limits, notes."""

from __future__ import annotations

from explain.errors import LimitExceeded, ParseError
from explain.expr import (
    Add,
    Div,
    Expr,
    Mul,
    Note,
    Span,
    Sub,
    children,
)  # fmt: skip
from explain.lexicon import readings
from explain.lexicon.scanner import Token
from explain.limits import MAX_DEPTH, MAX_NODES, MAX_TREE_HEIGHT


def _span(left: Expr | Token, right: Expr | Token) -> Span:
    start = left.start if isinstance(left, Token) else left.span.start
    return Span(start, right.end if isinstance(right, Token) else right.span.end)


_BINARY: dict[str, type[Add | Sub | Mul | Div]] = {"+": Add, "-": Sub, "*": Mul, "/": Div}
Keywords = tuple[tuple[str, Expr], ...]
Arguments = tuple[tuple[Expr, ...], Keywords, Token]
Applied = tuple[tuple[Expr, ...], Keywords]


class State:
    """Loops for the left-associative levels; recursion only into brackets, calls, exponents and
    signs, each counted against MAX_DEPTH before it descends."""

    def __init__(self, tokens: tuple[Token, ...], source: str, label: str, *, latex: bool) -> None:
        self.tokens, self.source, self.label, self.latex = tokens, source, label, latex
        self.pos = self.depth = self.nodes = 0
        self.bars = 0  # |...| open at this bracket level: a further | closes one
        self.notes: list[Note] = []
        self.seen: set[str] = set()  # conventions used: "e", "log"
        self.heights: dict[int, int] = {}  # id(node) -> height of its subtree

    # --- helpers -----------------------------------------------------------------------------

    def peek(self, k: int = 0) -> Token:
        return self.tokens[min(self.pos + k, len(self.tokens) - 1)]

    def take(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return tok

    def at(self, kind: str, texts: str = "") -> bool:
        """The next token is of this kind (and, if given, one of the space-separated texts)."""
        tok = self.peek()
        return tok.kind == kind and (not texts or tok.text in texts.split())

    def shown(self, where: Token | Span) -> str:
        return readings.shown(self.source[where.start : where.end])

    def fail(self, why: str, first: Token | Span, last: Token | Span | None = None,
             hint: str | None = None) -> ParseError:  # fmt: skip
        end = (last or first).end
        return ParseError(
            why, source=self.source, start=first.start, end=end, hint=hint, label=self.label
        )

    def limit(self, why: str, where: Token | Span) -> LimitExceeded:
        return LimitExceeded(
            why, source=self.source, start=where.start, end=where.end, label=self.label
        )

    def node(self, expr: Expr) -> Expr:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.limit(f"the expression has more than {MAX_NODES} parts", expr.span)
        # Long sums and products are chains as deep as they are long: bound the tree's height
        # so that every later walk over it (SymPy, renderers) stays far from Python's stack limit.
        height = 1 + max((self.heights.get(id(c), 1) for c in children(expr)), default=0)
        if height > MAX_TREE_HEIGHT:
            raise self.limit(
                f"the expression is more than {MAX_TREE_HEIGHT} levels deep "
                "(each term of a long sum or product adds a level)",
                expr.span,
            )
        self.heights[id(expr)] = height
        return expr

    def enter(self, tok: Token, levels: int = 1) -> None:
        self.depth += levels
        if self.depth > MAX_DEPTH:
            raise self.limit(f"the expression is nested more than {MAX_DEPTH} deep", tok)

    def starts_operand(self, tok: Token) -> bool:
        if tok.kind == "bar":
            return self.bars == 0
        return tok.kind in ("num", "name", "const", "func") or (
            tok.kind == "open" and tok.text != "["
        )

    # --- levels, low to high ---------------------------------------------------------------------

    # --- levels defined by the grammar (explain.parse.grammar), used by the call forms --------

    def sum(self) -> Expr:
        raise NotImplementedError

    def power(self) -> Expr:
        raise NotImplementedError

    def unary(self) -> Expr:
        raise NotImplementedError

    def postfix(self) -> Expr:
        raise NotImplementedError

    def primary(self) -> Expr:
        raise NotImplementedError

    def unexpected(self, tok: Token) -> ParseError:
        raise NotImplementedError

    def comma(self, tok: Token) -> ParseError:
        raise NotImplementedError

    def atom(self, after: Token) -> Expr:
        raise NotImplementedError

    def close(self, opener: Token) -> Token:
        raise NotImplementedError

    def signs(self) -> list[Token]:
        raise NotImplementedError

    def with_signs(self, signs: list[Token], operand: Expr) -> Expr:
        raise NotImplementedError
