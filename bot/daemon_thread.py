"""Long blocking work off the event loop, in threads that never hold up an exit.

``asyncio.to_thread`` threads are joined when the loop closes, so a Hub snapshot
waiting on a slow Hub, or a database probe waiting out a lock, would hold a SIGTERM
hostage. The service's long jobs and the database gate run their blocking calls
here instead: a daemon thread is simply left behind when trendbot stops, and the
transaction it had open, never committed, leaves the database as it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def in_daemon_thread(function: Callable[..., T], *args: object, **kwargs: object) -> Awaitable[T]:
    """``function(*args, **kwargs)`` in a daemon thread, awaited on the running loop.

    What ``function`` raises is raised to the awaiting coroutine; if the loop is
    gone by the time it returns, the result is dropped with the thread.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def work() -> None:
        try:
            result = function(*args, **kwargs)
        except BaseException as exc:  # handed to the awaiting coroutine
            outcome: tuple[object, BaseException | None] = (None, exc)
        else:
            outcome = (result, None)
        # the loop may be gone: the service stopped and left this thread behind
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle, future, *outcome)

    threading.Thread(target=work, name=f"trendbot-{function.__name__}", daemon=True).start()
    return future


def _settle(future: asyncio.Future, result: object, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
