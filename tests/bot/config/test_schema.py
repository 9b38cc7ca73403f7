"""The schema used directly from code, without the YAML loader."""

import pytest
from pydantic import ValidationError

from bot.config.schema import (
    FamilySettings,
    HubSettings,
    Problem,
    Settings,
    normalised_feed_url,
    schema_node,
)


def test_defaults_are_safe():
    settings = Settings()
    assert settings.http.allow_private is False
    assert settings.http.max_response_bytes == 5_000_000
    assert settings.http.max_redirects == 5
    assert settings.database == "sqlite:///data/trendbot.db"
    assert settings.discord.api_base == "https://discord.com/api/v10"
    assert settings.schedule.digest == "0 9 * * *"
    assert settings.schedule.timezone == "UTC"


def test_cross_checks_also_run_when_built_from_code():
    with pytest.raises(ValidationError, match="duplicate feed name"):
        Settings.model_validate(
            {
                "feeds": [
                    {"name": "A", "url": "https://a.example/feed"},
                    {"name": "a", "url": "https://b.example/feed"},
                ]
            }
        )


def test_settings_are_immutable():
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.database = "sqlite:///other.db"  # type: ignore[misc]


def test_hub_endpoint_loses_its_trailing_slash():
    # huggingface_hub does not strip it and would request //api/models
    assert HubSettings(endpoint="http://127.0.0.1:8080/").endpoint == "http://127.0.0.1:8080"


def test_milestones_are_sorted_and_unique():
    hub = HubSettings(milestones=[500, 100, 500, 250])
    assert hub.milestones == [100, 250, 500]


def test_effective_families_cover_every_author_once():
    hub = HubSettings(
        authors=["Qwen", "zai-org", "THUDM", "google"],
        families={
            "GLM": FamilySettings(authors=["zai-org", "THUDM"]),
            "google": FamilySettings(repos=["google/gemma-3-27b-it"]),
        },
    )
    families = hub.effective_families()
    assert families["GLM"].authors == ["zai-org", "THUDM"]
    assert families["Qwen"].authors == ["Qwen"]
    # the name "google" is taken by a repo-only family, so the author's own family is renamed
    assert families["google (author)"].authors == ["google"]
    claimed = [a for family in families.values() for a in family.authors]
    assert sorted(claimed) == sorted(hub.authors)


def test_feed_urls_compare_without_case_port_or_trailing_slash():
    assert normalised_feed_url("HTTPS://Example.COM:443/feed/") == normalised_feed_url(
        "https://example.com/feed"
    )
    assert normalised_feed_url("https://example.com/feed?a=1") != normalised_feed_url(
        "https://example.com/feed?a=2"
    )
    assert normalised_feed_url("http://example.com/feed") != normalised_feed_url(
        "https://example.com/feed"
    )


def test_problem_paths_read_like_the_yaml():
    assert Problem(("feeds", 2, "url"), "x").dotted() == "feeds[2].url"
    assert Problem(("hub", "families", "Qwen"), "x").dotted() == "hub.families.Qwen"
    assert Problem((), "x").dotted() == "(top level)"


def test_schema_node_walks_lists_and_dicts():
    _, description = schema_node(("hub", "families", "Qwen", "repos"))
    assert description and "owner/name" in description
    _, description = schema_node(("feeds", 0, "backfill"))
    assert description and "newly added feed" in description
    assert schema_node(("nonsense",)) == (None, None)


def test_the_time_zone_is_described_as_governing_every_time_shown():
    _, description = schema_node(("schedule", "timezone"))
    assert description and "cron" in description
    assert "every time shown to people" in description and "stay UTC" in description
