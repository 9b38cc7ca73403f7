"""Command replies: what members see."""

from __future__ import annotations

from bot.delivery.replies import public_url


def test_feed_urls_shown_to_members_hide_secrets():
    assert public_url("https://user:pw@feeds.example.com:8443/ai.xml?token=abc") == (
        "https://feeds.example.com:8443/ai.xml?…"
    )
    assert public_url("https://example.com/feed") == "https://example.com/feed"
