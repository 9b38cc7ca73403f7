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
from tests.fakes.feeds import Item, article_page, now_utc, rss
from tests.fakes.web import Response

pytestmark = pytest.mark.skipif(not processes.LINUX, reason="reads the process table in /proc")

STARTUP = 120  # seconds a cold start may take on a loaded machine; the tests do not wait it out
GONE_WITHIN = 20  # seconds the pool has to disappear after its owner's death (about 1 s is usual)
STOP_WITHIN = 60  # seconds from SIGTERM to exit with a page hung (about 8 s; the hang is an hour)


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


def write_config(folder, web, *, crawl: str = "workers: 2") -> str:
    path = folder / "config.yaml"
    path.write_text(
        "database: sqlite:///state/trendbot.db\n"
        "http:\n  allow_private: true\n  timeout: {connect: 5s, read: 300s, total: 600s}\n"
        f"crawl: {{{crawl}}}\n"
        f"feeds:\n  - {{name: Daily, url: '{web.url('/feed')}'}}\n"
        "hub: {authors: []}\n",
        encoding="utf-8",
    )
    return str(path)


def serve_one_story(web, *, page_hangs: bool) -> None:
    """A feed of one story; its page hangs (the fetch waits for it), or answers."""
    link = web.url("/news/slow")
    web.add("/feed", Response(body=rss([Item("Slow", link=link, guid="s", published=now_utc())])))
    if page_hangs:
        web.add("/news/slow", Response(headers={"Content-Type": "text/html"}, hang=True))
    else:
        page = article_page("funding-round")
        web.add("/news/slow", Response(body=page, headers={"Content-Type": "text/html"}))


def no_discord() -> dict[str, str]:
    """The environment of a `trendbot run` that posts to its terminal."""
    env = environment()
    env.pop("DISCORD_TOKEN", None)
    return env


# `trendbot` itself, except that every article page hangs the extractor: the crawl hands
# the workers this job (a worker imports it by name) in place of extract_page_job.
HUNG_EXTRACTOR = textwrap.dedent(
    """
    import functools, sys
    import bot.ingest.crawl
    from bot.cli import main
    from tests.fakes.jobs import hang_noted

    bot.ingest.crawl.extract_page_job = functools.partial(hang_noted, sys.argv[1])
    main(sys.argv[2:])
    """
)


async def start_with_a_hung_extractor(flag, log_path, *args: str):
    with log_path.open("wb") as log:  # a file: the workers would hold a pipe open
        return await asyncio.create_subprocess_exec(
            *(sys.executable, "-c", HUNG_EXTRACTOR, str(flag), *args),
            cwd=ROOT,
            env=no_discord(),
            stdout=log,
            stderr=log,
        )


async def stop_and_check(process, signum: int, log_path) -> int:
    """Send ``signum``; the exit status, once the process and its whole pool are gone."""
    pool = pool_of(process.pid)
    assert workers_in(pool), " | ".join(p.command for p in pool)
    process.send_signal(signum)
    try:
        await asyncio.wait_for(process.wait(), STOP_WITHIN)
    except TimeoutError:
        raise AssertionError(
            f"still running {STOP_WITHIN}s after signal {signum}:\n" + log_path.read_text()
        ) from None
    left = await asyncio.to_thread(processes.wait_gone, lambda: pool, GONE_WITHIN)
    assert not left, "still running after the exit:\n" + "\n".join(map(str, left))
    return process.returncode


async def test_sigterm_of_trendbot_run_while_a_page_hangs_the_extractor_exits_at_once(
    web, tmp_path
):
    """Closing the pool waited for the hung job, on the event loop: its time limit could
    not fire, and `trendbot run` ignored SIGTERM until a SIGKILL."""
    serve_one_story(web, page_hangs=False)
    config = write_config(tmp_path, web, crawl="workers: 2, start_spread: 0s, job_timeout: 300s")
    flag, log_path = tmp_path / "hung", tmp_path / "run.log"
    process = await start_with_a_hung_extractor(flag, log_path, "--config", config, "run")
    try:
        await until(flag.exists, STARTUP, "the extractor to hang")
        hung = int(flag.read_text())
        assert hung in {p.pid for p in workers_in(pool_of(process.pid))}
        assert await stop_and_check(process, signal.SIGTERM, log_path) == 0, log_path.read_text()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        processes.kill_all(pool_of(process.pid))


async def test_ctrl_c_of_trendbot_crawl_while_a_page_hangs_the_extractor_exits_at_once(
    web, tmp_path
):
    serve_one_story(web, page_hangs=False)
    config = write_config(tmp_path, web, crawl="workers: 2, job_timeout: 300s")
    flag, log_path = tmp_path / "hung", tmp_path / "crawl.log"
    process = await start_with_a_hung_extractor(
        flag, log_path, "--config", config, "crawl", "--once"
    )
    try:
        await until(flag.exists, STARTUP, "the extractor to hang")
        assert await stop_and_check(process, signal.SIGINT, log_path) == 130
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        processes.kill_all(pool_of(process.pid))


async def test_kill_9_of_trendbot_run_takes_its_whole_pool_with_it(web, tmp_path):
    serve_one_story(web, page_hangs=True)
    config = write_config(tmp_path, web, crawl="workers: 2, start_spread: 0s")
    with (tmp_path / "run.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bot", "--config", config, "run"),
            cwd=ROOT,
            env=no_discord(),
            stdout=log,
            stderr=log,
        )
    pool: list[processes.Proc] = []
    try:
        # a worker has parsed the feed, and the crawl now waits for the article page
        await until(lambda: web.hits("/news/slow"), STARTUP, "the service to fetch the page")
        # the executor forks its workers on demand, and a loaded machine may still be
        # starting them: whatever of the pool is there now must go with its owner (the
        # forkserver and the tracker always are, and outlived a kill -9 before the fix)
        pool = pool_of(process.pid)
        commands = " | ".join(p.command for p in pool)
        assert "multiprocessing.forkserver" in commands and "resource_tracker" in commands
        assert len(workers_in(pool)) <= 2, commands
        await kill_9_and_check_the_pool_goes(process, pool)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        processes.kill_all(pool)


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
        # the executor forks its workers on demand, and a loaded machine may still be
        # starting them: whatever of the pool is there now must go with its owner (the
        # forkserver and the tracker always are, and outlived a kill -9 before the fix)
        pool = pool_of(process.pid)
        commands = " | ".join(p.command for p in pool)
        assert "multiprocessing.forkserver" in commands and "resource_tracker" in commands
        assert len(workers_in(pool)) <= 2, commands
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
    from bot.ingest.workers import Workers
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
