"""The outbox's Discord sink: posting drafts to channels, and sorting Discord's failures.

Each failure is raised as the :mod:`bot.core.send_errors` class that says what it
means for the row and its route; the sender acts on the class.
"""

from __future__ import annotations

from datetime import datetime

import aiohttp
import discord

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
from bot.discord.render import embeds_of, send_kwargs

RECENT = 50  # messages looked at when an earlier attempt may have posted already


class DiscordSink:
    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def _channel(self, channel_id: int | None, route: str) -> discord.abc.Messageable:
        if channel_id is None:
            raise NoChannel(f"no channel is configured for route {route!r}")
        channel = self.client.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.client.fetch_channel(channel_id)
            except discord.HTTPException as exc:
                raise _error(exc) from None
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                raise _unreachable(exc) from None
        if not isinstance(channel, discord.abc.Messageable):
            raise RouteBroken(f"channel {channel_id} cannot take messages")
        return channel

    async def send(
        self, channel_id: int | None, route: str, draft: Draft, nonce: str
    ) -> int | None:
        channel = await self._channel(channel_id, route)
        try:
            message = await channel.send(nonce=nonce, **send_kwargs(draft))
        except discord.RateLimited as exc:  # a wait longer than the client's max: later
            raise RateLimited(
                f"rate limited for {exc.retry_after:.0f} s", retry_after=exc.retry_after
            ) from None
        except discord.HTTPException as exc:
            raise _error(exc) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise _unreachable(exc) from None
        return message.id

    async def find_sent(
        self,
        channel_id: int | None,
        route: str,
        draft: Draft,
        nonce: str,
        since: datetime | None = None,
    ) -> int | None:
        """An earlier attempt's message: the same nonce if Discord kept it, else the same
        text and embeds by this bot, posted after the row was written (an older twin, such
        as yesterday's identical notice, is not this message)."""
        channel = await self._channel(channel_id, route)
        me = self.client.user
        wanted = [_core(e.to_dict()) for e in embeds_of(draft)]
        after = discord.Object(id=discord.utils.time_snowflake(since)) if since else None
        try:
            async for message in channel.history(limit=RECENT, after=after, oldest_first=False):
                if me is None or message.author.id != me.id:
                    continue
                if str(message.nonce or "") == nonce:
                    return message.id
                same_text = (message.content or "") == (draft.content or "")
                same_embeds = [_core(e.to_dict()) for e in message.embeds] == wanted
                if same_text and same_embeds:
                    return message.id
        except discord.HTTPException as exc:
            raise _error(exc) from None
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise _unreachable(exc) from None
        return None


def _core(embed: dict) -> tuple:
    """What makes two embeds the same message: every text, not only the title."""
    fields = tuple((f.get("name"), f.get("value")) for f in embed.get("fields") or [])
    footer = (embed.get("footer") or {}).get("text")
    return (embed.get("title"), embed.get("description"), embed.get("url"), fields, footer)


def _unreachable(exc: BaseException) -> Unreachable:
    """No answer at all (an outage, a dropped connection): the row waits, with backoff."""
    return Unreachable(f"{UNREACHABLE}: {type(exc).__name__}: {exc}"[:500])


def _error(exc: discord.HTTPException) -> SendError:
    status = getattr(exc, "status", 0)
    text = f"HTTP {status}: {exc.text or type(exc).__name__}"[:500]
    if status in (403, 404):
        return RouteBroken(text)
    if 400 <= status < 500 and status != 429:  # this message is refused; retrying cannot help
        return Refused(text)
    return SendError(text)
