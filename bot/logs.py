"""Logging for the service: key=value lines by default, JSON lines on request, no secrets.

An unattended bot is read through its logs, often by a machine: every line
carries the time, level and logger as fields, and a JSON mode gives one object
per line for log collectors. Secrets (the Discord and Hub tokens, a database
password) are replaced by ``[redacted]`` in every record, whatever logged them,
so a library that echoes a header or URL cannot leak them.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable

LEVEL_ENV = "TRENDBOT_LOG_LEVEL"
FORMAT_ENV = "TRENDBOT_LOG_FORMAT"
NOISY = ("discord", "apscheduler", "httpx", "httpcore", "huggingface_hub", "aiohttp")


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
    handler.addFilter(Redact(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))
