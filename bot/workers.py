"""CPU-bound work off the event loop: parsing, article extraction, entities and claims.

feedparser, trafilatura and spaCy hold the GIL for tens of milliseconds a
document; run on the event loop they would stall every fetch and, later, the
Discord heartbeat. Workers are forked from a forkserver that has already
imported them, so each starts warm, and each builds the extractor pipeline
once, in its initializer, from the configuration and the known Hub repo ids.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

# The extractors are imported inside the jobs: the workers have them preloaded by the
# forkserver, and the main process, which only waits, never pays for them.
if TYPE_CHECKING:
    from spacy.language import Language

    from extractors.article import ArticleText
    from extractors.extraction import Extraction
    from extractors.feed import FeedDoc

T = TypeVar("T")
_PRELOAD = [
    "extractors.feed",
    "extractors.article",
    "extractors.fingerprint",
    "extractors.pipeline",
]
_pipeline: Language | None = None
_pipeline_config: tuple[dict[str, Any], list[str], dict[str, str]] = ({}, [], {})


@dataclass(frozen=True)
class PageText:
    """Text after extraction: the article (if any), its fingerprint, its entities and claims."""

    article: ArticleText | None
    fingerprint: int | None
    extraction: Extraction | None


def _init_worker(
    entities: Mapping[str, Any], hub_ids: list[str], names: Mapping[str, str] | None = None
) -> None:
    """Keep the extractor's configuration; the pipeline is built once, at first use.

    Building it lazily lets a fresh worker parse the feed straight away, while
    the spaCy import and the pipeline build happen on the first article.
    """
    global _pipeline_config
    _pipeline_config = (dict(entities), list(hub_ids), dict(names or {}))


def _analyse(text: str, published: date | None = None) -> Extraction:
    from extractors.pipeline import build_pipeline, extract

    global _pipeline
    if _pipeline is None:
        _pipeline = build_pipeline(*_pipeline_config)
    return extract(_pipeline, text, published)


def parse_feed_job(data: bytes, url: str, headers: Mapping[str, str]) -> FeedDoc:
    from extractors.feed import parse_feed

    return parse_feed(data, url=url, headers=headers)


def extract_page_job(html: bytes, url: str, fast: bool, published: date | None = None) -> PageText:
    """Article text, fingerprint, entities and claims of one page; ``published`` (the
    feed's date for the item) dates what the text leaves undated, unless the page
    states its own date."""
    from extractors.article import extract_article
    from extractors.fingerprint import simhash

    article = extract_article(html, url, fast=fast)
    if article is None:
        return PageText(None, None, None)
    day = _iso_day(article.date) or published
    return PageText(article, simhash(article.text), _analyse(article.text, day))


def summary_job(text: str, published: date | None = None) -> PageText:
    """For an item stored with its feed summary: fingerprint, entities and claims."""
    from extractors.fingerprint import simhash

    return PageText(None, simhash(text), _analyse(text, published))


def _iso_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _noop() -> None:
    return None


def start_forkserver() -> None:
    """Start the process workers are forked from, so that its imports start now.

    Commands that will need workers call this first thing: the server's imports
    (trafilatura, spaCy, feedparser) then overlap with the command's own start-up
    (configuration, database) instead of delaying the first job.
    """
    from multiprocessing import forkserver

    _forkserver_context()
    forkserver.ensure_running()


def _forkserver_context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    # "__main__" too: each worker would otherwise import the main script again
    context.set_forkserver_preload(["__main__", *_PRELOAD])
    return context


class Workers:
    """A pool of worker processes (or, with ``processes=-1``, threads, for quick tests).

    A worker that dies (killed for memory on a huge page, or crashed in a C
    library) breaks a process pool for good; the pool is then rebuilt and the job
    tried once more, so one bad page cannot stop every later crawl.
    """

    def __init__(
        self,
        processes: int = 0,
        *,
        entities: Mapping[str, Any] | None = None,
        hub_ids: Iterable[str] = (),
        names: Mapping[str, str] | None = None,
    ):
        self._initargs = (dict(entities or {}), sorted(set(hub_ids)), dict(names or {}))
        self._threads = processes < 0
        self.size = 0 if self._threads else (processes or os.cpu_count() or 1)
        self.rebuilds = 0
        self.executor: Executor = self._start()

    def _start(self) -> Executor:
        if self._threads:
            return ThreadPoolExecutor(
                max_workers=2,
                thread_name_prefix="trendbot-cpu",
                initializer=_init_worker,
                initargs=self._initargs,
            )
        executor = ProcessPoolExecutor(
            max_workers=self.size,
            mp_context=_forkserver_context(),
            initializer=_init_worker,
            initargs=self._initargs,
        )
        # start every worker now, so they boot while the caller does other work
        for _ in range(self.size):
            executor.submit(_noop)
        return executor

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        executor = self.executor
        try:
            return await loop.run_in_executor(executor, function, *args)
        except BrokenProcessPool:
            if self.executor is executor:  # the first to notice rebuilds it
                executor.shutdown(wait=False, cancel_futures=True)
                self.executor = self._start()
                self.rebuilds += 1
            return await loop.run_in_executor(self.executor, function, *args)

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
