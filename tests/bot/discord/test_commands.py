"""Slash commands against simcord's simulated Discord: answers, limits, admin checks, delivery."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import discord
import pytest
import simcord
from sqlmodel import Session, select

from bot.config.load import parse_settings
from bot.core.hub import Listing, ModelStats
from bot.discord.permissions import NotAdmin
from bot.hub.job import take_snapshot
from bot.service import Service
from bot.store.models import Article, DigestRun, Entry, Feed, Mention, OutboxMessage
from bot.time_text import TimeText
from tests.factories import qwen_total_claim, verdict
from tests.outbox_rows import enqueue

NOW = datetime.now(UTC)


def config_text(
    channels: str = "{}", guild_id: int | None = None, admin_role: str = "Feed editors"
) -> str:
    return f"""
http: {{allow_private: true}}
hub:
  authors: [Qwen, meta-llama]
  families:
    Qwen: {{authors: [Qwen]}}
    Llama: {{authors: [meta-llama]}}
discord:
  channels: {channels}
  admin_role: {admin_role}
  guild_id: {guild_id if guild_id is not None else "null"}
"""


def seed(engine) -> None:
    settings = parse_settings(config_text())
    for hours, qwen in ((200, 600_000_000), (1, 702_000_000)):
        take_snapshot(
            settings,
            engine,
            Listing(
                authors=["Qwen", "meta-llama"],
                started_at=NOW - timedelta(hours=hours),
                finished_at=NOW,
                models=[
                    ModelStats("Qwen/Qwen3-8B", "Qwen", 9_000_000, qwen, 900, 50),
                    ModelStats(
                        "meta-llama/Llama-3.1-8B", "meta-llama", 7_000_000, 650_000_000, 5, 1
                    ),
                ],
            ),
        )
    with Session(engine) as session:
        feed = Feed(
            name="Wire",
            url="https://wire.example/feed",
            config_url="x",
            health="failing",
            last_error="HTTP 503 Service Unavailable",
        )
        session.add(feed)
        session.flush()
        article = Article(
            identity_hash="1" * 64,
            canonical_url="https://wire.example/qwen",
            title="Qwen3-8B passes 700M " + "very long title " * 60,
            fetched_at=NOW - timedelta(hours=2),
        )
        session.add(article)
        session.flush()
        session.add(
            Entry(
                feed_id=feed.id,
                identity_hash="e1",
                article_id=article.id,
                link="https://wire.example/qwen",
            )
        )
        session.add(
            Mention(
                article_id=article.id,
                kind="model",
                text="Qwen3-8B",
                start=0,
                end=8,
                hub_id="Qwen/Qwen3-8B",
            )
        )
        claim = qwen_total_claim(session, article.id)
        verdict(session, claim, "supported", "Hub all-time downloads: 702 million")
        session.commit()


@pytest.fixture
def simcord_bot(engine):
    seed(engine)
    service = Service(parse_settings(config_text()), engine, None)
    return service.with_discord(guild_ready_timeout=0.1)


@pytest.fixture
def world(simcord_env, simcord_bot):
    env, bot = simcord_env, simcord_bot
    guild = env.create_guild()
    channel = guild.create_text_channel("general")
    alerts = guild.create_text_channel("alerts")
    member = guild.add_member(env.create_user("reader"))
    admin_role = guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(env.create_user("admin"), roles=[admin_role])
    bot.control.apply(parse_settings(config_text(f"{{alerts: {alerts.id}}}", guild.id)))
    return env, bot, channel, alerts, member, admin


async def test_rankings_answers_with_scope_and_time(world):
    _env, _bot, channel, *_rest, member, _admin = world
    result = await member.slash(channel, "rankings")
    embed = result.response.embeds[0]
    assert embed.title == "Ranking by family: all-time downloads"
    assert embed.description.splitlines()[0] == "**1.** Qwen: 702 million"
    assert "Hugging Face" in embed.footer.text and "as of" in embed.footer.text
    models = await member.slash(channel, "rankings", by="model", metric="30d", limit=1)
    assert models.response.embeds[0].description == "**1.** Qwen/Qwen3-8B: 9 million"


async def test_model_news_claims_status_feeds_and_why(world):
    _env, _bot, channel, *_rest, member, _admin = world
    model = await member.slash(channel, "model", repo_id="Qwen/Qwen3-8B")
    fields = {f.name: f.value for f in model.response.embeds[0].fields}
    assert fields["All-time downloads"] == "702 million"
    assert fields["Gained over 7 days"] == "102 million"
    choices = await member.autocomplete(channel, "model", "repo_id", "qwen")
    assert [c["value"] for c in choices] == ["Qwen/Qwen3-8B"]

    news = await member.slash(channel, "news", entity="Qwen3-8B")  # a 980-character title
    assert news.response.embeds[0].fields[0].name.endswith("…")

    claims = await member.slash(channel, "claims", entity="qwen")
    assert "supported" in claims.response.embeds[0].fields[0].value

    status = await member.slash(channel, "status")
    fields = {f.name: f.value for f in status.response.embeds[0].fields}
    assert fields["Failing feeds"] == "Wire: failing (HTTP 503 Service Unavailable)"

    feeds = await member.slash(channel, "feeds list")
    assert feeds.response.embeds[0].fields[0].name == "Wire (failing)"

    why = await member.slash(channel, "why", url="https://unknown.example/x")
    assert why.ephemeral
    assert "never seen in any feed" in why.response.content


async def test_admin_commands_are_hidden_and_refused_for_members(world):
    _env, _bot, channel, *_rest, member, admin = world
    visible = member.available_commands(channel)
    assert "rankings" in visible and "feeds list" in visible
    assert not any(c.startswith(("feeds-admin", "digest")) for c in visible)
    assert "feeds-admin add" in admin.available_commands(channel)


async def test_the_run_time_check_holds_when_a_server_admin_unhides_the_commands(world):
    env, bot, channel, _alerts, member, _admin = world
    guild = env.guild
    editors = guild.create_role("Feed editors")  # discord.admin_role in the config
    editor = guild.add_member(env.create_user("editor"), roles=[editors])
    synced = {c.name: c for c in await bot.tree.fetch_commands()}
    guild.set_command_permissions(synced["feeds-admin"], {member: True, editor: True})

    refused = await member.slash(channel, "feeds-admin reload")
    assert refused.ephemeral
    assert refused.response.content.startswith("This command is for server admins")
    simcord.assert_error(env, NotAdmin)  # refused by the check, answered by the bot

    accepted = await editor.slash(channel, "feeds-admin reload")
    assert accepted.response.content == "Configuration reloaded: 0 feeds."


async def test_digest_now_for_an_admin_and_delivery_to_the_alerts_channel(world):
    _env, bot, channel, alerts, _member, admin = world
    result = await admin.slash(channel, "digest now")
    assert result.ephemeral
    with Session(bot.engine) as session:
        enqueue(
            session,
            key="test-alert",
            kind="milestone",
            route="alerts",
            payload={"kind": "milestone", "subject": "Qwen", "text": "@everyone Qwen passed 700M"},
            at=NOW,
            discord=bot.settings.discord,
        )
        session.commit()
    report = await bot.sender.deliver()
    assert report.delivered >= 1
    message = alerts.last_message
    assert message.embeds[0].title == "Milestone: Qwen"
    assert "@\u200beveryone" in message.embeds[0].description
    # the digest waits: no digest channel is configured, and the admins are told so
    assert report.broken_routes == ["digest"]
    notice = await bot.sender.deliver()
    assert notice.delivered == 1
    assert (
        "Posting to route 'digest' stopped: no channel is configured" in alerts.last_message.content
    )
    assert (await bot.sender.deliver()).delivered == 0
    with Session(bot.engine) as session:
        digest = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "digest")).one()
    assert digest.status == "pending"


async def test_digest_now_names_its_period_in_the_configured_zone(world):
    _env, bot, channel, alerts, _member, admin = world
    kolkata = config_text(f"{{alerts: {alerts.id}}}", channel.guild.id) + (
        "schedule: {timezone: Asia/Kolkata}\n"
    )
    bot.control.apply(parse_settings(kolkata))
    result = await admin.slash(channel, "digest now")
    with Session(bot.engine) as session:
        run = session.exec(select(DigestRun)).one()
    span = TimeText.of("Asia/Kolkata").span(run.period_start, run.period_end)
    assert result.response.content == f"Digest for {span} (Asia/Kolkata) queued."
    assert "UTC" not in result.response.content


@pytest.fixture
def editable(engine, tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "# hand-written notes survive bot edits\n" + config_text() + "feeds: []\n", encoding="utf-8"
    )
    return path


async def test_feeds_admin_add_tests_the_feed_first(simcord_env, simcord_bot, editable, web):
    from tests.fakes.feeds import Item, rss
    from tests.fakes.web import Response

    web.add("/feed", Response(body=rss([Item("Qwen3 is out", link=web.url("/a"), guid="g1")])))
    web.add(
        "/page",
        Response(
            body=b"<html><body>Not a feed</body></html>", headers={"Content-Type": "text/html"}
        ),
    )
    guild = simcord_env.create_guild()
    editable.write_text(
        editable.read_text().replace("guild_id: null", f"guild_id: {guild.id}"), encoding="utf-8"
    )
    simcord_bot.control.config_path = editable
    simcord_bot.control.apply(parse_settings(editable.read_text()))
    env = simcord_env
    channel = guild.create_text_channel("general")
    role = guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(env.create_user("admin"), roles=[role])

    refused = await admin.slash(channel, "feeds-admin add", name="Page", url=web.url("/page"))
    assert refused.ephemeral  # the deferred "thinking" reply becomes the answer
    assert refused.response.content.endswith(
        "is not a feed: it returned an HTML page (text/html, 36 bytes)"
    )
    added = await admin.slash(channel, "feeds-admin add", name="Lab", url=web.url("/feed"))
    assert added.response.content.startswith("Added Lab (rss20, 1 items)")
    text = editable.read_text()
    assert text.startswith("# hand-written notes survive bot edits")
    assert f"url: {web.url('/feed')}" in text
    assert (editable.parent / "config.yaml.bak").exists()
    assert [f.name for f in simcord_bot.settings.feeds] == ["Lab"]  # applied at once

    again = await admin.slash(channel, "feeds-admin add", name="lab", url=web.url("/feed"))
    assert again.response.content == "Not added: a feed named 'lab' is already listed"
    removed = await admin.slash(channel, "feeds-admin remove", name="Lab")
    assert removed.response.content.startswith("Removed Lab; its stored articles stay.")
    assert simcord_bot.settings.feeds == []
    missing = await admin.slash(channel, "feeds-admin remove", name="Lab")
    assert missing.response.content == "Not removed: no feed named 'Lab' in config.yaml"


@pytest.mark.parametrize(
    "url",
    [
        "/etc/passwd",
        "file:///etc/passwd",
        "/no/such/file.xml",
        "../config.yaml",
        "ftp://example.com/feed.xml",
        "example.com/feed.xml",
    ],
)
async def test_feeds_admin_add_refuses_anything_but_an_http_url_before_opening_it(
    simcord_env, simcord_bot, editable, monkeypatch, url
):
    """A path or file: URL from Discord must not reach the host's files, nor say whether
    one exists: the same one-line refusal whatever is there, and nothing is opened."""
    import bot.ingest.feedcheck
    import bot.ingest.fetch

    def opened(*_args, **_kwargs):
        raise AssertionError("nothing may be opened for a non-http(s) URL")

    monkeypatch.setattr(bot.ingest.feedcheck, "check_source", opened)
    monkeypatch.setattr(bot.ingest.fetch, "Fetcher", opened)
    guild = simcord_env.create_guild()
    editable.write_text(
        editable.read_text().replace("guild_id: null", f"guild_id: {guild.id}"), encoding="utf-8"
    )
    before = editable.read_text()
    simcord_bot.control.config_path = editable
    simcord_bot.control.apply(parse_settings(before))
    channel = guild.create_text_channel("general")
    role = guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(simcord_env.create_user("admin"), roles=[role])

    refused = await admin.slash(channel, "feeds-admin add", name="Local", url=url)
    assert refused.ephemeral
    assert refused.response.content == (
        "Not added: it must be an absolute http:// or https:// URL, e.g. https://example.com/feed.xml"
    )
    assert editable.read_text() == before
    assert simcord_bot.settings.feeds == []


async def admin_commands_for(env, bot, members):
    """Let ``members`` see the admin commands, as a server admin may; the bot's check remains."""
    synced = {c.name: c for c in await bot.tree.fetch_commands()}
    env.guild.set_command_permissions(synced["feeds-admin"], dict.fromkeys(members, True))


async def test_an_admin_role_given_by_id_is_matched_by_id_not_by_name(world):
    env, bot, channel, alerts, _member, _admin = world
    guild = env.guild
    editors = guild.create_role("Feed editors")
    copy = guild.create_role("Feed editors")  # anyone who may create roles can do this
    editor = guild.add_member(env.create_user("editor"), roles=[editors])
    copier = guild.add_member(env.create_user("copier"), roles=[copy])
    # quoted, as YAML users write long numbers
    bot.control.apply(
        parse_settings(config_text(f"{{alerts: {alerts.id}}}", guild.id, f'"{editors.id}"'))
    )
    assert bot.settings.discord.admin_role == editors.id
    await admin_commands_for(env, bot, [editor, copier])

    accepted = await editor.slash(channel, "feeds-admin reload")
    assert accepted.response.content.startswith("Configuration reloaded")
    refused = await copier.slash(channel, "feeds-admin reload")
    assert refused.response.content.startswith("This command is for server admins")
    simcord.assert_error(env, NotAdmin)


async def test_a_role_name_shared_by_a_copy_admits_nobody(world):
    env, bot, channel, _alerts, _member, _admin = world
    guild = env.guild
    editors = guild.create_role("Feed editors")  # discord.admin_role in the config, by name
    editor = guild.add_member(env.create_user("editor"), roles=[editors])
    await admin_commands_for(env, bot, [editor])
    accepted = await editor.slash(channel, "feeds-admin reload")
    assert accepted.response.content.startswith("Configuration reloaded")

    copy = guild.create_role("Feed editors")
    copier = guild.add_member(env.create_user("copier"), roles=[copy])
    await admin_commands_for(env, bot, [editor, copier])
    for who in (editor, copier):
        refused = await who.slash(channel, "feeds-admin reload")
        assert refused.response.content == (
            "2 roles are named 'Feed editors' (discord.admin_role), so none of them may run "
            "admin commands: set discord.admin_role to the role id in config.yaml."
        )
        simcord.assert_error(env, NotAdmin)


async def test_the_everyone_role_is_never_an_admin_role(world):
    env, bot, channel, alerts, member, _admin = world
    guild = env.guild
    bot.control.apply(
        parse_settings(config_text(f"{{alerts: {alerts.id}}}", guild.id, str(guild.id)))
    )
    assert bot.settings.discord.admin_role == guild.default_role.id
    await admin_commands_for(env, bot, [member])
    refused = await member.slash(channel, "feeds-admin reload")
    assert refused.response.content.startswith("This command is for server admins")
    simcord.assert_error(env, NotAdmin)


def test_a_hand_edit_is_applied_and_an_invalid_one_is_reported(engine, editable):
    bot = Service(parse_settings(editable.read_text()), engine, editable).with_discord()
    editable.write_text(
        editable.read_text().replace(
            "feeds: []", "feeds:\n  - {name: A, url: 'https://a.example/f'}"
        )
    )
    assert asyncio.run(bot.control.reload_config()) == []
    assert [f.name for f in bot.settings.feeds] == ["A"]
    editable.write_text(editable.read_text().replace("https://a.example/f", "not a url"))
    problems = asyncio.run(bot.control.reload_config())
    assert problems and problems[0].startswith(f"{editable}:") and "feeds[0].url" in problems[0]
    assert [f.url for f in bot.settings.feeds] == ["https://a.example/f"]  # kept
    with Session(engine) as session:
        [notice] = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "admin")).all()
    assert "invalid; the running configuration is kept" in notice.payload["text"]
    assert "feeds[0].url" in notice.payload["text"]


async def test_a_retried_message_is_not_mistaken_for_an_older_identical_one(world):
    _env, bot, _channel, alerts, _member, _admin = world
    payload = {"kind": "milestone", "subject": "Qwen", "text": "Qwen is working again"}
    with Session(bot.engine) as session:
        enqueue(
            session,
            key="old",
            kind="milestone",
            route="alerts",
            payload=payload,
            at=NOW - timedelta(days=3),
            discord=bot.settings.discord,
        )
        session.commit()
    await bot.sender.deliver()
    with Session(bot.engine) as session:
        enqueue(
            session,
            key="new",
            kind="milestone",
            route="alerts",
            payload=payload,
            at=datetime.now(UTC) + timedelta(minutes=5),
            discord=bot.settings.discord,
        )
        row = session.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == "new")).one()
        row.attempts, row.next_attempt_at = 1, datetime.now(UTC)  # an earlier try timed out
        session.add(row)
        session.commit()
    await bot.sender.deliver()
    texts = [m.embeds[0].description for m in alerts.history() if m.embeds]
    assert texts.count("Qwen is working again") == 2  # the second one was really posted


async def test_admins_of_another_server_cannot_run_admin_commands(world):
    env, _bot, _channel, _alerts, _member, _admin = world
    other = env.create_guild()
    there = other.create_text_channel("general")
    role = other.create_role("Owners", permissions=discord.Permissions(manage_guild=True))
    stranger = other.add_member(env.create_user("stranger"), roles=[role])
    refused = await stranger.slash(there, "digest now")
    assert refused.ephemeral
    assert refused.response.content == (
        "Admin commands work only in the server trendbot is configured for."
    )
    simcord.assert_error(env, NotAdmin)


def test_a_failing_apply_keeps_the_running_configuration_and_the_watcher(engine, editable):
    service = Service(parse_settings(editable.read_text()), engine, editable)
    bot = service.with_discord()

    def broken():  # rebuilding the jobs fails
        raise RuntimeError("database is locked")

    service.schedule = broken
    editable.write_text(
        editable.read_text().replace(
            "feeds: []", "feeds:\n  - {name: A, url: 'https://a.example/f'}"
        )
    )
    asyncio.run(service.watch_config())  # the config job's body: must not raise
    assert bot.settings.feeds == []  # nothing half-applied


async def test_rankings_and_model_attach_their_charts(world):
    _env, _bot, channel, _alerts, member, _admin = world
    ranked = await member.slash(channel, "rankings", chart=True)
    embed = ranked.response.embeds[0]
    assert embed.image.url == "attachment://ranking-family-alltime.png"
    attachments = ranked.response._message.attachments  # simcord keeps the stored message
    assert [a["filename"] for a in attachments] == ["ranking-family-alltime.png"]
    model = await member.slash(channel, "model", repo_id="Qwen/Qwen3-8B")
    assert model.response.embeds[0].image.url == "attachment://history-Qwen-Qwen3-8B.png"


async def test_feeds_admin_remove_without_a_config_file_says_so(world):
    """A bot started without a config file has nothing to edit: one line, no traceback."""
    _env, bot, channel, *_rest, admin = world
    assert bot.config_path is None
    result = await admin.slash(channel, "feeds-admin remove", name="Lab")
    assert result.response.content == "No config file to edit."
