"""Durations as admins write them in config.yaml: ``90s``, ``15m``, ``2h``, ``1d``, ``1h30m``.

Plain seconds (``900``) and ISO 8601 (``PT15M``) are accepted too, so a value copied
from another tool still works. Values are written back in the compact form.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, TypeAdapter, ValidationError

_UNITS = {
    "ms": 0.001,
    "s": 1,
    "sec": 1,
    "m": 60,
    "min": 60,
    "h": 3600,
    "d": 86400,
    "w": 7 * 86400,
}
_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(ms|sec|min|s|m|h|d|w)\s*", re.IGNORECASE)
_ISO = TypeAdapter(timedelta)
_HELP = "use a number of seconds or a compact form such as 90s, 15m, 2h, 1d or 1h30m"


def parse_duration(value: Any) -> timedelta:
    """Turn any accepted spelling of a duration into a timedelta, or raise ValueError."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ValueError(f"a duration is expected, not a yes/no value; {_HELP}")
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"a duration is expected; {_HELP}")
    text = value.strip()
    if text.upper().startswith("P"):
        try:
            return _ISO.validate_python(text)
        except ValidationError:
            raise ValueError(f"{text!r} is not a valid ISO 8601 duration; {_HELP}") from None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return timedelta(seconds=float(text))
    position = 0
    seconds = 0.0
    for match in _PART.finditer(text):
        if match.start() != position:
            break
        seconds += float(match.group(1)) * _UNITS[match.group(2).lower()]
        position = match.end()
    if position != len(text) or position == 0:
        raise ValueError(f"{text!r} is not a duration; {_HELP}")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """Write a duration the way an admin would: ``1h30m`` rather than ``5400``."""
    total = value.total_seconds()
    if total < 1:
        return f"{round(total * 1000)}ms"
    remaining = round(total)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
]
