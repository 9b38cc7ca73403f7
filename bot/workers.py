"""CPU-bound work off the event loop: parsing, article extraction, entities and claims.

feedparser, trafilatura and spaCy hold the GIL for tens of milliseconds a
document; run on the event loop they would stall every fetch and, later, the
Discord heartbeat. Workers are forked from a forkserver that has already
imported them, so each starts warm, and each builds the extractor pipeline
once, in its initializer, from the configuration and the known Hub repo ids.

Two guards keep the pool from outliving its owner or being held by one job:

- **Lifetime.** Workers are children of the forkserver, not of the process that
  owns the pool, and nothing in multiprocessing stops them when the owner dies
  without closing the pool (``kill -9``, the OOM killer): each would wait for work
  forever, and keep the forkserver and the resource tracker alive with it (about
  300 MB a time). A worker therefore hands its copy of the forkserver's "alive"
  pipe back, so the owner is the pipe's only holder and its death, however it
  comes, stops the forkserver; and it asks the kernel to kill it when the
  forkserver goes (``PR_SET_PDEATHSIG``), which works even on a worker stuck in C
  code. A watchdog thread covers systems without ``prctl``. The resource tracker
  exits by itself once the last of them is gone.
- **Time limit.** A job may be given a limit, counted from when a worker starts it
  (not from its wait in the queue). Past it, the worker running it is killed, the
  pool is rebuilt and the caller gets :class:`JobTimeout`; the other jobs of the
  broken pool are tried again on the new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from pathlib import PurePosixPath
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
_starts: Connection | None = None  # in a worker process: where it says which job it starts
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_WATCH_EVERY = 1.0  # seconds between the watchdog's looks at the forkserver and the owner


class JobTimeout(Exception):
    """A job ran past its time limit; its worker was killed and the pool rebuilt."""

    def __init__(self, function: Callable[..., object], seconds: float):
        self.seconds = seconds
        name = getattr(function, "__name__", "job")
        super().__init__(f"{name} still running after {seconds:g}s: its worker was replaced")


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


def _init_process_worker(
    owner: int,
    starts: Connection,
    entities: Mapping[str, Any],
    hub_ids: list[str],
    names: Mapping[str, str] | None = None,
) -> None:
    """The initializer of a worker process: bind its life to ``owner``, keep ``starts``
    (where it reports the jobs it starts, for their time limits), then as in threads."""
    global _starts
    _bind_to_owner(owner)
    _starts = starts
    _init_worker(entities, hub_ids, names)


def _bind_to_owner(owner: int) -> None:
    """Make this worker die soon after the pool's owner, whatever ends the owner.

    The forkserver stops when every holder of its "alive" pipe has closed it, and
    by default every worker holds one: after a ``kill -9`` of the owner, workers
    waiting for work, the forkserver and the resource tracker waited for each other
    forever. The order below leaves no gap: the kernel is asked first to kill this
    worker when its parent (the forkserver) dies, and only then is the worker's copy
    of the pipe closed, which lets the forkserver stop once the owner is gone.
    """
    from multiprocessing import forkserver

    forkserver_pid = os.getppid()
    _set_parent_death_signal()
    server = forkserver._forkserver
    alive = server._forkserver_alive_fd  # only needed to start processes of our own
    if alive is not None:
        with contextlib.suppress(OSError):
            os.close(alive)
        server._forkserver_alive_fd = None
    watchdog = threading.Thread(
        target=_watch, args=(owner, forkserver_pid), name="trendbot-owner-watch", daemon=True
    )
    watchdog.start()


def _set_parent_death_signal() -> None:
    """SIGKILL this process when its parent dies (Linux; elsewhere the watchdog does it)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def _watch(owner: int, parent: int) -> None:
    """Exit when the forkserver that forked this worker, or the pool's owner, is gone.

    The kernel's parent-death signal does this at once on Linux; this loop is for
    other systems and for a forkserver that died before the signal was asked for.
    """
    while os.getppid() == parent and _alive(owner):
        time.sleep(_WATCH_EVERY)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: ours is gone, but the ppid check sees it
        return True
    return True


def _timed_job(job: int, function: Callable[..., T], args: tuple[Any, ...]) -> T:
    """Run a job that has a time limit, first telling the pool which process runs it since when.

    One small message per job, written in one ``write`` below PIPE_BUF, so the
    messages of several workers never interleave on the shared pipe. The
    monotonic clock is the machine's (CLOCK_MONOTONIC), the same in every process.
    """
    if _starts is not None:
        _starts.send((job, os.getpid(), time.monotonic()))
    return function(*args)


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


def stop_forkserver() -> None:
    """Stop this process's forkserver and resource tracker, if they run.

    Both are started once and shared by every pool; they stop by themselves when
    their owner exits. A test suite stops them at its end, to check that nothing
    else it started is still running. A pool still open then loses its workers.
    """
    from multiprocessing import forkserver, resource_tracker

    # the methods multiprocessing's own tests use; there is no public way
    forkserver._forkserver._stop()
    resource_tracker._resource_tracker._stop()


def usable_cpus(affinity: int, proc_cgroup: str, read: Callable[[str], str | None]) -> int:
    """How many CPUs this process can keep busy: its CPU affinity, capped by a cgroup quota.

    ``os.cpu_count()`` counts the machine's CPUs: in a container allowed 2 CPUs on
    a 64-core host it would start 64 workers of about 300 MB each, which share 2
    CPUs' worth of time. ``proc_cgroup`` is the text of /proc/self/cgroup and
    ``read(path)`` the text of a file, or None when it is absent. The quota of the
    process's cgroup and of every cgroup above it counts (cgroup v2 ``cpu.max``, v1
    ``cpu.cfs_quota_us`` over ``cpu.cfs_period_us``); the tightest wins, rounded
    down (the remainder is left to the main process), and at least 1.
    """
    limits = [
        limit
        for version, folder in _cgroup_folders(proc_cgroup)
        if (limit := _cpu_limit(version, folder, read)) is not None
    ]
    budget = max(1, affinity)
    if limits:
        budget = min(budget, max(1, int(min(limits))))
    return budget


def _cgroup_folders(proc_cgroup: str) -> list[tuple[int, str]]:
    """(cgroup version, folder) for the process's CPU cgroup and each cgroup above it.

    In a container the path in /proc/self/cgroup may be the host's while the
    container's own cgroup is mounted at the root: the walk up reaches it there.
    """
    folders: list[tuple[int, str]] = []
    for line in proc_cgroup.splitlines():
        parts = line.strip().split(":", 2)
        if len(parts) != 3:
            continue
        _hierarchy, controllers, cgroup = parts
        if controllers == "":  # the v2 unified hierarchy
            version, mounts = 2, ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"]
        elif "cpu" in controllers.split(","):
            version, mounts = 1, [f"/sys/fs/cgroup/{controllers}", "/sys/fs/cgroup/cpu"]
        else:
            continue
        path = PurePosixPath("/", cgroup)
        for mount in dict.fromkeys(mounts):
            for level in (path, *path.parents):
                folders.append((version, str(PurePosixPath(mount, *level.parts[1:]))))
    return list(dict.fromkeys(folders))


def _cpu_limit(version: int, folder: str, read: Callable[[str], str | None]) -> float | None:
    """CPUs a cgroup's quota allows, or None for no quota (or an unreadable one)."""
    try:
        if version == 2:  # cpu.max: "max 100000" (no quota) or "150000 100000"
            text = read(f"{folder}/cpu.max")
            if text is None:
                return None
            quota, _, period = text.strip().partition(" ")
            return None if quota == "max" else int(quota) / int(period or "100000")
        quota_text = read(f"{folder}/cpu.cfs_quota_us")  # -1: no quota
        period_text = read(f"{folder}/cpu.cfs_period_us")
        if quota_text is None or period_text is None or int(quota_text) <= 0:
            return None
        return int(quota_text) / int(period_text)
    except (ValueError, ZeroDivisionError):
        return None


def default_workers() -> int:
    """The worker count for ``crawl.workers: 0``: one per CPU this process may use."""
    try:
        affinity = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        affinity = os.cpu_count() or 1
    return usable_cpus(affinity, _read_text("/proc/self/cgroup") or "", _read_text)


def _read_text(path: str) -> str | None:
    try:
        with open(path, encoding="ascii", errors="replace") as file:
            return file.read()
    except OSError:
        return None


def _forkserver_context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    # "__main__" too: each worker would otherwise import the main script again
    context.set_forkserver_preload(["__main__", *_PRELOAD])
    return context


class Workers:
    """A pool of worker processes (or, with ``processes=-1``, threads, for quick tests).

    A worker that dies (killed for memory on a huge page, or crashed in a C
    library) breaks a process pool for good; the pool is then rebuilt and the job
    tried once more, so one bad page cannot stop every later crawl. A job that runs
    past its time limit is stopped the same way (see :meth:`run`).
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
        self.size = 0 if self._threads else (processes or default_workers())
        self.rebuilds = 0
        self._jobs = itertools.count(1)
        self._waiting: set[int] = set()  # timed jobs submitted and not yet finished
        self._started: dict[int, tuple[int, float]] = {}  # job -> (worker pid, start)
        self._retiring: list[threading.Thread] = []
        self._starts_in: Connection | None = None
        self._starts_out: Connection | None = None
        if not self._threads:
            self._starts_in, self._starts_out = _forkserver_context().Pipe(duplex=False)
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
            initializer=_init_process_worker,
            initargs=(os.getpid(), self._starts_out, *self._initargs),
        )
        # start every worker now, so they boot while the caller does other work
        for _ in range(self.size):
            executor.submit(_noop)
        return executor

    async def run(self, function: Callable[..., T], *args: Any, timeout: float | None = None) -> T:
        """``function(*args)`` in a worker, tried once more on a rebuilt pool if the pool breaks.

        With ``timeout`` (seconds), a job still running that long after a worker
        started it raises :class:`JobTimeout`: the worker is killed (only a process
        can be stopped from outside, whatever it is stuck in) and the pool rebuilt.
        A thread cannot be stopped: in a thread pool the caller just stops waiting.
        """
        if timeout is not None and timeout <= 0:
            raise ValueError(f"a job's time limit must be positive, not {timeout}")
        executor = self.executor
        try:
            return await self._call(executor, function, args, timeout)
        except BrokenProcessPool:
            self._replace(executor)
            return await self._call(self.executor, function, args, timeout)

    async def _call(
        self,
        executor: Executor,
        function: Callable[..., T],
        args: tuple[Any, ...],
        timeout: float | None,
    ) -> T:
        loop = asyncio.get_running_loop()
        if timeout is None:
            return await loop.run_in_executor(executor, function, *args)
        if self._threads:
            try:
                return await asyncio.wait_for(
                    loop.run_in_executor(executor, function, *args), timeout
                )
            except TimeoutError:
                raise JobTimeout(function, timeout) from None
        job = next(self._jobs)
        self._waiting.add(job)
        future = asyncio.wrap_future(executor.submit(_timed_job, job, function, args))
        try:
            # A job cannot have run for longer than it has been waited for: look at its
            # start only after a full limit, then wait for the rest of its own limit.
            wait, started = timeout, None
            while True:
                done, _ = await asyncio.wait({future}, timeout=wait)
                if done:
                    return future.result()
                self._read_starts()
                started = self._started.get(job)
                if started is None:  # still queued behind other jobs
                    wait = timeout
                    continue
                wait = started[1] + timeout - time.monotonic()
                if wait <= 0:
                    break
            self._stop_hung(executor, started[0])
            raise JobTimeout(function, timeout)
        finally:
            if not future.done():
                future.cancel()  # queued: never runs; running: its result is dropped
            self._waiting.discard(job)
            self._started.pop(job, None)
            self._read_starts()  # each finished job empties the pipe, so it never fills

    def _read_starts(self) -> None:
        """Take in the workers' reports of the jobs they started (without waiting)."""
        reader = self._starts_in
        if reader is None:
            return
        with contextlib.suppress(EOFError, OSError):
            while reader.poll():
                job, pid, at = reader.recv()
                if job in self._waiting:
                    self._started[job] = (pid, at)

    def _stop_hung(self, executor: Executor, pid: int) -> None:
        """Kill the worker stuck in a job and put a new pool in place of the broken one."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        self._replace(executor)

    def _replace(self, executor: Executor) -> None:
        """Rebuild the pool once per broken executor (the first caller to notice does it).

        Pending jobs are not cancelled here: the broken pool fails them with
        BrokenProcessPool, and their callers try them again on the new pool. The
        old pool is joined in a thread, so its processes are reaped without waiting.
        """
        if self.executor is not executor:
            return
        self.executor = self._start()
        self.rebuilds += 1
        self._retiring = [thread for thread in self._retiring if thread.is_alive()]
        thread = threading.Thread(
            target=executor.shutdown, kwargs={"wait": True}, name="trendbot-retire", daemon=True
        )
        thread.start()
        self._retiring.append(thread)

    def close(self) -> None:
        """Stop the workers and wait for them, including those of pools already replaced."""
        self.executor.shutdown(wait=True, cancel_futures=True)
        for thread in self._retiring:
            thread.join()
        self._retiring.clear()
        for end in (self._starts_in, self._starts_out):
            if end is not None:
                end.close()
        self._starts_in = self._starts_out = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
