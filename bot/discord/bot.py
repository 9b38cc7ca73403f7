"""The bot: settings, database, the outbox sender loop, the config watcher and the cogs.

Kept small on purpose (features live in ``bot/discord/cogs/``). Mentions are off
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
from typing import Concatenate, ParamSpec, TypeVar

import discord
import yarl
from discord import app_commands
from discord.ext import commands, tasks
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config.schema import Settings
from bot.config.watch import ConfigWatcher
from bot.discord.permissions import NotAdmin
from bot.discord.sink import DiscordSink
from bot.sender import Sender
from bot.store.db import DatabaseError, DatabaseUnavailable, error_line, is_database_error

log = logging.getLogger("trendbot.discord")

EXTENSIONS = (
    "bot.discord.cogs.news",
    "bot.discord.cogs.rankings",
    "bot.discord.cogs.claims",
    "bot.discord.cogs.admin",
)
SEND_EVERY = 2.0  # seconds between outbox passes
WATCH_EVERY = 5.0  # seconds between checks of config.yaml
MAX_RATELIMIT_WAIT = 30.0  # seconds discord.py may wait out a 429 itself

P = ParamSpec("P")
T = TypeVar("T")


def point_at(settings: Settings) -> None:
    """Use the configured REST base and gateway (process-wide in discord.py)."""
    discord.http.Route.BASE = settings.discord.api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord.gateway_url)


class TrendBot(commands.Bot):
    # What the cogs reach for, typed here so they need no ``type: ignore``: each cog
    # holds ``self.bot: TrendBot`` (imported under ``TYPE_CHECKING``, as RoboDanny does).
    settings: Settings  # the running configuration; replaced whole on a reload
    engine: Engine
    config_path: Path | None  # None: no config.yaml to edit or watch
    sender: Sender

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        config_path: Path | None = None,
        run_sender: bool = True,
        guild_ready_timeout: float = 2.0,
    ) -> None:
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
        self.settings = settings
        self.engine = engine
        self.config_path = config_path
        self.run_sender = run_sender
        self.sender = Sender(settings, engine, DiscordSink(self))
        self.watcher = ConfigWatcher(config_path)
        self.config_problems: list[str] = []
        self.on_settings: Callable[[Settings], None] | None = None
        # the service's view of the database: while it is down the outbox waits
        self.database_ready: Callable[[], bool] = lambda: True
        self.tree.on_error = self._on_app_command_error

    async def setup_hook(self) -> None:
        """Cogs, slash commands and the loops; runs on each login attempt that gets this far."""
        for extension in EXTENSIONS:
            if extension not in self.extensions:
                await self.load_extension(extension)
        await self._sync_commands()
        if self.run_sender and not self.deliver_outbox.is_running():
            self.deliver_outbox.start()
        self.start_watching()

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

    def start_watching(self) -> None:
        """Watch config.yaml; also before the first login, so an edit applies in an outage."""
        if self.config_path is not None and not self.watch_config.is_running():
            self.watch_config.start()

    async def forget_login(self) -> None:
        """Close what a failed login opened (its HTTP session), so the next starts clean.

        discord.py opens a new session on every login and closes the old one only
        on ``close()``, which would also end the bot; closing the session closes its
        connector, so a new one is made next time.
        """
        await self.http.close()
        self.http.connector = discord.utils.MISSING

    async def on_ready(self) -> None:
        await self._wake_outbox()

    async def on_resumed(self) -> None:
        await self._wake_outbox()

    async def _wake_outbox(self) -> None:
        """Discord is back: what waited for it goes now, not at the end of its backoff."""
        if not self.run_sender or not self.database_ready():
            return
        try:
            woken = await asyncio.to_thread(self.sender.retry_unreachable_now)
        except DatabaseError:
            return  # the service has reported it; the rows wait for their own time
        if woken:
            log.info("Discord is reachable again: %s deferred messages are due now", woken)

    async def close(self) -> None:
        self.deliver_outbox.cancel()
        self.watch_config.cancel()
        await super().close()

    async def read(
        self, fn: Callable[Concatenate[Session, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """``fn(session, *args, **kwargs)`` in a thread, with a session of its own.

        The one way a command runs a read model (:mod:`bot.queries`): the database
        never blocks the event loop, and a session is never shared between threads
        (it is opened and closed in the thread that uses it). What ``fn`` raises
        reaches the command, and so the error handler, unchanged.
        """

        def run() -> T:
            with Session(self.engine) as session:
                return fn(session, *args, **kwargs)

        return await asyncio.to_thread(run)

    @tasks.loop(seconds=SEND_EVERY)
    async def deliver_outbox(self) -> None:
        if not self.database_ready():  # the service waits for the database to come back
            return
        try:
            await self.sender.deliver()
        except DatabaseError:
            pass  # reported once by the service, which pauses this loop until it is back
        except Exception:  # the loop must survive anything; the row stays pending
            log.exception("outbox delivery pass failed")

    @deliver_outbox.before_loop
    async def _before_delivery(self) -> None:
        await self.wait_until_ready()

    @tasks.loop(seconds=WATCH_EVERY)
    async def watch_config(self) -> None:
        try:
            await self.reload_config(only_if_changed=True)
        except DatabaseError as exc:  # the edit is applied; only telling the admins failed
            log.warning("config.yaml problems not queued for the admins: %s", exc)
        except Exception:  # a loop that raises stops for good: log, keep watching
            log.exception("applying config.yaml failed; the running configuration is kept")

    async def reload_config(self, only_if_changed: bool = False) -> list[str]:
        """Apply config.yaml (if it changed); keep the running settings if it is invalid.

        Returns the problems found (empty when the file was applied or unchanged).
        Invalid edits are reported to the admins once per version of the file.
        """
        settings, problems = await self.watcher.check(force=not only_if_changed)
        self.config_problems = problems
        if problems:
            await asyncio.to_thread(self._report_config_problems, problems)
        elif settings is not None:
            self.apply_settings(settings)
            log.info("configuration reloaded from %s", self.config_path)
        return problems

    def apply_settings(self, settings: Settings) -> None:
        if self.on_settings is not None:
            self.on_settings(settings)  # the service rebuilds its jobs first: if that fails,
        self.settings = settings  # nothing here has changed yet
        self.sender.settings = settings
        self.sender.broken.clear()  # an admin may have fixed a channel

    def _report_config_problems(self, problems: list[str]) -> None:
        from sqlmodel import Session

        from bot.outbox import enqueue_config_problems
        from bot.store.types import utcnow

        # logged first: with the database down the admins hear of it from the log alone
        log.warning("config.yaml invalid, kept the running configuration: %s", "; ".join(problems))
        with Session(self.engine) as session:
            version = self.watcher.version or 0
            enqueue_config_problems(session, self.settings.discord, problems, version, utcnow())
            session.commit()

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
