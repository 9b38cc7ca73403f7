"""Noticing that config.yaml changed, for the running service and the bot alike.

A hand edit is applied live; an invalid one must leave the running settings alone
and say exactly what is wrong. Both the Discord bot and the terminal service ask
this one watcher, so they behave the same.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.config.load import ConfigError, load_settings
from bot.config.schema import Settings


class ConfigWatcher:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.version = self._stamp()

    def _stamp(self) -> int | None:
        if self.path is None:
            return None
        try:
            return self.path.stat().st_mtime_ns
        except OSError:
            return None

    async def check(self, force: bool = False) -> tuple[Settings | None, list[str]]:
        """``(settings, [])`` for a changed, valid file; ``(None, problems)`` for an invalid
        one (one line each, with line and column); ``(None, [])`` when nothing changed."""
        if self.path is None:
            return None, []
        stamp = self._stamp()
        if stamp is None:
            return None, [f"{self.path}: cannot be read"]
        if stamp == self.version and not force:
            return None, []
        self.version = stamp
        try:
            return await asyncio.to_thread(load_settings, self.path), []
        except ConfigError as exc:
            return None, [str(problem) for problem in exc.problems]
