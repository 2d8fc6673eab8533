"""BATCH: a class of submissions graded against a key: streaming, a worker pool with a hard
time limit per answer, a memo on normalised answers, nothing lost, resumable, atomic output.

Public names: grade_class, Options, read_key, Key.
"""

from __future__ import annotations

from explain.batch.key import Key, read_key
from explain.batch.run import Options, grade_class

__all__ = ["Key", "Options", "grade_class", "read_key"]
