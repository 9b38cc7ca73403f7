"""The `trendbot` command line (also `python -m bot`): one module per command group."""

from bot.cli import (  # noqa: F401  (they register commands)
    check_config,
    crawl,
    db,
    demo,
    digest,
    extract,
    feeds,
    hub,
    run,
    status,
    why,
)
from bot.cli.app import app, main

__all__ = ["app", "main"]
