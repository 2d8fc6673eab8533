"""PARSE plain text into an Expr: normalise characters, cut words into tokens, precedence parser.

Nothing here evaluates user text (no eval/exec/ast/sympify): the tree is built by hand. The
tables, the character map and the lexer live in explain.lexicon; this module is the grammar.

Input policies (what a person may write, and how it is read):
- Precedence, low to high: `+ -`; `* / @` and implicit multiplication (one level, left to right
  as in Python: `1/2x` is (1/2)·x, with a note; `a*b@c` is (a·b)@c); unary `- +` (`-2^2` is
  -(2^2)); `^` or `**` (right associative: `2^3^2` is 2^9; an exponent may start with a sign:
  `x^-1`); postfix `!`, tensor methods (`.exp()`, `.sum(dim=0)`, `.pow(2)`), `.T` and indexing
  (`x[0]`, `(A@w)[0]`); then numbers, names, calls, brackets.
- Numbers: `2`, `0.5`, `.5`, `1.5e-3`, `1E5` (Num.text normalised: "0.5", "1e5"). Refused: a
  trailing point `2.`, `2..3`, hexadecimal/octal/binary, `1_000`, a decimal comma (`3,5` asks
  for 3.5), two numbers in a row (`2 3`), over 100 digits, `1e401`. `2e` (no digit after e) is
  2·e and `2ex` is 2·e·x; but `2e-1` is 0.2.
- Names: a letter, then optionally digits (`x1`, `w2` are one name, with a note) or a
  subscript (`x_1`, `x_{1}`, `x₁` -> "x_1"; `theta_0`). Greek letters α..ω and Γ Δ Θ Λ Ξ Σ Φ
  Ψ Ω, or their names (alpha, theta, ...), are variables named in ASCII; λ and `lamda` are
  "lamda" as in SymPy, `lambda` is refused as a Python keyword. Capitals are ordinary
  variables (`S + O + Q`, `I`, `E`); only `e` and `pi`/`π` are constants (each noted).
- A run of letters that is not one known word is cut left to right, taking at each place the
  longest known word (function, Greek name, `pi`), else one letter: `xy` = x·y, `xsinx` =
  x·sin(x), `pix` = π·x, `cosx` = cos(x), while `asin`, `sinh` stay whole; every cut is noted.
  The tensor words prod, max, matmul, dot, transpose, detach are read only as a whole run
  (`product` is an unknown word, not prod(u·c·t)).
  Refused, naming the word: 4+ single letters in a row (`hello`), a word of 2+ letters before
  `(` that is not a function (`eval`, `min` before brackets: "unknown function", hint for min,
  maximum, argmax; Greek names and `pi` multiply a bracket, except gamma/beta/zeta/eta), Python
  keywords (`if`, `True`, `import`), names with a leading `_` or a `__`,
  `nan`/`inf`/`infinity`/`oo`, a function name in the wrong case before an operand (`Sin(x)`,
  `In x`), `Pi`.
- Functions: the names of expr.FUNCTIONS, `ln`, `arcsin`.., `arsinh`/`arcsinh`.., `sgn`, `√`,
  `∛`; `log` is natural (noted); `log(x, b)` and `log_b(x)` have a base; `torch.`, `np.`,
  `numpy.`, `math.`, `F.`, `torch.nn.functional.` spellings and `torch.special.expit`;
  `torch.pow(x, n)`, `np.power`, `x.pow(n)` are powers; `torch.pi`, `math.pi`, `np.pi`,
  `math.e`, `np.e`. Call.spelling keeps how it was written ("ln", "torch.exp", ".exp()", "@").
  Without brackets a function takes the implicit product that follows, up to the next function
  name or explicit operator: `sin x^2` = sin(x^2), `sin 2x` = sin(2x), `sin x cos x` =
  sin(x)·cos(x), `sin -x` = sin(-x) (noted); `√` takes one operand. `sin^2 x` is (sin x)^2;
  `sin^-1 x` is refused (write asin). `f(..)`, `g(..)`, `h(..)` are undefined functions, and so
  are `y(x)`, `u(t)`, `v(x)` around one other variable; any other letter before a bracket
  multiplies: `x(x+1)`, `2(x+1)`, `(x+1)(x-1)`.
- Tensors: `a @ b`, `torch.matmul`, `np.matmul`, `a.matmul(b)` -> matmul; `torch.dot`,
  `np.dot`, `a.dot(b)` -> dot; `x.T`, `x.t()`, `torch.t(x)`, `np.transpose(x)`,
  `x.transpose()`, and `x.transpose(0, 1)` / `torch.transpose(x, 0, 1)` (only the swap of a
  matrix's two dimensions: (0, 1), (1, 0), (-2, -1) ...; other swaps are refused with a hint
  for .T) -> transpose; `x.detach()`, `torch.detach(x)` -> detach; `torch.amax` is max.
  Reductions sum, mean, prod, max take `dim=<int>` and `keepdim=True/False` (kept as Num,
  keepdim as "1"/"0"); an integer second argument is the dim (`x.sum(0)`, `torch.max(x, 1)` ->
  dim=…; torch.max with a dim is read as its values, noted). `max(a, b)` (an elementwise
  maximum) is refused; so are other keyword arguments (`axis=`).
- Indexing `x[0]`, `x[-1]`, `x[0, 1]`, `x[:, 0]`, `x[1:3]`, `x[::2]`, `(A@w)[0]` -> Index with
  Slice items; an index is an integer literal with an optional sign; anything else (floats,
  names, expressions, nested brackets, `...`, None, an empty or trailing item) is refused,
  naming it. Not in LaTeX.
- Brackets: `( )` and `{ }` group; `[` at the start of an operand is a list, refused (values go
  to --at); `|x|` is abs. A comma only separates arguments and indices; `f(x,)` is refused.
- Characters: × · ⋅ ∙ -> `*`; − – -> `-`; ÷ -> `/`; superscripts ² ³ ⁻¹ -> `^{..}` and
  subscripts ₁ -> `_{..}` (before NFKC, so x²3 is x²·3); then NFKC per character (fullwidth
  `１２３x`, italic `𝑥`, no-break and thin spaces). Any other character is refused by code point
  and name ("character U+0445 CYRILLIC SMALL LETTER HA is not allowed", with "retype it" for
  Latin lookalikes); invisible and control characters, a line break inside the text, quotes,
  primes (`x'`), `;`, `=`, `:` outside an index, and `\\` or `$` (LaTeX) each get their own
  message; so does `d/dx`.
- A leading label is dropped, with a note: `y =`, `f(x) =`, `y' =`, `f'(x) =`, `dy/dx =`
  (any letter but x before `=`).
- Limits (explain.limits) are checked before the work they guard: MAX_INPUT_CHARS on the raw
  text, before trimming; MAX_DEPTH on brackets (index brackets too) while tokenizing (100 000
  `(` fail at once), then on calls, `|..|`, power towers, sign chains and postfix chains
  (methods, `!`, indexing); MAX_NODES; MAX_INT_DIGITS; MAX_SCI_EXPONENT. Errors are ParseError
  or LimitExceeded, with 0-based offsets into the text as typed.
"""

from __future__ import annotations

from dataclasses import replace

from explain import lexicon as lx
from explain.errors import LimitExceeded, ParseError
from explain.expr import (
    FUNCTIONS,
    Add,
    Apply,
    Call,
    Const,
    Div,
    Expr,
    Index,
    Mul,
    Neg,
    Note,
    Num,
    Parsed,
    Pow,
    Slice,
    Span,
    Sub,
    Var,
    children,
)  # fmt: skip
from explain.lexicon import readings
from explain.lexicon.lexer import lex
from explain.lexicon.scanner import Token
from explain.lexicon.text import Rewrite, drop_label, prepare, refuse_d_operator
from explain.limits import MAX_DEPTH, MAX_NODES, MAX_TREE_HEIGHT

__all__ = ["Token", "parse", "parse_tokens", "read_text", "tokenize", "variable_name"]


def parse(text: str, *, label: str = "expression") -> Parsed:
    """Read plain text (not LaTeX) into a Parsed tree, or raise ParseError/LimitExceeded."""
    return read_text(text, label, latex=False)


def tokenize(text: str, label: str = "expression") -> list[Token]:
    """The tokens of plain text (after a leading label is dropped), ending with an "end" token."""
    norm, _ = drop_label(prepare(text, label), text)
    tokens, _ = lex(norm, text, label, latex=False)
    return list(tokens)


def variable_name(text: str, *, label: str = "variable") -> str:
    """Canonical name of one variable given by the user ("α" -> "alpha", "x_{1}" -> "x_1")."""
    tokens = [t for t in tokenize(text, label) if t.kind != "end"]
    if len(tokens) == 1 and tokens[0].kind == "name":
        return tokens[0].text
    constant = len(tokens) == 1 and tokens[0].kind == "const"
    why = "is a constant, not a variable" if constant else "is not one variable name"
    raise ParseError(
        f"'{readings.shown(text.strip())}' {why}", source=text, start=0, end=len(text),
        label=label, hint="write one name such as x, x_1, theta or α; separate several with commas",
    )  # fmt: skip


def read_text(text: str, label: str, *, latex: bool, rewrite: Rewrite | None = None) -> Parsed:
    """The shared pipeline: limit, normalise, (rewrite LaTeX), drop a label, tokenize, parse."""
    norm, dropped = drop_label(prepare(text, label, rewrite), text)
    if not norm.chars:
        at = norm.length if dropped else 0
        raise ParseError("empty expression", source=text, start=at, end=at, label=label)
    refuse_d_operator(norm, text, label)
    tokens, notes = lex(norm, text, label, latex=latex)
    return parse_tokens(tokens, text, label, latex=latex, notes=(*dropped, *notes))


def parse_tokens(
    tokens: list[Token] | tuple[Token, ...], source: str, label: str, *, latex: bool,
    notes: tuple[Note, ...] = (),
) -> Parsed:  # fmt: skip
    """The grammar over tokens (from tokenize or the LaTeX front end) -> Parsed, notes sorted."""
    if not tokens or tokens[-1].kind != "end":
        at = tokens[-1].end if tokens else 0
        tokens = (*tokens, Token("end", "", at, at))
    parser = _Parser(tuple(tokens), source, label, latex=latex)
    expr = parser.parse()
    found = [*notes, *parser.notes, *readings.conventions(parser.seen)]
    unique = {note.message: note for note in found}.values()
    ordered = sorted(unique, key=lambda n: -1 if n.span is None else n.span.start)
    return Parsed(source=source, expr=expr, notes=tuple(ordered), latex=latex)


def _span(left: Expr | Token, right: Expr | Token) -> Span:
    start = left.start if isinstance(left, Token) else left.span.start
    return Span(start, right.end if isinstance(right, Token) else right.span.end)


_BINARY: dict[str, type[Add | Sub | Mul | Div]] = {"+": Add, "-": Sub, "*": Mul, "/": Div}
Keywords = tuple[tuple[str, Expr], ...]
Arguments = tuple[tuple[Expr, ...], Keywords, Token]
Applied = tuple[tuple[Expr, ...], Keywords]


class _Parser:
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
            return self.function()
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
