"""`trendbot crawl --once` and `trendbot why`, as an admin runs them, against loopback feeds."""

from __future__ import annotations

from tests.bot.cli.helpers import trendbot, write_config
from tests.fakes.feeds import Item, article_page, now_utc, rss
from tests.fakes.web import Response


async def test_crawl_once_json_then_why(web, tmp_path):
    web.add(
        "/news/glm",
        Response(body=article_page("glm-release"), headers={"Content-Type": "text/html"}),
    )
    web.add(
        "/feed",
        Response(
            body=rss(
                [
                    Item(
                        "GLM-4.5-Air ships",
                        link=web.url("/news/glm"),
                        guid="g1",
                        published=now_utc(),
                    )
                ]
            )
        ),
    )
    web.add("/broken", Response(503))
    config = write_config(
        tmp_path,
        f"  - {{name: Daily, url: '{web.url('/feed')}'}}\n"
        f"  - {{name: Broken, url: '{web.url('/broken')}'}}\n",
    )
    ran = await trendbot("--config", str(config), "crawl", "--once", "--json")
    assert ran.code == 3, ran.err  # some feeds failed, not all
    [summary] = ran.json_lines()
    assert summary == {
        "feeds": 2,
        "not_modified": 0,
        "failed": 1,
        "entries_seen": 1,
        "entries_new": 1,
        "articles_stored": 1,
        "errors": [{"feed": "Broken", "error": "HTTP 503 Service Unavailable"}],
    }
    assert (tmp_path / "state" / "trendbot.db").exists()

    ran = await trendbot("--config", str(config), "why", web.url("/news/glm") + "?utm_source=rss")
    assert ran.code == 0, ran.err
    assert "seen in: Daily" in ran.out
    assert "baseline: first fetch of the feed" in ran.out

    ran = await trendbot("--config", str(config), "why", "https://nowhere.example/story")
    assert ran.code == 1 and "never seen" in ran.err

    ran = await trendbot("--config", str(config), "feeds", "list", "--json")
    health = {row["name"]: row["health"] for row in ran.json_lines()}
    assert health == {"Daily": "ok", "Broken": "failing"}

    # nothing is due any more: a second pass polls nothing, and nothing failed
    ran = await trendbot("--config", str(config), "crawl", "--once", "--json")
    assert ran.json_lines()[0]["feeds"] == 0
    assert ran.code == 0, ran.err


async def test_crawl_table_and_named_feed(web, tmp_path):
    web.add("/feed", Response(body=rss([])))
    config = write_config(tmp_path, f"  - {{name: Daily, url: '{web.url('/feed')}'}}\n")
    ran = await trendbot("--config", str(config), "crawl", "--once", "--feed", "Daily")
    assert ran.code == 0, ran.err
    assert "Daily" in ran.out and "1 feeds polled" in ran.out
    ran = await trendbot("--config", str(config), "crawl", "--once", "--feed", "Nope")
    assert ran.code == 1 and "no feed named 'Nope'" in ran.err
    ran = await trendbot("--config", str(config), "crawl")
    assert ran.code == 2 and "--once" in ran.err


async def test_crawl_exits_1_when_every_polled_feed_failed(web, tmp_path):
    web.add("/down", Response(503))
    web.add("/gone", Response(404))
    config = write_config(
        tmp_path,
        f"  - {{name: Down, url: '{web.url('/down')}'}}\n"
        f"  - {{name: Gone, url: '{web.url('/gone')}'}}\n",
    )
    ran = await trendbot("--config", str(config), "crawl", "--once")
    assert ran.code == 1, ran.err
    assert "2 feeds polled, 0 unchanged, 2 failed" in ran.out
    assert "Traceback" not in ran.err
    ran = await trendbot("--config", str(config), "crawl", "--once", "--json", "--feed", "Down")
    assert ran.code == 1 and ran.json_lines()[0]["failed"] == 1


def test_the_exit_status_of_a_pass():
    from bot.cli.crawl import exit_code
    from bot.ingest.crawl import CrawlSummary, FeedReport

    def summary(*statuses: str) -> CrawlSummary:
        return CrawlSummary([FeedReport(f"f{i}", s) for i, s in enumerate(statuses)])

    table = [
        ((), 0),  # nothing due
        (("ok",), 0),
        (("ok", "not_modified"), 0),
        (("deferred",), 0),  # asked to wait: not polled, not failed
        (("failed",), 1),
        (("failed", "failed"), 1),
        (("failed", "deferred"), 1),  # every feed that was polled failed
        (("failed", "ok"), 3),
        (("not_modified", "failed", "deferred"), 3),
    ]
    assert [exit_code(summary(*statuses)) for statuses, _ in table] == [c for _, c in table]
