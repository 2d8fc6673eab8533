"""Worksheets: a TOML spec → seeded, verified variants (explain.reports.Worksheet).

spec (TOML → SheetSpec) · template (seeded draws, placeholders) · problems (one problem's worked,
verified answer) · build (variants, resampling, distinct sheets).
"""

from explain.worksheet.build import build
from explain.worksheet.problems import Engines
from explain.worksheet.spec import SheetSpec, parse_spec, read_spec, read_students

__all__ = ["Engines", "SheetSpec", "build", "parse_spec", "read_spec", "read_students"]
