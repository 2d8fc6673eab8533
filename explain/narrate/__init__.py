"""Safe interpreter for tutorial-style PyTorch scripts → Narration (torch imported lazily)."""

from __future__ import annotations

from explain.narrate.run import narrate

__all__ = ["narrate"]
