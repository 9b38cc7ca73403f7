"""The Discord sink sorts Discord's failures into the send-error tree."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import aiohttp
import discord
import pytest

from bot.core.send_errors import (
    UNREACHABLE,
    NoChannel,
    RateLimited,
    Refused,
    RouteBroken,
    SendError,
    Unreachable,
)
from bot.delivery.messages import Draft
from bot.discord.sink import DiscordSink, _error, _unreachable


def http_error(status: int, message: str = "x") -> discord.HTTPException:
    response = SimpleNamespace(status=status, reason="reason")
    return discord.HTTPException(response, {"message": message, "code": 0})


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (403, RouteBroken),
        (404, RouteBroken),
        (400, Refused),
        (413, Refused),
        (429, SendError),
        (500, SendError),
        (503, SendError),
    ],
)
def test_an_http_failure_is_the_class_that_says_what_it_means(status, error):
    raised = _error(http_error(status, "Missing Permissions"))
    assert type(raised) is error
    assert str(raised) == f"HTTP {status}: Missing Permissions"


def test_no_answer_is_unreachable_and_says_so_first():
    raised = _unreachable(aiohttp.ClientConnectionError("connection reset"))
    assert type(raised) is Unreachable
    assert str(raised) == f"{UNREACHABLE}: ClientConnectionError: connection reset"


class Channel(discord.abc.Messageable):
    """A channel whose send fails as it is told."""

    def __init__(self, failure: BaseException) -> None:
        self.failure = failure

    async def _get_channel(self):  # pragma: no cover - never reached
        raise NotImplementedError

    async def send(self, *args, **kwargs):
        raise self.failure


class Client:
    def __init__(self, channel=None) -> None:
        self.channel = channel

    def get_channel(self, channel_id):
        return self.channel


def send(sink: DiscordSink, channel_id: int | None = 1) -> None:
    asyncio.run(sink.send(channel_id, "news", Draft(content="hi"), "1"))


def test_a_route_without_a_channel_waits_for_one():
    with pytest.raises(NoChannel, match="no channel is configured for route 'news'"):
        send(DiscordSink(Client()), None)


def test_a_channel_that_takes_no_messages_breaks_the_route():
    sink = DiscordSink(Client(channel=object()))
    with pytest.raises(RouteBroken, match="channel 1 cannot take messages") as caught:
        send(sink)
    assert type(caught.value) is RouteBroken


def test_a_long_rate_limit_is_retried_after_the_wait():
    limited = discord.RateLimited(120.0)
    with pytest.raises(RateLimited, match="rate limited for 120 s") as caught:
        send(DiscordSink(Client(channel=Channel(limited))))
    assert caught.value.retry_after == 120.0


def test_a_timeout_is_unreachable():
    with pytest.raises(Unreachable, match=f"^{UNREACHABLE}: TimeoutError"):
        send(DiscordSink(Client(channel=Channel(TimeoutError()))))


def test_the_tree_is_as_drawn():
    assert issubclass(NoChannel, RouteBroken)
    for error in (RateLimited, Unreachable, Refused, RouteBroken):
        assert error.__bases__ == (SendError,)
