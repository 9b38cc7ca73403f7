"""A slash command that meets a database error: one line to the member and to the log,
never SQL; the database away is said so, not logged as a failure of the command."""

from __future__ import annotations

import logging

import pytest
import simcord
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.config.load import parse_settings
from bot.service import Service
from bot.store.db import DatabaseUnavailable

SQL_WORDS = ("[SQL", "SELECT", "parameters:", "Traceback")


@pytest.fixture
def simcord_bot(engine):
    settings = parse_settings("discord: {channels: {}}\n")
    return Service(settings, engine, None).with_discord(guild_ready_timeout=0.1)


@pytest.fixture
def member(simcord_env):
    guild = simcord_env.create_guild()
    return guild.create_text_channel("general"), guild.add_member(simcord_env.create_user("reader"))


async def test_a_database_error_reaches_neither_member_nor_log_as_sql(
    simcord_env, simcord_bot, member, caplog
):
    channel, reader = member
    with simcord_bot.engine.begin() as connection:  # a damaged schema: a table gone
        connection.execute(text("DROP TABLE decisions"))
    caplog.set_level(logging.DEBUG, logger="trendbot.discord")
    answer = await reader.slash(channel, "why", url="https://wire.example/qwen")
    simcord.assert_error(simcord_env, SQLAlchemyError)  # what the command raised
    assert answer.ephemeral
    assert answer.response.content == "Something went wrong on trendbot's side; it has been logged."
    [record] = [r for r in caplog.records if r.name == "trendbot.discord"]
    assert record.levelno == logging.ERROR and record.exc_info is None
    message = record.getMessage()
    assert message.startswith("command /why failed: database error: ")
    assert "decisions" in message  # the driver's reason: no such table / does not exist
    for word in SQL_WORDS:
        assert word not in caplog.text and word not in answer.response.content


async def test_a_command_meeting_the_database_away_says_so(
    simcord_env, simcord_bot, member, caplog, monkeypatch
):
    from bot.discord.cogs import news

    channel, reader = member

    def away(session, url):
        raise DatabaseUnavailable("database bot.db is locked by another process", "locked")

    monkeypatch.setattr(news, "decisions_for", away)
    caplog.set_level(logging.INFO, logger="trendbot.discord")
    answer = await reader.slash(channel, "why", url="https://wire.example/qwen")
    simcord.assert_error(simcord_env, DatabaseUnavailable)
    assert answer.ephemeral
    assert answer.response.content == "The database is unavailable, try again shortly."
    # the service logs the outage once (the engine's fault watch): not once per command
    assert [r for r in caplog.records if r.name == "trendbot.discord"] == []


async def test_a_bug_in_a_command_keeps_its_traceback_in_the_log(
    simcord_env, simcord_bot, member, caplog, monkeypatch
):
    from bot.discord.cogs import news

    channel, reader = member

    def broken(session, url):
        raise KeyError("feed_id")

    monkeypatch.setattr(news, "decisions_for", broken)
    caplog.set_level(logging.INFO, logger="trendbot.discord")
    answer = await reader.slash(channel, "why", url="https://wire.example/qwen")
    simcord.assert_error(simcord_env, KeyError)
    assert answer.response.content == "Something went wrong on trendbot's side; it has been logged."
    [record] = [r for r in caplog.records if r.name == "trendbot.discord"]
    assert record.getMessage() == "command /why failed: KeyError: 'feed_id'"
    assert record.exc_info is not None and isinstance(record.exc_info[1], KeyError)
