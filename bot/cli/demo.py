"""`trendbot demo`: the whole pipeline on bundled sample data, offline, in under a minute."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.app import app


@app.command("demo")
def demo(
    keep: Annotated[
        Path | None,
        typer.Option("--keep", help="put the demo's database and charts in this folder"),
    ] = None,
) -> None:
    """Run the whole pipeline offline on bundled sample data and print what Discord would show."""
    from bot.ingest.workers import start_forkserver

    start_forkserver()
    from bot.demo.run import run_demo

    run_demo(sys.stdout, keep)
