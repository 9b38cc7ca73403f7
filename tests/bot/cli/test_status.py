"""`trendbot status` before anything has run."""

from __future__ import annotations

from tests.bot.cli.helpers import trendbot


async def test_status_of_a_fresh_install(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(
        "database: sqlite:///state/trendbot.db\n"
        "feeds:\n  - {name: Lab blog, url: 'https://lab.example/feed.xml'}\n"
        "hub: {authors: [Qwen]}\n",
        encoding="utf-8",
    )
    # status only reads: a fresh install has its database made by `db upgrade` (or `run`)
    assert (await trendbot("--config", str(config), "db", "upgrade")).code == 0
    ran = await trendbot("--config", str(config), "status", "--json")
    assert ran.code == 0, ran.err
    [status] = ran.json_lines()
    assert status["feeds"] == [
        {
            "name": "Lab blog",
            "health": "new",
            "last_fetch": None,
            "next_due": None,
            "last_error": None,
            "configured": True,
        }
    ]
    assert status["last_crawl"] is None and status["last_snapshot"]["at"] is None
    assert status["outbox"] == {"pending": 0, "failed": 0}
    assert status["next"]["digest"].endswith("09:00:00+00:00")
    plain = await trendbot("--config", str(config), "status")
    assert "last Hub snapshot: none yet" in plain.out and "Lab blog" in plain.out


async def test_status_names_the_cause_of_an_incomplete_snapshot(tmp_path, hub_sleeps):
    from bot.config import load_settings
    from bot.hub.job import take_snapshot
    from bot.store import open_database

    config = tmp_path / "config.yaml"
    config.write_text(
        "database: sqlite:///state/trendbot.db\n"
        "hub: {endpoint: 'http://127.0.0.1:9', authors: [Qwen, deepseek-ai]}\n",
        encoding="utf-8",
    )
    settings = load_settings(config)
    engine = open_database(settings.database)
    try:
        take_snapshot(settings, engine)  # a closed loopback port plays the unreachable Hub
    finally:
        engine.dispose()
    cause = "connection refused to http://127.0.0.1:9/api/models (2 of 2 authors failed)"
    ran = await trendbot("--config", str(config), "status", "--json")
    assert ran.code == 0, ran.err
    [status] = ran.json_lines()
    assert status["last_snapshot"]["complete"] is False
    assert status["last_snapshot"]["error"] == cause
    plain = await trendbot("--config", str(config), "status")
    assert plain.code == 0, plain.err
    line = next(x for x in plain.out.splitlines() if x.startswith("last Hub snapshot:"))
    assert line.endswith(f"(INCOMPLETE): {cause}")
    assert "Traceback" not in plain.err
