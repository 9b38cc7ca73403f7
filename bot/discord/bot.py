"""The Discord adapter: the gateway, the slash commands (cogs) and the sink for drafts.

It owns no job and no configuration of its own. The service (``bot.service``, the
one composition root) runs the scheduler, the config watcher and the sender; the
bot receives the sender's drafts through :attr:`TrendBot.sink` and asks the
service for everything else through :class:`Control`: the running settings,
applying an edited config, a digest now. Kept small on purpose (features live in
``bot/discord/cogs/``). Mentions are off
for everything the bot sends (``AllowedMentions.none()``), and ``discord.api_base``
and ``discord.gateway_url`` from the config replace Discord's REST base and
gateway, for a REST proxy or an offline harness.

The service logs in again and again while Discord cannot be reached (see
``bot.service.connect_discord``), so everything done on login here may run more
than once: ``setup_hook`` does only what is not done yet, and ``forget_login``
drops what a failed attempt left behind.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec, Protocol, TypeVar

import discord
import yarl
from discord import app_commands
from discord.ext import commands
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config.schema import Settings
from bot.discord.permissions import NotAdmin
from bot.discord.sink import DiscordSink
from bot.store.db import DatabaseUnavailable, error_line, is_database_error

if TYPE_CHECKING:
    from bot.delivery.digest_job import DigestOutcome
    from bot.delivery.sender import Sender

log = logging.getLogger("trendbot.discord")

EXTENSIONS = (
    "bot.discord.cogs.news",
    "bot.discord.cogs.rankings",
    "bot.discord.cogs.claims",
    "bot.discord.cogs.admin",
)
MAX_RATELIMIT_WAIT = 30.0  # seconds discord.py may wait out a 429 itself

P = ParamSpec("P")
T = TypeVar("T")


def point_at(settings: Settings) -> None:
    """Use the configured REST base and gateway (process-wide in discord.py)."""
    discord.http.Route.BASE = settings.discord.api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord.gateway_url)


class Control(Protocol):
    """What the bot asks of the service that runs it (:class:`bot.service.Service`)."""

    settings: Settings  # the running configuration; replaced whole on a reload
    engine: Engine
    config_path: Path | None  # None: no config.yaml to edit or watch
    sender: Sender | None

    def apply(self, settings: Settings) -> None:
        """Run on ``settings`` from now on (an admin edited config.yaml)."""

    async def reload_config(self, only_if_changed: bool = False) -> list[str]:
        """Re-read config.yaml; the problems found, empty when it was applied."""

    async def post_digest_now(self) -> DigestOutcome:
        """Queue the digest of the period since the last one."""

    async def wake_outbox(self) -> None:
        """Discord is reachable (again): what waited for it is due now."""


class TrendBot(commands.Bot):
    # What the cogs reach for is typed here, so they need no ``type: ignore``: each cog
    # holds ``self.bot: TrendBot`` (imported under ``TYPE_CHECKING``, as RoboDanny does).

    def __init__(self, control: Control, *, guild_ready_timeout: float = 2.0) -> None:
        # trendbot never joins voice: discord.py's warnings that the voice libraries
        # (PyNaCl, davey) are missing would only be noise at every start
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            guild_ready_timeout=guild_ready_timeout,
            # a rate-limit wait longer than this raises instead of blocking the sender:
            # the message goes back to the outbox with the wait as its next attempt
            max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
        )
        self.control = control
        self.sink = DiscordSink(self)  # the service's sender posts through it
        self.tree.on_error = self._on_app_command_error

    @property
    def settings(self) -> Settings:
        return self.control.settings

    @property
    def engine(self) -> Engine:
        return self.control.engine

    @property
    def config_path(self) -> Path | None:
        return self.control.config_path

    @property
    def sender(self) -> Sender | None:
        return self.control.sender

    async def setup_hook(self) -> None:
        """Cogs and slash commands; runs on each login attempt that gets this far."""
        for extension in EXTENSIONS:
            if extension not in self.extensions:
                await self.load_extension(extension)
        await self._sync_commands()

    async def _sync_commands(self) -> None:
        """Register the slash commands; a refusal costs the commands, not the posting.

        A network error or a 5xx is raised, so the login is tried again; a 4xx
        (the bot was invited without the applications.commands scope, say) cannot
        be helped by retrying, so it is one line in the log and the bot goes on.
        """
        guild_id = self.settings.discord.guild_id
        try:
            if guild_id:
                guild = discord.Object(id=guild_id)
                self.tree.copy_global_to(guild=guild)
                await self.tree.sync(guild=guild)
            else:
                await self.tree.sync()
        except discord.HTTPException as exc:
            if exc.status >= 500 or exc.status == 429:
                raise
            log.warning("slash commands not registered: HTTP %s: %s", exc.status, exc.text)

    async def forget_login(self) -> None:
        """Close what a failed login opened (its HTTP session), so the next starts clean.

        discord.py opens a new session on every login and closes the old one only
        on ``close()``, which would also end the bot; closing the session closes its
        connector, so a new one is made next time.
        """
        await self.http.close()
        self.http.connector = discord.utils.MISSING

    async def on_ready(self) -> None:
        await self.control.wake_outbox()

    async def on_resumed(self) -> None:
        await self.control.wake_outbox()

    async def read(
        self, fn: Callable[Concatenate[Session, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """``fn(session, *args, **kwargs)`` in a thread, with a session of its own.

        The one way a command runs a read model (:mod:`bot.store.queries`): the database
        never blocks the event loop, and a session is never shared between threads
        (it is opened and closed in the thread that uses it). What ``fn`` raises
        reaches the command, and so the error handler, unchanged.
        """

        def run() -> T:
            with Session(self.engine) as session:
                return fn(session, *args, **kwargs)

        return await asyncio.to_thread(run)

    async def _on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """One line to the member and one to the log, never SQL.

        A command that meets the database away says so (the service has logged the
        outage once, through the engine's fault watch); any other failure is logged
        as one line, with the traceback only when it is not a database error.
        """
        command = interaction.command.qualified_name if interaction.command else "?"
        original = getattr(error, "original", None) or error  # what the command raised
        if isinstance(error, NotAdmin):
            message = str(error)
        elif isinstance(original, DatabaseUnavailable):
            log.debug("command /%s not answered: %s", command, original)
            message = "The database is unavailable, try again shortly."
        else:
            trace = None if is_database_error(original) else original
            log.error("command /%s failed: %s", command, error_line(original), exc_info=trace)
            message = "Something went wrong on trendbot's side; it has been logged."
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
