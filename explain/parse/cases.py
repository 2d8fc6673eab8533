"""Functions defined by cases: Piecewise((e1, c1), ..., (eN, True)) and where(c, a, b).

A condition is one comparison (`x < 0`), a chain (`0 < x <= 1`), a conjunction of them with `&`
or `and` (each part may be bracketed: `(x > 0) & (x < 1)`), or `True` ("otherwise", only in the
last piece). Comparisons anywhere else are refused by the grammar (see Parser.unexpected).
"""

from __future__ import annotations

from typing import Literal, cast

from explain import lexicon as lx
from explain.errors import ParseError
from explain.expr import Cases, Compare, Expr, Piece
from explain.lexicon.scanner import Token
from explain.limits import MAX_PIECES
from explain.parse.state import State, _span

Op = Literal["<", "<=", ">", ">="]
COMPARISON_TEXTS = " ".join(sorted(lx.COMPARISONS))
EXAMPLE = "Piecewise((x^2, x < 0), (x, True))"
LATEX_EXAMPLE = r"\begin{cases} x^2 & x < 0 \\ x & \text{otherwise} \end{cases}"


class Conditions(State):
    """Piecewise(...), torch.where(...) and their conditions."""

    def cases(self) -> Expr:
        tok = self.take()
        if not self.at("open", "("):
            raise self.fail(f"{tok.text} needs its pieces in brackets", tok, hint=f"{EXAMPLE}")
        if tok.text in lx.WHERE:
            return self.where(tok)
        opener = self.take()
        self.enter(opener)
        if self.at("close"):
            raise self.fail("Piecewise() has no pieces", opener, self.peek(), f"write {EXAMPLE}")
        pieces = [self.piece()]
        while self.at("comma"):
            comma = self.take()
            if self.at("close"):
                raise self.fail("trailing comma", comma, hint="remove it, or add the missing piece")
            if not pieces[-1].condition:
                raise self.fail(
                    "no piece after an otherwise (True) piece can be reached", self.peek(),
                    hint="True is the condition of the last piece",
                )  # fmt: skip
            pieces.append(self.piece())
            if len(pieces) > MAX_PIECES:
                raise self.limit(f"Piecewise has more than {MAX_PIECES} pieces", pieces[-1].span)
        closer = self.close(opener)
        self.depth -= 1
        spelling = "cases" if self.source.startswith("\\begin", tok.start) else "Piecewise"
        return self.node(Cases(tuple(pieces), _span(tok, closer), spelling))

    def piece(self) -> Piece:
        """(value, condition)."""
        opener = self.peek()
        if not self.at("open", "("):
            raise self.fail(
                "each piece of Piecewise is (value, condition)", opener, hint=f"write {EXAMPLE}"
            )
        self.take()
        self.enter(opener)
        value = self.sum()
        if not self.at("comma"):
            tok = self.peek()
            why = "a piece needs a condition after its value"
            raise self.fail(why, tok, hint="(x, x < 0), or (x, True) for otherwise")
        self.take()
        condition = self.condition()
        closer = self.close(opener)
        self.depth -= 1
        return Piece(value, condition, _span(opener, closer))

    def where(self, tok: Token) -> Expr:
        """torch.where(c, a, b): a where c holds, else b."""
        opener = self.take()
        self.enter(opener)
        parts: list[Expr] = []
        condition = self.condition()
        for _ in range(2):
            if not self.at("comma"):
                raise self.fail(
                    f"{tok.text} takes 3 arguments: a condition, the value where it holds, "
                    "and the value elsewhere", self.peek(), hint=f"{tok.text}(x < 0, x**2, x)",
                )  # fmt: skip
            self.take()
            parts.append(self.sum())
        closer = self.close(opener)
        self.depth -= 1
        first = Piece(parts[0], condition, _span(opener, closer))
        rest = Piece(parts[1], (), parts[1].span)
        return self.node(Cases((first, rest), _span(tok, closer), tok.text))

    def condition(self) -> tuple[Compare, ...]:
        """True (otherwise: empty), or comparisons joined by & / and. The lexer reads True
        only right after a comma, so only a piece's condition can be True."""
        if self.at("op", "True"):
            self.take()
            return ()
        comparisons = self.conjunct()
        while self.at("op", "&"):
            self.take()
            comparisons += self.conjunct()
        return comparisons

    def conjunct(self) -> tuple[Compare, ...]:
        """x < 0, 0 < x <= 1, or a bracketed condition (x > 0)."""
        opener = self.peek()
        if self.at("open", "(") and self.bracketed_condition():
            self.take()
            self.enter(opener)
            inner = self.condition()
            self.close(opener)
            self.depth -= 1
            return inner
        left = self.sum()
        if not self.at("op", COMPARISON_TEXTS):
            raise self.missing_comparison(left)
        found: list[Compare] = []
        while self.at("op", COMPARISON_TEXTS):
            op = self.take()
            right = self.sum()
            found.append(Compare(cast(Op, op.text), left, right, _span(left, right)))
            left = right
        return tuple(found)

    def bracketed_condition(self) -> bool:
        """Whether the bracket opening here holds a comparison at its own level."""
        depth, k = 0, self.pos
        while self.tokens[k].kind != "end":
            tok = self.tokens[k]
            depth += (tok.kind == "open") - (tok.kind == "close")
            if depth == 0:
                return False
            if depth == 1 and tok.kind == "op" and tok.text in lx.COMPARISONS:
                return True
            k += 1
        return False

    def missing_comparison(self, left: Expr) -> ParseError:
        tok = self.peek()
        return self.fail(
            f"expected a comparison (<, <=, >, >=) after '{self.shown(left.span)}'", tok,
            hint="a condition is written x < 0, 0 <= x < 1, or True for otherwise",
        )  # fmt: skip
