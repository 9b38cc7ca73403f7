#!/usr/bin/env python
"""Benchmark: Hub snapshots of 3 authors x 1,000 models, and rankings over a year of history.

What is measured
    (1) Snapshots. A FakeHub on 127.0.0.1 (bot/demo/hub_server.py, the real Hub's
        wire format with 1,000 items a page) holds 3 authors x 1,000 models. Two
        snapshots are taken through the code path of `trendbot hub snapshot`
        (``bot.hub.job.take_snapshot``, the real huggingface_hub client) into
        a fresh SQLite database, the second after every model gained downloads.
        Printed per snapshot: HTTP requests, wall time (listing, store, alerts,
        verdicts), the time to write the rows (``save_listing``) and rows/s.
    (2) Rankings. A second fresh SQLite database is filled, as setup (not timed),
        with a year of hourly complete snapshots of 300 models in 3 families:
        8,760 runs, 2,628,000 snapshot rows. Then the query behind `trendbot
        rankings` and the /rankings command (``bot.store.queries.load_ranking``: latest
        complete run, its rows, and for growth the run a period earlier) is run
        ``--queries`` times per kind, each on a fresh session, and p50/p99 are
        printed. Target: p99 <= 20 ms on SQLite.

Run it from the project folder:

    .venv/bin/python benchmarks/hub_snapshot.py
    .venv/bin/python benchmarks/hub_snapshot.py --hours 2000 --queries 100
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # tests.fakes is not installed: import it from the checkout
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="trendbot-bench-hf-")
os.environ["NO_PROXY"] = "127.0.0.1,localhost"

from sqlmodel import Session  # noqa: E402

from bot.config.load import parse_settings  # noqa: E402
from bot.demo.hub_server import FakeHub, HubRepo  # noqa: E402
from bot.hub.client import list_tracked  # noqa: E402
from bot.hub.job import raise_alerts, take_snapshot, verify_new_claims  # noqa: E402
from bot.store import hub as hub_store  # noqa: E402
from bot.store import open_database  # noqa: E402
from bot.store.queries import load_ranking  # noqa: E402

AUTHORS = ("Qwen", "meta-llama", "deepseek-ai")


def config(endpoint: str, database: str):
    return parse_settings(
        f"""
database: {database}
hub:
  endpoint: {endpoint}
  token_env: TRENDBOT_BENCH_NO_TOKEN
  authors: [{", ".join(AUTHORS)}]
"""
    )


def bench_snapshots(models_per_author: int) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder, FakeHub() as hub:
        for author in AUTHORS:
            hub.add(
                *[
                    HubRepo(
                        f"{author}/model-{i:04d}",
                        downloads=rng.randrange(1_000, 5_000_000),
                        downloads_all_time=rng.randrange(10_000, 50_000_000),
                        likes=rng.randrange(0, 2_000),
                        trending_score=rng.randrange(0, 100),
                    )
                    for i in range(models_per_author)
                ]
            )
        settings = config(hub.endpoint, f"sqlite:///{folder}/bench.db")
        engine = open_database(settings.database)
        print(f"(1) snapshots: {len(AUTHORS)} authors x {models_per_author:,} models, fake Hub")
        for round_ in (1, 2):
            hub.reset_log()
            started = time.perf_counter()
            listing = list_tracked(settings)
            listed = time.perf_counter()
            with Session(engine) as session:
                write_start = time.perf_counter()
                run = hub_store.save_listing(session, listing)
                written = time.perf_counter() - write_start
                # the rest of the job (alerts, verdicts) on the stored run
                current = hub_store.load_snapshot(session, run)
                alerts = raise_alerts(session, settings, current)
                session.commit()
            verify_new_claims(settings, engine)
            total = time.perf_counter() - started
            rows = len(listing.models)
            print(
                f"    snapshot {round_}: {listing.requests} requests "
                f"({hub.request_count} seen by the server), complete={listing.complete}, "
                f"{rows:,} models; wall {total:.2f} s (listing {listed - started:.2f} s); "
                f"rows written in {written:.3f} s = {rows / written:,.0f} rows/s; "
                f"{len(alerts)} alerts"
            )
            for author in AUTHORS:
                for i in range(models_per_author):
                    repo = hub.repo(f"{author}/model-{i:04d}")
                    repo.downloads_all_time += rng.randrange(100, 20_000)
        engine.dispose()
        # the CLI path once, for the end-to-end figure
        with tempfile.TemporaryDirectory() as other:
            settings = config(hub.endpoint, f"sqlite:///{other}/cli.db")
            engine = open_database(settings.database)
            started = time.perf_counter()
            report = take_snapshot(settings, engine)
            print(
                f"    take_snapshot (as `trendbot hub snapshot`): {report.requests} requests, "
                f"{report.models:,} models, {time.perf_counter() - started:.2f} s"
            )
            engine.dispose()


def fill_history(path: Path, hours: int, models: int) -> int:
    """A year (by default) of hourly complete runs written straight with sqlite3 (setup only)."""
    settings = config("http://127.0.0.1:9", f"sqlite:///{path}")
    open_database(settings.database).dispose()  # creates the schema through the migrations
    rng = random.Random(11)
    start = datetime(2025, 11, 23, tzinfo=UTC)
    ids = [f"{AUTHORS[i % 3]}/model-{i:04d}" for i in range(models)]
    totals = [rng.randrange(10_000, 50_000_000) for _ in ids]
    rates = [rng.randrange(10, 5_000) for _ in ids]
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA journal_mode=MEMORY")
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    rows = 0
    for hour in range(hours):
        at = (start + timedelta(hours=hour)).strftime(fmt)
        run_id = hour + 1
        connection.execute(
            "INSERT INTO hub_snapshot_runs (id, started_at, finished_at, authors, models, "
            "requests, complete) VALUES (?, ?, ?, ?, ?, ?, 1)",
            (run_id, at, at, '["Qwen", "meta-llama", "deepseek-ai"]', models, 3),
        )
        batch = []
        for i, model_id in enumerate(ids):
            totals[i] += rates[i] + rng.randrange(0, 100)
            batch.append(
                (run_id, model_id, model_id.split("/")[0], at, rates[i] * 720, totals[i], i, 1.0)
            )
        connection.executemany(
            "INSERT INTO hub_snapshots (run_id, model_id, author, taken_at, downloads_30d, "
            "downloads_all_time, likes, trending_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            batch,
        )
        rows += len(batch)
    last = (start + timedelta(hours=hours - 1)).strftime(fmt)
    connection.executemany(
        "INSERT INTO hub_models (model_id, author, first_seen_at, last_seen_at, last_run_id, "
        "downloads_30d, downloads_all_time, likes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (m, m.split("/")[0], start.strftime(fmt), last, hours, rates[i] * 720, totals[i], i)
            for i, m in enumerate(ids)
        ],
    )
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()
    return rows


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_rankings(hours: int, models: int, queries: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.db"
        started = time.perf_counter()
        rows = fill_history(path, hours, models)
        print(
            f"(2) rankings over {hours:,} hourly snapshots of {models} models = {rows:,} rows "
            f"(setup {time.perf_counter() - started:.1f} s, {path.stat().st_size / 1e6:.0f} MB)"
        )
        settings = config("http://127.0.0.1:9", f"sqlite:///{path}")
        engine = open_database(settings.database)
        kinds = [
            ("family, all-time", "family", "alltime", None),
            ("model, 30-day", "model", "30d", None),
            ("family, growth 7d", "family", "growth", timedelta(days=7)),
            ("model, growth 30d", "model", "growth", timedelta(days=30)),
        ]
        worst = 0.0
        for label, by, metric, period in kinds:
            times = []
            for _ in range(queries):
                began = time.perf_counter()
                with Session(engine) as session:
                    ranking = load_ranking(session, settings, by, metric, period, 10)
                times.append((time.perf_counter() - began) * 1000)
            if not ranking.rows:
                print(f"    {label:<20} no rows: {'; '.join(ranking.notes)}")
                continue
            p99 = percentile(times, 0.99)
            worst = max(worst, p99)
            print(
                f"    {label:<20} p50 {statistics.median(times):6.2f} ms   p99 {p99:6.2f} ms   "
                f"({queries} queries; top: {ranking.rows[0].name})"
            )
        engine.dispose()
        verdict = "met" if worst <= 20 else "NOT met"
        print(f"    worst p99 {worst:.2f} ms; target p99 <= 20 ms on SQLite: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", type=int, default=1000, help="models per author (default 1000)")
    parser.add_argument("--hours", type=int, default=8760, help="hourly snapshots (default a year)")
    parser.add_argument("--history-models", type=int, default=300, help="models in the history")
    parser.add_argument("--queries", type=int, default=200, help="queries per ranking kind")
    args = parser.parse_args()
    bench_snapshots(args.models)
    bench_rankings(args.hours, args.history_models, args.queries)


if __name__ == "__main__":
    main()
