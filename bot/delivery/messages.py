"""Message drafts: what trendbot posts, as plain data, made safe and fitted to Discord's limits.

One composition feeds every sink (Discord, the terminal, the tests): a draft is
built here from outbox payloads, rankings or digests, and a sink only renders it.
The draft records (:class:`Draft`, :class:`Embed`, :class:`Field`,
:class:`Attachment`) live in :mod:`bot.core.drafts` and are re-exported here; a
payload is read as its typed record from :mod:`bot.core.outbox`.
Two promises are kept here rather than in the sinks:

- third-party text (feed titles, summaries, names) is inert: Discord markdown is
  escaped and mention syntax is broken with a zero-width space, on top of the
  bot's ``AllowedMentions.none()``, so "@everyone <script>" in a title is shown,
  not acted on;
- nothing is rejected for its size: Discord refuses an over-long message outright
  (HTTP 400, code 50035) and the message would be lost, so every text is truncated
  with an ellipsis and a message with too many fields, embeds or characters is
  split into several.
"""

from __future__ import annotations

import base64
import re
from dataclasses import replace

from bot.core.drafts import Attachment as Attachment
from bot.core.drafts import Draft as Draft
from bot.core.drafts import Embed as Embed
from bot.core.drafts import Field as Field
from bot.core.drafts import safe_url as safe_url
from bot.core.outbox import (
    AdminPayload,
    AlertPayload,
    DigestEmbed,
    DigestField,
    DigestFile,
    DigestPayload,
    HealthPayload,
    HubHealthPayload,
    NewsPayload,
    OtherPayload,
    parse_payload,
)
from bot.time_text import TimeText

CONTENT = 2000
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
TOTAL = 6000
EMBEDS = 10
ELLIPSIS = "…"

COLOURS = {
    "news": 0x3B82F6,
    "milestone": 0x22C55E,
    "overtake": 0xF59E0B,
    "new_model": 0x8B5CF6,
    "surge": 0xEF4444,
    "digest": 0x0EA5E9,
    "health": 0x6B7280,
}

_MARKDOWN = re.compile(r"([\\*_~`|\[\]])")  # brackets alone break a masked link
_LINE_START = re.compile(r"(?m)^(\s*)([#>-])")  # headings, quotes, lists
_MENTION = re.compile(r"@(everyone|here|[!&]?\d{15,21})", re.IGNORECASE)
_ANGLE_MENTION = re.compile(r"<([@#]|/|a?:)")


def inert(text: str | None) -> str:
    """Third-party text made inert: markdown escaped, mentions broken, no pings."""
    if not text:
        return ""
    text = _MARKDOWN.sub(r"\\\1", text)
    text = _LINE_START.sub(r"\1\\\2", text)
    text = _MENTION.sub("@\u200b\\1", text)
    return _ANGLE_MENTION.sub("<\u200b\\1", text)


def clip(text: str | None, limit: int) -> str:
    """At most ``limit`` characters, ending with an ellipsis when cut (never mid-escape)."""
    if not text or len(text) <= limit:
        return text or ""
    cut = text[: limit - 1]
    if cut.endswith("\\") and not cut.endswith("\\\\"):
        cut = cut[:-1]
    return cut.rstrip() + ELLIPSIS


def _fit_embed(embed: Embed) -> list[Embed]:
    """Each text clipped to its limit; fields beyond 25 go to continuation embeds."""
    fields = [
        Field(
            clip(f.name, FIELD_NAME) or "\u200b", clip(f.value, FIELD_VALUE) or "\u200b", f.inline
        )
        for f in embed.fields
    ]
    first = replace(
        embed,
        title=clip(embed.title, TITLE),
        description=clip(embed.description, DESCRIPTION),
        footer=clip(embed.footer, FOOTER),
        fields=tuple(fields[:FIELDS]),
    )
    out = [first]
    for start in range(FIELDS, len(fields), FIELDS):
        out.append(
            Embed(
                title=clip(f"{first.title} (continued)", TITLE) if first.title else "",
                fields=tuple(fields[start : start + FIELDS]),
                colour=embed.colour,
            )
        )
    return [_shrink(e) for e in out]


def _shrink(embed: Embed) -> Embed:
    """An embed alone over the 6,000-character total gives up description, then fields."""
    while embed.size() > TOTAL:
        excess = embed.size() - TOTAL
        if len(embed.description) > 200:
            keep = max(200, len(embed.description) - excess)
            embed = replace(embed, description=clip(embed.description, keep))
        elif len(embed.fields) > 1:
            kept = embed.fields[:-2]
            dropped = len(embed.fields) - len(kept)
            note = Field("…", f"and {dropped} more, over Discord's size limit")
            embed = replace(embed, fields=(*kept, note))
        else:
            embed = replace(embed, footer="")
            break
    return embed


def _split_content(content: str) -> list[str]:
    """Content over 2,000 characters, cut at line ends where possible."""
    chunks: list[str] = []
    rest = content
    while len(rest) > CONTENT:
        cut = rest.rfind("\n", 0, CONTENT)
        if cut < CONTENT // 2:
            cut = CONTENT
        chunks.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    if rest:
        chunks.append(rest)
    return chunks


def fit(draft: Draft) -> list[Draft]:
    """The draft as one or more messages that Discord will accept."""
    embeds = [piece for embed in draft.embeds for piece in _fit_embed(embed)]
    contents = _split_content(draft.content) if draft.content else []
    messages: list[Draft] = [Draft(content=c) for c in contents[:-1]]
    current_content = contents[-1] if contents else ""
    batch: list[Embed] = []
    total = 0
    for embed in embeds:
        if batch and (len(batch) == EMBEDS or total + embed.size() > TOTAL):
            messages.append(Draft(current_content, tuple(batch)))
            current_content, batch, total = "", [], 0
        batch.append(embed)
        total += embed.size()
    if batch or current_content or not messages:
        messages.append(Draft(current_content, tuple(batch)))
    if draft.files:  # pictures travel with the first part, next to the embed that shows them
        messages[0] = replace(messages[0], files=draft.files)
    return messages


# -- drafts for outbox payloads -------------------------------------------------------

ALERT_TITLES = {
    "milestone": "Milestone",
    "overtake": "Overtake",
    "new_model": "New model",
    "surge": "Download surge",
}


def alert_draft(payload: AlertPayload | dict) -> Draft:
    """An alert; its title and colour follow the payload's own kind, not the row's."""
    if not isinstance(payload, AlertPayload):
        payload = AlertPayload.from_json(payload)
    kind = payload.alert_kind
    title = f"{ALERT_TITLES.get(kind, kind.title())}: {inert(payload.subject)}"
    return Draft(
        embeds=(
            Embed(
                title=title,
                description=inert(payload.text),
                colour=COLOURS.get(kind),
                footer="Hugging Face Hub statistics, from trendbot's snapshots",
            ),
        )
    )


def news_draft(payload: NewsPayload | dict, times: TimeText | None = None) -> Draft:
    """A news post; its published time is read in ``times``' zone, always with its day.

    Discord dates the message when it is delivered, which after an outage is days
    after it was queued, so "10:42" alone could name the wrong day. The year is
    judged against ``times.now`` (the sender passes the row's creation time), so a
    retry renders the same text.
    """
    if not isinstance(payload, NewsPayload):
        payload = NewsPayload.from_json(payload)
    title = inert(payload.title) or "(untitled)"
    summary = inert(payload.summary)
    footer = payload.feed or ""
    if payload.published:
        published = (times or TimeText.of()).dated(payload.published)
        footer = f"{footer} · {published}" if footer else published
    return Draft(
        embeds=(
            Embed(
                title=title,
                url=safe_url(payload.link),
                description=clip(summary, 600),
                footer=footer,
                colour=COLOURS["news"],
            ),
        )
    )


def health_draft(payload: HealthPayload | dict, times: TimeText | None = None) -> Draft:
    """A feed's change of health; the instants in its message (a host's "retry after")
    are written in ``times``' zone."""
    if not isinstance(payload, HealthPayload):
        payload = HealthPayload.from_json(payload)
    message = (times or TimeText.of()).text(payload.message)
    return Draft(
        embeds=(
            Embed(
                title=f"Feed {inert(payload.feed)}: {payload.health_to}",
                description=inert(message),
                footer=f"was {payload.health_from}",
                colour=COLOURS["health"],
            ),
        )
    )


def hub_health_draft(payload: HubHealthPayload | dict, times: TimeText | None = None) -> Draft:
    """The Hub failing for a while, or working again: for the admins, with the cause.

    The cause holds the Hub's own error message, so it is made inert like any
    third-party text. The text holds its instants as UTC stamps, written here in
    ``times``' zone (a payload stored before that holds them the same way).
    """
    if not isinstance(payload, HubHealthPayload):
        payload = HubHealthPayload.from_json(payload)
    text = (times or TimeText.of()).text(payload.text)
    state = "working again" if payload.working else "snapshots failing"
    return Draft(
        embeds=(
            Embed(
                title=f"Hugging Face Hub: {state}",
                description=inert(text),
                footer="trendbot's Hub snapshots",
                colour=COLOURS["health"],
            ),
        )
    )


def draft_for(kind: str, payload: dict, times: TimeText | None = None) -> Draft:
    """The draft of an outbox row, by its kind, with its times written by ``times``.

    The payload is read as its typed record (:func:`bot.core.outbox.parse_payload`).
    An admin notice, and a payload of a kind this code does not know, is shown as
    its text or, without one, as the whole payload.
    """
    record = parse_payload(kind, payload)
    if isinstance(record, NewsPayload):
        return news_draft(record, times)
    if isinstance(record, AlertPayload):
        return alert_draft(record)
    if isinstance(record, HealthPayload):
        return health_draft(record, times)
    if isinstance(record, HubHealthPayload):
        return hub_health_draft(record, times)
    if isinstance(record, DigestPayload):
        return digest_payload_draft(record)
    assert isinstance(record, AdminPayload | OtherPayload)
    return Draft(content=inert(record.text or str(record.to_json())))


def digest_payload_draft(payload: DigestPayload | dict) -> Draft:
    """A digest stored in the outbox as its embeds (already composed and made inert)."""
    if not isinstance(payload, DigestPayload):
        payload = DigestPayload.from_json(payload)
    embeds = tuple(
        Embed(
            title=e.title,
            description=e.description,
            url=safe_url(e.url),
            fields=tuple(Field(f.name, f.value, f.inline) for f in e.fields),
            footer=e.footer,
            colour=e.colour,
            image=e.image,
        )
        for e in payload.embeds
    )
    files = tuple(Attachment(item.name, base64.b64decode(item.data)) for item in payload.files)
    return Draft(content=payload.content, embeds=embeds, files=files)


def digest_payload(draft: Draft) -> DigestPayload:
    """A composed digest as the outbox stores it: its draft, pictures in base64 (JSON
    holds no bytes); :func:`digest_payload_draft` reads it back."""
    return DigestPayload(
        content=draft.content,
        embeds=tuple(
            DigestEmbed(
                title=e.title,
                description=e.description,
                url=e.url,
                fields=tuple(
                    DigestField(name=f.name, value=f.value, inline=f.inline) for f in e.fields
                ),
                footer=e.footer,
                colour=e.colour,
                image=e.image,
            )
            for e in draft.embeds
        ),
        files=tuple(
            DigestFile(name=item.name, data=base64.b64encode(item.data).decode("ascii"))
            for item in draft.files
        ),
    )


def draft_payload(draft: Draft) -> dict:
    """The inverse of :func:`digest_payload_draft`: a draft as JSON for the outbox."""
    return digest_payload(draft).to_json()
