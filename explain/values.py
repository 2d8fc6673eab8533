"""Values: the text of --at (`x=[[1,2],[3,4]], w=linspace(-3,3,7), c=pi/2`) → named NumPy arrays,
safely (no eval).

Policies (what a person may write after --at, and how it is read):
- `name=spec` pairs separated by commas outside brackets; names as in expressions (`α`, `x_1`);
  a missing `=`, a bad name or a name given twice is an error.
- Scalars: a constant expression read by explain.parse (`1`, `-1`, `1e-3`, `pi/2`, `sqrt(2)`,
  fullwidth `１２３`), finite and real; its exact SymPy value is kept. An integer beyond 2**53 is
  rounded to float64, with a note.
- Lists: `[1, 2.5, -3e-2]`, `[[1, 2], [3, 4]]` (a trailing comma and `1.` are fine); elements
  are signed integer, decimal or scientific literals, or `pi`/`e`; integers become float64. An
  empty or ragged list, nan/inf, numbers too large for float64, other digits (`١٢٣`), `0x10`,
  `1+2j`, a missing comma (NumPy's printout) and its `...` are refused, naming the place.
- Wrappers `tensor(..)`, `array(..)` with `torch.`/`np.`/`numpy.` or no prefix, around a list
  or a scalar; constructors (same prefixes) `linspace(a, b, n)`, `arange(stop)`,
  `arange(start, stop[, step])`, `zeros(shape)`, `ones(shape)`, `full(shape, v)`,
  `randn(shape, seed=S)`, `rand(shape, seed=S)` (numpy.random.default_rng(S), noted; without a
  seed: an error, as results must be reproducible). A shape is an int, several ints or a
  tuple/list of ints; arguments are constant expressions, whole numbers where a count is needed.
  `dtype=` (float64/float32/float) and `requires_grad=` are accepted and ignored, with a note:
  values are always float64.
- Limits: MAX_VALUE_CHARS on the whole text (before trimming); MAX_TENSOR_ELEMENTS per value and
  MAX_DIMENSIONS, both checked before anything is allocated.
- Errors are ParseError, LimitExceeded, MathError or UsageError placed in the whole text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from explain import limits
from explain.budget import within
from explain.errors import ExplainError, LimitExceeded, MathError, ParseError, UsageError
from explain.expr import Apply, Expr, Index, Var, children
from explain.lexicon import DOTTED_FUNCTIONS
from explain.lexicon.text import describe, normalise
from explain.parse import parse, variable_name
from explain.symbolic import to_sympy

MAX_DIMENSIONS = 8
"""Most dimensions of one value (NumPy allows 64)."""

FLOAT64_EXACT = 2**53
WRAPPERS = frozenset({"tensor", "array"})
PREFIXES = frozenset({"", "torch", "np", "numpy"})
DTYPES = frozenset(
    {"float", "double", "float64", "float32"}
    | {f"{p}.{t}" for p in ("torch", "np", "numpy") for t in ("float64", "float32")}
    | {"torch.double", "torch.float"}
)
VALUES_HINT = (
    "give a number (pi/2), a list ([1, 2]), tensor([...]), linspace(a, b, n), arange(n), "
    "zeros/ones/full(shape) or randn/rand(shape, seed=S)"
)
ARITY = {
    "linspace": (3, 3, "linspace(start, stop, n)"),
    "arange": (1, 3, "arange(stop) or arange(start, stop[, step])"),
    "full": (2, 2, "full(shape, value), e.g. full((2, 3), 1.5)"),
    **{f: (1, MAX_DIMENSIONS, f"{f}(3), {f}(2, 3) or {f}((2, 3))") for f in ("zeros", "ones")},
    **{f: (1, MAX_DIMENSIONS, f"{f}(2, 3, seed=0)") for f in ("randn", "rand")},
}
"""Constructor -> (fewest and most positional arguments, how to write it)."""

_HEAD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\(")
_NUMBER = re.compile(r"[+-]?(?:([0-9]+)(?:\.([0-9]*))?|\.([0-9]+))(?:[eE][+-]?[0-9]+)?")
_WORD = re.compile(r"[+-]?[A-Za-zπ_][A-Za-z0-9_]*")
_KEYWORD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)")
_CONSTANTS = {"pi": math.pi, "π": math.pi, "e": math.e}
_CLOSERS = {"(": ")", "[": "]", "{": "}"}
_ELEMENTS = "list elements are numbers such as 1, -2.5, 3e-2 or pi"
_ONE = "a value is one number, list or call"
_MAX = limits.MAX_TENSOR_ELEMENTS


@dataclass(frozen=True, slots=True)
class Value:
    """One named value: a float64 array (shape () for a scalar) and, for a constant, its exact
    SymPy value; `notes` say what was decided on the way (an ignored dtype, a rounding)."""

    name: str  # canonical variable name (explain.parse.variable_name)
    array: Any  # numpy float64 ndarray; shape () for a scalar
    exact: Any | None  # exact SymPy value of a scalar written as a constant; None for tensors
    text: str  # the spec as written
    notes: tuple[str, ...] = ()


def parse_values(text: str, label: str = "--at") -> tuple[Value, ...]:
    """`x=[1, 2], c=pi/2` -> (Value x, Value c), or an ExplainError placed in the text."""
    if len(text) > limits.MAX_VALUE_CHARS:
        why = f"the {label} text is {len(text)} characters; the limit is {limits.MAX_VALUE_CHARS}"
        raise LimitExceeded(why, source=text, start=limits.MAX_VALUE_CHARS, label=label)
    return _Reader(text, label).values()


def parse_value(text: str, label: str = "answer") -> Value:
    """One value written alone: "[[4, 6], [8, 10]]", "2.5", "tensor([1., 2.])", "pi/2"."""
    if len(text) > limits.MAX_VALUE_CHARS:
        why = f"the {label} is {len(text)} characters; the limit is {limits.MAX_VALUE_CHARS}"
        raise LimitExceeded(why, source=text, start=limits.MAX_VALUE_CHARS, label=label)
    reader = _Reader(text, label)
    a, b = reader.strip(0, len(reader.s))
    if a == b:
        raise reader.fail("no value given", 0, len(reader.s))
    array, exact = reader.spec(label, a, b)
    return Value(label, array, exact, text, tuple(reader.notes))


Node = tuple[int, int, Any]
"""A list literal as read: (start, end, a float or a list of Nodes), in normalised offsets."""
Where = tuple[int, int]


class _Reader:
    """Reads the normalised text; every error is mapped back to offsets in the text as typed."""

    def __init__(self, text: str, label: str) -> None:
        self.text, self.label = text, label
        self.norm = normalise(text)
        self.s = self.norm.chars
        self.notes: list[str] = []

    # --- errors and helpers -------------------------------------------------------------------

    def fail(self, why: str, i: int, j: int, hint: str | None = None,
             kind: type[ExplainError] = ParseError) -> ExplainError:  # fmt: skip
        start, end = self.norm.span(i, max(j, i + 1))
        return kind(why, source=self.text, start=start, end=end, hint=hint, label=self.label)

    def original(self, i: int, j: int) -> str:
        start, end = self.norm.span(i, j)
        return self.text[start:end]

    def strip(self, i: int, j: int) -> Where:
        while i < j and self.s[i].isspace():
            i += 1
        while j > i and self.s[j - 1].isspace():
            j -= 1
        return i, j

    def split(self, i: int, j: int, *, trailing: bool = False) -> list[Where]:
        """[i, j) cut at commas outside brackets, each piece stripped; `trailing`: drop an empty
        last piece (`(3,)`, `zeros(2, 3,)`)."""
        pieces, depth, start = [], 0, i
        for k in range(i, j):
            depth = max(0, depth + (self.s[k] in "([{") - (self.s[k] in ")]}"))
            if self.s[k] == "," and depth == 0:
                pieces.append(self.strip(start, k))
                start = k + 1
        pieces.append(self.strip(start, j))
        if trailing and len(pieces) > 1 and pieces[-1][0] == pieces[-1][1]:
            pieces.pop()
        return pieces

    def closing(self, i: int, j: int) -> int:
        """Index of the bracket closing the one at i (before j)."""
        stack = [i]
        for k in range(i + 1, j):
            if self.s[k] in _CLOSERS:
                stack.append(k)
            elif self.s[k] in ")]}":
                opener = self.s[stack.pop()]
                if _CLOSERS[opener] != self.s[k]:
                    raise self.fail(f"'{self.s[k]}' does not match '{opener}'", k, k + 1)
                if not stack:
                    return k
        raise self.fail(f"'{self.s[i]}' is never closed", i, i + 1, "add the closing bracket")

    def rest(self, end: int, j: int) -> None:
        """Nothing may follow a list or a call inside one spec."""
        after = self.strip(end, j)[0]
        if after < j:
            raise self.fail(
                f"unexpected '{self.original(after, j)}' after the value", after, j, _ONE
            )

    # --- name=spec pairs ------------------------------------------------------------------------

    def values(self) -> tuple[Value, ...]:
        if not self.s.strip():
            raise self.fail("no values given", 0, len(self.s), "for example x=1, w=[1, 2]")
        found: dict[str, Value] = {}
        for i, j in self.split(0, len(self.s)):
            value = self.assignment(i, j)
            if value.name in found:
                raise self.fail(f"{value.name} is given twice", i, j, kind=UsageError)
            found[value.name] = value
        return tuple(found.values())

    def assignment(self, i: int, j: int) -> Value:
        depth, eq = 0, -1
        for k in range(i, j):
            depth = max(0, depth + (self.s[k] in "([{") - (self.s[k] in ")]}"))
            if self.s[k] == "=" and depth == 0:
                eq = k
                break
        if eq < 0:
            why = "expected name=value" if i < j else "empty entry between commas"
            raise self.fail(why, i, j, "for example --at 'x=[1, 2], c=pi/2'")
        name_i, name_j = self.strip(i, eq)
        if name_i == name_j:
            raise self.fail("missing name before '='", eq, eq + 1)
        try:
            name = variable_name(self.original(name_i, name_j), label=self.label)
        except ExplainError as err:
            raise self.fail(err.why, name_i, name_j, err.hint, type(err)) from None
        a, b = self.strip(eq + 1, j)
        if a == b:
            raise self.fail(f"missing value after '{self.original(name_i, eq + 1)}'", eq, eq + 1)
        self.notes = []
        array, exact = self.spec(name, a, b)
        return Value(name, array, exact, self.original(a, b), tuple(self.notes))

    def spec(self, name: str, i: int, j: int) -> tuple[Any, Any]:
        """(array, exact) of one spec: a list, a wrapper or constructor call, or a scalar."""
        if self.s[i] == "[":
            return self.listed(name, i, j), None
        head = _HEAD.match(self.s, i, j)
        if head:
            dotted = head.group(1)
            prefix, _, func = dotted.rpartition(".")
            if (func in WRAPPERS or func in ARITY) and prefix in PREFIXES:
                return self.call(name, func, i, head.end() - 1, j)
            if prefix and dotted not in DOTTED_FUNCTIONS:
                raise self.fail(f"unknown function '{dotted}'", i, head.end(1), VALUES_HINT)
        return self.constant(name, (i, j))

    # --- scalars ---------------------------------------------------------------------------------

    def constant(self, name: str, where: Where) -> tuple[Any, Any]:
        exact = self.scalar(where)
        return np.array(self.real(name, exact, where), dtype=np.float64), exact

    def scalar(self, where: Where) -> Any:
        """A constant expression through the safe parser -> its exact SymPy value."""
        source = self.original(*where)
        try:
            tree = parse(source, label="value").expr
            _refuse_unknowns(tree, source)
            return to_sympy(tree, source)
        except ExplainError as err:
            offset = self.norm.span(where[0], where[0])[0]
            start = None if err.start is None else err.start + offset
            end = None if err.end is None else err.end + offset
            raise type(err)(err.why, source=self.text, start=start, end=end, hint=err.hint,
                            label=self.label) from None  # fmt: skip

    def real(self, name: str, exact: Any, where: Where) -> float:
        """The float64 of an exact constant: finite and real, or a MathError."""
        try:
            approx = within(limits.EVAL_SECONDS, lambda: complex(sympy.N(exact, 20)))
        except (OverflowError, TypeError, ValueError):
            approx = complex(math.inf)
        if approx is None:
            raise self.fail(f"{name} takes too long to compute", *where, kind=LimitExceeded)
        if approx.imag != 0 or not math.isfinite(approx.real):
            why = "is not real" if approx.imag != 0 else "is not a finite float64"
            raise self.fail(f"the value of {name} {why}", *where, kind=MathError)
        if getattr(exact, "is_Integer", False) and abs(int(exact)) > FLOAT64_EXACT:
            written = _amount(int(exact))
            self.notes.append(f"{name} = {written} is not exactly representable as a float64; "
                              f"it is rounded to {approx.real:.17g}")  # fmt: skip
        return approx.real

    def count(self, what: str, where: Where, least: int = 0) -> int:
        """A whole number (a size, a seed) written as a constant expression."""
        exact = self.scalar(where)
        if not getattr(exact, "is_Integer", False):
            raise self.fail(f"{what} must be a whole number, not '{self.original(*where)}'", *where)
        if int(exact) < least:
            raise self.fail(f"{what} must be at least {least}, not {_amount(int(exact))}", *where)
        if what != "the seed" and int(exact) > _MAX:
            why = f"{what} is {_amount(int(exact))}; the limit is {_amount(_MAX)} elements"
            raise self.fail(why, *where, kind=LimitExceeded)
        return int(exact)

    # --- list literals ---------------------------------------------------------------------------

    def listed(self, name: str, i: int, j: int) -> Any:
        node, end = self.nested(i, j, 1)
        self.rest(end, j)
        shape: list[int] = []
        items = node[2]
        while isinstance(items, list):  # the shape claimed by the first elements
            shape.append(len(items))
            items = items[0][2]
        flat: list[float] = []
        self.rectangular(name, node, tuple(shape), (), flat)
        return np.array(flat, dtype=np.float64).reshape(shape)

    def nested(self, i: int, j: int, depth: int) -> tuple[Node, int]:
        """[ item, item, ... ] starting at i -> (node, index after ']'); at most 8 deep."""
        if depth > MAX_DIMENSIONS:
            why = f"a list is nested more than {MAX_DIMENSIONS} deep (dimensions)"
            raise self.fail(why, i, i + 1, kind=LimitExceeded)
        items: list[Node] = []
        k = self.strip(i + 1, j)[0]
        while k < j and self.s[k] != "]":
            item, k = self.nested(k, j, depth + 1) if self.s[k] == "[" else self.number(k, j)
            items.append(item)
            k = self.strip(k, j)[0]
            if k < j and self.s[k] == ",":
                k = self.strip(k + 1, j)[0]
            elif k < j and self.s[k] != "]":
                raise self.separator(k, j)
        if k >= j:
            raise self.fail("'[' is never closed", i, i + 1, "add the closing ']'")
        if not items:
            raise self.fail("empty list", i, k + 1, "a value needs at least one element")
        return (i, k + 1, items), k + 1

    def separator(self, k: int, j: int) -> ExplainError:
        if self.s[k] in "0123456789.[":
            hint = "NumPy prints arrays without commas: add them"
            return self.fail("list elements need a comma between them", k, k + 1, hint)
        return self.bad_element(k, j)

    def number(self, k: int, j: int) -> tuple[Node, int]:
        """One element: a literal number, or pi/e, with an optional sign."""
        found = _NUMBER.match(self.s, k, j)
        if found is None:
            word = _WORD.match(self.s, k, j)
            bare = word.group().lstrip("+-") if word else ""
            if word is None or bare not in _CONSTANTS:
                raise self.bad_element(k, j)
            sign = -1.0 if word.group().startswith("-") else 1.0
            return (k, word.end(), sign * _CONSTANTS[bare]), word.end()
        end = found.end()
        if end < j and (self.s[end].isalnum() or self.s[end] in "_."):
            raise self.bad_literal(k, j)
        digits = max(len(g or "") for g in found.groups())
        if digits > limits.MAX_INT_DIGITS:
            why = f"a number has {digits} digits; the limit is {limits.MAX_INT_DIGITS}"
            raise self.fail(why, k, end, kind=LimitExceeded)
        value = float(found.group())
        if not math.isfinite(value):
            raise self.fail(f"{found.group()} is too large for float64", k, end, kind=MathError)
        return (k, end, value), end

    def bad_literal(self, k: int, j: int) -> ExplainError:
        """0x10, 2j, 1_000, 1.5.3: the whole run is named."""
        end = k + 1
        while end < j and (self.s[end].isalnum() or self.s[end] in "_."):
            end += 1
        written = self.original(k, end)
        hint = "write the number in decimal"
        if written.endswith(("j", "J")):
            hint = "complex numbers are not supported: values are real"
        return self.fail(f"'{written}' is not a number", k, end, hint)

    def bad_element(self, k: int, j: int) -> ExplainError:
        word = _WORD.match(self.s, k, j)
        typed = self.original(k, k + 1)[:1] or self.s[k]
        if word:
            infinite = word.group().lstrip("+-").lower() in ("nan", "inf", "infinity")
            why = "is not a finite number" if infinite else "is not a number"
            return self.fail(f"'{self.original(k, word.end())}' {why}", k, word.end(), _ELEMENTS)
        if self.s.startswith("...", k):
            hint = "give every element (or use linspace, arange)"
            return self.fail("'...' (a shortened NumPy printout) is not a value", k, k + 3, hint)
        if unicodedata.category(typed).startswith("N"):
            return self.fail(f"character {describe(typed)} is not allowed", k, k + 1, "write 0-9")
        if typed.isascii() and typed.isprintable():
            why = f"'{typed}' cannot appear in a list of numbers"
            return self.fail(why, k, k + 1, "write plain numbers; compute expressions first")
        return self.fail(f"character {describe(typed)} is not allowed", k, k + 1)

    def rectangular(self, name: str, node: Node, shape: tuple[int, ...],
                    path: tuple[int, ...], flat: list[float]) -> None:  # fmt: skip
        """Every list at one depth has the length the first one has; leaves go to `flat`."""
        start, end, items = node
        where, first = name + "".join(f"[{p}]" for p in path), name + "[0]" * len(path)
        if not shape or not isinstance(items, list):
            if shape or isinstance(items, list):
                kinds = ("a number", "a list") if shape else ("a list", "a number")
                raise self.fail(f"{where} is {kinds[0]}, but {first} is {kinds[1]}", start, end)
            flat.append(items)
            return
        if len(items) != shape[0]:
            size = f"{len(items)} element{'s' * (len(items) != 1)}"
            why = f"{where} has {size}, but {first} has {shape[0]}"
            if len(path) == 1 and len(shape) == 1:
                why = f"row {path[0] + 1} has {size}, row 1 has {shape[0]}"
            raise self.fail(why, start, end, "every row needs the same number of elements")
        for k, item in enumerate(items):
            self.rectangular(name, item, shape[1:], (*path, k), flat)

    # --- wrappers and constructors --------------------------------------------------------------

    def call(self, name: str, func: str, i: int, opener: int, j: int) -> tuple[Any, Any]:
        close = self.closing(opener, j)
        self.rest(close + 1, j)
        span = (i, close + 1)
        args, keywords = self.arguments(func, opener, close)
        seed = keywords.pop("seed", None)
        if (seed is None) == (func in ("randn", "rand")):
            if seed is None:
                why = f"{func} needs a seed, so that the values can be reproduced"
                raise self.fail(why, *span, f"write {ARITY[func][2]}", UsageError)
            raise self.fail(f"only randn and rand take seed=, not {func}", *seed, kind=UsageError)
        self.ignored(keywords)
        if func in WRAPPERS:
            if len(args) != 1:
                raise self.fail(f"{func}() takes one list or number", *span)
            a, b = args[0]
            return (
                (self.listed(name, a, b), None) if self.s[a] == "[" else self.constant(name, (a, b))
            )
        fewest, most, usage = ARITY[func]
        if not fewest <= len(args) <= most:
            raise self.fail(f"wrong number of arguments for {func}()", *span, f"write {usage}")
        if func in ("linspace", "arange"):
            return self.spaced(name, func, args, span), None
        shape = self.shape(args[:1] if func == "full" else args)
        fill = self.real(name, self.scalar(args[1]), args[1]) if func == "full" else 0.0
        drawn = None if seed is None else self.count("the seed", seed)
        if drawn is not None:
            self.notes.append(f"{func} draws from numpy.random.default_rng({drawn}), not torch")
        return self.allocate(name, shape, span, lambda: _filled(func, shape, fill, drawn)), None

    def arguments(self, func: str, opener: int, close: int) -> tuple[list[Where], dict[str, Where]]:
        args: list[Where] = []
        keywords: dict[str, Where] = {}
        for a, b in self.split(opener + 1, close, trailing=True):
            key = _KEYWORD.match(self.s, a, b)
            if a == b:
                raise self.fail(f"{func}() needs an argument here", a, b + 1)
            if key is None and keywords:
                raise self.fail("positional arguments come before keywords", a, b)
            if key is None:
                args.append((a, b))
                continue
            word = key.group(1)
            if word not in ("dtype", "requires_grad", "seed") or word in keywords:
                why = f"{word}= is given twice" if word in keywords else f"unknown keyword {word}="
                hint = "accepted: dtype=, requires_grad=, seed= (randn, rand)"
                raise self.fail(why, a, key.end(), hint)
            keywords[word] = self.strip(key.end(), b)
        return args, keywords

    def ignored(self, keywords: dict[str, Where]) -> None:
        """dtype= and requires_grad= are checked, then noted as ignored."""
        for word, (a, b) in keywords.items():
            written = self.original(a, b)
            if written not in (DTYPES if word == "dtype" else ("True", "False")):
                expected = "a float dtype" if word == "dtype" else "True or False"
                raise self.fail(f"{word}= takes {expected}, not '{written}'", a, max(a + 1, b))
            self.notes.append(f"{word}={written} is accepted and ignored: values are float64")

    def spaced(self, name: str, func: str, args: list[Where], span: Where) -> Any:
        """linspace(a, b, n); arange(stop), arange(start, stop[, step]): sizes checked first."""
        numbers = [self.real(name, self.scalar(w), w) for w in args[:3]]
        if func == "linspace":
            size = self.count("the number of points", args[2], least=1)
            start, stop = numbers[:2]
            return self.allocate(name, (size,), span, lambda: np.linspace(start, stop, size))
        begin, end, step = (0.0, numbers[0], 1.0) if len(numbers) == 1 else (*numbers, 1.0)[:3]
        if step == 0:
            raise self.fail("the step of arange is 0", *span, kind=MathError)
        steps = (end - begin) / step
        if not math.isfinite(steps):
            raise self.fail(f"{name} would have too many elements", *span, kind=LimitExceeded)
        size = max(0, math.ceil(steps))
        return self.allocate(name, (size,), span, lambda: np.arange(begin, end, step))

    def shape(self, args: list[Where]) -> tuple[int, ...]:
        """3; 2, 3; (2, 3); [2, 3]; (3,); (): whole numbers, at most MAX_DIMENSIONS of them."""
        if len(args) == 1 and self.s[args[0][0]] in "([":
            a, b = args[0]
            if self.closing(a, b) != b - 1:
                raise self.fail("a shape is a tuple of whole numbers", a, b)
            args = self.split(a + 1, b - 1, trailing=True)
            args = [] if len(args) == 1 and args[0][0] == args[0][1] else args  # ()
        if len(args) > MAX_DIMENSIONS:
            why = f"more than {MAX_DIMENSIONS} dimensions"
            raise self.fail(why, args[0][0], args[-1][1], kind=LimitExceeded)
        return tuple(self.count("a size", w) for w in args)

    def allocate(self, name: str, shape: tuple[int, ...], span: Where,
                 build: Callable[[], Any]) -> Any:  # fmt: skip
        """build() once the size is known to be within MAX_TENSOR_ELEMENTS; finite values."""
        size = math.prod(shape)
        if size > _MAX:
            why = f"{name} would have {_amount(size)} elements; the limit is {_amount(_MAX)}"
            raise self.fail(why, *span, kind=LimitExceeded)
        if size == 0:
            raise self.fail(f"{name} would have no elements", *span, kind=MathError)
        with np.errstate(all="ignore"):
            array = np.asarray(build(), dtype=np.float64)
        if not np.isfinite(array).all():
            raise self.fail(
                f"{name} has values that are not finite in float64", *span, kind=MathError
            )
        return array


def _amount(n: int) -> str:
    """12,345 in full; a number of more than 30 digits by its size (messages stay one line)."""
    digits = len(str(abs(n)))
    return f"{n:,}" if digits <= 30 else f"about {'-' * (n < 0)}10^{digits - 1}"


def _filled(func: str, shape: tuple[int, ...], fill: float, seed: int | None) -> Any:
    if func in ("zeros", "ones", "full"):
        return np.full(shape, {"zeros": 0.0, "ones": 1.0}.get(func, fill))
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape) if func == "randn" else rng.random(shape)


def _refuse_unknowns(tree: Expr, source: str) -> None:
    """A value is a constant: no variables, undefined functions or indexing."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Var | Apply | Index):
            written = source[node.span.start : node.span.end]
            hint = "values are constants: x=1, c=pi/2, w=[1, 2]"
            if isinstance(node, Var) and node.name in ("i", "j", "I", "J"):
                hint = "complex numbers are not supported: values are real"
            kind = UsageError if isinstance(node, Var) else ParseError
            why = f"a value must be a number, not an expression in '{written}'"
            span = node.span
            raise kind(why, source=source, start=span.start, end=span.end, hint=hint)
        stack.extend(children(node))
