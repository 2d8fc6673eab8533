"""Function applications, methods, arguments and the tensor call forms of the grammar."""

from __future__ import annotations

from explain import lexicon as lx
from explain.expr import (
    FUNCTIONS,
    Call,
    Expr,
    Mul,
    Neg,
    Note,
    Num,
    Pow,
    Span,
)  # fmt: skip
from explain.lexicon import readings
from explain.lexicon.scanner import Token
from explain.parse.cases import Conditions
from explain.parse.state import Applied, Arguments, Keywords, _span


class Calls(Conditions):
    """sin x, sin^2 x, log_2 x, f(x), x.exp(), torch.sum(x, dim=0), x.transpose(0, 1) ..."""

    def function(self) -> Expr:
        """sin(x), sin x, sin^2 x, log_2(x), torch.pow(x, 2), \\sqrt[3]{x}."""
        tok = self.take()
        canonical = lx.FUNCTION_WORDS.get(tok.text) or lx.DOTTED_FUNCTIONS[tok.text]
        spelling = self.shown(tok) if self.source[tok.start] == "\\" else tok.text
        base = self.log_base(tok, spelling)
        power = self.function_power(tok, canonical, spelling)
        if canonical == "sqrt" and self.at("open", "["):
            node = self.root(tok, spelling)
        else:
            node = self.application(tok, canonical, spelling, base)
        return node if power is None else self.node(Pow(node, power, _span(tok, node)))

    def log_base(self, tok: Token, spelling: str) -> Expr | None:
        if not self.at("op", "_"):
            return None
        mark = self.take()
        if tok.text != "log":
            raise self.fail(f"only log takes a subscript (its base), not {spelling}", mark)
        return self.atom(mark)

    def function_power(self, tok: Token, canonical: str, spelling: str) -> Expr | None:
        if not self.at("op", "^"):
            return None
        caret = self.take()
        nxt, after = self.peek(), self.peek(1)
        if (nxt.kind, nxt.text) == ("op", "-") or (
            nxt.kind == "open" and (after.kind, after.text) == ("op", "-")
        ):
            inverse = lx.INVERSES.get(canonical)
            hint = f"write {inverse}(x) for the {FUNCTIONS[inverse].title}" if inverse else None
            raise self.fail(
                f"{spelling}^-1 is ambiguous",
                tok,
                nxt,
                hint or f"write 1/{spelling}(x) for the reciprocal",
            )
        return self.atom(caret)

    def root(self, tok: Token, spelling: str) -> Expr:
        opener = self.take()
        self.enter(opener)
        index = self.sum()
        self.close(opener)
        self.depth -= 1
        if not self.at("open", "("):
            raise self.fail(f"expected {{x}} after {spelling}[n]", self.peek())
        args, _, closer = self.arguments(spelling, "root")
        return self.call("root", spelling, (*args, index), (), _span(tok, closer))

    def application(self, tok: Token, canonical: str, spelling: str, base: Expr | None) -> Expr:
        kwargs: tuple[tuple[str, Expr], ...] = ()
        if self.at("open", "("):
            args, kwargs, closer = self.arguments(spelling, canonical)
            span = _span(tok, closer)
        elif self.starts_operand(self.peek()) or self.signed_operand():
            arg = self.bare_argument(tok, spelling, single=tok.text in ("√", "∛"))
            args, span = (arg,), _span(tok, arg)
        else:
            raise self.fail(f"{spelling} needs an argument", tok, hint=f"write {spelling}(x)")
        if base is not None:
            if len(args) != 1:
                raise self.fail("give the base of log once", span)
            args = (*args, base)
        return self.call(canonical, spelling, args, kwargs, span)

    def signed_operand(self) -> bool:
        """sin -x is sin(-x); in sin - x the minus is an operator (and sin lacks an argument)."""
        sign, nxt = self.peek(), self.peek(1)
        return self.at("op", "+ -") and sign.end == nxt.start and self.starts_operand(nxt)

    def bare_argument(self, tok: Token, spelling: str, *, single: bool) -> Expr:
        """sin x^2 = sin(x^2), sin 2x = sin(2x): the implicit product up to an operator or a
        function name (√ takes one operand)."""
        signs = self.signs()
        self.enter(tok, 1 + len(signs))
        node = self.power()
        while not single and self.starts_operand(self.peek()) and not self.at("func"):
            right = self.power()
            node = self.node(Mul(node, right, _span(node, right), implicit=True))
        node = self.with_signs(signs, node)
        self.depth -= 1 + len(signs)
        note = readings.bare_argument(self.source, tok.start, spelling, node)
        self.notes.extend([note] if note else [])
        return node

    def method(self, receiver: Expr) -> Expr:
        tok = self.take()
        if tok.text in lx.ATTRIBUTES:
            canonical = lx.ATTRIBUTES[tok.text]
            return self.node(Call(canonical, (receiver,), _span(receiver, tok), f".{tok.text}"))
        spelling = f".{tok.text}()"
        args, kwargs, closer = self.arguments(spelling, lx.METHODS[tok.text], empty_ok=True)
        return self.call(
            lx.METHODS[tok.text], spelling, (receiver, *args), kwargs, _span(receiver, closer)
        )

    def arguments(self, name: str, canonical: str | None, *, empty_ok: bool = False) -> Arguments:
        opener = self.take()
        self.enter(opener)
        saved, self.bars = self.bars, 0
        args: list[Expr] = []
        kwargs: list[tuple[str, Expr]] = []
        if self.at("close") and not empty_ok:
            raise self.fail(f"{name}() needs an argument", opener, self.peek(), f"write {name}(x)")
        while not self.at("close") or args or kwargs:
            if self.at("kw"):
                kwargs.append(self.keyword(canonical, {k for k, _ in kwargs}))
            elif kwargs:
                raise self.fail("positional arguments come before keyword arguments", self.peek())
            else:
                args.append(self.sum())
            if not self.at("comma"):
                break
            comma = self.take()
            if self.at("close"):
                raise self.fail(
                    "trailing comma", comma, hint="remove it, or add the missing argument"
                )
        closer = self.close(opener)
        self.bars, self.depth = saved, self.depth - 1
        return tuple(args), tuple(kwargs), closer

    def keyword(self, canonical: str | None, given: set[str]) -> tuple[str, Expr]:
        """dim=<int> or keepdim=<True/False> (stored as Num "1"/"0"), in reductions only."""
        kw = self.take()
        if canonical not in lx.REDUCTIONS:
            why = f"keyword argument '{kw.text}=' is only accepted by {lx.REDUCTION_NAMES}"
            raise self.fail(why, kw)
        if kw.text in given:
            raise self.fail(f"{kw.text}= is given twice", kw)
        signs = self.signs() if kw.text == "dim" else []
        value, flag = self.peek(), kw.text == "keepdim"
        written = self.shown(value)
        if value.kind != "num" or not (written in ("True", "False") if flag else written.isdigit()):
            raise self.fail(
                f"{kw.text}= takes {'True or False' if flag else 'a whole number'}", value
            )
        self.take()
        return kw.text, self.with_signs(signs, self.node(Num(value.text, _span(value, value))))

    def call(self, canonical: str, spelling: str, args: tuple[Expr, ...],
             kwargs: tuple[tuple[str, Expr], ...], span: Span) -> Expr:  # fmt: skip
        """Check the number of arguments; torch.pow(x, n) and x.pow(n) become powers;
        x.sum(0) is x.sum(dim=0); x.transpose(0, 1) is x.T."""
        args, kwargs = self.tensor_forms(canonical, spelling, args, kwargs, span)
        method = spelling.startswith(".")
        arity = _arity(canonical, spelling)
        if len(args) not in arity or (canonical == "pow" and kwargs):
            counts = [n - method for n in arity]
            wanted = " or ".join(map(str, counts)) + (
                " argument" if counts == [1] else " arguments"
            )
            raise self.fail(f"{spelling} takes {wanted}, not {len(args) - method}", span)
        if canonical == "pow":
            return self.node(Pow(args[0], args[1], span))
        if canonical == "log" and len(args) == 1 and spelling in ("log", "\\log"):
            self.seen.add("log")
        return self.node(Call(canonical, args, span, spelling, kwargs))

    def tensor_forms(self, canonical: str, spelling: str, args: tuple[Expr, ...],
                     kwargs: Keywords, span: Span) -> Applied:  # fmt: skip
        """sum(x, 0) -> sum(x, dim=0); transpose(x, 0, 1) -> transpose(x); a note on torch.max."""
        if canonical in lx.REDUCTIONS and len(args) == 2:
            args, kwargs = self.positional_dim(canonical, spelling, args, kwargs, span)
        if canonical == "transpose" and len(args) == 3 and 3 in _arity(canonical, spelling):
            args = self.swap(spelling, args, span)
        if canonical == "max" and spelling in ("torch.max", ".max()") and "dim" in dict(kwargs):
            message = (
                f"{readings.shown(self.source[span.start : span.end])} was read as its largest "
                "values (as torch.amax); with a dim, torch.max also returns the indices"
            )
            self.notes.append(Note("convention", message, span))
        return args, kwargs

    def positional_dim(self, canonical: str, spelling: str, args: tuple[Expr, ...],
                       kwargs: Keywords, span: Span) -> Applied:  # fmt: skip
        """The second argument of a reduction is its dimension: x.sum(0), torch.max(x, 1)."""
        dim = args[1]
        if _integer(dim) is None:
            if canonical == "max":
                raise self.fail(
                    "max of two values (an elementwise maximum) is not supported", span,
                    hint="max(x) is the largest element of x; maximum(a, b) is not supported",
                )  # fmt: skip
            raise self.fail(
                f"the second argument of {spelling} is a dimension: a whole number", dim.span,
                hint="for example " + ("x" + spelling[:-1] + "0)" if spelling[0] == "." else
                                       f"{spelling}(x, 0)"),
            )  # fmt: skip
        if any(key == "dim" for key, _ in kwargs):
            raise self.fail("dim= is given twice", dim.span)
        return args[:1], (("dim", dim), *kwargs)

    def swap(self, spelling: str, args: tuple[Expr, ...], span: Span) -> tuple[Expr, ...]:
        """x.transpose(0, 1) (or 1, 0 or -2, -1) is the matrix transpose; other swaps are not."""
        dims = [d for d in map(_integer, args[1:]) if d is not None and -2 <= d <= 1]
        if len(dims) != 2 or dims[0] % 2 == dims[1] % 2:
            written = ", ".join(self.shown(a.span) for a in args[1:])
            raise self.fail(
                f"explain transposes matrices only: ({written}) is not the swap of a matrix's "
                "two dimensions", span, hint="for a matrix write x.T or x.transpose(0, 1)",
            )  # fmt: skip
        return args[:1]


def _integer(node: Expr) -> int | None:
    """The value of an integer literal with an optional minus sign (dims and indices), or None."""
    if isinstance(node, Neg) and isinstance(node.operand, Num) and node.operand.text.isdigit():
        return -int(node.operand.text)
    return int(node.text) if isinstance(node, Num) and node.text.isdigit() else None


def _arity(canonical: str, spelling: str) -> tuple[int, ...]:
    """Accepted argument counts (a method's receiver counts as one)."""
    if canonical == "pow":
        return (2,)
    if canonical == "log" and spelling not in lx.TWO_ARGUMENT_LOG:
        return (1,)
    if canonical in lx.REDUCTIONS:
        return (1, 2)
    if spelling in ("torch.transpose", ".transpose()"):
        return (1, 3)
    return FUNCTIONS[canonical].arity
