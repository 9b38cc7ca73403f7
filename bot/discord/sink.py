"""The outbox's Discord sink: posting drafts to channels, and sorting Discord's failures."""

from __future__ import annotations

import aiohttp
import discord

from bot.discord.render import embeds_of, send_kwargs
from bot.messages import Draft
from bot.sender import SendError

RECENT = 50  # messages looked at when an earlier attempt may have posted already


class DiscordSink:
    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def _channel(self, channel_id: int | None, route: str) -> discord.abc.Messageable:
        if channel_id is None:
            raise SendError(
                f"no channel is configured for route {route!r}", route_broken=True, keep=True
            )
        channel = self.client.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.client.fetch_channel(channel_id)
            except discord.HTTPException as exc:
                raise _error(exc) from None
        if not isinstance(channel, discord.abc.Messageable):
            raise SendError(f"channel {channel_id} cannot take messages", route_broken=True)
        return channel

    async def send(
        self, channel_id: int | None, route: str, draft: Draft, nonce: str
    ) -> int | None:
        channel = await self._channel(channel_id, route)
        try:
            message = await channel.send(nonce=nonce, **send_kwargs(draft))
        except discord.RateLimited as exc:  # a wait longer than the client's max: later
            raise SendError(
                f"rate limited for {exc.retry_after:.0f} s", retry_after=exc.retry_after
            ) from None
        except discord.HTTPException as exc:
            raise _error(exc) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise SendError(f"Discord unreachable: {type(exc).__name__}: {exc}") from None
        return message.id

    async def find_sent(
        self, channel_id: int | None, route: str, draft: Draft, nonce: str
    ) -> int | None:
        """An earlier attempt's message: same nonce if Discord kept it, else same text by us."""
        channel = await self._channel(channel_id, route)
        me = self.client.user
        wanted = [e.to_dict() for e in embeds_of(draft)]
        try:
            async for message in channel.history(limit=RECENT):
                if me is None or message.author.id != me.id:
                    continue
                if str(message.nonce or "") == nonce:
                    return message.id
                same_text = (message.content or "") == (draft.content or "")
                same_embeds = [_core(e.to_dict()) for e in message.embeds] == [
                    _core(e) for e in wanted
                ]
                if same_text and same_embeds:
                    return message.id
        except discord.HTTPException as exc:
            raise _error(exc) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise SendError(f"Discord unreachable: {type(exc).__name__}: {exc}") from None
        return None


def _core(embed: dict) -> tuple:
    return (embed.get("title"), embed.get("description"), embed.get("url"))


def _error(exc: discord.HTTPException) -> SendError:
    status = getattr(exc, "status", 0)
    text = f"HTTP {status}: {exc.text or type(exc).__name__}"[:500]
    if status in (403, 404):
        return SendError(text, route_broken=True)
    return SendError(text)
