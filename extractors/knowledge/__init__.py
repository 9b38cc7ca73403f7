"""What trendbot knows about labs, companies and model families, from three places.

1. The curated list in ``labs.yaml`` beside this file (shipped with the package).
2. The ``entities`` section of config.yaml (companies and model aliases).
3. Every repo id the database knows from Hub snapshots, so that any checkpoint
   of a tracked author links to its repo, whichever way the press spells it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

LABS = Path(__file__).with_name("labs.yaml")


@dataclass(frozen=True)
class Company:
    name: str
    aliases: tuple[str, ...]
    hub_authors: tuple[str, ...]

    @property
    def hub_author(self) -> str | None:
        return self.hub_authors[0] if self.hub_authors else None


@dataclass(frozen=True)
class Family:
    stems: tuple[str, ...]
    author: str | None  # None: a closed model family
    company: str | None
    ambiguous: bool = False  # the bare stem is also the company's name
    needs_version: bool = False  # the bare stem is a common word
    closed: tuple[str, ...] = ()  # patterns of API-only variants (no Hub id)
    whole_author: bool = False  # the author publishes this family only

    def is_whole_author(self, stem: str) -> bool:
        """Whether the bare stem means every repo of the author (see labs.yaml)."""
        if self.author is None:
            return False
        plain = re.sub(r"[^a-z0-9]", "", stem.casefold())
        return self.whole_author or plain in re.sub(r"[^a-z0-9]", "", self.author.casefold())

    def is_closed(self, name: str) -> bool:
        return self.author is None or any(re.search(p, name, re.IGNORECASE) for p in self.closed)


@dataclass
class Knowledge:
    companies: list[Company]
    families: list[Family]
    checkpoints: dict[str, str] = field(default_factory=dict)  # name key -> repo id
    aliases: dict[str, str | None] = field(default_factory=dict)  # model alias -> hub id

    def company(self, name: str) -> Company | None:
        return next((c for c in self.companies if c.name == name), None)

    def checkpoint(self, name: str) -> str | None:
        """The repo id a written model name refers to, if it names a known checkpoint."""
        for key in name_keys(name):
            if key in self.checkpoints:
                return self.checkpoints[key]
        return None


def name_keys(name: str) -> list[str]:
    """Spellings under which a model name is looked up: 'Llama 3.1 405B' == 'Llama-3.1-405B'."""
    lowered = name.strip().lower().replace("\u2011", "-").replace("\u2013", "-")
    lowered = re.sub(r"\s*\[([a-z0-9]+)\]", r"-\1", lowered)  # "FLUX.2 [klein]" -> "flux.2-klein"
    dashed = re.sub(r"[\s_]+", "-", lowered).strip("-")
    keys = [dashed, re.sub(r"[-.]", "", dashed)]
    if dashed.startswith("meta-llama-"):
        keys += [dashed[5:], re.sub(r"[-.]", "", dashed[5:])]
    return keys


def _yaml(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@cache
def _builtin() -> tuple[tuple[Company, ...], tuple[Family, ...], tuple[str, ...]]:
    data = _yaml(LABS)
    companies = tuple(
        Company(c["name"], tuple(c.get("aliases") or ()), tuple(c.get("hub_authors") or ()))
        for c in data["companies"]
    )
    families = tuple(
        Family(
            tuple(f["stems"]),
            f.get("author"),
            f.get("company"),
            bool(f.get("ambiguous")),
            bool(f.get("needs_version")),
            tuple(f.get("closed") or ()),
            bool(f.get("whole_author")),
        )
        for f in data["families"]
    )
    return companies, families, tuple(data.get("checkpoints") or ())


def load_knowledge(
    entities: Mapping[str, Any] | None = None,
    hub_ids: Iterable[str] = (),
    names: Mapping[str, str] | None = None,
) -> Knowledge:
    """Built-in knowledge, extended by config.yaml's ``entities``, the known repo ids and
    ``names`` the Hub resolved (a written name's key -> its repo id).

    ``entities`` is the plain-data form of the config section:
    ``{"companies": [{name, aliases, hub_authors}], "models": [{name, hub_id, aliases}]}``.
    """
    companies, families, checkpoints = _builtin()
    merged = {c.name: c for c in companies}
    for extra in (entities or {}).get("companies") or ():
        known = merged.get(extra["name"])
        aliases = tuple(extra.get("aliases") or ())
        authors = tuple(extra.get("hub_authors") or ())
        if known:
            merged[known.name] = Company(
                known.name,
                tuple(dict.fromkeys((*known.aliases, *aliases))),
                tuple(dict.fromkeys((*authors, *known.hub_authors))),
            )
        else:
            merged[extra["name"]] = Company(extra["name"], aliases, authors)
    knowledge = Knowledge(list(merged.values()), list(families))
    for repo_id in (*checkpoints, *hub_ids):
        name = repo_id.split("/", 1)[-1]
        for key in name_keys(name):
            knowledge.checkpoints.setdefault(key, repo_id)
    for name, repo_id in (names or {}).items():
        for key in name_keys(name):
            knowledge.checkpoints.setdefault(key, repo_id)
    for model in (entities or {}).get("models") or ():
        for alias in (model["name"], *(model.get("aliases") or ())):
            knowledge.aliases[alias] = model.get("hub_id")
            if model.get("hub_id"):
                for key in name_keys(alias):
                    knowledge.checkpoints[key] = model["hub_id"]
    return knowledge


CLAIM_PATTERNS = Path(__file__).with_name("claim_patterns.yaml")


@dataclass(frozen=True)
class TokenRule:
    """One rule of ``claim_patterns.yaml``: Matcher patterns and what a match means."""

    id: str
    role: str  # "unit", "context", "not_claim" or "rank"
    patterns: tuple[Any, ...]
    metric: str | None = None
    unit: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class ClaimTerms:
    """The claim finder's data: token rules, benchmark names, licences and platforms."""

    rules: tuple[TokenRule, ...]
    benchmarks: tuple[str, ...]
    licenses: dict[str, tuple[str, ...]]
    platforms: frozenset[str]


@cache
def claim_terms() -> ClaimTerms:
    data = _yaml(CLAIM_PATTERNS)
    roles = {"units": "unit", "contexts": "context", "not_claims": "not_claim", "ranks": "rank"}
    rules = tuple(
        TokenRule(
            id=f"{role}:{rule['id']}",
            role=role,
            patterns=tuple(rule["patterns"]),
            metric=rule.get("metric"),
            unit=rule.get("unit"),
            detail=rule.get("detail"),
        )
        for section, role in roles.items()
        for rule in data.get(section) or ()
    )
    return ClaimTerms(
        rules=rules,
        benchmarks=tuple(data.get("benchmarks") or ()),
        licenses={k: tuple(v) for k, v in (data.get("licenses") or {}).items()},
        platforms=frozenset(data.get("platforms") or ()),
    )
