"""/status names why the Hub snapshot is incomplete; the admins hear of a long outage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config.load import parse_settings
from bot.core.hub import HubError, HubErrorKind, Listing, ModelStats, Scope
from bot.hub.job import take_snapshot
from bot.service import Service

NOW = datetime.now(UTC)
# the Hub's own message, with a role mention in it
DOWN = HubError(
    Scope.AUTHOR, "Qwen", HubErrorKind.HTTP_STATUS, "HTTP 503: <@&123456789012345678> down", 503
)


def config_text(channels: str = "{}", guild_id: int | None = None) -> str:
    return f"""
hub:
  endpoint: http://127.0.0.1:9
  authors: [Qwen]
discord:
  channels: {channels}
  guild_id: {guild_id if guild_id is not None else "null"}
"""


@pytest.fixture
def simcord_bot(engine):
    settings = parse_settings(config_text())
    for hours in (4, 3, 2, 1):  # a good snapshot, then three failed ones an hour apart
        at = NOW - timedelta(hours=hours)
        take_snapshot(
            settings,
            engine,
            Listing(
                authors=["Qwen"],
                started_at=at,
                finished_at=at,
                models=[ModelStats("Qwen/Qwen3-8B", "Qwen", 9, 700, 1, 1)] if hours == 4 else [],
                failures=[] if hours == 4 else [DOWN],
            ),
        )
    return Service(settings, engine, None).with_discord(guild_ready_timeout=0.1)


async def test_status_names_the_cause_and_the_admins_were_told(simcord_env, simcord_bot):
    env, bot = simcord_env, simcord_bot
    guild = env.create_guild()
    channel = guild.create_text_channel("general")
    alerts = guild.create_text_channel("alerts")
    member = guild.add_member(env.create_user("reader"))
    bot.control.apply(parse_settings(config_text(f"{{alerts: {alerts.id}}}", guild.id)))

    answer = await member.slash(channel, "status")
    fields = {f.name: f.value for f in answer.response.embeds[0].fields}
    snapshot = fields["Last Hub snapshot"]
    assert "(INCOMPLETE)\ncause: HTTP 503: " in snapshot
    assert "(1 of 1 authors failed)" in snapshot
    assert "<@&123456789012345678>" not in snapshot  # the Hub's text is inert

    report = await bot.sender.deliver()
    assert report.delivered == 1
    [embed] = alerts.last_message.embeds
    assert embed.title == "Hugging Face Hub: snapshots failing"
    assert "3 failed in a row" in embed.description and "HTTP 503" in embed.description
    assert "<@&123456789012345678>" not in embed.description
    assert (await bot.sender.deliver()).delivered == 0  # told once
