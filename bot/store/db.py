"""Opening the database: one engine per process, tuned for SQLite or PostgreSQL.

SQLite is the embedded default, so it gets what a long-running writer with
concurrent readers needs: WAL journaling, a busy timeout instead of instant
"database is locked" errors, and foreign keys switched on. PostgreSQL URLs are
routed to the psycopg 3 driver whatever driver name the admin wrote.

A database that is there but cannot serve (a read-only file, a full disk, a lock
held past the busy timeout, a PostgreSQL server that is down or restarting) is a
fault of the place, not of trendbot: every engine turns such driver errors into
``DatabaseUnavailable``, one line that names the problem and the database and
never the SQL, and tells whoever listens (the service pauses its jobs and waits
for the database to come back). A file that is damaged or is no SQLite database
at all is a plain ``DatabaseError``: waiting would not mend it. Every other driver
error is left as it is (code relies on ``IntegrityError`` for "already there"):
``error_line`` is how any error is shown, one line and never the SQL.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Engine, ExceptionContext, make_url
from sqlalchemy.exc import SQLAlchemyError, StatementError
from sqlmodel import create_engine

SQLITE_BUSY_TIMEOUT_MS = 30_000
UPGRADE_HINT = "run `trendbot db upgrade` to create it"

# SQLite primary result codes (the low byte of an extended code) that mean the file
# or its disk, not the statement, is the problem
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 11, 13, 14
_SQLITE_NOTADB, _SQLITE_PERM = 26, 3
# PostgreSQL SQLSTATE classes and codes of the same kind: the connection, the server
# shutting down or starting, resources (53100 is disk full), a read-only server
_PG_CONNECTION, _PG_RESOURCES = "08", "53"
_PG_SHUTDOWN = ("57P01", "57P02", "57P03")
_PG_READ_ONLY, _PG_DISK_FULL, _PG_LOCK_NOT_AVAILABLE = "25006", "53100", "55P03"


class DatabaseError(Exception):
    """The database cannot be opened or migrated; the message is one line for the admin."""


class DatabaseUnavailable(DatabaseError):
    """The database is there but cannot serve now (read-only, full, locked, unreachable).

    Unlike a plain ``DatabaseError`` it may pass: the service waits for it instead
    of stopping. ``kind`` is one of read_only, disk_full, locked, io_error,
    unreachable, disconnected.
    """

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class DatabaseMissing(DatabaseError):
    """A command that only reads was pointed at a database that does not exist."""


def normalised_url(database: str | URL) -> URL:
    """The URL with the driver trendbot uses: pysqlite for SQLite, psycopg 3 for PostgreSQL."""
    url = make_url(database)
    if url.get_backend_name() == "postgresql":
        return url.set(drivername="postgresql+psycopg")
    return url


def display_url(database: str | URL) -> str:
    """The URL safe to print: the password, if any, is masked."""
    return make_url(database).render_as_string(hide_password=True)


def sqlite_path(database: str | URL) -> Path | None:
    """The file of a SQLite URL (also of a ``file:`` URI); None for memory or another server."""
    url = make_url(database)
    if url.get_backend_name() != "sqlite":
        return None
    path = url.database or ""
    if path.startswith("file:"):
        path = path[len("file:") :].split("?", 1)[0]
    if not path or path == ":memory:" or url.query.get("mode") == "memory":
        return None
    return Path(path)


def describe(database: str | URL) -> str:
    """How a message names the database: the file for SQLite, the masked URL otherwise."""
    path = sqlite_path(database)
    return str(path) if path is not None else display_url(database)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


class FaultWatch:
    """The faults one engine met: the last one, and who wants to hear of each.

    Whatever code path meets a fault, and whatever it does with the error, the
    watch knows, so the service pauses its jobs once for all of them. Listeners
    are called in the thread that met it. A damaged file is an error, not a fault:
    it is raised as one line, and nobody waits for it.
    """

    def __init__(self, url: URL) -> None:
        self.url = url
        self.last: DatabaseUnavailable | None = None
        self._listeners: list[Callable[[DatabaseUnavailable], None]] = []
        self._lock = threading.Lock()

    def listen(self, listener: Callable[[DatabaseUnavailable], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def on_error(self, context: ExceptionContext) -> DatabaseError | None:
        """SQLAlchemy's handle_error hook: replace a fault by a DatabaseUnavailable."""
        if context.is_pre_ping:  # the pool reconnects by itself; a real failure follows
            return None
        fault = classify(
            context.original_exception,
            self.url,
            disconnected=context.is_disconnect,
            connecting=context.connection is None,
        )
        if not isinstance(fault, DatabaseUnavailable):
            return fault  # None (left as it is), or a damaged file: one line, no waiting
        with self._lock:
            self.last = fault
            listeners = list(self._listeners)
        for listener in listeners:
            # a listener must not turn a clean fault into a crash
            with contextlib.suppress(Exception):
                listener(fault)
        return fault


_WATCHES: weakref.WeakKeyDictionary[Engine, FaultWatch] = weakref.WeakKeyDictionary()


def faults(engine: Engine) -> FaultWatch:
    """The fault watch of an engine made by ``create_db_engine`` (a new one otherwise)."""
    watch = _WATCHES.get(engine)
    if watch is None:
        watch = _WATCHES[engine] = FaultWatch(engine.url)
        event.listen(engine, "handle_error", watch.on_error)
    return watch


def classify(
    error: BaseException | None,
    database: str | URL,
    *,
    disconnected: bool = False,
    connecting: bool = False,
) -> DatabaseError | None:
    """The fault a driver error means, as one line naming the database; None if not one.

    A ``DatabaseUnavailable`` may pass; a file that is damaged or is not a SQLite
    database is a plain ``DatabaseError``: it stays so until the admin acts.
    """
    if error is None:
        return None
    where = describe(database)
    reason = first_line(error) or type(error).__name__
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else _sqlite_code_from(reason)
        if primary == _SQLITE_READONLY:
            return DatabaseUnavailable(
                f"cannot write to database {where}: it is read-only "
                "(check the permissions of the file and of its folder)",
                "read_only",
            )
        if primary == _SQLITE_FULL:
            return DatabaseUnavailable(
                f"cannot write to database {where}: the disk is full", "disk_full"
            )
        if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return DatabaseUnavailable(
                f"database {where} is locked by another process "
                f"(waited {SQLITE_BUSY_TIMEOUT_MS / 1000:g} s)",
                "locked",
            )
        if primary == _SQLITE_IOERR:
            return DatabaseUnavailable(f"database {where}: disk I/O error ({reason})", "io_error")
        if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            return DatabaseError(
                f"database {where} is damaged or is not a SQLite database ({reason})"
            )
        if primary in (_SQLITE_CANTOPEN, _SQLITE_PERM):
            return DatabaseUnavailable(f"cannot open database {where}: {reason}", "unreachable")
        return None
    if not _is_psycopg(error):
        return None
    sqlstate = getattr(error, "sqlstate", None) or ""
    if sqlstate == _PG_READ_ONLY:
        return DatabaseUnavailable(
            f"cannot write to database {where}: the server is read-only", "read_only"
        )
    if sqlstate == _PG_DISK_FULL:
        return DatabaseUnavailable(
            f"cannot write to database {where}: the server's disk is full", "disk_full"
        )
    if sqlstate == _PG_LOCK_NOT_AVAILABLE:
        return DatabaseUnavailable(f"database {where} is locked: {reason}", "locked")
    if sqlstate.startswith(_PG_RESOURCES):
        return DatabaseUnavailable(f"database {where} is out of resources: {reason}", "io_error")
    if sqlstate in _PG_SHUTDOWN or disconnected:
        return DatabaseUnavailable(
            f"lost the connection to database {where}: {reason}", "disconnected"
        )
    if sqlstate.startswith(_PG_CONNECTION) or (connecting and not sqlstate and _refused(reason)):
        return DatabaseUnavailable(f"cannot open database {where}: {reason}", "unreachable")
    return None


def first_line(error: BaseException) -> str:
    """The first line of an error's message ("" when it has none), never SQL.

    SQLAlchemy wraps the driver's error and adds the statement and its parameters
    on the following lines of its message: the driver's own message is taken
    instead, and cut at a ``[SQL:`` all the same. Pass the error itself, not a
    wrapper (discord.py's ``CommandInvokeError`` repeats the whole message, SQL
    and all: its ``original`` is the error).
    """
    if isinstance(error, StatementError) and error.orig is not None:
        error = error.orig
    lines = str(error).strip().splitlines()
    line = lines[0] if lines else ""
    return line.split("[SQL:", 1)[0].strip()


def is_database_error(error: BaseException) -> bool:
    """trendbot's own, SQLAlchemy's or a driver's (sqlite3, psycopg) database error."""
    return isinstance(error, DatabaseError | SQLAlchemyError | sqlite3.Error) or _is_psycopg(error)


def error_line(error: BaseException) -> str:
    """Any error as one line for a user, a stored reason or a log: never a traceback or SQL.

    trendbot's own ``DatabaseError`` is its message; another database error is
    ``database error: `` and the driver's first line (the statement and its
    parameters are for a developer with ``TRENDBOT_DEBUG=1``, not for the admin);
    anything else is its type and first line.
    """
    text = first_line(error)
    if isinstance(error, DatabaseError):
        return text or type(error).__name__
    if is_database_error(error):
        return f"database error: {text or type(getattr(error, 'orig', None) or error).__name__}"
    name = type(error).__name__
    return f"{name}: {text}" if text else name


def _sqlite_code_from(reason: str) -> int | None:
    """Older drivers give no result code: the standard message says which it is."""
    for needle, code in (
        ("readonly database", _SQLITE_READONLY),
        ("disk is full", _SQLITE_FULL),
        ("database is locked", _SQLITE_BUSY),
        ("unable to open database", _SQLITE_CANTOPEN),
        ("disk i/o error", _SQLITE_IOERR),
        ("malformed", _SQLITE_CORRUPT),
        ("not a database", _SQLITE_NOTADB),
    ):
        if needle in reason.lower():
            return code
    return None


def _is_psycopg(error: BaseException) -> bool:
    return type(error).__module__.split(".", 1)[0] == "psycopg"


def _refused(reason: str) -> bool:
    """A connection that did not happen for want of a server, not for a bad login or name."""
    permanent = ("authentication failed", "does not exist", "no password supplied", "role ")
    return not any(word in reason.lower() for word in permanent)


def create_db_engine(database: str | URL, *, echo: bool = False, create: bool = True) -> Engine:
    """An engine for ``database``.

    With ``create`` (the commands that write: ``db upgrade``, ``crawl``, ``run``...)
    the folder of a SQLite file is made if needed; without it a missing file is a
    ``DatabaseMissing`` naming the path, so that a typo in the path is an error and
    not a new, empty database.
    """
    url = normalised_url(database)
    if url.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None and not create and not path.is_file():
            raise DatabaseMissing(f"database {path} does not exist; {UPGRADE_HINT}")
        if path is not None and create:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(
                    f"cannot create the folder for {path}: {exc.strerror or exc}"
                ) from None
        engine = create_engine(
            url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, echo=echo, pool_pre_ping=True)
    faults(engine)
    return engine


def check_connection(engine: Engine) -> None:
    """Connect once, turning any driver error into a one-line DatabaseError."""
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as exc:
        reason = first_line(exc) or type(exc).__name__
        raise DatabaseError(f"cannot open database {display_url(engine.url)}: {reason}") from None


def check_writable(engine: Engine) -> None:
    """Try a write and take it back: a read-only, locked or unreachable database fails here.

    The commands that write call it on start, so that a read-only file is one
    clear error before any work (and any fetch) is done, and the service uses it
    to tell that a database that failed is back.
    """
    try:
        with engine.connect() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
            connection.rollback()
    except SQLAlchemyError as exc:  # not a known fault: still one line, and no SQL
        reason = first_line(exc) or type(exc).__name__
        raise DatabaseError(f"cannot write to database {describe(engine.url)}: {reason}") from None
