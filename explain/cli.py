"""The `explain` command: click group; each command is options -> one api call -> render -> echo.

Errors the user can fix (ExplainError) print one line on stderr and exit with status 2.
SymPy and torch are imported only inside commands, so `explain --help` starts fast.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any, NoReturn, TypeVar

import click

from explain.errors import ExplainError, UsageError

FORMATS = ("text", "markdown", "latex", "json")
F = TypeVar("F", bound=Callable[..., Any])
EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 1


def reports_errors(command: F) -> F:
    """Turn an ExplainError into its one-line message on stderr and exit status 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ExplainError as err:
            click.echo(err.one_line(), err=True)
            sys.exit(EXIT_USER_ERROR)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="explain")
def cli() -> None:
    """Differentiation explained and checked: exact steps (SymPy), values (NumPy) and PyTorch.

    \b
    explain diff "x**2 + 2*x + 1"
    explain diff "2x^2 + sin x" --at x=1
    explain diff "x^2*y + y^3" --wrt x,y --format json
    explain run samples/tutorial/04_accumulation.py
    explain check "sin(x^2)" --answer "cos(x^2)"
    explain grade samples/class/key.toml samples/class/submissions.csv -o grades.csv
    explain worksheet samples/worksheets/chain_rule.toml -o chain.tex
    """


@cli.command()
@click.argument("expression", required=False)
@click.option(
    "--wrt",
    metavar="VAR[,VAR...]",
    help="Variable(s): one for d/dx, several for the gradient. Default: x, or the only variable.",
)
@click.option(
    "--order",
    default=1,
    show_default=True,
    metavar="N",
    type=int,
    help="Derivative order (1 to 10).",
)
@click.option(
    "--at",
    "at",
    metavar="VALUES",
    help='Values: "x=1, y=pi/2", "x=[[1,2],[3,4]]", "x=linspace(-3,3,7)". With values the '
    "exact gradient is cross-checked against PyTorch autograd and finite differences.",
)
@click.option(
    "--check/--no-check",
    default=True,
    help="With --at: cross-check against PyTorch and finite differences (default), or only "
    "evaluate the exact derivative.",
)
@click.option(
    "--dtype",
    type=click.Choice(["float64", "float32"]),
    default="float64",
    show_default=True,
    help="PyTorch's dtype in the cross-check.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--latex",
    "force_latex",
    is_flag=True,
    help="Read EXPRESSION as LaTeX (automatic when it has \\ or $).",
)
@click.option(
    "-f",
    "--file",
    "file",
    type=click.File("r", encoding="utf-8"),
    help="Differentiate every line of FILE (# starts a comment).",
)
@reports_errors
def diff(
    expression: str | None,
    wrt: str | None,
    order: int,
    at: str | None,
    check: bool,
    dtype: str,
    fmt: str,
    force_latex: bool,
    file: IO[str] | None,
) -> None:
    """Differentiate EXPRESSION and show the steps a teacher would write.

    EXPRESSION may be plain maths (2x^2 + sin x), Python/PyTorch (torch.sum(x**2 + 2*x + 1))
    or LaTeX (\\frac{1}{x}); "-" reads it from standard input.
    """
    options = DiffOptions(wrt, order, at, check, dtype, fmt, True if force_latex else None)
    if file is None:
        click.echo(options.one(_expression_argument(expression)), nl=False)
        return
    if expression is not None:
        raise UsageError("give EXPRESSION or --file, not both")
    if _each_line(file, options.one, separator="─" * 72 if fmt == "text" else ""):
        sys.exit(EXIT_USER_ERROR)


@dataclass(frozen=True, slots=True)
class DiffOptions:
    """The diff command's options, applied to one expression: one api call, one render."""

    wrt: str | None
    order: int
    at: str | None
    check: bool
    dtype: str
    fmt: str
    latex: bool | None

    def one(self, text: str) -> str:
        from explain import api
        from explain.render import render

        fmt: Any = self.fmt
        if self.at is not None and self.check and self.order == 1:
            return render(
                api.crosscheck(text, self.at, self.wrt, dtype=self.dtype, latex=self.latex), fmt
            )
        if self.wrt is not None and "," in self.wrt:
            if self.order != 1:
                raise UsageError("a gradient is first order: use --order with a single --wrt")
            return render(api.gradient(text, self.wrt, at=self.at, latex=self.latex), fmt)
        return render(
            api.derive(text, self.wrt, order=self.order, at=self.at, latex=self.latex), fmt
        )


def _each_line(file: IO[str], one: Callable[[str], str], separator: str) -> int:
    """Render every expression line of a file; report failures on stderr; return their count."""
    failures, shown = 0, 0
    for number, text in _lines(file):
        try:
            output = one(text)
        except ExplainError as err:
            failures += 1
            click.echo(f"{file.name}:{number}: {err.one_line()}", err=True)
            continue
        if shown:
            click.echo(separator)
        click.echo(output, nl=False)
        shown += 1
    return failures


@cli.command()
@click.argument("script", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--code", "code", metavar="TEXT", help="Narrate this code instead of a file.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--keep-going", is_flag=True, help="Go on after an error (Python would stop).")
@reports_errors
def run(script: str | None, code: str | None, fmt: str, keep_going: bool) -> None:
    """Run a PyTorch SCRIPT safely and narrate what autograd does, statement by statement.

    SCRIPT is a file or "-" for standard input. Tutorial-style code is allowed (tensors,
    arithmetic, backward, .grad, detach, grad modes, for/if/def, torch.nn layers and losses,
    torch.optim, print); anything else is refused, with its line, before anything runs. A
    fragment that uses torch without importing it is read as if it began with `import torch`.
    """
    from explain import api
    from explain.limits import MAX_SCRIPT_CHARS
    from explain.render import render

    if (script is None) == (code is None):
        raise UsageError("give a SCRIPT file (or - for standard input) or --code, not both")
    if code is not None:
        source, name = code, "<code>"
    else:
        source, name = _read_script(str(script), MAX_SCRIPT_CHARS + 1)
    narration = api.narrate(source, filename=name, keep_going=keep_going)
    click.echo(render(narration, fmt), nl=False)  # type: ignore[arg-type]


def _read_script(script: str, most: int) -> tuple[str, str]:
    """The text of SCRIPT (or of standard input for "-"), at most `most` characters."""
    try:
        if script == "-":
            return sys.stdin.read(most), "<stdin>"
        with open(script, encoding="utf-8") as handle:
            return handle.read(most), script
    except UnicodeDecodeError as err:
        raise UsageError(f"{script}: not UTF-8 text (byte {err.start})") from None
    except OSError as err:
        raise UsageError(f"{script}: {err.strerror or 'cannot be read'}") from None


@cli.command()
@click.argument("expression", required=False)
@click.option("--answer", "answer", required=True, metavar="TEXT", help="The answer to check.")
@click.option("--expected", metavar="EXPR", help="Compare with this answer (instead of deriving).")
@click.option("--wrt", metavar="VAR", help="The variable (default: x, or the only variable).")
@click.option("--order", default=1, show_default=True, metavar="N", type=int)
@click.option("--at", "at", metavar="VALUES", help="The answer is the derivative's value here.")
@click.option(
    "--script",
    type=click.Path(dir_okay=False, exists=True),
    help="An autograd script (narrated safely); ask about it with --question.",
)
@click.option("--question", metavar="TENSOR.grad", help='With --script: what is asked ("x.grad").')
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@reports_errors
def check(
    expression: str | None,
    answer: str,
    expected: str | None,
    wrt: str | None,
    order: int,
    at: str | None,
    script: str | None,
    question: str | None,
    fmt: str,
) -> None:
    """Check a homework ANSWER for the derivative of EXPRESSION: correct, incorrect (with the
    likely mistake and a point where the answer and the truth differ), invalid, unsupported
    or timeout.

    \b
    explain check "sin(x^2)" --answer "cos(x^2)"
    explain check --expected "2*sin(x)*cos(x)" --answer "sin(2x)"
    explain check --script samples/tutorial/04_accumulation.py --question x.grad \\
        --answer "[[4,6],[8,10]]"
    """
    from explain import api
    from explain.grades import Problem
    from explain.limits import MAX_SCRIPT_CHARS
    from explain.render import render

    source = None
    if script is not None:
        with open(script, encoding="utf-8") as handle:
            source = handle.read(MAX_SCRIPT_CHARS + 1)
        if question is None:
            raise UsageError("--script needs --question, such as --question x.grad")
    elif expression is None and expected is None:
        raise UsageError(
            "give EXPRESSION, --expected or --script", hint='explain check "x^2" --answer "2x"'
        )
    problem = Problem(expression, wrt, order, at, expected, source, question)
    click.echo(render(api.check(problem, answer), fmt), nl=False)  # type: ignore[arg-type]


@cli.command()
@click.argument("key", type=click.Path(dir_okay=False, exists=True))
@click.argument("submissions", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="Graded rows: .csv (default), .jsonl or .json; written atomically.",
)
@click.option(
    "--summary",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write the per-problem summary as Markdown to this file.",
)
@click.option(
    "--jobs",
    type=int,
    default=None,
    metavar="N",
    help="Worker processes (default: one per core; 0 grades in this process).",
)
@click.option("--resume", is_flag=True, help="Continue an interrupted run of the same command.")
@click.option("--no-memo", "no_memo", is_flag=True, hidden=True, help="Grade every row afresh.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@reports_errors
def grade(
    key: str,
    submissions: str,
    output: str,
    summary: str | None,
    jobs: int | None,
    resume: bool,
    no_memo: bool,
    fmt: str,
) -> None:
    """Grade a class: KEY (TOML) and SUBMISSIONS (CSV or JSONL: student,problem,answer).

    One output row per input row, in input order, with verdict, mistake, feedback and
    points; a malformed row is kept as "invalid" with the reason. A per-problem summary is
    printed (a progress bar goes to standard error when it is a terminal).
    """
    from explain import api
    from explain.batch import Options
    from explain.render import render
    from explain.terminal import progress_bar

    with progress_bar(submissions) as progress:
        options = Options(jobs, resume, not no_memo, progress)
        report = api.grade(key, submissions, output, options)
    if summary is not None:
        with open(summary, "w", encoding="utf-8") as sink:
            sink.write(render(report, "markdown"))
    click.echo(render(report, fmt), nl=False)  # type: ignore[arg-type]


GRAPH_FORMATS = ("text", "dot", "mermaid", "tikz", "json", "svg", "png")


@cli.command()
@click.argument("expression", required=False)
@click.option("--at", "at", metavar="VALUES", help="Values for the variables (default 1.0 each).")
@click.option(
    "--format", "fmt", type=click.Choice(GRAPH_FORMATS), default="text", show_default=True
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to FILE (needed for svg/png).",
)
@click.option("--latex", "force_latex", is_flag=True, help="Read EXPRESSION as LaTeX.")
@reports_errors
def graph(
    expression: str | None, at: str | None, fmt: str, output: str | None, force_latex: bool
) -> None:
    """Show the autograd graph PyTorch builds for EXPRESSION, node by node.

    DOT needs no Graphviz; svg and png run Graphviz's dot program when it is installed.
    """
    from explain import api
    from explain.render import graph as pictures
    from explain.render import render

    model = api.graph(_expression_argument(expression), at, latex=True if force_latex else None)
    if fmt in {"svg", "png"}:
        if output is None:
            raise UsageError(f"--format {fmt} writes a file: give -o FILE")
        image = pictures.to_image(model, "svg" if fmt == "svg" else "png")
        with open(output, "wb") as sink:
            sink.write(image)
        return
    text = {
        "dot": pictures.to_dot,
        "mermaid": pictures.to_mermaid,
        "tikz": pictures.to_tikz,
    }.get(fmt, lambda g: render(g, fmt))(model)  # type: ignore[arg-type]
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        with open(output, "w", encoding="utf-8") as sink:
            sink.write(text)


SHEET_EXTENSIONS = {".tex": "latex", ".md": "markdown", ".markdown": "markdown"}
SHEET_SUFFIX = {"latex": ".tex", "markdown": ".md"}


@cli.command()
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    "output",
    metavar="FILE|DIR/",
    help="Write the sheet to FILE (.tex or .md), or one sheet and key per variant into DIR/ "
    "(sheet-01.tex, key-01.tex, ...). Default: the sheet on standard output.",
)
@click.option("--key", "key", metavar="FILE", help="Write the answer key to FILE.")
@click.option("--with-key", is_flag=True, help="Append the answer key to the sheet.")
@click.option(
    "--variants", type=int, metavar="N", help="N distinct sheets (needs -o DIR/ or --grading-key)."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the draws.")
@click.option(
    "--students",
    "students",
    metavar="FILE",
    help="A roster, one student id per line: one variant per student, named on the sheet and "
    "in the grading key (needs -o DIR/ or --grading-key).",
)
@click.option(
    "--grading-key",
    "grading_key",
    metavar="FILE",
    help="Write the key in the TOML format explain grade reads (every variant).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("latex", "markdown")),
    help="Default: each file's extension (.tex, .md); latex in DIR/, markdown on standard output.",
)
@reports_errors
def worksheet(
    spec: str,
    output: str | None,
    key: str | None,
    with_key: bool,
    variants: int | None,
    seed: int,
    students: str | None,
    grading_key: str | None,
    fmt: str | None,
) -> None:
    """Build a worksheet from the TOML SPEC: problems, worked answer keys, seeded variants.

    Every answer is verified against PyTorch's autograd before anything is written; the same
    SPEC and --seed give the same sheets, byte for byte.
    """
    from explain import api
    from explain.render.grading_key import grading_key as key_toml
    from explain.render.sheet import document

    into_dir = output is not None and (output.endswith(("/", "\\")) or os.path.isdir(output))
    several = variants is not None or students is not None
    if several and not into_dir and (output is not None or key is not None or not grading_key):
        raise UsageError(
            "--variants and --students make one sheet per student: give -o DIR/",
            hint="or only --grading-key FILE for the key of every variant",
        )
    if into_dir and key is not None:
        raise UsageError("with -o DIR/ every key is written into DIR: leave out --key")
    chosen: Any = fmt or _sheet_format(None if into_dir else output, into_dir)
    ws = api.build_worksheet(spec, variants=variants, seed=seed, students=students)
    sheet_part: Any = "both" if with_key else "sheet"
    written: list[str] = []
    if output is not None and into_dir:
        written.append(_write_variants(ws, output, chosen, sheet_part))
    elif output is not None:
        written.append(_write(output, document(ws, ws.variants[0], sheet_part, chosen)))
    if key is not None:
        key_format: Any = fmt or _sheet_format(key, False)
        written.append(_write(key, document(ws, ws.variants[0], "key", key_format)))
    if grading_key is not None:
        written.append(_write(grading_key, key_toml(ws)))
    if output is None and grading_key is None:
        click.echo(document(ws, ws.variants[0], sheet_part, chosen), nl=False)
        return
    count = len(ws.variants[0].problems)
    sheets = f"{len(ws.variants)} variants" if len(ws.variants) > 1 else "1 sheet"
    problems = f"{count} problem{'' if count == 1 else 's'}"
    marks = f"{ws.points} point{'' if ws.points == 1 else 's'}"
    click.echo(f"wrote {', '.join(written)}: {sheets}, {problems}, {marks}")


def _write_variants(ws: Any, directory: str, fmt: Any, sheet_part: Any) -> str:
    """sheet-01.tex and key-01.tex (or .md) for every variant, in `directory`."""
    from explain.render.sheet import document

    suffix = SHEET_SUFFIX[fmt]
    for v in ws.variants:
        tag = f"-{v.id}" if v.id else ""
        _write(os.path.join(directory, f"sheet{tag}{suffix}"), document(ws, v, sheet_part, fmt))
        _write(os.path.join(directory, f"key{tag}{suffix}"), document(ws, v, "key", fmt))
    return f"{directory} ({len(ws.variants)} sheets and their keys)"


def _sheet_format(path: str | None, into_dir: bool) -> str:
    """The format a file's extension names; latex for -o DIR/, markdown on standard output."""
    if path is None:
        return "latex" if into_dir else "markdown"
    ext = os.path.splitext(path)[1].lower()
    if ext not in SHEET_EXTENSIONS:
        raise UsageError(f"{path}: use .tex or .md, or say --format latex|markdown")
    return SHEET_EXTENSIONS[ext]


def _write(path: str, text: str) -> str:
    """Write the file (making its directory); return its name."""
    try:
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        with open(path, "w", encoding="utf-8") as sink:
            sink.write(text)
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror}") from None
    return path


def _expression_argument(expression: str | None) -> str:
    if expression is None:
        raise UsageError("no expression given", hint='explain diff "x**2 + 2*x + 1"')
    if expression == "-":
        from explain.limits import MAX_INPUT_CHARS

        text = sys.stdin.read(MAX_INPUT_CHARS + 1)
        return text[:-1] if text.endswith("\n") and text.count("\n") == 1 else text
    return expression


def _lines(file: IO[str]) -> Iterator[tuple[int, str]]:
    """(line number, text) for each non-blank, non-comment line."""
    for number, line in enumerate(file, start=1):
        text = line.strip()
        if text and not text.startswith("#"):
            yield number, text


def main() -> None:
    """Console entry point: never a traceback for the user."""
    try:
        cli.main(prog_name="explain", standalone_mode=True)
        code: int = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except KeyboardInterrupt:
        code = 130
    except RecursionError:
        click.echo("error: the input is nested too deeply to handle", err=True)
        code = EXIT_USER_ERROR
    except Exception as err:  # a bug in explain: one line, not a traceback
        click.echo(f"internal error (please report): {type(err).__name__}: {err}", err=True)
        code = EXIT_INTERNAL_ERROR
    _exit(code)


def _exit(code: int) -> NoReturn:
    """Exit with `code`. With torch or SymPy loaded, the interpreter's teardown (freeing their
    modules one object at a time) takes 0.1-0.5 s and cleans up nothing a finished command
    needs (its files are closed, its workers joined): the streams are flushed and the process
    ends."""
    if "torch" not in sys.modules and "sympy" not in sys.modules:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (explain run | head)
            stream.flush()
    os._exit(code)
