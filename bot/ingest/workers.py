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
  (not from its wait in the queue, nor from the worker's start-up: the pipeline is
  built before a worker takes its first job). Past it, the worker running it is
  killed, the pool is rebuilt and the caller gets :class:`JobTimeout`; the other
  jobs of the broken pool are tried again on the new one (again if another hang
  breaks that one, up to :data:`MAX_REBUILDS` times). A job that ends right at its
  limit is not killed: the worker says when it is done, and the pool looks before
  it kills.

Closing the pool never waits for a job: jobs still queued are cancelled, and a
worker still busy after :data:`CLOSE_GRACE` is killed, so that a hung page cannot
hold up the stop of ``trendbot run`` or ``crawl --once``.

A few of these guards use multiprocessing internals (the forkserver's "alive" pipe,
a pool's process map, the helpers' ``_stop``); each is looked up with a fallback
(the watchdog alone; closing without the kill), and a test checks they exist.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
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
MAX_REBUILDS = 3  # rebuilds a job outlives when hung jobs beside it break its pool
CLOSE_GRACE = 1.0  # seconds close() gives busy workers before it kills them
_KILL_WAIT = 5.0  # seconds to wait for the end of a killed worker to be reported
log = logging.getLogger("bot.workers")  # the name its log lines carry (not __name__: it moved)


class JobTimeout(Exception):
    """A job ran past its time limit; its worker was killed and the pool rebuilt."""

    def __init__(self, function: Callable[..., object], seconds: float):
        self.seconds = seconds
        name = getattr(function, "__name__", "job")
        super().__init__(f"{name} still running after {seconds:g}s: its worker was replaced")


class WorkerLost(Exception):
    """A job's worker died (a crash in C code, the OOM killer) and it did again on a
    fresh pool, or the job's pool broke more often than it is tried again."""

    def __init__(self, function: Callable[..., object], breaks: int):
        self.breaks = breaks
        name = getattr(function, "__name__", "job")
        super().__init__(
            f"{name}: the worker process running it died ({breaks} pools broke under it)"
        )


@dataclass(frozen=True)
class PageText:
    """Text after extraction: the article (if any), its fingerprint, its entities and claims."""

    article: ArticleText | None
    fingerprint: int | None
    extraction: Extraction | None


def _init_worker(
    entities: Mapping[str, Any], hub_ids: list[str], names: Mapping[str, str] | None = None
) -> None:
    """Keep the extractor's configuration (a thread builds the pipeline at first use)."""
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
    _build_pipeline_now()


def _build_pipeline_now() -> None:
    """Build the pipeline before the worker takes a job, so that no job's time limit
    pays for it (about half a second; much more on a loaded machine). A configuration
    it cannot be built from is left to the first job that needs it, which then fails
    with the reason, instead of every worker failing to start."""
    global _pipeline
    from extractors.pipeline import build_pipeline

    try:
        _pipeline = build_pipeline(*_pipeline_config)
    except Exception:
        _pipeline = None


def _bind_to_owner(owner: int) -> None:
    """Make this worker die soon after the pool's owner, whatever ends the owner.

    The forkserver stops when every holder of its "alive" pipe has closed it, and
    by default every worker holds one: after a ``kill -9`` of the owner, workers
    waiting for work, the forkserver and the resource tracker waited for each other
    forever. The order below leaves no gap: the kernel is asked first to kill this
    worker when its parent (the forkserver) dies, and only then is the worker's copy
    of the pipe closed, which lets the forkserver stop once the owner is gone. Where
    either step is not possible, the watchdog started last still ends the worker.
    """
    forkserver_pid = os.getppid()
    _set_parent_death_signal()
    if not _hand_back_alive_pipe():
        log.warning("trendbot worker %s: no forkserver pipe to hand back", os.getpid())
    watchdog = threading.Thread(
        target=_watch, args=(owner, forkserver_pid), name="trendbot-owner-watch", daemon=True
    )
    watchdog.start()


def _hand_back_alive_pipe() -> bool:
    """Close this worker's copy of the forkserver's "alive" pipe; False where this
    Python keeps it elsewhere (the watchdog then ends the worker with its owner, and
    the forkserver stops once the workers have gone)."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    if server is None or not hasattr(server, "_forkserver_alive_fd"):
        return False
    alive = server._forkserver_alive_fd  # only needed to start processes of our own
    if alive is not None:
        with contextlib.suppress(OSError):
            os.close(alive)
        server._forkserver_alive_fd = None
    return True


def _set_parent_death_signal() -> bool:
    """SIGKILL this process when its parent dies (Linux); False when that could not be
    asked for (elsewhere, or the call failed): the watchdog is the only guard then."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0:
            return True
        problem = os.strerror(ctypes.get_errno())
    except (OSError, AttributeError) as exc:
        problem = str(exc)
    log.warning("trendbot worker %s: no parent-death signal (%s)", os.getpid(), problem)
    return False


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
    """Run a job that has a time limit, telling the pool which process runs it since when,
    and when it is done (before its result goes back: a job that ends right at its limit
    is then not killed, nor its worker, which may have taken the next job meanwhile).

    Small messages, each written in one ``write`` below PIPE_BUF, so the messages of
    several workers never interleave on the shared pipe. The monotonic clock is the
    machine's (CLOCK_MONOTONIC), the same in every process.
    """
    _report(job, time.monotonic())
    try:
        return function(*args)
    finally:
        _report(job, None)


def _report(job: int, started: float | None) -> None:
    if _starts is not None:
        with contextlib.suppress(OSError):  # the owner is gone: nobody waits for the job
            _starts.send((job, os.getpid(), started))


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

    # the methods multiprocessing's own tests use; there is no public way (without
    # them, both still stop when this process exits)
    for helper in (
        getattr(forkserver, "_forkserver", None),
        getattr(resource_tracker, "_resource_tracker", None),
    ):
        stop = getattr(helper, "_stop", None)
        if callable(stop):
            stop()


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


@dataclass
class _Pool:
    """One executor the pool has started, and what closing or judging it needs."""

    executor: Executor
    processes: dict[int, BaseProcess] | None  # the executor's own map, filled as workers start
    retiring: threading.Thread | None = None  # joins it after it was replaced


class Workers:
    """A pool of worker processes (or, with ``processes=-1``, threads, for quick tests).

    A worker that dies (killed for memory on a huge page, or crashed in a C
    library) breaks a process pool for good; the pool is then rebuilt and the job
    tried once more, so one bad page cannot stop every later crawl. A job that runs
    past its time limit is stopped the same way (see :meth:`run`); the jobs beside it
    are tried again each time such a kill breaks their pool, up to
    :data:`MAX_REBUILDS` times. A job the pool cannot finish raises
    :class:`WorkerLost`, never ``BrokenProcessPool``.
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
        self._closed = False
        self._jobs = itertools.count(1)
        self._waiting: set[int] = set()  # timed jobs submitted and not yet finished
        self._started: dict[int, tuple[int, float]] = {}  # job -> (worker pid, start)
        self._finished: set[int] = set()  # timed jobs a worker has said it is done with
        self._pools: dict[Executor, _Pool] = {}  # the current pool and those still retiring
        self._killed_in: weakref.WeakSet[Executor] = weakref.WeakSet()  # broken by our kills
        self._starts_in: Connection | None = None
        self._starts_out: Connection | None = None
        if not self._threads:
            self._starts_in, self._starts_out = _forkserver_context().Pipe(duplex=False)
        self.executor: Executor = self._start()

    def _start(self) -> Executor:
        if self._threads:
            executor: Executor = ThreadPoolExecutor(
                max_workers=2,
                thread_name_prefix="trendbot-cpu",
                initializer=_init_worker,
                initargs=self._initargs,
            )
            self._pools[executor] = _Pool(executor, None)
            return executor
        executor = ProcessPoolExecutor(
            max_workers=self.size,
            mp_context=_forkserver_context(),
            initializer=_init_process_worker,
            initargs=(os.getpid(), self._starts_out, *self._initargs),
        )
        # a private map of CPython's; without it, close() cannot kill a busy worker
        processes = getattr(executor, "_processes", None)
        self._pools[executor] = _Pool(executor, processes if isinstance(processes, dict) else None)
        # start every worker now, so they boot while the caller does other work
        for _ in range(self.size):
            executor.submit(_noop)
        return executor

    async def run(self, function: Callable[..., T], *args: Any, timeout: float | None = None) -> T:
        """``function(*args)`` in a worker, tried again on a rebuilt pool if the pool breaks.

        With ``timeout`` (seconds), a job still running that long after a worker
        started it raises :class:`JobTimeout`: the worker is killed (only a process
        can be stopped from outside, whatever it is stuck in) and the pool rebuilt.
        A thread cannot be stopped: in a thread pool the caller just stops waiting.

        A job whose pool breaks is tried again on the new one: once when a worker
        died by itself (it may have been this job's), up to :data:`MAX_REBUILDS`
        times when the pool broke because a hung job beside it was killed. Past
        that, :class:`WorkerLost`. Once the pool is closed, a job waiting or running
        in it is cancelled (``asyncio.CancelledError``): its caller is stopping.
        """
        if timeout is not None and timeout <= 0:
            raise ValueError(f"a job's time limit must be positive, not {timeout}")
        kills = crashes = 0
        while True:
            if self._closed:
                raise asyncio.CancelledError("the worker pool is closed")
            executor = self.executor
            try:
                return await self._call(executor, function, args, timeout)
            except BrokenProcessPool as exc:
                if self._closed:
                    raise asyncio.CancelledError("the worker pool is closed") from None
                if executor in self._killed_in:
                    kills += 1
                else:
                    crashes += 1
                self._replace(executor)
                if kills > MAX_REBUILDS or crashes > 1:
                    raise WorkerLost(function, kills + crashes) from exc

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
        self._waiting.add(job)  # before the submit: its start may be reported at once
        try:
            submitted = executor.submit(_timed_job, job, function, args)
        except BaseException:
            self._waiting.discard(job)
            raise
        future = asyncio.wrap_future(submitted)
        try:
            # A job cannot have run for longer than it has been waited for: look at its
            # start only after a full limit, then wait for the rest of its own limit.
            wait = timeout
            while True:
                done, _ = await asyncio.wait({future}, timeout=wait)
                if done:
                    return future.result()
                self._read_starts()
                if job in self._finished:
                    break  # done in its worker: the result is on its way back
                started = self._started.get(job)
                if started is None:  # still queued behind other jobs
                    wait = timeout
                    continue
                wait = started[1] + timeout - time.monotonic()
                if wait <= 0:
                    if self._stop_hung(executor, job, started[0], submitted):
                        raise JobTimeout(function, timeout)
                    break
            return await future
        finally:
            if not future.done():
                future.cancel()  # queued: never runs; running: its result is dropped
            self._waiting.discard(job)
            self._started.pop(job, None)
            self._finished.discard(job)
            self._read_starts()  # each finished job empties the pipe, so it never fills

    def _read_starts(self) -> None:
        """Take in the workers' reports of the jobs they started and ended (without waiting)."""
        reader = self._starts_in
        if reader is None:
            return
        with contextlib.suppress(EOFError, OSError):
            while reader.poll():
                job, pid, at = reader.recv()
                if job not in self._waiting:
                    continue
                if at is None:
                    self._finished.add(job)
                else:
                    self._started[job] = (pid, at)

    def _stop_hung(self, executor: Executor, job: int, pid: int, submitted: Any) -> bool:
        """Kill the worker stuck in ``job`` and put a new pool in place of the broken one.

        Not when the job has ended meanwhile (False): the kill would lose its result,
        report a timeout for it, and break the pool under the job its worker took next.
        """
        self._read_starts()
        if self._closed or submitted.done() or job in self._finished:
            return False
        self._killed_in.add(executor)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        self._replace(executor)
        return True

    def _replace(self, executor: Executor) -> None:
        """Rebuild the pool once per broken executor (the first caller to notice does it).

        Pending jobs are not cancelled here: the broken pool fails them with
        BrokenProcessPool, and their callers try them again on the new pool. The
        old pool is joined in a thread, so its processes are reaped without waiting.
        """
        if self.executor is not executor or self._closed:
            return
        self.executor = self._start()
        self.rebuilds += 1
        for old, pool in list(self._pools.items()):
            if pool.retiring is not None and not pool.retiring.is_alive():
                del self._pools[old]
        thread = threading.Thread(
            target=executor.shutdown, kwargs={"wait": True}, name="trendbot-retire", daemon=True
        )
        thread.start()
        if executor in self._pools:
            self._pools[executor].retiring = thread

    def close(self, grace: float = CLOSE_GRACE) -> None:
        """Stop the workers, those of pools already replaced too, without waiting on a job.

        Queued jobs are cancelled; a worker still busy ``grace`` seconds later (a hung
        page) is killed, and its end awaited (the forkserver reaps it). This runs on
        the event loop, where no job's time limit can fire, so it must not wait on one.
        """
        if self._closed:
            return
        self._closed = True
        pools = list(self._pools.values())
        for pool in pools:
            if pool.retiring is None:  # a replaced pool is being shut down by its thread
                pool.executor.shutdown(wait=False, cancel_futures=True)
        workers = [process for pool in pools for process in dict(pool.processes or {}).values()]
        _stop_processes(workers, grace)
        deadline = time.monotonic() + _KILL_WAIT
        for pool in pools:
            if pool.retiring is not None:
                pool.retiring.join(max(0.0, deadline - time.monotonic()))
        self._pools.clear()
        for end in (self._starts_in, self._starts_out):
            if end is not None:
                end.close()
        self._starts_in = self._starts_out = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stop_processes(processes: list[BaseProcess], grace: float) -> None:
    """Let ``processes`` exit for ``grace`` seconds, then SIGKILL those left and wait for
    each end to be reported (at most :data:`_KILL_WAIT` seconds in all)."""
    deadline = time.monotonic() + grace
    for process in processes:
        with contextlib.suppress(ValueError, AssertionError):  # closed, or not ours
            process.join(max(0.0, deadline - time.monotonic()))
    left = [process for process in processes if _running(process)]
    for process in left:
        with contextlib.suppress(ValueError, OSError):
            process.kill()
    deadline = time.monotonic() + _KILL_WAIT
    for process in left:
        with contextlib.suppress(ValueError, AssertionError):
            process.join(max(0.0, deadline - time.monotonic()))


def _running(process: BaseProcess) -> bool:
    try:
        return process.exitcode is None
    except ValueError:  # closed: it has ended
        return False
