"""The project's own promises: CI runs the README's test command, and the code is lint-clean."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

MARKER = "<!-- test-command -->"
LINTED = ("bot", "extractors", "tests", "benchmarks")


def readme_test_command() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    after = text.split(MARKER, 1)[1].lstrip()
    assert after.startswith("```sh\n"), "the test command must follow the marker in a sh block"
    return after.split("\n")[1].strip()


def test_ci_runs_exactly_the_readme_test_command():
    command = readme_test_command()
    assert "python -m venv .venv" in command or "python3 -m venv .venv" in command
    assert ".[test]" in command
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert command in ci_lines


def test_code_is_ruff_clean():
    pytest.importorskip("ruff", reason="ruff comes with the test extra")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", *LINTED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
