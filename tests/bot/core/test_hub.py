"""The Hub's records: a failure's line is what the database and the logs keep."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.hub import HubError, HubErrorKind, Listing, Scope

AT = datetime(2026, 2, 9, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            HubError(Scope.AUTHOR, "Qwen", HubErrorKind.HTTP_STATUS, "HTTP 500: Fake failure 500"),
            "author Qwen: HTTP 500: Fake failure 500",
        ),
        (
            HubError(Scope.REPO, "unsloth/x", HubErrorKind.READ_TIMEOUT, "ReadTimeout: timed out"),
            "repo unsloth/x: ReadTimeout: timed out",
        ),
        (
            HubError.stopped(Scope.AUTHOR, "Qwen", cut_short=True),
            "author Qwen: cut short, trendbot is stopping",
        ),
        (HubError.stopped(Scope.REPO, "a/b"), "repo a/b: skipped, trendbot is stopping"),
        (
            HubError.skipped(Scope.REPO, "a/b", after=Scope.AUTHOR),
            "repo a/b: skipped, the Hub did not answer for an earlier author",
        ),
        (
            HubError.skipped(Scope.REPO, "a/b", after=Scope.REPO),
            "repo a/b: skipped, the Hub did not answer for an earlier repo",
        ),
    ],
)
def test_a_failure_is_one_line_naming_what_failed(error, line):
    assert error.line == line


def test_a_listing_with_a_failure_is_incomplete_and_reports_its_lines_in_order():
    listing = Listing(["Qwen", "x"], AT)
    assert listing.complete and listing.errors == []
    listing.failures += [
        HubError(Scope.AUTHOR, "Qwen", HubErrorKind.REFUSED, "ConnectError: refused"),
        HubError.skipped(Scope.AUTHOR, "x", after=Scope.AUTHOR),
    ]
    assert not listing.complete
    assert listing.errors == [
        "author Qwen: ConnectError: refused",
        "author x: skipped, the Hub did not answer for an earlier author",
    ]
