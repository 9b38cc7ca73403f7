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
