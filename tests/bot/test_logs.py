"""Log lines: key=value or JSON, and secrets never appear."""

from __future__ import annotations

import json
import logging

import pytest

from bot.logs import setup_logging


@pytest.fixture(autouse=True)
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_key_value_lines_redact_secrets(capsys):
    setup_logging("info", False, secrets=["MTA4NzQ1.secret-token"])
    logging.getLogger("trendbot.test").info("login with %s failed", "MTA4NzQ1.secret-token")
    line = capsys.readouterr().err.strip()
    assert "secret-token" not in line
    assert 'msg="login with [redacted] failed"' in line
    assert "level=info logger=trendbot.test" in line


def test_json_lines(capsys):
    setup_logging("warning", True)
    logging.getLogger("trendbot.test").info("hidden")
    logging.getLogger("trendbot.test").warning("shown")
    [line] = capsys.readouterr().err.strip().splitlines()
    data = json.loads(line)
    assert (data["level"], data["logger"], data["msg"]) == ("warning", "trendbot.test", "shown")


def test_level_from_the_environment_and_bad_levels(monkeypatch, capsys):
    monkeypatch.setenv("TRENDBOT_LOG_LEVEL", "error")
    setup_logging()
    logging.getLogger("x").warning("not shown")
    assert capsys.readouterr().err == ""
    with pytest.raises(ValueError, match="unknown log level 'loud'"):
        setup_logging("loud")


def test_the_config_sets_the_defaults_the_environment_overrides(monkeypatch, capsys):
    monkeypatch.delenv("TRENDBOT_LOG_LEVEL", raising=False)
    monkeypatch.delenv("TRENDBOT_LOG_FORMAT", raising=False)
    setup_logging(configured_level="warning", configured_format="json")
    logging.getLogger("t").info("hidden")
    logging.getLogger("t").warning("shown")
    [line] = capsys.readouterr().err.strip().splitlines()
    assert json.loads(line)["msg"] == "shown"
    monkeypatch.setenv("TRENDBOT_LOG_FORMAT", "keyvalue")
    setup_logging(configured_level="warning", configured_format="json")
    logging.getLogger("t").warning("plain")
    assert capsys.readouterr().err.startswith("time=")


def _raised(error: BaseException) -> BaseException:
    try:
        raise error
    except BaseException as caught:
        return caught


def test_a_reconnect_during_an_outage_is_one_line_not_a_traceback(capsys):
    import aiohttp

    setup_logging("info", False, secrets=["fake-token-123456"])
    refused = aiohttp.ClientConnectorError(
        aiohttp.client_reqrep.ConnectionKey("127.0.0.1", 9, False, True, None, None, None),
        ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 9)"),
    )
    try:
        raise refused
    except aiohttp.ClientError:  # how discord.py logs each reconnect
        logging.getLogger("discord.client").exception("Attempting a reconnect in %.2fs", 1.5)
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "Traceback" not in line and "error=" not in line
    assert 'msg="Attempting a reconnect in 1.50s: ClientConnectorError: Cannot connect' in line


def test_database_errors_are_one_line_without_sql_and_bugs_keep_their_traceback(capsys):
    from sqlalchemy.exc import OperationalError

    setup_logging("info", False)
    error = OperationalError("INSERT INTO feeds (name) VALUES (?)", ("x",), Exception("disk full"))
    log = logging.getLogger("trendbot.test")
    try:
        raise error
    except OperationalError:
        log.exception("crawl pass failed")
    try:
        raise KeyError("a bug")
    except KeyError:
        log.exception("crawl pass failed")
    database, bug = capsys.readouterr().err.strip().splitlines()
    assert database.endswith('msg="crawl pass failed: database error: disk full"')
    assert "INSERT" not in database
    assert "error=" in bug and "Traceback" in bug  # a bug still shows where it is


def test_migrations_and_discord_voice_say_nothing_at_info(capsys):
    setup_logging("info", False)
    logging.getLogger("alembic.runtime.migration").info("Context impl SQLiteImpl.")
    logging.getLogger("alembic.runtime.migration").info("Running upgrade  -> 0001")
    logging.getLogger("trendbot.service").info("shown")
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "msg=shown" in line


def test_the_bot_does_not_warn_about_voice(tmp_path, caplog):
    import discord

    from bot.config.load import parse_settings
    from bot.service import Service
    from bot.store.db import create_db_engine

    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = True  # a fresh process
    caplog.set_level(logging.WARNING, logger="discord")
    engine = create_db_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    Service(parse_settings("{}"), engine, None).with_discord()
    engine.dispose()
    assert not [r for r in caplog.records if "voice" in r.getMessage()]


def test_a_skipped_tick_of_a_job_still_running_is_not_a_warning(capsys):
    """A long outbox pass or crawl makes APScheduler skip ticks, by design (one run at a
    time, coalesced); that is not worth a warning every few seconds. Its other warnings
    still show."""
    setup_logging("info")
    scheduler = logging.getLogger("apscheduler.scheduler")
    scheduler.warning(
        'Execution of job "%s" skipped: maximum number of running instances reached (%d)',
        "Service.deliver (trigger: interval[0:00:02])",
        1,
    )
    scheduler.warning('Run time of job "%s" was missed by %s', "Service.digest", "0:01:00")
    err = capsys.readouterr().err
    assert "maximum number of running instances" not in err
    assert "was missed by" in err
