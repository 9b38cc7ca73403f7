"""Drafts are inert and always within Discord's limits."""

from __future__ import annotations

import pytest

from bot.delivery.messages import (
    CONTENT,
    DESCRIPTION,
    EMBEDS,
    FIELD_VALUE,
    FIELDS,
    TITLE,
    TOTAL,
    Attachment,
    Draft,
    Embed,
    Field,
    clip,
    draft_for,
    draft_payload,
    fit,
    inert,
    news_draft,
    safe_url,
)


def within_limits(message: Draft) -> None:
    assert len(message.content) <= CONTENT
    assert len(message.embeds) <= EMBEDS
    assert sum(e.size() for e in message.embeds) <= TOTAL
    for embed in message.embeds:
        assert len(embed.title) <= TITLE
        assert len(embed.description) <= DESCRIPTION
        assert len(embed.fields) <= FIELDS
        assert all(len(f.value) <= FIELD_VALUE for f in embed.fields)


def test_third_party_text_cannot_ping_or_format():
    text = inert("@everyone <script>alert(1)</script> **bold** <@123456789012345678> @here")
    assert "@everyone" not in text and "@here" not in text
    assert "@\u200beveryone" in text
    assert "<@123" not in text
    assert "\\*\\*bold\\*\\*" in text


def test_a_hostile_feed_title_becomes_an_inert_news_embed():
    draft = news_draft(
        {
            "title": "@everyone <script>x</script> [click](javascript:alert(1))",
            "link": "javascript:alert(1)",
            "summary": "# Heading\n> quote",
            "feed": "Evil feed",
        }
    )
    (embed,) = draft.embeds
    assert embed.url is None  # only http(s) links are linked
    assert "@\u200beveryone" in embed.title
    assert "\\[click\\](javascript:alert(1))" in embed.title
    assert embed.description.startswith("\\# Heading")


def test_clip_never_leaves_a_dangling_escape():
    assert clip("abcdef", 4) == "abc…"
    assert clip("ab\\*cd", 4) == "ab…"
    assert clip("short", 10) == "short"


@pytest.mark.parametrize("url", ["https://example.com/a", "http://x.org"])
def test_http_links_are_kept(url):
    assert safe_url(url) == url


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "/relative", ""])
def test_other_links_are_dropped(url):
    assert safe_url(url) is None


def test_oversized_texts_are_truncated_with_an_ellipsis():
    draft = Draft(
        embeds=(
            Embed(
                title="t" * 300,
                description="d" * 5000,
                fields=(Field("n" * 300, "v" * 2000),),
            ),
        )
    )
    [message] = fit(draft)
    within_limits(message)
    (embed,) = message.embeds
    assert embed.title.endswith("…") and len(embed.title) == TITLE
    assert embed.fields[0].value.endswith("…")


def test_too_many_fields_and_embeds_are_split_into_more_messages():
    fields = tuple(Field(f"field {i}", "x" * 200) for i in range(60))
    draft = Draft(content="c" * 4500, embeds=(Embed(title="Big", fields=fields),) * 3)
    messages = fit(draft)
    assert len(messages) > 1
    for message in messages:
        within_limits(message)
    # nothing is lost: every field and all the content arrive
    assert sum(len(e.fields) for m in messages for e in m.embeds) == 180
    assert sum(len(m.content) for m in messages) == 4500


def test_files_travel_with_the_first_part():
    chart = Attachment("chart.png", b"\x89PNG...")
    messages = fit(Draft(content="x" * 3000, files=(chart,)))
    assert messages[0].files == (chart,) and messages[1].files == ()


def test_drafts_survive_the_outbox_round_trip():
    draft = Draft(
        content="hello",
        embeds=(Embed(title="T", description="D", fields=(Field("a", "b", True),), colour=1),),
        files=(Attachment("x.png", bytes(range(256))),),
    )
    assert draft_for("digest", draft_payload(draft)) == draft


def test_alert_draft_from_an_outbox_payload():
    draft = draft_for(
        "milestone", {"kind": "milestone", "subject": "Qwen", "text": "Qwen passed 700 million."}
    )
    (embed,) = draft.embeds
    assert embed.title == "Milestone: Qwen"
    assert embed.description == "Qwen passed 700 million."
