"""Spec: a worksheet's TOML text → SheetSpec, validated, each error one line naming the key.

The format (documented in samples/worksheets/chain_rule.toml and the README):
    title, course, date, instructions, space   (top level; only title is required)
    [problems.<id>]   kind, function | script + question, variable, order, at, mistake, points,
                      space, prompt, and [problems.<id>.params] for templates
                      ({int = [lo, hi]}, {choice = [...]}).
Nothing here computes maths: texts stay texts until the builder reads them with explain's parser.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any, get_args

from explain import limits
from explain.errors import SpecError
from explain.reports import ProblemKind

KINDS: tuple[str, ...] = get_args(ProblemKind)
SHEET_KEYS = ("title", "course", "date", "instructions", "space", "problems")
PROBLEM_KEYS = (
    "kind", "function", "variable", "order", "at", "script", "question", "mistake", "points",
    "space", "prompt", "params",
)  # fmt: skip
ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
PARAM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,15}")
QUESTION = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\.grad")
MISTAKE_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
"""A mistake code of the catalogue (explain.grading.mistakes): chain_missing_inner, ..."""
DEFAULT_SPACE_CM = 4.0
MAX_SPACE_CM = 25.0
MAX_POINTS = 100


@dataclass(frozen=True, slots=True)
class IntParam:
    """An integer drawn uniformly from [low, high], skipping 0 when `nonzero` and `exclude`."""

    low: int
    high: int
    nonzero: bool
    exclude: tuple[int, ...]

    def values(self) -> tuple[int, ...]:
        skip = set(self.exclude) | ({0} if self.nonzero else set())
        return tuple(v for v in range(self.low, self.high + 1) if v not in skip)


@dataclass(frozen=True, slots=True)
class ChoiceParam:
    """One of the listed values (numbers or words), drawn uniformly; kept as the text written."""

    options: tuple[str, ...]

    def values(self) -> tuple[str, ...]:
        return self.options


Param = IntParam | ChoiceParam


@dataclass(frozen=True, slots=True)
class ProblemSpec:
    """One [problems.<id>] table, validated; texts may hold {name} placeholders for params."""

    id: str
    kind: str | None  # None: inferred when built (code / derivative / value / gradient)
    function: str | None
    variable: str | None
    order: int
    at: str | None
    script: str | None
    question: str | None
    points: int
    space: float
    prompt: str
    params: tuple[tuple[str, Param], ...]
    mistake: str | None = None  # kind "mistake": the catalogued mistake asked for (None: drawn)

    @property
    def key(self) -> str:
        return f"problems.{self.id}"


@dataclass(frozen=True, slots=True)
class SheetSpec:
    """A whole spec: the sheet's texts and its problems in the order written."""

    name: str  # the file, for messages
    title: str
    course: str
    date: str
    instructions: str
    problems: tuple[ProblemSpec, ...]


def read_spec(path: str) -> SheetSpec:
    """Read and validate a spec file (at most MAX_SPEC_BYTES, UTF-8)."""
    return parse_spec(_read_text(path), path)


def _read_text(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read(limits.MAX_SPEC_BYTES + 1)
    except OSError as err:
        raise SpecError(f"cannot read it: {err.strerror}", label=path) from None
    if len(data) > limits.MAX_SPEC_BYTES:
        raise SpecError(f"larger than {limits.MAX_SPEC_BYTES} bytes", label=path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise SpecError(f"not UTF-8 (byte {err.start})", label=path) from None


MAX_STUDENT_CHARS = 100
"""Longest student id in a roster."""


def read_students(path: str) -> tuple[str, ...]:
    """A roster: one student id per line (blank lines and # comments skipped), each once."""
    text = _read_text(path)
    students: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        student = line.strip()
        if not student or student.startswith("#"):
            continue
        where = f"{path}, line {number}"
        if len(student) > MAX_STUDENT_CHARS or not student.isprintable():
            raise SpecError(
                f"a student id is 1-{MAX_STUDENT_CHARS} printable characters", label=where
            )
        if student in students:
            raise SpecError(f"{student} is listed twice", label=where)
        students.append(student)
    if not students:
        raise SpecError("the roster lists no students", label=path)
    if len(students) > limits.MAX_VARIANTS:
        raise SpecError(f"{len(students)} students; the limit is {limits.MAX_VARIANTS}", label=path)
    return tuple(students)


def parse_spec(text: str, name: str = "spec") -> SheetSpec:
    """A spec from TOML text; `name` labels the errors."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SpecError(f"not valid TOML: {err}", label=name) from None
    _known(table, SHEET_KEYS, name, "")
    problems = table.get("problems")
    if not isinstance(problems, dict) or not problems:
        raise SpecError("no problems: add a [problems.p1] table", label=f"{name}: problems")
    if len(problems) > limits.MAX_PROBLEMS:
        raise SpecError(f"{len(problems)} problems; the limit is {limits.MAX_PROBLEMS}", label=name)
    space = _number(table, "space", name, "", DEFAULT_SPACE_CM, MAX_SPACE_CM)
    return SheetSpec(
        name=name,
        title=_text(table, "title", name, "", required=True),
        course=_text(table, "course", name, ""),
        date=_text(table, "date", name, ""),
        instructions=_text(table, "instructions", name, ""),
        problems=tuple(_problem(pid, body, name, space) for pid, body in problems.items()),
    )


def _where(name: str, key: str) -> str:
    return f"{name}: {key}"


def _known(table: dict[str, Any], keys: tuple[str, ...], name: str, prefix: str) -> None:
    for key in table:
        if key not in keys:
            raise SpecError(
                f"unknown key (known: {', '.join(keys)})", label=_where(name, prefix + key)
            )


def _text(
    table: dict[str, Any], key: str, name: str, prefix: str, *, required: bool = False
) -> str:
    value = table.get(key)
    if value is None:
        if required:
            raise SpecError("missing (a string)", label=_where(name, prefix + key))
        return ""
    if not isinstance(value, str):
        raise SpecError(f"must be a string, not {_type(value)}", label=_where(name, prefix + key))
    most = limits.MAX_SCRIPT_CHARS if key == "script" else limits.MAX_SPEC_TEXT_CHARS
    if len(value) > most:
        raise SpecError(
            f"{len(value)} characters; the limit is {most}", label=_where(name, prefix + key)
        )
    return value


def _integer(table: dict[str, Any], key: str, where: str, default: int, most: int) -> int:
    """A whole number from 1 to `most`; `where` is the file and the table ("s.toml: problems.p")."""
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise SpecError(f"must be a whole number from 1 to {most}", label=f"{where}.{key}")
    return value


def _number(
    table: dict[str, Any], key: str, name: str, prefix: str, default: float, most: float
) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= most:
        raise SpecError(
            f"must be a number of centimetres from 0 to {most:g}", label=_where(name, prefix + key)
        )
    return float(value)


def _type(value: object) -> str:
    return {str: "a string", int: "a number", float: "a number", bool: "true/false", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)  # fmt: skip


def _problem(pid: str, body: object, name: str, space: float) -> ProblemSpec:
    key = f"problems.{pid}"
    if not ID.fullmatch(pid):
        raise SpecError("a problem id is 1-32 letters, digits, - or _", label=_where(name, key))
    if not isinstance(body, dict):
        raise SpecError("must be a table ([problems.<id>])", label=_where(name, key))
    prefix = key + "."
    _known(body, PROBLEM_KEYS, name, prefix)
    texts = {k: _text(body, k, name, prefix) or None for k in ("function", "variable", "at")}
    script, question = _text(body, "script", name, prefix), _text(body, "question", name, prefix)
    kind = _kind(body, name, prefix, script)
    _what(texts["function"], script, question, name, prefix)
    _script_alone(body, name, prefix)
    order = _integer(body, "order", _where(name, key), 1, limits.MAX_ORDER)
    if order != 1 and kind in ("gradient", "code"):
        raise SpecError(f"a {kind} problem is first order", label=_where(name, prefix + "order"))
    spec = ProblemSpec(
        id=pid,
        kind=kind,
        function=texts["function"],
        variable=texts["variable"],
        order=order,
        at=texts["at"],
        script=script or None,
        question=question or None,
        points=_integer(body, "points", _where(name, key), 1, MAX_POINTS),
        space=_number(body, "space", name, prefix, space, MAX_SPACE_CM),
        prompt=_text(body, "prompt", name, prefix),
        params=_params(body.get("params", {}), name, prefix + "params"),
        mistake=_mistake(body, kind, name, prefix),
    )
    _placeholders_declared(spec, name)
    return spec


def _kind(body: dict[str, Any], name: str, prefix: str, script: str) -> str | None:
    kind = body.get("kind")
    if kind is None:
        return "code" if script else None
    if kind not in KINDS:
        raise SpecError(f"must be one of {', '.join(KINDS)}", label=_where(name, prefix + "kind"))
    if (kind == "code") != bool(script):
        raise SpecError(
            "a code problem has a script; other kinds have a function",
            label=_where(name, prefix + "kind"),
        )
    if kind in ("value", "gradient") and "at" not in body:
        raise SpecError(
            f'a {kind} problem needs values: add at = "x=1"', label=_where(name, prefix + "at")
        )
    if kind in ("derivative", "mistake") and "at" in body:
        hint = ': use kind = "value"' if kind == "derivative" else ""
        raise SpecError(f"a {kind} problem has no values{hint}", label=_where(name, prefix + "at"))
    return str(kind)


def _mistake(body: dict[str, Any], kind: str | None, name: str, prefix: str) -> str | None:
    """The `mistake` code of a find-the-mistake problem (checked against the catalogue when
    the problem is built: which mistakes exist depends on the function)."""
    if "mistake" not in body:
        return None
    code = body["mistake"]
    where = _where(name, prefix + "mistake")
    if kind != "mistake":
        raise SpecError('goes with kind = "mistake"', label=where)
    if not isinstance(code, str) or not MISTAKE_CODE.fullmatch(code):
        raise SpecError("a mistake code such as chain_missing_inner", label=where)
    return code


def _what(function: str | None, script: str, question: str, name: str, prefix: str) -> None:
    if bool(function) == bool(script):
        raise SpecError(
            "give a function to differentiate or a script (with a question), not both",
            label=_where(name, prefix + "function"),
        )
    if script and not QUESTION.fullmatch(question.strip()):
        raise SpecError(
            'a script needs the tensor attribute asked for: question = "x.grad"',
            label=_where(name, prefix + "question"),
        )
    if function and question:
        raise SpecError("a question goes with a script", label=_where(name, prefix + "question"))


def _script_alone(body: dict[str, Any], name: str, prefix: str) -> None:
    """A script problem takes no function-problem keys (they would be silently ignored)."""
    for key in ("variable", "at", "order"):
        if "script" in body and key in body:
            raise SpecError("goes with a function, not a script", label=_where(name, prefix + key))


def _params(table: object, name: str, key: str) -> tuple[tuple[str, Param], ...]:
    if not isinstance(table, dict):
        raise SpecError("must be a table of parameters", label=_where(name, key))
    out = []
    for pname, body in table.items():
        where = _where(name, f"{key}.{pname}")
        if not PARAM_NAME.fullmatch(pname):
            raise SpecError("a parameter name is a letter then letters, digits or _", label=where)
        out.append((pname, _param(body, where)))
    return tuple(out)


def _param(body: object, where: str) -> Param:
    if not isinstance(body, dict) or ("int" in body) == ("choice" in body):
        raise SpecError("write {int = [low, high]} or {choice = [...]}", label=where)
    unknown = set(body) - ({"int", "nonzero", "exclude"} if "int" in body else {"choice"})
    if unknown:
        raise SpecError(f"unknown key {sorted(unknown)[0]}", label=where)
    if "choice" in body:
        return _choice(body["choice"], where)
    bounds, exclude = body["int"], body.get("exclude", [])
    if not (_ints(bounds) and len(bounds) == 2 and bounds[0] <= bounds[1] and _ints(exclude)):
        raise SpecError("int = [low, high] with whole numbers, low <= high", label=where)
    if max(abs(bounds[0]), abs(bounds[1])) > limits.MAX_PARAMETER:
        raise SpecError(f"values are limited to ±{limits.MAX_PARAMETER}", label=where)
    nonzero = body.get("nonzero", False)
    if not isinstance(nonzero, bool):
        raise SpecError("nonzero = true or false", label=where)
    param = IntParam(bounds[0], bounds[1], nonzero, tuple(exclude))
    if not param.values():
        raise SpecError("no value is left to draw", label=where)
    return param


def _ints(values: object) -> bool:
    return isinstance(values, list) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    )


def _choice(options: object, where: str) -> ChoiceParam:
    if not isinstance(options, list) or not options:
        raise SpecError("choice = [...] lists at least one value", label=where)
    texts = []
    for option in options:
        if isinstance(option, bool) or not isinstance(option, int | float | str):
            raise SpecError("a choice is a number or a string", label=where)
        text = option if isinstance(option, str) else repr(option)
        if not text or len(text) > 100 or "{" in text or "}" in text:
            raise SpecError("a choice is 1-100 characters, without { or }", label=where)
        texts.append(text)
    return ChoiceParam(tuple(texts))


PLACEHOLDER = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")


def _placeholders_declared(spec: ProblemSpec, name: str) -> None:
    """With params, every {name} in a text is a declared parameter and every parameter is used."""
    if not spec.params:
        return
    declared = {pname for pname, _ in spec.params}
    used: set[str] = set()
    for field in ("function", "at", "script", "prompt"):
        text = getattr(spec, field) or ""
        for found in PLACEHOLDER.findall(text):
            if found not in declared:
                raise SpecError(
                    f"{{{found}}} is not a parameter (declared: {', '.join(sorted(declared))})",
                    label=_where(name, f"{spec.key}.{field}"),
                )
            used.add(found)
    for pname in sorted(declared - used):
        raise SpecError(
            "this parameter is never used in function, at, script or prompt",
            label=_where(name, f"{spec.key}.params.{pname}"),
        )
