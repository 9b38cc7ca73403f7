"""Feeds, status and the admin commands (feed edits, reload, digest now).

Discord can hide a command only as a whole, not one subcommand, so the admin
actions live in their own groups (``/feeds-admin``, ``/digest``), hidden from
members without Manage Server by ``default_permissions`` and, since server admins
can change that default, refused at run time by :func:`admin_only` as well.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.delivery.messages import Draft, inert
from bot.delivery.replies import feeds_reply, status_reply
from bot.discord.cogs.replying import reply
from bot.discord.permissions import ADMIN_DEFAULT, admin_only
from bot.discord.render import local_times
from bot.store.queries import feeds_overview, status

if TYPE_CHECKING:
    from bot.discord.bot import TrendBot


class Admin(commands.Cog):
    feeds = app_commands.Group(name="feeds", description="The news feeds trendbot follows")
    feeds_admin = app_commands.Group(
        name="feeds-admin",
        description="Add, remove or reload feeds (admins)",
        default_permissions=ADMIN_DEFAULT,
        guild_only=True,
    )
    digest = app_commands.Group(
        name="digest",
        description="Digests (admins)",
        default_permissions=ADMIN_DEFAULT,
        guild_only=True,
    )

    def __init__(self, bot: TrendBot) -> None:
        self.bot: TrendBot = bot

    @feeds.command(name="list", description="Every feed with its health, last fetch and last error")
    async def feeds_list(self, interaction: discord.Interaction) -> None:
        feeds = await self.bot.read(feeds_overview)
        await reply(interaction, feeds_reply(feeds, local_times(self.bot)))

    @app_commands.command(name="status", description="Last crawl, last Hub snapshot, failing feeds")
    async def status(self, interaction: discord.Interaction) -> None:
        state = await self.bot.read(status)
        await reply(interaction, status_reply(state, local_times(self.bot)))

    @feeds_admin.command(name="add", description="Test a feed, then add it to config.yaml")
    @app_commands.describe(name="a short unique name", url="the RSS or Atom URL")
    @admin_only()
    async def feeds_add(self, interaction: discord.Interaction, name: str, url: str) -> None:
        from bot.config.edit import ConfigError, EditRefused, add_feed, problems_text
        from bot.ingest.feedcheck import check_source, http_url_problem
        from bot.ingest.fetch import Fetcher

        bot = self.bot
        url = url.strip()
        # Before anything is opened: a path or file: URL must not reach the host's files,
        # and the answer must not say whether such a file exists.
        problem = http_url_problem(url)
        if problem:
            text = f"Not added: {problem}, e.g. https://example.com/feed.xml"
            await reply(interaction, Draft(content=text), ephemeral=True)
            return
        config_path = bot.config_path
        if config_path is None:
            await reply(interaction, Draft(content="No config file to edit."), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with Fetcher(bot.settings.http) as fetcher:
            check = await check_source(url, fetcher)
        if not check.ok:
            text = f"Not added: {inert(url)} is not a usable feed: {inert(check.error)}"
            await reply(interaction, Draft(content=text), ephemeral=True)
            return
        try:
            settings = await asyncio.to_thread(add_feed, config_path, name, url)
        except EditRefused as exc:
            await reply(interaction, Draft(content=f"Not added: {inert(str(exc))}"), ephemeral=True)
            return
        except ConfigError as exc:
            text = "Not added, the configuration would be invalid:\n" + "\n".join(
                problems_text(exc)
            )
            await reply(interaction, Draft(content=inert(text)), ephemeral=True)
            return
        bot.control.apply(settings)
        text = f"Added {inert(name)} ({check.version}, {check.entries} items); config.yaml saved."
        await reply(interaction, Draft(content=text), ephemeral=True)

    @feeds_admin.command(name="remove", description="Remove a feed from config.yaml")
    @app_commands.describe(name="the feed's name")
    @admin_only()
    async def feeds_remove(self, interaction: discord.Interaction, name: str) -> None:
        from bot.config.edit import ConfigError, EditRefused, problems_text, remove_feed

        bot = self.bot
        config_path = bot.config_path
        if config_path is None:  # a bot started without a config file has none to edit
            await reply(interaction, Draft(content="No config file to edit."), ephemeral=True)
            return
        try:
            settings = await asyncio.to_thread(remove_feed, config_path, name)
        except (EditRefused, FileNotFoundError) as exc:
            await reply(
                interaction, Draft(content=f"Not removed: {inert(str(exc))}"), ephemeral=True
            )
            return
        except ConfigError as exc:
            text = "Not removed:\n" + "\n".join(problems_text(exc))
            await reply(interaction, Draft(content=inert(text)), ephemeral=True)
            return
        bot.control.apply(settings)
        text = f"Removed {inert(name)}; its stored articles stay. config.yaml saved."
        await reply(interaction, Draft(content=text), ephemeral=True)

    @feeds_admin.command(name="reload", description="Re-read config.yaml now")
    @admin_only()
    async def feeds_reload(self, interaction: discord.Interaction) -> None:
        problems = await self.bot.control.reload_config()
        if problems:
            text = "config.yaml is invalid; the running configuration is kept:\n" + "\n".join(
                problems
            )
        else:
            count = len(self.bot.settings.feeds)
            text = f"Configuration reloaded: {count} feeds."
        await reply(interaction, Draft(content=inert(text)), ephemeral=True)

    @digest.command(name="now", description="Post the digest of the period since the last one")
    @admin_only()
    async def digest_now(self, interaction: discord.Interaction) -> None:
        bot = self.bot
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await bot.control.post_digest_now()
        if outcome.posted:
            times = local_times(bot)
            span = f"{times.span(outcome.start, outcome.end)} ({times.zone_name})"
            text = f"Digest for {span} queued."
        else:
            text = "A digest for this period was already posted."
        await reply(interaction, Draft(content=text), ephemeral=True)


async def setup(bot: TrendBot) -> None:
    await bot.add_cog(Admin(bot))
