import pytest

from extractors.links import absolute_http_url, normalise_link


@pytest.mark.parametrize(
    ("href", "base", "expected"),
    [
        ("/news/1", "https://lab.example/feed.xml", "https://lab.example/news/1"),
        ("https://lab.example/a", None, "https://lab.example/a"),
        ("  https://lab.example/a\n", None, "https://lab.example/a"),
        ("javascript:alert(1)", "https://lab.example/", None),
        ("data:text/html,<script>", None, None),
        ("mailto:press@lab.example", None, None),
        ("ftp://lab.example/file", None, None),
        ("https://lab.example:99999/", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_absolute_http_url(href, base, expected):
    assert absolute_http_url(href, base) == expected


def test_normalised_links_ignore_tracking_case_fragments_and_slashes():
    same = {
        normalise_link("HTTPS://Lab.Example:443/news/qwen/?utm_source=rss&utm_medium=feed#top"),
        normalise_link("https://lab.example/news/qwen"),
        normalise_link("https://lab.example/news/qwen/?fbclid=abc"),
    }
    assert same == {"https://lab.example/news/qwen"}


def test_meaningful_query_parameters_are_kept():
    assert normalise_link("https://blog.example/?p=123") != normalise_link(
        "https://blog.example/?p=124"
    )
    assert normalise_link("https://x.example/a?b=2&a=1") == normalise_link(
        "https://x.example/a?a=1&b=2"
    )


def test_scheme_is_lowercased():
    assert absolute_http_url("HTTP://www.example.org/Thing") == "http://www.example.org/Thing"
