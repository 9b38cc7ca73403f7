"""Links as trendbot keeps them: absolute http(s) URLs, normalised for identity.

courlan (installed with trafilatura) does the normalisation: scheme and host
case, default ports, sorted query, tracking parameters (utm_*, fbclid, gclid...)
removed. Fragments are dropped here, since ``#comments`` does not make another article.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

from courlan import normalize_url

_MAX_URL = 2048


def absolute_http_url(href: str | None, base: str | None = None) -> str | None:
    """``href`` made absolute against ``base``, or None unless it is a sane http(s) URL."""
    if not href:
        return None
    text = "".join(ch for ch in href.strip() if ch >= " " and ch != "\x7f")
    if not text:
        return None
    if base:
        try:
            text = urljoin(base, text)
        except ValueError:
            return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if len(text) > _MAX_URL or any(ch in text for ch in ' <>"`'):
        return None
    if not text.startswith(f"{parts.scheme}:"):  # urlsplit lower-cases the scheme
        text = urlunsplit(parts)
    return text


def normalise_link(url: str | None) -> str | None:
    """The form used to recognise the same link written two ways; None if not http(s)."""
    absolute = absolute_http_url(url)
    if absolute is None:
        return None
    try:
        normal = normalize_url(absolute, strict=False, trailing_slash=False)
    except (ValueError, AttributeError):
        normal = absolute
    parts = urlsplit(normal)
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))
