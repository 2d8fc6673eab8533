"""Stream submissions (CSV with a header, or JSON Lines) as Rows; a malformed row is a Row too.

Columns: student, problem, answer and an optional variant (any order; other columns are
carried through to the output). A row with the wrong number of cells, an oversize cell,
bytes that are not UTF-8, or (JSONL) a line that is not an object with those keys becomes a
Row with `error` set, and reading goes on. Nothing is loaded whole: memory does not grow
with the file.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from explain import limits
from explain.errors import UsageError

REQUIRED = ("student", "problem", "answer")
SHOWN_CHARS = 80
"""An oversize cell is kept in the output as its first SHOWN_CHARS characters and an ellipsis."""
CSV_FIELD_LIMIT = 1 << 24
"""csv's own cell limit (the real one is limits.MAX_FIELD_CHARS, checked per row)."""

Progress = Callable[[int], None]
"""Called with the number of bytes read so far."""


@dataclass(frozen=True, slots=True)
class Row:
    """One submission: row number (1-based, header excluded), cells, and why it is malformed."""

    number: int
    student: str
    problem: str
    answer: str
    variant: str = ""
    error: str | None = None
    others: tuple[str, ...] = ()  # the cells of the other columns, in the header's order


def read_rows(handle: IO[bytes], kind: str, progress: Progress | None = None) -> Iterator[Row]:
    """Rows of a binary file: kind "csv" or "jsonl"."""
    lines = _lines(handle, progress)
    return _jsonl(lines) if kind == "jsonl" else _csv(lines)


def _lines(handle: IO[bytes], progress: Progress | None) -> Iterator[str]:
    """Decoded lines (undecodable bytes kept as surrogates, reported per row); BOM dropped."""
    done = 0
    for number, raw in enumerate(handle):
        done += len(raw)
        if progress is not None:
            progress(done)
        start = 3 if number == 0 and raw.startswith(b"\xef\xbb\xbf") else 0
        yield raw[start:].decode("utf-8", errors="surrogateescape")


def _csv(lines: Iterator[str]) -> Iterator[Row]:
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(lines)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        return
    _require(header)
    where = {name: header.index(name) for name in (*REQUIRED, "variant") if name in header}
    extra = tuple(i for i, name in enumerate(header) if name not in where)
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield Row(number, "", "", "", error=f"unreadable CSV row: {err}")
            continue
        if not cells:
            number -= 1
            continue
        yield _row(number, cells, where, len(header), extra)


def _require(header: list[str]) -> None:
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise UsageError(
            f"submissions: the header has no {', '.join(missing)} column",
            hint="the first line must be student,problem,answer (and optionally variant)",
        )


def _row(
    number: int, cells: list[str], where: dict[str, int], width: int, extra: tuple[int, ...]
) -> Row:
    get = {name: cells[i] if i < len(cells) else "" for name, i in where.items()}
    error = None
    if len(cells) != width:
        error = f"expected {width} cells, found {len(cells)}"
    row = _checked(number, get, error)
    if not extra:
        return row
    others = tuple(_short(cells[i]) if i < len(cells) else "" for i in extra)
    return dataclasses.replace(row, others=others)


def columns_of(handle: IO[bytes], kind: str) -> tuple[str, ...]:
    """The submission columns an output row repeats: the CSV header as written (known names
    in lower case), or student, problem, variant, answer for JSON Lines."""
    if kind == "jsonl":
        return ("student", "problem", "variant", "answer")
    first = next(iter(handle), b"").removeprefix(b"\xef\xbb\xbf")
    cells = next(csv.reader([first.decode("utf-8", errors="replace")]), [])
    known = (*REQUIRED, "variant")
    named = [c.strip().lower() if c.strip().lower() in known else _short(c.strip()) for c in cells]
    _require(named)
    extra = [c for c in named if c not in known]
    return (*[c for c in named if c in known], *extra)


def _checked(number: int, get: dict[str, str], error: str | None) -> Row:
    """Oversize cells and bad bytes are reported; the cells kept are short and printable."""
    student, problem = get.get("student", ""), get.get("problem", "")
    answer, variant = get.get("answer", ""), get.get("variant", "")
    joined = student + problem + answer + variant  # one test for the common case: all ASCII
    longest = max(len(student), len(problem), len(answer), len(variant))
    if error is None and joined.isascii() and longest <= limits.MAX_FIELD_CHARS:
        return Row(number, student, problem, answer, variant)  # nothing to report or shorten
    shown: dict[str, str] = {}
    for name in (*REQUIRED, "variant"):
        cell = get.get(name, "")
        if len(cell) > limits.MAX_FIELD_CHARS and error is None:
            error = (
                f"the {name} cell is {len(cell)} characters; the limit is {limits.MAX_FIELD_CHARS}"
            )
        if _undecodable(cell) and error is None:
            error = f"the {name} cell is not valid UTF-8"
        shown[name] = _short(cell)
    return Row(number, shown["student"], shown["problem"], shown["answer"], shown["variant"], error)


def _undecodable(cell: str) -> bool:
    return not cell.isascii() and any("\udc80" <= ch <= "\udcff" for ch in cell)


def _short(cell: str) -> str:
    if not cell.isascii():
        cell = cell.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")
    return cell if len(cell) <= limits.MAX_FIELD_CHARS else cell[:SHOWN_CHARS] + "…"


def _jsonl(lines: Iterator[str]) -> Iterator[Row]:
    number = 0
    for line in lines:
        if not line.strip():
            continue
        number += 1
        yield _json_row(number, line)


def _json_row(number: int, line: str) -> Row:
    if _undecodable(line):
        return _checked(number, {}, "the line is not valid UTF-8")
    try:
        data: Any = json.loads(line)
    except json.JSONDecodeError as err:
        return Row(number, "", "", "", error=f"not a JSON object: {err.msg} at column {err.colno}")
    if not isinstance(data, dict):
        return Row(number, "", "", "", error="not a JSON object")
    missing = [name for name in REQUIRED if name not in data]
    cells = {
        k: v if isinstance(v, str) else json.dumps(v)
        for k, v in data.items()
        if k in (*REQUIRED, "variant")
    }
    error = f"no {', '.join(missing)} key" if missing else None
    return _checked(number, cells, error)
