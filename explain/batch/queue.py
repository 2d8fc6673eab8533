"""Answers waiting for a worker, by problem: each problem is prepared by one worker, not by all.

A worker is given the problems it owns first; a problem nobody owns yet goes to the worker
that owns the fewest (one new problem per turn); a worker with nothing of its own to do takes
over a problem only when STEAL_AFTER answers or more wait for it (preparing a problem costs about
as much as grading tens of answers). Within a problem, answers keep their order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Sequence

STEAL_AFTER = 32
"""Answers of one problem that must be waiting before a worker that does not own it helps."""

Task = tuple[Hashable, Hashable, str]
"""(task id, problem key, answer text)."""


class Waiting:
    """The tasks not yet sent to a worker, by problem key (in the order problems arrived)."""

    def __init__(self, workers: int) -> None:
        self.queues: dict[Hashable, deque[Task]] = {}
        self.owner: dict[Hashable, int] = {}
        self.owned = [0] * workers
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def push(self, task: Task) -> None:
        self.queues.setdefault(task[1], deque()).append(task)
        self.size += 1

    def push_front(self, tasks: Sequence[Task]) -> None:
        """Tasks given back (their worker was replaced): first in line again."""
        for task in reversed(tasks):
            self.queues.setdefault(task[1], deque()).appendleft(task)
        self.size += len(tasks)

    def take(self, worker: int, most: int, idle: bool) -> list[Task]:
        """Up to `most` tasks for `worker`: its own problems', a new problem's when it is its
        turn to take one, and, when it is idle, a long queue's of another worker's."""
        batch: list[Task] = []
        claims = 1  # one new problem per take, so that the workers take turns
        for key in list(self.queues):
            queue = self.queues[key]
            owners = len(self.owner)
            if len(batch) < most and self._mine(key, worker, idle, len(queue), claims):
                claims -= len(self.owner) - owners
                while queue and len(batch) < most:
                    batch.append(queue.popleft())
            if not queue:
                del self.queues[key]
        self.size -= len(batch)
        return batch

    def _mine(self, key: Hashable, worker: int, idle: bool, waiting: int, claims: int) -> bool:
        owner = self.owner.get(key)
        if owner is None and claims and self.owned[worker] <= min(self.owned):
            self.owner[key] = worker
            self.owned[worker] += 1
            return True
        return owner == worker or (idle and waiting >= STEAL_AFTER)
