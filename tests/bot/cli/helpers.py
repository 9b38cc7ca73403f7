"""Running the real `trendbot` program in a subprocess while a fake server answers it."""

from __future__ import annotations

import asyncio
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


async def trendbot(*args: str, timeout: float = 120) -> Ran:
    """Run `python -m bot ARGS` without blocking the event loop the fake servers live on."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=environment(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    return Ran(process.returncode or 0, out.decode(), err.decode())


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
