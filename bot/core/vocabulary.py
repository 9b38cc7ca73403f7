"""The enums the pure rules decide in and the store records: feed health, decisions,
verdicts and the outbox's states.

They are ``StrEnum`` so that they are their own JSON and database form: the
tables in :mod:`bot.store.models` keep short string columns (adding a value never
needs a migration) and re-export these names, so ``from bot.store.models import
Decision`` still works. The claim's own words (metric, unit, qualifier, link) live
in :mod:`extractors.vocabulary`, beside the extractor that speaks them.

It imports nothing but the standard library.
"""

from __future__ import annotations

from enum import StrEnum


class FeedHealth(StrEnum):
    OK = "ok"
    FAILING = "failing"  # errors, still retried with backoff
    FAILED = "failed"  # polling stopped (gone, or given up); needs an admin


class Decision(StrEnum):
    NEW = "new"
    DUPLICATE_ID = "duplicate_id"
    DUPLICATE_STORY = "duplicate_story"
    TOO_OLD = "too_old"
    BASELINE = "baseline"
    BACKFILL = "backfill"
    FETCH_ERROR = "fetch_error"
    EXTRACTION_FALLBACK = "extraction_fallback"
    EXTRACTION_TIMEOUT = "extraction_timeout"  # a worker job ran past crawl.job_timeout


# The decisions that post an entry; every other one stores it silently.
POSTED = frozenset({Decision.NEW, Decision.BACKFILL})


class VerdictStatus(StrEnum):
    SUPPORTED = "supported"
    CONTRADICTED = "contradicted"
    UNVERIFIABLE = "unverifiable"
    NOT_CHECKABLE = "not_checkable"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # the route refused it (403/404); kept for admins, not retried
