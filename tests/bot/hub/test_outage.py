"""An unreachable Hub is said: in the log, on the stored run, in status, and to the admins."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from bot.config.load import parse_settings
from bot.core.hub import HubError, HubErrorKind, Listing, ModelStats, Scope
from bot.delivery.replies import status_reply
from bot.hub.job import take_snapshot
from bot.store import hub as hub_store
from bot.store.models import HubSnapshotRun, OutboxMessage
from bot.store.queries import status

T0 = datetime(2026, 2, 9, 8, tzinfo=UTC)
HOUR = timedelta(hours=1)
AUTHORS = ["Qwen", "meta-llama", "deepseek-ai"]
REFUSED = "connection refused to http://127.0.0.1:9/api/models (3 of 3 authors failed)"
CONFIG = """
hub:
  endpoint: http://127.0.0.1:9
  token_env: TRENDBOT_TEST_NO_SUCH_TOKEN
  authors: [Qwen, meta-llama, deepseek-ai]
  snapshot_interval: 1h
discord:
  channels: {alerts: 222}
"""


def settings():
    return parse_settings(CONFIG)


def good(at: datetime) -> Listing:
    return Listing(
        authors=list(AUTHORS),
        started_at=at,
        finished_at=at,
        models=[ModelStats("Qwen/a", "Qwen", 1, 100, 0, 0)],
        requests=3,
    )


def failed(at: datetime) -> Listing:
    return Listing(
        authors=list(AUTHORS),
        started_at=at,
        finished_at=at,
        requests=6,
        failures=[
            HubError(
                Scope.AUTHOR,
                "Qwen",
                HubErrorKind.REFUSED,
                "ConnectError: [Errno 111] Connection refused",
            ),
            HubError.skipped(Scope.AUTHOR, "meta-llama", after=Scope.AUTHOR),
            HubError.skipped(Scope.AUTHOR, "deepseek-ai", after=Scope.AUTHOR),
        ],
    )


def hub_messages(engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "hub_health")
                .order_by(OutboxMessage.id)
            ).all()
        )


def test_an_unreachable_hub_is_one_warning_a_stored_cause_and_a_status_line(
    engine, hub_sleeps, caplog
):
    caplog.set_level(logging.INFO, logger="trendbot.hub")
    report = take_snapshot(settings(), engine)  # the real client against a closed port
    assert not report.complete
    assert report.cause == REFUSED
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warnings] == [f"hub snapshot incomplete: {REFUSED}"]
    assert warnings[0].exc_info is None  # one line, no traceback
    with Session(engine) as session:
        run = session.exec(select(HubSnapshotRun)).one()
        # the cause first, then every error as the listing recorded it
        assert run.error.splitlines() == [REFUSED, *report.errors]
        state = status(session)
    assert state.last_snapshot_complete is False
    assert state.last_snapshot_error == REFUSED
    fields = {f.name: f.value for f in status_reply(state).embeds[0].fields}
    assert f"(INCOMPLETE)\ncause: {REFUSED}" in fields["Last Hub snapshot"]


def test_a_complete_snapshot_has_no_cause(engine):
    report = take_snapshot(settings(), engine, good(T0))
    assert report.cause is None
    with Session(engine) as session:
        assert status(session).last_snapshot_error is None
        assert session.exec(select(HubSnapshotRun)).one().error is None


def test_a_run_stored_before_causes_were_written_still_names_its_errors(engine):
    with Session(engine) as session:
        session.add(
            HubSnapshotRun(
                started_at=T0, complete=False, error="author Qwen: HTTP 500; author x: HTTP 500"
            )
        )
        session.commit()
        assert status(session).last_snapshot_error == "author Qwen: HTTP 500; author x: HTTP 500"


def test_a_long_outage_is_told_once_and_its_end_once(engine):
    config = settings()
    steps = [good, failed, failed, failed, failed, good, good]
    told: list[list[str]] = []
    for hour, make in enumerate(steps):
        report = take_snapshot(config, engine, make(T0 + hour * HOUR))
        told.append([m.dedupe_key for m in hub_messages(engine)])
        assert (report.health is not None) == (hour in (3, 5))
    assert told == [
        [],
        [],
        [],  # two intervals since the last good snapshot: not yet
        ["hub-down:2"],  # three: the admins hear of it
        ["hub-down:2"],  # and only once
        ["hub-down:2", "hub-recovered:2"],
        ["hub-down:2", "hub-recovered:2"],
    ]
    down, up = hub_messages(engine)
    assert (down.route, down.channel_id, up.route, up.channel_id) == ("alerts", 222, "alerts", 222)
    assert down.payload["state"] == "failing" and down.payload["failures"] == 3
    assert REFUSED in down.payload["text"]
    assert "2026-02-09 09:00 UTC" in down.payload["text"]  # when it started failing
    assert up.payload["state"] == "working"
    assert "after 4 failed snapshots since 2026-02-09 09:00 UTC" in up.payload["text"]
    assert up.created_at == T0 + 5 * HOUR


def test_a_new_outage_after_a_recovery_is_told_again(engine):
    config = settings()
    for hour, make in enumerate([good, failed, failed, failed, good, failed, failed, failed]):
        take_snapshot(config, engine, make(T0 + hour * HOUR))
    assert [m.dedupe_key for m in hub_messages(engine)] == [
        "hub-down:2",
        "hub-recovered:2",
        "hub-down:6",
    ]


def test_a_run_cut_short_by_a_stop_tells_nobody_and_is_no_warning(engine, caplog):
    config = settings()
    for hour, make in enumerate([good, failed, failed]):
        take_snapshot(config, engine, make(T0 + hour * HOUR))
    caplog.set_level(logging.INFO, logger="trendbot.hub")
    caplog.clear()
    stop = threading.Event()
    stop.set()
    stopped = failed(T0 + 3 * HOUR)
    stopped.failures = [HubError.stopped(Scope.AUTHOR, "Qwen", cut_short=True)]
    report = take_snapshot(config, engine, stopped, stop=stop)
    assert report.health is None and hub_messages(engine) == []
    [record] = [r for r in caplog.records if r.name == "trendbot.hub"]
    assert record.levelno == logging.INFO
    assert record.getMessage() == (
        "hub snapshot incomplete: trendbot is stopping, the listing was cut short "
        "(1 of 3 authors failed)"
    )
    # the next real failure is judged as usual
    take_snapshot(config, engine, failed(T0 + 4 * HOUR))
    assert [m.dedupe_key for m in hub_messages(engine)] == ["hub-down:2"]


def test_health_runs_reach_back_to_the_last_good_run_only(engine):
    config = settings()
    for hour, make in enumerate([good, good, failed, failed]):
        take_snapshot(config, engine, make(T0 + hour * HOUR))
    with Session(engine) as session:
        last = hub_store.latest_run(session)
        judged = hub_store.health_runs(session, last)
    assert [(r.id, r.complete) for r in judged] == [(2, True), (3, False), (4, False)]
    assert judged[-1].cause == REFUSED and judged[0].cause is None
