"""Worker jobs that misbehave the way a bad page makes the extractor misbehave.

They live in a small module of their own because a worker process imports the
module of every job it runs: a test module would drag pytest and the fixtures in.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path


def hang(*_args: object) -> None:
    """A job that never finishes (sleeping, so it burns no CPU while it waits to be killed)."""
    time.sleep(3600)


def stall(seconds: float, *_args: object) -> None:
    """A job that takes ``seconds``: over a short limit, yet ends, as a thread must."""
    time.sleep(seconds)


def pid(*_args: object) -> int:
    """The worker's process id: which process ran the job."""
    return os.getpid()


def spin_in_c(flag: str) -> None:
    """Stuck in C with the GIL held, like a regular expression that backtracks for hours:
    no Python code of this process (a watchdog thread, a signal handler) runs again.
    ``flag`` is a file written first, so a test knows the job has started."""
    Path(flag).write_text(str(os.getpid()), encoding="ascii")
    re.fullmatch(r"(a+)+b", "a" * 64)
