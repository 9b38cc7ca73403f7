"""CPU-bound work off the event loop: feed parsing and article extraction in a process pool.

feedparser and trafilatura hold the GIL for tens of milliseconds a document;
run on the event loop they would stall every fetch and, later, the Discord
heartbeat. Workers are forked from a forkserver that has already imported the
extractors, so each starts warm and nothing of the parent's event loop or
threads leaks into it.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from extractors.article import ArticleText, extract_article
from extractors.feed import FeedDoc, parse_feed
from extractors.fingerprint import simhash

T = TypeVar("T")
_PRELOAD = ["extractors.feed", "extractors.article", "extractors.fingerprint"]


@dataclass(frozen=True)
class PageText:
    """An article page after extraction: the text (if any) and its fingerprint."""

    article: ArticleText | None
    fingerprint: int | None


def parse_feed_job(data: bytes, url: str, headers: Mapping[str, str]) -> FeedDoc:
    return parse_feed(data, url=url, headers=headers)


def extract_page_job(html: bytes, url: str, fast: bool) -> PageText:
    article = extract_article(html, url, fast=fast)
    return PageText(article, simhash(article.text) if article else None)


def fingerprint_job(text: str) -> int | None:
    return simhash(text)


def _warm_up() -> None:
    import extractors.article
    import extractors.feed  # noqa: F401


class Workers:
    """A pool of worker processes (or, with ``processes=-1``, threads, for quick tests)."""

    def __init__(self, processes: int = 0):
        self.executor: Executor
        if processes < 0:
            self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="trendbot-cpu")
            self.size = 0
        else:
            self.size = processes or os.cpu_count() or 1
            context = multiprocessing.get_context("forkserver")
            # "__main__" too: each worker would otherwise import the main script again
            context.set_forkserver_preload(["__main__", *_PRELOAD])
            self.executor = ProcessPoolExecutor(
                max_workers=self.size, mp_context=context, initializer=_warm_up
            )
            # start every worker now, so they boot while the caller opens the database
            for _ in range(self.size):
                self.executor.submit(_warm_up)

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, function, *args)

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
