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

from explain.errors import ParseError, UsageError
from explain.expr import Note, Parsed, variables
from explain.lexicon import readings
from explain.lexicon.lexer import lex
from explain.lexicon.scanner import Token
from explain.lexicon.text import Rewrite, drop_label, prepare, refuse_d_operator
from explain.parse.grammar import Parser

__all__ = [
    "Token", "default_variable", "parse", "parse_tokens", "read_text", "tokenize", "variable_name",
]  # fmt: skip


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
    parser = Parser(tuple(tokens), source, label, latex=latex)
    expr = parser.parse()
    found = [*notes, *parser.notes, *readings.conventions(parser.seen)]
    unique = {note.message: note for note in found}.values()
    ordered = sorted(unique, key=lambda n: -1 if n.span is None else n.span.start)
    return Parsed(source=source, expr=expr, notes=tuple(ordered), latex=latex)


def default_variable(parsed: Parsed) -> str:
    """The variable to differentiate by: x if it appears, else the only variable (several
    variables without x need one named: --wrt, or `variable` in a grading key)."""
    names = variables(parsed.expr)
    if "x" in names or not names:
        return "x"
    if len(names) == 1:
        return names[0]
    raise UsageError(
        f"the expression has several variables ({', '.join(names)}): say which with --wrt",
        hint=f"--wrt {names[0]} for one, --wrt {','.join(names)} for the gradient",
    )
