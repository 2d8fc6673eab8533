"""The terminal's progress bar (rich, on standard error, only when it is a terminal)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def progress_bar(path: str) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar over the bytes of `path`, on standard error, only on a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    import os

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("grading"), BarColumn(), TextColumn("{task.fields[rows]} rows"),
               TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("grading", total=os.path.getsize(path) or 1, rows=0)
        yield lambda done, rows: bar.update(task, completed=done, rows=rows)
