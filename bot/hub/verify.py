"""Verdicts on the claims found in the news, against trendbot's own Hub snapshots.

A pure function of a claim and a way to look snapshots up. Every verdict says
what it compared (the Hub figure, its scope and its time) and why, because press
figures often count something else: all channels rather than the Hub, derivatives
included, or another period.

The reasoning is interval logic. All-time downloads only grow, so the Hub value
at the article's date lies between the snapshot just before it and the one just
after it (exactly known when a snapshot is close to the date). The claim, with
its qualifier, also describes an interval ("more than 700M" is [700M, inf)). If
the Hub's interval lies inside the claim's, the claim is supported; if they do
not meet, it is contradicted; otherwise the data cannot tell, and the verdict
says which snapshot is missing.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.config.schema import FamilySettings
from bot.core.vocabulary import VerdictStatus
from bot.hub.snapshots import (
    Snapshot,
    covers,
    family_figures,
    family_growth,
    model_growth,
    model_scope,
    words,
)
from extractors.extraction import Period
from extractors.knowledge import claim_terms
from extractors.vocabulary import METADATA_METRICS, Link, Metric

if TYPE_CHECKING:
    from bot.hub.repo_facts import RepoFacts

HUB_NOTE = "Hub downloads only (requests for a model's files on Hugging Face)"
# words of a rank claim that name a measure the Hub keeps
HUB_MEASURE = r"download|\bliked\b|\blikes\b|trending"
# the Hub field behind each figure a download verdict names
HUB_FIELDS = [
    ("all-time downloads", "downloadsAllTime"),
    ("30-day downloads", "downloads"),
    ("downloads in", "downloadsAllTime gained"),
    ("downloads over", "downloadsAllTime gained"),
    ("likes", "likes"),
]
# words that count downloads elsewhere than on the Hub
OTHER_CHANNELS = re.compile(
    r"(?i)ollama|mirror|modelscope|all (?:platforms|channels|sources)|across platforms|"
    r"including (?:downloads from|cloud|its website)|every channel|other channels"
)
# platforms a count can be made on besides the Hub
OTHER_PLATFORM = re.compile(
    r"(?i)\b(?:ollama|modelscope|github|kaggle|lm studio|civitai|openrouter|"
    r"other platforms|all platforms|across platforms)\b"
)
ARTIFACT_OF = re.compile(
    r"(?i)\b(?:build|version|copy|copies|port|quant|quantisation|quantization|gguf|"
    r"fine-tune|distillation|variant|mirror)s?\s+of\s+(?:the|this|that|its|it)\b"
)
# "trails X by 2 million", "2 million more than X": a difference, not a count
DIFFERENCE_BEFORE = re.compile(
    r"(?i)\b(?:trails?|trailing|leads?|leading|ahead of|behind|beats?|outpaces?|"
    r"exceeds?|outnumbers?|tops?)\b[^.;]*\bby\s+(?:about\s+|some\s+|nearly\s+)?$"
)
DIFFERENCE_AFTER = re.compile(r"(?i)\s*(?:[\w-]+\s+)?(?:more|fewer|less)\s+than\b")
# "Together, A and B have ...", "between them": a sum over repos
SUM_OF = re.compile(
    r"(?i)\b(?:together|combined|between them|the pair|collectively|jointly|in all)\b"
)
# "its six R1 distillations", "the company's two repos": a number of a lab's repos
SOME_OF = re.compile(
    r"(?i)\b(?:its|their|[\w-]+'s|[\w-]+’s)\s+(?:two|three|four|five|six|seven|eight|"
    r"nine|ten|dozen|\d+)\s+"
)
# a rank among one lab's own repos
OWN_SCOPE = re.compile(
    r"(?i)\b(?:ever|its own|of its|their own|in its (?:lineup|catalog(?:ue)?|portfolio))\b"
    r"|(?:'s|’s)\s+(?:own\s+)?(?:most|top|best|largest)\b"
    r"|\b(?:it|they|the company|the lab) (?:has|have) (?:put|released|published|shipped)\b"
    # "the most liked model Mistral has published": among that lab's own
    r"|\b(?:model|models|repo|repos|release|checkpoint)\s+(?:[A-Z][\w.-]*(?:\s+AI)?\s+)"
    r"(?:has|have|had)\s+(?:ever\s+)?(?:put|released|published|shipped|uploaded|open-sourced)\b"
)
# a rank over a time trendbot keeps no ranking of
RANK_TIME = re.compile(
    r"(?i)\b(?:this|last|that) (?:week|weekend|year)\b|\byesterday\b|\btoday\b"
    r"|\bwithin (?:days|hours|a week)\b|\bin (?:its|the) first\b|\bat launch\b"
)
# "the most downloaded image classifier": a rank within a kind of model that the
# tracked field is not sorted by (the words after the rank, up to its head noun)
RANK_FIELD_AFTER = re.compile(
    r"(?i)\s+(?:(?P<words>(?:[\w-]+\s+){0,3}?)(?:models?|llms?|repos?|repositories|"
    r"checkpoints?|famil(?:y|ies)|labs?|authors?|releases?|compan(?:y|ies)|organi[sz]ations?)\b"
    r"|(?P<head>[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2})\s+(?:on|of|in|at|ever|yet|so far)\b)"
)
# words before the head noun that do not narrow the field
PLAIN_FIELD_WORDS = frozenset(
    {
        "open",
        "open-weight",
        "open-weights",
        "open-source",
        "openly",
        "available",
        "ai",
        "language",
        "large",
        "the",
        "a",
        "an",
        "hugging",
        "face",
        "hub",
        "single",
        "most",
        "all",
    }
)
WINDOW_WORDS = re.compile(r"(?i)\b(?:30|thirty)\s+days\b|\bmonthly\b|\bpast month\b|\blast month\b")
# "1 million installs", "its Le Chat app passed 1 million": an app, not a Hub repo
INSTALLS = re.compile(r"(?i)\b(?:installs|installations|installed)\b")
APP_BEFORE = re.compile(r"(?i)\b(?:app|apps|application)\b")
# A model-like name: letters and digits joined by "-" or "." ("Qwen2.5-7B", "phi-4",
# "gpt-oss-20b", "DeepSeek-V3"), with a digit somewhere
MODEL_NAME = re.compile(r"\b(?=[\w.-]*\d)[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)+\b")
# words between a subject and its figure that hand the figure to someone else
SIDE_CHANGE = re.compile(
    r"(?i);|\b(?:than|while|whereas|versus|vs|against|compared|unlike|the latter|the former)\b"
)
# names that look like models but are licences ("Apache-2.0")
LICENSE_NAME = re.compile(r"(?i)apache-\d.*|cc-by.*|[al]?gpl-?\d.*|mit-?\d*|bsd-\d.*|mpl-\d.*")
# "59.1 for X", "a score of 88 from X": the figure given to the name after it
GIVEN_TO = re.compile(r"(?i)\s*(?:for|of|from|by)\s+(?:the\s+)?")
# benchmark names that look like models ("MATH-500", "ARC-AGI-2")
BENCHMARK_NAMES = re.compile(
    "|".join(re.escape(n) for n in claim_terms().benchmarks), re.IGNORECASE
)
CLAUSE_BREAK = re.compile(
    r"[;:]|,\s+(?:and|but|while|whereas|with|yet|though|although)\b|\s+while\s+|\s+whereas\s+"
)
# words that put a download count on the Hub itself
HUB_SCOPE = re.compile(r"(?i)hugging\s?face|\bthe hub\b|\bon hf\b|\bhf hub\b")
# Snapshots just before and just after a moment; either may be missing.
Lookup = Callable[[datetime], tuple[Snapshot | None, Snapshot | None]]
# A repo's stored Hub metadata, or None when it has not been fetched.
FactsLookup = Callable[[str], "RepoFacts | None"]


@dataclass(frozen=True)
class ClaimFacts:
    """What the verifier needs of a claim: its figure, subject and sentence."""

    text: str
    value: Any
    unit: str
    metric: str
    qualifier: str | None
    subject: str | None
    subject_hub_id: str | None
    sentence: str = ""
    published_at: datetime | None = None
    subject_link: Link | None = None  # None: judge by the shape of subject_hub_id
    period: Period | None = None
    detail: str | None = None


@dataclass(frozen=True)
class VerdictDraft:
    """A verdict before it is stored: the status, why, and what exactly was compared.

    ``repo`` and ``hub_field`` name the Hub record and field the figure came from
    ("Qwen/Qwen3-8B", "safetensors.total"), so every verdict can be checked by hand.
    """

    status: VerdictStatus
    reason: str
    hub_value: Any = None
    scope: str | None = None
    as_of: datetime | None = None
    repo: str | None = None
    hub_field: str | None = None


@dataclass(frozen=True)
class Subject:
    name: str
    family: FamilySettings | None  # None for a single repo
    repo_id: str | None


def _not_checkable(metric: str) -> VerdictDraft:
    label = metric.replace("_", " ")
    return VerdictDraft(
        VerdictStatus.NOT_CHECKABLE, f"not checkable against the Hub: it does not report {label}"
    )


def _unverifiable(reason: str, **extra: Any) -> VerdictDraft:
    return VerdictDraft(VerdictStatus.UNVERIFIABLE, reason, **extra)


def claim_range(value: Any, qualifier: str | None, tolerance: float) -> tuple[float, float]:
    """The values a claim allows: 'more than N' is [N, inf), 'about N' is N +/- tolerance.

    A bare figure ("700 million downloads") is read as rounded, like 'about'; 'nearly'
    and 'almost' are 'about' too, as the extractor groups them.
    """
    if isinstance(value, list | tuple):
        low, high = float(value[0]), float(value[1])
        return min(low, high), max(low, high)
    number = float(value)
    if qualifier == "more_than":
        return number, math.inf
    if qualifier in ("less_than", "up_to"):
        return 0.0, number
    return number * (1 - tolerance), number * (1 + tolerance)


def judge(hub_low: float, hub_high: float, claim_low: float, claim_high: float) -> VerdictStatus:
    """Supported when the Hub's interval lies within the claim's, contradicted when apart."""
    if claim_low <= hub_low and hub_high <= claim_high:
        return VerdictStatus.SUPPORTED
    if hub_high < claim_low or hub_low > claim_high:
        return VerdictStatus.CONTRADICTED
    return VerdictStatus.UNVERIFIABLE


def resolve_subject(hub_id: str | None, families: Mapping[str, FamilySettings]) -> Subject | None:
    """A family for an author namespace, a repo for an owner/name id, None if untracked."""
    if not hub_id:
        return None
    if "/" in hub_id:
        owner = hub_id.split("/", 1)[0]
        for family in families.values():
            if owner in family.authors or hub_id in family.repos:
                return Subject(hub_id, None, hub_id)
        return None
    for name, family in families.items():
        if hub_id in family.authors:
            return Subject(name, family, None)
    return None


def month_bounds(period: Period | None) -> tuple[str, datetime, datetime] | None:
    """A calendar month the extractor read ("in October" of the article's year): its
    label and bounds. The verifier never re-reads the words; the extractor did."""
    if period is None or not period.month:
        return None
    year, month = (int(part) for part in period.month.split("-"))
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
    return f"{calendar.month_name[month]} {year}", start, end


def window_of(period: Period | None) -> timedelta | None:
    """A rolling period the extractor read ("monthly", "a week", "daily")."""
    if period is None or not period.days:
        return None
    return timedelta(days=period.days)


def subject_kind(claim: ClaimFacts) -> Link:
    """How precisely the claim's subject is linked; legacy rows (no link) by the id's shape.

    A stored claim from before links were recorded says only "Qwen" or "meta-llama":
    a subject spelled with a version ("Qwen3", "Llama 3.1") was one generation, not
    the whole author, and must not be judged against the author's sums.
    """
    if claim.subject_link is not None:
        return claim.subject_link
    if not claim.subject_hub_id:
        return Link.NONE
    if "/" in claim.subject_hub_id:
        return Link.REPO
    if claim.subject and re.search(r"\d", claim.subject):
        return Link.SERIES
    return Link.FAMILY


class Verifier:
    """Checks claims against snapshots; ``near`` is how close a snapshot must be to count
    as the figure *at* a moment (two snapshot intervals is a good value)."""

    def __init__(
        self,
        families: Mapping[str, FamilySettings],
        lookup: Lookup,
        *,
        near: timedelta,
        tolerance: float = 0.05,
        now: datetime,
        facts: FactsLookup | None = None,
    ) -> None:
        self.families = families
        self.lookup = lookup
        self.near = near
        self.tolerance = tolerance
        self.now = now
        self.facts = facts or (lambda _repo_id: None)

    # -- figures ----------------------------------------------------------------------

    def _value(self, snapshot: Snapshot, subject: Subject, field: str) -> tuple[float, str] | None:
        if subject.family is not None:
            figures = family_figures(snapshot, subject.name, subject.family)
            if figures.repos == 0:
                return None
            return float(getattr(figures, field)), figures.scope
        model = snapshot.models.get(subject.repo_id or "")
        if model is None:
            return None
        value = getattr(model, field)
        return (float(value) if value is not None else None), model_scope(model.repo_id)

    def _at(
        self, moment: datetime, subject: Subject, field: str
    ) -> tuple[float, float, str, datetime, str] | None:
        """The Hub value at a moment as (low, high, scope, as_of, note), for growing counts."""
        before, after = self.lookup(moment)
        nearest = _nearest(before, after, moment)
        if nearest is None:
            return None
        if abs(nearest.taken_at - moment) <= self.near:
            found = self._value(nearest, subject, field)
            if found is None or found[0] is None:
                return None
            return found[0], found[0], found[1], nearest.taken_at, ""
        if field not in ("all_time",):
            return None  # only all-time counts are monotonic enough to bound
        low_found = self._value(before, subject, field) if before else None
        high_found = self._value(after, subject, field) if after else None
        low = low_found[0] if low_found and low_found[0] is not None else 0.0
        high = high_found[0] if high_found and high_found[0] is not None else math.inf
        scope = (low_found or high_found or (None, None))[1]
        if scope is None:
            return None
        as_of = (after or before).taken_at
        note = "no snapshot near that date; bounded by the snapshots around it"
        return low, high, scope, as_of, note

    # -- verdicts ---------------------------------------------------------------------

    def verify(self, claim: ClaimFacts) -> VerdictDraft:
        """The verdict, never a contradiction resting on a subject the sentence does not name.

        A subject taken from an earlier sentence ("It has 40 layers") is the
        extractor's best reading, and good enough to support a figure, but a wrong
        "contradicted" is the worst verdict trendbot can print: it needs the subject
        named in the claim's own sentence.
        """
        verdict = self._verify(claim)
        named = claim.subject and claim.subject.casefold() in claim.sentence.casefold()
        if verdict.status == VerdictStatus.CONTRADICTED and claim.sentence and not named:
            return replace(
                verdict,
                status=VerdictStatus.UNVERIFIABLE,
                reason=f"{verdict.reason}; but the sentence does not name "
                f"{claim.subject or 'its subject'} (it was read from the text before), "
                "so this is not called a contradiction",
            )
        other = _other_model(claim) if verdict.status == VerdictStatus.CONTRADICTED else None
        if other is not None:
            return replace(
                verdict,
                status=VerdictStatus.UNVERIFIABLE,
                reason=f"{verdict.reason}; but the sentence also names {other} and the "
                f"figure does not follow {claim.subject} directly, so it may be the other's: "
                "this is not called a contradiction",
            )
        return verdict

    def _verify(self, claim: ClaimFacts) -> VerdictDraft:
        if claim.metric in METADATA_METRICS:
            return self._metadata(claim)
        kind = self._kind(claim)
        if kind is None:
            return _not_checkable(claim.metric)
        if claim.qualifier == "negated":
            return _unverifiable("the claim is negated; only positive figures are checked")
        doubt = _counted_elsewhere(claim) if kind != "rank" else _scoped_rank(claim)
        if doubt is not None:
            return _unverifiable(doubt)
        vague = self._imprecise_subject(claim)
        if vague is not None:
            return vague
        subject = resolve_subject(claim.subject_hub_id, self.families)
        if subject is None:
            who = claim.subject or "no subject"
            return _unverifiable(
                f"its subject ({who}) is not a tracked Hub author or repo; "
                "add the author to hub.authors to check such claims"
            )
        moment = claim.published_at or self.now
        if kind == "total":
            return self._total(claim, subject, moment, "all_time", "all-time downloads")
        if kind == "likes":
            return self._total(claim, subject, moment, "likes", "likes")
        if kind == "period":
            return self._period(claim, subject, moment)
        if kind == "vague rank":
            return _unverifiable(
                "the superlative names no measure the Hub keeps (downloads, likes, trending)"
            )
        if kind == "share":
            return self._share(claim, subject, moment)
        return self._rank(claim, subject, moment)

    def _imprecise_subject(self, claim: ClaimFacts) -> VerdictDraft | None:
        """Unverifiable when the subject is not exactly one repo or one tracked family."""
        kind = subject_kind(claim)
        who = claim.subject or "the subject"
        if kind == Link.SERIES:
            return _unverifiable(
                f"{who} is one generation of a family, not one repo nor the whole Hub "
                "author; trendbot sums whole authors only, so a figure for it alone "
                "cannot be checked"
            )
        if kind == Link.UNRESOLVED:
            return _unverifiable(
                f"{who} names one checkpoint, but no repo on the Hub is known to match it"
            )
        if kind == Link.CLOSED:
            return _unverifiable(f"{who} is an API-only model with no repo on the Hub")
        return None

    def _metadata(self, claim: ClaimFacts) -> VerdictDraft:
        """Figures the repo's Hub metadata answers: parameters, context, licence, ..."""
        if claim.qualifier == "negated":
            return _unverifiable("the claim is negated; only positive figures are checked")
        vague = self._imprecise_subject(claim)
        if vague is not None:
            return vague
        kind = subject_kind(claim)
        if kind == Link.FAMILY:
            label = str(claim.metric).replace("_", " ")
            return _unverifiable(
                f"{claim.subject or 'the subject'} is a family or lab, and the Hub's "
                f"metadata ({label}) describes single repos; a family has no single figure"
            )
        if kind != Link.REPO or not claim.subject_hub_id:
            return _unverifiable(
                "its subject is not linked to a repo on the Hub"
                if claim.subject
                else "the figure's subject is not named"
            )
        from bot.hub.verify_repo import verify_metadata  # it builds on this module's records

        return verify_metadata(claim, self.facts(claim.subject_hub_id))

    def _kind(self, claim: ClaimFacts) -> str | None:
        if claim.metric == Metric.DOWNLOADS_TOTAL:
            return "total"
        if claim.metric == Metric.DOWNLOADS_PERIOD:
            return "period"
        if claim.metric == Metric.DOWNLOAD_SHARE:
            return "share"
        if claim.metric == Metric.RANK:
            # the rank's own words must name a measure the Hub keeps: "the most
            # downloaded", "topped the trending list"; "the most widely adopted" or
            # "No. 1 on the leaderboard" names none
            if re.search(HUB_MEASURE, _rank_words(claim), re.IGNORECASE):
                return "rank"
            hub_words = r"hugging ?face|\bhub\b"
            return "vague rank" if re.search(hub_words, claim.sentence, re.IGNORECASE) else None
        if claim.metric == Metric.LIKES:
            return "likes"
        if claim.metric == Metric.COUNT and re.search(r"\blikes\b", claim.text, re.IGNORECASE):
            return "likes"  # stored before likes were a metric of their own
        return None

    def _compare(
        self,
        claim: ClaimFacts,
        low: float,
        high: float,
        scope: str,
        as_of: datetime,
        what: str,
        note: str = "",
    ) -> VerdictDraft:
        claim_low, claim_high = claim_range(claim.value, claim.qualifier, self.tolerance)
        status = judge(low, high, claim_low, claim_high)
        shown = words(low) if low == high else f"between {words(low)} and {_bound(high)}"
        claimed = _claimed(claim_low, claim_high)
        reason = (
            f"Hub {what}: {shown} ({scope}, {as_of:%Y-%m-%d %H:%M} UTC); the claim needs {claimed}"
        )
        if note:
            reason += f"; {note}"
        if "downloads" in what:
            reason += f"; {HUB_NOTE}"
            below = status == VerdictStatus.CONTRADICTED and high < claim_low
            if below and not _on_the_hub(claim):
                # "Llama passed 1 billion downloads" is Meta's count over every
                # channel; fewer on the Hub alone does not make it false
                status = VerdictStatus.UNVERIFIABLE
                reason += (
                    "; the Hub's count is lower, but the article does not say it counts "
                    "Hugging Face alone, and other channels may make up the rest"
                )
        value = low if low == high else None
        field = next((f for words_, f in HUB_FIELDS if what.startswith(words_)), what)
        if subject_kind(claim) != Link.REPO:
            field = f"sum of {field}"  # a family: trendbot's own sum over its repos
        repo = claim.subject_hub_id if subject_kind(claim) == Link.REPO else None
        return VerdictDraft(status, reason, value, scope, as_of, repo=repo, hub_field=field)

    def _total(
        self, claim: ClaimFacts, subject: Subject, moment: datetime, field: str, what: str
    ) -> VerdictDraft:
        found = self._at(moment, subject, field)
        if found is None:
            return _unverifiable(f"no complete snapshot of {subject.name} near {moment:%Y-%m-%d}")
        low, high, scope, as_of, note = found
        return self._compare(claim, low, high, scope, as_of, what, note)

    def _period(self, claim: ClaimFacts, subject: Subject, moment: datetime) -> VerdictDraft:
        if claim.period is not None and not claim.period.month and not claim.period.days:
            return _unverifiable(
                f"the period ({claim.period.words}) is counted from the model's release, "
                "which trendbot's snapshots do not measure"
            )
        month = month_bounds(claim.period)
        if month is not None:
            label, start, end = month
            gained = self._gain(subject, start, end)
            if gained is None:
                return _unverifiable(
                    f"trendbot's snapshots do not cover {label} for {subject.name}"
                )
            value, scope, as_of = gained
            return self._compare(claim, value, value, scope, as_of, f"downloads in {label}")
        window = window_of(claim.period) or timedelta(days=30)
        if window == timedelta(days=30):
            found = self._at(moment, subject, "d30")
            if found is None:
                return _unverifiable(
                    f"no complete snapshot of {subject.name} near {moment:%Y-%m-%d}"
                )
            low, high, scope, as_of, note = found
            return self._compare(claim, low, high, scope, as_of, "30-day downloads", note)
        gained = self._gain(subject, moment - window, moment)
        if gained is None:
            days = window.days
            return _unverifiable(
                f"trendbot's snapshots do not cover the {days} day(s) before {moment:%Y-%m-%d}"
            )
        value, scope, as_of = gained
        return self._compare(
            claim, value, value, scope, as_of, f"downloads over {window.days} day(s)"
        )

    def _gain(
        self, subject: Subject, start: datetime, end: datetime
    ) -> tuple[float, str, datetime] | None:
        """All-time downloads gained between two moments, when snapshots are near both."""
        first = self._at(start, subject, "all_time")
        last = self._at(end, subject, "all_time")
        if first is None or last is None or first[0] != first[1] or last[0] != last[1]:
            return None
        return max(0.0, last[0] - first[0]), last[2], last[3]

    def _share(self, claim: ClaimFacts, subject: Subject, moment: datetime) -> VerdictDraft:
        snapshot = _nearest(*self.lookup(moment), moment)
        if snapshot is None or subject.family is None:
            return _unverifiable(
                "the Hub serves no total over all authors, so a share of all downloads "
                "cannot be computed"
            )
        total = sum(m.d30 for m in snapshot.models.values())
        mine = family_figures(snapshot, subject.name, subject.family)
        share = 100.0 * mine.d30 / total if total else 0.0
        return _unverifiable(
            f"the Hub serves no total over all authors; among the {len(snapshot.authors)} "
            f"tracked authors {subject.name} has {share:.1f}% of 30-day downloads "
            f"({snapshot.taken_at:%Y-%m-%d}), which is a different population",
            hub_value=round(share, 2),
            scope=f"Hugging Face, {len(snapshot.authors)} tracked authors",
            as_of=snapshot.taken_at,
        )

    def _rank(self, claim: ClaimFacts, subject: Subject, moment: datetime) -> VerdictDraft:
        # the measure the rank's own words name, not another one of the sentence ("the
        # most liked model ... and topped the trending list")
        lowered = _rank_words(claim).lower()
        field = "likes" if re.search(r"\bliked|\blikes", lowered) else "d30"
        if "trending" in lowered:
            field = "trending"
        month = month_bounds(claim.period)
        if month is not None and field != "d30":
            return _unverifiable(
                f"trendbot keeps no {field} history by month; only current figures, "
                f"so a ranking for {month[0]} cannot be checked"
            )
        if month is not None:
            label, start, end = month
            scores = self._period_scores(subject, start, end)
            if scores is None:
                return _unverifiable(f"trendbot's snapshots do not cover {label}")
            what = f"downloads in {label}"
            as_of = end
        else:
            snapshot = self._exact(moment)
            if snapshot is None:
                return _unverifiable(f"no complete snapshot near {moment:%Y-%m-%d}")
            scores = self._scores(snapshot, subject, field)
            what = {"d30": "30-day downloads", "likes": "likes", "trending": "trending score"}[
                field
            ]
            as_of = snapshot.taken_at
        if subject.name not in scores:
            return _unverifiable(
                f"{subject.name} is not covered by trendbot's snapshots for that period"
            )
        ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        position = next(i for i, (name, _v) in enumerate(ordered, start=1) if name == subject.name)
        peers = "tracked models" if subject.family is None else "tracked families"
        scope = f"Hugging Face, {len(ordered)} {peers}"
        claimed = int(claim.value) if isinstance(claim.value, int | float) else 1
        leader = ordered[0][0]
        # a rank "in the past 30 days" is the 30-day one; without a period in its own
        # clause ("the most downloaded model, with 182 million to date and 5.9 million in
        # the last 30 days"), either count
        unsaid = field == "d30" and month is None and not WINDOW_WORDS.search(claim_clause(claim))
        other = self._all_time_position(snapshot, subject) if unsaid else None

        if position > claimed and other is not None and other <= claimed:
            # "the most downloaded model": by 30-day downloads (how the Hub sorts) it is
            # not, by all-time downloads it is; the words do not say which count
            status = VerdictStatus.UNVERIFIABLE
            why = (
                f"by {what} {subject.name} is #{position} among {len(ordered)} {peers} "
                f"({leader} leads), but by all-time downloads it is #{other}; the claim "
                "does not say which count it ranks by"
            )
        elif position > claimed:
            status = VerdictStatus.CONTRADICTED
            why = (
                f"by {what} {subject.name} is #{position} among {len(ordered)} {peers} "
                f"({leader} leads); a wider field could only rank it lower"
            )
        elif position == claimed:
            # consistent, but not proof: an untracked author could rank above it
            status = VerdictStatus.UNVERIFIABLE
            why = (
                f"by {what} {subject.name} is #{position} among {len(ordered)} {peers}, "
                "as claimed; untracked authors were not compared, so this cannot confirm it"
            )
        else:
            status = VerdictStatus.UNVERIFIABLE
            why = (
                f"by {what} {subject.name} is #{position} among {peers}, "
                f"above the claimed #{claimed}"
            )
        return VerdictDraft(status, why, float(position), scope, as_of)

    def _all_time_position(self, snapshot: Snapshot, subject: Subject) -> int | None:
        scores = self._scores(snapshot, subject, "all_time")
        if subject.name not in scores:
            return None
        ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return next(i for i, (name, _v) in enumerate(ordered, start=1) if name == subject.name)

    def _scores(self, snapshot: Snapshot, subject: Subject, field: str) -> dict[str, float]:
        if subject.family is not None:
            return {
                name: float(getattr(family_figures(snapshot, name, family), field))
                for name, family in self.families.items()
            }
        return {m.repo_id: float(getattr(m, field) or 0) for m in snapshot.models.values()}

    def _period_scores(
        self, subject: Subject, start: datetime, end: datetime
    ) -> dict[str, float] | None:
        first = self._exact(start)
        last = self._exact(end)
        if first is None or last is None:
            return None
        if subject.family is not None:
            # only families both snapshots cover, and only growth: a family first
            # tracked mid-month must not count its whole history as that month's
            return {
                name: float(family_growth(first, last, family))
                for name, family in self.families.items()
                if covers(first, family) and covers(last, family)
            }
        return {
            repo_id: float(gain)
            for repo_id, gain in model_growth(last, first).items()
            if repo_id in first.models
        }

    def _exact(self, moment: datetime) -> Snapshot | None:
        """The snapshot that counts as the figure *at* ``moment``: the nearest, if near."""
        nearest = _nearest(*self.lookup(moment), moment)
        if nearest is None or abs(nearest.taken_at - moment) > self.near:
            return None
        return nearest


def _on_the_hub(claim: ClaimFacts) -> bool:
    """Whether the claim's own clause counts Hugging Face alone: "passed 700 million
    downloads on Hugging Face", not "counting Ollama pulls, X was downloaded 100 million
    times, and on Hugging Face alone 80 million"."""
    sentence = claim.sentence
    if OTHER_CHANNELS.search(sentence) and not re.search(
        r"(?i)hugging\s?face alone|on the hub alone|hub-only", claim_clause(claim)
    ):
        return False
    return bool(HUB_SCOPE.search(claim_clause(claim)))


def _counted_elsewhere(claim: ClaimFacts) -> str | None:
    """Why a count is not the Hub's own: "9 million times on Ollama", or a figure of
    another artifact ("Unsloth's GGUF build of the model has 1.2 million")."""
    sentence = claim.sentence
    at = sentence.find(claim.text)
    end = at + len(claim.text) if at >= 0 else len(sentence)
    after = re.split(r"[,;]", sentence[end : end + 40], maxsplit=1)[0]
    platform = OTHER_PLATFORM.search(f"{claim.text} {after}")
    if platform:
        return f"the figure is counted on {platform.group()}, not on the Hub"
    before = claim_clause(claim).split(claim.text)[0] if at >= 0 else ""
    if INSTALLS.search(f"{claim.text} {after}") or APP_BEFORE.search(before):
        return "the figure counts an app's installs, not downloads from the Hub"
    if DIFFERENCE_BEFORE.search(before) or DIFFERENCE_AFTER.match(after):
        return "the figure is a difference between two counts, not a count"
    if SUM_OF.search(claim_clause(claim)):
        return "the figure adds up several repos, which trendbot does not sum"
    if ARTIFACT_OF.search(before):
        return "the figure is of another artifact (a build or copy of the model), not its repo"
    if claim.subject_link == Link.FAMILY and SOME_OF.search(before):
        return "the figure counts some of the lab's repos, not all of them"
    return None


def _other_model(claim: ClaimFacts) -> str | None:
    """Another model the claim's clause names that the figure could belong to, or None.

    The extractor picks the likeliest subject; in a sentence naming several models
    ("the former resolves 65.8%", "56.1 against 59.1 for Qwen2.5-72B-Instruct")
    that reading can be wrong, which is tolerable for a supported figure (the value
    must still match) but not for a contradiction. A name competes when it stands
    between the subject and the figure, or after the figure in the same clause, or
    when words between them hand the figure to another side ("than", "while").
    """
    sentence, subject = claim.sentence, claim.subject or ""
    at = sentence.find(claim.text)
    if at < 0 or not subject:
        return None
    end = at + len(claim.text)
    folded, own = sentence.casefold(), subject.casefold()
    names = [
        m
        for m in MODEL_NAME.finditer(sentence)
        if own not in m.group().casefold()
        and m.group().casefold() not in own
        and not LICENSE_NAME.fullmatch(m.group())
        and not BENCHMARK_NAMES.fullmatch(m.group())
    ]
    if not names:
        return None
    mine = folded.rfind(own, 0, at)
    if mine < 0:
        # the subject after the figure ("59.1 for X"): a name before it in its clause competes
        lo = _clause_start(sentence, at)
        competing = [m for m in names if lo <= m.start() < at]
    else:
        between = sentence[mine + len(own) : at]
        if SIDE_CHANGE.search(between):
            return names[0].group()
        competing = [m for m in names if mine < m.start() < at]
    # "56.1 against 59.1 for Qwen2.5-72B-Instruct": the name the figure is given to
    given = GIVEN_TO.match(sentence, end)
    if given:
        competing += [m for m in names if m.start() == given.end()]
    return competing[0].group() if competing else None


def _scoped_rank(claim: ClaimFacts) -> str | None:
    """Why a rank cannot be compared with the tracked field: it ranks within one lab's
    own repos ("the most downloaded model it has ever put on Hugging Face") or over a
    time trendbot keeps no ranking of ("topped the trending list this week")."""
    at = max(claim.sentence.find(claim.text), 0)
    words = claim.sentence[max(0, at - 20) : at + len(claim.text) + 80]
    if OWN_SCOPE.search(words):
        return "the rank is among the lab's own repos, which trendbot does not rank apart"
    when = RANK_TIME.search(words)
    if when:
        return f"the rank is for a time ({when.group()}) trendbot keeps no ranking of"
    field = RANK_FIELD_AFTER.match(claim.sentence, at + len(claim.text))
    if field:
        narrowing = field.group("head") or " ".join(
            w for w in (field.group("words") or "").split() if w.lower() not in PLAIN_FIELD_WORDS
        )
        if narrowing and narrowing.lower() not in PLAIN_FIELD_WORDS:
            return (
                f"the rank is among {narrowing.strip()} models only, a kind trendbot's "
                "tracked field is not sorted by"
            )
    return None


def claim_clause(claim: ClaimFacts) -> str:
    """The part of the sentence between the separators around the claim."""
    sentence = claim.sentence
    at = sentence.find(claim.text)
    if at < 0:
        return sentence
    after = CLAUSE_BREAK.search(sentence, at + len(claim.text))
    return sentence[_clause_start(sentence, at) : after.start() if after else len(sentence)]


def _clause_start(sentence: str, at: int) -> int:
    """Where the clause holding position ``at`` starts: after the last break before it."""
    cuts = [m.end() for m in CLAUSE_BREAK.finditer(sentence, 0, at)]
    return cuts[-1] if cuts else 0


def _rank_words(claim: ClaimFacts) -> str:
    """A rank claim's words and the few after it: "the most downloaded", "topped the chart"."""
    at = claim.sentence.find(claim.text)
    if at < 0:
        return claim.text
    return claim.sentence[at : at + len(claim.text) + 30]


def _nearest(before: Snapshot | None, after: Snapshot | None, moment: datetime) -> Snapshot | None:
    candidates = [s for s in (before, after) if s is not None]
    return min(candidates, key=lambda s: abs(s.taken_at - moment), default=None)


def _bound(value: float) -> str:
    return "no upper bound" if math.isinf(value) else words(value)


def _claimed(low: float, high: float) -> str:
    if math.isinf(high):
        return f"at least {words(low)}"
    if low == 0:
        return f"at most {words(high)}"
    return f"{words(low)} to {words(high)}"
