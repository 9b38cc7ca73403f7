"""Database faults at the command line: one line naming the problem and the database,
a non-zero exit, no traceback and no SQL; and commands that only read never create one."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.cli import main
from bot.store import open_database
from tests.bot.cli.helpers import trendbot
from tests.fakes.feeds import Item, article_page, now_utc, rss
from tests.fakes.web import Response

SQL_WORDS = ("INSERT", "UPDATE", "SELECT", "[SQL", "parameters:", "Traceback")


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """The CLI in this process (for what a subprocess cannot do: a shorter busy timeout)."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (
        (code if isinstance(code, int) else (0 if code is None else 1)),
        captured.out,
        captured.err,
    )


def read_only(path: Path) -> str:
    """The URL of ``path`` made read-only (root ignores permissions: there SQLite opens
    it read-only itself, ``mode=ro``, which is what it does with a file it may not write)."""
    path.chmod(0o444)
    if os.geteuid() != 0:
        return f"sqlite:///{path}"
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def config(folder: Path, database: str, feeds: str = "[]") -> Path:
    path = folder / "config.yaml"
    path.write_text(
        f"database: '{database}'\n"
        "http: {allow_private: true, timeout: {connect: 2s, read: 2s, total: 5s}}\n"
        "crawl: {workers: 1}\n"
        f"feeds: {feeds}\n"
        "hub: {authors: []}\n"
        "discord: {channels: {digest: 111}}\n",
        encoding="utf-8",
    )
    return path


def migrated(path: Path) -> Path:
    open_database(f"sqlite:///{path}").dispose()
    return path


def assert_one_line(err: str, *needles: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0], err
    for word in SQL_WORDS:
        assert word not in err


@pytest.fixture
def restore_mode():
    paths: list[Path] = []
    yield paths.append
    for path in paths:
        path.chmod(0o644)


async def test_crawl_once_on_a_read_only_file_fails_before_fetching(web, tmp_path, restore_mode):
    web.add(
        "/feed",
        Response(body=rss([Item("Story", link="https://x.example/s", published=now_utc())])),
    )
    db = migrated(tmp_path / "bot.db")
    restore_mode(db)
    feeds = f"[{{name: Daily, url: '{web.url('/feed')}'}}]"
    ran = await trendbot("--config", str(config(tmp_path, read_only(db), feeds)), "crawl", "--once")
    assert ran.code == 1
    assert_one_line(ran.err, f"cannot write to database {db}", "read-only")
    assert ran.out == ""  # no table of feeds that "failed"
    assert web.requests == []  # nothing fetched that could not be stored


async def test_digest_on_a_read_only_file_fails_in_one_line(tmp_path, restore_mode):
    db = migrated(tmp_path / "bot.db")
    restore_mode(db)
    ran = await trendbot("--config", str(config(tmp_path, read_only(db))), "digest")
    assert ran.code == 1
    assert_one_line(ran.err, f"trendbot: cannot write to database {db}: it is read-only")
    # reading still works: --print records nothing
    ran = await trendbot("--config", str(config(tmp_path, read_only(db))), "digest", "--print")
    assert ran.code == 0, ran.err


def test_a_database_locked_past_the_busy_timeout(tmp_path, capsys, monkeypatch):
    from bot.store import db as store_db

    monkeypatch.setattr(store_db, "SQLITE_BUSY_TIMEOUT_MS", 300)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    db = migrated(tmp_path / "bot.db")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process in a long write
    try:
        code, out, err = run(["-c", str(config(tmp_path, f"sqlite:///{db}")), "digest"], capsys)
    finally:
        holder.close()
    assert code == 1
    assert_one_line(err, f"trendbot: database {db} is locked by another process")
    assert out == ""


def test_postgresql_unreachable(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:hunter2@127.0.0.1:9/trendbot")
    path = config(tmp_path, "sqlite:///unused.db")
    for command in (["status"], ["digest"], ["feeds", "list"]):
        code, out, err = run(["-c", str(path), *command], capsys)
        assert code == 1, command
        assert_one_line(
            err, "trendbot: cannot open database postgresql+psycopg://bot:***@127.0.0.1:9"
        )
        assert "hunter2" not in err and out == ""


def test_a_database_error_that_is_no_outage_is_still_one_line_without_sql(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TRENDBOT_DEBUG", raising=False)
    db = migrated(tmp_path / "bot.db")
    with sqlite3.connect(db) as connection:  # a damaged schema: a table gone
        connection.execute("DROP TABLE outbox")
    code, _, err = run(["-c", str(config(tmp_path, f"sqlite:///{db}")), "status"], capsys)
    assert code == 1
    assert_one_line(err, "trendbot: database error: no such table: outbox")


async def test_crawl_once_meeting_a_lock_mid_crawl_is_one_line_and_fails_no_feed(
    web, tmp_path, capsys, monkeypatch
):
    """The fault comes during the crawl, not at the write check before it, and the lock
    is gone a moment after the write gave up: the pass ends there all the same."""
    import asyncio
    import contextlib

    from bot.ingest import workers
    from bot.store import db as store_db
    from bot.store.models import DecisionLog, Feed, FeedEvent

    monkeypatch.setattr(store_db, "SQLITE_BUSY_TIMEOUT_MS", 300)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    # in this process, in a thread (the fake publisher lives on this loop): worker threads
    pool = workers.Workers
    monkeypatch.setattr(workers, "start_forkserver", lambda: None)
    monkeypatch.setattr(workers, "Workers", lambda _processes, **kwargs: pool(-1, **kwargs))
    db = migrated(tmp_path / "bot.db")
    holder = sqlite3.connect(db, isolation_level=None)
    loop = asyncio.get_running_loop()
    taken: list[bool] = []

    def page_taking_the_lock(request):
        if not taken:  # another process starts a long write while the page is fetched
            taken.append(True)
            holder.execute("BEGIN EXCLUSIVE")
        return Response(body=article_page("glm-release"), headers={"Content-Type": "text/html"})

    def release() -> None:
        with contextlib.suppress(sqlite3.ProgrammingError):  # closed already: released
            if holder.in_transaction:
                holder.execute("ROLLBACK")

    classify = store_db.classify

    def classify_then_release(*args, **kwargs):  # the other write ends just after
        fault = classify(*args, **kwargs)
        if fault is not None and len(taken) == 1:
            taken.append(False)
            loop.call_soon_threadsafe(loop.call_later, 0.05, release)
        return fault

    monkeypatch.setattr(store_db, "classify", classify_then_release)
    web.add("/news/1", page_taking_the_lock)
    story = Item("Story", link=web.url("/news/1"), guid="s1", published=now_utc())
    web.add("/feed", Response(body=rss([story])))
    feeds = f"[{{name: Daily, url: '{web.url('/feed')}'}}]"
    argv = ["-c", str(config(tmp_path, f"sqlite:///{db}", feeds)), "crawl", "--once"]
    try:
        code, out, err = await asyncio.to_thread(run, argv, capsys)
    finally:
        release()
        holder.close()
    assert code == 1
    assert_one_line(err, f"trendbot: database {db} is locked by another process")
    assert out == ""  # no table of a feed that "failed"
    engine = open_database(f"sqlite:///{db}")
    try:
        with Session(engine) as session:
            [feed] = session.exec(select(Feed)).all()
            assert (feed.health, feed.failure_count, feed.last_error) == ("ok", 0, None)
            assert session.exec(select(FeedEvent)).all() == []
            assert session.exec(select(DecisionLog)).all() == []  # nothing counted against it
    finally:
        engine.dispose()


async def test_run_on_a_file_that_is_no_database_stops_in_one_line(tmp_path):
    """Waiting would not mend it: `run` says so and exits 1, instead of waiting forever."""
    db = tmp_path / "bot.db"
    db.write_bytes(b"\x00\xff not SQLite at all \x13\x37" * 200)
    ran = await trendbot("--config", str(config(tmp_path, f"sqlite:///{db}")), "run", timeout=60)
    assert ran.code == 1, ran.err
    assert_one_line(
        ran.err, f"trendbot: database {db} is damaged or is not a SQLite database", "not a database"
    )
    assert "waiting for it" not in ran.err


READING = (
    ["status"],
    ["status", "--json"],
    ["feeds", "list"],
    ["rankings"],
    ["claims"],
    ["why", "https://example.com/story"],
    ["digest", "--print"],
    ["db", "status"],
)


@pytest.mark.parametrize("command", READING, ids=" ".join)
def test_reading_commands_never_create_the_database(command, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    typo = tmp_path / "sate" / "trendbot.db"  # meant state/
    code, _, err = run(
        ["-c", str(config(tmp_path, "sqlite:///sate/trendbot.db")), *command], capsys
    )
    assert code == 1
    assert_one_line(err, f"database {typo} does not exist; run `trendbot db upgrade` to create it")
    assert not typo.parent.exists()


def test_writing_commands_still_create_it(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    path = config(tmp_path, "sqlite:///state/trendbot.db")
    code, _, err = run(["-c", str(path), "digest"], capsys)
    assert code == 0, err
    assert (tmp_path / "state" / "trendbot.db").is_file()
    code, _, err = run(["-c", str(path), "status"], capsys)
    assert code == 0, err
