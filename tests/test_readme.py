"""README examples run as tests, so the README never lies: every ```console block is re-run.

They run in order in one temporary directory where `samples` links to the repository's, so an
example may write a file (`explain worksheet ... -o chain.tex`) and a later one read it (`cat`).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from explain.cli import cli
from tests.conftest import ROOT

BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def examples() -> list[tuple[str, str]]:
    """(command, expected output) for each `$ command` line in a console block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for block in BLOCK.findall(text):
        command, output = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    found.append((command, "\n".join(output)))
                command, output = line[2:], []
            else:
                output.append(line)
        if command is not None:
            found.append((command, "\n".join(output)))
    return found


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A directory with `samples` linked in, shared by the README's examples, made current."""
    path = tmp_path_factory.mktemp("readme")
    (path / "samples").symlink_to(ROOT / "samples", target_is_directory=True)
    before = Path.cwd()
    os.chdir(path)
    try:
        yield path
    finally:
        os.chdir(before)


def run(command: str) -> str:
    args = shlex.split(command)
    if args[0] == "cat" and len(args) == 2:
        return Path(args[1]).read_text(encoding="utf-8")
    if args[0] == "explain":
        result = CliRunner().invoke(cli, args[1:], catch_exceptions=False)
        return result.output
    if args[0] == "python":
        proc = subprocess.run(
            [sys.executable, *args[1:]], capture_output=True, text=True, check=False
        )
        return proc.stdout + proc.stderr
    raise AssertionError(f"README example runs an unknown program: {command}")


@pytest.mark.parametrize(("command", "expected"), examples(), ids=[c for c, _ in examples()])
def test_readme_example(command: str, expected: str, workdir: Path) -> None:
    assert run(command).rstrip("\n") == expected.rstrip("\n")


def test_readme_has_examples() -> None:
    assert len(examples()) >= 5


def test_readme_python_session() -> None:
    """The ```pycon session in the README runs as a doctest."""
    import doctest

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    sessions = re.findall(r"```pycon\n(.*?)```", text, re.S)
    assert sessions
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for number, session in enumerate(sessions):
        test = parser.get_doctest(session, {}, f"README session {number}", "README.md", 0)
        runner.run(test)
    assert runner.failures == 0
