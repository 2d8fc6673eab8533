"""Worker processes that judge answers, with a hard wall-clock limit per answer.

Each worker prepares a problem once (derivation, sample points, mistake catalogue) and judges
answers with a soft limit inside (limits.ANSWER_SECONDS, a SIGALRM budget). The parent also
watches the clock: a worker still busy with one answer HARD_FACTOR times past the limit (C
code can ignore signals) is killed and replaced; that answer alone becomes "timeout", and the
rest of its batch goes back in the queue. A worker that dies costs only the answer it held.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkContext, SpawnContext
from typing import Any

from explain import limits
from explain.batch.queue import Task, Waiting
from explain.errors import BudgetExceeded, ExplainError
from explain.grades import Problem, Verdict

BATCH = 8
"""Answers sent to a worker at once (fewer round trips; results still come one by one)."""
HARD_FACTOR = 1.5
"""The parent kills a worker after HARD_FACTOR × the answer limit (plus PREPARE_SECONDS)."""
PREPARE_SECONDS = limits.MAX_SECONDS_PER_ITEM
"""Extra time for the first answer to a problem a worker has not prepared yet."""

ORPHAN_CHECK_SECONDS = 0.5
"""How often an idle worker checks that the parent process is still alive."""


def verdict_for(
    prepared: dict[Hashable, Any], problems: dict[Hashable, Problem], key: Hashable, answer: str
) -> Verdict:
    """One answer judged in this process (problems prepared once, answer within its limit)."""
    from explain.budget import time_budget
    from explain.questions import ask, prepare_question, timed_out

    question = prepared.get(key)
    if question is None:
        try:
            with time_budget(PREPARE_SECONDS):
                question = prepare_question(problems[key])
        except ExplainError as err:
            question = err
        except Exception as err:  # a bug in explain: this problem's rows say so, the rest go on
            question = ExplainError(f"internal error preparing the problem: {type(err).__name__}")
        except BudgetExceeded:
            question = ExplainError(
                f"the problem took longer than {PREPARE_SECONDS:g} s to prepare"
            )
        prepared[key] = question
    if isinstance(question, ExplainError):
        return Verdict(
            "unsupported",
            _label(key),
            answer,
            "",
            "",
            "the problem cannot be graded",
            question.one_line(),
        )
    try:
        with time_budget(limits.ANSWER_SECONDS):
            return ask(question, answer)
    except BudgetExceeded:
        return timed_out(question, answer, limits.ANSWER_SECONDS)
    except (RecursionError, MemoryError, ArithmeticError, ValueError, TypeError) as err:
        why = f"explain could not judge this answer ({type(err).__name__})"
        return Verdict("unsupported", question.question, answer, "", "", why, why)


def _label(key: Hashable) -> str:
    """A problem key (variant, id) as a reader would name it: "p1", or "p1 (variant 03)"."""
    if isinstance(key, tuple) and len(key) == 2:
        variant, pid = key
        return f"{pid} (variant {variant})" if variant else str(pid)
    return str(key)


def _work(conn: Connection, parent: Connection, problems: dict[Hashable, Problem]) -> None:
    """A worker's loop; it ends when told, when its pipe closes, or when the parent is gone
    (after a kill -9 of the parent, forked siblings may still hold the pipe open)."""
    parent.close()
    boss = os.getppid()
    prepared: dict[Hashable, Any] = {}
    while True:
        try:
            while not conn.poll(ORPHAN_CHECK_SECONDS):
                if os.getppid() != boss:
                    return
            batch = conn.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        for task_id, key, answer in batch:
            conn.send((task_id, verdict_for(prepared, problems, key, answer)))


@dataclass
class _Worker:
    process: Any
    conn: Connection
    busy: deque[Task] = field(default_factory=deque)
    since: float = 0.0
    ready: set[Hashable] = field(default_factory=set)


class Pool:
    """`jobs` worker processes; submit tasks, poll for (task id, Verdict) as they finish."""

    def __init__(self, problems: dict[Hashable, Problem], jobs: int) -> None:
        self.problems = problems
        methods = multiprocessing.get_all_start_methods()
        self.context: ForkContext | SpawnContext = (
            multiprocessing.get_context("fork")
            if "fork" in methods
            else multiprocessing.get_context("spawn")
        )
        self.jobs = max(1, jobs)
        self.workers: list[_Worker] = []  # started with the first task (see _start)
        self.queue = Waiting(self.jobs)

    def _spawn(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_work, args=(child, parent, self.problems), daemon=True
        )
        process.start()
        child.close()
        return _Worker(process, parent)

    def submit(self, task: Task) -> None:
        if not self.workers:
            self._start()
        self.queue.push(task)

    def _start(self) -> None:
        """Fork the workers when there is work: a class with nothing to grade never loads the
        engine; otherwise it is loaded once here, and every forked worker shares it."""
        from explain.questions import load_engine

        load_engine()
        self.workers = [self._spawn() for _ in range(self.jobs)]

    @property
    def pending(self) -> int:
        return len(self.queue) + sum(len(w.busy) for w in self.workers)

    def poll(self, timeout: float = 0.05) -> list[tuple[Hashable, Verdict]]:
        """Results finished within `timeout` (dispatching queued tasks to idle workers first)."""
        self._dispatch()
        busy = [w for w in self.workers if w.busy]
        if not busy:
            return []
        done: list[tuple[Hashable, Verdict]] = []
        for conn in wait([w.conn for w in busy], timeout):
            worker = next(w for w in busy if w.conn is conn)
            done += self._receive(worker)
        done += self._reap()
        return done

    def _dispatch(self) -> None:
        """Up to two batches per worker, so it never waits for the parent between batches."""
        for index, worker in enumerate(self.workers):
            while len(worker.busy) <= BATCH and self.queue:
                batch = self.queue.take(index, BATCH, idle=not worker.busy)
                if not batch:
                    break
                if not worker.busy:
                    worker.since = time.monotonic()
                worker.busy.extend(batch)
                worker.conn.send(batch)

    def _receive(self, worker: _Worker) -> list[tuple[Hashable, Verdict]]:
        done = []
        try:
            while worker.busy and worker.conn.poll():
                task_id, verdict = worker.conn.recv()
                task = worker.busy.popleft()
                worker.ready.add(task[1])
                worker.since = time.monotonic()
                done.append((task_id, verdict))
        except (EOFError, OSError):
            done.append(self._replace(worker, "died"))
        return done

    def _reap(self) -> list[tuple[Hashable, Verdict]]:
        """Kill a worker stuck on one answer past the hard limit; its answer is 'timeout'."""
        now, done = time.monotonic(), []
        for worker in self.workers:
            if not worker.busy:
                continue
            allowed = HARD_FACTOR * limits.ANSWER_SECONDS
            if worker.busy[0][1] not in worker.ready:
                allowed += PREPARE_SECONDS
            if now - worker.since > allowed:
                done.append(self._replace(worker, "timeout"))
            elif not worker.process.is_alive():
                done.append(self._replace(worker, "died"))
        return done

    def _replace(self, worker: _Worker, why: str) -> tuple[Hashable, Verdict]:
        """Kill and respawn a worker: its current answer gets a verdict, the rest are requeued."""
        task = worker.busy.popleft()
        self.queue.push_front(list(worker.busy))
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        fresh = self._spawn()
        worker.process, worker.conn, worker.busy, worker.ready = (
            fresh.process,
            fresh.conn,
            deque(),
            set(),
        )
        if why == "timeout":
            hard = HARD_FACTOR * limits.ANSWER_SECONDS
            text = f"judging took longer than {hard:g} s: the worker was stopped"
            return task[0], Verdict("timeout", _label(task[1]), task[2], "", "", text, text)
        text = "the worker judging this answer died (out of memory or killed)"
        return task[0], Verdict("unsupported", _label(task[1]), task[2], "", "", text, text)

    def close(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
        for worker in self.workers:
            worker.process.join(timeout=1)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
