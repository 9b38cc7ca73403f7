"""Refuse secrets pasted into config.yaml.

config.yaml is meant to be committed, shared and edited by the bot itself, so a
token in it leaks. The scan runs on the raw YAML tree, before the schema, so a
pasted token is reported as a secret (with a pointer to the environment variable
that should hold it) rather than as an unknown key, and the value itself is never
echoed in any message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from bot.config.schema import Problem

SECRET_KEYS = frozenset(
    {
        "token",
        "bot_token",
        "discord_token",
        "hf_token",
        "hub_token",
        "api_key",
        "apikey",
        "api_token",
        "access_token",
        "password",
        "passwd",
        "secret",
        "client_secret",
        "private_key",
        "webhook_url",
    }
)

SECRET_VALUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "a Discord bot token",
        re.compile(r"^[A-Za-z0-9_-]{20,30}\.[A-Za-z0-9_-]{5,7}\.[A-Za-z0-9_-]{25,45}$"),
    ),
    ("a Hugging Face token", re.compile(r"^hf_[A-Za-z0-9]{30,}$")),
    (
        "a Discord webhook URL with its token",
        re.compile(r"discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]{20,}"),
    ),
    ("an API key", re.compile(r"^(?:sk|ghp|gho|github_pat|xox[abp])[-_][A-Za-z0-9_-]{16,}$")),
)


def _walk(node: Any, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple, Any, Any]]:
    """Yield (location, key, value) for every entry of the tree."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield (*loc, key), key, value
            yield from _walk(value, (*loc, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*loc, index), index, value
            yield from _walk(value, (*loc, index))


def _where_it_belongs(loc: tuple, tree: Mapping) -> str:
    section = loc[0] if loc else None
    if section in ("discord", "hub"):
        block = tree.get(section)
        default = "DISCORD_TOKEN" if section == "discord" else "HF_TOKEN"
        name = block.get("token_env", default) if isinstance(block, Mapping) else default
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            name = default
        return f"put it in the environment variable {name} (named by {section}.token_env)"
    if section == "database":
        return "put the whole URL in the DATABASE_URL environment variable instead"
    return "put it in an environment variable and keep config.yaml free of secrets"


def find_secrets(tree: Mapping) -> list[Problem]:
    """Every place in the raw config tree that holds something that looks like a secret."""
    problems: list[Problem] = []
    flagged: set[tuple] = set()
    for loc, key, value in _walk(tree):
        if (
            isinstance(key, str)
            and key.lower() in SECRET_KEYS
            and isinstance(value, str | int)
            and not isinstance(value, bool)
            and value != ""
        ):
            problems.append(
                Problem(
                    loc,
                    f"a secret ({key}) must not be stored in config.yaml",
                    _where_it_belongs(loc, tree),
                )
            )
            flagged.add(loc)
            continue
        if isinstance(value, str) and loc not in flagged:
            for label, pattern in SECRET_VALUES:
                if pattern.search(value.strip()):
                    problems.append(
                        Problem(
                            loc,
                            f"this value looks like {label}, which must not be stored in "
                            "config.yaml",
                            _where_it_belongs(loc, tree),
                        )
                    )
                    flagged.add(loc)
                    break
    database = tree.get("database")
    if isinstance(database, str) and ("database",) not in flagged:
        # Imported here so that bot.config (which pure modules import) does not load SQLAlchemy.
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            has_password = make_url(database.strip()).password is not None
        except ArgumentError:
            has_password = False
        if has_password:
            problems.append(
                Problem(
                    ("database",),
                    "the database URL contains a password, which must not be stored in config.yaml",
                    _where_it_belongs(("database",), tree),
                )
            )
    return problems
