"""The `trendbot` test helper never leaves a hung command running after its test."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from tests import processes
from tests.bot.cli.helpers import trendbot
from tests.fakes.web import Response

pytestmark = pytest.mark.skipif(not processes.LINUX, reason="reads the process table in /proc")

STARTUP = 60  # seconds for the subprocess to appear; it is there well within one
GONE_WITHIN = 20  # seconds what the killed command started has to go (its worker pool)


@pytest.mark.parametrize("ending", ["timeout", "cancelled"])
async def test_a_hung_command_is_killed_and_reaped(web, tmp_path, ending):
    # the feed sends its headers (6 bytes to come), then nothing: the crawl waits out its
    # 300 s read timeout
    web.add(
        "/feed",
        Response(body=b"<rss/>", headers={"Content-Type": "application/rss+xml"}, hang=True),
    )
    config = tmp_path / "config.yaml"
    config.write_text(
        "database: sqlite:///state/trendbot.db\n"
        "http:\n  allow_private: true\n  timeout: {connect: 5s, read: 300s, total: 600s}\n"
        "crawl:\n  workers: 1\n"
        f"feeds:\n  - {{name: Daily, url: '{web.url('/feed')}'}}\n",
        encoding="utf-8",
    )
    me = os.getpid()
    before = {(p.pid, p.started) for p in processes.descendants(me)}

    def started_here() -> list[processes.Proc]:
        return [p for p in processes.descendants(me) if (p.pid, p.started) not in before]

    run = asyncio.create_task(
        trendbot(
            "--config", str(config), "crawl", "--once", timeout=5 if ending == "timeout" else 120
        )
    )
    try:
        deadline = time.monotonic() + STARTUP
        while not (found := [p for p in started_here() if str(config) in p.command]):
            assert time.monotonic() < deadline and not run.done(), "the command did not start"
            await asyncio.sleep(0.05)
        [command] = found
        if ending == "timeout":
            with pytest.raises(TimeoutError):
                await run
        else:
            run.cancel()
            with pytest.raises(asyncio.CancelledError):
                await run
        # killed, and reaped: not even a zombie is left of it
        reaped = command.pid not in processes.table()
        assert reaped, f"still there: {command}"
        left = await asyncio.to_thread(processes.wait_gone, started_here, GONE_WITHIN)
        assert not left, "left running:\n" + "\n".join(map(str, left))
    finally:
        run.cancel()
        processes.kill_all(started_here())
