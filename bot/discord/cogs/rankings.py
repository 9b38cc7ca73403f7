"""/rankings and /model: the Hub figures, always with their scope and time."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.delivery.messages import Attachment, Draft
from bot.delivery.pictures import history_picture, ranking_picture
from bot.delivery.replies import model_reply, ranking_reply
from bot.discord.cogs.replying import reply
from bot.discord.render import local_times
from bot.store.queries import load_ranking, model_card, tracked_repo_ids

if TYPE_CHECKING:
    from bot.discord.bot import TrendBot

BY = [app_commands.Choice(name=v, value=v) for v in ("family", "author", "model")]
METRIC = [
    app_commands.Choice(name=n, value=v)
    for n, v in (
        ("all-time downloads", "alltime"),
        ("downloads, last 30 days", "30d"),
        ("likes", "likes"),
        ("trending score", "trending"),
        ("downloads gained, last 7 days", "growth"),
    )
]


class Rankings(commands.Cog):
    def __init__(self, bot: TrendBot) -> None:
        self.bot: TrendBot = bot

    @app_commands.command(name="rankings", description="Hub rankings by family, author or model")
    @app_commands.describe(
        by="what to rank", metric="by which figure", limit="rows (1-25)", chart="attach a chart"
    )
    @app_commands.choices(by=BY, metric=METRIC)
    async def rankings(
        self,
        interaction: discord.Interaction,
        by: str = "family",
        metric: str = "alltime",
        limit: app_commands.Range[int, 1, 25] = 10,
        chart: bool = False,
    ) -> None:
        bot = self.bot
        settings = bot.settings
        if chart:  # rendering takes longer than Discord's three seconds may allow
            await interaction.response.defer(thinking=True)
        week = timedelta(days=7)
        ranking = await bot.read(load_ranking, settings, by, metric, week, limit)
        draft = ranking_reply(ranking, local_times(bot))
        if chart:
            picture = await bot.read(ranking_picture, settings, ranking, week)
            draft = _with_picture(draft, picture)
        await reply(interaction, draft)

    @app_commands.command(name="model", description="A tracked model's figures and recent news")
    @app_commands.describe(repo_id="the Hub repo id, e.g. Qwen/Qwen3-8B")
    async def model(self, interaction: discord.Interaction, repo_id: str) -> None:
        await interaction.response.defer(thinking=True)
        card = await self.bot.read(model_card, repo_id)
        draft = model_reply(card, local_times(self.bot))
        if card.model is not None:
            picture = await self.bot.read(history_picture, self.bot.settings, repo_id, 30)
            if picture is not None:
                draft = _with_picture(draft, picture)
        await reply(interaction, draft)

    @model.autocomplete("repo_id")
    async def _repo_ids(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        ids = await self.bot.read(tracked_repo_ids, current)
        return [app_commands.Choice(name=r, value=r) for r in ids]


def _with_picture(draft: Draft, picture: Attachment) -> Draft:
    """The chart attached and shown inside the draft's first embed."""
    embeds = draft.embeds
    if embeds:
        embeds = (replace(embeds[0], image=picture.name), *embeds[1:])
    return replace(draft, embeds=embeds, files=(picture,))


async def setup(bot: TrendBot) -> None:
    await bot.add_cog(Rankings(bot))
