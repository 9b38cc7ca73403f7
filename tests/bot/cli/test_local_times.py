"""The terminal views give short times in schedule.timezone; their JSON stays ISO UTC."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from bot.cli import main
from bot.store import open_database
from bot.store.models import DecisionLog, Feed

# 31 Dec 2020 20:00 UTC is already 1 Jan 2021, 01:30, in Kolkata (no DST there: stable)
FETCHED = datetime(2020, 12, 31, 20, tzinfo=UTC)
SHOWN = "1 Jan 2021 01:30"


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else int(code is not None)), captured.out, captured.err


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "250")  # rich folds narrow table cells
    path = tmp_path / "config.yaml"
    path.write_text(
        "database: sqlite:///state/trendbot.db\n"
        "feeds:\n  - {name: Wire, url: 'https://wire.example/feed'}\n"
        "schedule: {timezone: Asia/Kolkata}\n",  # the digest's cron, 0 9 * * *, runs there too
        encoding="utf-8",
    )
    engine = open_database(f"sqlite:///{tmp_path / 'state' / 'trendbot.db'}")
    with Session(engine) as session:
        feed = Feed(
            name="Wire",
            url="https://wire.example/feed",
            config_url="https://wire.example/feed",
            last_fetch_at=FETCHED,
            next_due_at=datetime.now(UTC) + timedelta(minutes=30, seconds=30),
        )
        session.add(feed)
        session.flush()
        session.add(
            DecisionLog(
                at=FETCHED,
                feed_id=feed.id,
                link="https://wire.example/a",
                decision="new",
                detail="new item",
            )
        )
        session.commit()
    engine.dispose()
    return str(path)


def test_feeds_list_shows_local_times_with_their_age(config, capsys):
    code, out, err = run(["--config", config, "feeds", "list"], capsys)
    assert code == 0, err
    assert "times in Asia/Kolkata" in out
    assert f"{SHOWN} (" in out and " days ago)" in out
    assert "(in 30 min)" in out
    code, out, _ = run(["--config", config, "feeds", "list", "--json"], capsys)
    assert json.loads(out)["last_fetch"] == "2020-12-31T20:00:00+00:00"


def test_status_shows_local_times_with_their_age(config, capsys):
    code, out, err = run(["--config", config, "status"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"last crawl: {SHOWN} (") and lines[0].endswith(" days ago)")
    nxt = next(line for line in lines if line.startswith("next: "))
    assert "crawl " in nxt and "(in 30 min)" in nxt
    assert "digest " in nxt and "09:00 (in " in nxt  # the cron, read in Kolkata
    assert "feeds (times in Asia/Kolkata)" in out
    code, out, _ = run(["--config", config, "status", "--json"], capsys)
    data = json.loads(out)
    assert data["last_crawl"] == "2020-12-31T20:00:00+00:00"
    assert data["next"]["digest"].endswith("T03:30:00+00:00")  # 09:00 in Kolkata, as UTC


def test_why_lists_decisions_at_local_times(config, capsys):
    code, out, err = run(["--config", config, "why", "https://wire.example/a"], capsys)
    assert code == 0, err
    assert "times in Asia/Kolkata" in out
    assert f"  {SHOWN}  Wire: new: new item" in out
    assert "UTC" not in out


def test_a_queued_digest_names_its_period_in_local_time(config, capsys):
    code, out, err = run(["--config", config, "digest"], capsys)
    assert code == 0, err
    assert out.startswith("digest for ") and "(Asia/Kolkata) queued" in out
    assert "UTC" not in out


def test_rankings_are_as_of_a_local_time(tmp_path, monkeypatch, capsys):
    from bot.config.load import load_settings
    from bot.core.hub import Listing, ModelStats
    from bot.hub.job import take_snapshot

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "250")
    path = tmp_path / "config.yaml"
    path.write_text(
        "database: sqlite:///state/trendbot.db\nhub: {authors: [Qwen]}\n"
        "schedule: {timezone: Asia/Kolkata}\n",
        encoding="utf-8",
    )
    settings = load_settings(path, environ={})
    engine = open_database(settings.database)
    stats = [ModelStats("Qwen/Qwen3-8B", "Qwen", 9_000_000, 702_000_000, 900, 50)]
    take_snapshot(settings, engine, Listing(["Qwen"], FETCHED, FETCHED, stats))
    engine.dispose()
    code, out, err = run(["--config", str(path), "rankings"], capsys)
    assert code == 0, err
    assert f"as of {SHOWN} (Asia/Kolkata)" in out
