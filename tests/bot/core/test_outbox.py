"""Typed outbox payloads: every stored dictionary reads as its record and writes back as it was.

The rows below are what today's writers put in the outbox (the golden rows of
tests/bot/store/test_outbox_golden.py), rows written by older code (keys missing,
``None`` values, the sender's ``_sent_parts``) and kinds this code does not know.
"""

from __future__ import annotations

import base64
from dataclasses import replace
from typing import Any

import pytest

from bot.core.outbox import (
    ALERT_KINDS,
    AdminPayload,
    AlertPayload,
    DigestEmbed,
    DigestField,
    DigestFile,
    DigestPayload,
    HealthPayload,
    HubHealthPayload,
    NewsPayload,
    OtherPayload,
    OutboxKind,
    parse_payload,
)

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()

ROWS = [
    # -- news
    pytest.param(
        "news",
        {
            "article_id": 1,
            "feed": "Lab blog",
            "title": "Qwen3 GGUF builds",
            "link": "https://lab.example/a",
            "summary": "Quantised weights.",
            "published": "2026-03-02T07:00:00+00:00",
        },
        NewsPayload,
        id="news",
    ),
    pytest.param(
        "news",
        {
            "article_id": 2,
            "feed": "Lab blog",
            "title": "Page title of b",
            "link": None,
            "summary": "x" * 500,
            "published": None,
        },
        NewsPayload,
        id="news-undated-no-link",
    ),
    pytest.param("news", {"title": "one"}, NewsPayload, id="news-title-only"),
    pytest.param(
        "news",
        {"title": "Legacy", "published": "2026-03-01T10:00:00"},
        NewsPayload,
        id="news-naive",
    ),
    pytest.param("news", {}, NewsPayload, id="news-empty"),
    pytest.param("news", {"title": None, "_sent_parts": [1, 2]}, NewsPayload, id="news-sent-parts"),
    # -- alerts
    pytest.param(
        "milestone",
        {
            "kind": "milestone",
            "subject": "Qwen",
            "text": "Qwen passed 700 million all-time downloads on Hugging Face.",
            "data": {"threshold": 700000000, "value": 702401000, "repos": ["Qwen/a"]},
            "run_id": 6,
        },
        AlertPayload,
        id="milestone",
    ),
    pytest.param(
        "overtake",
        {"kind": "overtake", "subject": "Qwen", "text": "Qwen passed Llama.", "data": {}},
        AlertPayload,
        id="overtake",
    ),
    pytest.param(
        "new_model",
        {"kind": "new_model", "subject": "Qwen/new", "text": "New.", "data": None, "run_id": 1},
        AlertPayload,
        id="new-model",
    ),
    pytest.param(
        "surge", {"kind": "surge", "subject": "Qwen", "text": "Surge."}, AlertPayload, id="surge"
    ),
    pytest.param("surge", {"subject": "Qwen", "text": "no kind"}, AlertPayload, id="alert-no-kind"),
    pytest.param("milestone", {"kind": "record"}, AlertPayload, id="alert-other-kind"),
    pytest.param("milestone", {}, AlertPayload, id="alert-empty"),
    # -- feed health
    pytest.param(
        "health",
        {
            "feed": "Lab blog",
            "health_from": "ok",
            "health_to": "failing",
            "message": "Lab blog is failing (3 errors in a row): HTTP 503",
        },
        HealthPayload,
        id="health",
    ),
    pytest.param(
        "health",
        {"feed": "Lab blog", "health_from": None, "health_to": "ok", "message": None},
        HealthPayload,
        id="health-nones",
    ),
    pytest.param("health", {"health_to": "?"}, HealthPayload, id="health-default-written"),
    pytest.param("health", {}, HealthPayload, id="health-empty"),
    # -- the Hub's health
    pytest.param(
        "hub_health",
        {
            "state": "failing",
            "text": "No complete snapshot since 2026-03-02 10:00 UTC: connection refused",
            "since": "2026-03-02T10:00:00+00:00",
            "failures": 3,
            "run_id": 4,
        },
        HubHealthPayload,
        id="hub-failing",
    ),
    pytest.param(
        "hub_health", {"state": "working", "text": "back"}, HubHealthPayload, id="hub-working"
    ),
    pytest.param("hub_health", {}, HubHealthPayload, id="hub-empty"),
    # -- admin notices
    pytest.param(
        "admin",
        {"text": "Posting to route 'lab' stopped: HTTP 403 Missing_Permissions."},
        AdminPayload,
        id="admin",
    ),
    pytest.param("admin", {"text": None, "note": 1}, AdminPayload, id="admin-extra"),
    pytest.param("admin", {}, AdminPayload, id="admin-empty"),
    # -- digests
    pytest.param(
        "digest",
        {
            "content": "",
            "embeds": [
                {
                    "title": "trendbot digest, 3 Mar",
                    "description": "2 stories",
                    "url": None,
                    "fields": [{"name": "Top", "value": "one", "inline": False}],
                    "footer": "",
                    "colour": 0x0EA5E9,
                    "image": "ranking.png",
                },
                {
                    "title": "Alerts",
                    "description": "• Qwen",
                    "url": "https://example.com/d",
                    "fields": [],
                    "footer": "f",
                    "colour": None,
                    "image": None,
                },
            ],
            "files": [{"name": "ranking.png", "data": PNG}],
        },
        DigestPayload,
        id="digest",
    ),
    pytest.param(
        "digest",
        {"content": "y" * 4500, "embeds": [], "_sent_parts": [1001]},
        DigestPayload,
        id="digest-sent-parts-no-files",
    ),
    pytest.param(
        "digest",
        {"embeds": [{"title": "Old", "url": "ftp://x", "fields": [{"name": "n", "value": "v"}]}]},
        DigestPayload,
        id="digest-legacy",
    ),
    pytest.param(
        "digest",
        {"embeds": [{"fields": [{"value": "v", "x": 1}], "thumbnail": "t"}], "files": []},
        DigestPayload,
        id="digest-unknown-nested-keys",
    ),
    pytest.param(
        "digest", {"embeds": "broken", "files": [1]}, DigestPayload, id="digest-malformed"
    ),
    pytest.param("digest", {}, DigestPayload, id="digest-empty"),
    # -- kinds this code does not know
    pytest.param("mystery", {"a": 1, "b": "*x*"}, OtherPayload, id="unknown-kind"),
    pytest.param("mystery", {"text": "@here look"}, OtherPayload, id="unknown-kind-with-text"),
    pytest.param("", {}, OtherPayload, id="unknown-kind-empty"),
]


@pytest.mark.parametrize(("kind", "data", "record"), ROWS)
def test_every_stored_payload_reads_as_its_record_and_writes_back_unchanged(kind, data, record):
    parsed = parse_payload(kind, data)
    assert type(parsed) is record
    assert parsed.to_json() == data
    if record is not OtherPayload:
        assert record.from_json(data) == parsed
        assert parse_payload(kind, parsed.to_json()) == parsed


def test_every_kind_has_its_record():
    records = {kind: type(parse_payload(kind, {})) for kind in OutboxKind}
    assert records == {
        "news": NewsPayload,
        "health": HealthPayload,
        "admin": AdminPayload,
        "hub_health": HubHealthPayload,
        "milestone": AlertPayload,
        "overtake": AlertPayload,
        "new_model": AlertPayload,
        "surge": AlertPayload,
        "digest": DigestPayload,
    }
    for record in (NewsPayload, HealthPayload, HubHealthPayload, AdminPayload, DigestPayload):
        assert parse_payload(record.kind, {}).__class__ is record
    assert AlertPayload.kinds == ALERT_KINDS


def test_the_kinds_are_the_writers_words():
    from bot.delivery.messages import ALERT_TITLES, COLOURS

    assert OutboxKind.HUB_HEALTH == "hub_health"  # the kind rows already stored carry
    assert set(ALERT_TITLES) == ALERT_KINDS
    assert ALERT_KINDS | {OutboxKind.NEWS, OutboxKind.DIGEST, OutboxKind.HEALTH} == set(COLOURS)


READ: list[Any] = [
    pytest.param(
        "news",
        {"article_id": 7, "feed": "Wire", "title": "T", "link": None, "published": None},
        NewsPayload(feed="Wire", title="T", extra={"article_id": 7}, absent=frozenset({"summary"})),
        id="news",
    ),
    pytest.param(
        "news",
        {},
        NewsPayload(absent=frozenset({"feed", "title", "link", "summary", "published"})),
        id="news-defaults",
    ),
    pytest.param(
        "milestone",
        {"kind": "milestone", "subject": "Qwen", "text": "t", "data": {"v": 1}, "run_id": 6},
        AlertPayload("milestone", "Qwen", "t", extra={"data": {"v": 1}, "run_id": 6}),
        id="alert",
    ),
    pytest.param(
        "surge",
        {},
        AlertPayload(absent=frozenset({"kind", "subject", "text"})),
        id="alert-defaults",
    ),
    pytest.param(
        "health",
        {},
        HealthPayload(
            None, "?", "?", None, absent=frozenset({"feed", "health_from", "health_to", "message"})
        ),
        id="health-defaults",
    ),
    pytest.param(
        "hub_health",
        {"state": "working", "text": "ok", "since": "2026-03-02T10:00:00+00:00"},
        HubHealthPayload("working", "ok", extra={"since": "2026-03-02T10:00:00+00:00"}),
        id="hub-health",
    ),
    pytest.param(
        "digest",
        {
            "embeds": [{"title": "Old", "fields": [{"name": "n", "value": "v"}]}],
            "files": [{"name": "a.png", "data": PNG}],
        },
        DigestPayload(
            embeds=(
                DigestEmbed(
                    title="Old",
                    fields=(DigestField("n", "v", absent=frozenset({"inline"})),),
                    absent=frozenset({"description", "url", "footer", "colour", "image"}),
                ),
            ),
            files=(DigestFile("a.png", PNG),),
            absent=frozenset({"content"}),
        ),
        id="digest-legacy",
    ),
    pytest.param(
        "digest",
        {"embeds": "broken"},
        DigestPayload(extra={"embeds": "broken"}, absent=frozenset({"content", "embeds", "files"})),
        id="digest-malformed-kept-raw",
    ),
    pytest.param(
        "mystery",
        {"text": "hi", "n": 1},
        OtherPayload("mystery", {"text": "hi", "n": 1}),
        id="other",
    ),
]


@pytest.mark.parametrize(("kind", "data", "expected"), READ)
def test_typed_fields_take_todays_defaults_and_the_rest_is_extra(kind, data, expected):
    assert parse_payload(kind, data) == expected


def test_a_record_built_in_code_writes_every_key_it_types():
    assert NewsPayload(feed="Wire", title="T", extra={"article_id": 1}).to_json() == {
        "feed": "Wire",
        "title": "T",
        "link": None,
        "summary": None,
        "published": None,
        "article_id": 1,
    }
    assert AlertPayload("surge", "Qwen", "t").to_json() == {
        "kind": "surge",
        "subject": "Qwen",
        "text": "t",
    }
    assert DigestPayload(embeds=(DigestEmbed(fields=(DigestField("n", "v"),)),)).to_json() == {
        "content": "",
        "embeds": [
            {
                "title": "",
                "description": "",
                "url": None,
                "fields": [{"name": "n", "value": "v", "inline": False}],
                "footer": "",
                "colour": None,
                "image": None,
            }
        ],
        "files": [],
    }


def test_a_changed_field_of_a_read_record_is_written():
    read = parse_payload("news", {"title": "T"})
    assert replace(read, feed="Wire").to_json() == {"title": "T", "feed": "Wire"}
    assert replace(read, title=None).to_json() == {"title": None}


def test_records_are_immutable_and_hashable():
    record = parse_payload("hub_health", {"state": "working", "run_id": 1})
    with pytest.raises(AttributeError):
        record.state = "failing"  # type: ignore[misc]
    assert isinstance(record, HubHealthPayload) and record.working
    assert isinstance(hash(record), int)  # its extra keys are not hashed


def test_an_unknown_kinds_payload_is_kept_as_stored():
    data = {"b": 2, "a": 1, "text": None}
    record = parse_payload("mystery", data)
    assert record == OtherPayload("mystery", data)
    assert isinstance(record, OtherPayload) and record.text is None
    assert list(record.to_json()) == ["b", "a", "text"]  # its text is the payload's order
    assert record.to_json() is not data
