"""Running the real `trendbot` program in a subprocess while a fake server answers it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT


@dataclass
class Ran:
    code: int
    out: str
    err: str

    def json_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("TRENDBOT_CONFIG", None)
    env["COLUMNS"] = "200"
    return env


async def trendbot(*args: str, timeout: float = 120, input: bytes | None = None) -> Ran:
    """Run `python -m bot ARGS` without blocking the event loop the fake servers live on.

    ``input`` is written to its stdin (then closed). On a timeout, or any other
    exception (the test cancelled), the process is killed and reaped before it
    propagates: a hung command must not outlive its test.
    """
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=environment(),
        stdin=asyncio.subprocess.PIPE if input is not None else None,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(input), timeout)
    finally:
        await reap(process)
    return Ran(process.returncode or 0, out.decode(), err.decode())


async def reap(process: asyncio.subprocess.Process) -> None:
    """Kill ``process`` unless it has ended, and wait for it: no orphan, no zombie."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):  # it ended just now
            process.kill()
    await process.wait()


def write_config(folder: Path, feeds_yaml: str, extra: str = "") -> Path:
    path = folder / "config.yaml"
    path.write_text(
        "database: sqlite:///state/trendbot.db\n"
        "http:\n  allow_private: true\n  timeout: {connect: 2s, read: 2s, total: 5s}\n"
        "crawl:\n  workers: 1\n"
        f"feeds:\n{feeds_yaml}{extra}",
        encoding="utf-8",
    )
    return path
