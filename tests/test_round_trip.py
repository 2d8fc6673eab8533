"""Issue 6 meets issue 5: a worksheet's grading key grades the key's own answers as correct.

A teacher prints the variants, collects the sheets, types the answers into a CSV and grades
in two commands; here the "students" write exactly the key's answers (and, as a control, one
wrong answer each), so every verdict is known in advance.
"""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from explain.cli import cli

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "worksheets"


@pytest.mark.parametrize("spec", ["chain_rule.toml", "autograd.toml"])
def test_worksheet_key_grades_its_own_answers_correct(spec: str, tmp_path: Path) -> None:
    key = tmp_path / "key.toml"
    made = CliRunner().invoke(
        cli,
        ["worksheet", str(SAMPLES / spec), "--variants", "5", "--seed", "11",
         "--grading-key", str(key)],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    if spec == "chain_rule.toml":  # with a find-the-mistake problem, graded as a derivative
        assert "# find the mistake: the sheet shows " in key.read_text(encoding="utf-8")
    variants = tomllib.loads(key.read_text(encoding="utf-8"))["variants"]
    assert len(variants) == 5
    rows = [("student", "problem", "answer", "variant")]
    expected_verdicts = []
    for variant, table in variants.items():
        for problem, entry in table["problems"].items():
            rows.append((f"student-{variant}", problem, entry["expected"], variant))
            expected_verdicts.append("correct")
        first = next(iter(table["problems"]))  # a control: a wrong answer is not "correct"
        rows.append((f"control-{variant}", first, "12345*x + 678", variant))
        expected_verdicts.append("not correct")
    submissions = tmp_path / "submissions.csv"
    with submissions.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    graded = tmp_path / "grades.csv"
    done = CliRunner().invoke(
        cli, ["grade", str(key), str(submissions), "-o", str(graded), "--jobs", "0"]
    )
    assert done.exit_code == 0, done.output
    with graded.open(encoding="utf-8", newline="") as handle:
        verdicts = [row["verdict"] for row in csv.DictReader(handle)]
    assert len(verdicts) == len(expected_verdicts)
    for got, want in zip(verdicts, expected_verdicts, strict=True):
        assert (got == "correct") == (want == "correct"), (got, want)
