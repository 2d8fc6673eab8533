"""Grading a class: nothing lost, input order, formula guard, memo, timeouts, resume after kill."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from explain import api, limits
from explain.batch import Options
from explain.batch import pool as pool_module
from explain.batch.key import read_key
from explain.batch.output import guard
from explain.errors import UsageError
from tests.conftest import ROOT

SAMPLES = ROOT / "samples" / "class"
KEY = """
title = "t"
[problems.p1]
function = "x^2"
[problems.p2]
function = "sin(x^2)"
points = 2
"""


def rows_of(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_sample_class_keeps_every_row_in_order(tmp_path: Path) -> None:
    out = tmp_path / "grades.csv"
    report = api.grade(
        str(SAMPLES / "key.toml"), str(SAMPLES / "submissions.csv"), str(out), Options(jobs=2)
    )
    with open(SAMPLES / "submissions.csv", encoding="utf-8", newline="") as handle:
        given = list(csv.reader(handle))[1:]
    got = rows_of(out)
    assert [int(r["row"]) for r in got] == list(range(1, len(given) + 1))
    assert report.rows == len(given)
    assert {r["verdict"] for r in got} <= {
        "correct",
        "incorrect",
        "invalid",
        "unsupported",
        "timeout",
    }
    by_row = {int(r["row"]): r for r in got}
    assert by_row[1]["verdict"] == "correct" and by_row[1]["points"] == "2"  # alice's variant
    assert by_row[8]["mistake"] == "chain_missing_inner"
    assert by_row[34]["feedback"] == "unknown problem 'p7'"
    assert not Path(f"{out}.partial").exists()


def test_formula_cells_are_guarded(tmp_path: Path) -> None:
    key = write(tmp_path / "key.toml", KEY)
    subs = write(
        tmp_path / "s.csv", 'student,problem,answer\n=cmd,p1,2x\n@a,p1,"-2x"\n+b,p1,=1+1\n'
    )
    out = tmp_path / "g.csv"
    api.grade(str(key), str(subs), str(out), Options(jobs=0))
    text = out.read_text(encoding="utf-8")
    for line in text.splitlines()[1:]:
        for cell in next(csv.reader([line])):
            assert not cell.startswith(("=", "+", "-", "@")), line
    assert guard("-x") == "'-x" and guard("x") == "x"


def test_malformed_rows_get_their_own_invalid_row(tmp_path: Path) -> None:
    key = write(tmp_path / "key.toml", KEY)
    long = "x" * (limits.MAX_FIELD_CHARS + 1)
    data = (
        b"student,problem,answer\n"
        b"a,p1,2x\n"
        b"b,p1,2x,extra\n"
        b"c,p1\n"
        b"d,p1," + long.encode() + b"\n"
        b"e,p1,2\xff\xfex\n"
        b"f,p2,2x cos(x^2)\n"
    )
    subs = write(tmp_path / "s.csv", data)
    out = tmp_path / "g.csv"
    api.grade(str(key), str(subs), str(out), Options(jobs=0))
    got = rows_of(out)
    assert [r["verdict"] for r in got] == [
        "correct",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "correct",
    ]
    assert "expected 3 cells, found 4" in got[1]["feedback"]
    assert "limit" in got[3]["feedback"] and len(got[3]["answer"]) < 100
    assert "UTF-8" in got[4]["feedback"]


def test_jsonl_in_and_out(tmp_path: Path) -> None:
    key = write(tmp_path / "key.toml", KEY)
    lines = [
        json.dumps({"student": "a", "problem": "p1", "answer": "2*x"}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"student": "b", "problem": "p2"}),
        json.dumps({"student": "c", "problem": "p2", "answer": "cos(x^2)"}),
    ]
    subs = write(tmp_path / "s.jsonl", "\n".join(lines) + "\n")
    out = tmp_path / "g.json"
    api.grade(str(key), str(subs), str(out), Options(jobs=0))
    got = json.loads(out.read_text(encoding="utf-8"))
    assert [r["verdict"] for r in got] == ["correct", "invalid", "invalid", "invalid", "incorrect"]
    assert got[4]["mistake"] == "chain_missing_inner" and got[4]["points"] == 0


def test_memo_grades_each_normalised_answer_once(tmp_path: Path) -> None:
    key = write(tmp_path / "key.toml", KEY)
    answers = ["2x", "2*x", "2 x", " 2x ", "2·x", "x*2"]
    subs = write(
        tmp_path / "s.csv",
        "student,problem,answer\n" + "".join(f"s{i},p1,{a}\n" for i, a in enumerate(answers)),
    )
    report = api.grade(str(key), str(subs), str(tmp_path / "g.csv"), Options(jobs=0))
    assert report.rows == 6
    assert report.graded == 2  # 2x (in five spellings) and x*2
    assert [r["answer"] for r in rows_of(tmp_path / "g.csv")] == answers


def test_deeply_nested_answer_is_bounded(tmp_path: Path) -> None:
    key = write(tmp_path / "key.toml", KEY)
    nested = "sin(" * (limits.MAX_DEPTH - 1) + "x" + ")" * (limits.MAX_DEPTH - 1)
    subs = write(tmp_path / "s.csv", f"student,problem,answer\na,p2,{nested}\nb,p1,2x\n")
    started = time.monotonic()
    api.grade(str(key), str(subs), str(tmp_path / "g.csv"), Options(jobs=1))
    assert time.monotonic() - started < 30
    got = rows_of(tmp_path / "g.csv")
    assert got[0]["verdict"] in {"incorrect", "timeout"}
    assert got[1]["verdict"] == "correct"


def _hang(prepared: Any, problems: Any, key: Any, answer: str) -> Any:
    if answer == "hang":
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # as C code would: deaf
        time.sleep(60)
    return REAL_VERDICT_FOR(prepared, problems, key, answer)


REAL_VERDICT_FOR = pool_module.verdict_for


def test_a_stuck_worker_costs_only_its_own_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool_module, "verdict_for", _hang)
    monkeypatch.setattr(limits, "ANSWER_SECONDS", 0.6)  # killed after 1.5 x 0.6 s
    monkeypatch.setattr(pool_module, "PREPARE_SECONDS", 2.0)
    key = write(tmp_path / "key.toml", KEY)
    body = "".join(f"s{i},p1,{'hang' if i == 3 else f'{i}*x'}\n" for i in range(8))
    subs = write(tmp_path / "s.csv", "student,problem,answer\n" + body)
    api.grade(str(key), str(subs), str(tmp_path / "g.csv"), Options(jobs=2))
    got = rows_of(tmp_path / "g.csv")
    assert len(got) == 8
    assert got[3]["verdict"] == "timeout"
    assert [r["verdict"] for r in got[:3] + got[4:]] == [
        "incorrect",
        "incorrect",
        "correct",
        "incorrect",
        "incorrect",
        "incorrect",
        "incorrect",
    ]


def test_resume_after_kill_9_neither_duplicates_nor_drops(tmp_path: Path) -> None:
    key = write(tmp_path / "key.toml", KEY)
    body = "".join(f"s{i},p1,{i}*x + {i % 7}\n" for i in range(1500))
    subs = write(tmp_path / "s.csv", "student,problem,answer\n" + body)
    out = tmp_path / "g.csv"
    command = [
        sys.executable,
        "-m",
        "explain",
        "grade",
        str(key),
        str(subs),
        "-o",
        str(out),
        "--jobs",
        "1",
    ]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    checkpoint = Path(f"{out}.partial.json")
    deadline = time.monotonic() + 60
    while not checkpoint.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert checkpoint.exists() and not out.exists()
    done = json.loads(checkpoint.read_text())["rows"]
    assert 0 < done < 1500
    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, check=False)
    assert resumed.returncode == 0, resumed.stderr
    assert "from the interrupted run" in resumed.stdout
    got = rows_of(out)
    assert [int(r["row"]) for r in got] == list(range(1, 1501))
    time.sleep(1.5)  # the killed run's workers notice their parent is gone and end
    found = subprocess.run(["pgrep", "-f", str(out)], capture_output=True, text=True, check=False)
    leftovers = found.stdout
    assert leftovers.strip() == "", "workers of the killed run are still alive"
    fresh = tmp_path / "fresh.csv"
    api.grade(str(key), str(subs), str(fresh), Options(jobs=1))
    assert rows_of(fresh) == got


def test_resume_refuses_changed_inputs(tmp_path: Path) -> None:
    key = write(tmp_path / "key.toml", KEY)
    subs = write(tmp_path / "s.csv", "student,problem,answer\na,p1,2x\n")
    with pytest.raises(UsageError, match="nothing to resume"):
        api.grade(str(key), str(subs), str(tmp_path / "g.csv"), Options(jobs=0, resume=True))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[problems.p1]\nfunction = 'x'\ncolour = 1\n", "unknown field"),
        ("[problems.p1]\norder = 0\nfunction = 'x'\n", "order"),
        ("[problems.p1]\nscript = 'x'\n", "question"),
        ("title = 'x'\n", "no \\[problems"),
        ("[problems.p1\n", "not valid TOML"),
        ("[problems.p1]\nfunction = 'sin(x'\n", "problems.p1: parse error: function, column 4"),
    ],
)
def test_bad_keys_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        read_key(text)


def test_key_variants_and_students() -> None:
    key = read_key((SAMPLES / "key.toml").read_text(encoding="utf-8"))
    assert key.students == {"alice": "03"}
    problem = key.problem("p1", "03")
    assert problem is not None and problem.function == "5*x^3 + sin(2*x)"
    common = key.problem("p2", "03")
    assert common is not None and common.function == "sin(x^2)"


def test_progress_reports_bytes_and_rows(tmp_path: Path) -> None:
    key = write(tmp_path / "key.toml", KEY)
    subs = write(tmp_path / "s.csv", "student,problem,answer\n" + "a,p1,2x\n" * 50)
    seen: list[tuple[int, int]] = []
    api.grade(
        str(key), str(subs), str(tmp_path / "g.csv"),
        Options(jobs=0, progress=lambda done, rows: seen.append((done, rows))),
    )  # fmt: skip
    assert [rows for _, rows in seen] == list(range(1, 51))
    assert seen[-1][0] == subs.stat().st_size


def test_memo_stays_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from explain.batch import run

    monkeypatch.setattr(run, "MEMO_LIMIT", 10)
    key = write(tmp_path / "key.toml", KEY)
    body = "".join(f"s{i},p1,{i % 40}*x\n" for i in range(120))
    subs = write(tmp_path / "s.csv", "student,problem,answer\n" + body)
    report = api.grade(str(key), str(subs), str(tmp_path / "g.csv"), Options(jobs=0))
    got = rows_of(tmp_path / "g.csv")
    assert [r["verdict"] for r in got] == [
        "correct" if i % 40 == 2 else "incorrect" for i in range(120)
    ]
    assert report.graded > 40  # forgotten answers were graded again, not lost


def test_other_columns_are_kept(tmp_path: Path) -> None:
    key = write(tmp_path / "key.toml", KEY)
    text = "Email,student,problem,answer,points\nа@x.org,a,p1,2x,5\nb@y.org,b,p1,3x\n"
    subs = write(tmp_path / "s.csv", text)
    api.grade(str(key), str(subs), str(tmp_path / "g.csv"), Options(jobs=0))
    with open(tmp_path / "g.csv", encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header == ["row", "student", "problem", "answer", "Email", "input_points",
                      "verdict", "mistake", "feedback", "points"]  # fmt: skip
    assert rows[0][4:6] == ["а@x.org", "5"] and rows[0][6] == "correct" and rows[0][9] == "1"
    assert rows[1][6] == "invalid" and rows[1][4] == "b@y.org"


def test_a_submissions_file_without_its_columns_leaves_nothing_behind(tmp_path: Path) -> None:
    key = write(tmp_path / "key.toml", KEY)
    subs = write(tmp_path / "s.csv", "name,question,reply\na,p1,2x\n")
    with pytest.raises(UsageError, match="no student, problem, answer column"):
        api.grade(str(key), str(subs), str(tmp_path / "g.csv"), Options(jobs=0))
    assert list(tmp_path.iterdir()) == [key, subs] or sorted(tmp_path.iterdir()) == sorted(
        [key, subs]
    )


def test_a_key_as_the_worksheet_generator_writes_it(tmp_path: Path) -> None:
    """Issue 6 writes keys with variants, expected values (arrays too) and literal scripts."""
    key = ROOT / "tests" / "data" / "worksheet_key.toml"
    body = 'ann,p1,2x sin x + x^2 cos x\nann,p2,10\nann,p3,"[[4,6],[8,10]]"\nann,p4,6\nann,p4,3\n'
    subs = write(tmp_path / "s.csv", "student,problem,answer\n" + body)
    api.grade(str(key), str(subs), str(tmp_path / "g.csv"), Options(jobs=0))
    got = rows_of(tmp_path / "g.csv")
    assert [r["verdict"] for r in got] == ["correct", "correct", "correct", "incorrect", "correct"]
    assert [r["points"] for r in got] == ["2", "1", "1", "0", "1"]
    assert got[3]["mistake"] == "detached_path_counted"
