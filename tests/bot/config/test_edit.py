"""Editing config.yaml from the bot keeps comments and order, validates, writes atomically."""

from __future__ import annotations

import pytest

from bot.config.edit import EditRefused, add_feed, remove_feed
from bot.config.load import ConfigError

ORIGINAL = """\
# trendbot configuration (hand-written notes must survive)
database: sqlite:///data/trendbot.db

feeds:
  # Labs
  - name: Hugging Face blog   # the Hub's own news
    url: https://huggingface.co/blog/feed.xml
    interval: 30m
  - name: Import AI
    url: https://importai.substack.com/feed

hub:
  authors: [Qwen]
"""


def test_add_feed_keeps_comments_and_order_and_backs_up(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    settings = add_feed(path, "The Decoder", "https://the-decoder.com/feed/")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(ORIGINAL.split("\nhub:")[0].rstrip("\n"))  # everything before is kept
    assert "# the Hub's own news" in text and "# Labs" in text
    assert "  - name: The Decoder\n    url: https://the-decoder.com/feed/\n" in text
    assert text.index("Import AI") < text.index("The Decoder") < text.index("hub:")
    assert [f.name for f in settings.feeds][-1] == "The Decoder"
    assert (tmp_path / "config.yaml.bak").read_text(encoding="utf-8") == ORIGINAL
    # no temporary file left behind (the hidden lock file stays for the next edit)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [".config.yaml.lock", "config.yaml", "config.yaml.bak"]


def test_removing_the_first_item_of_a_commented_section_keeps_the_heading(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "feeds:\n  - name: A\n    url: https://a.example/f\n  # Newsletters\n"
        "  - name: B\n    url: https://b.example/f\n  - name: C\n    url: https://c.example/f\n",
        encoding="utf-8",
    )
    remove_feed(path, "B")
    assert path.read_text(encoding="utf-8") == (
        "feeds:\n  - name: A\n    url: https://a.example/f\n  # Newsletters\n"
        "  - name: C\n    url: https://c.example/f\n"
    )


def test_remove_feed(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    settings = remove_feed(path, "import ai")
    assert [f.name for f in settings.feeds] == ["Hugging Face blog"]
    assert "Import AI" not in path.read_text(encoding="utf-8")
    assert "# the Hub's own news" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "url", "message"),
    [
        ("import ai", "https://x.example/feed", "a feed named 'import ai' is already listed"),
        ("Other", "https://importai.substack.com/feed/", "is already listed as 'Import AI'"),
    ],
)
def test_duplicates_are_refused_and_the_file_is_untouched(tmp_path, name, url, message):
    path = tmp_path / "config.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    with pytest.raises(EditRefused, match=message):
        add_feed(path, name, url)
    assert path.read_text(encoding="utf-8") == ORIGINAL


def test_an_edit_that_would_make_the_config_invalid_writes_nothing(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        add_feed(path, "Bad", "not a url")
    assert any("feeds[2].url" in str(p) for p in raised.value.problems)
    assert path.read_text(encoding="utf-8") == ORIGINAL
    assert not (tmp_path / "config.yaml.bak").exists()


def test_removing_an_unknown_feed_is_refused(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    with pytest.raises(EditRefused, match="no feed named 'Nope'"):
        remove_feed(path, "Nope")


def test_removing_the_last_item_of_a_group_keeps_the_next_heading(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "feeds:\n  - name: A\n    url: https://a.example/f\n  - name: B\n"
        "    url: https://b.example/f\n  # Newsletters\n  - name: C\n    url: https://c.example/f\n",
        encoding="utf-8",
    )
    remove_feed(path, "B")
    assert path.read_text(encoding="utf-8") == (
        "feeds:\n  - name: A\n    url: https://a.example/f\n  # Newsletters\n"
        "  - name: C\n    url: https://c.example/f\n"
    )


def test_concurrent_edits_both_land(tmp_path):
    import threading

    path = tmp_path / "config.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    threads = [
        threading.Thread(target=add_feed, args=(path, f"Feed {i}", f"https://f{i}.example/rss"))
        for i in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    text = path.read_text(encoding="utf-8")
    assert all(f"name: Feed {i}" in text for i in range(6))
