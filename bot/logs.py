"""Logging for the service: key=value lines by default, JSON lines on request, no secrets.

An unattended bot is read through its logs, often by a machine: every line
carries the time, level and logger as fields, and a JSON mode gives one object
per line for log collectors. Secrets (the Discord and Hub tokens, a database
password) are replaced by ``[redacted]`` in every record, whatever logged them,
so a library that echoes a header or URL cannot leak them.

An outage must not flood the log either: an error that only says "the database
or Discord cannot be reached" is one line with its reason, not a traceback (nor
SQL text), whoever logged it: discord.py logs each reconnect with the whole
traceback of the failed connection, and a database driver's error carries the
statement it was running. Tracebacks of anything else, which are bugs, stay.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Iterable

LEVEL_ENV = "TRENDBOT_LOG_LEVEL"
FORMAT_ENV = "TRENDBOT_LOG_FORMAT"
# Alembic announces every migration step and "Context impl SQLiteImpl" at info on
# each start; the schema revision is in `trendbot db status`
NOISY = ("discord", "apscheduler", "httpx", "httpcore", "huggingface_hub", "aiohttp", "alembic")
# discord.py's errors that mean "no connection", not a bug
_DISCORD_NETWORK = ("ConnectionClosed", "GatewayNotFound", "DiscordServerError", "RateLimited")


def outage_reason(error: BaseException, logger: str = "") -> str | None:
    """One line for an error that means the database or the network is away; else None.

    Database errors give the driver's first line only (SQLAlchemy appends the SQL
    and its parameters on the following lines). Any ``OSError`` counts as the
    network only when discord.py or aiohttp logged it; elsewhere it may be a bug.
    """
    from bot.store.db import error_line, is_database_error

    module = type(error).__module__.split(".", 1)[0]
    if is_database_error(error):
        return error_line(error)
    network = isinstance(error, ConnectionError | TimeoutError | socket.gaierror)
    network = network or module == "aiohttp"
    if isinstance(error, OSError) and logger.split(".", 1)[0] in ("discord", "aiohttp"):
        network = True
    if network or (module == "discord" and type(error).__name__ in _DISCORD_NETWORK):
        return error_line(error)
    return None


class OneLineOutages(logging.Filter):
    """Replace the traceback of an outage error by its one-line reason, in the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.exc_info or record.exc_info[1] is None:
            return True
        reason = outage_reason(record.exc_info[1], record.name)
        if reason is not None:
            record.msg, record.args = f"{record.getMessage()}: {reason}", None
            record.exc_info, record.exc_text = None, None
        return True


class CoalescedRuns(logging.Filter):
    """Drop APScheduler's "skipped: maximum number of running instances reached".

    Every job runs with ``max_instances=1`` and ``coalesce=True`` on purpose: an
    outbox pass that takes a minute (rate limits) or a crawl that takes longer than
    its 10 s tick is meant to run once, not pile up. APScheduler warns at each skipped
    tick, which would be a line every few seconds for something that is not wrong.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.name.startswith("apscheduler")
            and "maximum number of running instances reached" in str(record.msg)
        )


class Redact(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        cleaned = message
        for secret in self.secrets:
            cleaned = cleaned.replace(secret, "[redacted]")
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def _quote(value: str) -> str:
    if value and not any(c in value for c in ' "=\n'):
        return value
    return json.dumps(value)


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        line = " ".join(f"{key}={_quote(str(value))}" for key, value in fields.items())
        if record.exc_info:
            line += f" error={_quote(self.formatException(record.exc_info))}"
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            data["error"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def setup_logging(
    level: str | None = None,
    as_json: bool | None = None,
    secrets: Iterable[str] = (),
    *,
    configured_level: str = "info",
    configured_format: str = "keyvalue",
) -> None:
    """Configure the root logger: a flag wins over ``TRENDBOT_LOG_LEVEL`` / ``_FORMAT``,
    which win over the ``logging`` section of config.yaml."""
    name = (level or os.environ.get(LEVEL_ENV) or configured_level).upper()
    numeric = getattr(logging, name, None)
    if not isinstance(numeric, int):
        raise ValueError(f"unknown log level {name.lower()!r} (debug, info, warning, error)")
    if as_json is None:
        as_json = (os.environ.get(FORMAT_ENV) or configured_format).lower() == "json"
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if as_json else KeyValueFormatter())
    handler.addFilter(CoalescedRuns())
    handler.addFilter(OneLineOutages())  # before Redact: the reason it adds is redacted too
    handler.addFilter(Redact(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))
