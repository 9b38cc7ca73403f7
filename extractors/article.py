"""Article pages to text and metadata, with trafilatura.

trafilatura scores best among open extractors on news pages and gives the
metadata we need in one pass: title, author, date, site name and the canonical
URL (which is how one story reached through two feeds is recognised).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import trafilatura

from extractors.links import absolute_http_url
from extractors.plaintext import to_plain_text

warnings.filterwarnings("ignore", category=FutureWarning, module=r"trafilatura\..*")


@dataclass(frozen=True)
class ArticleText:
    text: str
    title: str | None
    author: str | None
    date: str | None  # as trafilatura found it, ISO 8601 (YYYY-MM-DD)
    site_name: str | None
    canonical_url: str | None
    language: str | None

    @property
    def words(self) -> int:
        return len(self.text.split())


def _clean(value: object, limit: int) -> str | None:
    text = to_plain_text(str(value), max_length=limit) if value else ""
    return text or None


def extract_article(html: bytes | str, url: str, *, fast: bool = False) -> ArticleText | None:
    """Main text and metadata of a page, or None when nothing usable is found."""
    try:
        document = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            fast=fast,
            include_comments=False,
            # the page's own markup (meta tags, JSON-LD, time elements) gives the date;
            # the extensive text search costs as much as the extraction itself
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception:  # a hostile page must not take the crawler down
        return None
    if document is None:
        return None
    data = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    text = (data.get("text") or "").strip()
    if not text:
        return None
    return ArticleText(
        text=text,
        title=_clean(data.get("title"), 1000),
        author=_clean(data.get("author"), 500),
        date=data.get("date") or None,
        site_name=_clean(data.get("sitename"), 300),
        canonical_url=absolute_http_url(data.get("url"), url),
        language=data.get("language") or None,
    )
