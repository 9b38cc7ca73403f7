"""Loading config.yaml: every error path is reported with its line, column and a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, ConfigProblem, load_settings
from bot.config.load import CONFIG_ENV, DATABASE_ENV, config_path
from tests.conftest import MINIMAL_CONFIG, ROOT

DISCORD_LIKE_TOKEN = "MTA4NzQ1NjQ4OTk1MTEyNTUyOA.GxYzAb.abcdefghijklmnopqrstuvwxyz0123456789AB"
HF_LIKE_TOKEN = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"


def problems_of(path: Path, environ: dict[str, str] | None = None) -> list[ConfigProblem]:
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ or {})
    assert caught.value.problems, "a ConfigError must carry at least one problem"
    return caught.value.problems


def only(problems: list[ConfigProblem]) -> ConfigProblem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_minimal_config_from_the_issue_is_accepted_as_is(write_config):
    settings = load_settings(write_config(MINIMAL_CONFIG), {})
    assert [feed.name for feed in settings.feeds] == ["Example AI news"]
    assert settings.feeds[0].full_text is True
    assert settings.feeds[0].backfill == 0
    assert settings.discord.channels.alerts == 222
    assert settings.hub.milestones[-1] == 1_000_000_000
    # each tracked author is a family of its own unless `families` says otherwise
    assert set(settings.hub.effective_families()) == {"Qwen", "meta-llama"}


def test_shipped_config_yaml_is_valid_and_useful():
    settings = load_settings(ROOT / "config.yaml", {})
    assert 10 <= len(settings.feeds) <= 15
    assert all(feed.url.startswith("https://") for feed in settings.feeds)
    for author in ("Qwen", "meta-llama", "deepseek-ai", "mistralai", "zai-org", "moonshotai"):
        assert author in settings.hub.authors
    assert settings.hub.families["GLM"].authors == ["zai-org", "THUDM"]


def test_empty_file_means_all_defaults(write_config):
    settings = load_settings(write_config(""), {})
    assert settings.feeds == []
    assert settings.discord.token_env == "DISCORD_TOKEN"
    assert settings.hub.endpoint == "https://huggingface.co"


def test_yaml_syntax_error_has_line_and_column(write_config):
    path = write_config("hub:\n  authors: [Qwen\nfeeds: []\n")
    problem = only(problems_of(path))
    assert problem.line == 3
    assert "YAML syntax error" in problem.message
    assert str(problem).startswith(f"{path}:3:")


def test_duplicate_yaml_key_is_an_error_with_its_line(write_config):
    path = write_config("hub:\n  authors: [Qwen]\nhub:\n  authors: [google]\n")
    problem = only(problems_of(path))
    assert problem.line == 3
    assert "twice" in problem.message


def test_top_level_must_be_a_mapping(write_config):
    problem = only(problems_of(write_config("- just\n- a list\n")))
    assert problem.line == 1
    assert "mapping of sections" in problem.message


def test_unknown_key_is_caught_with_a_suggestion(write_config):
    path = write_config(
        """\
        discord:
          token_env: DISCORD_TOKEN
          chanels: {digest: 1}
        """
    )
    problem = only(problems_of(path))
    assert (problem.line, problem.column) == (3, 3)
    assert problem.where == "discord.chanels"
    assert "unknown key 'chanels'" in problem.message
    assert problem.hint == "did you mean 'channels'?"


def test_unknown_top_level_section_lists_the_allowed_keys(write_config):
    problem = only(problems_of(write_config("database: sqlite:///x.db\nxyzzy: 1\n")))
    assert problem.line == 2
    assert "allowed keys here" in (problem.hint or "")
    assert "feeds" in (problem.hint or "")


def test_missing_required_key_points_at_the_list_item(write_config):
    path = write_config(
        """\
        feeds:
          - name: A
            url: https://a.example/feed
          - name: B
        """
    )
    problem = only(problems_of(path))
    assert (problem.line, problem.column) == (4, 5)
    assert problem.where == "feeds[1].url"
    assert "missing required key 'url'" in problem.message
    assert "RSS or Atom URL" in (problem.hint or "")


def test_wrong_types_and_ranges_each_get_their_own_line(write_config):
    path = write_config(
        """\
        http:
          max_redirects: lots
          concurrency: 0
        feeds:
          - name: A
            url: ftp://a.example/feed
            interval: 5s
            backfill: -1
            full_text: maybe
        schedule:
          digest: "61 9 * * *"
          timezone: Mars/Olympus
        """
    )
    found = {p.where: p for p in problems_of(path)}
    assert found["http.max_redirects"].line == 2
    assert found["http.concurrency"].line == 3
    assert found["feeds[0].url"].line == 6
    assert "http://" in found["feeds[0].url"].message
    assert found["feeds[0].interval"].line == 7
    assert "1m" in found["feeds[0].interval"].message
    assert found["feeds[0].backfill"].line == 8
    assert found["feeds[0].full_text"].line == 9
    assert found["schedule.digest"].line == 11
    assert "cron" in found["schedule.digest"].message
    assert found["schedule.timezone"].line == 12
    assert len(found) == 8


def test_bad_duration_explains_the_accepted_forms(write_config):
    problem = only(problems_of(write_config("http:\n  timeout: {connect: 5x}\n")))
    assert problem.where == "http.timeout.connect"
    assert problem.line == 2
    assert "90s, 15m, 2h" in problem.message


def test_a_value_fitting_no_union_branch_gives_one_problem(write_config):
    path = write_config(
        """\
        feeds:
          - name: A
            url: https://a.example/feed
            channel: [not, a, channel]
        """
    )
    problem = only(problems_of(path))
    assert problem.where == "feeds[0].channel"
    assert problem.line == 4


def test_duplicate_feed_names_and_urls_point_at_the_second_one(write_config):
    path = write_config(
        """\
        feeds:
          - name: Lab news
            url: https://lab.example/feed.xml
          - name: lab NEWS
            url: https://other.example/feed.xml
          - name: Third
            url: HTTPS://LAB.example:443/feed.xml/
        """
    )
    found = {p.where: p for p in problems_of(path)}
    assert set(found) == {"feeds[1].name", "feeds[2].url"}
    assert found["feeds[1].name"].line == 4
    assert "also feeds[0]" in found["feeds[1].name"].message
    assert found["feeds[2].url"].line == 7


def test_cross_checks_are_reported_together_with_schema_errors(write_config):
    path = write_config(
        """\
        http: {max_redirects: lots}
        feeds:
          - {name: A, url: https://a.example/feed}
          - {name: A, url: https://b.example/feed}
        """
    )
    assert {p.where for p in problems_of(path)} == {"http.max_redirects", "feeds[1].name"}


def test_feed_channel_must_name_a_known_route(write_config):
    path = write_config(
        """\
        feeds:
          - {name: A, url: https://a.example/feed, channel: news}
          - {name: B, url: https://b.example/feed, channel: research}
          - {name: C, url: https://c.example/feed, channel: reserch}
          - {name: D, url: https://d.example/feed, channel: 123456789}
        discord:
          routes: {research: 444}
        """
    )
    problem = only(problems_of(path))
    assert problem.where == "feeds[2].channel"
    assert problem.line == 4
    assert "research" in (problem.hint or "")


def test_family_authors_must_be_tracked_and_not_shared(write_config):
    path = write_config(
        """\
        hub:
          authors: [Qwen, zai-org]
          families:
            Qwen: {authors: [Qwen, deepseek-ai]}
            GLM: {authors: [zai-org, Qwen]}
            Empty: {aliases: [nothing]}
        """
    )
    found = {p.where: p for p in problems_of(path)}
    assert "not tracked" in found["hub.families.Qwen.authors[1]"].message
    assert found["hub.families.Qwen.authors[1]"].hint == "add deepseek-ai to hub.authors"
    assert "already in family 'Qwen'" in found["hub.families.GLM.authors[1]"].message
    assert found["hub.families.GLM.authors[1]"].line == 5
    assert "at least one author or repo" in found["hub.families.Empty"].message
    assert found["hub.families.Empty"].line == 6


def test_hub_names_are_validated(write_config):
    path = write_config(
        """\
        hub:
          authors: [Qwen, "not an org!", Qwen]
          families:
            X: {repos: [not-a-repo-id]}
        """
    )
    found = {p.where for p in problems_of(path)}
    assert found == {"hub.authors[1]", "hub.authors[2]", "hub.families.X.repos[0]"}


@pytest.mark.parametrize(
    ("body", "where", "env_name"),
    [
        (f"discord:\n  token: {DISCORD_LIKE_TOKEN}\n", "discord.token", "DISCORD_TOKEN"),
        (
            f"discord:\n  token_env: MY_TOKEN\n  bot_token: {DISCORD_LIKE_TOKEN}\n",
            "discord.bot_token",
            "MY_TOKEN",
        ),
        (f"discord:\n  token_env: {DISCORD_LIKE_TOKEN}\n", "discord.token_env", "DISCORD_TOKEN"),
        (f"hub:\n  token: {HF_LIKE_TOKEN}\n", "hub.token", "HF_TOKEN"),
        (f"hub:\n  endpoint: {HF_LIKE_TOKEN}\n", "hub.endpoint", "HF_TOKEN"),
        ("database: postgresql://bot:hunter2@db.example/trendbot\n", "database", "DATABASE_URL"),
    ],
)
def test_secrets_are_refused_with_a_pointer_to_the_environment(write_config, body, where, env_name):
    problem = only(problems_of(write_config(body)))
    assert problem.where == where
    assert "must not be stored in config.yaml" in problem.message
    assert env_name in (problem.hint or "")
    rendered = str(problem)
    for secret in (DISCORD_LIKE_TOKEN, HF_LIKE_TOKEN, "hunter2"):
        assert secret not in rendered


def test_a_token_pasted_in_a_feed_list_is_found_anywhere(write_config):
    path = write_config(
        f"""\
        feeds:
          - name: A
            url: https://a.example/feed
            tags: [news, {HF_LIKE_TOKEN}]
        """
    )
    problem = only(problems_of(path))
    assert problem.where == "feeds[0].tags[1]"
    assert problem.line == 4


def test_every_problem_is_reported_at_once_sorted_by_line(write_config):
    path = write_config(
        f"""\
        http: {{allow_privat: true}}
        feeds:
          - {{name: A, url: nope}}
        discord: {{token: {DISCORD_LIKE_TOKEN}}}
        """
    )
    problems = problems_of(path)
    assert [p.line for p in problems] == [1, 3, 4]


def test_missing_file_is_one_clear_problem(tmp_path):
    problem = only(problems_of(tmp_path / "nope.yaml"))
    assert problem.message == "config file not found"
    assert CONFIG_ENV in (problem.hint or "")


def test_non_utf8_file_is_one_clear_problem(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes(b"feeds: []\n# caf\xe9\n")
    assert "not UTF-8" in only(problems_of(path)).message


# --- environment overrides -------------------------------------------------------------


def test_trendbot_config_chooses_the_file(write_config, monkeypatch):
    path = write_config(MINIMAL_CONFIG, name="elsewhere.yaml")
    assert config_path(None, {CONFIG_ENV: str(path)}) == path
    assert config_path("explicit.yaml", {CONFIG_ENV: str(path)}) == Path("explicit.yaml")
    assert config_path(None, {}) == Path("config.yaml")
    settings = load_settings(None, {CONFIG_ENV: str(path)})
    assert settings.feeds[0].name == "Example AI news"


def test_relative_sqlite_path_is_relative_to_the_config_file(write_config, tmp_path):
    settings = load_settings(write_config(MINIMAL_CONFIG), {})
    assert settings.database == f"sqlite:///{tmp_path / 'data' / 'trendbot.db'}"


def test_database_url_overrides_the_file(write_config):
    url = "postgresql://postgres@127.0.0.1:5432/test"
    settings = load_settings(write_config(MINIMAL_CONFIG), {DATABASE_ENV: url})
    assert settings.database == url


def test_relative_sqlite_in_database_url_is_relative_to_the_current_directory(
    write_config, tmp_path, monkeypatch
):
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    settings = load_settings(write_config(MINIMAL_CONFIG), {DATABASE_ENV: "sqlite:///state/bot.db"})
    assert settings.database == f"sqlite:///{workdir / 'state' / 'bot.db'}"


def test_a_password_in_database_url_is_fine_in_the_environment(write_config):
    url = "postgresql://bot:hunter2@db.example/trendbot"
    assert load_settings(write_config(MINIMAL_CONFIG), {DATABASE_ENV: url}).database == url


def test_invalid_database_url_in_the_environment_is_named(write_config):
    problem = only(problems_of(write_config(MINIMAL_CONFIG), {DATABASE_ENV: "mysql://x@y/z"}))
    assert problem.source == "$DATABASE_URL"
    assert "sqlite" in problem.message


def test_a_statistical_model_must_be_installed(write_config):
    problem = only(problems_of(write_config("entities:\n  statistical_model: en_core_web_zz\n")))
    assert problem.where == "entities.statistical_model" and problem.line == 2
    assert "not an installed spaCy pipeline" in problem.message


def test_unknown_routes_in_feeds_and_filters_are_located():
    import pytest as _pytest

    from bot.config.load import ConfigError, parse_settings

    text = (
        "feeds:\n"
        "  - {name: A, url: 'https://a.example/feed', channel: reserch}\n"
        "discord:\n"
        "  routes: {research: 444}\n"
        "  filters:\n"
        "    - {route: open-modles, entities: [Qwen]}\n"
        "    - {route: research}\n"
    )
    with _pytest.raises(ConfigError) as raised:
        parse_settings(text)
    lines = [str(p) for p in raised.value.problems]
    assert any(
        line.startswith("config.yaml:2:") and "unknown channel route 'reserch'" in line
        for line in lines
    )
    assert any(
        "discord.filters[0].route: unknown channel route 'open-modles'" in line for line in lines
    )
    assert any("discord.filters[1]" in line and "entities or keywords" in line for line in lines)
