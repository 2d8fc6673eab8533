"""`explain worksheet`: files, directories, keys, formats from extensions, one-line errors."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from explain.cli import cli
from tests.conftest import ROOT
from tests.worksheet_specs import TEMPLATE

CHAIN = str(ROOT / "samples" / "worksheets" / "chain_rule.toml")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["worksheet", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_sheet_on_standard_output_is_markdown() -> None:
    code, out, _ = invoke(CHAIN)
    assert code == 0
    assert out.startswith("# Chain rule practice\n")
    assert "Answer key" not in out


def test_format_from_the_extension_and_a_separate_key(tmp_path: Path) -> None:
    sheet, key = tmp_path / "chain.tex", tmp_path / "key.md"
    code, out, _ = invoke(CHAIN, "-o", str(sheet), "--key", str(key))
    assert code == 0
    assert out == f"wrote {sheet}, {key}: 1 sheet, 7 problems, 15 points\n"
    assert sheet.read_text(encoding="utf-8").startswith("% Chain rule practice")
    assert "Answer key" not in sheet.read_text(encoding="utf-8")
    assert key.read_text(encoding="utf-8").startswith("# Answer key: Chain rule practice")


def test_with_key_appends_the_key(tmp_path: Path) -> None:
    sheet = tmp_path / "chain.md"
    assert invoke(CHAIN, "-o", str(sheet), "--with-key")[0] == 0
    text = sheet.read_text(encoding="utf-8")
    assert text.index("### Problem 6") < text.index("## Answer key")


def test_variants_into_a_directory_with_a_grading_key(tmp_path: Path) -> None:
    spec = tmp_path / "t.toml"
    spec.write_text(TEMPLATE, encoding="utf-8")
    out_dir = tmp_path / "out"
    code, out, _ = invoke(
        str(spec), "--variants", "3", "--seed", "4", "-o", f"{out_dir}/",
        "--grading-key", str(out_dir / "key.toml"),
    )  # fmt: skip
    assert code == 0, out
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == ["key-1.tex", "key-2.tex", "key-3.tex", "key.toml"] + [
        f"sheet-{k}.tex" for k in (1, 2, 3)
    ]
    key = tomllib.loads((out_dir / "key.toml").read_text(encoding="utf-8"))
    assert list(key["variants"]) == ["1", "2", "3"]
    again = tmp_path / "again"
    invoke(str(spec), "--variants", "3", "--seed", "4", "-o", f"{again}/")
    for k in (1, 2, 3):  # same seed, same files, byte for byte
        assert (again / f"sheet-{k}.tex").read_bytes() == (out_dir / f"sheet-{k}.tex").read_bytes()


ERRORS = {
    "variants to one file": (["--variants", "2", "-o", "x.tex"], "give -o DIR/"),
    "variants to the terminal": (["--variants", "2"], "give -o DIR/"),
    "roster and variants": (
        ["--students", "roster.txt", "--variants", "5", "-o", "out/"],
        "--variants 5, but the roster lists 2 students",
    ),
    "roster twice": (["--students", "twice.txt", "-o", "out/"], "twice.txt, line 3: ann is listed"),
    "unknown extension": (["-o", "x.pdf"], "use .tex or .md"),
    "missing spec": (["nope.toml"], "nope.toml: cannot read it"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_usage_errors_are_one_line_with_status_2(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args, message = ERRORS[case]
    spec = [] if args[0].endswith(".toml") else [CHAIN]
    monkeypatch.chdir(tmp_path)
    Path("roster.txt").write_text("ann\nbob\n", encoding="utf-8")
    Path("twice.txt").write_text("ann\n# a comment\nann\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["worksheet", *spec, *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_a_bad_spec_from_the_console_script_is_one_line(tmp_path: Path) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text('title = "t"\n[problems.p]\nfunction = "x^"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "explain", "worksheet", str(spec)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith(f"parse error: {spec}: problems.p.function")
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_roster_gives_every_student_a_named_variant(tmp_path: Path) -> None:
    spec, roster = tmp_path / "t.toml", tmp_path / "roster.txt"
    spec.write_text(TEMPLATE, encoding="utf-8")
    roster.write_text("# class 2B\nAnn Lee\n\nO'Brien, Seán\n\\input{x}\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    code, out, _ = invoke(
        str(spec), "--students", str(roster), "-o", f"{out_dir}/",
        "--grading-key", str(out_dir / "key.toml"),
    )  # fmt: skip
    assert code == 0, out
    key = tomllib.loads((out_dir / "key.toml").read_text(encoding="utf-8"))
    assert key["students"] == {"Ann Lee": "1", "O'Brien, Seán": "2", "\\input{x}": "3"}
    assert list(key["variants"]) == ["1", "2", "3"]
    sheet = (out_dir / "sheet-3.tex").read_text(encoding="utf-8")
    assert r"Name: {\ttfamily\char92}input{\ttfamily\char123}x{\ttfamily\char125}" in sheet
    assert "Name: Ann Lee" in (out_dir / "sheet-1.tex").read_text(encoding="utf-8")


def test_the_same_seed_gives_the_same_bytes_in_fresh_processes(tmp_path: Path) -> None:
    """Across processes with different hash seeds (nothing depends on set or dict order)."""
    import os

    spec = tmp_path / "t.toml"
    spec.write_text(TEMPLATE, encoding="utf-8")
    for hash_seed in ("1", "2"):
        subprocess.run(
            [sys.executable, "-m", "explain", "worksheet", str(spec), "--variants", "3",
             "--seed", "11", "-o", f"{tmp_path / hash_seed}/", "--grading-key",
             str(tmp_path / hash_seed / "key.toml")],
            check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )  # fmt: skip
    names = sorted(p.name for p in (tmp_path / "1").iterdir())
    assert len(names) == 7
    for name in names:
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name
