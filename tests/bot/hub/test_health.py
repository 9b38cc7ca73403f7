"""Hub health, pure: the one-line cause of an incomplete listing, and when to tell the admins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.hub import HubError, HubErrorKind, Scope
from bot.delivery.messages import draft_for
from bot.hub.health import HubRun, hub_cause, hub_health_event, outage_threshold
from bot.time_text import TimeText

HUB = "http://127.0.0.1:9"
REFUSED = "ConnectError: [Errno 111] Connection refused"


def author(name: str, kind: HubErrorKind, detail: str, status: int | None = None) -> HubError:
    return HubError(Scope.AUTHOR, name, kind, detail, status)


def repo(name: str, kind: HubErrorKind, detail: str, status: int | None = None) -> HubError:
    return HubError(Scope.REPO, name, kind, detail, status)


def skipped(name: str) -> HubError:
    return HubError.skipped(Scope.AUTHOR, name, after=Scope.AUTHOR)


@pytest.mark.parametrize(
    ("errors", "authors", "cause"),
    [
        ([], 3, None),
        (
            [author("Qwen", HubErrorKind.REFUSED, REFUSED), skipped("x"), skipped("y")],
            18,
            "connection refused to http://127.0.0.1:9/api/models (3 of 18 authors failed)",
        ),
        (
            [author("Qwen", HubErrorKind.HTTP_STATUS, "HTTP 500: Fake failure 500", 500)],
            2,
            "HTTP 500: Fake failure 500 from http://127.0.0.1:9/api/models (1 of 2 authors failed)",
        ),
        (
            [author("Qwen", HubErrorKind.READ_TIMEOUT, "ReadTimeout: timed out")],
            1,
            "no answer in time from http://127.0.0.1:9/api/models (read timeout) "
            "(1 of 1 authors failed)",
        ),
        (
            [
                author(
                    "Qwen",
                    HubErrorKind.HOST_NOT_FOUND,
                    "ConnectError: [Errno -2] Name or service not known",
                )
            ],
            1,
            "host name not found for http://127.0.0.1:9/api/models (1 of 1 authors failed)",
        ),
        (
            [author("Qwen", HubErrorKind.CONNECT_TIMEOUT, "ConnectTimeout: timed out")],
            1,
            "connection to http://127.0.0.1:9/api/models timed out (1 of 1 authors failed)",
        ),
        (
            [author("Qwen", HubErrorKind.OTHER, "RemoteProtocolError: Server disconnected")],
            1,
            "RemoteProtocolError: Server disconnected at http://127.0.0.1:9/api/models "
            "(1 of 1 authors failed)",
        ),
        (
            [
                repo("unsloth/x", HubErrorKind.HTTP_STATUS, "HTTP 502", 502),
                repo("unsloth/y", HubErrorKind.HTTP_STATUS, "HTTP 502", 502),
            ],
            2,
            "HTTP 502 from http://127.0.0.1:9/api/models/unsloth/x (2 repos failed)",
        ),
        (
            [
                author("Qwen", HubErrorKind.HTTP_STATUS, "HTTP 500", 500),
                HubError.stopped(Scope.REPO, "unsloth/x"),
            ],
            1,
            "HTTP 500 from http://127.0.0.1:9/api/models (1 of 1 authors and 1 repo failed)",
        ),
        (
            [
                HubError.stopped(Scope.AUTHOR, "Qwen", cut_short=True),
                HubError.stopped(Scope.AUTHOR, "x"),
            ],
            2,
            "trendbot is stopping, the listing was cut short (2 of 2 authors failed)",
        ),
        (  # only skips (never written today, but never a blank cause)
            [skipped("x")],
            1,
            "skipped, the Hub did not answer for an earlier author (1 of 1 authors failed)",
        ),
        (  # the kind decides, not the words: a proxy's 502 that says "connection refused"
            [
                author(
                    "Qwen",
                    HubErrorKind.HTTP_STATUS,
                    "HTTP 502: upstream connection refused",
                    502,
                )
            ],
            1,
            "HTTP 502: upstream connection refused from http://127.0.0.1:9/api/models "
            "(1 of 1 authors failed)",
        ),
    ],
)
def test_the_cause_of_an_incomplete_listing_is_one_line(errors, authors, cause):
    assert hub_cause(errors, authors, HUB + "/") == cause


T = datetime(2026, 3, 2, 10, tzinfo=UTC)
HOUR = timedelta(hours=1)
LATE = timedelta(seconds=3)


def runs(pattern: str, late: timedelta = LATE) -> list[HubRun]:
    """'ok x x x': one run an hour, ids from 1, every run after the first ``late``."""
    return [
        HubRun(
            index + 1,
            T + index * HOUR + (late if index else timedelta(0)),
            word == "ok",
            None if word == "ok" else "connection refused to http://hub/api/models",
        )
        for index, word in enumerate(pattern.split())
    ]


@pytest.mark.parametrize(
    ("pattern", "announced", "expected"),
    [
        ("", set(), None),
        ("ok", set(), None),
        ("ok ok", set(), None),
        ("x", set(), None),  # a first snapshot failing is not an outage yet
        ("ok x", set(), None),
        ("ok x x", set(), None),  # two intervals since the last good one: not longer
        ("ok x x x", set(), ("failing", "hub-down:2", 3)),  # three: longer than two
        ("ok x x x", {"hub-down:2"}, None),  # told once
        ("ok x x x x", {"hub-down:2"}, None),
        ("x x x", set(), None),  # never a good one: measured from the first failure
        ("x x x x", set(), ("failing", "hub-down:1", 4)),
        ("ok x ok", set(), None),  # a short outage ends silently
        ("ok x x ok", set(), None),
        ("ok x x x ok", {"hub-down:2"}, ("working", "hub-recovered:2", 3)),
        ("ok x x x ok", {"hub-down:2", "hub-recovered:2"}, None),  # told once
        ("ok x x x ok", set(), None),  # never announced: nothing to take back
        ("ok x x x ok ok", {"hub-down:2"}, None),  # only the first good run says so
        ("ok x x x ok x x x", {"hub-down:2", "hub-recovered:2"}, ("failing", "hub-down:6", 3)),
    ],
)
def test_when_the_admins_hear_about_the_hub(pattern, announced, expected):
    event = hub_health_event(runs(pattern), HOUR, announced)
    if expected is None:
        assert event is None
    else:
        assert event is not None
        assert (event.state, event.key, event.failures) == expected


@pytest.mark.parametrize("late", [timedelta(0), timedelta(seconds=30), -timedelta(seconds=30)])
def test_the_third_failure_after_a_good_run_is_announced_whatever_the_jitter(late):
    # runs a little late or early put the second failure on either side of two intervals
    assert hub_health_event(runs("ok x x", late), HOUR, set()) is None
    assert hub_health_event(runs("ok x x x", late), HOUR, set()) is not None


def test_the_threshold_is_two_intervals_and_a_little():
    assert 2 * HOUR < outage_threshold(HOUR) < 3 * HOUR


def test_the_failing_message_names_the_cause_the_start_and_the_last_good_snapshot():
    event = hub_health_event(runs("ok x x x"), HOUR, set())
    assert event.text == (
        "No complete Hugging Face Hub snapshot for 3 h (3 failed in a row since "
        "2026-03-02 11:00 UTC): connection refused to http://hub/api/models. Rankings, "
        "alerts and claim checks use the last complete snapshot, of 2026-03-02 10:00 UTC."
    )
    assert event.since == runs("ok x")[1].started_at
    never = hub_health_event(runs("x x x x"), HOUR, set())
    assert "use no complete snapshot yet" in never.text


def test_the_working_again_message_says_how_long_it_lasted():
    event = hub_health_event(runs("ok x x x ok"), HOUR, {"hub-down:2"})
    assert event.text == (
        "Hugging Face Hub snapshots work again: the snapshot of 2026-03-02 14:00 UTC is "
        "complete, after 3 failed snapshots since 2026-03-02 11:00 UTC (3 h)."
    )


BERLIN = TimeText.of("Europe/Berlin", T + 4 * HOUR)  # queued at 15:00 in Berlin


def test_the_admin_message_gives_its_times_in_the_configured_zone_with_their_day():
    """The payload keeps UTC instants; the draft writes them where the admins live."""
    failing = hub_health_event(runs("ok x x x"), HOUR, set())
    payload = {"state": "failing", "text": failing.text}
    assert draft_for("hub_health", payload, BERLIN).embeds[0].description == (
        "No complete Hugging Face Hub snapshot for 3 h (3 failed in a row since "
        "2 Mar 12:00): connection refused to http://hub/api/models. Rankings, "
        "alerts and claim checks use the last complete snapshot, of 2 Mar 11:00."
    )
    working = hub_health_event(runs("ok x x x ok"), HOUR, {"hub-down:2"})
    payload = {"state": "working", "text": working.text}
    text = draft_for("hub_health", payload, BERLIN).embeds[0].description
    assert "the snapshot of 2 Mar 15:00 is complete" in text and "since 2 Mar 12:00 (3 h)" in text
    assert "UTC" not in text


def test_a_payload_stored_before_the_zone_reads_as_it_did_or_better():
    old = (  # as health._when wrote it, and fetch errors with their seconds
        "No complete Hugging Face Hub snapshot for 3 hours (3 failed in a row since "
        "2026-03-02 11:00 UTC): HTTP 503; retry after 2026-03-02 11:05:30 UTC."
    )
    text = draft_for("hub_health", {"state": "failing", "text": old}, BERLIN).embeds[0]
    assert text.description == (
        "No complete Hugging Face Hub snapshot for 3 hours (3 failed in a row since "
        "2 Mar 12:00): HTTP 503; retry after 2 Mar 12:05."
    )
    plain = draft_for("hub_health", {"state": "working", "text": "back at 2026-13-45 10:00 UTC"})
    assert plain.embeds[0].description == "back at 2026-13-45 10:00 UTC"  # no instant: kept


def test_the_admin_message_is_inert_and_says_which_way():
    failing = draft_for(
        "hub_health", {"state": "failing", "text": "HTTP 503: @everyone <script>"}
    ).embeds[0]
    assert failing.title == "Hugging Face Hub: snapshots failing"
    assert "@everyone" not in failing.description and "@\u200beveryone" in failing.description
    working = draft_for("hub_health", {"state": "working", "text": "ok"}).embeds[0]
    assert working.title == "Hugging Face Hub: working again"
