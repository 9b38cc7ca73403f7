"""Editing config.yaml from the bot: round trip, validate, write atomically, keep a backup.

Admins keep config.yaml by hand too, with comments and an order that mean
something to them, so an edit from Discord goes through ruamel.yaml's round trip
(comments, order and quoting survive), is validated as a whole before anything is
written, and replaces the file atomically (a temporary file in the same folder,
then a rename) after copying the previous version to ``config.yaml.bak``. A crash
mid-write leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import fcntl
import io
import os
import shutil
import tempfile
import threading
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.util import load_yaml_guess_indent

from bot.config.load import ConfigError, ConfigProblem, parse_settings, read_tree, round_trip_yaml
from bot.config.schema import Settings


class EditRefused(Exception):
    """An edit that cannot be made (unknown feed, duplicate name); the file is untouched."""


def _dump(tree: CommentedMap, original: str) -> str:
    """Write the tree back with the indentation the file already uses, nulls as ``null``."""
    _tree, sequence, offset = load_yaml_guess_indent(original)
    sequence, offset = sequence or 2, offset or 0
    yaml = round_trip_yaml()
    yaml.width = 4096  # never re-wrap an admin's long lines
    yaml.indent(mapping=max(2, sequence - offset), sequence=sequence, offset=offset)
    yaml.representer.add_representer(
        type(None), lambda r, _d: r.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    buffer = io.StringIO()
    yaml.dump(tree, buffer)
    return buffer.getvalue()


def _append(seq: CommentedSeq, entry: CommentedMap) -> None:
    """Append to a YAML list, keeping what followed its last item (a blank line, a comment)
    after the new one instead of between the two."""
    if seq and isinstance(seq[-1], CommentedMap) and seq[-1]:
        previous = seq[-1]
        last_key = list(previous.keys())[-1]
        trailing = previous.ca.items.pop(last_key, None)
        if trailing is not None:
            entry.ca.items[list(entry.keys())[-1]] = trailing
    seq.append(entry)


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one rename, keeping the old file as ``.bak``."""
    folder = path.parent
    if path.exists():
        shutil.copy2(path, path.with_name(path.name + ".bak"))
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_LOCK = threading.Lock()


def _edit(path: Path, change) -> Settings:
    """Read, change, validate and write under a lock: two admins editing at once both land.

    The thread lock orders this process's edits; the advisory file lock orders them
    with another trendbot process editing the same file.
    """
    with _LOCK, open(path.with_name(f".{path.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _edit_locked(path, change)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _edit_locked(path: Path, change) -> Settings:
    text = path.read_text(encoding="utf-8")
    tree = read_tree(text, str(path))
    change(tree)
    new_text = _dump(tree, text)
    settings = parse_settings(new_text, str(path))  # raises ConfigError: nothing written
    write_atomically(path, new_text)
    return settings


def add_feed(path: Path, name: str, url: str, **options: object) -> Settings:
    """Append a feed; refused when the name or URL is already listed or the result is invalid."""

    def change(tree: CommentedMap) -> None:
        feeds = tree.get("feeds")
        if feeds is None:
            feeds = tree["feeds"] = CommentedSeq()
        for feed in feeds:
            if str(feed.get("name", "")).casefold() == name.casefold():
                raise EditRefused(f"a feed named {name!r} is already listed")
            if str(feed.get("url", "")).rstrip("/").lower() == url.rstrip("/").lower():
                raise EditRefused(f"{url} is already listed as {feed.get('name')!r}")
        entry = CommentedMap()
        entry["name"] = name
        entry["url"] = url
        for key, value in options.items():
            if value is not None:
                entry[key] = value
        _append(feeds, entry)

    return _edit(path, change)


def remove_feed(path: Path, name: str) -> Settings:
    """Remove a feed by name (its stored items and history stay in the database)."""

    def change(tree: CommentedMap) -> None:
        feeds = tree.get("feeds") or []
        for index, feed in enumerate(feeds):
            if str(feed.get("name", "")).casefold() == name.casefold():
                # a comment above the item ("# Newsletters") heads the items after it
                heading = feeds.ca.items.pop(index, None)
                # ruamel keeps a comment *below* an item on the item's last key: it heads
                # the next group, so it moves to the item before (or stays in the list)
                trailing = None
                if isinstance(feed, CommentedMap) and feed:
                    trailing = feed.ca.items.pop(list(feed.keys())[-1], None)
                del feeds[index]
                if heading is not None and index < len(feeds):
                    feeds.ca.items.setdefault(index, heading)
                if trailing is not None:
                    previous = feeds[index - 1] if index > 0 else None
                    if isinstance(previous, CommentedMap) and previous:
                        previous.ca.items[list(previous.keys())[-1]] = trailing
                return
        raise EditRefused(f"no feed named {name!r} in {path.name}")

    return _edit(path, change)


def problems_text(error: ConfigError) -> list[str]:
    """One line per problem, with line and column, for an admin in Discord."""
    return [str(problem) for problem in error.problems]


__all__ = [
    "ConfigError",
    "ConfigProblem",
    "EditRefused",
    "add_feed",
    "problems_text",
    "remove_feed",
    "write_atomically",
]
