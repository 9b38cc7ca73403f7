"""/rankings and /model: the Hub figures, always with their scope and time."""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands
from sqlmodel import Session

from bot.discord.cogs.replying import reply
from bot.queries import load_ranking, model_card, tracked_repo_ids
from bot.replies import model_reply, ranking_reply

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
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="rankings", description="Hub rankings by family, author or model")
    @app_commands.describe(by="what to rank", metric="by which figure", limit="rows (1-25)")
    @app_commands.choices(by=BY, metric=METRIC)
    async def rankings(
        self,
        interaction: discord.Interaction,
        by: str = "family",
        metric: str = "alltime",
        limit: app_commands.Range[int, 1, 25] = 10,
    ) -> None:
        from datetime import timedelta

        bot = self.bot
        ranking = await asyncio.to_thread(
            load_ranking,
            bot.settings,  # type: ignore[attr-defined]
            bot.engine,  # type: ignore[attr-defined]
            by,
            metric,
            timedelta(days=7),
            limit,
        )
        await reply(interaction, ranking_reply(ranking))

    @app_commands.command(name="model", description="A tracked model's figures and recent news")
    @app_commands.describe(repo_id="the Hub repo id, e.g. Qwen/Qwen3-8B")
    async def model(self, interaction: discord.Interaction, repo_id: str) -> None:
        def load():
            with Session(self.bot.engine) as session:  # type: ignore[attr-defined]
                return model_card(session, repo_id)

        card = await asyncio.to_thread(load)
        await reply(interaction, model_reply(card))

    @model.autocomplete("repo_id")
    async def _repo_ids(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        def load():
            with Session(self.bot.engine) as session:  # type: ignore[attr-defined]
                return tracked_repo_ids(session, current)

        return [app_commands.Choice(name=r, value=r) for r in await asyncio.to_thread(load)]


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Rankings(bot))
