"""Drafts to discord.py objects. The only place that knows both."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import discord

from bot.delivery.messages import Draft
from bot.time_text import TimeText

if TYPE_CHECKING:  # bot.discord.bot imports this module (through the sink)
    from bot.discord.bot import TrendBot


def embeds_of(draft: Draft) -> list[discord.Embed]:
    embeds = []
    for item in draft.embeds:
        embed = discord.Embed(
            title=item.title or None,
            description=item.description or None,
            url=item.url,
            colour=item.colour,
        )
        for field in item.fields:
            embed.add_field(name=field.name, value=field.value, inline=field.inline)
        if item.footer:
            embed.set_footer(text=item.footer)
        if item.image:
            embed.set_image(url=f"attachment://{item.image}")
        embeds.append(embed)
    return embeds


def local_times(bot: TrendBot) -> TimeText:
    """How a reply writes its times: in the running ``schedule.timezone``, read at each
    reply (so a config reload applies at once), against the moment it is sent."""
    return TimeText.of(bot.settings.schedule.timezone)


def send_kwargs(draft: Draft) -> dict[str, Any]:
    """Keyword arguments for ``Messageable.send`` / ``InteractionResponse.send_message``."""
    kwargs: dict[str, Any] = {"allowed_mentions": discord.AllowedMentions.none()}
    if draft.content:
        kwargs["content"] = draft.content
    embeds = embeds_of(draft)
    if embeds:
        kwargs["embeds"] = embeds
    files = [discord.File(io.BytesIO(item.data), filename=item.name) for item in draft.files]
    if files:
        kwargs["files"] = files
    return kwargs
