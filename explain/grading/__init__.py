"""GRADING: is an answer the derivative? Numeric screen, 30-digit recheck, proof, mistakes.

Public names: prepare (a problem, once), judge (one answer), Prepared.
"""

from __future__ import annotations

from explain.grading.judge import PROOF_SECONDS, judge
from explain.grading.problem import Prepared, prepare

__all__ = ["PROOF_SECONDS", "Prepared", "judge", "prepare"]
