"""Story identity: whether a new article is a story already stored, and why.

One story reaches the bot through several feeds (the same canonical URL) or
several outlets (a syndicated copy: near-identical text). It is stored once, with
every source that carried it, and posted once. These are the rules, over plain
values; the store answers the few questions they ask through :class:`StoryLookup`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from extractors.fingerprint import CANDIDATE_BITS, containment, distance

# How many of the closest SimHash candidates have their texts compared exactly.
MAX_COMPARED = 5


class StoryLookup(Protocol):
    """The stored articles a new one is compared with (the store implements this)."""

    def by_canonical(self, canonical: str) -> int | None:
        """The id of an article stored with this canonical URL, if any."""
        ...

    def near(self, fingerprint: int) -> Iterable[tuple[int, int]]:
        """(article id, fingerprint) of the recent articles that have a fingerprint.

        It may return more than the ones near ``fingerprint`` (today: every
        fingerprinted article in the de-duplication window); :func:`same_story`
        measures the distance itself.
        """
        ...

    def text(self, article_id: int) -> str | None:
        """The stored text of an article, or None when it is gone or has none."""
        ...


@dataclass(frozen=True)
class SameStory:
    """The stored article a new one repeats, and the reason, as the decision log says it."""

    article_id: int
    reason: str


def same_story(
    canonical: str | None,
    text: str | None,
    fingerprint: int | None,
    threshold: float,
    lookup: StoryLookup,
) -> SameStory | None:
    """The stored story a new article repeats, or None when it is a new story.

    The same canonical URL decides at once. Otherwise the articles whose SimHash is
    within :data:`~extractors.fingerprint.CANDIDATE_BITS` of ``fingerprint`` are
    candidates; the closest :data:`MAX_COMPARED` (ties by id) have their texts
    compared, and the first sharing at least ``threshold`` of its 3-shingles is it.
    """
    if canonical:
        found = lookup.by_canonical(canonical)
        if found is not None:
            return SameStory(found, f"same article (canonical URL) as article #{found}")
    if fingerprint is None or not text:
        return None
    candidates = sorted(
        (distance(fingerprint, other), article_id)
        for article_id, other in lookup.near(fingerprint)
        if distance(fingerprint, other) <= CANDIDATE_BITS
    )
    for _bits, article_id in candidates[:MAX_COMPARED]:
        other_text = lookup.text(article_id)
        if not other_text:
            continue
        shared = containment(text, other_text)
        if shared >= threshold:
            return SameStory(
                article_id, f"near-identical text to article #{article_id} ({shared:.0%} shared)"
            )
    return None


def trusted_canonical(canonical: str | None, link: str | None) -> str | None:
    """The page's canonical URL, unless it is a site's front page (a common misconfiguration
    that would make every article of the site one story): then the item's link."""
    if canonical and urlsplit(canonical).path.strip("/"):
        return canonical
    return link


def content_hash(text: str | None) -> str | None:
    """SHA-256 of the text with its whitespace collapsed, or None for no text."""
    if not text:
        return None
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()
