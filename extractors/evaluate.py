"""Scoring the extractor against labelled paragraphs: precision, recall, F1 and value accuracy.

Gold spans are written as text (with an occurrence number when repeated), which
is how an annotator reads; they are turned into offsets here. A predicted span
matches a gold span of the same kind when they overlap (lenient matching, one
to one, largest overlap first), since "over 700 million downloads" and "700
million downloads" name the same claim.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from extractors.extraction import Extraction


@dataclass
class Gold:
    id: str
    text: str
    models: list[dict]
    orgs: list[dict]
    claims: list[dict]
    published: date | None = None


def locate(text: str, span: str, occurrence: int = 1) -> tuple[int, int]:
    """Offsets of the ``occurrence``-th appearance of ``span`` in ``text``."""
    position = -1
    for _ in range(occurrence):
        position = text.find(span, position + 1)
        if position < 0:
            raise ValueError(f"{span!r} (occurrence {occurrence}) is not in the text")
    return position, position + len(span)


def load_gold(path: Path) -> list[Gold]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        record = json.loads(line)
        text = record["text"]
        kinds = {}
        for kind in ("models", "orgs", "claims"):
            items = []
            for item in record.get(kind, []):
                start, end = locate(text, item["text"], item.get("occurrence", 1))
                items.append({**item, "start": start, "end": end})
            kinds[kind] = items
        published = date.fromisoformat(record["published"]) if record.get("published") else None
        out.append(Gold(record.get("id", f"line{number}"), text, **kinds, published=published))
    return out


def load_world(path: Path) -> list[str]:
    """The repo ids a labelled set takes as existing (one per line; # comments)."""
    if not path.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return [line for line in lines if line]


def as_predicted(extraction: Extraction) -> dict[str, list[dict]]:
    """An extraction in the gold set's shape (an org's Hub author under ``hub_author``)."""
    data = extraction.to_json()
    for org in data["orgs"]:
        org["hub_author"] = org.get("hub_id")
    return data


def same_value(predicted: Any, gold: Any) -> bool:
    if isinstance(gold, list) and isinstance(predicted, list) and len(gold) == len(predicted):
        return all(same_value(p, g) for p, g in zip(predicted, gold, strict=True))
    if isinstance(gold, int | float) and isinstance(predicted, int | float):
        if gold == 0:
            return predicted == 0
        return math.isclose(predicted, gold, rel_tol=0.01)
    return predicted == gold


def match(predicted: Sequence[dict], gold: Sequence[dict]) -> list[tuple[dict, dict]]:
    """One-to-one pairs of overlapping spans, largest overlap first."""
    pairs = []
    for p in predicted:
        for g in gold:
            overlap = min(p["end"], g["end"]) - max(p["start"], g["start"])
            if overlap > 0:
                pairs.append((overlap, id(p), id(g), p, g))
    pairs.sort(key=lambda x: -x[0])
    used_p, used_g, out = set(), set(), []
    for _overlap, pid, gid, p, g in pairs:
        if pid in used_p or gid in used_g:
            continue
        used_p.add(pid)
        used_g.add(gid)
        out.append((p, g))
    return out


@dataclass
class Score:
    true_positive: int = 0
    predicted: int = 0
    gold: int = 0
    misses: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    models: Score = field(default_factory=Score)
    orgs: Score = field(default_factory=Score)
    claims: Score = field(default_factory=Score)
    values_right: int = 0
    values_checked: int = 0
    metrics_right: int = 0
    subjects_right: int = 0
    metric_errors: list[str] = field(default_factory=list)
    subject_errors: list[str] = field(default_factory=list)
    hub_right: int = 0
    hub_checked: int = 0
    value_errors: list[str] = field(default_factory=list)
    hub_errors: list[str] = field(default_factory=list)

    @property
    def value_accuracy(self) -> float:
        return self.values_right / self.values_checked if self.values_checked else 0.0

    @property
    def metric_accuracy(self) -> float:
        return self.metrics_right / self.values_checked if self.values_checked else 0.0

    @property
    def subject_accuracy(self) -> float:
        return self.subjects_right / self.values_checked if self.values_checked else 0.0

    @property
    def hub_accuracy(self) -> float:
        return self.hub_right / self.hub_checked if self.hub_checked else 0.0


def score(gold: Iterable[Gold], predictions: Iterable[dict]) -> Report:
    report = Report()
    for paragraph, predicted in zip(gold, predictions, strict=True):
        for kind in ("models", "orgs", "claims"):
            tally: Score = getattr(report, kind)
            pairs = match(predicted[kind], getattr(paragraph, kind))
            tally.true_positive += len(pairs)
            tally.predicted += len(predicted[kind])
            tally.gold += len(getattr(paragraph, kind))
            matched_p = {id(p) for p, _ in pairs}
            matched_g = {id(g) for _, g in pairs}
            tally.misses += [
                f"{paragraph.id}: {g['text']}"
                for g in getattr(paragraph, kind)
                if id(g) not in matched_g
            ]
            tally.spurious += [
                f"{paragraph.id}: {p['text']}" for p in predicted[kind] if id(p) not in matched_p
            ]
            if kind == "claims":
                for p, g in pairs:
                    report.values_checked += 1
                    if same_value(p["value"], g["value"]):
                        report.values_right += 1
                    else:
                        report.value_errors.append(
                            f"{paragraph.id}: {g['text']!r} gold {g['value']} got {p['value']}"
                        )
                    if p["metric"] == g.get("metric"):
                        report.metrics_right += 1
                    else:
                        report.metric_errors.append(
                            f"{paragraph.id}: {g['text']!r} gold {g.get('metric')} "
                            f"got {p['metric']}"
                        )
                    wanted = (g.get("subject_hub_id") or "").lower(), (g.get("subject") or "")
                    got = (p.get("subject_hub_id") or "").lower(), (p.get("subject") or "")
                    if wanted == got:
                        report.subjects_right += 1
                    else:
                        report.subject_errors.append(
                            f"{paragraph.id}: {g['text']!r} gold {g.get('subject')} "
                            f"({g.get('subject_hub_id')}) got {p.get('subject')} "
                            f"({p.get('subject_hub_id')})"
                        )
            if kind == "models":
                for p, g in pairs:
                    report.hub_checked += 1
                    if (p.get("hub_id") or "").lower() == (g.get("hub_id") or "").lower():
                        report.hub_right += 1
                    else:
                        wanted, got = g.get("hub_id"), p.get("hub_id")
                        report.hub_errors.append(
                            f"{paragraph.id}: {g['text']!r} gold {wanted} got {got}"
                        )
    return report
