"""Which entries of a fetched feed are posted, and why the others are not.

Pure rules over plain values; the crawler records the outcome of each in the
decision log, which is what `trendbot why URL` reads back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.vocabulary import POSTED as POSTED
from bot.core.vocabulary import Decision
from extractors.feed import FeedItem


@dataclass(frozen=True)
class EntryDecision:
    item: FeedItem
    decision: Decision
    detail: str

    @property
    def post(self) -> bool:
        return self.decision in POSTED


def decide(
    items: Sequence[FeedItem],
    *,
    known: set[str],
    first_fetch: bool,
    backfill: int,
    max_age: timedelta,
    now: datetime,
) -> list[EntryDecision]:
    """A decision for every item not seen before in this feed (seen ones are not decided again).

    On a feed's first fetch everything is a baseline, except the ``backfill``
    newest items; afterwards new items are posted unless older than ``max_age``.
    """
    fresh = [item for item in items if item.identity not in known]
    if first_fetch:
        newest = sorted(
            range(len(fresh)),
            key=lambda i: (fresh[i].published is not None, fresh[i].published or now, -i),
            reverse=True,
        )[:backfill]
        chosen = set(newest)
        return [
            EntryDecision(item, Decision.BACKFILL, f"first fetch: one of the {backfill} newest")
            if index in chosen
            else EntryDecision(
                item, Decision.BASELINE, "first fetch of the feed: stored, not posted"
            )
            for index, item in enumerate(fresh)
        ]
    out = []
    for item in fresh:
        if item.published is not None and now - item.published > max_age:
            age = now - item.published
            out.append(
                EntryDecision(
                    item,
                    Decision.TOO_OLD,
                    f"published {age.days}d {age.seconds // 3600}h ago, over the {max_age} limit",
                )
            )
        else:
            out.append(EntryDecision(item, Decision.NEW, "new item"))
    return out
