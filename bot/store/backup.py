"""Backing up the database: a consistent SQLite copy, or the pg_dump line for PostgreSQL.

Copying a SQLite file with ``cp`` while trendbot writes to it can give a copy
that is torn (pages from before and after a transaction) or that lacks what is
still in the ``-wal`` file. SQLite's online backup API copies the database as one
transaction sees it, whatever is being written meanwhile, so that is what this
uses. The copy is written beside the target first and moved into place only once
it is complete and checked, so a failed backup never leaves half a file, and
never destroys the previous backup.

PostgreSQL has its own tool for this, which knows about every object and
permission of the database; trendbot only says how to call it for the
configured URL (without the password, which belongs in ``PGPASSWORD`` or
``~/.pgpass``, not in a shell history).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import URL, make_url

from bot.store.db import display_url
from bot.store.db import sqlite_path as database_file

BUSY_TIMEOUT_S = 30.0  # wait out a writer's checkpoint instead of failing at once
SYSTEM_SCHEMAS = {"$user", "pg_catalog", "pg_temp", "information_schema"}


class BackupError(Exception):
    """The backup cannot be made; the message is one line for the admin."""


@dataclass(frozen=True)
class BackupResult:
    source: Path
    target: Path
    size: int
    revision: str | None  # the schema revision in the copy (None: not a trendbot database)


def sqlite_path(database: str | URL) -> Path | None:
    """The file of a SQLite URL to back up; None for any other database.

    The file is the one :func:`bot.store.db.sqlite_path` finds, which the service
    and ``status`` open, so a ``file:`` URI (``sqlite:///file:PATH?mode=ro&uri=true``)
    is backed up like a plain path; only a database in memory has no file to copy.
    """
    url = make_url(database)
    if url.get_backend_name() != "sqlite":
        return None
    path = database_file(url)
    if path is None:
        raise BackupError(
            f"{display_url(url)} is a database in memory, not a file that can be copied; "
            "set database to sqlite:///PATH"
        )
    return path


def backup_sqlite(source: Path, target: Path, *, force: bool = False) -> BackupResult:
    """Copy the SQLite database at ``source`` to ``target`` with the online backup API.

    Refuses to replace an existing ``target`` unless ``force``. The copy is a
    single self-contained file (no ``-wal``), checked with ``PRAGMA quick_check``,
    with the source's file permissions.
    """
    source, target = source.resolve(), target.resolve()
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    if target.exists() and target.samefile(source):
        raise BackupError(f"{target} is the database itself; choose another file")
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give the path of the file to write")
    if target.exists() and not force:
        raise BackupError(f"{target} already exists; pass --force to replace it")
    if not target.parent.is_dir():
        raise BackupError(f"folder {target.parent} does not exist")
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        revision = _copy(source, partial)
        os.chmod(partial, stat.S_IMODE(source.stat().st_mode))
        _place(partial, target, force=force)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot back up {source}: {exc}") from None
    except OSError as exc:
        raise BackupError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return BackupResult(source, target, target.stat().st_size, revision)


def _copy(source: Path, partial: Path) -> str | None:
    """The whole database in one step: one read transaction, so one consistent state."""
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()  # a leftover of a killed backup
    # read-only: a backup must never create, migrate or checkpoint the live database
    src = sqlite3.connect(f"file:{quote(str(source))}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
            check = dst.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"the copy of {source} fails its integrity check: {check}")
            try:
                revision = dst.execute("SELECT version_num FROM alembic_version").fetchone()
            except sqlite3.OperationalError:  # not (yet) a trendbot database: copied all the same
                revision = None
            dst.commit()
        finally:
            dst.close()
    finally:
        src.close()
    with open(partial, "rb") as written:
        os.fsync(written.fileno())
    return revision[0] if revision else None


def _place(partial: Path, target: Path, *, force: bool) -> None:
    """Move the finished copy into place; without ``force``, never over a file that
    appeared meanwhile (a hard link fails if the name is taken)."""
    if force:
        os.replace(partial, target)
        return
    try:
        os.link(partial, target)
    except FileExistsError:
        raise BackupError(f"{target} already exists; pass --force to replace it") from None
    except OSError:  # a file system without hard links
        if target.exists():
            raise BackupError(f"{target} already exists; pass --force to replace it") from None
        os.replace(partial, target)


def pg_dump_command(database: str | URL, target: str | os.PathLike[str]) -> str:
    """The pg_dump line that backs up the configured PostgreSQL database to ``target``.

    The password is left out; a ``search_path`` given in the URL's ``options``
    (``?options=-csearch_path=trendbot``, how trendbot is pointed at a schema)
    becomes ``--schema``, so only trendbot's schema is dumped.
    """
    url = make_url(database)
    plain = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    words = ["pg_dump", "--format=custom", f"--file={os.fspath(target)}"]
    words += [f"--schema={schema}" for schema in _search_path(url)]
    words.append(f"--dbname={plain.render_as_string(hide_password=False)}")
    return shlex.join(words)


def _search_path(url: URL) -> list[str]:
    """The schemas a ``-c search_path=...`` in the URL's options names (system ones left out)."""
    options = url.query.get("options", "")
    if isinstance(options, tuple):
        options = " ".join(options)
    words = shlex.split(options)
    settings = []
    for index, word in enumerate(words):
        if word == "-c" and index + 1 < len(words):
            settings.append(words[index + 1])
        elif word.startswith(("-c", "--")):  # -csearch_path=x, --search_path=x
            settings.append(word[2:])
    schemas: list[str] = []
    for setting in settings:
        name, _, value = setting.partition("=")
        if name.strip().replace("-", "_") != "search_path":
            continue
        for schema in value.split(","):
            schema = schema.strip().strip('"')
            if schema and schema not in SYSTEM_SCHEMAS:
                schemas.append(schema)
    return schemas
