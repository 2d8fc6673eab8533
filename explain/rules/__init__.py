"""derive(parsed, var) → Derivation: one matcher per rule a teacher names, results from the steps.

Public names: derive, gradient, derive_step, substeps, walk, DerivationMismatch.
"""

from __future__ import annotations

from explain.rules.check import DerivationMismatch
from explain.rules.derivation import derive, gradient
from explain.rules.matchers import derive_step
from explain.steps import substeps, walk

__all__ = ["DerivationMismatch", "derive", "derive_step", "gradient", "substeps", "walk"]
