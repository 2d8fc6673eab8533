"""The precedence grammar: sums, products, signs, powers, postfix forms, atoms, brackets."""

from __future__ import annotations

from dataclasses import replace

from explain import lexicon as lx
from explain.errors import ParseError
from explain.expr import (
    Apply,
    Call,
    Const,
    Expr,
    Index,
    Mul,
    Neg,
    Num,
    Pow,
    Slice,
    Span,
    Var,
)  # fmt: skip
from explain.lexicon import readings
from explain.lexicon.scanner import Token
from explain.parse.calls import Calls
from explain.parse.cases import EXAMPLE, LATEX_EXAMPLE
from explain.parse.state import _BINARY, _span


class Parser(Calls):
    """Loops for the left-associative levels; recursion only into brackets, calls, exponents and
    signs, each counted against MAX_DEPTH before it descends."""

    def parse(self) -> Expr:
        expr = self.sum()
        if not self.at("end"):
            raise self.unexpected(self.peek())
        return expr

    def sum(self) -> Expr:
        left = self.product()
        while self.at("op", "+ -"):
            op = self.take()
            right = self.product()
            left = self.node(_BINARY[op.text](left, right, _span(left, right)))
        return left

    def product(self) -> Expr:
        left = self.unary()
        while True:
            tok = self.peek()
            if self.at("op", "* / @"):
                self.take()
                right = self.unary()
                note = (
                    readings.slash(self.source, left, right, tok.start) if tok.text == "/" else None
                )
                left = self.node(
                    Call("matmul", (left, right), _span(left, right), spelling="@")
                    if tok.text == "@"
                    else _BINARY[tok.text](left, right, _span(left, right))
                )
            elif self.starts_operand(tok):
                right = self.power()
                note = readings.implicit(self.source, left, right)
                left = self.node(Mul(left, right, _span(left, right), implicit=True))
            else:
                return left
            self.notes.extend([note] if note else [])

    def signs(self) -> list[Token]:
        signs = []
        while self.at("op", "+ -"):
            signs.append(self.take())
        return signs

    def with_signs(self, signs: list[Token], operand: Expr) -> Expr:
        for sign in reversed(signs):
            span = _span(sign, operand)
            operand = (
                self.node(Neg(operand, span)) if sign.text == "-" else replace(operand, span=span)
            )
        return operand

    def unary(self) -> Expr:
        signs = self.signs()
        if not signs:
            return self.power()
        self.enter(signs[0], len(signs))
        operand = self.with_signs(signs, self.power())
        self.depth -= len(signs)
        return operand

    def power(self) -> Expr:
        """Right associative: the chain base ^ e1 ^ e2 ... is read by a loop, then folded."""
        base = self.postfix()
        chain: list[tuple[list[Token], Expr]] = []
        while self.at("op", "^"):
            caret = self.take()
            signs = self.signs()
            if not self.starts_operand(self.peek()):
                raise self.fail(f"expected an exponent after '{self.shown(caret)}'", self.peek())
            self.enter(caret, 1 + len(signs))
            chain.append((signs, self.postfix()))
        self.depth -= sum(1 + len(signs) for signs, _ in chain)
        if not chain:
            return base
        acc = self.with_signs(*chain[-1])
        for signs, operand in reversed(chain[:-1]):
            acc = self.with_signs(signs, self.node(Pow(operand, acc, _span(operand, acc))))
        return self.node(Pow(base, acc, _span(base, acc)))

    def postfix(self) -> Expr:
        node, levels = self.primary(), 0
        while self.at("op", "!") or self.at("method") or (self.at("open", "[") and not self.latex):
            tok = self.peek()
            self.enter(tok)
            levels += 1
            if tok.kind == "method":
                node = self.method(node)
            elif tok.kind == "open":
                node = self.index(node)
            else:
                self.take()
                node = self.node(Call("factorial", (node,), _span(node, tok), spelling="!"))
        self.depth -= levels
        return node

    def primary(self) -> Expr:
        tok = self.peek()
        if tok.kind in ("num", "const"):
            return self.atom(tok)
        if tok.kind == "name":
            return self.name()
        if tok.kind == "func":
            return self.cases() if tok.text in lx.CASES_WORDS else self.function()
        if tok.kind == "open" and tok.text != "[":
            return self.group()
        if tok.kind == "bar":
            return self.absolute()
        if tok.kind == "open":
            raise self.fail("lists are values, not expressions", tok, hint="give values with --at")
        raise self.unexpected(tok)

    # --- operands --------------------------------------------------------------------------------

    def atom(self, after: Token) -> Expr:
        """A number, constant or variable (never applied), or a bracket: operands, log bases and
        the n of sin^n."""
        tok = self.peek()
        if tok.kind == "open" and tok.text != "[":
            return self.group()
        if tok.kind not in ("num", "const", "name"):
            raise self.fail(f"expected a number or a bracket after '{self.shown(after)}'", tok)
        self.take()
        if tok.kind == "const":
            self.seen.add(tok.text)
        span = _span(tok, tok)
        if tok.kind == "num":
            return self.node(Num(tok.text, span))
        return self.node(Const(tok.text, span) if tok.kind == "const" else Var(tok.text, span))

    def name(self) -> Expr:
        """x, or an undefined function applied: f(x, y), g(t), y(x) (one other variable)."""
        tok, nxt, inner, close = self.peek(), self.peek(1), self.peek(2), self.peek(3)
        one_other = (
            tok.text in lx.APPLY_ONE_VARIABLE and nxt.start == tok.end and inner.kind == "name"
            and inner.text != tok.text and close.kind == "close"
        )  # fmt: skip
        paren = nxt.kind == "open" and nxt.text == "("
        if not paren or (tok.text not in lx.APPLY_ALWAYS and not one_other):
            return self.atom(tok)
        self.take()
        args, kwargs, closer = self.arguments(tok.text, None)
        if kwargs:
            why = f"keyword arguments are only accepted by {lx.REDUCTION_NAMES}"
            raise self.fail(why, tok, closer)
        return self.node(Apply(tok.text, args, _span(tok, closer)))

    def group(self) -> Expr:
        opener = self.take()
        self.enter(opener)
        saved, self.bars = self.bars, 0
        if self.at("close"):
            raise self.fail("empty brackets", opener, self.peek(), "put an expression inside")
        inner = self.sum()
        closer = self.close(opener)
        self.bars, self.depth = saved, self.depth - 1
        return replace(inner, span=_span(opener, closer))

    def close(self, opener: Token) -> Token:
        if self.at("close"):
            return self.take()
        if self.at("end"):
            raise self.fail(
                f"'{opener.text}' is never closed", opener, hint="add the closing bracket"
            )
        raise self.unexpected(self.peek())

    def absolute(self) -> Expr:
        bar = self.take()
        self.enter(bar)
        self.bars += 1
        inner = self.sum()
        if self.at("end"):
            raise self.fail("'|' is never closed", bar, hint="absolute values are written |x|")
        if not self.at("bar"):
            raise self.unexpected(self.peek())
        closer = self.take()
        self.bars, self.depth = self.bars - 1, self.depth - 1
        return self.node(Call("abs", (inner,), _span(bar, closer), spelling="|…|"))

    # --- indexing ---------------------------------------------------------------------------------

    def index(self, base: Expr) -> Expr:
        """base[i, j:k:s, :]: integer literals and slices only (the lexer counted the bracket)."""
        opener = self.take()
        if isinstance(base, Num | Const):
            raise self.fail("a number cannot be indexed", base.span, opener)
        if self.at("close"):
            raise self.fail("empty index", opener, self.peek(), "write x[0], x[-1] or x[1:3]")
        items: list[Expr | Slice] = [self.index_item()]
        while self.at("comma"):
            comma = self.take()
            if self.at("close"):
                raise self.fail("trailing comma", comma, hint="remove it, or add the missing index")
            items.append(self.index_item())
        closer = self.close(opener)
        return self.node(Index(base, tuple(items), _span(base, closer)))

    def index_item(self) -> Expr | Slice:
        """One item: 2, -1, or a slice start:stop:step with each part optional."""
        first, at = self.peek(), self.pos
        parts = [self.index_number(at)]
        while self.at("op", ":"):
            colon = self.take()
            if len(parts) == 3:
                raise self.fail("a slice has at most two ':'", colon, hint="start:stop:step")
            parts.append(self.index_number(at))
        if not (self.at("comma") or self.at("close") or self.at("end")):
            raise self.bad_index(at)
        if len(parts) > 1:
            start, stop, step = (*parts, None, None)[:3]
            return Slice(start, stop, step, _span(first, self.tokens[self.pos - 1]))
        if parts[0] is None:
            raise self.fail(f"expected an index before '{self.shown(first)}'", first)
        return parts[0]

    def index_number(self, at: int) -> Expr | None:
        """An integer literal with an optional sign, or None where a slice leaves it out."""
        sign = self.take() if self.at("op", "+ -") else None
        tok = self.peek()
        if tok.kind == "num" and tok.text.isdigit():
            self.take()
            number = self.node(Num(tok.text, _span(tok, tok)))
            return number if sign is None else self.with_signs([sign], number)
        if sign is None and (self.at("op", ":") or self.at("comma") or self.at("close")):
            return None
        raise self.bad_index(at)

    def bad_index(self, at: int) -> ParseError:
        """Name the whole offending item: from its start to the next ',' or ']' at its level."""
        depth, k = 0, at
        while self.tokens[k].kind != "end":
            tok = self.tokens[k]
            if depth == 0 and tok.kind in ("comma", "close"):
                break
            depth += (tok.kind == "open") - (tok.kind == "close")
            k += 1
        if k == at:
            return self.unexpected(self.tokens[k])
        first, last = self.tokens[at], self.tokens[k - 1]
        written = self.shown(Span(first.start, last.end))
        return self.fail(
            f"an index must be a whole number or a slice, not '{written}'", first, last,
            "write integer literals: x[0], x[-1], x[1:3], x[:, 0]",
        )  # fmt: skip

    # --- errors ----------------------------------------------------------------------------------

    def unexpected(self, tok: Token) -> ParseError:
        shown = self.shown(tok)
        if tok.kind == "end":
            prev = self.tokens[self.pos - 1] if self.pos else None
            return self.fail(
                "the expression ends too early" + (f" after '{self.shown(prev)}'" if prev else ""),
                tok,
            )
        if tok.kind == "comma":
            return self.comma(tok)
        if tok.kind == "op" and tok.text in ("True", "&", *lx.COMPARISONS):
            return self.fail(
                f"'{shown}' belongs only in the condition of a function defined by cases", tok,
                hint=LATEX_EXAMPLE if self.latex else f"{EXAMPLE} or torch.where(x < 0, x**2, x)",
            )  # fmt: skip
        if tok.kind == "close":
            return self.fail(f"'{shown}' here closes nothing; something is missing before it", tok)
        if tok.kind == "kw":
            return self.fail(
                f"keyword argument '{shown}' is only accepted by {lx.REDUCTION_NAMES}", tok
            )
        return self.fail(f"expected a number, a name or '(' but found '{shown}'", tok)

    def comma(self, tok: Token) -> ParseError:
        before, after = self.tokens[self.pos - 1] if self.pos else tok, self.peek(1)
        if before.kind == after.kind == "num" and before.end == tok.start == after.start - 1:
            hint = f"use a decimal point: {before.text}.{self.shown(after)}"
            return self.fail("a comma is not a decimal point", tok, hint=hint)
        return self.fail("a comma only separates the arguments of a function", tok)

    # --- calls -----------------------------------------------------------------------------------
