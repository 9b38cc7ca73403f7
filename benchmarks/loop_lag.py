#!/usr/bin/env python
"""Benchmark: event-loop lag while the crawler processes a burst of 200 real pages.

What is measured
    The 200 pages of ../shared/corpora/html-pages/*.html are served from a child
    process (a FakeWeb server, so its work is off this loop) behind one RSS feed.
    In this process, on one event loop, the service's crawl path runs once over
    the feed (fetch, full text, entities and claims in the worker processes, and
    storing in threads: ``bot.ingest.crawl.Crawler`` with ``bot.ingest.workers.Workers``); it is
    the feed's first fetch, so every item is stored (as the baseline). Alongside it a
    probe task asks to wake up every 10 ms and records how late each wake-up is:
    that lateness is the lag a Discord gateway heartbeat or a slash command would
    see while the burst is processed. Printed: pages stored, wall time, and the
    lag's p50 / p99 / max over the whole burst. Target: p99 <= 50 ms.

    ``--on-loop`` calls the parsing and extraction jobs directly in the loop
    thread instead of in worker processes, to show what the workers prevent.

Run it from the project folder:

    .venv/bin/python benchmarks/loop_lag.py
    .venv/bin/python benchmarks/loop_lag.py --on-loop
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # tests.fakes is not installed: import it from the checkout
    sys.path.insert(0, str(ROOT))

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "html-pages"
PROBE_EVERY = 0.010
TARGET_MS = 50.0


def _serve(corpus: str, conn) -> None:
    from datetime import timedelta

    from tests.fakes.feeds import Item, now_utc, rss
    from tests.fakes.web import FakeWeb, Response

    async def main() -> None:
        web = await FakeWeb().start()
        pages = sorted(Path(corpus).glob("*.html"))
        items = []
        for index, page in enumerate(pages):
            path = f"/page/{index}"
            web.add(path, Response(body=page.read_bytes(), headers={"Content-Type": "text/html"}))
            items.append(
                Item(
                    f"Page {index}",
                    link=web.url(path),
                    guid=f"p{index}",
                    published=now_utc() - timedelta(minutes=index),
                )
            )
        web.add("/feed", Response(body=rss(items)))
        conn.send((web.port, len(pages)))
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        await web.stop()

    asyncio.run(main())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def probe(lags: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        asked = loop.time()
        await asyncio.sleep(PROBE_EVERY)
        lags.append(max(0.0, loop.time() - asked - PROBE_EVERY) * 1000)


async def run(args: argparse.Namespace) -> None:
    from bot.config.load import parse_settings
    from bot.ingest.crawl import Crawler
    from bot.ingest.fetch import Fetcher
    from bot.ingest.workers import Workers, start_forkserver
    from bot.store import open_database

    start_forkserver()
    context = multiprocessing.get_context("spawn")
    conn, child = context.Pipe()
    server = context.Process(target=_serve, args=(str(args.corpus), child), daemon=True)
    server.start()
    port, count = await asyncio.to_thread(conn.recv)
    with tempfile.TemporaryDirectory() as folder:
        settings = parse_settings(
            f"database: sqlite:///{folder}/lag.db\n"
            "http: {allow_private: true, per_host_concurrency: 8, concurrency: 8}\n"
            "crawl: {workers: 0}\n"
            f"feeds:\n  - {{name: Burst, url: 'http://127.0.0.1:{port}/feed'}}\n"
        )
        engine = open_database(settings.database)
        entities = settings.entities.model_dump()
        pool_size = -1 if args.on_loop else settings.crawl.workers  # -1: threads, for --on-loop
        with Workers(pool_size, entities=entities, hub_ids=[]) as workers:
            if args.on_loop:
                _run_jobs_on_the_loop(workers)
            await workers.run(_warm)  # the pool is up before the clock starts
            async with Fetcher(settings.http) as fetcher:
                lags: list[float] = []
                stop = asyncio.Event()
                prober = asyncio.create_task(probe(lags, stop))
                started = time.perf_counter()
                summary = await Crawler(settings, engine, fetcher, workers).crawl()
                wall = time.perf_counter() - started
                stop.set()
                await prober
        engine.dispose()
    conn.send("stop")
    server.join(10)
    totals = summary.as_json()
    mode = "extraction ON THE LOOP (--on-loop)" if args.on_loop else "worker processes"
    print(f"burst of {count} pages, {mode}, 2 CPUs")
    print(f"    stored {totals['articles_stored']} articles in {wall:.2f} s")
    print(
        f"    event-loop lag over {len(lags)} probes every {PROBE_EVERY * 1000:.0f} ms: "
        f"p50 {statistics.median(lags):.1f} ms, p99 {percentile(lags, 0.99):.1f} ms, "
        f"max {max(lags):.1f} ms"
    )
    verdict = "met" if percentile(lags, 0.99) <= TARGET_MS else "NOT met"
    print(f"    target p99 <= {TARGET_MS:.0f} ms: {verdict}")


def _warm() -> None:
    return None


def _run_jobs_on_the_loop(workers) -> None:
    """Make Workers.run call jobs directly on the loop thread (what the pool prevents)."""

    async def direct(function, *args):
        return function(*args)

    workers.run = direct


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of *.html")
    parser.add_argument("--on-loop", action="store_true", help="extract on the event loop")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"{args.corpus} is absent; nothing to measure")
        return
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
