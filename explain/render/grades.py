"""Verdict and ClassReport in the four formats (text, markdown, latex, json); nothing computed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from explain.grades import ClassReport, Mistake, ProblemSummary, Verdict, Witness

SCHEMA = 1


def where(w: Witness) -> str:
    """ "x = 0.5, y = 2" (or "element = [0, 1]"); "the point" for a point without variables."""
    shown = (f"{n} {v}" if n == "element" else f"{n} = {v}" for n, v in w.point)
    return ", ".join(shown) or "the point"


def witness_line(w: Witness) -> str:
    answer = "undefined" if w.answer == "undefined" else w.answer
    return f"at {where(w)}: the answer is {answer}, expected {w.expected}"


def mistake_line(m: Mistake) -> str:
    step = f", at the {m.step}" if m.step else ""
    return f"{m.title} [{m.code}{step}]"


def fields(v: Verdict) -> list[tuple[str, str]]:
    """(label, text) of every line shown for a verdict, in order."""
    rows = [("question", v.question), ("answer", v.answer)]
    if v.read_as:
        rows.append(("read as", v.read_as))
    rows += [("expected", v.expected), ("verdict", f"{v.status} ({v.basis})")]
    if v.mistake is not None:
        rows.append(("mistake", mistake_line(v.mistake)))
    if v.witness is not None:
        rows.append(("witness", witness_line(v.witness)))
    if v.status in ("invalid", "unsupported", "timeout"):
        rows.append(("why", v.feedback))
    rows += [("note", note) for note in v.notes]
    return rows


def summary_rows(p: ProblemSummary) -> list[tuple[str, str]]:
    counts = ", ".join(f"{n} {status}" for status, n in p.counts if n)
    rows = [("answers", f"{p.answers}: {counts}" if counts else "0")]
    if p.wrong_answers:
        rows.append(("wrong", "; ".join(f"{a} ×{n}" for a, n in p.wrong_answers)))
    if p.mistakes:
        rows.append(("mistakes", "; ".join(f"{m} ×{n}" for m, n in p.mistakes)))
    return rows


def headline(r: ClassReport) -> str:
    resumed = f" ({r.resumed} from the interrupted run)" if r.resumed else ""
    out = f" -> {r.output}" if r.output else ""
    return f"{r.title}: {r.rows} rows graded{resumed}, {r.graded} distinct answers{out}"


# --- text ---------------------------------------------------------------------------------------


def text_verdict(v: Verdict) -> str:
    return "".join(f"{label + ':':<10}{value}\n" for label, value in fields(v))


def text_report(r: ClassReport) -> str:
    lines = [headline(r), ""]
    for p in r.problems:
        lines.append(p.problem)
        lines += [f"  {label + ':':<10}{value}" for label, value in summary_rows(p)]
    return "\n".join(lines) + "\n"


# --- markdown -----------------------------------------------------------------------------------


def markdown_verdict(v: Verdict) -> str:
    from explain.render.markdown import code  # the format modules load SymPy's printers
    from explain.render.markdown import escape as md

    lines = [f"**{v.status}**: {code(v.answer)}", ""]
    lines += [f"- **{label}**: {md(value)}" for label, value in fields(v)]
    return "\n".join(lines) + "\n"


def markdown_report(r: ClassReport) -> str:
    from explain.render.markdown import escape as md

    lines = [f"# {md(headline(r))}", ""]
    for p in r.problems:
        lines += [f"## {md(p.problem)}", ""]
        lines += [f"- **{label}**: {md(value)}" for label, value in summary_rows(p)]
        lines.append("")
    return "\n".join(lines)


# --- latex --------------------------------------------------------------------------------------


TABULAR = "\\begin{tabular}{@{}lp{0.75\\linewidth}@{}}\n"


def latex_rows(rows: list[tuple[str, str]]) -> str:
    from explain.render.latex import escape as tex

    body = "".join(f"\\textbf{{{tex(label)}}} & {tex(value)} \\\\\n" for label, value in rows)
    return f"{TABULAR}{body}\\end{{tabular}}\n"


def latex_verdict(v: Verdict) -> str:
    return f"% explain: verdict\n{latex_rows(fields(v))}"


def latex_report(r: ClassReport) -> str:
    from explain.render.latex import escape as tex

    parts = [f"% explain: class report\n\\section*{{{tex(headline(r))}}}\n"]
    for p in r.problems:
        parts.append(f"\\subsection*{{{tex(p.problem)}}}\n{latex_rows(summary_rows(p))}")
    return "".join(parts)


# --- json ---------------------------------------------------------------------------------------


def verdict_fields(v: Verdict) -> dict[str, Any]:
    mistake = v.mistake
    witness = v.witness
    return {
        "status": v.status,
        "question": v.question,
        "answer": v.answer,
        "read_as": v.read_as,
        "expected": v.expected,
        "basis": v.basis,
        "feedback": v.feedback,
        "mistake": None
        if mistake is None
        else {"code": mistake.code, "title": mistake.title, "step": mistake.step},
        "witness": None
        if witness is None
        else {
            "point": dict(witness.point),
            "answer": witness.answer,
            "expected": witness.expected,
        },
        "notes": list(v.notes),
    }


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def json_verdict(v: Verdict) -> str:
    return _dumps({"schema": SCHEMA, "kind": "verdict", **verdict_fields(v)})


def json_report(r: ClassReport) -> str:
    problems = [
        {
            "problem": p.problem,
            "answers": p.answers,
            "counts": dict(p.counts),
            "wrong_answers": [{"answer": a, "count": n} for a, n in p.wrong_answers],
            "mistakes": [{"code": m, "count": n} for m, n in p.mistakes],
        }
        for p in r.problems
    ]
    return _dumps(
        {
            "schema": SCHEMA,
            "kind": "class_report",
            "title": r.title,
            "rows": r.rows,
            "graded": r.graded,
            "resumed": r.resumed,
            "output": r.output,
            "problems": problems,
        }
    )


RENDERS: dict[str, dict[str, Callable[[Any], str]]] = {
    "text": {"Verdict": text_verdict, "ClassReport": text_report},
    "markdown": {"Verdict": markdown_verdict, "ClassReport": markdown_report},
    "latex": {"Verdict": latex_verdict, "ClassReport": latex_report},
    "json": {"Verdict": json_verdict, "ClassReport": json_report},
}
"""Format → {model class name: renderer}; merged into each format's table by render()."""
