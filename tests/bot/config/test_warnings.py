"""Warnings: a valid config that is probably not what was meant, located like problems."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings
from bot.config.load import load_checked

TOKEN = {"DISCORD_TOKEN": "set-in-the-environment"}


def warnings_of(write_config, body: str, environ: dict[str, str] | None = None) -> list[str]:
    path = write_config(body)
    _settings, warnings = load_checked(path, environ or {})
    return [str(w).removeprefix(f"{path}:") for w in warnings]


@pytest.mark.parametrize("written", ["1087456489951125528", '"1087456489951125528"', "' 42 '"])
def test_a_role_id_may_be_written_as_a_number_or_a_quoted_number(write_config, written):
    settings = load_settings(write_config(f"discord: {{admin_role: {written}}}\n"), {})
    assert isinstance(settings.discord.admin_role, int)
    assert str(settings.discord.admin_role) == written.strip("\"' ")


def test_a_role_name_still_works_but_is_warned_about(write_config):
    body = "feeds: []\ndiscord:\n  admin_role: Feed editors\n"
    settings = load_settings(write_config(body), {})
    assert settings.discord.admin_role == "Feed editors"
    assert warnings_of(write_config, body) == [
        "3:3: discord.admin_role: warning: the admin role is given by name ('Feed editors'); "
        "anyone allowed to create roles can make one with that name and run admin commands "
        "(hint: use the role id instead: with Developer Mode on, right-click the role in "
        "Server Settings > Roles > Copy Role ID)"
    ]
    assert warnings_of(write_config, "discord: {admin_role: 1087456489951125528}\n") == []


def test_a_boolean_is_not_a_role(write_config):
    with pytest.raises(ConfigError) as caught:
        load_settings(write_config("discord: {admin_role: true}\n"), {})
    assert "must be a role id or a role name" in str(caught.value)


def test_a_token_without_the_channels_it_needs_is_warned_about(write_config):
    body = """\
        feeds:
          - {name: A, url: https://a.example/feed}
        discord:
          channels:
            alerts: 222
        """
    assert warnings_of(write_config, body) == []  # no token: output goes to the terminal
    assert warnings_of(write_config, body, TOKEN) == [
        "4:3: discord.channels.digest: warning: $DISCORD_TOKEN is set but no digest channel "
        "is configured; scheduled digests wait in the outbox until one is (hint: set "
        "discord.channels.digest to a channel id: with Developer Mode on, right-click the "
        "channel > Copy Channel ID)",
        "4:3: discord.channels.news: warning: $DISCORD_TOKEN is set but no news channel is "
        "configured; news items of feeds that have no channel of their own wait in the outbox "
        "until one is (hint: set discord.channels.news to a channel id: with Developer Mode "
        "on, right-click the channel > Copy Channel ID)",
    ]


def test_the_token_is_looked_for_under_discord_token_env(write_config):
    body = "discord: {token_env: BOT_TOKEN, channels: {digest: 1}}\n"
    assert warnings_of(write_config, body, TOKEN) == []
    [warning] = warnings_of(write_config, body, {"BOT_TOKEN": "x"})
    assert warning.startswith("1:33: discord.channels.alerts: warning: $BOT_TOKEN is set")
    assert warnings_of(write_config, body, {"BOT_TOKEN": "  "}) == []  # blank is unset


def test_the_news_channel_is_needed_only_when_something_posts_there(write_config):
    routed = """\
        feeds:
          - {name: A, url: https://a.example/feed, channel: 444}
          - {name: B, url: https://b.example/feed, enabled: false}
        discord: {channels: {digest: 1, alerts: 2}}
        """
    assert warnings_of(write_config, routed, TOKEN) == []
    filtered = routed.replace("alerts: 2}}", "alerts: 2}, filters: [{route: news, keywords: [x]}]}")
    [warning] = warnings_of(write_config, filtered, TOKEN)
    assert "discord.channels.news: warning:" in warning


def test_an_unset_channel_of_a_file_without_a_discord_section_has_no_line(write_config):
    warnings = warnings_of(write_config, "feeds: []\n", TOKEN)
    assert [w.split(": warning:")[0] for w in warnings] == [
        " discord.channels.digest",
        " discord.channels.alerts",
    ]
