"""Numeric claims: every figure an article states, with a normalised value and what it is about.

A claim is found in four steps, each a small rule set over one sentence:
the number and its unit ("$600 million", "128K tokens", "~15%", "No. 1", "July
2025"); the metric, from the nearest telling word ("raised" -> funding_round,
"valued" -> valuation, "context" -> context_length, "monthly" ->
downloads_period); the qualifier from the words just before ("over",
"nearly", "up to", a negation); and the subject, the entity the figure is about
(a download count is about a model, a valuation about a company; an entity
after "than" or "beat" is the comparison, not the subject).

Numbers inside model names ("Llama 3.1 405B"), versions, bare years and list
counts ("two variants") are not claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from extractors.entities import Mention
from extractors.numbers import (
    CURRENCIES,
    CURRENCY_PREFIX,
    FRACTION,
    NUMBER,
    ORDINALS,
    clean,
    number_value,
)


@dataclass(frozen=True)
class Claim:
    text: str
    start: int
    end: int
    value: Any  # a number, [low, high], or an ISO date string
    unit: str
    metric: str
    qualifier: str | None
    subject: str | None
    subject_hub_id: str | None


MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})|(?P<m2>{_MONTH})"
    rf"(?:\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)?)\s*,?\s+(?P<y>(?:19|20)\d\d)\b"
)

# Unit nouns right after a number, longest first.
UNIT_NOUNS: list[tuple[str, str]] = [
    (r"gpu[- ]hours?", "GPU_hours"),
    (r"h100[- ]hours?|a100[- ]hours?", "GPU_hours"),
    (r"(?:total\s+|active\s+)?param(?:eter)?s?", "parameters"),
    (r"(?:context\s+)?tokens?", "tokens"),
    (
        r"(?:cumulative\s+|total\s+|monthly\s+|weekly\s+|daily\s+|all-time\s+)?downloads?",
        "downloads",
    ),
    (
        r"(?:monthly\s+|weekly\s+|daily\s+|active\s+|paying\s+)*(?:users|subscribers|customers|developers|people)",
        "count",
    ),
    (r"(?:github\s+)?(?:stars|likes|upvotes|followers)", "count"),
    (
        r"(?:derivative|fine-tuned|community|open-weight|open|derived)?\s*(?:models|fine-tunes|derivatives|variants|repos|repositories|checkpoints)",
        "count",
    ),
    (
        r"(?:nvidia\s+)?(?:h100s?|h200s?|h800s?|b200s?|a100s?|gb200s?|gpus|chips|accelerators|tpus)",
        "count",
    ),
    (
        r"employees|staff|researchers|engineers|languages|countries|apps|companies|organi[sz]ations",
        "count",
    ),
    (r"points?|pts", "points"),
    (r"elo", "points"),
]
_UNIT_NOUN = re.compile(
    r"\s*(?:" + "|".join(f"(?P<u{i}>{p})" for i, (p, _u) in enumerate(UNIT_NOUNS)) + r")\b",
    re.IGNORECASE,
)
# Generic nouns whose small counts are list counts ("two variants"), not claims.
GENERIC_COUNT = re.compile(
    r"models|variants|repos|repositories|checkpoints|languages|countries|apps|companies|"
    r"organi[sz]ations|employees|staff|researchers|engineers",
    re.IGNORECASE,
)

QUALIFIERS: list[tuple[str, str]] = [
    (
        r"more than|over|above|exceeding|exceeded|exceeds|in excess of|north of|upwards of|"
        r"at least|passed|passes|passing|surpassed|surpasses|crossed|crosses|topped|tops|"
        r"beyond|greater than|higher than|\+",
        "more_than",
    ),
    (r"less than|fewer than|under|below|shy of|short of|lower than|just under", "less_than"),
    (
        r"about|around|roughly|approximately|nearly|almost|some|close to|an estimated|"
        r"estimated|circa|c\.|~|≈|approx\.?",
        "approx",
    ),
    (r"up to|as many as|as much as|as high as|a maximum of", "up_to"),
]
_QUALIFIER = re.compile(
    r"(?:"
    + "|".join(f"(?P<q{i}>{p})" for i, (p, _q) in enumerate(QUALIFIERS))
    + r")\s*(?:an?\s+)?$",
    re.IGNORECASE,
)
NEGATION = re.compile(
    r"\b(?:not|never|no|didn't|did not|hasn't|has not|haven't|have not|isn't|is not|wasn't|"
    r"was not|failed to|yet to|denied|denies|rather than|instead of)\b[^,;.]*$",
    re.IGNORECASE,
)

# Words that tell a figure's metric, searched near it (nearest wins).
MONEY_METRICS: list[tuple[str, str]] = [
    (r"valu(?:ed|ation|ing)|worth|market cap(?:italisation|italization)?", "valuation"),
    (
        r"rais(?:ed|es|e|ing)|funding|round|series [a-f]\b|seed|investment|invest(?:ed|s)?|"
        r"financing|backed|led by|injection|capital",
        "funding_round",
    ),
    (
        r"revenue|arr\b|annuali[sz]ed|run-rate|sales|turnover|earn(?:ed|s)?|income|bookings",
        "revenue",
    ),
    (r"train(?:ed|ing)?|compute bill|to build|cost to train|training run", "training_cost"),
    (
        r"per (?:million|1m|thousand|1k|token|month|hour|user|seat|image|minute)|/month|"
        r"/mo\b|pric(?:e|ed|es|ing)|charg(?:e|es|ed|ing)|subscription|a month|per million|"
        r"cost(?:s)?\s+(?:just|only)?|input tokens|output tokens",
        "price",
    ),
]
PERCENT_METRICS: list[tuple[str, str]] = [
    (r"market share|share of the (?:\w+\s+)?market|of the (?:\w+\s+)?market", "market_share"),
    (
        r"(?:share|percent|%\s)?\s*of\s+(?:all\s+)?(?:\w+\s+)?downloads|download share|"
        r"downloads on hugging face",
        "download_share",
    ),
    (
        r"score[sd]?|scoring|accuracy|pass@1|benchmark|mmlu|gpqa|aime|swe-bench|humaneval|"
        r"math-500|livecodebench|arena|leaderboard|eval|on the \w+ test|test",
        "benchmark_score",
    ),
    (r"share|of (?:all|global|worldwide)", "market_share"),
]
PERIOD = re.compile(
    r"monthly|per month|a month|last month|this month|past month|30 days|past 30|weekly|"
    r"per week|a week|last week|this week|daily|per day|a day|in (?:january|february|march|"
    r"april|may|june|july|august|september|october|november|december)|in a single month|"
    r"last quarter|this quarter|over the past",
    re.IGNORECASE,
)
CROSSING = re.compile(
    r"\b(?:pass(?:ed|es|ing)?|cross(?:ed|es|ing)?|surpass(?:ed|es|ing)?|top(?:ped|s)?|"
    r"hit(?:s|ting)?|reach(?:ed|es|ing)?|exceed(?:ed|s|ing)?)\s+(?:the\s+)?(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)
RELEASE = re.compile(
    r"releas|launch|unveil|debut|announc|ship|introduc|publish|open-sourc|arriv|out\b|"
    r"available|roll(?:ed|s)? out|went live|go live",
    re.IGNORECASE,
)
BENCHMARK = re.compile(
    r"score|mmlu|gpqa|aime|swe-bench|humaneval|math|benchmark|leaderboard|arena|elo|pass@",
    re.IGNORECASE,
)
RANK_PATTERNS = re.compile(
    r"\b(?:(?:No\.|no\.|Number|number|#)\s?(?P<n>\d{1,3})\b(?!\s*(?:%|percent))"
    r"|(?:ranked|ranks|ranking|placed|came|finished|sits?|landed)\s+(?:in\s+)?(?P<ord>first|second|third|fourth|fifth|"
    r"sixth|seventh|eighth|ninth|tenth|1st|2nd|3rd|[4-9]th|10th)"
    r"|(?P<ord2>first|second|third|1st|2nd|3rd)\s+place"
    r"|top(?:ped|s|ping)\s+(?:the\s+)?(?:\w+\s+){0,3}?(?:charts?|leaderboards?|rankings?|list|"
    r"trending|downloads)"
    r"|(?:the\s+)?top\s+spot"
    r"|(?:led|leads|leading)\s+the\s+(?:\w+\s+){0,2}?(?:leaderboard|rankings?|charts?)"
    r"|(?:the\s+)?(?:single\s+)?most[- ](?:downloaded|popular|liked|used|widely used|"
    r"starred|forked)"
    r"|(?:the\s+)?(?:highest|top)[- ](?:ranked|rated|scoring)"
    r"|(?:the\s+)?(?:largest|biggest|best-performing|strongest|most capable|most powerful)"
    r"(?=\s+(?:\w+[- ]){0,3}?(?:open|model|llm|lab|ai|release|family|checkpoint|reasoning))"
    r")",
)

MODEL_METRICS = {
    "downloads_total",
    "downloads_period",
    "download_share",
    "params_total",
    "params_active",
    "context_length",
    "training_tokens",
    "benchmark_score",
    "rank",
    "release_date",
    "speedup",
    "compute",
    "price",
}
COMPARISON_BEFORE = re.compile(
    r"(?:than|behind|versus|vs\.?|against|compared (?:with|to)|ahead of|beat|beats|beating|"
    r"outperform(?:s|ed|ing)?|overtook|overtaking|overtakes|surpass(?:ed|es|ing)?|"
    r"past|like|such as|including|rival|rivals|over)\s+(?:the\s+|its\s+|rival\s+)?$",
    re.IGNORECASE,
)

_NUM = re.compile(
    rf"(?P<tilde>~\s?)?(?P<cur>{CURRENCY_PREFIX})?\s?(?P<num>{FRACTION}|{NUMBER})"
    rf"(?P<range>\s*(?:to|-|–|—|and)\s*(?P<cur2>{CURRENCY_PREFIX})?\s?(?P<num2>{NUMBER}|"
    rf"(?:tens|hundreds) of (?:thousands|millions|billions)))?"
    rf"(?P<paramglue>-(?:million|billion|trillion)-param(?:eter)?s?)?"
    rf"(?P<pct>\s?(?:%|percent\b|per cent\b|percentage points?\b))?"
    rf"(?P<mult>\s?(?:x|×)(?![\w])|\s+times\b)?"
    rf"(?P<cur_after>\s+(?:dollars|euros|yuan|renminbi|rmb|usd|eur|cny)\b)?",
    re.IGNORECASE,
)


def _sentences(text: str, bounds: list[tuple[int, int]] | None) -> list[tuple[int, int]]:
    if bounds:
        return bounds
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def _nearest(patterns: list[tuple[str, str]], text: str, start: int, end: int, window: int = 60):
    """The metric whose word is nearest to [start, end) within ``window`` characters."""
    best: tuple[int, str] | None = None
    lo = max(0, start - window)
    hi = min(len(text), end + window)
    for pattern, metric in patterns:
        for match in re.finditer(rf"(?<![\w-])(?:{pattern})", text[lo:hi], re.IGNORECASE):
            a, b = lo + match.start(), lo + match.end()
            gap = start - b if b <= start else (a - end if a >= end else 0)
            # words after the figure count slightly less than words before it
            score = gap if b <= start else gap + 5
            if best is None or score < best[0]:
                best = (score, metric)
    return best[1] if best else None


def _qualifier(text: str, start: int) -> tuple[str | None, int]:
    before = text[max(0, start - 40) : start]
    match = _QUALIFIER.search(before)
    if match:
        for i, (_p, name) in enumerate(QUALIFIERS):
            if match.group(f"q{i}"):
                return name, start - (len(before) - match.start())
    return None, start


def _range_high(text: str | None) -> float | None:
    """The upper end of a range: a number, or "tens/hundreds of millions"."""
    if text is None:
        return None
    lowered = text.lower()
    if lowered.startswith(("tens of", "hundreds of")):
        base = 10 if lowered.startswith("tens") else 100
        magnitude = {"thousands": 1e3, "millions": 1e6, "billions": 1e9}[lowered.split()[-1]]
        return base * magnitude
    return number_value(text)


class ClaimFinder:
    """Finds claims in text, given the entity mentions already found in it."""

    def find(
        self,
        text: str,
        mentions: list[Mention],
        sentences: list[tuple[int, int]] | None = None,
    ) -> list[Claim]:
        models = [m for m in mentions if m.kind == "model"]
        claims: list[Claim] = []
        taken: list[tuple[int, int]] = []
        spans = _sentences(text, sentences)
        previous: list[Mention] = []
        for s_start, s_end in spans:
            local = [m for m in mentions if s_start <= m.start < s_end]
            found = (
                self._dates(text, s_start, s_end)
                + self._ranks(text, s_start, s_end)
                + self._numbers(text, s_start, s_end, models)
            )
            for claim in sorted(found, key=lambda c: (c[0], -c[1])):
                start, end = claim[0], claim[1]
                if any(start < b and a < end for a, b in taken):
                    continue
                if any(m.start <= start < m.end or m.start < end <= m.end for m in models):
                    continue
                taken.append((start, end))
                claims.append(self._finish(text, claim, local, previous, s_start, s_end))
            if local:
                previous = local
        return sorted(claims, key=lambda c: c.start)

    # -- candidates: (start, end, value, unit, metric or None, qualifier or None) ---------

    def _dates(self, text: str, lo: int, hi: int) -> list[tuple]:
        out = []
        for match in DATE.finditer(text, lo, hi):
            month_word = (match.group("m1") or match.group("m2")).rstrip(".").lower()
            month = MONTHS.get(month_word)
            day = match.group("d1") or match.group("d2")
            if month is None:
                continue
            value = f"{match.group('y')}-{month:02d}" + (f"-{int(day):02d}" if day else "")
            window = text[max(lo, match.start() - 60) : match.start()]
            metric = "release_date" if RELEASE.search(window) else "date"
            out.append((match.start(), match.end(), value, "date", metric, None))
        return out

    def _ranks(self, text: str, lo: int, hi: int) -> list[tuple]:
        out = []
        for match in RANK_PATTERNS.finditer(text, lo, hi):
            if match.group("n"):
                value = int(match.group("n"))
            elif match.group("ord") or match.group("ord2"):
                value = ORDINALS[(match.group("ord") or match.group("ord2")).lower()]
            else:
                value = 1
            out.append((match.start(), match.end(), value, "rank", "rank", None))
        return out

    def _numbers(self, text: str, lo: int, hi: int, models: list[Mention]) -> list[tuple]:
        out = []
        for match in _NUM.finditer(text, lo, hi):
            number = match.group("num")
            if not number or not number.strip():
                continue
            first = "tilde" if match.group("tilde") else "cur" if match.group("cur") else "num"
            start, end = match.start(first), match.end()
            while end > start and text[end - 1].isspace():
                end -= 1
            raw = number_value(number)
            if raw is None:
                continue
            # a digit glued to letters before it is part of a name ("GPT4", "H100")
            if (
                start > 0
                and (text[start - 1].isalnum() or text[start - 1] in "./")
                and not match.group("cur")
            ):
                continue
            currency = match.group("cur") or match.group("cur2") or match.group("cur_after")
            value: Any = raw
            high = _range_high(match.group("num2")) if match.group("range") else None
            if match.group("range") and high is None:
                end = match.start("range")
            if high is not None:
                low = raw
                magnitude = re.search(
                    r"(?i)(thousand|million|billion|trillion|bn|[kmbt])\s*$",
                    match.group("num2") or "",
                )
                if magnitude and not re.search(r"(?i)[a-z]\s*$", number) and low < 1000:
                    low = number_value(f"{number}{magnitude.group(1)}") or low
                value = [clean(low), clean(high)]
            unit: str | None = None
            metric: str | None = None
            if match.group("paramglue"):
                unit, metric = "parameters", None
                value = clean(
                    raw
                    * {"million": 1e6, "billion": 1e9, "trillion": 1e12}[
                        re.search(r"million|billion|trillion", match.group("paramglue")).group()
                    ]
                )
            elif currency:
                unit = CURRENCIES.get(currency.strip().lower(), "USD")
            elif match.group("pct"):
                unit = "percent"
            elif match.group("mult"):
                unit, metric = "multiplier", "speedup"
            elif re.fullmatch(FRACTION, number.strip(), re.IGNORECASE):
                unit = "fraction"
            noun = _UNIT_NOUN.match(text, end) if unit is None else None
            if noun:
                for i, (_p, noun_unit) in enumerate(UNIT_NOUNS):
                    if noun.group(f"u{i}"):
                        unit = noun_unit
                        break
                if unit == "count" and GENERIC_COUNT.fullmatch(noun.group().strip().split()[-1]):
                    small = isinstance(value, (int, float)) and value < 100
                    if small and not re.search(r"(?i)million|billion|thousand|[kmb]$", number):
                        continue  # "two variants": a list count
                end = noun.end()
            if unit is None:
                unit = self._unit_from_context(text, start, end, lo, hi, number)
                if unit is None:
                    continue
            if isinstance(value, float):
                value = clean(value)
            tilde = "approx" if match.group("tilde") else None
            out.append((start, end, value, unit, metric, tilde))
        return out

    @staticmethod
    def _unit_from_context(
        text: str, start: int, end: int, lo: int, hi: int, number: str
    ) -> str | None:
        """A unit for a bare number from its sentence, or None when it is no claim."""
        around = text[max(lo, start - 50) : min(hi, end + 50)].lower()
        has_magnitude = bool(
            re.search(r"(?i)(?:million|billion|trillion|thousand|\d[kmbt]|bn|mn)\b", number)
        )
        if re.search(r"context|window", around) and has_magnitude:
            return "tokens"
        if "download" in around and has_magnitude:
            return "downloads"
        if "parameter" in around and has_magnitude:
            return "parameters"
        if BENCHMARK.search(around) and re.fullmatch(r"\d{1,4}(?:\.\d+)?", number.strip()):
            value = float(number)
            if not (1900 <= value <= 2100 and "." not in number):
                return "points"
        if has_magnitude:
            return "count"
        return None

    # -- completing a claim -------------------------------------------------------------

    def _finish(
        self,
        text: str,
        candidate: tuple,
        local: list[Mention],
        previous: list[Mention],
        lo: int,
        hi: int,
    ) -> Claim:
        start, end, value, unit, metric, qualifier = candidate
        figure_start = start
        q, q_start = _qualifier(text, start)
        if q and unit != "rank":
            qualifier, start = q, q_start
        clause = text[lo:start]
        if NEGATION.search(clause[-60:]):
            qualifier = "negated"
        metric = metric or self._metric(text, start, end, unit, value, lo, hi, figure_start)
        subject = self._subject(text, start, end, metric, local, previous)
        return Claim(
            text=text[start:end],
            start=start,
            end=end,
            value=value,
            unit=unit,
            metric=metric,
            qualifier=qualifier,
            subject=subject.text if subject else None,
            subject_hub_id=subject.hub_id if subject else None,
        )

    def _metric(
        self,
        text: str,
        start: int,
        end: int,
        unit: str,
        value: Any,
        lo: int,
        hi: int,
        figure_start: int,
    ) -> str:
        sentence = text[lo:hi]
        near = text[max(lo, start - 40) : min(hi, end + 40)]
        if unit in ("USD", "EUR", "CNY", "GBP", "HKD"):
            return _nearest(MONEY_METRICS, text, start, end) or "amount"
        if unit in ("percent", "fraction"):
            of = re.match(
                r"\s+of\s+(?:all\s+|the\s+|its\s+|global\s+)*(?:[\w-]+\s+){0,2}?"
                r"(?P<what>downloads|market|revenue|traffic|usage|users|spending)",
                text[end : end + 60],
                re.IGNORECASE,
            )
            if of:
                return (
                    "download_share" if of.group("what").lower() == "downloads" else "market_share"
                )
            return _nearest(PERCENT_METRICS, text, start, end) or "percentage"
        if unit == "downloads":
            # "passed 700 million downloads in January": a running total crossing a mark,
            # dated by the period, not a count made within it
            if CROSSING.search(text[max(lo, figure_start - 30) : figure_start]):
                return "downloads_total"
            return "downloads_period" if PERIOD.search(near) else "downloads_total"
        if unit == "parameters":
            spelled = text[max(lo, start - 12) : min(hi, end + 12)].lower()
            return "params_active" if "active" in spelled else "params_total"
        if unit == "tokens":
            training = re.search(r"(?i)\btrain|pre-?train|corpus|dataset|\bdata\b", sentence)
            if training and not re.search(r"(?i)context|window", near):
                return "training_tokens"
            return "context_length"
        if unit == "GPU_hours":
            return "compute"
        if unit == "points":
            return "benchmark_score"
        if unit == "count":
            word = text[start:end].lower()
            if re.search(r"users|subscribers|customers|developers|people", word):
                return "users"
            return "count"
        return "count"

    @staticmethod
    def _subject(
        text: str, start: int, end: int, metric: str, local: list[Mention], previous: list[Mention]
    ) -> Mention | None:
        preferred = "model" if metric in MODEL_METRICS else "org"

        def eligible(mention: Mention) -> bool:
            return not COMPARISON_BEFORE.search(text[max(0, mention.start - 30) : mention.start])

        # nearest before, else first after; an entity of the preferred kind first
        before = [m for m in local if m.end <= start and eligible(m)][::-1]
        after = [m for m in local if m.start >= end and eligible(m)]
        for pool in (before, after):
            found = next((m for m in pool if m.kind == preferred), None)
            if found:
                return found
        if before or after:
            return (before or after)[0]
        # "It", "The model", "The company": the figure is about the previous sentence's subject
        antecedent = next((m for m in previous if m.kind == preferred), None) or (
            previous[0] if previous else None
        )
        if antecedent and re.match(
            r"^\s*(?:it|its|the (?:model|company|lab|startup|firm|family))\b",
            text[max(0, start - 200) : start].split(".")[-1],
            re.IGNORECASE,
        ):
            return antecedent
        return None
