"""Worker jobs that misbehave the way a bad page makes the extractor misbehave.

They live in a small module of their own because a worker process imports the
module of every job it runs: a test module would drag pytest and the fixtures in.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Callable
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


def hang_noted(flag: str, *_args: object) -> None:
    """A job that never finishes, having written its worker's pid to the file ``flag``
    (so a test knows it runs, and in which process). The page arguments of an
    extraction job it stands in for come after ``flag`` and are ignored."""
    Path(flag).write_text(str(os.getpid()), encoding="ascii")
    time.sleep(3600)


def die(*_args: object) -> None:
    """A job that kills its worker, as a crash in C code or the OOM killer would."""
    os.kill(os.getpid(), signal.SIGKILL)


def held(started: str, go: str, function: Callable[..., object] = pid, *args: object) -> object:
    """Note one more run in the file ``started`` (a line with the worker's pid), wait
    until the file ``go`` exists, then return ``function(*args)``: a job a test keeps
    busy in its worker for as long as it needs, without a clock."""
    with open(started, "a", encoding="ascii") as runs:
        runs.write(f"{os.getpid()}\n")
    while not Path(go).exists():
        time.sleep(0.05)
    return function(*args)


def pipeline_built(*_args: object) -> bool:
    """Had the worker built the extractor pipeline before it took this job?"""
    from bot.ingest import workers

    return workers._pipeline is not None


def owner_guards() -> tuple[int, bool]:
    """In a worker: the signal the kernel sends it when its parent dies (PR_GET_PDEATHSIG),
    and whether its copy of the forkserver's "alive" pipe was handed back."""
    import ctypes
    from multiprocessing import forkserver

    value = ctypes.c_int(-1)
    ctypes.CDLL(None, use_errno=True).prctl(2, ctypes.byref(value), 0, 0, 0)
    return value.value, forkserver._forkserver._forkserver_alive_fd is None
