"""Third-party markup to inert plain text.

Feed titles and summaries arrive as HTML, as escaped HTML, and sometimes as
HTML escaped twice. What trendbot stores and posts is plain text: tags removed,
entities decoded, whitespace folded, and nothing left that a renderer could
take for markup or a script, however many layers of escaping it came in.
"""

from __future__ import annotations

import html
import re

import lxml.html
from lxml import etree

_TAG = re.compile(r"</?[A-Za-z!?/][^<>]*>?")
_OPEN_ANGLE = re.compile(r"<(?=[A-Za-z!?/])")
# Script URL schemes, and data: only where a MIME type follows ("data: 15T tokens" is prose).
_SCRIPT_SCHEME = re.compile(
    r"(?i)\b(javascript|vbscript|livescript)(\s*):|\b(data)(\s*):(?=\s*[a-z]+/[a-z0-9.+-]+)"
)
_HANDLER = re.compile(r"(?i)\bon([a-z]{3,})(\s*)=")
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*(\n\s*)+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_BLOCKS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre")


def _strip_once(text: str) -> str:
    """One layer: parse as HTML, drop scripts and styles, keep the text, decode entities."""
    if "<" not in text and "&" not in text:
        return text
    try:
        root = lxml.html.fragment_fromstring(text, create_parent="div")
    except (etree.ParserError, ValueError):
        return html.unescape(_TAG.sub(" ", text))
    for bad in root.xpath(".//script|.//style|.//noscript|.//template"):
        bad.drop_tree()
    for block in root.iter(*_BLOCKS):
        block.tail = "\n" + (block.tail or "")
    return root.text_content()


def to_plain_text(value: str | None, *, max_length: int | None = None) -> str:
    """Inert plain text from any HTML-ish string; '' for nothing.

    Layers of escaping are peeled until the text stops changing (up to 48
    layers), then anything still shaped like a tag, an event handler or a script
    URL scheme is defused, so stored text can be shown anywhere as it is.
    """
    if not value:
        return ""
    text = _CONTROL.sub("", value)
    for _ in range(24):  # each pass peels up to two layers; stop once nothing changes
        stripped = _strip_once(html.unescape(text) if "<" not in text else text)
        if stripped == text:
            break
        text = _CONTROL.sub("", stripped)
    text = _TAG.sub(" ", text)
    text = _OPEN_ANGLE.sub("\u2039", text)  # a lone "<tag" left over becomes "‹tag"
    # "javascript:" -> "javascript∶" (a ratio sign): readable, but no longer a scheme
    text = _SCRIPT_SCHEME.sub(lambda m: f"{m[1] or m[3]}{m[2] if m[1] else m[4]}\u2236", text)
    text = _HANDLER.sub(lambda m: f"on{m[1]}{m[2]}\u2550", text)  # "onclick=" -> "onclick═"
    text = _SPACE.sub(" ", text)
    text = _NEWLINES.sub("\n\n", text).strip()
    if max_length is not None and len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "\u2026"
    return text
