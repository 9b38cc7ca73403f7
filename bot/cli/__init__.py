"""The `trendbot` command line (also `python -m bot`): one module per command group."""

from bot.cli import check_config, crawl, db, digest, extract, feeds, hub, run, why  # noqa: F401  (they register commands)
from bot.cli.app import app, main, register_unavailable

register_unavailable()

__all__ = ["app", "main"]
