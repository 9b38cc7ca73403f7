"""The extractor's result as typed records: mentions, claims and the periods they name.

They live apart from :mod:`extractors.pipeline` so that a process which only
receives results (the crawler's main process unpickling what a worker sent)
never imports spaCy for them: that import alone costs about half a second.
Records cross every boundary as themselves (the worker pipe, the store, the
verifier); they become dictionaries only at the JSON and database edges, through
``to_json`` and ``from_json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extractors.vocabulary import Link, Metric, Qualifier, Unit


@dataclass(frozen=True)
class Mention:
    """A model or organisation named in the text.

    ``hub_id`` is a repo id only when that repo is known to exist (``link`` is
    then :attr:`Link.REPO`); otherwise it is the Hub author of the family or lab,
    or None. ``wanted`` is the name as the Hub would spell it when the mention
    names one checkpoint that no known repo matches, so that the Hub can be asked.
    """

    kind: str  # "model" or "org"
    text: str
    start: int
    end: int
    hub_id: str | None = None
    canonical: str | None = None
    link: Link = Link.NONE
    wanted: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = {
            "kind": self.kind,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "hub_id": self.hub_id,
            "canonical": self.canonical,
            "link": str(self.link),
            "wanted": self.wanted,
        }
        if self.kind == "org":
            data["hub_author"] = self.hub_id  # the name `extract --jsonl` has always used
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Mention:
        return cls(
            kind=data["kind"],
            text=data["text"],
            start=data["start"],
            end=data["end"],
            hub_id=data.get("hub_id") or data.get("hub_author"),
            canonical=data.get("canonical"),
            link=Link(data.get("link") or Link.NONE),
            wanted=data.get("wanted"),
        )


@dataclass(frozen=True)
class Period:
    """The period a figure is counted over, as the sentence names it.

    ``month`` is an ISO month ("2025-10") when a calendar month is named (its year
    from the text, else from the article's date); ``days`` a rolling window
    ("monthly" is 30, "weekly" 7, "daily" 1). ``words`` is what the text said.
    """

    words: str
    month: str | None = None
    days: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"words": self.words, "month": self.month, "days": self.days}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Period | None:
        if not data:
            return None
        return cls(words=data.get("words", ""), month=data.get("month"), days=data.get("days"))


@dataclass(frozen=True)
class Claim:
    """One figure an article states, normalised, with what it is about.

    ``value`` is a number, ``[low, high]`` for a range, or a string for dates
    (ISO, at the precision written: "2025", "2025-04", "2025-04-03") and
    licences (a Hub licence id). ``detail`` names what the metric needs beyond
    the number: the benchmark of a score ("MMLU"), the kind of derivative
    ("fine-tunes", "quantized"), the setup of an evaluation ("5-shot").
    ``sentence`` is the sentence it was found in, which the verifier reads for
    words such as "on Hugging Face"; nobody re-finds it later.
    """

    text: str
    start: int
    end: int
    value: Any
    unit: Unit
    metric: Metric
    qualifier: Qualifier | None = None
    subject: str | None = None
    subject_hub_id: str | None = None
    subject_link: Link = Link.NONE
    sentence: str = ""
    period: Period | None = None
    detail: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "value": self.value,
            "unit": str(self.unit),
            "metric": str(self.metric),
            "qualifier": str(self.qualifier) if self.qualifier else None,
            "subject": self.subject,
            "subject_hub_id": self.subject_hub_id,
            "subject_link": str(self.subject_link),
            "sentence": self.sentence,
            "period": self.period.to_json() if self.period else None,
            "detail": self.detail,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Claim:
        return cls(
            text=data["text"],
            start=data["start"],
            end=data["end"],
            value=data["value"],
            unit=Unit(data["unit"]),
            metric=Metric(data["metric"]),
            qualifier=Qualifier(data["qualifier"]) if data.get("qualifier") else None,
            subject=data.get("subject"),
            subject_hub_id=data.get("subject_hub_id"),
            subject_link=Link(data.get("subject_link") or Link.NONE),
            sentence=data.get("sentence") or "",
            period=Period.from_json(data.get("period")),
            detail=data.get("detail"),
        )


@dataclass(frozen=True)
class Extraction:
    """Everything found in one text."""

    models: list[Mention] = field(default_factory=list)
    orgs: list[Mention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    @property
    def mentions(self) -> list[Mention]:
        return sorted(self.models + self.orgs, key=lambda m: m.start)

    def to_json(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "models": [m.to_json() for m in self.models],
            "orgs": [m.to_json() for m in self.orgs],
            "claims": [c.to_json() for c in self.claims],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Extraction:
        return cls(
            [Mention.from_json(m) for m in data.get("models", [])],
            [Mention.from_json(m) for m in data.get("orgs", [])],
            [Claim.from_json(c) for c in data.get("claims", [])],
        )
