import pytest

from bot.config.schema import DiscordSettings, FeedSettings, NewsFilter
from bot.ingest.routing import matches_filter, news_routes
from extractors.extraction import Extraction, Mention

QWEN = Extraction(
    models=[Mention("model", "Qwen3-8B", 0, 8, hub_id="Qwen/Qwen3-8B", canonical="Qwen3")],
    orgs=[Mention("org", "DeepSeek", 20, 28, hub_id="deepseek-ai")],
)


@pytest.mark.parametrize(
    ("news_filter", "title", "summary", "extraction", "matches"),
    [
        # keywords: whole words of the title or summary, in any case
        ({"keywords": ["gguf"]}, "Qwen3 GGUF builds", "", None, True),
        ({"keywords": ["gguf"]}, "", "Now as GGUF.", None, True),
        ({"keywords": ["gguf"]}, "GGUFs everywhere", "", None, False),  # not a whole word
        ({"keywords": ["c++"]}, "A C++ port", "", None, True),  # the word is not a pattern
        ({"keywords": ["funding"]}, None, None, None, False),
        # entities: what the extractor found, by text, canonical name, Hub id or author
        ({"entities": ["qwen3-8b"]}, "", "", QWEN, True),
        ({"entities": ["Qwen3"]}, "", "", QWEN, True),
        ({"entities": ["qwen/qwen3-8b"]}, "", "", QWEN, True),
        ({"entities": ["Qwen"]}, "", "", QWEN, True),  # the author part of the Hub id
        ({"entities": ["deepseek-ai"]}, "", "", QWEN, True),
        ({"entities": ["DeepSeek"]}, "", "", QWEN, True),
        ({"entities": ["GLM"]}, "", "", QWEN, False),
        ({"entities": ["Qwen"]}, "Qwen ships", "", None, False),  # entities need an extraction
        ({"entities": ["Qwen"]}, "", "", Extraction(), False),
        # either one is enough
        ({"entities": ["GLM"], "keywords": ["funding"]}, "Funding news", "", QWEN, True),
    ],
)
def test_matches_filter(news_filter, title, summary, extraction, matches):
    found = matches_filter(NewsFilter(route="news", **news_filter), title, summary, extraction)
    assert found is matches


def routes(discord: dict, feed_channel=None, title="", summary="", extraction=None) -> list[str]:
    feed = FeedSettings(name="Daily", url="https://lab.example/feed", channel=feed_channel)
    return news_routes(
        DiscordSettings(**discord), feed, title=title, summary=summary, extraction=extraction
    )


CHANNELS = {"channels": {"news": 333}, "routes": {"research": 444, "open": 555, "same": 333}}


@pytest.mark.parametrize(
    ("discord", "feed_channel", "title", "expected"),
    [
        # the feed's route: news unless the feed names one, or a raw channel id
        (CHANNELS, None, "", ["news"]),
        (CHANNELS, "research", "", ["research"]),
        (CHANNELS, 999, "", ["channel:999"]),
        # then every matching filter's route, in the filters' order
        (
            {
                **CHANNELS,
                "filters": [
                    {"route": "open", "keywords": ["qwen3"]},
                    {"route": "research", "keywords": ["gguf"]},
                    {"route": 777, "keywords": ["nothing-matches-this"]},
                ],
            },
            None,
            "Qwen3 GGUF builds",
            ["news", "open", "research"],
        ),
        # a filter routed to a raw channel id
        (
            {**CHANNELS, "filters": [{"route": 777, "keywords": ["gguf"]}]},
            None,
            "GGUF",
            ["news", "channel:777"],
        ),
        # the same route twice is posted once
        (
            {**CHANNELS, "filters": [{"route": "news", "keywords": ["gguf"]}]},
            None,
            "GGUF",
            ["news"],
        ),
        # routes to the same channel (a name, another name, a raw id) post once there
        (
            {
                **CHANNELS,
                "filters": [
                    {"route": "same", "keywords": ["gguf"]},
                    {"route": 333, "keywords": ["gguf"]},
                    {"route": "open", "keywords": ["gguf"]},
                    {"route": 555, "keywords": ["gguf"]},
                ],
            },
            None,
            "GGUF",
            ["news", "open"],
        ),
        # a route with no channel configured (yet) is kept, each such route once:
        # its message waits in the outbox until the channel is set
        ({}, None, "", ["news"]),
        (
            {"filters": [{"route": "alerts", "keywords": ["gguf"]}]},
            None,
            "GGUF",
            ["news", "alerts"],
        ),
        (
            {
                "routes": {"research": 444},
                "filters": [
                    {"route": "news", "keywords": ["gguf"]},
                    {"route": "research", "keywords": ["gguf"]},
                    {"route": 444, "keywords": ["gguf"]},
                ],
            },
            "digest",
            "GGUF",
            ["digest", "news", "research"],
        ),
    ],
)
def test_news_routes(discord, feed_channel, title, expected):
    assert routes(discord, feed_channel, title) == expected


def test_news_routes_match_filters_on_the_summary_and_the_extraction():
    discord = {
        **CHANNELS,
        "filters": [
            {"route": "open", "entities": ["Qwen"]},
            {"route": "research", "keywords": ["funding"]},
        ],
    }
    assert routes(discord) == ["news"]
    assert routes(discord, summary="A funding round.") == ["news", "research"]
    assert routes(discord, extraction=QWEN) == ["news", "open"]
