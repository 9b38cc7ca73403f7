"""/claims: what the news claimed, and what the Hub data says about it."""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands
from sqlmodel import Session

from bot.discord.cogs.replying import reply
from bot.queries import recent_claims
from bot.replies import claims_reply


class Claims(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="claims", description="Recent claims from the news, with verdicts")
    @app_commands.describe(entity="only claims about this model, lab or Hub id")
    async def claims(self, interaction: discord.Interaction, entity: str | None = None) -> None:
        def load():
            with Session(self.bot.engine) as session:  # type: ignore[attr-defined]
                return recent_claims(session, entity)

        items = await asyncio.to_thread(load)
        await reply(interaction, claims_reply(items, entity))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Claims(bot))
