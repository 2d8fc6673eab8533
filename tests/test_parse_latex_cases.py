r"""explain.parse_latex.cases: \begin{cases} ... \end{cases} reads as the Piecewise it spells,
errors point into the LaTeX as typed, hostile input is one line."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explain.errors import LimitExceeded, ParseError
from explain.expr import Cases
from explain.grading.shape import shape
from explain.limits import MAX_DEPTH, MAX_PIECES
from explain.parse import parse
from explain.parse_latex import parse_latex
from explain.written import explicit, latex
from tests.test_parse import expressions, nodes
from tests.test_parse_latex import assert_refused, check_latex_cleanly

SAME_AS = {
    r"f(x) = \begin{cases} x^2 & x < 0 \\ x & \text{otherwise} \end{cases}":
        "Piecewise((x^2, x < 0), (x, True))",
    r"\begin{cases} x^2, & \text{if } x < 0, \\ \sin x, & x \ge 0 \end{cases}":
        "Piecewise((x^2, x < 0), (sin(x), x >= 0))",
    r"$\begin{dcases} \frac{1}{x} & x > 0 \\ 0 & \text{else}. \\ \end{dcases}$":
        "Piecewise((1/x, x > 0), (0, True))",
    r"\begin{cases} 1 & 0 \le x < 1 \\ 0 & \text{otherwise} \end{cases}":
        "Piecewise((1, 0 <= x < 1), (0, True))",
    r"\begin{cases} 1 & 0 \leq x \lt 1 \\ 2 & 1 \leqslant x \\ 0 & \text{otherwise}\end{cases}":
        "Piecewise((1, 0 <= x < 1), (2, 1 <= x), (0, True))",
    r"\begin{cases} e^{x} & \text{for } x \gt 0 \text{ and } x \geqslant -1 \\ 1 & x \leq 0"
    r" \end{cases}": "Piecewise((e^x, x > 0 & x >= -1), (1, x <= 0))",
    r"\begin{cases} x & x > 0 \land x < 1 \\ 2 & \text{when } x \geq 1 \wedge x \le 3\end{cases}":
        "Piecewise((x, x > 0 and x < 1), (2, x >= 1 and x <= 3))",
    r"2\begin{cases}x&x<0\\-x&\text{Otherwise.}\end{cases} + 1":
        "2*Piecewise((x, x < 0), (-x, True)) + 1",
    r"\begin{cases} \begin{cases} 1 & x < -1 \\ 2 & \text{otherwise} \end{cases} & x < 0 \\"
    r" \sqrt{x} & \text{otherwise} \end{cases}":
        "Piecewise((Piecewise((1, x < -1), (2, True)), x < 0), (sqrt(x), True))",
    r"\begin{cases} {x \cdot y} & \text{if} \quad x < y \\ y & \text{otherwise} \end{cases}":
        "Piecewise((x*y, x < y), (y, True))",
}  # fmt: skip


@pytest.mark.parametrize(("text", "plain"), SAME_AS.items(), ids=list(SAME_AS))
def test_cases_read_as_their_piecewise_spelling(text: str, plain: str) -> None:
    got, want = parse_latex(text).expr, parse(plain).expr
    assert explicit(got) == explicit(want)
    assert shape(got) == shape(want)
    assert isinstance(got, Cases) or "Piecewise" in explicit(got)
    for node in nodes(got):
        assert 0 <= node.span.start <= node.span.end <= len(text)


def test_spans_and_spelling_point_into_the_latex() -> None:
    text = r"\begin{cases} x^2 & \text{if } x < 0 \\ 3x & \text{otherwise} \end{cases}"
    expr = parse_latex(text).expr
    assert isinstance(expr, Cases) and expr.spelling == "cases"
    assert (expr.span.start, expr.span.end) == (0, len(text))
    first, second = expr.pieces
    assert text[first.value.span.start : first.value.span.end] == "x^2"
    compare = first.condition[0]
    assert text[compare.span.start : compare.span.end] == "x < 0"
    assert text[second.value.span.start : second.value.span.end] == "3x"
    assert second.condition == ()


@pytest.mark.parametrize(
    "text", [r"f(x) = \begin{cases} x & x < 0 \\ 0 & \text{otherwise} \end{cases}", r"y = \sin x"]
)
def test_a_dropped_label_is_quoted_as_typed(text: str) -> None:
    (note,) = parse_latex(text).notes[:1]
    label = text[: text.index("=") + 1]
    assert note.message == f"the label '{label}' at the start was dropped"


def test_written_latex_reads_back_as_itself() -> None:
    """What explain prints as LaTeX for a function defined by cases is valid input again."""
    plain = "Piecewise((x^2, x < 0), (sin(x), 0 <= x <= 1), (x/2, x > 1 & x < 3), (0, True))"
    expr = parse(plain).expr
    assert explicit(parse_latex(latex(expr)).expr) == explicit(expr)


REFUSED = [
    (r"\begin{cases}\input{/etc/passwd}&x<0\end{cases}", 14, r"LaTeX command \input"),
    (r"\begin{verbatim}x\end{verbatim}", 1, "environment {verbatim} is not supported"),
    (r"\begin{array}{ll} x & x<0 \end{array}", 1, "environment {array} is not supported"),
    (r"\begin x", 1, r"\begin needs a word in braces"),
    (r"x^2 + \begin{cases} x & x < 0", 7, r"\begin{cases} is never closed"),
    (r"\begin{cases} x & x < 0 \end{dcases}", 25, r"does not match the \begin{cases} at column 1"),
    (r"x \end{cases}", 3, r"\end{cases} closes nothing"),
    (r"\begin{cases} {x & x < 0 \end{cases}", 18, "'&' inside the '{' opened at column 15"),
    (r"\begin{cases} \sqrt[x \\ 1] & x \end{cases}", 23, "inside the '[' opened at column 20"),
    (r"\begin{cases}\end{cases}", 14, r"\begin{cases} has no rows"),
    (r"\begin{cases} x^2 \\ x & x > 0 \end{cases}", 15, "row 1 of cases has no '&'"),
    (r"\begin{cases} x & x<0 \\ \\ 1 & x > 0 \end{cases}", 26, "row 2 of cases is empty"),
    (r"\begin{cases} x & x < 0 & 1 \end{cases}", 25, "a second '&' in row 1"),
    (r"\begin{cases} & x < 0 \end{cases}", 15, "has no value before '&'"),
    (r"\begin{cases} x & , \end{cases}", 21, "has no condition after '&'"),
    (r"\begin{cases} x & \text{hello} \end{cases}", 19, "'hello' is not part of a condition"),
    (r"\begin{cases} x & x < 0 \text{ or } x > 1 \end{cases}", 25, "'or' is not part"),
    (r"\begin{cases} x & x < 0 \text{ if } \end{cases}", 25, "can only start a condition"),
    (r"\begin{cases} x & x < 0 \text{otherwise} \end{cases}", 25, "is a whole condition"),
    (r"\begin{cases} x & \text{and} x < 0 \end{cases}", 19, "needs a comparison before"),
    (r"\begin{cases} x \text{if} & x < 0 \end{cases}", 17, r"LaTeX command \text"),
    (r"\begin{cases} x & x \end{cases}", 21, "expected a comparison"),
    (r"\begin{cases} x & \text{otherwise} \\ 1 & x < 0 \end{cases}", 39, "can be reached"),
    (r"\begin{cases} x & x < \frac{1}{} \end{cases}", 31, "empty brackets"),
    (r"\begin{cases} x & x < 0 \\ 1 & x <* 0 \end{cases}", 35, "expected a number"),
    (r"\frac{\begin{cases} x & x<0 \\ 1 & x > 0 \end{cases}}{x \\ 2}", 57, "line break"),
    ("x & y", 3, "alignment"),
    (r"x \\ y", 3, "line break"),
    (r"x \le 1", 3, "belongs only in the condition"),
    (r"\sin x \land x", 8, "belongs only in the condition"),
]


@pytest.mark.parametrize(("text", "column", "why"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_with_the_column_in_the_latex(text: str, column: int, why: str) -> None:
    assert_refused(text, column, why)


def test_rows_beyond_the_limit_are_refused() -> None:
    def cases(rows: int) -> str:
        body = r" \\ ".join(f"{k} & x < {k}" for k in range(rows - 1))
        return rf"\begin{{cases}} {body} \\ 0 & \text{{otherwise}} \end{{cases}}"

    assert len(parse_latex(cases(MAX_PIECES)).expr.pieces) == MAX_PIECES  # type: ignore[union-attr]
    with pytest.raises(LimitExceeded, match=f"more than {MAX_PIECES} rows") as caught:
        parse_latex(cases(MAX_PIECES + 1))
    text = cases(MAX_PIECES + 1)
    assert text[caught.value.start : caught.value.start + 2] == "\\\\"


def test_nested_cases_are_limited_by_depth() -> None:
    deep = r"\begin{cases}" * (MAX_DEPTH + 1) + "x"
    with pytest.raises(LimitExceeded):
        parse_latex(deep)
    nested = r"\begin{cases} " * 40 + "x & x < 0" + r" \end{cases} & x < 0" * 39 + r" \end{cases}"
    with pytest.raises(LimitExceeded):
        parse_latex(nested)


CASES_PIECES = [
    r"\begin{cases}", r"\end{cases}", r"\begin{dcases}", r"\end{dcases}", r"\begin{verbatim}",
    "&", r"\\", r"\text{if }", r"\text{otherwise}", r"\text{ and }", r"\text{", "<", r"\le",
    r"\geq", r"\land", "x", "2", r"\frac{1}{x}", "{", "}", ",", ".", " ", r"\input", "$",
]  # fmt: skip


@given(st.lists(st.sampled_from(CASES_PIECES), max_size=25).map("".join))
def test_cases_soup_parses_or_fails_cleanly(text: str) -> None:
    check_latex_cleanly(text)


def latex_and_plain() -> st.SearchStrategy[tuple[str, str]]:
    """The same function spelled in LaTeX and as Piecewise text."""
    atoms = st.sampled_from(
        [("x", "x"), ("2", "2"), (r"\pi", "pi"), ("x^{2}", "x^2"), (r"\sin x", "sin(x)"),
         (r"\frac{1}{x}", "1/x"), (r"e^{-x}", "e^(-x)")]
    )  # fmt: skip

    def extend(inner: st.SearchStrategy[tuple[str, str]]) -> st.SearchStrategy[tuple[str, str]]:
        pair = st.tuples(inner, inner)
        return st.one_of(
            pair.map(lambda p: (f"{{{p[0][0]}}} + {{{p[1][0]}}}", f"({p[0][1]}) + ({p[1][1]})")),
            pair.map(lambda p: (rf"\frac{{{p[0][0]}}}{{{p[1][0]}}}", f"({p[0][1]})/({p[1][1]})")),
            st.tuples(inner, inner, inner, st.sampled_from([",", ".", ""])).map(
                lambda t: (
                    rf"\begin{{cases}} {t[0][0]}{t[3]} & \text{{if }} {{{t[1][0]}}} \le x < 2{t[3]}"
                    rf" \\ {t[2][0]} & \text{{otherwise}}{t[3]} \end{{cases}}",
                    f"Piecewise(({t[0][1]}, ({t[1][1]}) <= x < 2), ({t[2][1]}, True))",
                )
            ),
        )

    return st.recursive(atoms, extend, max_leaves=8)


@given(latex_and_plain())
def test_generated_cases_read_as_their_piecewise_spelling(pair: tuple[str, str]) -> None:
    text, plain = pair
    got = parse_latex(text).expr
    assert shape(got) == shape(parse(plain).expr), (text, plain)
    for node in nodes(got):
        assert 0 <= node.span.start <= node.span.end <= len(text)


@given(expressions())
def test_plain_expressions_still_read_alike(text: str) -> None:
    """Nothing plain text reads changed meaning: LaTeX only adds cases, \\le ... \\land."""
    if "\\" not in text and "$" not in text and "[" not in text and "|" not in text:
        with contextlib.suppress(ParseError, LimitExceeded):
            assert shape(parse_latex(text).expr) == shape(parse(text).expr)
