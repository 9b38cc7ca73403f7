"""`trendbot db backup`: a consistent SQLite copy while trendbot writes; pg_dump for PostgreSQL."""

from __future__ import annotations

import shlex
import shutil
import sqlite3
import subprocess
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from bot.cli import main
from bot.store import HEAD_REVISION, open_database
from bot.store.backup import BackupError, pg_dump_command, sqlite_path
from bot.store.models import Feed


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else int(code is not None)), captured.out, captured.err


@pytest.fixture
def sqlite_config(tmp_path, monkeypatch) -> tuple[str, Path]:
    """A config whose SQLite database holds trendbot's schema and two feeds."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    path = tmp_path / "config.yaml"
    path.write_text("database: sqlite:///state/trendbot.db\n", encoding="utf-8")
    database = tmp_path / "state" / "trendbot.db"
    engine = open_database(f"sqlite:///{database}")
    with Session(engine) as session:
        for name in ("Wire", "Blog"):
            session.add(Feed(name=name, url=f"https://{name}.example/feed", config_url="x"))
        session.commit()
    engine.dispose()
    return str(path), database


def read(copy: Path, query: str):
    connection = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def test_a_backup_while_trendbot_writes_is_complete_and_consistent(sqlite_config, capsys):
    config, database = sqlite_config
    engine = open_database(f"sqlite:///{database}")
    stop = threading.Event()
    committed = [0]

    def writer() -> None:
        """Pairs of decision rows, each pair one transaction: a torn copy has an odd count."""
        while not stop.is_set():
            with engine.begin() as connection:
                for _ in range(2):
                    connection.execute(
                        text(
                            "INSERT INTO decisions (at, decision, detail) "
                            "VALUES (:at, 'new', 'pair')"
                        ),
                        {"at": datetime.now(UTC).replace(tzinfo=None)},
                    )
            committed[0] += 2

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        copies = []
        for index in range(3):
            while committed[0] < 200 * (index + 1):  # the database grows between copies
                threading.Event().wait(0.01)
            before = committed[0]
            copy = database.parent.parent / f"backup-{index}.db"
            code, out, err = run(["--config", config, "db", "backup", str(copy)], capsys)
            assert code == 0, err
            assert f"(revision {HEAD_REVISION}) to {copy}" in out
            copies.append((copy, before))
    finally:
        stop.set()
        thread.join(10)
        engine.dispose()
    for copy, before in copies:
        assert read(copy, "PRAGMA quick_check") == [("ok",)]
        [(rows,)] = read(copy, "SELECT count(*) FROM decisions")
        assert rows >= before and rows % 2 == 0  # all that was committed; no half transaction
        assert read(copy, "SELECT name FROM feeds ORDER BY name") == [("Blog",), ("Wire",)]
        assert read(copy, "PRAGMA journal_mode") == [("delete",)]  # one self-contained file
        assert not Path(f"{copy}-wal").exists()
    assert not list(database.parent.parent.glob(".*.partial"))


def test_an_existing_file_is_kept_unless_forced(sqlite_config, capsys, tmp_path):
    config, _database = sqlite_config
    target = tmp_path / "backup.db"
    target.write_bytes(b"yesterday's backup")
    code, out, err = run(["--config", config, "db", "backup", str(target)], capsys)
    assert code == 1 and out == ""
    assert err == f"trendbot db backup: {target} already exists; pass --force to replace it\n"
    assert target.read_bytes() == b"yesterday's backup"

    code, out, err = run(["--config", config, "db", "backup", "--force", str(target)], capsys)
    assert code == 0, err
    assert read(target, "SELECT count(*) FROM feeds") == [(2,)]


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("state/trendbot.db", "is the database itself"),
        ("no-such-folder/backup.db", "does not exist"),
        ("state", "is a folder"),
    ],
)
def test_a_backup_that_cannot_be_made_says_why_in_one_line(
    sqlite_config, capsys, tmp_path, target, says
):
    config, _database = sqlite_config
    code, _out, err = run(["--config", config, "db", "backup", str(tmp_path / target)], capsys)
    assert code == 1
    assert err.startswith("trendbot db backup: ") and says in err and err.count("\n") == 1


def test_no_database_yet_is_one_line_and_nothing_is_created(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = tmp_path / "config.yaml"
    config.write_text("database: sqlite:///state/trendbot.db\n", encoding="utf-8")
    code, _out, err = run(["--config", str(config), "db", "backup", str(tmp_path / "b.db")], capsys)
    assert code == 1 and err.startswith("trendbot db backup: no database at ")
    assert not (tmp_path / "state" / "trendbot.db").exists()


def test_postgresql_is_pointed_at_pg_dump_without_the_password(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(
        "DATABASE_URL",
        "postgresql://trendbot:s3cret@db.example:5432/trendbot?options=-csearch_path%3Dbot",
    )
    config = tmp_path / "config.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    target = tmp_path / "trendbot.dump"
    code, out, err = run(["--config", str(config), "db", "backup", str(target)], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "s3cret" not in err
    assert err.startswith("trendbot db backup: postgresql://trendbot:***@db.example")
    assert err.rstrip().endswith(
        f"pg_dump --format=custom --file={target} --schema=bot "
        "'--dbname=postgresql://trendbot@db.example:5432/trendbot?options=-csearch_path%3Dbot'"
    )
    assert not target.exists()


@pytest.mark.parametrize(
    ("options", "schemas"),
    [
        ("-csearch_path=bot", ["bot"]),
        ("-c search_path=bot,public", ["bot", "public"]),
        ('-c statement_timeout=5000 -csearch_path="$user",bot', ["bot"]),
        ("--search-path=bot", ["bot"]),
        ("-cstatement_timeout=5000", []),
    ],
)
def test_the_schema_to_dump_is_read_from_the_urls_options(options, schemas):
    from urllib.parse import quote

    command = pg_dump_command(f"postgresql://u@h/db?options={quote(options)}", "out.dump")
    assert [w[9:] for w in shlex.split(command) if w.startswith("--schema=")] == schemas


@pytest.mark.postgres
def test_the_printed_pg_dump_command_backs_up_trendbots_schema(
    postgres_url, tmp_path, monkeypatch, capsys
):
    """The line is not just advice: run as printed, it dumps the schema trendbot uses."""
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump / pg_restore are not installed")
    engine = open_database(postgres_url)  # trendbot's tables, in the test's own schema
    with Session(engine) as session:
        session.add(Feed(name="Wire", url="https://wire.example/feed", config_url="x"))
        session.commit()
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    config = tmp_path / "config.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    target = tmp_path / "trendbot.dump"
    code, _out, err = run(["--config", str(config), "db", "backup", str(target)], capsys)
    assert code == 2
    command = err[err.rindex("pg_dump --") :].strip()
    subprocess.run(shlex.split(command), check=True, timeout=60)
    listing = subprocess.run(
        ["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True
    ).stdout
    schema = postgres_url.rsplit("search_path%3D", 1)[-1]
    assert f"TABLE {schema} feeds" in listing and f"TABLE DATA {schema} feeds" in listing
    assert "TABLE public " not in listing


def test_a_file_uri_database_is_backed_up_like_its_path(sqlite_config, tmp_path, capsys):
    """The file `status` and the service open from a ``file:`` URI is the one backed up."""
    _config, database = sqlite_config
    config = tmp_path / "uri.yaml"
    url = f"sqlite:///file:{database}?mode=ro&uri=true"
    config.write_text(f"database: '{url}'\n", encoding="utf-8")
    code, _out, err = run(["--config", str(config), "status"], capsys)
    assert "not a database file" not in err and "%3A" not in err
    target = tmp_path / "copy.db"
    code, out, err = run(["--config", str(config), "db", "backup", str(target)], capsys)
    assert code == 0, err
    assert out.startswith(f"backed up {database} (revision {HEAD_REVISION}) to {target}")
    assert read(target, "SELECT name FROM feeds ORDER BY name") == [("Blog",), ("Wire",)]


def test_backup_finds_the_file_the_service_opens():
    assert sqlite_path("sqlite:///file:/srv/bot.db?mode=ro&uri=true") == Path("/srv/bot.db")
    assert sqlite_path("sqlite:////srv/bot.db") == Path("/srv/bot.db")
    assert sqlite_path("postgresql://u@h/db") is None
    for memory in ("sqlite://", "sqlite:///:memory:", "sqlite:///file:x?mode=memory&uri=true"):
        with pytest.raises(BackupError, match="is a database in memory, not a file"):
            sqlite_path(memory)
