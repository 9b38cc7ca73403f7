"""`trendbot hub snapshot`, `rankings` and `claims`, run as an admin would, against a fake Hub."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from bot.demo.hub_server import HubRepo
from bot.store.db import create_db_engine
from bot.store.models import Article
from tests.bot.cli.helpers import trendbot
from tests.factories import qwen_total_claim


def write_config(folder, endpoint: str) -> str:
    path = folder / "config.yaml"
    path.write_text(
        "database: sqlite:///state/trendbot.db\n"
        f"hub:\n  endpoint: {endpoint}\n  token_env: TRENDBOT_TEST_NO_SUCH_TOKEN\n"
        "  authors: [Qwen, meta-llama]\n"
        "  families:\n    Qwen: {authors: [Qwen]}\n    Llama: {authors: [meta-llama]}\n",
        encoding="utf-8",
    )
    return str(path)


async def test_snapshot_alerts_rankings_and_claims(fake_hub, tmp_path):
    fake_hub.add(
        HubRepo("Qwen/Qwen3-8B", downloads=9_000_000, downloads_all_time=450_000_000, likes=900),
        HubRepo("Qwen/Qwen2.5-7B", downloads=3_000_000, downloads_all_time=240_000_000),
        HubRepo("meta-llama/Llama-3.1-8B", downloads=7_000_000, downloads_all_time=700_000_000),
    )
    config = write_config(tmp_path, fake_hub.endpoint)

    ran = await trendbot("--config", config, "hub", "snapshot", "--json")
    assert ran.code == 0, ran.err
    assert ran.json_lines() == [
        {
            "authors": 2,
            "models": 3,
            "requests": 2,
            "complete": True,
            "errors": [],
            "alerts": [],
            "verdicts": 0,
            "names": {"asked": 0, "resolved": 0},
            "repos_fetched": 0,
            "metadata_errors": [],
        }
    ]
    fake_hub.set_downloads("Qwen/Qwen3-8B", all_time=470_000_000)
    ran = await trendbot("--config", config, "hub", "snapshot", "--json")
    [report] = ran.json_lines()
    assert report["alerts"] == [
        {
            "kind": "milestone",
            "subject": "Qwen",
            "text": "Qwen passed 700 million all-time downloads on Hugging Face "
            "(now 710 million across 2 repos).",
        },
        {
            "kind": "overtake",
            "subject": "Qwen",
            "text": "Qwen passed Llama in all-time downloads on Hugging Face "
            "(710 million vs 700 million).",
        },
    ]

    ran = await trendbot("--config", config, "rankings", "--json")
    assert ran.code == 0, ran.err
    [ranking] = ran.json_lines()
    assert [(r["rank"], r["name"], r["value"]) for r in ranking["rows"]] == [
        (1, "Qwen", 710_000_000),
        (2, "Llama", 700_000_000),
    ]
    assert ranking["rows"][0]["scope"] == "Hugging Face, author Qwen, 2 repos"
    assert ranking["stale"] is None

    chart = tmp_path / "ranking.png"
    ran = await trendbot(
        "--config",
        config,
        "rankings",
        "--by",
        "model",
        "--metric",
        "30d",
        "--limit",
        "2",
        "--chart",
        str(chart),
    )
    assert chart.read_bytes().startswith(b"\x89PNG") and f"chart written to {chart}" in ran.out
    assert ran.code == 0, ran.err
    assert "Qwen/Qwen3-8B" in ran.out and "9,000,000" in ran.out
    assert "Qwen/Qwen2.5-7B" not in ran.out  # third by 30-day downloads, past --limit 2

    ran = await trendbot("--config", config, "rankings", "--metric", "downloads")
    assert ran.code == 2 and "--metric must be one of" in ran.err and "Traceback" not in ran.err
    ran = await trendbot("--config", config, "rankings", "--metric", "growth", "--period", "0s")
    assert ran.code == 2 and "--period must be longer than zero" in ran.err

    engine = create_db_engine(f"sqlite:///{tmp_path / 'state' / 'trendbot.db'}")
    text = "Qwen has passed 700 million downloads on Hugging Face, Alibaba said."
    with Session(engine) as session:
        article = Article(
            identity_hash="x" * 64,
            title="Qwen passes 700M",
            text=text,
            published_at=datetime.now(UTC),
            fetched_at=datetime.now(UTC),
        )
        session.add(article)
        session.flush()
        qwen_total_claim(session, article.id, start=9, end=37)
        session.commit()
    engine.dispose()
    ran = await trendbot("--config", config, "claims", "--entity", "qwen", "--json")
    assert ran.code == 0, ran.err
    [claim] = ran.json_lines()
    assert claim["verdict"]["status"] == "supported"
    assert claim["verdict"]["hub_value"] == 710_000_000
    assert claim["verdict"]["scope"] == "Hugging Face, author Qwen, 2 repos"
    # every verdict names what it compared: here a family's own sum, so no single repo
    assert (claim["verdict"]["repo"], claim["verdict"]["hub_field"]) == (
        None,
        "sum of downloadsAllTime",
    )
    ran = await trendbot("--config", config, "claims", "--entity", "DeepSeek", "--json")
    assert ran.code == 0 and ran.out == ""


async def test_an_incomplete_snapshot_exits_1_with_the_reason(fake_hub, tmp_path):
    fake_hub.add(HubRepo("Qwen/Qwen3-8B", downloads_all_time=5))
    fake_hub.fail(400, body={"error": "Invalid expand"})
    config = write_config(tmp_path, fake_hub.endpoint)
    ran = await trendbot("--config", config, "hub", "snapshot")
    assert ran.code == 1
    assert "snapshot INCOMPLETE" in ran.out
    assert "error: author Qwen: HTTP 400: Invalid expand" in ran.out
    assert "Traceback" not in ran.err
