"""The worker pool survives a worker that dies, stops a job past its limit, and is sized
to the CPUs this process may use."""

import asyncio
import concurrent.futures
import contextlib
import os
import signal
import sys
import threading
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

import bot.ingest.workers
from bot.ingest.workers import JobTimeout, WorkerLost, Workers, summary_job, usable_cpus
from tests.fakes import jobs

LINUX = sys.platform.startswith("linux")


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


async def test_a_killed_worker_does_not_break_later_jobs():
    with Workers(1) as workers:
        first = await workers.run(summary_job, "Qwen passed 700 million downloads.")
        assert first.extraction.claims
        with contextlib.suppress(Exception):  # the job that kills its worker fails...
            await workers.run(_die)
        later = await workers.run(summary_job, "Moonshot AI raised $600 million.")
        assert later.extraction.claims[0].value == 600_000_000
        assert workers.rebuilds >= 1  # ...and later jobs run on a rebuilt pool


def test_the_main_process_reads_a_page_result_without_importing_the_nlp_stack(tmp_path):
    """The crawler's main process only unpickles results: spaCy and trafilatura
    stay in the workers (importing them there cost the crawl half a second)."""
    import pickle
    import subprocess
    import sys

    from bot.ingest.workers import extract_page_job

    html = (
        "<html><head><title>Qwen passes 700M</title></head><body><article>"
        + "<p>Qwen passed 700 million downloads on Hugging Face, Alibaba said.</p>" * 20
        + "</article></body></html>"
    )
    result = extract_page_job(html.encode(), "http://127.0.0.1/a", False)
    assert result.article is not None and result.extraction is not None
    (tmp_path / "page.pickle").write_bytes(pickle.dumps(result))
    probe = (
        "import pickle, sys; pickle.loads(open(sys.argv[1], 'rb').read()); "
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "page.pickle")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "extractors" in loaded
    assert "spacy" not in loaded and "trafilatura" not in loaded


async def test_a_job_past_its_time_limit_is_stopped_and_its_worker_replaced():
    with Workers(1) as workers:
        first = await workers.run(jobs.pid)
        hung, queued = await asyncio.gather(
            workers.run(jobs.hang, timeout=1),
            workers.run(jobs.pid, timeout=60),  # waits behind the hung job
            return_exceptions=True,
        )
        assert isinstance(hung, JobTimeout)
        assert str(hung) == "hang still running after 1s: its worker was replaced"
        assert workers.rebuilds == 1
        # the hung worker is gone, and the job queued behind it ran on the new pool
        assert isinstance(queued, int) and queued != first
        assert not pid_exists(first)
        assert await workers.run(jobs.pid, timeout=60) == queued


async def test_the_limit_counts_from_the_start_of_a_job_not_from_its_wait_in_the_queue():
    with Workers(1) as workers:
        await workers.run(jobs.pid)
        # the second job waits about 3 s for the only worker, then runs in no time
        slow, quick = await asyncio.gather(
            workers.run(jobs.stall, 3, timeout=60), workers.run(jobs.pid, timeout=1)
        )
        assert slow is None and isinstance(quick, int)
        assert workers.rebuilds == 0


async def test_a_thread_pool_stops_waiting_for_a_job_past_its_limit():
    with Workers(-1) as workers:
        with pytest.raises(JobTimeout, match=r"stall still running after 0\.1s"):
            await workers.run(jobs.stall, 1, timeout=0.1)
        assert await workers.run(jobs.pid, timeout=5) == os.getpid()


async def test_closing_a_pool_with_a_hung_job_kills_the_job_instead_of_waiting_for_it(tmp_path):
    """Closing ran on the event loop and waited for every job: with a hung one it never
    returned, and `trendbot run` ignored SIGTERM (the job's limit could not fire either)."""
    flag = tmp_path / "hung"
    workers = Workers(2)
    try:
        hung = asyncio.ensure_future(workers.run(jobs.hang_noted, str(flag)))  # no limit
        queued = [asyncio.ensure_future(workers.run(jobs.pid)) for _ in range(4)]
        await until(flag.exists, 120, "the hung job to start")
        worker = int(flag.read_text())
        # in a thread: were it to wait for the job (an hour), the test fails at the deadline
        await asyncio.wait_for(asyncio.to_thread(workers.close), 60)
    finally:
        if flag.exists():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(flag.read_text()), signal.SIGKILL)
        workers.close()
    assert not pid_exists(worker)
    results = await asyncio.gather(hung, *queued, return_exceptions=True)
    # the hung job is cancelled, like the jobs still queued; the others had run
    assert isinstance(results[0], asyncio.CancelledError)
    assert all(isinstance(r, int | asyncio.CancelledError) for r in results[1:]), results
    with pytest.raises(asyncio.CancelledError):  # a closed pool runs nothing
        await workers.run(jobs.pid)


async def test_each_worker_builds_the_pipeline_before_its_first_job_replacements_too():
    """The first job of a worker paid the pipeline's build inside its time limit: with
    small limits, each replacement worker timed out in turn."""
    with Workers(1) as workers:
        assert await workers.run(jobs.pipeline_built, timeout=60) is True
        with pytest.raises(JobTimeout):
            await workers.run(jobs.hang, timeout=1)
        assert workers.rebuilds == 1
        assert await workers.run(jobs.pipeline_built, timeout=60) is True  # a fresh worker


async def test_a_pipeline_that_cannot_be_built_fails_the_jobs_that_need_it_not_the_pool():
    with Workers(1, entities={"statistical_model": "no_such_spacy_pipeline"}) as workers:
        assert isinstance(await workers.run(jobs.pid, timeout=60), int)
        with pytest.raises(ValueError, match="not an installed spaCy pipeline"):
            await workers.run(summary_job, "Qwen passed 700 million downloads.", timeout=60)
        assert workers.rebuilds == 0


async def test_a_job_beside_hung_ones_is_tried_again_each_time_a_kill_breaks_its_pool(tmp_path):
    """Killing a hung worker breaks the whole pool; the job beside it was tried again
    once only, so a second hang meanwhile failed it with BrokenProcessPool."""
    started, go = tmp_path / "started", tmp_path / "go"

    def runs() -> int:
        return len(started.read_text().split()) if started.exists() else 0

    with Workers(2) as workers:
        beside = asyncio.ensure_future(workers.run(jobs.held, str(started), str(go), timeout=600))
        await until(lambda: runs() == 1, 120, "the job beside to start")
        for attempt in (2, 3):
            with pytest.raises(JobTimeout):
                await workers.run(jobs.hang, timeout=1)
            await until(lambda n=attempt: runs() == n or beside.done(), 120, "its new start")
            assert not beside.done(), beside.exception()  # tried again, on the new pool
        go.touch()
        assert isinstance(await beside, int)
        assert workers.rebuilds == 2


async def test_a_job_whose_worker_keeps_dying_raises_worker_lost_not_broken_process_pool():
    with Workers(1) as workers:
        with pytest.raises(WorkerLost, match="die: the worker process running it died") as lost:
            await workers.run(jobs.die, timeout=60)
        assert not isinstance(lost.value, BrokenProcessPool)
        assert workers.rebuilds == 2  # tried once more on a fresh pool, which broke too
        assert isinstance(await workers.run(jobs.pid, timeout=60), int)


async def test_a_job_that_ends_right_at_its_limit_is_not_reported_as_timed_out():
    """The pool did not look again before the kill: a job done in its worker, its result
    still on the way back, was reported timed out and its worker (maybe busy with the
    next job by then) killed. Here every result comes back a second after the limit."""
    limit = 3
    with Workers(1) as workers:
        worker = await workers.run(jobs.pid)
        executor = workers.executor
        real_submit = executor.submit
        release = threading.Event()

        def late_submit(fn, /, *args):
            outer: concurrent.futures.Future = concurrent.futures.Future()

            def hand_on(inner: concurrent.futures.Future) -> None:
                def later() -> None:
                    release.wait()
                    if inner.exception() is not None:
                        outer.set_exception(inner.exception())
                    else:
                        outer.set_result(inner.result())

                threading.Thread(target=later, daemon=True).start()

            real_submit(fn, *args).add_done_callback(hand_on)
            return outer

        executor.submit = late_submit
        try:
            # the limit's timer is due before this one: the pool decides first
            asyncio.get_running_loop().call_later(limit + 1, release.set)
            assert await workers.run(jobs.pid, timeout=limit) == worker
        finally:
            release.set()
            del executor.submit
        assert workers.rebuilds == 0 and pid_exists(worker)
        assert await workers.run(jobs.pid, timeout=60) == worker


def test_the_multiprocessing_internals_the_pool_relies_on_exist_on_this_python():
    """They are private: a Python that drops one degrades the pool to its fallbacks
    (the watchdog alone, no kill on close) quietly, so this test makes it loud."""
    from multiprocessing import forkserver, resource_tracker

    assert hasattr(forkserver._forkserver, "_forkserver_alive_fd")
    assert hasattr(forkserver._forkserver, "_forkserver_pid")  # tests/processes.py
    assert callable(forkserver._forkserver._stop)
    assert hasattr(resource_tracker._resource_tracker, "_pid")
    assert callable(resource_tracker._resource_tracker._stop)
    with Workers(1) as workers:
        assert isinstance(workers.executor._processes, dict)
        assert workers._pools[workers.executor].processes is workers.executor._processes


@pytest.mark.skipif(not LINUX, reason="the parent-death signal is Linux's")
async def test_a_worker_is_bound_to_its_owner_by_the_kernel_and_the_pipe():
    with Workers(1) as workers:
        death_signal, pipe_handed_back = await workers.run(jobs.owner_guards, timeout=60)
    assert death_signal == signal.SIGKILL
    assert pipe_handed_back


def test_without_the_internals_a_worker_falls_back_to_its_watchdog(monkeypatch):
    import ctypes
    from multiprocessing import forkserver, resource_tracker

    # helpers without the attributes: nothing to hand back or stop, and no exception
    monkeypatch.setattr(forkserver, "_forkserver", object())
    monkeypatch.setattr(resource_tracker, "_resource_tracker", object())
    assert bot.ingest.workers._hand_back_alive_pipe() is False
    bot.ingest.workers.stop_forkserver()

    # where the "alive" pipe is, it is closed and forgotten
    read, write = os.pipe()
    holder = type("Server", (), {"_forkserver_alive_fd": read})()
    monkeypatch.setattr(forkserver, "_forkserver", holder)
    assert bot.ingest.workers._hand_back_alive_pipe() is True
    assert holder._forkserver_alive_fd is None
    with pytest.raises(OSError):
        os.fstat(read)
    os.close(write)

    # prctl refusing (it returns -1): reported, not taken as done
    class Refusing:
        def __init__(self, *_args, **_kwargs):
            self.prctl = lambda *_args: -1

    monkeypatch.setattr(ctypes, "CDLL", Refusing)
    monkeypatch.setattr(sys, "platform", "linux")
    assert bot.ingest.workers._set_parent_death_signal() is False


async def until(condition, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def pid_exists(pid: int) -> bool:
    """True while the process runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# /proc/self/cgroup texts: cgroup v2 only, cgroup v1 with cpu and cpuacct together,
# and the hybrid layout this project's machine has (v1 controllers beside an empty v2)
V2 = "0::/user.slice/app.scope\n"
V1 = "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n"
HYBRID = "4:memory:/x\n2:cpuacct:/\n1:cpu:/\n0::/\n"


@pytest.mark.parametrize(
    ("affinity", "cgroup", "files", "expected"),
    [
        # no cgroup information at all: the affinity decides
        (8, "", {}, 8),
        (0, "", {}, 1),
        # v2: no quota, a quota of 2 CPUs, 1.5 CPUs (rounded down), a quota under 1 CPU
        (8, V2, {"/sys/fs/cgroup/user.slice/app.scope/cpu.max": "max 100000\n"}, 8),
        (8, V2, {"/sys/fs/cgroup/user.slice/app.scope/cpu.max": "200000 100000\n"}, 2),
        (8, V2, {"/sys/fs/cgroup/user.slice/app.scope/cpu.max": "150000 100000\n"}, 1),
        (8, V2, {"/sys/fs/cgroup/user.slice/app.scope/cpu.max": "50000 100000\n"}, 1),
        # v2: the tightest quota on the way up counts; the affinity caps a loose quota
        (
            8,
            V2,
            {
                "/sys/fs/cgroup/user.slice/app.scope/cpu.max": "400000 100000\n",
                "/sys/fs/cgroup/user.slice/cpu.max": "300000 100000\n",
            },
            3,
        ),
        (2, V2, {"/sys/fs/cgroup/user.slice/app.scope/cpu.max": "400000 100000\n"}, 2),
        # in a container the host's path is listed but its own cgroup is at the root
        (64, V2, {"/sys/fs/cgroup/cpu.max": "400000 100000"}, 4),
        # v1: a quota of 3 CPUs, no quota (-1), a quota at the mount root, a bad value
        (
            16,
            V1,
            {
                "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "300000\n",
                "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000\n",
            },
            3,
        ),
        (
            16,
            V1,
            {
                "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "-1\n",
                "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000\n",
            },
            16,
        ),
        (
            16,
            V1,
            {
                "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "200000",
                "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000",
            },
            2,
        ),
        (16, V2, {"/sys/fs/cgroup/user.slice/app.scope/cpu.max": "garbage"}, 16),
        # hybrid: v1 cpu without a quota, no cpu.max in the empty v2 hierarchy
        (
            2,
            HYBRID,
            {
                "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n",
                "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
            },
            2,
        ),
    ],
)
def test_usable_cpus(affinity, cgroup, files, expected):
    assert usable_cpus(affinity, cgroup, files.get) == expected


def test_zero_workers_means_one_per_usable_cpu(monkeypatch):
    import bot.ingest.workers

    monkeypatch.setattr(bot.ingest.workers, "default_workers", lambda: 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 7)  # the machine's count is not the answer
    with Workers(0) as workers:
        assert workers.size == 1
