"""Read a grading key (TOML): problems, per-student variants, and which student has which.

```toml
title = "Week 3"                       # optional
[problems.p1]
function = "x^2*sin(x)"                # or script = "..." with question = "x.grad"
variable = "x"                         # optional; default: x, or the only variable
order = 1                              # optional
at = "x=1"                             # optional: the answer is the value there
expected = "2*x*sin(x) + x^2*cos(x)"   # optional: overrides the derived answer
points = 2                             # optional, default 1
[variants."03".problems.p1]            # worksheets: the same tables under a variant id
function = "5*x^3 + sin(2*x)"
[students]                             # optional: student id -> variant id
"alice" = "03"
```
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

from explain import limits
from explain.errors import ExplainError, UsageError
from explain.grades import Problem

FIELDS = {"function", "variable", "order", "at", "expected", "script", "question", "points"}
TEXT_FIELDS = ("function", "variable", "at", "expected", "script", "question")


@dataclass(frozen=True, slots=True)
class Key:
    """Problems by (variant id, problem id) (variant "" for the common ones) and students."""

    title: str
    problems: dict[tuple[str, str], Problem]
    students: dict[str, str]

    def problem(self, problem_id: str, variant: str) -> Problem | None:
        """The student's variant of the problem, else the common problem."""
        return self.problems.get((variant, problem_id)) or self.problems.get(("", problem_id))


def read_key(text: str, label: str = "key") -> Key:
    """Parse the key's TOML; every mistake in it is a UsageError naming the table and field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"{label}: not valid TOML: {err}") from None
    unknown = set(data) - {"title", "problems", "variants", "students"}
    if unknown:
        raise UsageError(f"{label}: unknown top-level key(s): {', '.join(sorted(unknown))}")
    problems: dict[tuple[str, str], Problem] = {}
    for pid, table in _table(data, "problems", label).items():
        problems["", pid] = _problem(table, f"{label}: problems.{pid}")
    for vid, variant in _table(data, "variants", label).items():
        where = f"variants.{vid}"
        for pid, table in _table(_as_table(variant, where, label), "problems", label).items():
            problems[str(vid), pid] = _problem(table, f"{label}: {where}.problems.{pid}")
    if not problems:
        raise UsageError(f"{label}: no [problems.<id>] table")
    if len(problems) > limits.MAX_KEY_PROBLEMS:
        raise UsageError(
            f"{label}: {len(problems)} problems; the limit is {limits.MAX_KEY_PROBLEMS}"
        )
    students = {str(k): str(v) for k, v in _table(data, "students", label).items()}
    return Key(str(data.get("title", "")), problems, students)


def _table(data: dict[str, Any], name: str, label: str) -> dict[str, Any]:
    return _as_table(data.get(name, {}), name, label)


def _as_table(value: Any, where: str, label: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UsageError(f"{label}: {where} must be a table")
    return value


def _problem(table: Any, where: str) -> Problem:
    if not isinstance(table, dict):
        raise UsageError(f"{where} must be a table of fields")
    unknown = set(table) - FIELDS
    if unknown:
        raise UsageError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    for name in TEXT_FIELDS:
        if name in table and not isinstance(table[name], str):
            raise UsageError(f"{where}: {name} must be a string")
    order, points = table.get("order", 1), table.get("points", 1)
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= limits.MAX_ORDER:
        raise UsageError(f"{where}: order must be a whole number from 1 to {limits.MAX_ORDER}")
    if isinstance(points, bool) or not isinstance(points, int | float) or points < 0:
        raise UsageError(f"{where}: points must be a non-negative number")
    if ("function" in table) == ("script" in table) and "expected" not in table:
        raise UsageError(f"{where}: give function (or script with question), not both")
    if "script" in table and "question" not in table:
        raise UsageError(f'{where}: a script problem needs question, such as "x.grad"')
    text = {name: table.get(name) for name in TEXT_FIELDS}
    _readable(text, where)
    return Problem(order=order, points=float(points), **text)


def _readable(text: dict[str, Any], where: str) -> None:
    """The key's maths is read now, so a typo in it stops the run with its place."""
    from explain.parse_latex import read

    try:
        for name in ("function", "expected"):
            value = text.get(name)
            if value is not None and not value.lstrip().startswith(("[", "tensor")):
                read(value, label=name)
        if text.get("at") is not None:
            from explain.values import parse_values  # SymPy: only for a point

            parse_values(text["at"])
    except ExplainError as err:
        raise UsageError(f"{where}: {err.one_line()}") from None
