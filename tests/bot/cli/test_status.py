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
