"""/news and /why: what was published, and what happened to one link."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.delivery.replies import news_reply, why_reply
from bot.discord.cogs.replying import reply
from bot.discord.render import local_times
from bot.store.queries import decisions_for, recent_news

if TYPE_CHECKING:
    from bot.discord.bot import TrendBot


class News(commands.Cog):
    def __init__(self, bot: TrendBot) -> None:
        self.bot: TrendBot = bot

    @app_commands.command(
        name="news", description="Recent stories, optionally about a model or lab"
    )
    @app_commands.describe(entity="a model, lab or Hub id", days="how many days back (1-30)")
    async def news(
        self,
        interaction: discord.Interaction,
        entity: str | None = None,
        days: app_commands.Range[int, 1, 30] = 7,
    ) -> None:
        items = await self.bot.read(recent_news, entity, days)
        await reply(interaction, news_reply(items, entity, days, local_times(self.bot)))

    @app_commands.command(name="why", description="What happened to an article link, and why")
    @app_commands.describe(url="the article link")
    async def why(self, interaction: discord.Interaction, url: str) -> None:
        rows = await self.bot.read(decisions_for, url)
        await reply(interaction, why_reply(url, rows, local_times(self.bot)), ephemeral=True)


async def setup(bot: TrendBot) -> None:
    await bot.add_cog(News(bot))
