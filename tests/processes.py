"""The processes a test run started, as /proc shows them, to check that none outlives it.

Linux only: the checks that use this skip elsewhere.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

LINUX = sys.platform.startswith("linux")
_PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    state: str
    started: int  # clock ticks after boot: with the pid, names one process even if a pid is reused
    command: str

    def __str__(self) -> str:
        return f"pid {self.pid} (parent {self.ppid}): {self.command}"


def _read(pid: int) -> Proc | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    # the command name in parentheses may itself hold spaces and parentheses
    fields = stat.rsplit(")", 1)[1].split()
    command = raw.replace(b"\0", b" ").decode(errors="replace").strip()[:200]
    return Proc(pid, int(fields[1]), fields[0], int(fields[19]), command or stat.split()[1])


def table() -> dict[int, Proc]:
    """Every process of the machine, by pid."""
    procs = (_read(int(name)) for name in os.listdir("/proc") if name.isdigit())
    return {proc.pid: proc for proc in procs if proc is not None}


def descendants(root: int) -> list[Proc]:
    """The running (not zombie) children of ``root``, their children, and so on."""
    children: dict[int, list[Proc]] = {}
    for proc in table().values():
        children.setdefault(proc.ppid, []).append(proc)
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            todo.append(child.pid)
            if child.state != "Z":
                found.append(child)
    return found


def running(proc: Proc) -> bool:
    """Is this very process (same pid, same start) still there, and not a zombie?"""
    now = _read(proc.pid)
    return now is not None and now.started == proc.started and now.state != "Z"


def wait_gone(procs: Callable[[], Iterable[Proc]], within: float) -> list[Proc]:
    """Wait until ``procs()`` is empty, at most ``within`` seconds; what is left then."""
    deadline = time.monotonic() + within
    while True:
        left = [proc for proc in procs() if running(proc)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def kill_all(procs: Iterable[Proc]) -> None:
    for proc in procs:
        if running(proc):
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)


def become_subreaper() -> bool:
    """Adopt the orphans of this process's descendants (instead of init), so that what
    a killed subprocess leaves behind stays visible as a descendant of this process."""
    if not LINUX:
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _shared_helpers() -> set[int]:
    """The forkserver and resource tracker of this process: shared by every worker pool,
    kept for the whole run on purpose, and stopped at its end."""
    from multiprocessing import forkserver, resource_tracker

    # private attributes (tests/bot/ingest/test_workers.py checks that they exist)
    pids = (
        getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None),
        getattr(getattr(resource_tracker, "_resource_tracker", None), "_pid", None),
    )
    return {pid for pid in pids if pid}


def left_behind(grace: float = 15.0) -> list[Proc]:
    """Processes the tests started that are still running at the end, after a grace time.

    First every process but the shared forkserver and resource tracker must be gone
    (an open worker pool shows here as the forkserver's children, before stopping
    the forkserver would kill them); then those two are stopped and must go too.
    What is left is killed, so that a failed check does not leave it running; the
    shared two then end with this process (stopping the tracker while a leaked
    pool's locks still exist would only add noise to the report).
    """
    from bot.ingest.workers import stop_forkserver

    me = os.getpid()
    shared = _shared_helpers()
    left = wait_gone(lambda: [p for p in descendants(me) if p.pid not in shared], grace)
    if not left:
        gc.collect()  # closed pools' locks go before the tracker stops, or it calls them leaked
        stop_forkserver()
        left = wait_gone(lambda: descendants(me), grace)
    kill_all(left)
    return left
