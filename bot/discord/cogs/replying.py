"""Answering an interaction with a draft, split to fit, whether or not it was deferred."""

from __future__ import annotations

import discord

from bot.delivery.messages import Draft, fit
from bot.discord.render import send_kwargs


async def reply(interaction: discord.Interaction, draft: Draft, *, ephemeral: bool = False) -> None:
    parts = fit(draft)
    for index, part in enumerate(parts):
        kwargs = send_kwargs(part)
        if index == 0 and not interaction.response.is_done():
            await interaction.response.send_message(ephemeral=ephemeral, **kwargs)
        else:
            await interaction.followup.send(ephemeral=ephemeral, **kwargs)
