"""README examples run as tests, so the README never lies: every ```console block is re-run."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

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


def run(command: str) -> str:
    args = shlex.split(command)
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
def test_readme_example(command: str, expected: str) -> None:
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
