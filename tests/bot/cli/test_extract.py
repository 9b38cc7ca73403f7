"""`trendbot extract`: text and HTML files, stdin, JSON lines, offline and without a database."""

from __future__ import annotations

from tests.bot.cli.helpers import trendbot
from tests.fakes.feeds import article_page

STORY = (
    "Alibaba's Qwen family passed 700 million downloads on Hugging Face, and "
    "Qwen2.5-1.5B-Instruct was the most downloaded model in October."
)


async def test_text_and_html_files_as_json_lines(tmp_path):
    text = tmp_path / "story.txt"
    text.write_text(STORY, encoding="utf-8")
    page = tmp_path / "glm.html"
    page.write_bytes(article_page("glm-release"))
    ran = await trendbot(
        "--config", str(tmp_path / "none.yaml"), "extract", "--jsonl", str(text), str(page)
    )
    assert ran.code == 0, ran.err
    first, second = ran.json_lines()
    assert set(first) == {"path", "models", "orgs", "claims"}
    assert first["path"] == str(text)
    assert {m["text"]: m["hub_id"] for m in first["models"]} == {
        "Qwen": "Qwen",
        "Qwen2.5-1.5B-Instruct": "Qwen/Qwen2.5-1.5B-Instruct",
    }
    assert first["orgs"][0] == {
        "kind": "org",
        "text": "Alibaba",
        "start": 0,
        "end": 7,
        "canonical": "Alibaba",
        "hub_id": "Qwen",
        "hub_author": "Qwen",
        "link": "family",
        "wanted": None,
    }
    downloads = next(c for c in first["claims"] if c["unit"] == "downloads")
    assert STORY[downloads["start"] : downloads["end"]] == downloads["text"]
    assert (downloads["value"], downloads["qualifier"], downloads["subject_hub_id"]) == (
        700_000_000,
        "more_than",
        "Qwen",
    )
    assert set(downloads) == {
        "text",
        "start",
        "end",
        "value",
        "unit",
        "metric",
        "qualifier",
        "subject",
        "subject_hub_id",
        "subject_link",
        "sentence",
        "period",
        "detail",
    }
    assert downloads["sentence"] in STORY  # the sentence travels with the claim
    # the .html input went through trafilatura first: offsets are into the extracted text
    assert any(c["text"] == "128K tokens" for c in second["claims"])
    assert not (tmp_path / "data").exists()  # no database was created
    assert "config not used, built-in knowledge only" in ran.err  # none.yaml does not exist


async def test_stdin_and_a_missing_file(tmp_path):
    ran = await trendbot(
        "--config",
        str(tmp_path / "none.yaml"),
        "extract",
        "--jsonl",
        "-",
        str(tmp_path / "missing.txt"),
        input=STORY.encode(),
    )
    assert ran.code == 1
    assert "cannot read" in ran.err and "Traceback" not in ran.err
    lines = ran.json_lines()
    assert lines[0]["path"] == "-" and lines[0]["claims"]


async def test_readable_output(tmp_path):
    text = tmp_path / "story.txt"
    text.write_text(STORY, encoding="utf-8")
    ran = await trendbot("--config", str(tmp_path / "none.yaml"), "extract", str(text))
    assert ran.code == 0, ran.err
    assert "model  Qwen2.5-1.5B-Instruct  -> Qwen/Qwen2.5-1.5B-Instruct" in ran.out
    assert "700000000 downloads downloads_total [more_than] about Qwen" in ran.out
