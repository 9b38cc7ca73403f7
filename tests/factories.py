"""Rows the storage-level tests need again and again, with the usual values as defaults."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.store.models import Claim, Verdict


def qwen_total_claim(session: Session, article_id: int, **overrides: Any) -> Claim:
    """The project's favourite claim: Qwen passed 700 million downloads (flushed, with an id)."""
    values: dict[str, Any] = {
        "article_id": article_id,
        "text": "passed 700 million downloads",
        "start": 5,
        "end": 33,
        "value": 700_000_000,
        "unit": "downloads",
        "metric": "downloads_total",
        "qualifier": "more_than",
        "subject": "Qwen",
        "subject_hub_id": "Qwen",
    }
    claim = Claim(**(values | overrides))
    session.add(claim)
    session.flush()
    return claim


def verdict(session: Session, claim: Claim, status: str, reason: str) -> Verdict:
    row = Verdict(claim_id=claim.id, status=status, reason=reason)
    session.add(row)
    return row


def store_extraction(session: Session, article_id: int, found: Any) -> None:
    """Mentions and claims of an extraction, stored as the crawler stores them."""
    from datetime import UTC, datetime

    from bot.store.ingest import store_extraction as store

    store(session, article_id, found, datetime.now(UTC))
