"""Message drafts as plain data: what a sink renders, whichever sink it is.

A :class:`Draft` is one message (text, embeds, attached files), built by the pure
rooms (:mod:`bot.delivery.messages`, :mod:`bot.delivery.digest`,
:mod:`bot.delivery.replies`) and shown by Discord, the terminal and the tests
alike. Making third-party text inert and fitting a draft to Discord's limits stay
in :mod:`bot.delivery.messages`, which re-exports these names.

It imports nothing but the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


def safe_url(url: str | None) -> str | None:
    """Only absolute http(s) links are linked; anything else is dropped."""
    if not url:
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in url) or len(url) > 2000:
        return None  # Discord refuses the whole message over a malformed link
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True)
class Embed:
    title: str = ""
    description: str = ""
    url: str | None = None
    fields: tuple[Field, ...] = ()
    footer: str = ""
    colour: int | None = None
    image: str | None = None  # the file name of an attached picture

    def size(self) -> int:
        return (
            len(self.title)
            + len(self.description)
            + len(self.footer)
            + sum(len(f.name) + len(f.value) for f in self.fields)
        )


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message (a chart): kept as bytes so the outbox can hold it."""

    name: str
    data: bytes

    def __repr__(self) -> str:
        return f"Attachment({self.name!r}, {len(self.data):,} bytes)"


@dataclass(frozen=True)
class Draft:
    """One message: text, embeds and attached files."""

    content: str = ""
    embeds: tuple[Embed, ...] = ()
    files: tuple[Attachment, ...] = ()

    def text(self) -> str:
        """The draft as plain text, for the terminal sink and for logs."""
        lines = [self.content] if self.content else []
        for embed in self.embeds:
            if embed.title:
                lines.append(f"## {embed.title}" + (f"  <{embed.url}>" if embed.url else ""))
            if embed.description:
                lines.append(embed.description)
            for item in embed.fields:
                lines.append(f"**{item.name}**\n{item.value}")
            if embed.footer:
                lines.append(f"-- {embed.footer}")
        lines += [f"[attached: {item.name}, {len(item.data) // 1024} KB]" for item in self.files]
        return "\n".join(lines)
