"""Logging in to Discord through an outage: capped backoff, one line per attempt.

A reboot during a Discord outage must not end the service: the jobs run and the
outbox fills while the login is retried. Only a token Discord rejects is final,
since nothing but a new token can help (the CLI exits 4 for it, and systemd does
not restart on that status).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.backoff import attempt_wait
from bot.config.durations import format_duration
from bot.store.db import error_line

if TYPE_CHECKING:
    from bot.discord.bot import TrendBot

log = logging.getLogger("trendbot.service")

DISCORD_RETRY_FIRST = timedelta(seconds=1)
DISCORD_RETRY_MAX = timedelta(minutes=2)


async def connect_discord(bot: TrendBot, token: str) -> None:
    """Log in, retrying with capped backoff while Discord cannot be reached, then stay on.

    Every failed attempt is one log line. Only a token Discord rejects (401 on login,
    or close code 4004 from the gateway) raises ``discord.LoginFailure``: nothing
    but a new token can help. Once logged in, discord.py's own loop reconnects after
    a dropped connection (each reconnect one line too, see bot.logs).
    """

    api = bot.settings.discord.api_base
    attempt = 0
    while True:
        try:
            await bot.login(token)
            break
        except discord.LoginFailure:
            raise
        except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            attempt += 1
            delay = attempt_wait(attempt, DISCORD_RETRY_FIRST, DISCORD_RETRY_MAX)
            log.warning(
                "cannot reach Discord at %s (attempt %s): %s; retrying in %s",
                api,
                attempt,
                error_line(exc),
                format_duration(delay),
            )
            await bot.forget_login()
            await asyncio.sleep(delay.total_seconds())
    if attempt:
        log.info("logged in to Discord after %s failed attempts", attempt)
    try:
        await bot.connect(reconnect=True)
    except discord.ConnectionClosed as exc:
        if exc.code == 4004:  # "authentication failed": the token was revoked meanwhile
            raise discord.LoginFailure("Discord's gateway rejected the token") from None
        raise
