"""The shape of config.yaml, as pydantic models.

Every model forbids unknown keys, so a typo such as ``chanels`` is reported
instead of silently ignored. Field descriptions double as the hints that
``trendbot check-config`` prints next to an error, so they are written for an
admin who has just made a mistake.

Checks that span several fields (duplicate feeds, families naming untracked
authors, routes to unknown channels) live in :func:`cross_check`, which returns
located problems rather than raising, so that the loader can point at the exact
line of the second duplicate instead of at the whole list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, Literal, get_args, get_origin
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ByteSize,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.config.durations import Duration

DEFAULT_DATABASE_URL = "sqlite:///data/trendbot.db"
DEFAULT_HUB_ENDPOINT = "https://huggingface.co"
DEFAULT_DISCORD_API_BASE = "https://discord.com/api/v10"
DEFAULT_DISCORD_GATEWAY = "wss://gateway.discord.gg/"
DEFAULT_MILESTONES = (100_000_000, 250_000_000, 500_000_000, 700_000_000, 1_000_000_000)
DEFAULT_MODEL_MILESTONES = (1_000_000, 5_000_000, 10_000_000, 50_000_000, 100_000_000)

# Context key that lets the loader run cross-field checks itself, with positions.
DEFER_CROSS_CHECKS = "defer_cross_checks"

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HUB_NAMESPACE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
_HUB_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")


def _http_url(value: str) -> str:
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError("must be an absolute http:// or https:// URL")
    if not parts.hostname:
        raise ValueError("the URL has no host name")
    return text


def _url_with(*schemes: str):
    def check(value: str) -> str:
        text = value.strip().rstrip("/")
        parts = urlsplit(text)
        if parts.scheme.lower() not in schemes or not parts.hostname:
            raise ValueError(f"must be an absolute URL starting with {' or '.join(schemes)}://")
        return text

    return check


def _env_name(value: str) -> str:
    if not _ENV_NAME.match(value):
        raise ValueError(
            "must be the NAME of an environment variable (letters, digits, underscores), "
            "not its value"
        )
    return value


def _hub_namespace(value: str) -> str:
    if not _HUB_NAMESPACE.match(value):
        raise ValueError(f"{value!r} is not a Hugging Face user or organisation name")
    return value


def _hub_repo_id(value: str) -> str:
    if not _HUB_REPO_ID.match(value):
        raise ValueError(f"{value!r} is not a Hub repo id of the form owner/name")
    return value


def _non_blank(value: str) -> str:
    text = value.strip()
    if not text:
        raise ValueError("must not be empty")
    return text


HttpUrlStr = Annotated[str, AfterValidator(_http_url)]
EnvName = Annotated[str, AfterValidator(_env_name)]
HubNamespace = Annotated[str, AfterValidator(_hub_namespace)]
HubRepoId = Annotated[str, AfterValidator(_hub_repo_id)]
Name = Annotated[str, AfterValidator(_non_blank), Field(max_length=100)]
Snowflake = Annotated[int, Field(gt=0, lt=2**63)]


def _role_id_text(value: Any) -> Any:
    """A quoted role id ("1087...") is an id, not a role named with digits: YAML users
    quote long numbers, and an id is what makes the admin check safe."""
    if isinstance(value, bool):
        raise ValueError("must be a role id or a role name")
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


RoleRef = Annotated[Name | Snowflake, BeforeValidator(_role_id_text)]


class Section(BaseModel):
    """Base of every config section: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class HttpTimeouts(Section):
    connect: Duration = Field(
        timedelta(seconds=10), description="time to open a connection, e.g. 10s"
    )
    read: Duration = Field(
        timedelta(seconds=30), description="longest wait for the next bytes, e.g. 30s"
    )
    total: Duration = Field(
        timedelta(seconds=60), description="hard limit for a whole request, e.g. 60s"
    )


class HttpSettings(Section):
    user_agent: str = Field(
        "trendbot/0.1 (AI news and Hugging Face trend monitor)",
        min_length=3,
        description="sent with every request; add a contact URL or address for publishers",
    )
    timeout: HttpTimeouts = Field(
        default_factory=HttpTimeouts,
        description="connect, read and total timeouts, e.g. {connect: 10s, read: 30s, total: 60s}",
    )
    max_response_bytes: ByteSize = Field(
        ByteSize(5_000_000),
        gt=0,
        description="largest body read from a feed or page, after decompression, e.g. 5MB",
    )
    max_redirects: int = Field(5, ge=0, le=20, description="redirect hops followed, 0 to 20")
    concurrency: int = Field(8, ge=1, le=256, description="requests in flight at once overall")
    per_host_concurrency: int = Field(
        2, ge=1, le=32, description="requests in flight at once to one host"
    )
    allow_private: bool = Field(
        False,
        description=(
            "true lets feeds and pages on private, loopback or link-local addresses be "
            "fetched; keep false unless every feed URL is yours"
        ),
    )


class FeedSettings(Section):
    name: Name = Field(description="a short unique label shown in Discord, e.g. Hugging Face blog")
    url: HttpUrlStr = Field(description="the RSS or Atom URL, e.g. https://example.com/feed.xml")
    interval: Duration = Field(
        timedelta(minutes=30),
        description="how often to poll, at least 1m; e.g. 30m or 2h",
    )
    tags: list[Name] = Field(default_factory=list, description="free labels, e.g. [lab, research]")
    full_text: bool = Field(
        True, description="true to fetch each article page and extract its full text"
    )
    channel: Name | Snowflake | None = Field(
        None,
        description=(
            "where this feed's items are posted: a key of discord.channels or "
            "discord.routes, or a channel id"
        ),
    )
    backfill: int = Field(
        0, ge=0, le=100, description="how many items of a newly added feed to post (0 to 100)"
    )
    enabled: bool = Field(True, description="false keeps the feed listed but stops polling it")

    @field_validator("interval")
    @classmethod
    def _polite_interval(cls, value: timedelta) -> timedelta:
        if value < timedelta(minutes=1):
            raise ValueError("polling more often than once a minute is impolite; use 1m or more")
        return value


class CrawlSettings(Section):
    max_item_age: Duration = Field(
        timedelta(days=2),
        description="items published longer ago than this are stored but not posted, e.g. 2d",
    )
    min_text_chars: int = Field(
        300,
        ge=0,
        description="extracted article text shorter than this falls back to the feed summary",
    )
    dedupe_window: Duration = Field(
        timedelta(days=14),
        description="how far back syndicated copies of a story are looked for, e.g. 14d",
    )
    near_duplicate: float = Field(
        0.8,
        gt=0,
        le=1,
        description="share of word sequences two texts must share to be one story, e.g. 0.8",
    )
    retry_base: Duration = Field(
        timedelta(minutes=5), description="first retry delay after a failure; doubles each time"
    )
    max_backoff: Duration = Field(
        timedelta(hours=24), description="longest wait between retries of a failing feed"
    )
    failed_after: int = Field(
        8, ge=1, le=100, description="consecutive failures before a feed's health is 'failed'"
    )
    workers: int = Field(
        0,
        ge=0,
        le=64,
        description="processes for parsing and extraction; 0 = one per CPU this process may "
        "use (its CPU affinity, capped by a container's CPU quota)",
    )
    max_items_per_poll: int = Field(
        500,
        ge=1,
        le=100_000,
        description="new items handled per poll of one feed; the rest wait for the next poll",
    )
    fast_extraction: bool = Field(
        False, description="true trades some article-text quality for about twice the speed"
    )
    start_spread: Duration = Field(
        timedelta(minutes=1),
        description="when the service starts, the feeds that are due are spread over this "
        "long instead of all polled at once (0s: no spreading)",
    )
    job_timeout: Duration = Field(
        timedelta(seconds=60),
        description="longest a worker may spend on one feed or page, e.g. 60s; past it the "
        "worker is replaced and the item is stored with its feed summary (extraction_timeout)",
    )

    @field_validator("job_timeout")
    @classmethod
    def _long_enough(cls, value: timedelta) -> timedelta:
        if value < timedelta(seconds=10):
            raise ValueError("a job needs at least 10s to parse a feed or a page; e.g. 60s")
        return value


class FamilySettings(Section):
    authors: list[HubNamespace] = Field(
        default_factory=list, description="Hub authors whose models belong to this family"
    )
    repos: list[HubRepoId] = Field(
        default_factory=list,
        description="extra repo ids (owner/name) counted in this family",
    )
    aliases: list[Name] = Field(
        default_factory=list, description="other names the news uses for this family"
    )

    @model_validator(mode="after")
    def _not_empty(self) -> FamilySettings:
        if not self.authors and not self.repos:
            raise ValueError("a family needs at least one author or repo")
        return self


class SurgeSettings(Section):
    sigma: float = Field(3.0, gt=0, description="standard deviations above the recent mean")
    min_history: int = Field(
        8, ge=3, description="snapshots of history needed before surges are judged"
    )
    min_rate: int = Field(
        1000,
        ge=0,
        description="downloads an hour below which no gain is a surge, however unusual",
    )
    cooldown: Duration = Field(
        timedelta(hours=24),
        description="quiet time after a surge alert for the same subject (also between two "
        "overtake alerts for the same pair)",
    )


class HubSettings(Section):
    endpoint: Annotated[str, AfterValidator(_url_with("http", "https"))] = Field(
        DEFAULT_HUB_ENDPOINT, description="the Hub's base URL, e.g. https://huggingface.co"
    )
    token_env: EnvName = Field(
        "HF_TOKEN", description="NAME of the environment variable holding a Hub token, if any"
    )
    snapshot_interval: Duration = Field(
        timedelta(hours=1), description="how often Hub statistics are captured, at least 5m"
    )
    authors: list[HubNamespace] = Field(
        default_factory=list, description="Hub users or organisations to track, e.g. [Qwen]"
    )
    families: dict[Name, FamilySettings] = Field(
        default_factory=dict,
        description="family name -> {authors, repos, aliases}; an author not listed here is "
        "a family of its own",
    )
    milestones: list[Annotated[int, Field(gt=0)]] = Field(
        default_factory=lambda: list(DEFAULT_MILESTONES),
        description="all-time download thresholds for families, e.g. [100000000, 250000000]",
    )
    milestone_step: int = Field(
        250_000_000,
        gt=0,
        description="after the last listed milestone, a new one every this many downloads",
    )
    model_milestones: list[Annotated[int, Field(gt=0)]] = Field(
        default_factory=lambda: list(DEFAULT_MODEL_MILESTONES),
        description="all-time download thresholds for single models",
    )
    model_milestone_step: int = Field(
        100_000_000,
        gt=0,
        description="after the last model milestone, one at every multiple of this many",
    )
    top_n: int = Field(
        10,
        ge=1,
        le=1000,
        description="each author's top N models are watched one by one, and a new model "
        "entering its author's top N is announced",
    )
    surge: SurgeSettings = Field(default_factory=SurgeSettings)

    @field_validator("snapshot_interval")
    @classmethod
    def _sane_interval(cls, value: timedelta) -> timedelta:
        if value < timedelta(minutes=5):
            raise ValueError("snapshots more often than every 5m would hit the Hub's rate limit")
        return value

    @field_validator("milestones", "model_milestones")
    @classmethod
    def _sorted_unique(cls, value: list[int]) -> list[int]:
        return sorted(set(value))

    def effective_families(self) -> dict[str, FamilySettings]:
        """Configured families plus one family per tracked author that no family claims."""
        families = dict(self.families)
        claimed = {author for family in families.values() for author in family.authors}
        for author in self.authors:
            if author in claimed:
                continue
            name = author if author not in families else f"{author} (author)"
            families[name] = FamilySettings(authors=[author])
        return families


class CompanySettings(Section):
    name: Name = Field(description="the canonical name, e.g. Alibaba")
    aliases: list[Name] = Field(
        default_factory=list, description="other names, e.g. [Alibaba Cloud, Qwen team]"
    )
    hub_authors: list[HubNamespace] = Field(
        default_factory=list, description="the company's Hub organisations, e.g. [Qwen]"
    )


class ModelAliasSettings(Section):
    name: Name = Field(description="the model's name as the news writes it")
    hub_id: HubRepoId | None = Field(
        None, description="its Hub repo id (owner/name), or empty for a closed model"
    )
    aliases: list[Name] = Field(default_factory=list, description="other spellings")


class EntitySettings(Section):
    companies: list[CompanySettings] = Field(
        default_factory=list, description="labs and companies beyond the built-in list"
    )
    models: list[ModelAliasSettings] = Field(
        default_factory=list, description="extra model names and aliases"
    )
    statistical_model: str | None = Field(
        None,
        description="optional: an installed trained spaCy pipeline (package name or path, "
        "e.g. en_core_web_sm) whose organisations are added to the built-in ones",
    )

    @field_validator("statistical_model")
    @classmethod
    def _installed(cls, value: str | None) -> str | None:
        import importlib.util
        from pathlib import Path

        if value and not Path(value).is_dir() and importlib.util.find_spec(value) is None:
            raise ValueError(
                f"{value!r} is not an installed spaCy pipeline (nothing is downloaded at run "
                "time); install it, or remove the setting: the built-in extractor needs none"
            )
        return value


class ChannelSettings(Section):
    digest: Snowflake | None = Field(None, description="channel id for scheduled digests")
    alerts: Snowflake | None = Field(None, description="channel id for milestone and other alerts")
    news: Snowflake | None = Field(None, description="channel id for routed news items")


class NewsFilter(Section):
    route: Name | Snowflake = Field(
        description="where matching items also go: a key of discord.channels or "
        "discord.routes, or a channel id"
    )
    entities: list[Name] = Field(
        default_factory=list,
        description="models, labs or Hub ids, e.g. [Qwen, deepseek-ai] (an item naming any)",
    )
    keywords: list[Name] = Field(
        default_factory=list, description="words in the title or summary, e.g. [GGUF, funding]"
    )

    @model_validator(mode="after")
    def _not_empty(self) -> NewsFilter:
        if not self.entities and not self.keywords:
            raise ValueError("a filter needs entities or keywords")
        return self


class DiscordSettings(Section):
    token_env: EnvName = Field(
        "DISCORD_TOKEN",
        description="NAME of the environment variable holding the bot token (never the token)",
    )
    guild_id: Snowflake | None = Field(None, description="the server (guild) id for slash commands")
    channels: ChannelSettings = Field(default_factory=ChannelSettings)
    routes: dict[Name, Snowflake] = Field(
        default_factory=dict,
        description="extra named channels that feeds can route to, e.g. {research: 444}",
    )
    admin_role: RoleRef | None = Field(
        None,
        description="id of the role allowed to run admin commands besides Manage Server, "
        "e.g. 1087456489951125528; a role name also works, but can be copied",
    )
    filters: list[NewsFilter] = Field(
        default_factory=list,
        description="news items naming these entities or words also go to the filter's route",
    )
    api_base: Annotated[str, AfterValidator(_url_with("http", "https"))] = Field(
        DEFAULT_DISCORD_API_BASE,
        description="Discord REST base URL; change only for a REST proxy or an offline harness",
    )
    gateway_url: Annotated[str, AfterValidator(_url_with("ws", "wss"))] = Field(
        DEFAULT_DISCORD_GATEWAY,
        description="Discord gateway URL; change only for an offline harness",
    )

    def route_names(self) -> set[str]:
        return {"digest", "alerts", "news", *self.routes}

    @staticmethod
    def route_name(target: str | int) -> str:
        """The outbox route for a route name or a raw channel id (``channel:ID``)."""
        return f"channel:{target}" if isinstance(target, int) else target

    def channel_for(self, route: str) -> int | None:
        """The channel id of a route: a fixed channel, one under routes, or ``channel:ID``;
        None while it is not configured."""
        if route in ("digest", "alerts", "news"):
            return getattr(self.channels, route)
        if route.startswith("channel:") and route[8:].isdigit():
            return int(route[8:])
        return self.routes.get(route)


class LoggingSettings(Section):
    level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="least severe level logged: debug, info, warning or error"
    )
    format: Literal["keyvalue", "json"] = Field(
        "keyvalue", description="keyvalue (one key=value line per event) or json"
    )


class ScheduleSettings(Section):
    digest: str = Field(
        "0 9 * * *", description="cron expression for digests, e.g. '0 9 * * *' (daily 09:00)"
    )
    timezone: str = Field(
        "UTC",
        description="IANA time zone, e.g. Europe/Berlin, of the digest cron and of every time "
        "shown to people (messages, replies, terminal views, charts); JSON and the database "
        "stay UTC",
    )
    digest_charts: list[str] = Field(
        default_factory=lambda: ["ranking"],
        description="charts attached to each digest: 'ranking', or 'history:NAME' for a "
        "family or a repo id, e.g. [ranking, 'history:Qwen']",
    )

    @field_validator("digest_charts")
    @classmethod
    def _known_charts(cls, value: list[str]) -> list[str]:
        for name in value:
            if name != "ranking" and not (name.startswith("history:") and name[8:].strip()):
                raise ValueError(f"{name!r} is not a chart: use 'ranking' or 'history:NAME'")
        return value

    @field_validator("digest")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f"not a valid cron expression ({exc})") from None
        return value

    @field_validator("timezone")
    @classmethod
    def _valid_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


class Settings(Section):
    database: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL, e.g. sqlite:///data/trendbot.db or "
        "postgresql://user@host/db; DATABASE_URL overrides it",
    )
    http: HttpSettings = Field(default_factory=HttpSettings)
    feeds: list[FeedSettings] = Field(default_factory=list)
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    hub: HubSettings = Field(default_factory=HubSettings)
    entities: EntitySettings = Field(default_factory=EntitySettings)
    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)

    @field_validator("database")
    @classmethod
    def _valid_database(cls, value: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(value.strip())
        except ArgumentError:
            raise ValueError(f"{value!r} is not a database URL") from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError("only sqlite:/// and postgresql:// databases are supported")
        return value.strip()

    @model_validator(mode="after")
    def _cross_checks(self, info: ValidationInfo) -> Settings:
        if info.context and info.context.get(DEFER_CROSS_CHECKS):
            return self
        problems = cross_check(self.model_dump())
        if problems:
            raise ValueError("; ".join(f"{p.dotted()}: {p.message}" for p in problems))
        return self

    def feed(self, name: str) -> FeedSettings | None:
        return next((feed for feed in self.feeds if feed.name == name), None)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a config, located by its path of keys and list indexes."""

    loc: tuple[str | int, ...]
    message: str
    hint: str | None = None

    def dotted(self) -> str:
        out = ""
        for part in self.loc:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out or "(top level)"


def normalised_feed_url(url: str) -> str:
    """The form two feed URLs are compared in: scheme and host case, default port, slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    port = parts.port
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    netloc = host if port in (None, default) else f"{host}:{port}"
    path = parts.path.rstrip("/") or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{netloc}{path}{query}"


def cross_check(data: Mapping[str, Any]) -> list[Problem]:
    """Problems that no single field can see: duplicates and dangling references.

    Works on the plain data rather than on validated settings, and skips values of the
    wrong type, so that these problems are reported alongside schema errors elsewhere
    in the file instead of only after those are fixed.
    """
    problems: list[Problem] = []
    problems += _feed_problems(data)
    problems += _hub_problems(data)
    return problems


def _section(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    return value if isinstance(value, Mapping) else {}


def _repeat(
    seen: dict[str, int], key: str, index: int, field: str, message: str, hint: str
) -> list[Problem]:
    """A problem at feeds[index].field if ``key`` was already seen in an earlier feed."""
    if key in seen:
        return [Problem(("feeds", index, field), f"{message} (also feeds[{seen[key]}])", hint)]
    seen[key] = index
    return []


def _feed_problems(data: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    discord = _section(data, "discord")
    routes = {"digest", "alerts", "news", *_section(discord, "routes")}
    feeds = data.get("feeds")
    names: dict[str, int] = {}
    urls: dict[str, int] = {}
    for index, feed in enumerate(feeds if isinstance(feeds, list) else []):
        if not isinstance(feed, Mapping):
            continue
        name, url, channel = feed.get("name"), feed.get("url"), feed.get("channel")
        if isinstance(name, str) and name.strip():
            problems += _repeat(
                names,
                name.strip().casefold(),
                index,
                "name",
                f"duplicate feed name {name!r}",
                "feed names must be unique; rename one of them",
            )
        if isinstance(url, str) and url.strip():
            problems += _repeat(
                urls,
                normalised_feed_url(url),
                index,
                "url",
                f"duplicate feed URL {url.strip()}",
                "each feed URL may be listed once; remove the duplicate",
            )
        if isinstance(channel, str) and not channel.strip().isdigit() and channel not in routes:
            problems.append(_unknown_route(("feeds", index, "channel"), channel, routes))
    filters = discord.get("filters")
    for index, item in enumerate(filters if isinstance(filters, list) else []):
        route = item.get("route") if isinstance(item, Mapping) else None
        if isinstance(route, str) and not route.strip().isdigit() and route not in routes:
            problems.append(_unknown_route(("discord", "filters", index, "route"), route, routes))
    return problems


def _unknown_route(loc: tuple, route: str, routes: set[str]) -> Problem:
    return Problem(
        loc,
        f"unknown channel route {route!r}",
        f"use one of {', '.join(sorted(routes))} (add more under discord.routes), "
        "or a numeric channel id",
    )


def _hub_problems(data: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    hub = _section(data, "hub")
    authors = hub.get("authors")
    tracked: dict[str, int] = {}
    for index, author in enumerate(authors if isinstance(authors, list) else []):
        if not isinstance(author, str):
            continue
        if author.casefold() in tracked:
            problems.append(
                Problem(
                    ("hub", "authors", index),
                    f"author {author!r} is listed twice",
                    "remove the second entry",
                )
            )
        tracked.setdefault(author.casefold(), index)
    owner: dict[str, str] = {}
    for family_name, family in _section(hub, "families").items():
        members = family.get("authors") if isinstance(family, Mapping) else None
        for index, author in enumerate(members if isinstance(members, list) else []):
            if not isinstance(author, str):
                continue
            here = ("hub", "families", family_name, "authors", index)
            if author.casefold() not in tracked:
                problems.append(
                    Problem(
                        here,
                        f"family {family_name!r} names author {author!r}, which is not tracked",
                        f"add {author} to hub.authors",
                    )
                )
            if author.casefold() in owner:
                problems.append(
                    Problem(
                        here,
                        f"author {author!r} is already in family {owner[author.casefold()]!r}",
                        "each author belongs to one family, so no download is counted twice",
                    )
                )
            owner.setdefault(author.casefold(), str(family_name))
    return problems


# What waits in the outbox while a fixed channel is unset, for the warning that says so.
CHANNEL_USES = {
    "digest": "scheduled digests",
    "alerts": "alerts (milestones, feed health, notices to admins)",
    "news": "news items of feeds that have no channel of their own",
}


def config_warnings(settings: Settings, *, token_set: bool) -> list[Problem]:
    """What is valid but probably a mistake: check-config reports it, nothing refuses it.

    Each case has a working behaviour that existing configs rely on (a role name, a
    bot that only posts to some channels), so it must not stop the bot; but left
    unsaid it is a hole in the admin check, or messages piling up unseen.
    ``token_set`` says whether the Discord token is in the environment.
    """
    problems: list[Problem] = []
    discord = settings.discord
    if isinstance(discord.admin_role, str):
        problems.append(
            Problem(
                ("discord", "admin_role"),
                f"the admin role is given by name ({discord.admin_role!r}); anyone "
                "allowed to create roles can make one with that name and run admin commands",
                "use the role id instead: with Developer Mode on, right-click the role in "
                "Server Settings > Roles > Copy Role ID",
            )
        )
    if token_set:
        for route in _needed_channels(settings):
            if getattr(discord.channels, route) is None:
                problems.append(
                    Problem(
                        ("discord", "channels", route),
                        f"${discord.token_env} is set but no {route} channel is "
                        f"configured; {CHANNEL_USES[route]} wait in the outbox until one is",
                        f"set discord.channels.{route} to a channel id: with Developer Mode on, "
                        "right-click the channel > Copy Channel ID",
                    )
                )
    return problems


def _needed_channels(settings: Settings) -> list[str]:
    """The fixed channels something will post to: digests and alerts always (the digest
    is scheduled, feed health changes are announced), news when a feed or filter uses it."""
    needed = ["digest", "alerts"]
    uses_news = any(
        feed.enabled and (feed.channel is None or feed.channel == "news") for feed in settings.feeds
    ) or any(item.route == "news" for item in settings.discord.filters)
    return [*needed, "news"] if uses_news else needed


def schema_node(loc: tuple[Any, ...]) -> tuple[Any, str | None]:
    """What the schema expects at a path: (model class or annotation, field description).

    Used to turn a validation error into a hint: the description of the field it
    points at, or the allowed keys of the section an unknown key was found in.
    """
    node: Any = Settings
    description: str | None = None
    for part in loc:
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = node.model_fields.get(part) if isinstance(part, str) else None
            if field is None:
                return None, description
            description = field.description
            node = _model_or_annotation(field.annotation)
            continue
        origin, args = get_origin(node), get_args(node)
        if origin is list and args and isinstance(part, int):
            node = _model_or_annotation(args[0])
        elif origin is dict and len(args) == 2 and isinstance(part, str):
            node = _model_or_annotation(args[1])
        else:
            return None, description
    return node, description


def _model_or_annotation(annotation: Any) -> Any:
    if get_origin(annotation) in (list, dict):
        return annotation
    for arg in get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return annotation
