"""Write graded rows in input order, atomically, resumably; guard CSV cells against formulas.

Rows go to `<output>.partial`; every CHECKPOINT_ROWS rows the file is flushed and a small
`<output>.partial.json` (rows written, bytes, which inputs) is replaced atomically. After a
kill -9, --resume truncates the partial file to the last checkpoint and goes on from the next
row: no row is written twice or lost. At the end the partial file is renamed onto the output.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from explain.errors import UsageError

ADDED = ("verdict", "mistake", "feedback", "points")
"""The columns grading adds after the row number and the submission's own columns."""
CHECKPOINT_ROWS = 1000
"""Rows between two checkpoints (each one an fsync): at most this many are graded again."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_FIRST = frozenset(FORMULA_START)
"""A spreadsheet runs a cell starting with one of these as a formula (OWASP CSV injection)."""

Record = dict[str, str]
BUFFER_CHARS = 1 << 16
"""CSV rows are gathered up to this many characters before they are written."""


def guard(cell: str) -> str:
    """A cell a spreadsheet shows as text: a leading ' before =, +, -, @, tab or CR."""
    return "'" + cell if cell[:1] in FORMULA_FIRST and cell else cell


def unguard(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def kind_of(path: str) -> str:
    """csv, jsonl or json, from the file name (CSV unless .jsonl/.json)."""
    suffix = Path(path).suffix.lower()
    return {".jsonl": "jsonl", ".json": "json"}.get(suffix, "csv")


class Output:
    """The output file being written (see the module docstring)."""

    def __init__(
        self, path: str, inputs: dict[str, Any], resume: bool, given: tuple[str, ...]
    ) -> None:
        self.path, self.kind, self.inputs = path, kind_of(path), inputs
        self.columns = output_columns(given)
        self.partial = f"{path}.partial"
        self.progress = f"{path}.partial.json"
        self.done: list[Record] = []
        self.rows = 0
        self._line = io.StringIO()  # one CSV writer for every row; rows wait here (_drain)
        self._csv = csv.writer(self._line, lineterminator="\n")
        start = self._resumed() if resume else 0
        try:
            self.handle = open(self.partial, "r+b" if start else "wb")  # noqa: SIM115
        except OSError as err:
            raise UsageError(f"cannot write {self.partial}: {err.strerror}") from None
        self.handle.truncate(start)
        self.handle.seek(start)
        if not start:
            self._head()

    def _resumed(self) -> int:
        try:
            state = json.loads(Path(self.progress).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise UsageError(
                f"nothing to resume: {self.progress} is missing or unreadable"
            ) from None
        if state.get("inputs") != self.inputs:
            raise UsageError(
                "--resume: the key or the submissions changed since the interrupted run"
            )
        size = int(state["bytes"])
        with open(self.partial, "rb") as old:
            data = old.read(size)
        if len(data) != size:
            raise UsageError(f"--resume: {self.partial} is shorter than its checkpoint")
        self.done = list(_records(data.decode("utf-8"), self.kind, self.columns))
        self.rows = len(self.done)
        if self.rows != int(state["rows"]):
            raise UsageError(f"--resume: {self.partial} does not match its checkpoint")
        return size

    def _head(self) -> None:
        if self.kind == "csv":
            self._put(_csv_line(list(self.columns)))
        elif self.kind == "json":
            self._put("[")

    def write(self, record: Record) -> None:
        if self.kind == "csv":  # guard() inlined: this runs for every row
            cells = [record.get(c, "") for c in self.columns]
            self._csv.writerow([("'" + v) if v and v[0] in FORMULA_FIRST else v for v in cells])
            if self._line.tell() >= BUFFER_CHARS:
                self._drain()
        else:
            lead = ("\n" if self.rows == 0 else ",\n") if self.kind == "json" else ""
            end = "" if self.kind == "json" else "\n"
            typed = _typed({c: record.get(c, "") for c in self.columns})
            self._put(lead + json.dumps(typed, ensure_ascii=False) + end)
        self.rows += 1
        if self.rows % CHECKPOINT_ROWS == 0:
            self.checkpoint()

    def _put(self, text: str) -> None:
        self.handle.write(text.encode("utf-8"))

    def _drain(self) -> None:
        """The CSV rows buffered so far, into the file."""
        text = self._line.getvalue()
        if text:
            self._put(text)
            self._line.seek(0)
            self._line.truncate()

    def checkpoint(self) -> None:
        """Flush the rows so far to disk and record how far they go (atomically)."""
        self._drain()
        self.handle.flush()
        os.fsync(self.handle.fileno())
        state = {"rows": self.rows, "bytes": self.handle.tell(), "inputs": self.inputs}
        temp = f"{self.progress}.tmp"
        Path(temp).write_text(json.dumps(state), encoding="utf-8")
        os.replace(temp, self.progress)

    def close(self) -> None:
        """Finish the file and put it in place in one rename."""
        self._drain()
        if self.kind == "json":
            self._put("\n]\n" if self.rows else "]\n")
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.partial, self.path)
        Path(self.progress).unlink(missing_ok=True)


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def _typed(record: Record) -> dict[str, Any]:
    out: dict[str, Any] = dict(record)
    out["row"] = int(record["row"])
    out["points"] = float(record["points"])
    out["mistake"] = record["mistake"] or None
    return out


def output_columns(given: tuple[str, ...]) -> tuple[str, ...]:
    """row, the submission's columns (renamed input_<name> if grading adds one so named), ADDED."""
    mine = ("row", *ADDED)
    return ("row", *(f"input_{c}" if c in mine else c for c in given), *ADDED)


def _records(text: str, kind: str, columns: tuple[str, ...]) -> Iterator[Record]:
    """The records already in a partial output (to rebuild the summary on resume)."""
    if kind == "csv":
        rows = csv.reader(io.StringIO(text))
        next(rows, None)
        for cells in rows:
            yield {c: unguard(v) for c, v in zip(columns, cells, strict=True)}
        return
    for raw in text.splitlines():
        line = raw.strip().lstrip("[").rstrip(",")
        if line:
            data = json.loads(line)
            yield {c: "" if data[c] is None else str(data[c]) for c in columns}
