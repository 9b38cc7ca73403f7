"""`trendbot demo` runs the whole pipeline offline and prints what a reader would see."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from bot.demo.run import digest_line
from tests.bot.cli.helpers import trendbot


async def test_the_demo_shows_the_whole_pipeline():
    started = time.perf_counter()
    ran = await trendbot("demo", timeout=90)
    elapsed = time.perf_counter() - started
    assert ran.code == 0, ran.err
    assert elapsed < 60
    out = ran.out
    # crawl: three outlets, one story syndicated by two of them stored once
    assert "2. Crawled 3 feeds: 7 items, 6 articles stored" in out
    assert "2 sources: Hub Watch Weekly, Open Model Wire" in out
    # the milestone crossed between the two Hub snapshots, announced once
    assert out.count("## Milestone: Qwen\n") == 1
    assert "Qwen passed 700 million all-time downloads on Hugging Face (now 704 million" in out
    # verdicts: a supported total, a contradicted total, an unverifiable ranking, with the
    # Hub figure compared; and metadata verdicts naming the repo and the field
    assert (
        "✅ supported Qwen: passes 700 million downloads "
        "(Hub sum of downloadsAllTime: 704 million)" in out
    )
    assert "❌ contradicted Llama: passed one billion downloads" in out
    assert "❔ unverifiable Qwen3-8B: most downloaded model: by 30-day downloads" in out
    assert (
        "✅ supported DeepSeek-V3.2-Exp: 685B "
        "(Hub deepseek-ai/DeepSeek-V3.2-Exp safetensors.total: 685.5 billion)" in out
    )
    assert "(Hub moonshotai/Kimi-K2-Instruct cardData.license_name" not in out  # not claimed
    assert "✅ supported DeepSeek-V3.2-Exp: MIT license" in out
    # a superlative that names no Hub measure is never judged
    assert "❔ unverifiable Llama: most widely adopted open" in out
    # news routed, digest composed, everything delivered
    assert out.count("--- #news") == 6
    assert "--- #digest" in out and "## Hub ranking: all-time downloads" in out
    assert "(0 left)" in out
    # the digest's period as people read it, in the demo's zone (UTC), not as ISO text
    [period] = [line for line in out.splitlines() if line.startswith("4. Digest composed")]
    assert re.fullmatch(
        r"4\. Digest composed for \d{1,2} [A-Z][a-z]{2}( \d{4})? \d\d:\d\d to "
        r"(\d{1,2} [A-Z][a-z]{2}( \d{4})? )?\d\d:\d\d \(UTC\)",
        period,
    ), period
    # the charts, as files, and the ranking chart attached to the digest
    charts = [line.split(": ", 1)[1] for line in out.splitlines() if "Chart written" in line]
    assert [c.rsplit("/", 1)[1] for c in charts] == [
        "ranking-family-alltime.png",
        "history-Qwen.png",
    ]
    for chart in charts:
        with open(chart, "rb") as picture:
            assert picture.read(4) == b"\x89PNG"
    assert "[attached: ranking-family-alltime.png" in out
    assert "Traceback" not in ran.err


def test_the_demo_gives_the_digest_period_in_the_configured_zone():
    start, end = datetime(2026, 3, 1, 8, tzinfo=UTC), datetime(2026, 3, 2, 8, tzinfo=UTC)
    assert digest_line(start, end, "Europe/Berlin") == (
        "Digest composed for 1 Mar 09:00 to 2 Mar 09:00 (Europe/Berlin)"
    )
    assert digest_line(start, end.replace(hour=11, day=1), "UTC") == (
        "Digest composed for 1 Mar 08:00 to 11:00 (UTC)"
    )
