from extractors.article import extract_article
from tests.fakes.feeds import article_page


def test_text_and_metadata_from_a_news_page():
    page = article_page("glm-release", canonical="https://news.example/glm-45-air?utm_source=x")
    article = extract_article(page, "http://127.0.0.1:9/news/glm")
    assert article is not None
    assert "128K tokens" in article.text
    assert "All rights reserved" not in article.text  # the footer is boilerplate
    assert article.title.startswith("Zhipu AI releases GLM-4.5-Air")
    assert article.site_name == "Loopback AI Daily"
    assert article.canonical_url.startswith("https://news.example/glm-45-air")
    assert article.words > 100


def test_hostile_or_empty_pages_give_nothing_not_an_exception():
    assert extract_article(b"", "http://127.0.0.1/x") is None
    assert extract_article(b"\x00\xff\xfe garbage <<<>>>", "http://127.0.0.1/x") is None
    assert extract_article("<html><body></body></html>", "http://127.0.0.1/x") is None
