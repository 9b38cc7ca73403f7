"""The typed entry to the outbox: a record goes in under its own kind, as its JSON."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from bot.config.load import parse_settings
from bot.core.outbox import (
    ALERT_KINDS,
    AdminPayload,
    AlertPayload,
    DigestEmbed,
    DigestPayload,
    HealthPayload,
    HubHealthPayload,
    NewsPayload,
    OutboxKind,
    parse_payload,
)
from bot.store.models import OutboxMessage
from bot.store.outbox import enqueue_payload, payload_kind

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
DISCORD = parse_settings("discord: {channels: {alerts: 222, news: 333, digest: 111}}\n").discord

RECORDS = [
    pytest.param(NewsPayload(feed="Wire", title="T", extra={"article_id": 1}), "news", id="news"),
    pytest.param(HealthPayload(feed="Wire", health_to="failing"), "health", id="health"),
    pytest.param(HubHealthPayload(state="working", text="ok"), "hub_health", id="hub-health"),
    pytest.param(AdminPayload(text="look"), "admin", id="admin"),
    pytest.param(DigestPayload(embeds=(DigestEmbed(title="D"),)), "digest", id="digest"),
    *(
        pytest.param(AlertPayload(alert_kind=kind, subject="Qwen"), kind.value, id=kind.value)
        for kind in sorted(ALERT_KINDS)
    ),
]


@pytest.mark.parametrize(("record", "kind"), RECORDS)
def test_payload_kind(record, kind):
    assert payload_kind(record) == kind
    assert type(parse_payload(kind, record.to_json())) is type(record)


@pytest.mark.parametrize("alert_kind", ["alert", "record", "news"])
def test_an_alert_must_name_an_alert_kind(alert_kind):
    with pytest.raises(ValueError, match="not an alert kind"):
        payload_kind(AlertPayload(alert_kind=alert_kind))


@pytest.mark.parametrize(("record", "kind"), RECORDS)
def test_enqueue_payload_stores_the_record(engine, record, kind):
    with Session(engine) as session:
        added = enqueue_payload(
            session, key="k:1", record=record, route="alerts", at=NOW, discord=DISCORD
        )
        again = enqueue_payload(
            session, key="k:1", record=record, route="alerts", at=NOW, discord=DISCORD
        )
        session.commit()
    assert (added, again) == (True, False)
    with Session(engine) as session:
        [row] = session.exec(select(OutboxMessage)).all()
        assert (row.kind, row.route, row.channel_id) == (kind, "alerts", 222)
        assert type(row.kind) is str
        assert row.payload == record.to_json()
        assert parse_payload(row.kind, row.payload) == record


def test_enqueue_payload_writes_every_typed_key_and_the_extra_ones(engine):
    record = AlertPayload(
        alert_kind=OutboxKind.SURGE, subject="Qwen", text=None, extra={"run_id": 6}
    )
    with Session(engine) as session:
        enqueue_payload(
            session, key="surge:Qwen:6", record=record, route="alerts", at=NOW, discord=DISCORD
        )
        session.commit()
    with Session(engine) as session:
        [row] = session.exec(select(OutboxMessage)).all()
        assert row.payload == {"kind": "surge", "subject": "Qwen", "text": None, "run_id": 6}
