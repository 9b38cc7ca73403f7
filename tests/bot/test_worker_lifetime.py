"""A worker pool dies with the process that owns it, however that process dies.

Before, a `kill -9` of `trendbot crawl` or `trendbot run` left its forkserver, its
resource tracker and its workers running (about 300 MB a time): the workers waited
for work forever and kept the other two alive. These tests kill real processes and
look at what is left in /proc.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
import time

import pytest

from tests import processes
from tests.bot.cli.helpers import environment
from tests.conftest import ROOT
from tests.fakes.feeds import Item, now_utc, rss
from tests.fakes.web import Response

pytestmark = pytest.mark.skipif(not processes.LINUX, reason="reads the process table in /proc")

STARTUP = 120  # seconds a cold start may take on a loaded machine; the tests do not wait it out
GONE_WITHIN = 20  # seconds the pool has to disappear after its owner's death (about 1 s is usual)


async def until(condition, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


def pool_of(pid: int) -> list[processes.Proc]:
    return processes.descendants(pid)


def workers_in(pool: list[processes.Proc]) -> list[processes.Proc]:
    servers = {p.pid for p in pool if "multiprocessing.forkserver" in p.command}
    return [p for p in pool if p.ppid in servers]


async def kill_9_and_check_the_pool_goes(process, pool: list[processes.Proc]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    await process.wait()
    left = await asyncio.to_thread(processes.wait_gone, lambda: pool, GONE_WITHIN)
    assert not left, "still running after the owner's kill -9:\n" + "\n".join(map(str, left))


async def test_kill_9_of_trendbot_crawl_takes_its_whole_pool_with_it(web, tmp_path):
    web.add(
        "/feed",
        Response(
            body=rss([Item("Slow", link=web.url("/news/slow"), guid="s", published=now_utc())])
        ),
    )
    web.add("/news/slow", Response(headers={"Content-Type": "text/html"}, hang=True))
    config = tmp_path / "config.yaml"
    config.write_text(
        "database: sqlite:///state/trendbot.db\n"
        "http:\n  allow_private: true\n  timeout: {connect: 5s, read: 300s, total: 600s}\n"
        "crawl:\n  workers: 2\n"
        f"feeds:\n  - {{name: Daily, url: '{web.url('/feed')}'}}\n",
        encoding="utf-8",
    )
    # output to a file: a pipe would be held open by the workers that outlive the kill
    with (tmp_path / "crawl.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bot", "--config", str(config), "crawl", "--once"),
            cwd=ROOT,
            env=environment(),
            stdout=log,
            stderr=log,
        )
    pool: list[processes.Proc] = []
    try:
        # a worker has parsed the feed, and the crawl now waits for the article page
        await until(lambda: web.hits("/news/slow"), STARTUP, "the crawl to fetch the page")
        pool = pool_of(process.pid)
        commands = " | ".join(p.command for p in pool)
        assert "multiprocessing.forkserver" in commands and "resource_tracker" in commands
        assert len(workers_in(pool)) == 2, commands
        await kill_9_and_check_the_pool_goes(process, pool)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        processes.kill_all(pool)


# The owner runs one job that holds the GIL in C code: no Python code of that worker (a
# watchdog thread, a signal handler) can run again, only the kernel can end it.
OWNER = textwrap.dedent(
    """
    import asyncio, sys
    from bot.workers import Workers
    from tests.fakes.jobs import spin_in_c

    async def main():
        with Workers(1) as workers:
            await workers.run(spin_in_c, sys.argv[1])

    asyncio.run(main())
    """
)


async def test_a_worker_stuck_in_c_code_dies_with_its_owner(tmp_path):
    flag = tmp_path / "started"
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-c", OWNER, str(flag)),
        cwd=ROOT,
        env=environment(),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    pool: list[processes.Proc] = []
    try:
        await until(flag.exists, STARTUP, "the job to start")
        pool = pool_of(process.pid)
        [worker] = workers_in(pool)
        assert worker.pid == int(flag.read_text())
        await kill_9_and_check_the_pool_goes(process, pool)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        processes.kill_all(pool)


def test_the_final_check_sees_a_child_and_an_orphan_left_running():
    """The check the run ends with (tests/conftest.py) finds what a test left behind,
    including the orphan of a child that exited: this process adopts it."""
    import subprocess

    child = subprocess.Popen(["sleep", "60"])
    # the shell starts a grandchild and exits without waiting for it
    shell = subprocess.run(
        ["sh", "-c", "sleep 60 >/dev/null 2>&1 & echo $!"], capture_output=True, text=True
    )
    orphan = int(shell.stdout)
    try:
        found = {p.pid: p for p in processes.descendants(os.getpid())}
        assert child.pid in found
        assert found[orphan].ppid == os.getpid()  # adopted, not handed to init
    finally:
        child.kill()
        child.wait()
        os.kill(orphan, signal.SIGKILL)
    assert not processes.wait_gone(lambda: [found[child.pid], found[orphan]], GONE_WITHIN)
