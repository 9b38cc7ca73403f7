"""Feed parsing: versions, plain text, absolute links, and identities that survive rewrites."""

from datetime import UTC, datetime

import pytest

from extractors.feed import NotAFeed, parse_feed
from tests.fakes.feeds import Item, rss

URL = "https://news.example/feed.xml"
WHEN = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def test_rss_items_become_plain_text_with_absolute_links():
    doc = parse_feed(
        rss(
            [
                Item(
                    "Qwen &amp; <b>friends</b>",
                    link="/a",
                    guid="g1",
                    published=WHEN,
                    summary="<p>Hello <i>world</i></p>",
                )
            ]
        ),
        url=URL,
    )
    assert doc.version == "rss20"
    [item] = doc.items
    assert item.title == "Qwen & friends"
    assert item.summary == "Hello world"
    assert item.link == "https://news.example/a"  # relative to the document URL
    assert item.published == WHEN
    assert item.identity_basis == "guid"


def test_atom_feed():
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Lab</title><id>urn:lab</id>
<updated>2026-11-20T08:30:00Z</updated>
<entry><title type="html">&lt;em&gt;GLM-4.5&lt;/em&gt; ships</title><id>urn:lab:1</id>
<link rel="alternate" href="https://lab.example/glm"/><updated>2026-11-20T08:30:00Z</updated>
<content type="html">&lt;p&gt;Open weights.&lt;/p&gt;</content></entry></feed>"""
    doc = parse_feed(atom, url=URL)
    assert doc.version == "atom10"
    [item] = doc.items
    assert (item.title, item.link, item.summary) == (
        "GLM-4.5 ships",
        "https://lab.example/glm",
        "Open weights.",
    )


def test_identity_prefers_unique_guid_then_link_then_title_and_date():
    doc = parse_feed(
        rss(
            [
                Item("A", link="https://x.example/a", guid="dup"),
                Item("B", link="https://x.example/b", guid="dup"),
                Item("C", link="https://x.example/c?utm_source=rss"),
                Item("D", published=WHEN),
                Item("E", guid="unique"),
            ]
        ),
        url=URL,
    )
    bases = [item.identity_basis for item in doc.items]
    assert bases == ["link", "link", "link", "title+date", "guid"]
    assert len({item.identity for item in doc.items}) == 5


def test_identity_survives_a_rewritten_date_and_a_tracking_parameter():
    first = parse_feed(
        rss([Item("A", link="https://x.example/a?utm_source=rss", published=WHEN)]), url=URL
    )
    later = parse_feed(
        rss(
            [Item("A (updated)", link="https://x.example/a#comments", published=datetime.now(UTC))]
        ),
        url=URL,
    )
    assert first.items[0].identity == later.items[0].identity


def test_the_same_item_twice_in_one_document_is_kept_once():
    doc = parse_feed(rss([Item("A", guid="g", link="https://x.example/a")] * 2), url=URL)
    assert len(doc.items) == 1


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (b"<!DOCTYPE html><html><body>Login</body></html>", "an HTML page"),
        (b"", "an empty body"),
        (b"\x89PNG\r\n\x1a\n binary", "a document feedparser does not recognise"),
    ],
)
def test_not_a_feed_names_the_url_and_what_came_back(body, what):
    with pytest.raises(NotAFeed) as caught:
        parse_feed(body, url=URL, headers={"Content-Type": "text/html"})
    assert URL in str(caught.value) and what in str(caught.value)


def test_a_malformed_feed_with_entries_is_accepted_and_its_problem_kept():
    broken = rss([Item("A", guid="g")]).replace(b"</channel></rss>", b"<item><title>unclosed")
    doc = parse_feed(broken, url=URL)
    assert doc.items and doc.malformed


def test_non_http_links_are_dropped():
    doc = parse_feed(rss([Item("A", link="javascript:alert(1)", guid="g")]), url=URL)
    assert doc.items[0].link is None


def test_items_sharing_one_identity_are_kept_once_and_reported():
    doc = parse_feed(
        rss(
            [
                Item("Issue 12: Qwen passes 700M", link="https://x.example/newsletter"),
                Item("Issue 13: Kimi K2 tops the charts", link="https://x.example/newsletter"),
            ]
        ),
        url=URL,
    )
    assert [item.title for item in doc.items] == ["Issue 12: Qwen passes 700M"]
    assert [item.title for item in doc.repeated] == ["Issue 13: Kimi K2 tops the charts"]
