import pytest

from extractors.plaintext import to_plain_text


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("Qwen2.5 &mdash; 700&nbsp;million", "Qwen2.5 — 700 million"),
        ("<p>First</p><p>Second</p>", "First\nSecond"),
        ("<b>Bold</b> claim", "Bold claim"),
        ("AT&T and x < y > z", "AT&T and x < y > z"),
        ("&amp;lt;b&amp;gt;twice escaped&amp;lt;/b&amp;gt;", "twice escaped"),
        ("<script>alert(1)</script>After", "After"),
        ("&lt;img src=x onerror=alert(1)&gt;Caption", "Caption"),
        ("Training data: 15T tokens", "Training data: 15T tokens"),
        ("", ""),
        (None, ""),
    ],
)
def test_plain_text(raw, plain):
    assert to_plain_text(raw) == plain


@pytest.mark.parametrize(
    "hostile",
    [
        '<a href="javascript:alert(1)">x</a> javascript:alert(2)',
        "&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;",
        "see data:text/html;base64,PHNjcmlwdD4=",
        "<div onmouseover='x()'>hover</div> onload=steal()",
        "&amp;amp;lt;script&amp;amp;gt;deep&amp;amp;lt;/script&amp;amp;gt;",
        "<scr<script>ipt>alert(1)</script>",
        "<<script>script>alert(1)<</script>/script>",
    ],
)
def test_nothing_executable_survives(hostile):
    text = to_plain_text(hostile).lower()
    for needle in ("<script", "javascript:", "data:text", "onmouseover=", "onload=", "<a "):
        assert needle not in text


def test_long_text_is_cut_with_an_ellipsis():
    assert to_plain_text("word " * 100, max_length=20) == "word word word word…"


def test_control_characters_are_removed():
    assert to_plain_text("a\x00b\x07c") == "abc"


def test_many_layers_of_escaping_are_all_peeled():
    text = "<script>alert(1)</script>Title"
    for _ in range(12):
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert to_plain_text(text) == "Title"
