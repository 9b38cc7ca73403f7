"""The worker pool survives a worker that dies, stops a job past its limit, and is sized
to the CPUs this process may use."""

import asyncio
import contextlib
import os
import signal

import pytest

from bot.workers import JobTimeout, Workers, summary_job, usable_cpus
from tests.fakes import jobs


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

    from bot.workers import extract_page_job

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
    import bot.workers

    monkeypatch.setattr(bot.workers, "default_workers", lambda: 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 7)  # the machine's count is not the answer
    with Workers(0) as workers:
        assert workers.size == 1
