"""`trendbot feeds test`: trying feeds before adding them, one or thousands at a time."""

from __future__ import annotations

import contextlib
import os
import re

import pytest

from tests.bot.cli.helpers import trendbot, write_config
from tests.fakes.feeds import Item, rss
from tests.fakes.web import Response

DANGEROUS = re.compile(
    r"(?i)<script|javascript:|vbscript:|\bon[a-z]+\s*=|data:[a-z]+/[a-z]|<[a-z!/]"
)


async def test_feeds_test_files_and_urls(web, tmp_path):
    good = tmp_path / "good.xml"
    good.write_bytes(rss([Item("Kimi K2 <b>tops</b> the charts", link="https://x.example/k2")]))
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><html><body>Not a feed</body></html>")
    web.add("/feed", Response(body=rss([Item("From the web", link="https://x.example/w")])))
    config = write_config(tmp_path, "  []\n")
    ran = await trendbot(
        "--config",
        str(config),
        "feeds",
        "test",
        "--json",
        str(good),
        str(page),
        str(tmp_path / "missing.xml"),
        web.url("/feed"),
        web.url("/gone"),
    )
    assert ran.code == 1
    results = ran.json_lines()
    assert [r["ok"] for r in results] == [True, False, False, True, False]
    assert results[0]["items"] == [
        {
            "title": "Kimi K2 tops the charts",
            "link": "https://x.example/k2",
            "published": None,
            "summary": "",
        }
    ]
    assert results[0]["version"] == "rss20" and results[0]["entries"] == 1
    assert "an HTML page" in results[1]["error"]
    assert "cannot read" in results[2]["error"]
    assert results[3]["items"][0]["title"] == "From the web"
    assert "HTTP 404" in results[4]["error"]
    assert set(results[0]) == {"source", "ok", "version", "entries", "error", "items"}


async def test_feeds_test_all_good_exits_0(tmp_path):
    good = tmp_path / "good.xml"
    good.write_bytes(rss([Item("One")]))
    ran = await trendbot("feeds", "test", str(good))
    assert ran.code == 0, ran.err
    assert ran.out.startswith("OK ")


async def test_feeds_test_reads_a_file_url_as_the_file_it_names(tmp_path):
    good = tmp_path / "good feed.xml"
    good.write_bytes(rss([Item("One")]))
    text = tmp_path / "notes.txt"
    text.write_text("not a feed, but a file that exists")
    sources = [good.as_uri(), text.as_uri(), (tmp_path / "missing.xml").as_uri()]
    ran = await trendbot("feeds", "test", "--json", *sources)
    assert ran.code == 1
    good_check, text_check, missing = ran.json_lines()
    assert good_check["ok"] and good_check["entries"] == 1, good_check
    assert not text_check["ok"] and "No such file" not in text_check["error"]
    assert "not a feed" in text_check["error"]
    assert missing["error"] == f"cannot read {sources[2]}: No such file or directory"


@pytest.mark.timeout(600)
async def test_the_feedparser_corpus_in_one_process(shared_dir):
    """2,106 real-world and hostile documents: no traceback, nothing executable kept."""
    corpus = shared_dir / "corpora" / "feedparser-suite"
    files = sorted(str(p) for p in corpus.rglob("*") if p.is_file() and p.name != "LICENSE")
    assert len(files) > 2000
    ran = await trendbot("feeds", "test", "--json", *files, timeout=600)
    assert ran.code == 1  # a few documents are not feeds
    assert "Traceback" not in ran.err
    results = ran.json_lines()
    assert [r["source"] for r in results] == files
    feeds = [r for r in results if r["ok"]]
    assert len(feeds) > 2000
    items = [item for r in feeds for item in r["items"]]
    assert len(items) > 1000
    for item in items:
        for field in ("title", "summary"):
            assert not DANGEROUS.search(item[field]), (field, item[field][:200])
        assert item["link"] is None or item["link"].startswith(("http://", "https://"))
        assert item["link"] is None or not DANGEROUS.search(item["link"])
    for failure in (r for r in results if not r["ok"]):
        assert failure["error"] and "\n" not in failure["error"]


@pytest.mark.timeout(120)
async def test_feeds_test_refuses_devices_fifos_folders_and_files_over_the_limit(tmp_path):
    """Each is one line and the command ends: /dev/zero is not read, a FIFO not waited on."""
    fifo = tmp_path / "feed.fifo"
    os.mkfifo(fifo)
    big = tmp_path / "big.xml"
    big.write_bytes(rss([Item(f"Story {n}") for n in range(60)]))  # over 2 kB
    config = tmp_path / "config.yaml"
    config.write_text("http:\n  max_response_bytes: 1000\nfeeds: []\n", encoding="utf-8")
    sources = [str(fifo), str(tmp_path), str(big)]
    if os.path.exists("/dev/zero"):
        sources.append("/dev/zero")
    try:
        ran = await trendbot("--config", str(config), "feeds", "test", *sources, timeout=60)
    finally:
        with contextlib.suppress(OSError):  # an old reader blocked on it lets go
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert ran.code == 1
    lines = ran.out.splitlines()
    assert f"{fifo}: is a FIFO, not a regular file" in lines[0]
    assert f"{tmp_path}: is a directory, not a regular file" in lines[1]
    assert f"{big}: file over 1,000 bytes (http.max_response_bytes)" in lines[2]
    if len(sources) == 4:
        assert "/dev/zero: is a device, not a regular file" in lines[3]
    assert len(lines) == len(sources)
