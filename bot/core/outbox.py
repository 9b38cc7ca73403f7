"""The outbox's payloads as typed records, converted to dictionaries only at the edge.

Every outbox row holds a kind and a JSON payload. The records here are those
payloads, one class per shape: :class:`NewsPayload`, :class:`AlertPayload` (the
four alert kinds), :class:`HealthPayload` (a feed's change of health),
:class:`HubHealthPayload`, :class:`AdminPayload` and :class:`DigestPayload` (a
composed draft). :func:`parse_payload` reads a row's payload by its kind, and an
unknown kind is an :class:`OtherPayload` holding the dictionary as it is.

``from_json`` is lenient, because rows written by older code stay in the
database: a key it types but does not find takes the default drafting has
always used, and every key it does not type (``data``, ``run_id``, ``since``,
the sender's ``_sent_parts``, ...) is kept in ``extra``. ``to_json`` writes back
exactly what was read: a typed key the dictionary lacked stays absent (unless
the record was changed since), present ``None`` values stay present, and the
extra keys follow; so ``to_json(from_json(d)) == d``. A record built in code
writes every key it types. Values are not coerced: the record holds what the
writer stored.

It imports nothing but the standard library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import Field as DataclassField
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import cache
from typing import Any, ClassVar, Self, cast


class OutboxKind(StrEnum):
    """What an outbox row is; the row's ``kind`` column and its drafting."""

    NEWS = "news"
    HEALTH = "health"  # a feed's change of health
    ADMIN = "admin"  # a notice for the admins (invalid config, a stopped route)
    HUB_HEALTH = "hub_health"  # the Hub failing for a while, or working again
    MILESTONE = "milestone"
    OVERTAKE = "overtake"
    NEW_MODEL = "new_model"
    SURGE = "surge"
    DIGEST = "digest"


ALERT_KINDS = frozenset(
    {OutboxKind.MILESTONE, OutboxKind.OVERTAKE, OutboxKind.NEW_MODEL, OutboxKind.SURGE}
)

_BOOKKEEPING = ("extra", "absent")


@dataclass(frozen=True)
class _Record:
    """A JSON object as typed fields, the untyped keys in ``extra``.

    A field's JSON key is its name unless ``metadata["key"]`` says otherwise; a
    field with ``metadata["items"]`` holds a list of those records. ``to_json``
    writes the typed keys in field order, then the extra ones, except the extra
    keys named in ``extra_first``, which go first (where a writer always put them).
    """

    extra_first: ClassVar[tuple[str, ...]] = ()
    extra: Mapping[str, Any] = field(default_factory=dict, kw_only=True, hash=False)
    # the typed keys not read from the dictionary (missing, or kept raw in extra)
    absent: frozenset[str] = field(default=frozenset(), kw_only=True, repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """The record of a stored dictionary; missing keys take their defaults."""
        typed = _typed(cls)
        values: dict[str, Any] = {}
        raw: dict[str, Any] = {}
        for item, key, items in typed:
            if key not in data:
                continue
            value = data[key]
            if items is not None:
                if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
                    raw[key] = value  # not a list of objects: kept as it is, not read
                    continue
                value = tuple(items.from_json(v) for v in value)
            values[item.name] = value
        keys = {key for _, key, _ in typed}
        extra = {key: value for key, value in data.items() if key not in keys or key in raw}
        absent = frozenset(key for item, key, _ in typed if item.name not in values)
        return cls(**values, extra=extra, absent=absent)

    def to_json(self) -> dict[str, Any]:
        """The record as the dictionary it was read from (or, built in code, every key)."""
        out = {key: self.extra[key] for key in self.extra_first if key in self.extra}
        for item, key, items in _typed(type(self)):
            value = getattr(self, item.name)
            if key in self.absent and value == item.default:
                continue
            out[key] = [v.to_json() for v in value] if items is not None else value
        for key, value in self.extra.items():
            out.setdefault(key, value)
        return out


@cache
def _typed(cls: type[_Record]) -> tuple[tuple[DataclassField[Any], str, type[_Record] | None], ...]:
    return tuple(
        (item, item.metadata.get("key", item.name), item.metadata.get("items"))
        for item in fields(cls)
        if item.name not in _BOOKKEEPING
    )


@dataclass(frozen=True)
class NewsPayload(_Record):
    """A new article for a news route (the crawler writes ``article_id`` too, in extra)."""

    kind: ClassVar[OutboxKind] = OutboxKind.NEWS
    extra_first: ClassVar[tuple[str, ...]] = ("article_id",)

    feed: str | None = None
    title: str | None = None
    link: str | None = None
    summary: str | None = None
    published: str | None = None  # ISO 8601; a legacy row's may lack its offset (UTC)


@dataclass(frozen=True)
class AlertPayload(_Record):
    """A milestone, overtake, new model or surge (with ``data`` and ``run_id`` in extra).

    The payload names its own kind, and the draft follows it rather than the
    row's (an old or hand-made row may differ, or lack it: ``"alert"``). So one
    class serves the four outbox kinds in :data:`ALERT_KINDS`.
    """

    kinds: ClassVar[frozenset[OutboxKind]] = ALERT_KINDS

    alert_kind: str = field(default="alert", metadata={"key": "kind"})
    subject: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class HealthPayload(_Record):
    """A feed's change of health; its message holds instants as UTC stamps."""

    kind: ClassVar[OutboxKind] = OutboxKind.HEALTH

    feed: str | None = None
    health_from: str | None = "?"
    health_to: str | None = "?"
    message: str | None = None


@dataclass(frozen=True)
class HubHealthPayload(_Record):
    """The Hub failing (or working again); ``since``, ``failures``, ``run_id`` in extra."""

    kind: ClassVar[OutboxKind] = OutboxKind.HUB_HEALTH

    state: str | None = None  # "failing" or "working"
    text: str | None = None

    @property
    def working(self) -> bool:
        return self.state == "working"


@dataclass(frozen=True)
class AdminPayload(_Record):
    """A notice for the admins, as one text."""

    kind: ClassVar[OutboxKind] = OutboxKind.ADMIN

    text: str | None = None


@dataclass(frozen=True)
class DigestField(_Record):
    name: str = ""
    value: str = ""
    inline: bool = False


@dataclass(frozen=True)
class DigestEmbed(_Record):
    """One embed of a stored digest, already composed and made inert."""

    title: str = ""
    description: str = ""
    url: str | None = None  # as composed; checked again when drawn
    fields: tuple[DigestField, ...] = field(default=(), metadata={"items": DigestField})
    footer: str = ""
    colour: int | None = None
    image: str | None = None


@dataclass(frozen=True)
class DigestFile(_Record):
    name: str = ""
    data: str = ""  # base64, as JSON holds bytes


@dataclass(frozen=True)
class DigestPayload(_Record):
    """A digest stored as its draft (see :func:`bot.delivery.messages.draft_payload`)."""

    kind: ClassVar[OutboxKind] = OutboxKind.DIGEST

    content: str = ""
    embeds: tuple[DigestEmbed, ...] = field(default=(), metadata={"items": DigestEmbed})
    files: tuple[DigestFile, ...] = field(default=(), metadata={"items": DigestFile})


@dataclass(frozen=True)
class OtherPayload:
    """The payload of a kind this code does not know, kept as it was stored."""

    kind: str
    raw: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def text(self) -> Any:
        return self.raw.get("text")

    def to_json(self) -> dict[str, Any]:
        return dict(self.raw)


Payload = (
    NewsPayload
    | AlertPayload
    | HealthPayload
    | HubHealthPayload
    | AdminPayload
    | DigestPayload
    | OtherPayload
)

PAYLOADS: Mapping[str, type[_Record]] = {
    OutboxKind.NEWS: NewsPayload,
    **dict.fromkeys(sorted(ALERT_KINDS), AlertPayload),
    OutboxKind.HEALTH: HealthPayload,
    OutboxKind.HUB_HEALTH: HubHealthPayload,
    OutboxKind.ADMIN: AdminPayload,
    OutboxKind.DIGEST: DigestPayload,
}


def parse_payload(kind: str, data: Mapping[str, Any]) -> Payload:
    """The record of an outbox row's payload, by the row's kind."""
    record = PAYLOADS.get(kind)
    if record is None:
        return OtherPayload(str(kind), dict(data))
    return cast("Payload", record.from_json(data))
