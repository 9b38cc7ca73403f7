#!/usr/bin/env python
"""Benchmark: the crawler against a plain loop on 200 real article pages.

What is measured
    The 200 pages of ../shared/corpora/html-pages/*.html are served on 127.0.0.1
    by a FakeWeb server (Content-Type text/html) behind one RSS feed with one item
    per page. Two things are then timed from the outside, start-up included, each
    as a fresh subprocess:

    (a) the crawler end to end:
        ``trendbot --config <temp config.yaml> crawl --once --json``
        with a fresh temporary SQLite database, so the feed is new and its first
        fetch stores every item (a baseline: stored, not posted). It fetches the
        feed and the 200 pages, extracts them in the worker pool (by default one
        process per CPU the crawler may use) and writes them to the database.
        Afterwards the ``articles`` table is read back and the rows are counted
        by ``text_source`` ('full_text' where extraction gave enough text,
        'summary' where the crawler fell back to the feed summary).
    (b) the same extraction done plainly: ``python benchmarks/plain_extract.py``
        reads the 200 files and runs ``trafilatura.extract(html)`` on each in one
        loop, in one process.

    Printed: both wall times, the crawler's pages/s, and the ratio (b)/(a), the
    "crawler speed-up" (the target is at least 1.5x on two cores). The server
    keeps serving on this script's event loop while the crawler subprocess runs.
    ``--rounds`` (default 3) repeats the pair, alternating which side goes first,
    and the medians are reported, because timings on a small machine are noisy.

    The crawler asks trafilatura for metadata too (title, author, date, site),
    which the plain ``extract(html)`` does not: ``--plain-with-metadata`` gives
    the plain loop that work as well, and ``--fast-extraction`` sets
    ``crawl.fast_extraction: true`` for the crawler.

    A later stage adds an entity extractor: the crawler does it in its own
    pipeline, and the plain side has a marked spot for it in plain_extract.py.

    If the corpus folder is missing, the benchmark says so and exits 0.

Run it from the project folder:

    .venv/bin/python benchmarks/crawl_pages.py
    .venv/bin/python benchmarks/crawl_pages.py --rounds 1 --corpus ../shared/corpora/html-pages
    .venv/bin/python benchmarks/crawl_pages.py --plain-with-metadata
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # tests.fakes is not installed: import it from the checkout
    sys.path.insert(0, str(ROOT))

from bot.ingest.workers import default_workers  # noqa: E402
from tests.fakes.feeds import Item, now_utc, rss  # noqa: E402
from tests.fakes.web import FakeWeb, Response  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "html-pages"
DEFAULT_TRENDBOT = ROOT / ".venv" / "bin" / "trendbot"
PLAIN_SCRIPT = Path(__file__).resolve().with_name("plain_extract.py")
TARGET = 1.5


@dataclass
class Timed:
    wall: float
    cpu: float  # user + sys of the subprocess (and of the descendants it waited for)
    stdout: str
    stderr: str
    returncode: int


@dataclass
class CrawlerRun:
    timed: Timed
    summary: dict
    sources: dict[str, int]
    articles: int
    entries: int
    decisions: dict[str, int]
    requests: int
    bytes_sent: int


@dataclass
class Round:
    number: int
    order: str
    crawler: CrawlerRun
    plain: Timed
    plain_summary: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.plain.wall / self.crawler.timed.wall


async def timed_subprocess(*command: str, env: dict[str, str]) -> Timed:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *command,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    stdout, stderr = await process.communicate()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(
        wall,
        cpu,
        stdout.decode(errors="replace"),
        stderr.decode(errors="replace"),
        process.returncode or 0,
    )


def serve(web: FakeWeb, pages: list[Path]) -> None:
    now = now_utc()
    items = []
    for index, path in enumerate(pages):
        web.add(
            f"/page/{index}",
            Response(body=path.read_bytes(), headers={"Content-Type": "text/html"}),
        )
        items.append(
            Item(
                title=path.stem,
                link=web.url(f"/page/{index}"),
                guid=f"tag:bench-pages,2026:{index}",
                published=now - timedelta(minutes=index),
                summary=f"Benchmark page {index}: {path.stem}",
            )
        )
    web.add(
        "/feed",
        Response(
            body=rss(items, title="Benchmark corpus"),
            headers={"Content-Type": "application/rss+xml; charset=utf-8"},
        ),
    )


def write_config(folder: Path, web: FakeWeb, args: argparse.Namespace) -> tuple[Path, Path]:
    database = folder / "bench.db"
    config = {
        "database": f"sqlite:///{database}",
        "http": {"allow_private": True},
        "crawl": {"workers": args.workers, "fast_extraction": args.fast_extraction},
        "feeds": [{"name": "Benchmark corpus", "url": web.url("/feed")}],
    }
    path = folder / "config.yaml"
    path.write_text(json.dumps(config, indent=1), encoding="utf-8")  # JSON is valid YAML
    return path, database


def clean_env() -> dict[str, str]:
    """This environment without the variables that would point trendbot elsewhere."""
    return {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TRENDBOT_CONFIG")}


async def run_crawler(args: argparse.Namespace, web: FakeWeb, folder: Path) -> CrawlerRun:
    config, database = write_config(folder, web, args)
    requests_before, sent_before = len(web.requests), web.bytes_sent
    command = (str(args.trendbot), "--config", str(config), "crawl", "--once", "--json")
    timed = await timed_subprocess(*command, env=clean_env())
    if timed.returncode != 0:
        raise BenchmarkFailed(f"the crawler exited with status {timed.returncode}", timed)
    try:
        summary = json.loads(timed.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise BenchmarkFailed("the crawler printed no JSON summary", timed) from None
    with sqlite3.connect(database) as db:
        sources = dict(db.execute("SELECT text_source, COUNT(*) FROM articles GROUP BY 1"))
        articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        entries = db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
        decisions = dict(db.execute("SELECT decision, COUNT(*) FROM decisions GROUP BY 1"))
    db.close()
    return CrawlerRun(
        timed,
        summary,
        sources,
        articles,
        entries,
        decisions,
        len(web.requests) - requests_before,
        web.bytes_sent - sent_before,
    )


async def run_plain(args: argparse.Namespace) -> tuple[Timed, dict]:
    command = (sys.executable, str(PLAIN_SCRIPT), str(args.corpus))
    if args.plain_with_metadata:
        command += ("--with-metadata",)
    timed = await timed_subprocess(*command, env=clean_env())
    if timed.returncode != 0:
        raise BenchmarkFailed(f"the plain loop exited with status {timed.returncode}", timed)
    return timed, json.loads(timed.stdout.strip().splitlines()[-1])


class BenchmarkFailed(Exception):
    def __init__(self, message: str, timed: Timed):
        super().__init__(message)
        self.timed = timed


async def bench(
    args: argparse.Namespace, pages: list[Path], tmp: Path
) -> tuple[list[Round], float]:
    startup = (await timed_subprocess(str(args.trendbot), "--version", env=clean_env())).wall
    web = await FakeWeb().start()
    try:
        serve(web, pages)
        rounds = []
        for number in range(1, args.rounds + 1):
            folder = tmp / f"round-{number}"
            folder.mkdir()
            crawler_first = number % 2 == 1
            if crawler_first:
                crawler = await run_crawler(args, web, folder)
                plain, plain_summary = await run_plain(args)
            else:
                plain, plain_summary = await run_plain(args)
                crawler = await run_crawler(args, web, folder)
            order = "crawler, plain" if crawler_first else "plain, crawler"
            done = Round(number, order, crawler, plain, plain_summary)
            rounds.append(done)
            print(
                f"round {number} ({order}): crawler {crawler.timed.wall:.2f} s, "
                f"plain {plain.wall:.2f} s, speed-up {done.ratio:.2f}x",
                flush=True,
            )
        return rounds, startup
    finally:
        await web.stop()


def report(
    args: argparse.Namespace, pages: list[Path], rounds: list[Round], startup: float
) -> bool:
    count = len(pages)
    size = sum(path.stat().st_size for path in pages)
    crawler_wall = statistics.median(r.crawler.timed.wall for r in rounds)
    plain_wall = statistics.median(r.plain.wall for r in rounds)
    ratio = plain_wall / crawler_wall
    last = rounds[-1]
    print()
    print(f"corpus: {count} pages, {size / 1e6:.1f} MB, from {args.corpus}")
    print(
        f"machine: {os.cpu_count()} CPUs, {default_workers()} usable; "
        f"crawl.workers: {args.workers} (0 = one per usable CPU); "
        f"crawl.fast_extraction: {str(args.fast_extraction).lower()}; "
        f"plain loop with_metadata: {str(args.plain_with_metadata).lower()}"
    )
    print(f"start-up alone: `trendbot --version` takes {startup:.2f} s")
    print()
    print(f"{'round':>5} {'order':<15} {'crawler s':>9} {'plain s':>8} {'speed-up':>8}  stored")
    for r in rounds:
        sources = ", ".join(f"{k} {v}" for k, v in sorted(r.crawler.sources.items()))
        print(
            f"{r.number:>5} {r.order:<15} {r.crawler.timed.wall:>9.2f} {r.plain.wall:>8.2f} "
            f"{r.ratio:>7.2f}x  {r.crawler.articles} articles ({sources})"
        )
    print()
    crawl = last.crawler
    print("(a) crawler, fresh `trendbot crawl --once --json` subprocess, start-up included")
    print(f"    wall time (median)       {crawler_wall:.2f} s")
    print(f"    pages/s                  {count / crawler_wall:.1f}")
    print(
        f"    CPU, trendbot process    {crawl.timed.cpu:.2f} s (last round; its worker "
        "processes are not counted: the forkserver reaps them)"
    )
    print(f"    JSON summary             {json.dumps(crawl.summary)}")
    print(f"    articles table           {crawl.articles} rows, {crawl.entries} entries")
    for source in ("full_text", "summary", "none"):
        print(f"      text_source={source:<10} {crawl.sources.get(source, 0)}")
    print(f"    decisions logged         {crawl.decisions}")
    print(f"    HTTP requests served     {crawl.requests} ({crawl.bytes_sent / 1e6:.1f} MB sent)")
    plain = last.plain_summary
    print("(b) plain loop, fresh `python benchmarks/plain_extract.py` subprocess")
    print(f"    wall time (median)       {plain_wall:.2f} s")
    print(f"    pages/s                  {count / plain_wall:.1f}")
    print(f"    CPU                      {last.plain.cpu:.2f} s (last round)")
    print(
        f"    extracted                {plain['extracted']} of {plain['pages']} pages "
        f"(loop alone {plain['loop_seconds']:.2f} s, start-up "
        f"{last.plain.wall - plain['loop_seconds']:.2f} s)"
    )
    print()
    verdict = "met" if ratio >= TARGET else "NOT met"
    print(
        f"crawler speed-up (b)/(a): {ratio:.2f}x (median wall times of {len(rounds)} "
        f"rounds; target {TARGET}x: {verdict})"
    )
    stored_all = all(r.crawler.articles == count for r in rounds)
    if not stored_all:
        print(f"warning: the crawler did not store all {count} pages as articles", file=sys.stderr)
    return stored_all


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of *.html")
    parser.add_argument(
        "--trendbot", type=Path, default=DEFAULT_TRENDBOT, help="the trendbot executable"
    )
    parser.add_argument("--rounds", type=int, default=3, help="pairs of runs (default 3)")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="crawl.workers in the config (0 = one per CPU the crawler may use: "
        "its CPU affinity, capped by a container's CPU quota)",
    )
    parser.add_argument(
        "--fast-extraction", action="store_true", help="crawl.fast_extraction: true in the config"
    )
    parser.add_argument(
        "--plain-with-metadata",
        action="store_true",
        help="the plain loop calls extract(html, with_metadata=True), as the crawler does",
    )
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    pages = sorted(args.corpus.glob("*.html")) if args.corpus.is_dir() else []
    if not pages:
        print(f"skipped: no corpus of *.html pages at {args.corpus} (pass --corpus DIR)")
        return 0
    if not args.trendbot.exists():
        print(f"error: no trendbot executable at {args.trendbot}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="trendbot-bench-pages-") as tmp:
        try:
            rounds, startup = asyncio.run(bench(args, pages, Path(tmp)))
        except BenchmarkFailed as exc:
            print(f"error: {exc}", file=sys.stderr)
            print(exc.timed.stderr.strip()[-2000:], file=sys.stderr)
            return 1
    return 0 if report(args, pages, rounds, startup) else 1


if __name__ == "__main__":
    sys.exit(main())
