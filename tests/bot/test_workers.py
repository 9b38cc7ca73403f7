"""The worker pool survives a worker that dies."""

import contextlib
import os
import signal

from bot.workers import Workers, summary_job


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


async def test_a_killed_worker_does_not_break_later_jobs():
    with Workers(1) as workers:
        first = await workers.run(summary_job, "Qwen passed 700 million downloads.")
        assert first.extraction.claims
        with contextlib.suppress(Exception):  # the job that kills its worker fails...
            await workers.run(_die)
        later = await workers.run(summary_job, "Moonshot AI raised $600 million.")
        assert later.extraction.claims[0]["value"] == 600_000_000
        assert workers.rebuilds >= 1  # ...and later jobs run on a rebuilt pool
