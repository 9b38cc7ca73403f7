#!/usr/bin/env python
"""Benchmark: one crawl pass over 1,000 feeds that all answer 304 Not Modified.

What is measured
    A FakeWeb server on 127.0.0.1 serves /feed/0 ... /feed/999: each answers a
    small RSS document with an ETag, and 304 when If-None-Match carries that ETag.
    A temporary config.yaml (http.allow_private: true, 1,000 feeds with
    full_text: false) and a temporary SQLite database are written; a first crawl
    pass stores the validators (not timed). Then ONE crawl pass over all 1,000
    feeds is timed, in-process, through the code path of `trendbot crawl --once`:
    ``bot.cli.crawl.run_crawl(settings, names=<all 1,000 names>, show_progress=False)``.
    The timed pass therefore includes what run_crawl does besides polling:
    opening the database (and checking its migrations), starting the worker pool
    and the HTTP client, and closing them. ``--repeat`` (default 3) runs that
    timed pass several times, every one all 304s, and reports each and the
    median, because timings on a small shared machine are noisy.

    Printed: feeds, wall time of the pass, feeds/s, CPU time of this process
    during the pass, HTTP requests and connections the server saw, bytes the
    server sent (FakeWeb.bytes_sent) and received (request heads), and the
    status of every feed report (all must be "not_modified").

    By default the server runs on the same event loop as the crawler, so its
    (small) cost is inside the timed pass; ``--server process`` runs it in a
    child process instead, so that only the crawler is on the clock.

Run it from the project folder:

    .venv/bin/python benchmarks/crawl_304.py
    .venv/bin/python benchmarks/crawl_304.py --repeat 5 --server process
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # tests.fakes is not installed: import it from the checkout
    sys.path.insert(0, str(ROOT))

from bot.cli.crawl import run_crawl  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.store import open_database  # noqa: E402
from tests.fakes.feeds import Item, now_utc, rss  # noqa: E402
from tests.fakes.web import FakeWeb, Request, Response  # noqa: E402


class CountingWeb(FakeWeb):
    """FakeWeb that also counts the bytes it receives (request heads; GETs have no body)."""

    def __init__(self) -> None:
        super().__init__()
        self.bytes_received = 0

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await super()._serve(_CountingReader(reader, self), writer)  # type: ignore[arg-type]


class _CountingReader:
    def __init__(self, inner: asyncio.StreamReader, web: CountingWeb):
        self.inner, self.web = inner, web

    async def readuntil(self, separator: bytes = b"\n") -> bytes:
        data = await self.inner.readuntil(separator)
        self.web.bytes_received += len(data)
        return data


def feed_document(index: int) -> bytes:
    now = now_utc()
    items = [
        Item(
            title=f"Feed {index} story {n}",
            link=f"http://127.0.0.1/news/{index}/{n}",
            guid=f"tag:bench,2026:{index}:{n}",
            published=now,
            summary=f"Summary of story {n} of feed {index}.",
        )
        for n in range(3)
    ]
    return rss(items, title=f"Benchmark feed {index}")


def serve_feeds(web: FakeWeb, count: int) -> None:
    for index in range(count):
        etag = f'"feed-{index}-v1"'
        full = Response(
            body=feed_document(index),
            headers={"Content-Type": "application/rss+xml; charset=utf-8", "ETag": etag},
        )
        same = Response(304, headers={"ETag": etag})

        def handler(request: Request, etag: str = etag, full=full, same=same) -> Response:
            return same if request.headers.get("if-none-match") == etag else full

        web.add(f"/feed/{index}", handler)


@dataclass
class ServerStats:
    requests: int
    not_modified_requests: int
    connections: int
    bytes_sent: int
    bytes_received: int

    def minus(self, before: ServerStats) -> ServerStats:
        return ServerStats(
            *(getattr(self, f) - getattr(before, f) for f in self.__dataclass_fields__)
        )


def stats_of(web: CountingWeb) -> ServerStats:
    return ServerStats(
        requests=len(web.requests),
        not_modified_requests=sum("if-none-match" in r.headers for r in web.requests),
        connections=web.connections,
        bytes_sent=web.bytes_sent,
        bytes_received=web.bytes_received,
    )


class LoopServer:
    """The server on this process's event loop."""

    async def start(self, feeds: int) -> int:
        self.web = await CountingWeb().start()
        serve_feeds(self.web, feeds)
        return self.web.port

    async def stats(self) -> ServerStats:
        return stats_of(self.web)

    async def stop(self) -> None:
        await self.web.stop()


def _server_process(feeds: int, conn) -> None:
    async def main() -> None:
        web = await CountingWeb().start()
        serve_feeds(web, feeds)
        conn.send(web.port)
        loop = asyncio.get_running_loop()
        while (await loop.run_in_executor(None, conn.recv)) == "stats":
            conn.send(asdict(stats_of(web)))
        await web.stop()

    asyncio.run(main())


class ProcessServer:
    """The server in a child process, talking over a pipe, so it is off the crawler's clock."""

    async def start(self, feeds: int) -> int:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_server_process, args=(feeds, child), daemon=True)
        self.process.start()
        return await asyncio.to_thread(self.conn.recv)

    async def stats(self) -> ServerStats:
        self.conn.send("stats")
        return ServerStats(**await asyncio.to_thread(self.conn.recv))

    async def stop(self) -> None:
        self.conn.send("stop")
        await asyncio.to_thread(self.process.join, 10)
        if self.process.is_alive():
            self.process.terminate()


def write_config(folder: Path, port: int, feeds: int) -> Path:
    config = {
        "database": f"sqlite:///{folder / 'bench.db'}",
        "http": {"allow_private": True},
        "feeds": [
            {
                "name": f"feed-{index:04d}",
                "url": f"http://127.0.0.1:{port}/feed/{index}",
                "full_text": False,
            }
            for index in range(feeds)
        ],
    }
    path = folder / "config.yaml"
    path.write_text(json.dumps(config, indent=1), encoding="utf-8")  # JSON is valid YAML
    return path


def human_bytes(count: int) -> str:
    return f"{count:,} B ({count / 1024:,.1f} KiB)"


async def bench(args: argparse.Namespace, folder: Path) -> int:
    server = ProcessServer() if args.server == "process" else LoopServer()
    port = await server.start(args.feeds)
    try:
        config = write_config(folder, port, args.feeds)
        environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        settings = load_settings(config, environ)
        names = [feed.name for feed in settings.feeds]

        started = time.perf_counter()
        first = await run_crawl(settings, names, show_progress=False)
        first_seconds = time.perf_counter() - started
        first_statuses = Counter(r.status for r in first.reports)
        print(
            f"untimed first pass: {len(first.reports)} feeds in {first_seconds:.2f} s, "
            f"statuses {dict(first_statuses)}"
        )
        if first_statuses != {"ok": args.feeds}:
            print("error: the first pass did not fetch every feed", file=sys.stderr)
            return 1

        passes = []
        for _ in range(args.repeat):
            before = await server.stats()
            cpu_before = time.process_time()
            started = time.perf_counter()
            summary = await run_crawl(settings, names, show_progress=False)
            wall = time.perf_counter() - started
            cpu = time.process_time() - cpu_before
            seen = (await server.stats()).minus(before)
            passes.append(TimedPass(wall, cpu, seen, Counter(r.status for r in summary.reports)))

        started = time.perf_counter()
        open_database(settings.database).dispose()
        open_seconds = time.perf_counter() - started
    finally:
        await server.stop()

    report(args, passes, open_seconds)
    return 0 if all(p.all_not_modified(args.feeds) for p in passes) else 1


@dataclass
class TimedPass:
    wall: float
    cpu: float
    seen: ServerStats
    statuses: Counter

    def all_not_modified(self, feeds: int) -> bool:
        return self.statuses == {"not_modified": feeds}


def report(args: argparse.Namespace, passes: list[TimedPass], open_seconds: float) -> None:
    feeds = args.feeds
    print()
    print(f"timed passes: {feeds:,} feeds answering 304, FakeWeb server on {args.server}")
    print(
        f"{'pass':>4} {'wall s':>7} {'feeds/s':>8} {'CPU s':>6} {'requests':>8} "
        f"{'conns':>6} {'sent B':>8} {'recv B':>8}  statuses"
    )
    for number, p in enumerate(passes, 1):
        print(
            f"{number:>4} {p.wall:>7.3f} {feeds / p.wall:>8.1f} {p.cpu:>6.2f} "
            f"{p.seen.requests:>8,} {p.seen.connections:>6,} {p.seen.bytes_sent:>8,} "
            f"{p.seen.bytes_received:>8,}  {dict(p.statuses)}"
        )
    median = sorted(passes, key=lambda p: p.wall)[len(passes) // 2]
    ok = all(p.all_not_modified(feeds) for p in passes)
    print()
    print(f"median pass of {len(passes)}:")
    print(f"  feeds                     {feeds:,}")
    print(f"  wall time of the pass     {median.wall:.3f} s")
    print(f"  feeds/s                   {feeds / median.wall:,.1f}")
    print(f"  ms per feed               {1000 * median.wall / feeds:.2f}")
    cpu_share = 100 * median.cpu / median.wall
    print(f"  CPU time, this process    {median.cpu:.3f} s ({cpu_share:.0f}% of wall)")
    print(f"  HTTP requests             {median.seen.requests:,}")
    print(f"  conditional requests      {median.seen.not_modified_requests:,} (If-None-Match)")
    print(f"  TCP connections opened    {median.seen.connections:,}")
    print(f"  bytes sent by server      {human_bytes(median.seen.bytes_sent)}")
    print(f"  bytes received by server  {human_bytes(median.seen.bytes_received)}")
    print(f"  all reports not_modified  {'yes' if ok else 'NO'} (every pass)")
    print(f"  (for scale: opening and checking the database alone takes {open_seconds:.3f} s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000, help="number of feeds (default 1000)")
    parser.add_argument(
        "--server",
        choices=("loop", "process"),
        default="loop",
        help="run FakeWeb on the crawler's event loop (default) or in a child process",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed passes to run; the median is reported"
    )
    args = parser.parse_args()
    if args.feeds < 1 or args.repeat < 1:
        parser.error("--feeds and --repeat must be at least 1")
    with tempfile.TemporaryDirectory(prefix="trendbot-bench-304-") as tmp:
        return asyncio.run(bench(args, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
