"""Why a send did not happen: the errors a sink raises and the sender sorts by class.

A sink (Discord, the terminal, a test) raises one of these for every send that did
not happen; the sender (:mod:`bot.delivery.sender`) catches them by class and decides what
becomes of the outbox row. The tree::

    SendError         a send that did not happen: the row waits, with backoff
    ├── RateLimited   a wait longer than the client waits itself: the row waits that long
    ├── Unreachable   no answer at all (an outage, a dropped connection): the row waits,
    │                 and is due again as soon as the other side is back
    ├── Refused       this message will never be accepted (a 400): it alone fails,
    │                 the admins are told, and its route goes on
    └── RouteBroken   retrying cannot help the route (403, 404, a channel that takes no
        │             messages): the route stops, the row fails, the admins are told
        └── NoChannel no channel is configured for the route yet: it stops the same
                      way, but its messages wait in the outbox for the channel to be set

An error's text is the reason stored with the row (``last_error``) and told to the
admins. An :class:`Unreachable` text starts with :data:`UNREACHABLE`, which is how
the sender finds those rows in the database again once the other side is back.

It imports nothing but the standard library, so the sinks raise these without
loading storage.
"""

from __future__ import annotations

__all__ = [
    "UNREACHABLE",
    "NoChannel",
    "RateLimited",
    "Refused",
    "RouteBroken",
    "SendError",
    "Unreachable",
]

# How an Unreachable's text starts: rows deferred with it are found by it again.
UNREACHABLE = "Discord unreachable"


class SendError(Exception):
    """A send that did not happen, for a reason that may pass: retried with backoff."""


class RateLimited(SendError):
    """Told to wait ``retry_after`` seconds, longer than the client waits by itself."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unreachable(SendError):
    """No answer at all; the text starts with :data:`UNREACHABLE`."""


class Refused(SendError):
    """This message will never be accepted (a 4xx other than 403, 404 and 429)."""


class RouteBroken(SendError):
    """The route cannot take messages (403, 404, not a text channel): it stops."""


class NoChannel(RouteBroken):
    """No channel is configured for the route: it stops, and its messages wait."""
