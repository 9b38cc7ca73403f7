"""Times as people read them: short, in the configured zone, written the same everywhere.

Every message, digest, slash-command reply and terminal table formats its times
here, so "when" reads alike in Discord and in the shell, and always in
``schedule.timezone`` (the zone the digest's cron already runs in), never in the
UTC the database keeps. JSON output is not formatted here: it stays ISO 8601 UTC,
for programs.

The rules, one per kind of time:

- a moment: ``10:42`` on the same local day as "now", ``3 Dec 10:42`` earlier or
  later in the same year, ``3 Dec 2024 10:42`` in another year. In the hour a
  clock change repeats, the zone's abbreviation is added (``01:30 EDT`` and
  ``01:30 EST`` are an hour apart);
- a moment in a posted message always gives its day (:meth:`TimeText.dated`,
  ``3 Dec 10:42``): the message is written against the moment it was queued, and
  Discord dates it when it is delivered, which after an outage is days later, so
  a bare ``10:42`` would read as the wrong day;
- a moment inside stored text (a feed's last error, an admin message queued in
  the outbox, a decision's detail) is written by :func:`stamp` as an unambiguous
  UTC instant, ``2026-03-02 10:42 UTC``, and shown by :meth:`TimeText.text`, which
  rewrites every such instant as a dated moment in the reader's zone; text stored
  before the instants were rendered reads as it was written;
- a length of time (how old, how long, how far away): :func:`distance`,
  ``5 min``, ``3 h``, ``2 days``;
- an age or a due time, for the terminal views read the moment they are printed
  (``status``, ``feeds list``): the moment with its distance from now,
  ``10:42 (5 min ago)``, ``11:00 (in 18 min)``. What is posted to Discord gives
  the moment alone: a message stays on screen for days, and "5 min ago" would
  be wrong by then;
- a period: ``2 Dec 09:00 to 3 Dec 09:00``, or ``3 Dec 09:00 to 12:00`` within a day;
- a day: ``3 Dec`` (``3 Dec 2024`` in another year).

A view that shows several times names the zone once (``times in Europe/Berlin``,
the digest's period line), not at every time. "Now" is part of a
:class:`TimeText`, given by the caller wherever the text must not change: a news
post is written against the moment it was queued and a digest against its
period's end, so a message retried tomorrow matches the one posted today (see
:mod:`bot.delivery.sender`); the clock is read only when no moment is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

NEVER = "never"
# fixed, not %b: the month must not change with the process's locale
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# an instant in stored text, as :func:`stamp` writes it (seconds: as fetch errors once did)
_STAMP = re.compile(r"\b(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})(?::(\d{2}))? UTC\b")


@dataclass(frozen=True)
class TimeText:
    """Formats times for one reader: a zone and the moment they read at."""

    zone: ZoneInfo
    now: datetime

    @classmethod
    def of(cls, zone: str | ZoneInfo = "UTC", now: datetime | None = None) -> TimeText:
        """For ``zone`` (an IANA name, as ``schedule.timezone`` holds) at ``now`` (default: now)."""
        tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
        return cls(tz, _aware(now) if now is not None else datetime.now(UTC))

    @property
    def zone_name(self) -> str:
        """The zone as configured, e.g. ``Europe/Berlin``: what a view names once."""
        return self.zone.key

    def at(self, moment: datetime | str | None, missing: str = NEVER) -> str:
        """``10:42`` today, ``3 Dec 10:42`` this year, ``3 Dec 2024 10:42`` otherwise."""
        when = _moment(moment)
        if when is None:
            return missing
        local = when.astimezone(self.zone)
        if local.date() == self.now.astimezone(self.zone).date():
            return f"{local:%H:%M}" + self._ambiguity(local)
        return self.dated(local)

    def dated(self, moment: datetime | str | None, missing: str = NEVER) -> str:
        """``3 Dec 10:42`` even today (``3 Dec 2024 10:42`` in another year): for posts."""
        when = _moment(moment)
        if when is None:
            return missing
        local = when.astimezone(self.zone)
        return f"{self.day(local)} {local:%H:%M}{self._ambiguity(local)}"

    def text(self, stored: str | None) -> str:
        """Stored text with each :func:`stamp` instant in it rewritten as :meth:`dated`."""
        if not stored:
            return ""
        return _STAMP.sub(self._stamped, stored)

    def _stamped(self, match: re.Match[str]) -> str:
        day, clock, seconds = match.groups()
        try:
            when = datetime.fromisoformat(f"{day}T{clock}:{seconds or '00'}+00:00")
        except ValueError:  # looked like an instant but is none (2026-13-45): left alone
            return match.group(0)
        return self.dated(when)

    def day(self, moment: datetime | str) -> str:
        """``3 Dec``, or ``3 Dec 2024`` when that is not the year of now."""
        when = _moment(moment)
        assert when is not None
        local = when.astimezone(self.zone)
        text = f"{local.day} {MONTHS[local.month - 1]}"
        if local.year != self.now.astimezone(self.zone).year:
            text += f" {local.year}"
        return text

    def ago(self, moment: datetime | str | None, missing: str = NEVER) -> str:
        """The distance from now: ``just now``, ``5 min ago``, ``in 3 h``, ``2 days ago``."""
        when = _moment(moment)
        if when is None:
            return missing
        seconds = (self.now - when).total_seconds()
        if abs(seconds) < 60:
            return "just now" if seconds >= 0 else "in under a minute"
        distance_text = distance(timedelta(seconds=abs(seconds)))
        return f"{distance_text} ago" if seconds > 0 else f"in {distance_text}"

    def at_ago(self, moment: datetime | str | None, missing: str = NEVER) -> str:
        """``10:42 (5 min ago)``: for terminal views read the moment they are printed."""
        when = _moment(moment)
        if when is None:
            return missing
        return f"{self.at(when)} ({self.ago(when)})"

    def span(self, start: datetime, end: datetime) -> str:
        """``2 Dec 09:00 to 3 Dec 09:00``; the end's day is left out when it is the start's."""
        first, last = _aware(start).astimezone(self.zone), _aware(end).astimezone(self.zone)
        opening = self.dated(first)
        closing = f"{last:%H:%M}{self._ambiguity(last)}"
        if last.date() != first.date():
            closing = f"{self.day(last)} {closing}"
        return f"{opening} to {closing}"

    def _ambiguity(self, local: datetime) -> str:
        """The zone's abbreviation when this wall time happens twice (a clock going back)."""
        other = local.replace(fold=1 - local.fold)
        if other.utcoffset() != local.utcoffset():
            return f" {local.tzname()}"
        return ""


def distance(span: timedelta) -> str:
    """A length of time, whole units rounded down: ``5 min``, ``3 h`` (under 48), ``2 days``.

    Its sign is dropped: how long, not which way (:meth:`TimeText.ago` says that).
    """
    minutes = int(abs(span.total_seconds()) // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} days"


def stamp(moment: datetime) -> str:
    """An instant for text that is stored and shown later: ``2026-03-02 10:42 UTC``.

    Unambiguous as it stands (where it is shown unrendered), and rewritten in the
    reader's zone by :meth:`TimeText.text` where it is shown.
    """
    return f"{_aware(moment).astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _aware(moment: datetime) -> datetime:
    """The database hands back UTC; a naive value can only be UTC here."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _moment(moment: datetime | str | None) -> datetime | None:
    """A datetime, or the ISO text a JSON view holds (``status`` builds its text from it)."""
    if moment is None or moment == "":
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return _aware(moment)
