"""The digest as the outbox stores it: its typed record, read back as the same draft."""

from __future__ import annotations

from bot.delivery.messages import (
    Attachment,
    Draft,
    Embed,
    Field,
    digest_payload,
    draft_for,
    draft_payload,
)

DRAFTS = [
    Draft(),
    Draft(
        content="hello",
        embeds=(
            Embed(
                title="T",
                description="D",
                url="https://example.com/d",
                fields=(Field("a", "b", True), Field("c", "d")),
                footer="f",
                colour=0x0EA5E9,
                image="x.png",
            ),
            Embed(title="Plain"),
        ),
        files=(Attachment("x.png", bytes(range(256))),),
    ),
]


def test_digest_payload_is_the_stored_draft():
    for draft in DRAFTS:
        stored = digest_payload(draft).to_json()
        # the same JSON as the terminal's --json, and drawn back as the draft itself
        assert stored == draft_payload(draft)
        assert draft_for("digest", stored) == draft
