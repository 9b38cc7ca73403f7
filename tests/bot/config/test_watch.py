"""The config watcher: new settings once per change, problems for an invalid file."""

from __future__ import annotations

import asyncio
import os

from bot.config.watch import ConfigWatcher


def touch_later(path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a new version


def test_changes_invalid_edits_and_nothing_new(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("feeds: []\n", encoding="utf-8")
    watcher = ConfigWatcher(path)
    assert asyncio.run(watcher.check()) == (None, [])  # unchanged since the watcher started
    touch_later(path, "feeds:\n  - {name: A, url: 'https://a.example/f'}\n")
    settings, problems = asyncio.run(watcher.check())
    assert problems == [] and [f.name for f in settings.feeds] == ["A"]
    assert asyncio.run(watcher.check()) == (None, [])  # seen already
    touch_later(path, "feeds:\n  - {name: A, url: 'not a url'}\n")
    settings, problems = asyncio.run(watcher.check())
    assert (
        settings is None and problems[0].startswith(f"{path}:2:") and "feeds[0].url" in problems[0]
    )
    forced, again = asyncio.run(watcher.check(force=True))
    assert forced is None and again == problems
    assert asyncio.run(ConfigWatcher(None).check()) == (None, [])
