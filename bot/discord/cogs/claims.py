"""/claims: what the news claimed, and what the Hub data says about it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.delivery.replies import claims_reply
from bot.discord.cogs.replying import reply
from bot.store.queries import recent_claims

if TYPE_CHECKING:
    from bot.discord.bot import TrendBot


class Claims(commands.Cog):
    def __init__(self, bot: TrendBot) -> None:
        self.bot: TrendBot = bot

    @app_commands.command(name="claims", description="Recent claims from the news, with verdicts")
    @app_commands.describe(entity="only claims about this model, lab or Hub id")
    async def claims(self, interaction: discord.Interaction, entity: str | None = None) -> None:
        items = await self.bot.read(recent_claims, entity)
        await reply(interaction, claims_reply(items, entity))


async def setup(bot: TrendBot) -> None:
    await bot.add_cog(Claims(bot))
