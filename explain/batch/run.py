"""Grade a class: stream the rows, judge each distinct answer once, write rows in input order.

The memo key of an answer is the problem plus the answer's tree (read by explain's parser:
spacing, `^` or `**`, `2x` or `2*x` do not matter), so a class that repeats answers costs what
its distinct answers cost. Rows wait in a bounded window until every row before them has
its verdict, so the output keeps the input order while the workers run out of order.
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from explain.batch.key import Key, read_key
from explain.batch.output import ADDED, Output, Record, kind_of
from explain.batch.pool import Pool, verdict_for
from explain.batch.rows import Row, columns_of, read_rows
from explain.errors import ExplainError, UsageError
from explain.grades import STATUSES, ClassReport, Problem, ProblemSummary, Verdict
from explain.grading.shape import shape
from explain.parse_latex import read

WINDOW = 4096
"""Most rows held back waiting for an earlier row's verdict."""
MEMO_LIMIT = 50_000
"""Most verdicts remembered: a class of all-different answers still runs in bounded memory."""
POLL_EVERY = 16
"""Rows read between two looks at the workers' results."""
TOP = 3
"""Most common wrong answers and mistakes listed per problem."""

Progress = Callable[[int, int], None]
"""Called with (bytes read, rows written)."""


@dataclass(frozen=True, slots=True)
class Options:
    """How to grade: worker processes, resume, the memo (off only to measure it)."""

    jobs: int | None = None  # None: one per core (explain.api.grade decides)
    resume: bool = False
    memo: bool = True
    progress: Progress | None = None


@dataclass
class _Tally:
    statuses: Counter[str] = field(default_factory=Counter)
    wrong: Counter[str] = field(default_factory=Counter)
    mistakes: Counter[str] = field(default_factory=Counter)


def grade_class(key_path: str, submissions: str, output: str, options: Options) -> ClassReport:
    """Grade every row of `submissions` against the key; write `output`; the class report."""
    key = read_key(_read_text(key_path), label=key_path)
    inputs = {p: _identity(p) for p in (key_path, submissions)}
    kind = "jsonl" if kind_of(submissions) != "csv" else "csv"
    with open(submissions, "rb") as handle:
        given = columns_of(handle, kind)
    out = Output(output, inputs, options.resume, given)
    tallies: dict[str, _Tally] = {}
    for record in out.done:
        _count(tallies, record)
    resumed = out.rows
    grader = _Grader(key, options, out, tallies)
    try:
        with open(submissions, "rb") as handle:
            rows = read_rows(handle, kind, grader.read_progress)
            grader.run(_skip(rows, resumed))
        out.close()
    finally:
        grader.close()
    problems = tuple(_summary(pid, tallies[pid]) for pid in _order(key, tallies))
    return ClassReport(key.title or Path(key_path).stem, out.rows, grader.graded, resumed,
                       problems, output)  # fmt: skip


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read(1 << 22)
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"cannot read {path}: {err}") from None


def _identity(path: str) -> list[int]:
    stat = os.stat(path)
    return [stat.st_size, int(stat.st_mtime)]


def _skip(rows: Iterator[Row], done: int) -> Iterator[Row]:
    for row in rows:
        if row.number > done:
            yield row


class _Grader:
    def __init__(self, key: Key, options: Options, out: Output, tallies: dict[str, _Tally]):
        self.key, self.options, self.out, self.tallies = key, options, out, tallies
        self.problems: dict[Hashable, Problem] = {k: v for k, v in key.problems.items()}
        self.pool = Pool(self.problems, options.jobs) if options.jobs else None
        self.local: dict[Hashable, object] = {}
        self.memo: dict[Hashable, Verdict] = {}
        self.texts: dict[tuple[Hashable, str], Hashable] = {}
        self.window: deque[tuple[Row, Hashable | None, Verdict | None]] = deque()
        self.waiting: set[Hashable] = set()
        self.graded = 0
        self.bytes = 0
        known = {"row", "student", "problem", "variant", "answer"}
        self.extra = [c for c in out.columns[1 : -len(ADDED)] if c not in known]

    def read_progress(self, done: int) -> None:
        self.bytes = done

    def run(self, rows: Iterator[Row]) -> None:
        for row in rows:
            self._take(row)
            if self.pool is not None and row.number % POLL_EVERY == 0:
                self._pump(0.0)  # keep the workers busy while reading
            self._flush()
            while len(self.window) > WINDOW:
                self._pump()
        while self.window:
            self._pump()

    def _take(self, row: Row) -> None:
        if row.error is not None:
            self.window.append((row, None, _invalid(row, row.error)))
            return
        variant = row.variant or self.key.students.get(row.student, "")
        pkey = (
            (variant, row.problem) if (variant, row.problem) in self.problems else ("", row.problem)
        )
        if pkey not in self.problems:
            why = f"unknown problem {row.problem!r}" + (
                f" in variant {variant!r}" if variant else ""
            )
            self.window.append((row, None, _invalid(row, why)))
            return
        memo_key = self._memo_key(pkey, row.answer) if self.options.memo else (pkey, row.number)
        if memo_key not in self.memo and memo_key not in self.waiting:
            self.waiting.add(memo_key)
            self.graded += 1
            self._submit(memo_key, pkey, row.answer)
        self.window.append((row, memo_key, None))

    def _memo_key(self, pkey: Hashable, answer: str) -> Hashable:
        text = (pkey, answer.strip())
        found = self.texts.get(text)
        if found is None:
            try:
                found = (pkey, shape(read(answer, label="answer").expr))
            except (ExplainError, RecursionError):
                found = text
            self.texts[text] = found
        return found

    def _submit(self, memo_key: Hashable, pkey: Hashable, answer: str) -> None:
        if self.pool is None:
            self.memo[memo_key] = verdict_for(self.local, self.problems, pkey, answer)
            self.waiting.discard(memo_key)
        else:
            self.pool.submit((memo_key, pkey, answer))

    def _pump(self, timeout: float = 0.05) -> None:
        if self.pool is not None:
            for memo_key, verdict in self.pool.poll(timeout):
                self.memo[memo_key] = verdict
                self.waiting.discard(memo_key)
        self._flush()

    def _bound_memo(self) -> None:
        """Forget the oldest verdicts past MEMO_LIMIT (never one a waiting row still needs)."""
        if len(self.memo) <= MEMO_LIMIT:
            return
        needed = {key for _, key, verdict in self.window if verdict is None}
        for key in list(self.memo)[: len(self.memo) - MEMO_LIMIT // 2]:
            if key not in needed:
                del self.memo[key]
        self.texts.clear()

    def _flush(self) -> None:
        if len(self.memo) > MEMO_LIMIT:
            self._bound_memo()
        progress = self.options.progress
        while self.window:
            row, memo_key, verdict = self.window[0]
            if verdict is None:
                if memo_key not in self.memo:
                    return
                verdict = self.memo[memo_key]  # the row keeps its own answer text
            self.window.popleft()
            points = self._points(row, verdict) if verdict.status == "correct" else 0.0
            record = _record(row, verdict, points)
            if self.extra:
                record.update(zip(self.extra, row.others, strict=False))
            self.out.write(record)
            _count(self.tallies, record)
            if progress is not None:
                progress(self.bytes, self.out.rows)

    def _points(self, row: Row, verdict: Verdict) -> float:
        if verdict.status != "correct":
            return 0.0
        variant = row.variant or self.key.students.get(row.student, "")
        problem = self.key.problem(row.problem, variant)
        return problem.points if problem is not None else 0.0

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()


def _invalid(row: Row, why: str) -> Verdict:
    return Verdict("invalid", row.problem, row.answer, "", "", why, why)


def _record(row: Row, verdict: Verdict, points: float) -> Record:
    return {
        "row": str(row.number), "student": row.student, "problem": row.problem,
        "variant": row.variant, "answer": row.answer, "verdict": verdict.status,
        "mistake": verdict.mistake.code if verdict.mistake else "",
        "feedback": verdict.feedback, "points": f"{points:g}",
    }  # fmt: skip


def _count(tallies: dict[str, _Tally], record: Record) -> None:
    tally = tallies.get(record["problem"]) or tallies.setdefault(record["problem"], _Tally())
    tally.statuses[record["verdict"]] += 1
    if record["verdict"] == "incorrect":
        tally.wrong[" ".join(record["answer"].split())] += 1
        if record["mistake"]:
            tally.mistakes[record["mistake"]] += 1


def _order(key: Key, tallies: dict[str, _Tally]) -> list[str]:
    known = list(dict.fromkeys(pid for _, pid in key.problems))
    return [p for p in known if p in tallies] + sorted(p for p in tallies if p not in known)


def _summary(pid: str, tally: _Tally) -> ProblemSummary:
    counts = tuple((status, tally.statuses[status]) for status in STATUSES)
    return ProblemSummary(
        pid or "(no problem id)",
        sum(tally.statuses.values()),
        counts,
        tuple(_top(tally.wrong)),
        tuple(_top(tally.mistakes)),
    )


def _top(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:TOP]
