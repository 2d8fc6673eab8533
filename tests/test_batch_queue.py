"""Answers wait by problem: each problem goes to one worker, in turn; long queues are shared."""

from __future__ import annotations

from explain.batch.queue import STEAL_AFTER, Waiting


def tasks(problem: str, n: int, start: int = 0) -> list[tuple[int, str, str]]:
    return [(start + i, problem, f"answer {i}") for i in range(n)]


def test_problems_are_shared_out_in_turn() -> None:
    waiting = Waiting(2)
    for problem in ("p1", "p2", "p3", "p4"):
        for task in tasks(problem, 2):
            waiting.push(task)
    first = waiting.take(0, 8, idle=True)
    second = waiting.take(1, 8, idle=True)
    assert {t[1] for t in first} == {"p1"} and {t[1] for t in second} == {"p2"}
    assert {t[1] for t in waiting.take(0, 8, idle=False)} == {"p3"}
    assert {t[1] for t in waiting.take(1, 8, idle=False)} == {"p4"}
    assert len(waiting) == 0


def test_answers_of_a_problem_keep_their_order_and_return_first() -> None:
    waiting = Waiting(1)
    for task in tasks("p1", 5):
        waiting.push(task)
    batch = waiting.take(0, 3, idle=True)
    assert [t[0] for t in batch] == [0, 1, 2]
    waiting.push_front(batch[1:])
    assert [t[0] for t in waiting.take(0, 10, idle=True)] == [1, 2, 3, 4]


def test_an_idle_worker_helps_only_with_a_long_queue() -> None:
    waiting = Waiting(2)
    for task in tasks("p1", STEAL_AFTER - 1):
        waiting.push(task)
    assert waiting.take(0, 1, idle=True)  # worker 0 owns p1 now
    assert waiting.take(1, 8, idle=True) == []  # a short queue: not worth preparing p1 again
    for task in tasks("p1", 8, start=100):
        waiting.push(task)
    assert len(waiting.take(1, 8, idle=True)) == 8  # long enough: worker 1 helps
    assert waiting.take(1, 8, idle=False) == []  # but only while it has nothing else
