"""Numeric claims: every figure an article states, with a normalised value and what it is about.

A claim is found in four steps, each a small rule set over one sentence:
the number and its unit ("$600 million", "128K tokens", "~15%", "No. 1", "61
layers", "80GB", "July 2025"); the metric, from the unit and the nearest telling
word ("raised" -> funding round, "a vocabulary of" -> vocabulary size, "monthly" ->
downloads in a period); the qualifier from the words just before ("over",
"nearly", "up to", a negation); and the subject, the entity the figure is about
(a download count is about a model before its lab, never the platform it was
counted on; an entity after "than" or "beat" is the comparison, not the subject).

The numbers' surface forms are regular expressions (:mod:`extractors.numbers`);
the rules about the tokens around them (unit nouns, metric cues, labels such as
"issue number 42", superlatives that state a rank) are spaCy Matcher patterns in
``knowledge/claim_patterns.yaml``, which the pipeline runs and hands over here as
:class:`Cue` spans. Numbers inside model names ("Llama 3.1 405B"), versions, bare
years, labels and list counts ("two variants") are not claims.
"""

from __future__ import annotations

import calendar
import functools
import operator
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from extractors.extraction import Claim, Mention, Period
from extractors.knowledge import ClaimTerms, claim_terms
from extractors.numbers import (
    CURRENCIES,
    CURRENCY_PREFIX,
    FRACTION,
    MAY_HOLD_NUMBER,
    NUMBER,
    ORDINALS,
    clean,
    number_value,
)
from extractors.vocabulary import (
    CURRENCY_UNITS,
    MODEL_METRICS,
    SNAPSHOT_METRICS,
    Link,
    Metric,
    Qualifier,
    Unit,
)


@dataclass(frozen=True)
class Cue:
    """A token-rule match in the text (from the pipeline's Matcher), in characters."""

    start: int
    end: int
    role: str  # "unit", "context", "not_claim" or "rank"
    rule: str
    metric: str | None = None
    unit: str | None = None
    detail: str | None = None


MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8})
MONTHS.update({"sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12})
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})|(?P<m2>{_MONTH})"
    rf"(?:\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)?)\s*,?\s+(?P<y>(?:19|20)\d\d)\b"
)
# "on March 3", "3 March": a day with no year takes the article's year
DAY_NO_YEAR = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH})|(?P<m2>{_MONTH})"
    rf"\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)\b(?!\s*,?\s*(?:19|20)\d\d)(?!\s*(?:%|\d))"
)
# "in 2023", "in April": a release's year or month, only after a release word
RELEASE_PERIOD = re.compile(
    rf"\b(?:in|since|during|back in|early|late|mid-?|by|from|last|later in|earlier in|"
    rf"the end of|the start of|the beginning of|the middle of)\s+(?:early\s+|late\s+|mid-?)?"
    rf"(?:(?P<m>{_MONTH})(?!\s+\d)|(?P<y>(?:19|20)\d\d))\b(?!\s*(?:%|,\s*\d))"
)
# "FP8", "INT4", "NVFP4", "MXFP4": a quantised format names its bit width
QUANT_FORMAT = re.compile(r"\b(?:FP|INT|NVFP|MXFP|fp|int)(?P<bits>4|8)\b")
ISO_DATE = re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")

QUALIFIERS: list[tuple[str, Qualifier]] = [
    (
        r"more than|over|above|exceeding|exceeded|exceeds|in excess of|north of|upwards of|"
        r"at least|passed|passes|passing|surpassed|surpasses|crossed|crosses|topped|tops|"
        r"clears|cleared|clearing|beyond|greater than|higher than|\+",
        Qualifier.MORE_THAN,
    ),
    (
        r"less than|fewer than|under|below|shy of|short of|lower than|just under",
        Qualifier.LESS_THAN,
    ),
    (
        r"about|around|roughly|approximately|nearly|almost|some|close to|an estimated|"
        r"estimated|circa|c\.|~|≈|approx\.?",
        Qualifier.APPROX,
    ),
    (r"up to|as many as|as much as|as high as|a maximum of", Qualifier.UP_TO),
]
_QUALIFIER = re.compile(
    r"(?:"
    + "|".join(f"(?P<q{i}>{p})" for i, (p, _q) in enumerate(QUALIFIERS))
    + r")\s*(?:an?\s+)?$",
    re.IGNORECASE,
)
# A lab followed by a verb of saying is the source of what follows, not its subject.
SPEAKER = re.compile(
    r"\s+(?:says|said|claims|claimed|reports|reported|notes|noted|adds|added|told|"
    r"estimates|estimated|stated|states|wrote|writes)\b"
)
# Where a clause ends: a context word before it does not describe a figure after it.
CONTEXT_BREAK = re.compile(r";|,\s*(?:while|whereas|but|yet)\b|\s(?:while|whereas)\s")
# "over", "under", "above" as prepositions, not hedges: before an article, or after a
# verb of spreading ("spread over 80 layers" are 80 layers, not more than 80).
PREPOSITION = re.compile(
    r"(?i)\b(?:over|under|above|beyond)\s+(?:an?|the)\s*$"
    r"|\b(?:spread|spreads|split|splits|distributed|divided|stretched|sharded)\s+over\s*$"
)
NEGATION = re.compile(
    r"\b(?:not|never|no|didn't|did not|hasn't|has not|haven't|have not|isn't|is not|wasn't|"
    r"was not|failed to|yet to|denied|denies|rather than|instead of|cannot|can't|can not|"
    r"won't|doesn't|does not|don't|do not|unlike)\b[^,;.]*$",
    re.IGNORECASE,
)

# "has not yet reached", "has still not passed", "is yet to cross": the count is below
# the mark now, a claim like any "fewer than" ("did not reach" may be of a past period,
# "not only did it pass" is no negation: those stay negated, never judged)
NOT_YET_CROSSED = re.compile(
    r"(?i)\b(?:has|have)\s+(?:still\s+|yet\s+)?(?:not|never)\s+(?:yet\s+)?"
    r"(?:reached|reach|passed|pass|crossed|cross|hit|topped|top|surpassed|surpass|exceeded|"
    r"exceed|cleared|clear|broken|break)\s+(?:the\s+)?(?:[\w-]+\s+)?$"
    r"|\b(?:hasn't|haven't)\s+(?:yet\s+)?"
    r"(?:reached|reach|passed|pass|crossed|cross|hit|topped|top|surpassed|surpass|exceeded|"
    r"exceed|cleared|clear|broken|break)\s+(?:the\s+)?(?:[\w-]+\s+)?$"
    r"|\b(?:is|are|was|were|has been|have been)\s+(?:still\s+)?yet\s+to\s+"
    r"(?:reach|pass|cross|hit|top|surpass|exceed|clear|break)\s+(?:the\s+)?(?:[\w-]+\s+)?$"
)
# Words that tell a figure's metric, searched near it (nearest wins).
MONEY_METRICS: list[tuple[str, Metric]] = [
    (r"valu(?:ed|ation|ing)|worth|market cap(?:italisation|italization)?", Metric.VALUATION),
    (
        r"rais(?:ed|es|e|ing)|funding|round|series [a-f]\b|seed|investment|invest(?:ed|s)?|"
        r"financing|backed|led by|injection|capital",
        Metric.FUNDING_ROUND,
    ),
    (
        r"revenue|arr\b|annuali[sz]ed|run-rate|sales|turnover|earn(?:ed|s)?|income|bookings",
        Metric.REVENUE,
    ),
    (r"train(?:ed|ing)?|compute bill|to build|cost to train|training run", Metric.TRAINING_COST),
    (
        r"per (?:million|1m|thousand|1k|token|month|hour|user|seat|image|minute)|/month|"
        r"/mo\b|pric(?:e|ed|es|ing)|charg(?:e|es|ed|ing)|subscription|a month|per million|"
        r"cost(?:s)?\s+(?:just|only)?|input tokens|output tokens",
        Metric.PRICE,
    ),
]
PERCENT_METRICS: list[tuple[str, Metric]] = [
    (
        r"market share|share of the (?:\w+\s+)?market|of the (?:\w+\s+)?market",
        Metric.MARKET_SHARE,
    ),
    (
        r"(?:share|percent|%\s)?\s*of\s+(?:all\s+)?(?:\w+\s+)?downloads|download share|"
        r"downloads on hugging face",
        Metric.DOWNLOAD_SHARE,
    ),
    (
        r"score[sd]?|scoring|accuracy|pass@1|benchmark|mmlu|gpqa|aime|swe-bench|humaneval|"
        r"math-500|livecodebench|arena|leaderboard|eval|on the \w+ test|test",
        Metric.BENCHMARK_SCORE,
    ),
    (r"share|of (?:all|global|worldwide)", Metric.MARKET_SHARE),
]
PERIOD_WORDS: list[tuple[str, int]] = [
    (
        r"monthly|per month|a month|each month|every month|past month|"
        r"30 days|past 30|thirty days|in a single month|over the past month",
        30,
    ),
    (r"weekly|per week|a week|each week|last week|this week|past week|7 days|seven days", 7),
    (r"daily|per day|a day|each day|24 hours|in a single day", 1),
]
PERIOD = re.compile(
    "|".join(p for p, _d in PERIOD_WORDS)
    + r"|last month|this month|in (?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december)|last quarter|this quarter|over the past",
    re.IGNORECASE,
)
NAMED_MONTH = re.compile(
    r"\b(?:[Ii]n|[Dd]uring|[Ff]or|[Tt]hroughout|[Oo]f|[Ll]ast)\s+(?P<month>"
    + "|".join(calendar.month_name[1:])  # capitalised: "may" the verb is no month
    + r")(?:\s+(?P<year>20\d\d))?\b"
)
CROSSING = re.compile(
    r"\b(?:pass(?:ed|es|ing)?|cross(?:ed|es|ing)?|surpass(?:ed|es|ing)?|top(?:ped|s)?|"
    r"hit(?:s|ting)?|reach(?:ed|es|ing)?|exceed(?:ed|s|ing)?)\s+(?:the\s+)?(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)
RELEASE = re.compile(
    r"releas|launch|unveil|debut|announc|ship|introduc|publish|open-sourc|open sourc|arriv|"
    r"\bout\b|available|roll(?:ed|s)? out|went live|go live|dropped|drops|upload|"
    r"\bsince\b|came out|posted|(?:reached|landed on|hit|appeared on|arrived on) the hub|"
    r"(?:went|goes|gone|go|put) up\b|\bcreated\b|\bcreation\b|\blanded\b|\blands\b",
    re.IGNORECASE,
)
BENCHMARK = re.compile(
    r"score|mmlu|gpqa|aime|swe-bench|humaneval|math|benchmark|leaderboard|arena|elo|pass@|"
    r"livecodebench|codeforces|ifeval|accuracy",
    re.IGNORECASE,
)
# "; Kimi-K2-Instruct-0905 on ": an elliptical item of a list, right before its date
LIST_ITEM_BEFORE = re.compile(r";\s*(?:and\s+)?[\w.-]+(?:\s+[\w.-]+){0,3}?\s+(?:on|in)\s+$")
TRAINING = re.compile(r"(?i)\btrain|pre-?train|corpus|dataset|\bdata\b")
TRAINING_TOKENS_LEAST = 1e8  # fewer tokens than this is a context, never a training set
# "No. 1", "#1", "number 2": an explicit rank, unless a label word comes first
NUMBERED_RANK = re.compile(
    r"\b(?:No\.|no\.|Number|number|#)\s?(?P<n>\d{1,3})\b(?!\s*(?:%|percent|-\w))"
    r"|(?<![\w#])#(?P<n2>\d{1,3})\b(?!\s*%)"
)
# A number followed by these is a setting, not a figure: "5-shot", "0-shot".
SETTING_AFTER = re.compile(r"-?\s?(?:shots?|way|fold|step|stage)\b", re.IGNORECASE)
DOWNLOADED_BEFORE = re.compile(
    r"(?:download(?:ed|s)?|pulled|installed|fetched|cloned)\s+(?:[\w,]+\s+){0,4}$", re.IGNORECASE
)
# "37 billion of which are activated", "37B active", "(37B activated)": right after it
ACTIVE_AFTER = re.compile(
    r"\s*(?:parameters?\s+|params\s+)?(?:,?\s*of which\s+|which\s+)?"
    r"(?:are\s+|is\s+|get\s+|gets\s+|being\s+)?(?:activated|active)\b",
    re.IGNORECASE,
)
QUANTISED_COPY = re.compile(r"(?i)\b(?:\d-bit|quanti[sz]ed|gguf|awq|gptq|int[48]|fp8|fp4)\b")
BYTE_UNITS = {
    "kb": 1e3,
    "mb": 1e6,
    "gb": 1e9,
    "tb": 1e12,
    "pb": 1e15,
    "megabyte": 1e6,
    "megabytes": 1e6,
    "gigabyte": 1e9,
    "gigabytes": 1e9,
    "terabyte": 1e12,
    "terabytes": 1e12,
    "petabytes": 1e15,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}
COMPARISON_BEFORE = re.compile(
    r"(?:than|behind|versus|vs\.?|against|compared (?:with|to)|ahead of|beat|beats|beating|"
    r"outperform(?:s|ed|ing)?|overtook|overtaking|overtakes|surpass(?:ed|es|ing)?|"
    r"past|like|such as|including|rival|rivals|over|trails|trailing|behind|"
    r"built on|based on|derived from|distilled from|fine-tuned from|fine-tuned on|"
    r"(?:than|of|instead of) the [\w-]+ of|rather than|only to|second to|next to|"
    r"(?:twin|sibling|successor|predecessor|version|variant|copy|build|port|fine-tune|"
    r"distillation|quantisation|quantization|cousin|counterpart|answer|rival) (?:of|to))"
    r"\s+(?:only\s+|just\s+)?"
    r"(?:(?:half|a\s+third|a\s+quarter|a\s+fifth|a\s+tenth|twice|double|triple|"
    r"(?:two|three|four|five|ten|\d+)\s+times)\s+(?:of\s+)?)?"
    r"(?:what\s+|that\s+of\s+|those\s+of\s+)?(?:(?:two|three|four|five|\d+)\s+)?"
    r"(?:the\s+|its\s+|rival\s+|[\w-]+'s\s+)?(?:older\s+|newer\s+|larger\s+|smaller\s+|"
    r"bigger\s+|sibling\s+|predecessor\s+|successor\s+|rival\s+)*$",
    re.IGNORECASE,
)
# "It", "its", "The model", "The FP8 checkpoint": the sentence goes on about the
# previous sentence's subject
ANAPHOR = re.compile(
    r"\b(?:it|its|it's|the (?:[\w-]+\s+){0,2}?(?:model|company|lab|startup|firm|family|"
    r"release|checkpoint|weights|repo|flagship)|\w+'s\s+(?:[\w-]+\s+){0,2}?"
    r"(?:model|release|checkpoint|flagship))\b",
    re.IGNORECASE,
)
# "the base repo", "the chat model": one of several named before, by what its name says
DESCRIBED = re.compile(
    r"(?i)\bthe\s+(?P<which>base|chat|instruct|instruction-tuned|thinking|reasoning)"
    r"(?:-tuned)?(?:\s+(?:repo|repository|model|version|checkpoint|variant|one)\b"
    r"|(?=\s+(?:has|have|had|is|was|drew|draws|holds|carries|gets|got|counts|reports|lists|"
    r"scores|sits|keeps|brings)\b))"
)
# a quantised build ("-AWQ", "-GPTQ-Int4", "-FP8", "-GGUF") is not "the instruct model"
QUANTISED_NAME = re.compile(r"(?i)[-_](?:awq|gptq|gguf|fp8|int[48]|bnb|exl2|mlx|\d-?bit)\b")
DESCRIBED_NAME = {
    "base": re.compile(r"(?i)base"),
    "chat": re.compile(r"(?i)chat|instruct|-it\b"),
    "instruct": re.compile(r"(?i)instruct|-it\b"),
    "instruction-tuned": re.compile(r"(?i)instruct|-it\b"),
    "thinking": re.compile(r"(?i)thinking|reason|-r1"),
    "reasoning": re.compile(r"(?i)thinking|reason|-r1"),
}
ORG_ANAPHOR = re.compile(r"(?i)\b(?:company|lab|startup|firm)\b")
# A lab's whole collection: "Google's repositories", "Meta's models as a whole".
COLLECTION_AFTER = re.compile(
    r"(?:'s|’s)\s+(?:\w+\s+)?(?:repositories|repos|models|checkpoints|weights)\b(?!\s+of\b)"
)
RELATIVE = re.compile(r",?\s+(?:whose|which|who)\b")
# "48 layers to gpt-oss-20b's 24": the mention after "to" is the other side of a
# side-by-side list, so the figures after it are not plainly anyone's
CONTRAST_BEFORE = re.compile(r"\d[\d.,]*\s*(?:[A-Za-z][\w-]*\s+){0,2}to\s+$")
CONTRAST_AFTER = re.compile(r"(?:'s|’s)\s+(?:[a-z-]+\s+)?\d")
# "59.1 for Qwen2.5-72B-Instruct": the name right after a figure and "for"
FOR_AFTER = re.compile(r"\s+for\s+(?:the\s+)?")
COMPARED_FIGURE_BEFORE = re.compile(
    r"(?i)\b(?:times|twice|double|triple|half|than|versus|vs\.?|against|ahead of|behind)\s+"
    r"(?:the\s+|its\s+)(?:[\w-]+(?:'s|’s)\s+)?$"
)
NAMED_AFTER = re.compile(r"\s*(?:downloads?\s+|likes\s+)?(?:that\s+|which\s+)?")
# "the former resolves 65.8%, the latter 64.2%": the first or second of the two named
FORMER_LATTER = re.compile(r"(?i)\bthe\s+(?P<which>former|latter)\b")
# "the smaller model's 410 derivatives": of the two named, the one whose size says so
BY_SIZE = re.compile(
    r"(?i)\bthe\s+(?P<which>larger|bigger|smaller|heavier|lighter)\s+"
    r"(?:model|one|repo|checkpoint|version|variant|sibling)\b"
)
SIZE_IN_NAME = re.compile(r"(?i)(?<![\w.])(\d+(?:\.\d+)?)\s?([bm])(?![a-z])")
# "..., and they drew 3 million": a plural subject, not the one model named before
PLURAL_PRONOUN = re.compile(r"(?i)\b(?:they|their|them|these|those)\b")
OWN_FIGURE = re.compile(
    r"(?:'s|’s)\s+(?:[a-z-]+\s+)?(?:(?:total|tally|count|figure|haul)\s+of\s+)?"
    r"|\s+(?:at|with|on)\s+(?:just\s+|about\s+)?"
)
# "flan-t5-base", "Orca-2": a model-like name that no rule knows
UNKNOWN_NAME = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)+\b")
# "Microsoft's DeBERTa-v3-base": a product of the lab that no rule knows; a figure
# about it is not about the lab
UNKNOWN_PRODUCT = re.compile(
    r"'s\s+(?!(?:models?|family|families|open|own|latest|new|newest|flagship|largest|"
    r"biggest|AI|LLMs?|weights|checkpoints?|repos?|lab|team|researchers|engineers|"
    r"open-weight|open-source|first|second|next|top|most|[a-z]))[A-Z][\w.-]*"
)
# Upper bounds of sane values: beyond them the figure is not that metric
# ("11 trillion tokens" near the word "tokenizer" is training data, not a vocabulary).
SANE_MAXIMUM = {
    Metric.VOCAB_SIZE: 5e6,
    Metric.CONTEXT_LENGTH: 1e9,
    Metric.SLIDING_WINDOW: 1e8,
    Metric.LAYERS: 2000,
    Metric.EXPERTS_TOTAL: 1e5,
    Metric.EXPERTS_ACTIVE: 1e4,
    Metric.HIDDEN_SIZE: 1e6,
    Metric.QUANT_BITS: 64,
}
# "eight experts out of 256", "8 experts of its 128": the figure before the pool
OUT_OF_POOL_AFTER = re.compile(r"(?i)\s+(?:out\s+of|of\s+(?:its|the|a\s+pool\s+of))\s+\d")
# "35 billion of them for any given token", "3 billion parameters busy for each token",
# "37 billion at a time": the active part, said after the figure in its own clause
PER_TOKEN_AFTER = re.compile(
    r"(?i)(?:(?!\b(?:but|while|whereas|and)\b)[^,;.\d]){0,40}?"
    r"\b(?:(?:per|for each|for every|for any given|for any|on each|on every)"
    r"\s+(?:input\s+|generated\s+)?token\b|at (?:a|any one|any given) time\b)"
)
ACTIVATES_BEFORE = re.compile(r"(?i)\b(?:activat\w*|active)\s+(?:just\s+|only\s+)?$")
UNIT_WORDS: list[tuple[str, Unit]] = [
    (r"param(?:eter)?s?\b", Unit.PARAMETERS),
    (r"downloads?\b", Unit.DOWNLOADS),
    (r"times\b", Unit.DOWNLOADS),  # "downloaded 7.1 million times": only after "download"
    (r"tokens?\b", Unit.TOKENS),
]
# Between a label noun and its figure: "likes now 960", "Likes: 960", "likes at 4,210"
LABEL_SEPARATOR = re.compile(r"\s*(?::|=|-|–|now|now at|at|stand at|stands at|of just)?\s*")
# A hedge that the next figure shares when only "and" stands between them
SHARED_HEDGES = frozenset({Qualifier.MORE_THAN, Qualifier.LESS_THAN, Qualifier.UP_TO})
COORDINATED = re.compile(r"\s*,?\s*(?:and|&)\s+")
# "5 million hours of audio", "2 million images": a count of its own noun, which no
# unit elsewhere in the sentence describes
OWN_NOUN_AFTER = re.compile(
    r"\s+(?:hours?|minutes?|seconds?|days?|weeks?|months?|years?|images?|videos?|clips?|"
    r"documents?|pages?|samples?|examples?|tasks?|languages?|lines?|files?|words?|steps?|"
    r"queries|requests?|calls?|messages?|conversations?|sentences?|problems?|questions?|"
    r"pairs?|rows?|gpus?|chips?|servers?|nodes?|people|users?|customers?|developers?|"
    r"employees|stars|forks|repos|repositories|models|countries|cities)\b",
    re.IGNORECASE,
)
# Generic nouns whose small counts are list counts ("two variants"), not claims.
LIST_COUNT_RULES = frozenset({"unit:generic", "unit:staff"})

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


# How far before its first digit or number word a figure can start: "~US$ 1.5B",
# "a hundred million".
_LEAD = 12
_LONG_SPACE = re.compile(r"\s{6,}")


def _number_matches(
    text: str, lo: int, hi: int, resume: list[int] | None = None
) -> Iterator[re.Match[str]]:
    """What ``_NUM.finditer(text, lo, hi)`` yields, without running the long
    expression over the stretches that cannot hold a figure: each figure holds a
    digit or a number word (MAY_HOLD_NUMBER) at most _LEAD characters after its
    start, so no figure starts earlier than _LEAD before the next such hint.

    A caller that keeps only the start of a match puts where to go on in ``resume``.
    """
    pos = lo
    while pos < hi:
        hint = MAY_HOLD_NUMBER.search(text, pos, hi)
        if hint is None:
            return
        start = max(pos, hint.start() - _LEAD)
        if _LONG_SPACE.search(text, max(pos, start - _LEAD), hint.start()):
            start = pos  # "a" and a magnitude far apart: "a    million" is still a figure
        match = _NUM.search(text, start, hi)
        if match is None:
            return
        yield match
        pos = resume.pop() if resume else max(match.end(), match.start() + 1)


@dataclass
class _Candidate:
    """A figure found in a sentence, before its qualifier, metric and subject are settled."""

    start: int
    end: int
    value: Any
    unit: Unit
    metric: Metric | None = None
    qualifier: Qualifier | None = None
    detail: str | None = None
    rule: str | None = None  # the unit cue that named it
    number: str = ""  # the number as written


def _nearest(
    patterns: Sequence[tuple[str, Metric]], text: str, start: int, end: int, window: int = 60
) -> Metric | None:
    """The metric whose word is nearest to [start, end) within ``window`` characters."""
    best: tuple[int, Metric] | None = None
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


def _qualifier(text: str, start: int) -> tuple[Qualifier | None, int]:
    before = text[max(0, start - 40) : start]
    match = _QUALIFIER.search(before)
    if match and PREPOSITION.search(before[: match.end()]):
        return None, start  # "attention over a 4,096-token window", "spread over 80 layers"
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


def _month_year(month: int, year: int | None, published: date | None) -> int | None:
    """The year of a month named without one: the article's, or the year before when
    that month is still to come at the article's date."""
    if year is not None:
        return year
    if published is None:
        return None
    return published.year - 1 if month > published.month else published.year


# where a figure's clause ends for its period: "which Alibaba released in September"
# is a clause of its own
PERIOD_CLAUSE = re.compile(r"(?i);|,\s*(?:and|but|while|whereas|which|who)\b|\s(?:while|whereas)\s")
# "3.6 million in total", "60 million all-time downloads to date": a running total
ALL_TIME_AFTER = re.compile(
    r"(?i)\s*(?:downloads?\s+)?(?:in total|in all|all[- ]time|to date|so far|since (?:its )?"
    r"(?:release|launch))\b"
)
CLAUSE_START = re.compile(r"(?i)[;:]|,\s*(?:and|but|while|whereas)\b")
PERIOD_WINDOW = re.compile(r"(?i)\b(?:past|last)\s+(?:30|thirty)\s+days\b")
CALENDAR_MONTH = re.compile(r"(?i)\b(last|this)\s+month\b")
# A period that opens a sentence, before its first comma: "Over the past 30 days, ..."
OPENING_PERIOD = re.compile(
    r"\s*(?:in|over|during|within|for)\s+(?:the\s+)?(?:past|last)\s+(?:30|thirty)\s+days\s*,"
    r"|\s*(?:in|over|during)\s+the\s+(?:past|last)\s+month\s*,",
    re.IGNORECASE,
)
FIRST_PERIOD = re.compile(
    r"(?i)\b(?:in|within|during|over)\s+(?:its|their|the)\s+first\s+"
    r"(?:day|days|week|weeks|month|months|year|(?:\d+|two|three|four|five|six|seven|eight|"
    r"nine|ten|twelve|few)\s+\w+)\b"
    r"|\b(?:on|at)\s+(?:launch|release)(?:\s+day)?\b|\bon\s+day\s+one\b"
)


def period_of(sentence: str, published: date | None) -> Period | None:
    """The period a sentence counts over: a named month ("in October"), a rolling window,
    or a time since release ("in its first week": no window trendbot can measure)."""
    first = FIRST_PERIOD.search(sentence)
    if first:
        return Period(first.group())
    named = NAMED_MONTH.search(sentence)
    if named:
        month = MONTHS[named.group("month").lower()]
        year = _month_year(
            month, int(named.group("year")) if named.group("year") else None, published
        )
        return Period(named.group(), f"{year:04d}-{month:02d}" if year else None, None)
    calendar_month = CALENDAR_MONTH.search(sentence)
    if calendar_month:  # "last month" is December for a January article, not 30 days
        month_of = None
        if published is not None:
            back = 1 if calendar_month.group(1).lower() == "last" else 0
            year, month = divmod(published.year * 12 + published.month - 1 - back, 12)
            month_of = f"{year:04d}-{month + 1:02d}"
        return Period(calendar_month.group(), month_of, None)
    for pattern, days in PERIOD_WORDS:
        found = re.search(rf"\b(?:{pattern})\b", sentence, re.IGNORECASE)
        if found:
            return Period(found.group(), None, days)
    return None


def _below(number: str, limit: float) -> bool:
    value = number_value(number)
    return isinstance(value, int | float) and value < limit


def _first_number_only(match: re.Match[str]) -> Callable[[str], str | None]:
    """``match.group`` with the range and all that follows it taken away."""
    after = ("range", "cur2", "num2", "paramglue", "pct", "mult", "cur_after")
    return lambda name: None if name in after else match.group(name)


def _key(mention: Mention) -> str:
    """One key per thing named: the repo id when it is one, else the name as written
    (two unresolved names of one author are two models, not one)."""
    return (
        mention.hub_id if mention.link == Link.REPO and mention.hub_id else mention.text
    ).lower()


def _described(word: str, models: list[Mention]) -> list[Mention]:
    """The models named before that "the base model", "the instruct model" can mean.

    A quantised build is not the instruct model it quantises; the base of "X-Instruct"
    is usually "X" itself, a name that says nothing, so it is the one named with no
    variant suffix that another name extends.
    """
    plain = [m for m in models if not QUANTISED_NAME.search(m.text)]
    fitting = [m for m in plain if DESCRIBED_NAME[word].search(m.text)]
    if word == "base" and not fitting:
        variant = DESCRIBED_NAME["chat"]
        fitting = [
            m
            for m in plain
            if not variant.search(m.text)
            and not DESCRIBED_NAME["thinking"].search(m.text)
            and any(o is not m and o.text.lower().startswith(m.text.lower() + "-") for o in plain)
        ]
    return fitting


def _contrast_partner(text: str, mention: Mention) -> bool:
    """Whether ``mention`` is the second side of "N units to <mention>'s M"."""
    before = text[max(0, mention.start - 40) : mention.start]
    return bool(
        before.endswith("to ")
        and CONTRAST_BEFORE.search(before)
        and CONTRAST_AFTER.match(text, mention.end)
    )


def _last(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> re.Match[str] | None:
    matches = list(pattern.finditer(text, lo, hi))
    return matches[-1] if matches else None


def _size(name: str) -> float | None:
    sizes = SIZE_IN_NAME.findall(name)
    if len(sizes) != 1:
        return None
    number, scale = sizes[0]
    return float(number) * (1e9 if scale.lower() == "b" else 1e6)


def _pointed(pointer: re.Match[str], mentions: Sequence[Mention], preferred: str) -> Mention | None:
    """The mention "the former"/"the latter"/"the smaller model" points at, among the
    last two distinct ones named before it; None unless exactly that is clear."""
    seen: dict[str, Mention] = {}
    for mention in sorted(mentions, key=lambda m: m.start):
        if mention.end > pointer.start() or mention.kind != preferred:
            continue
        key = _key(mention)
        seen.pop(key, None)
        seen[key] = mention  # in the order of their last mention
    pair = list(seen.values())[-2:]
    if len(pair) != 2:
        return None
    which = pointer.group("which").lower()
    if which == "former":
        return pair[0]
    if which == "latter":
        return pair[1]
    sizes = [_size(m.text) for m in pair]
    if None in sizes or sizes[0] == sizes[1]:
        return None
    larger = pair[0] if (sizes[0] or 0) > (sizes[1] or 0) else pair[1]
    smaller = pair[1] if larger is pair[0] else pair[0]
    return larger if which in ("larger", "bigger", "heavier") else smaller


def _dates_a_release(text: str, found: re.Match[str]) -> bool:
    """Whether a period's words are a month a release word dates ("released in September");
    PERIOD writes a named month as "in <month>"."""
    return bool(re.fullmatch(r"(?i)in\s+\w+", found.group())) and bool(
        RELEASE.search(text, max(0, found.start() - 40), found.start())
    )


def _count_period(segment: str, published: date | None) -> Period | None:
    """:func:`period_of` of ``segment``, passing over a month that a release word dates."""
    found = period_of(segment, published)
    if found is not None and found.month and not found.days:
        at = segment.find(found.words)
        if at >= 0 and RELEASE.search(segment, max(0, at - 40), at):
            return period_of(segment[:at] + segment[at + len(found.words) :], published)
    return found


def _too_large(value: Any, maximum: float) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, int | float) and v > maximum for v in values)


class ClaimFinder:
    """Finds claims in text, given the entity mentions and token cues already found in it."""

    def __init__(self, terms: ClaimTerms | None = None) -> None:
        self.terms = terms or claim_terms()

    @cached_property
    def _benchmark(self) -> re.Pattern[str]:
        names = sorted(self.terms.benchmarks, key=len, reverse=True)
        # "GPQA Diamond" is also written "GPQA-Diamond", "SWE-bench" "SWE bench"
        spelled = [re.sub(r"(?:\\ |\\-|-)", r"[\\s-]", re.escape(n)) for n in names]
        return re.compile(r"(?<![\w-])(?:" + "|".join(spelled) + r")(?![\w-])", re.IGNORECASE)

    @cached_property
    def _license(self) -> tuple[re.Pattern[str], dict[str, str]]:
        ids: dict[str, str] = {}
        for license_id, names in self.terms.licenses.items():
            for name in names:
                ids[name.lower()] = license_id
                # British spelling of the same name ("the Tongyi Qianwen licence")
                ids[name.lower().replace("license", "licence")] = license_id
        names = "|".join(re.escape(n) for n in sorted(ids, key=len, reverse=True))
        pattern = re.compile(
            rf"(?:\b(?:under|with|via|carries|carry|uses|use)\s+(?:the\s+|an?\s+|its\s+)?"
            rf"(?:permissive\s+|open\s+|commercially\s+friendly\s+)?"
            rf"(?P<a>{names})(?:\s+licen[cs]e)?"
            rf"|(?P<b>{names})[- ]licen[cs]ed"
            rf"|\b(?P<c>{names})\s+licen[cs]e)\b",
            re.IGNORECASE,
        )
        return pattern, ids

    @cached_property
    def _versioned_license(self) -> re.Pattern[str]:
        """A licence whose name carries its version ("both are Apache 2.0"): unmistakable
        even where the sentence never says "licence", unlike "MIT" or "Llama"."""
        _pattern, ids = self._license
        versioned = [
            n for n in ids if re.search(r"\d", n) and not re.match(r"(?:llama|gemma|qwen)", n)
        ]
        names = "|".join(re.escape(n) for n in sorted(versioned, key=len, reverse=True))
        return re.compile(
            rf"\b(?:is|are|under|with|via|as|both)\s+(?:the\s+|an?\s+|both\s+)?"
            rf"(?P<d>{names})(?=\s*(?:[.,;)]|\s+and\b|\s+each\b|$))",
            re.IGNORECASE,
        )

    def find(
        self,
        text: str,
        mentions: list[Mention],
        sentences: list[tuple[int, int]] | None = None,
        cues: Sequence[Cue] = (),
        published: date | None = None,
    ) -> list[Claim]:
        models = [m for m in mentions if m.kind == "model"]
        claims: list[Claim] = []
        taken: list[tuple[int, int]] = []
        spans = sentences or [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
        previous: list[Mention] = []
        # mentions and cues by start, so that each sentence takes its own in two bisections
        mentions = sorted(mentions, key=lambda m: m.start)
        cues = sorted(cues, key=lambda c: c.start)
        mention_starts = [m.start for m in mentions]
        cue_starts = [c.start for c in cues]
        for s_start, s_end in spans:
            local = mentions[
                bisect_left(mention_starts, s_start) : bisect_left(mention_starts, s_end)
            ]
            local_cues = cues[bisect_left(cue_starts, s_start) : bisect_left(cue_starts, s_end)]
            found = (
                self._formats(text, s_start, s_end)
                + self._dates(text, s_start, s_end, published)
                + self._ranks(text, s_start, s_end, local_cues)
                + self._licenses(text, s_start, s_end)
                + self._numbers(text, s_start, s_end, local_cues)
            )
            first = bisect_left(mention_starts, s_start)
            earlier = functools.partial(operator.getitem, mentions, slice(0, first))
            licensed = [(c.start, c.end) for c in found if c.unit == Unit.LICENSE]
            if licensed:  # "the Llama 3.1 Community License" names no model
                local = [m for m in local if not any(a <= m.start < b for a, b in licensed)]
            for candidate in sorted(found, key=lambda c: (c.start, -c.end)):
                start, end = candidate.start, candidate.end
                if any(start < b and a < end for a, b in taken):
                    continue
                inside = any(m.start <= start < m.end or m.start < end <= m.end for m in models)
                if inside and candidate.unit != Unit.LICENSE:
                    continue
                taken.append((start, end))
                prior = claims[-1] if claims and claims[-1].start >= s_start else None
                claims.append(
                    self._finish(
                        text,
                        candidate,
                        local,
                        previous,
                        local_cues,
                        s_start,
                        s_end,
                        published,
                        prior,
                        earlier,
                    )
                )
            if local:
                previous = local
        return sorted(claims, key=lambda c: c.start)

    # -- candidates ----------------------------------------------------------------------

    def _dates(self, text: str, lo: int, hi: int, published: date | None) -> list[_Candidate]:
        out: list[_Candidate] = []

        def release_or_date(start: int) -> Metric:
            window = text[max(lo, start - 80) : start]
            if RELEASE.search(window):
                return Metric.RELEASE_DATE
            # "X was published November 28; Y went live on October 27; Z on September 5":
            # an item of a list whose first item says what the dates are
            item = LIST_ITEM_BEFORE.search(text, lo, start)
            if item and RELEASE.search(text, lo, item.start()):
                return Metric.RELEASE_DATE
            return Metric.DATE

        for match in DATE.finditer(text, lo, hi):
            month = MONTHS.get((match.group("m1") or match.group("m2")).rstrip(".").lower())
            day = match.group("d1") or match.group("d2")
            if month is None:
                continue
            value = f"{match.group('y')}-{month:02d}" + (f"-{int(day):02d}" if day else "")
            out.append(
                _Candidate(
                    match.start(), match.end(), value, Unit.DATE, release_or_date(match.start())
                )
            )
        for match in ISO_DATE.finditer(text, lo, hi):
            value = f"{match.group('y')}-{match.group('m')}-{match.group('d')}"
            out.append(
                _Candidate(
                    match.start(), match.end(), value, Unit.DATE, release_or_date(match.start())
                )
            )
        if published is not None:
            for match in DAY_NO_YEAR.finditer(text, lo, hi):
                month = MONTHS.get((match.group("m1") or match.group("m2")).rstrip(".").lower())
                day = int(match.group("d1") or match.group("d2"))
                if month is None or not 1 <= day <= 31:
                    continue
                year = _month_year(month, None, published)
                out.append(
                    _Candidate(
                        match.start(),
                        match.end(),
                        f"{year:04d}-{month:02d}-{day:02d}",
                        Unit.DATE,
                        release_or_date(match.start()),
                    )
                )
        for match in RELEASE_PERIOD.finditer(text, lo, hi):
            window = text[max(lo, match.start() - 60) : match.start()]
            if not RELEASE.search(window) or re.search(r"[.;]", window[-30:]):
                continue
            if match.group("y"):
                value = match.group("y")
            else:
                month = MONTHS.get(match.group("m").rstrip(".").lower())
                year = _month_year(month, None, published) if month else None
                if month is None or year is None:
                    continue
                if match.group().lower().startswith("last") and published is not None:
                    # "last January" in a January article is a year ago, not this month
                    year = published.year - 1 if month >= published.month else published.year
                value = f"{year:04d}-{month:02d}"
            first = match.start("y") if match.group("y") else match.start("m")
            out.append(_Candidate(first, match.end(), value, Unit.DATE, Metric.RELEASE_DATE))
        return out

    def _formats(self, text: str, lo: int, hi: int) -> list[_Candidate]:
        return [
            _Candidate(m.start(), m.end(), int(m.group("bits")), Unit.BITS, Metric.QUANT_BITS)
            for m in QUANT_FORMAT.finditer(text, lo, hi)
        ]

    def _ranks(self, text: str, lo: int, hi: int, cues: Sequence[Cue]) -> list[_Candidate]:
        out: list[_Candidate] = []
        labels = [c for c in cues if c.role == "not_claim"]
        for cue in cues:
            if cue.role != "rank":
                continue
            words = re.findall(r"[a-z0-9]+", text[cue.start : cue.end].lower())
            value = next((ORDINALS[w] for w in words if w in ORDINALS), 1)
            out.append(_Candidate(cue.start, cue.end, value, Unit.RANK, Metric.RANK))
        for match in NUMBERED_RANK.finditer(text, lo, hi):
            if any(c.start <= match.start() <= c.end + 1 for c in labels):
                continue  # "issue number 42", "episode #7": a label
            before = text[max(lo, match.start() - 20) : match.start()]
            if re.search(
                r"(?i)\b(?:issue|episode|story|chapter|part|season|pr|ticket|item)\s*$", before
            ):
                continue
            value = int(match.group("n") or match.group("n2"))
            out.append(_Candidate(match.start(), match.end(), value, Unit.RANK, Metric.RANK))
        return out

    def _licenses(self, text: str, lo: int, hi: int) -> list[_Candidate]:
        pattern, ids = self._license
        sentence = text[lo:hi]
        if not re.search(r"(?i)licen[cs]", sentence):
            return [
                _Candidate(
                    m.start("d"),
                    m.end("d"),
                    ids[m.group("d").lower()],
                    Unit.LICENSE,
                    Metric.LICENSE,
                )
                for m in self._versioned_license.finditer(text, lo, hi)
            ]
        out = []
        for match in pattern.finditer(text, lo, hi):
            group = next(g for g in ("a", "b", "c") if match.group(g))
            name = match.group(group)
            if name.lower() == "mit" and group == "a" and "licen" not in match.group().lower():
                continue  # "with MIT": the institute
            out.append(
                _Candidate(
                    match.start(group), match.end(), ids[name.lower()], Unit.LICENSE, Metric.LICENSE
                )
            )
        return out

    def _unit_cue(self, text: str, end: int, cues: Sequence[Cue]) -> Cue | None:
        """The unit noun right after a figure ending at ``end`` (spaces between at most)."""
        best = None
        for cue in cues:
            if cue.role != "unit" or cue.start < end:
                continue
            if text[end : cue.start].strip(" \u00a0"):
                continue
            # the longest noun wins; of two as long, the one that names a metric
            if (
                best is None
                or cue.end > best.end
                or (cue.end == best.end and cue.metric and not best.metric)
            ):
                best = cue
        return best

    def _numbers(self, text: str, lo: int, hi: int, cues: Sequence[Cue]) -> list[_Candidate]:
        out: list[_Candidate] = []
        labels = [c for c in cues if c.role == "not_claim"]
        resume: list[int] = []
        for match in _number_matches(text, lo, hi, resume):
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
            # "7,6 billion", "1,2 million": a decimal comma (the 6 is not a figure)
            if start > 1 and text[start - 1] == "," and text[start - 2].isdigit():
                continue
            # "issue number 42", "episode 7", "version 2": a label, not a figure
            if any(c.end <= start and not text[c.end : start].strip() for c in labels):
                continue
            if SETTING_AFTER.match(text, end):
                continue  # "5-shot": an evaluation setting
            group = match.group
            if (
                group("range")
                and re.match(r"\s*and\b", group("range"))
                and not re.search(r"(?i)\bbetween\s+\S*$", text[max(lo, start - 20) : start])
            ):
                # "to 32 and four active experts": two figures, not a range; what
                # follows the second (its %, its "times") is not the first's
                end = match.start("range")
                resume.append(end)
                group = _first_number_only(match)
            currency = group("cur") or group("cur2") or group("cur_after")
            value: Any = raw
            high = _range_high(group("num2")) if group("range") else None
            if group("range") and high is None:
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
            unit: Unit | None = None
            metric: Metric | None = None
            detail: str | None = None
            rule: str | None = None
            if group("paramglue"):
                unit = Unit.PARAMETERS
                scale = re.search(r"million|billion|trillion", group("paramglue"))
                value = clean(
                    raw
                    * {"million": 1e6, "billion": 1e9, "trillion": 1e12}[
                        scale.group() if scale else "billion"
                    ]
                )
            elif currency:
                unit = Unit(CURRENCIES.get(currency.strip().lower(), "USD"))
            elif group("pct"):
                unit = Unit.PERCENT
            elif group("mult"):
                if (
                    group("mult").strip().lower() == "times"
                    and DOWNLOADED_BEFORE.search(text[max(lo, start - 60) : start])
                    # "roughly 1.6 times Meta's total": a ratio, however close "downloads" is
                    and not (isinstance(raw, int | float) and raw < 1000)
                ):
                    unit = Unit.DOWNLOADS  # "downloaded 40 million times": a count
                else:
                    unit, metric = Unit.MULTIPLIER, Metric.SPEEDUP
            elif re.fullmatch(FRACTION, number.strip(), re.IGNORECASE):
                unit = Unit.FRACTION
            cue = self._unit_cue(text, end, cues) if unit is None else None
            if cue is not None:
                unit = Unit(cue.unit) if cue.unit else Unit.COUNT
                metric = Metric(cue.metric) if cue.metric else None
                detail, rule = cue.detail, cue.rule
                if rule in LIST_COUNT_RULES:
                    small = isinstance(value, int | float) and value < 100
                    if small and not re.search(r"(?i)million|billion|thousand|[kmb]$", number):
                        continue  # "two variants": a list count
                if unit == Unit.BYTES:
                    scale = BYTE_UNITS.get(text[cue.start : cue.end].strip().lower())
                    if scale is None or not isinstance(value, int | float):
                        continue
                    value = clean(float(value) * scale)
                end = cue.end
            if unit is None:
                unit, metric = self._unit_from_context(text, start, end, lo, hi, number, cues)
                if unit is None:
                    continue
            if isinstance(value, float):
                value = clean(value)
            tilde = Qualifier.APPROX if match.group("tilde") else None
            out.append(_Candidate(start, end, value, unit, metric, tilde, detail, rule, number))
        return out

    def _context(self, text: str, start: int, cues: Sequence[Cue], window: int = 60) -> Cue | None:
        """The nearest context cue before ``start`` within ``window`` characters and in
        the same clause: in "712 likes, while X has topped 200 million" the likes are
        another clause's."""
        before = [
            c
            for c in cues
            if c.role == "context"
            and c.end <= start <= c.end + window
            and not CONTEXT_BREAK.search(text, c.end, start)
        ]
        return max(before, key=lambda c: c.end, default=None)

    def _unit_from_context(
        self,
        text: str,
        start: int,
        end: int,
        lo: int,
        hi: int,
        number: str,
        cues: Sequence[Cue],
    ) -> tuple[Unit | None, Metric | None]:
        """A unit for a bare number from its sentence, or None when it is no claim."""
        around = text[max(lo, start - 50) : min(hi, end + 50)].lower()
        has_magnitude = bool(
            re.search(r"(?i)(?:million|billion|trillion|thousand|\d[kmbt]|bn|mn)\b", number)
        )
        integral = re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", number.strip()) is not None
        if OWN_NOUN_AFTER.match(text, end):
            return (Unit.COUNT, None) if has_magnitude else (None, None)
        context = self._context(text, start, cues, window=40)
        metric = Metric(context.metric) if context is not None and context.metric else None
        if (
            metric in (Metric.LIKES, Metric.DERIVATIVES)
            and context is not None
            and (integral or has_magnitude)
            and LABEL_SEPARATOR.fullmatch(text, context.end, start)
        ):
            return Unit.COUNT, metric  # "likes now 960", "Derivatives: 57", "likes at 4,210"
        if metric in (Metric.VOCAB_SIZE, Metric.CONTEXT_LENGTH) and (has_magnitude or integral):
            return Unit.TOKENS, metric
        if (
            context is not None
            and context.metric
            in (
                "hidden_size",
                "layers",
                "experts_total",
                "experts_active",
            )
            and integral
            and (
                not context.metric.startswith("experts")
                or re.match(r"\s*(?:[\w-]+\s+){0,3}?experts?\b", text[end : end + 40], re.I)
                or re.search(r"(?i)experts?\b", text[max(lo, start - 40) : start])
            )
        ):
            return Unit.COUNT, Metric(context.metric)
        if re.search(r"context|(?<!same )(?<!time )window", around) and has_magnitude:
            return Unit.TOKENS, None
        if "download" in around and has_magnitude:
            return Unit.DOWNLOADS, None
        if "parameter" in around and has_magnitude and not _below(number, 1e6):
            # "stretches a 1-billion-parameter model to 128K": no model has 128K parameters
            return Unit.PARAMETERS, None
        if re.fullmatch(r"\d+(?:\.\d+)?[BMT]", number.strip()):
            return Unit.PARAMETERS, None  # "a 32B model", "the 1.5B": AI news sizes models so
        if has_magnitude:
            # "355 billion parameters ..., and GLM-4.5-Air has 106 billion": the unit
            # of the sentence's nearest earlier figure
            earlier = text[lo:start].lower()
            found = [
                (m.end(), unit)
                for pattern, unit in UNIT_WORDS
                if pattern != r"times\b" or "download" in earlier
                for m in re.finditer(rf"\d[\w.,]*\s+(?:[\w-]+\s+)?{pattern}", earlier)
            ]
            if found:
                return max(found, key=lambda f: f[0])[1], None
        if BENCHMARK.search(around) and re.fullmatch(r"\d{1,4}(?:\.\d+)?", number.strip()):
            value = float(number)
            if not (1900 <= value <= 2100 and "." not in number):
                return Unit.POINTS, None
        if has_magnitude:
            return Unit.COUNT, None
        return None, None

    # -- completing a claim -------------------------------------------------------------

    def _finish(
        self,
        text: str,
        candidate: _Candidate,
        local: list[Mention],
        previous: list[Mention],
        cues: Sequence[Cue],
        lo: int,
        hi: int,
        published: date | None,
        prior: Claim | None = None,
        earlier: Callable[[], Sequence[Mention]] = tuple,
    ) -> Claim:
        start, end = candidate.start, candidate.end
        qualifier = candidate.qualifier
        q, q_start = _qualifier(text, start)
        if q and candidate.unit not in (Unit.RANK, Unit.DATE, Unit.LICENSE):
            qualifier, start = q, q_start
        # "passes 1 trillion parameters, and 2,000 likes": the hedge is shared
        if (
            qualifier is None
            and prior is not None
            and prior.qualifier in SHARED_HEDGES
            and candidate.unit not in (Unit.RANK, Unit.DATE, Unit.LICENSE)
            and COORDINATED.fullmatch(text, prior.end, start)
        ):
            qualifier = prior.qualifier
        lead = text[max(lo, candidate.start - 60) : candidate.start]
        if ("not" in lead or "n't" in lead or "yet" in lead) and NOT_YET_CROSSED.search(lead):
            # "has not yet passed 2 million": still below it; the verb is not a hedge
            qualifier, start = Qualifier.LESS_THAN, candidate.start
        elif NEGATION.search(text[lo:start][-60:]):
            qualifier = Qualifier.NEGATED
        metric = candidate.metric or self._metric(text, start, end, candidate, lo, hi)
        metric = self._refine(text, start, end, candidate, metric, cues, lo, hi)
        if metric in SANE_MAXIMUM and _too_large(candidate.value, SANE_MAXIMUM[metric]):
            metric = Metric.TRAINING_TOKENS if candidate.unit == Unit.TOKENS else Metric.COUNT
        detail = candidate.detail
        if metric == Metric.BENCHMARK_SCORE:
            detail = self._benchmark_near(text, start, end, lo, hi)
        subject = self._subject(text, start, end, metric, local, previous, earlier)
        sentence = text[lo:hi].strip()
        period = None
        if metric in SNAPSHOT_METRICS:
            period = self._period(text, start, end, lo, hi, published)
        return Claim(
            text=text[start:end],
            start=start,
            end=end,
            value=candidate.value,
            unit=candidate.unit,
            metric=metric,
            qualifier=qualifier,
            subject=subject.text if subject else None,
            subject_hub_id=subject.hub_id if subject else None,
            subject_link=subject.link if subject else Link.NONE,
            sentence=sentence,
            period=period,
            detail=detail,
        )

    def _period(
        self, text: str, start: int, end: int, lo: int, hi: int, published: date | None
    ) -> Period | None:
        """The period of the figure's own clause, else of its sentence; a month that dates
        a release ("which Alibaba released in September") dates no count."""
        cuts = [m.end() for m in PERIOD_CLAUSE.finditer(text, lo, start)]
        after = PERIOD_CLAUSE.search(text, end, hi)
        own = text[cuts[-1] if cuts else lo : after.start() if after else hi]
        return _count_period(own, published) or _count_period(text[lo:hi], published)

    def _unknown_between(self, text: str, a: int, b: int, mentions: list[Mention]) -> bool:
        """Whether a name-like token no rule knows stands between a mention and a figure."""
        for match in UNKNOWN_NAME.finditer(text, a, b):
            name = match.group()
            if not re.search(r"\d", name) or not re.search(r"[A-Za-z]{2}", name):
                continue  # "4-bit", "3.5", "A3B"
            if any(m.start <= match.start() < m.end for m in mentions):
                continue
            if self._benchmark.fullmatch(name) or re.fullmatch(
                r"(?i)(?:fp|int|bf|nvfp|mxfp)\d+|[a-z]?\d+(?:-[a-z]+)+|\d+[a-z]+-\w+", name
            ):
                continue  # "MATH-500", "FP8", "8-bit", "5-shot", "128K-token"
            return True
        return False

    def _benchmark_near(self, text: str, start: int, end: int, lo: int, hi: int) -> str | None:
        """The benchmark a score is on, from its own clause only ("75.1 on GPQA-Diamond;
        on MMLU, ..." is not an MMLU score); none when the words right after the score
        name a benchmark trendbot does not know ("70.1 on TAU-bench")."""
        cuts = [m.end() for m in re.finditer(r";", text[lo:start])]
        lo = lo + cuts[-1] if cuts else lo
        after = CLAUSE_START.search(text, end, hi)
        hi = after.start() if after else hi
        named = re.match(
            r"\s+on\s+(?:the\s+)?(?P<name>[A-Z][\w.+-]*(?:[\s-][A-Z0-9][\w.+-]*)?)", text[end:hi]
        )
        if named and not self._benchmark.match(named.group("name")):
            return None
        best: tuple[int, str] | None = None
        for match in self._benchmark.finditer(text, lo, hi):
            gap = start - match.end() if match.end() <= start else match.start() - end
            gap = abs(gap) + (0 if match.start() >= end else 3)  # "88.5 on MMLU" reads forward
            if best is None or gap < best[0]:
                best = (gap, match.group())
        return best[1] if best else None

    def _metric(
        self, text: str, start: int, end: int, candidate: _Candidate, lo: int, hi: int
    ) -> Metric:
        unit = candidate.unit
        sentence = text[lo:hi]
        near = text[max(lo, start - 40) : min(hi, end + 40)]
        if unit in CURRENCY_UNITS:
            return _nearest(MONEY_METRICS, text, start, end) or Metric.AMOUNT
        if unit in (Unit.PERCENT, Unit.FRACTION):
            of = re.match(
                r"\s+of\s+(?:all\s+|the\s+|its\s+|global\s+)*(?:[\w-]+\s+){0,2}?"
                r"(?P<what>downloads|market|revenue|traffic|usage|users|spending)",
                text[end : end + 60],
                re.IGNORECASE,
            )
            if of:
                return (
                    Metric.DOWNLOAD_SHARE
                    if of.group("what").lower() == "downloads"
                    else Metric.MARKET_SHARE
                )
            return _nearest(PERCENT_METRICS, text, start, end) or Metric.PERCENTAGE
        if unit == Unit.DOWNLOADS:
            if FIRST_PERIOD.search(text[start : min(hi, end + 40)]):
                return Metric.DOWNLOADS_PERIOD  # "passed 1 million in its first week"
            if ALL_TIME_AFTER.match(text, end, hi):
                return Metric.DOWNLOADS_TOTAL  # "3.6 million in total", "... to date"
            # "passed 700 million downloads in January": a running total crossing a mark,
            # dated by the period, not a count made within it
            if CROSSING.search(text[max(lo, candidate.start - 30) : candidate.start]):
                return Metric.DOWNLOADS_TOTAL
            windows = PERIOD.finditer(text, max(lo, start - 40), min(hi, end + 40))
            if any(not _dates_a_release(text, window) for window in windows):
                return Metric.DOWNLOADS_PERIOD
            # "Over the past 30 days, X logged 8.4 million downloads": a period that opens
            # the sentence dates each of its counts
            opening = OPENING_PERIOD.match(text, lo)
            if opening and opening.end() <= start:
                return Metric.DOWNLOADS_PERIOD
            # "..., and over the past 30 days it drew 3.4 million to X's 5.6 million"
            cuts = [m.end() for m in CLAUSE_START.finditer(text, lo, start)]
            if PERIOD_WINDOW.search(text, cuts[-1] if cuts else lo, start):
                return Metric.DOWNLOADS_PERIOD
            return Metric.DOWNLOADS_TOTAL
        if unit == Unit.PARAMETERS:
            spelled = text[max(lo, start - 12) : min(hi, end + 12)].lower()
            if "active" in spelled or ACTIVE_AFTER.match(text, end):
                return Metric.PARAMS_ACTIVE
            if ACTIVATES_BEFORE.search(text[max(lo, start - 30) : start]):
                return Metric.PARAMS_ACTIVE  # "activates just 3 billion of its 30 billion"
            if PER_TOKEN_AFTER.match(text, end, hi):
                return Metric.PARAMS_ACTIVE  # "wakes only 35 billion of them for each token"
            return Metric.PARAMS_TOTAL
        if unit == Unit.TOKENS:
            # "trained with 128K-token sequences": no training set is that small, so a
            # count under TRAINING_TOKENS_LEAST in a sentence about training is a length
            small = isinstance(candidate.value, int | float) and (
                candidate.value < TRAINING_TOKENS_LEAST
            )
            if (
                TRAINING.search(sentence)
                and not small
                and not re.search(r"(?i)context|window|vocab", near)
            ):
                return Metric.TRAINING_TOKENS
            return Metric.CONTEXT_LENGTH
        if unit == Unit.GPU_HOURS:
            return Metric.COMPUTE
        if unit == Unit.POINTS:
            return Metric.BENCHMARK_SCORE
        if unit == Unit.BITS:
            return Metric.QUANT_BITS
        if unit == Unit.BYTES:
            return Metric.STORAGE_SIZE
        if unit == Unit.COUNT:
            word = text[start:end].lower()
            if re.search(r"users|subscribers|customers|developers|people", word):
                return Metric.USERS
            return Metric.COUNT
        return Metric.COUNT

    def _refine(
        self,
        text: str,
        start: int,
        end: int,
        candidate: _Candidate,
        metric: Metric,
        cues: Sequence[Cue],
        lo: int,
        hi: int,
    ) -> Metric:
        """Cues before a figure that change its metric: vocabulary, memory, activation."""
        context = self._context(text, candidate.start, cues)
        vocabulary = context is not None and context.metric == Metric.VOCAB_SIZE
        if candidate.unit == Unit.TOKENS and metric == Metric.CONTEXT_LENGTH and vocabulary:
            return Metric.VOCAB_SIZE
        if candidate.unit == Unit.BYTES:
            window = [c for c in cues if c.role == "context" and lo <= c.start < hi]
            nearest = min(
                (c for c in window if c.metric in ("memory", "storage_size")),
                key=lambda c: min(abs(c.end - start), abs(c.start - end)),
                default=None,
            )
            if nearest is not None and nearest.metric == "memory":
                return Metric.MEMORY
        if metric in (Metric.EXPERTS_TOTAL, Metric.EXPERTS_ACTIVE) and re.search(
            r"(?i)(?:\d\s+of|\bamong|\bacross|\bpool\s+of|\bout\s+of)\s+"
            r"(?:its\s+|the\s+|a\s+pool\s+of\s+)?$",
            text[max(lo, start - 20) : start],
        ):
            return Metric.EXPERTS_TOTAL  # "8 of its 128 experts": the pool
        if metric == Metric.EXPERTS_TOTAL:
            if context is not None and context.metric == "experts_active":
                return Metric.EXPERTS_ACTIVE
            if OUT_OF_POOL_AFTER.match(text, end):
                return Metric.EXPERTS_ACTIVE  # "eight experts out of 256": the chosen ones
            if re.match(
                r"^\s*(?:are\s+|being\s+|get\s+)?(?:active|activated|"
                r"(?:(?:picked|chosen|selected|routed|used|engaged|consulted|called|fire|fires|"
                r"run|runs|work|works|kick in|kicks in)\s+)?"
                r"(?:per|for each|for every|on each|on every)\s+(?:input\s+)?token)",
                text[end : end + 40],
                re.IGNORECASE,
            ):
                return Metric.EXPERTS_ACTIVE
        if (
            metric == Metric.COUNT
            and candidate.rule is None
            and context is not None
            and context.metric == "likes"
        ):
            return Metric.LIKES
        if metric == Metric.PARAMS_TOTAL and (
            ACTIVATES_BEFORE.search(text[max(lo, start - 30) : start])
            or ACTIVE_AFTER.match(text, end)
            or PER_TOKEN_AFTER.match(text, end, hi)
        ):
            return Metric.PARAMS_ACTIVE  # "activates 32 billion parameters per token"
        return metric

    def _subject(
        self,
        text: str,
        start: int,
        end: int,
        metric: Metric,
        local: list[Mention],
        previous: list[Mention],
        earlier: Callable[[], Sequence[Mention]] = tuple,
    ) -> Mention | None:
        """The mention a figure is about; ``earlier`` gives the text's mentions before this
        sentence (a call, so the list is only cut when a rule needs it)."""
        preferred = "model" if metric in MODEL_METRICS else "org"
        platforms = self.terms.platforms

        def eligible(mention: Mention) -> bool:
            if mention.kind == "org" and mention.canonical in platforms:
                return False  # "on Hugging Face": where it was counted, not what
            if preferred == "model" and mention.kind == "org" and SPEAKER.match(text, mention.end):
                return False  # "..., and OpenAI says the model ...": who speaks, not what
            return not COMPARISON_BEFORE.search(text[max(0, mention.start - 30) : mention.start])

        # "Meta's 12.8 million", "GPT-4o at 88.7": the figure right after a mention is its
        # own, even when that mention is the one compared with
        own = next(
            (m for m in local if m.end <= start and OWN_FIGURE.fullmatch(text[m.end : start])),
            None,
        )
        possessive = own is not None and text[own.end : own.end + 1] in "'’"
        if own is not None and (possessive or own.kind == preferred or own.kind == "model"):
            return own
        # "56.1 against 59.1 for Qwen2.5-72B-Instruct": the figure given to the one after it
        given = next(
            (m for m in local if m.start >= end and FOR_AFTER.fullmatch(text, end, m.start)), None
        )
        if given is not None and given.kind == preferred:
            return given
        # "four times the 12.8 million Meta's repos managed", "more than twice the
        # flagship's 1.3 million": the figure compared with, not the sentence subject's;
        # it is the one named right after it, or no one's
        if COMPARED_FIGURE_BEFORE.search(text, max(0, start - 40), start):
            named = next((m for m in local if m.start >= end), None)
            if named is not None and NAMED_AFTER.fullmatch(text, end, named.start):
                return named
            return None
        # "48 layers to gpt-oss-20b's 24, 128 experts to 32": which side each later
        # figure is on, the words do not say plainly
        if any(m.end <= start and _contrast_partner(text, m) for m in local):
            return None
        # "the former resolves 65.8%", "the smaller model's 410 derivatives": one of the
        # two named before, by order or by the size in its name; no one when unclear
        pointer = _last(FORMER_LATTER, text, max(0, start - 80), start) or _last(
            BY_SIZE, text, max(0, start - 60), start
        )
        if pointer and not any(pointer.end() <= m.start < start for m in local):
            return _pointed(pointer, [*previous, *local], preferred)
        # "Google's repositories have been downloaded 174 million times": the lab's
        # collection, named before the figure, whatever model the sentence names later
        collective = [
            m
            for m in local
            if m.kind == "org" and m.end <= start and COLLECTION_AFTER.match(text, m.end)
        ]
        if collective and not any(
            collective[-1].end < m.end <= start and m.kind == "model" for m in local
        ):
            return collective[-1]
        # "overtaking Meta's Llama, whose models total 450 million": the relative clause
        # is about the mention just before it, compared or not
        relative = [m for m in local if m.end <= start and RELATIVE.match(text, m.end)]
        if relative and not any(relative[-1].end < m.end <= start for m in local):
            return relative[-1]
        # "the base repo has 28 derivatives, the chat repo 96": the one whose name
        # says base (or chat, instruct), else no one
        described = _last(DESCRIBED, text, max(0, start - 60), start)
        if described and not any(described.end() <= m.start < start for m in local):
            word = described.group("which").lower()
            pool = [*earlier(), *previous, *local]
            names = {_key(m): m for m in pool if m.kind == "model" and m.end <= start}
            fitting = _described(word, list(names.values()))
            return fitting[0] if len(fitting) == 1 else None
        # nearest before, of the preferred kind first
        before = [m for m in local if m.end <= start and eligible(m)][::-1]
        after = [m for m in local if m.start >= end and eligible(m)]
        found = next((m for m in before if m.kind == preferred), None)
        if found and found.kind == "model" and PLURAL_PRONOUN.search(text, found.end, start):
            return None  # "..., two thirds for deberta-v3-base, and they drew 3 million"
        if found and self._unknown_between(text, found.end, start, local):
            return None  # "X is ..., while flan-t5-base ranks ... with 88 million": not X's
        if found:
            return found
        # "It", "its weights", "The model", "Alibaba's coding model": the previous
        # sentence's subject, before a mention of the wrong kind in this one ("Meta
        # released it on April 5") or one after the figure ("costs 8% of what Claude
        # charges")
        candidates = [m for m in previous if eligible(m)]
        sentence_start = min((m.start for m in local), default=start)
        clause = text[max(0, min(sentence_start, start) - 200) : start].split(". ")[-1]
        anaphor = ANAPHOR.search(clause)
        wanted = preferred
        if anaphor and ORG_ANAPHOR.search(anaphor.group()):
            wanted = "org"  # "the company's two repos": a lab, not the model before it
        antecedent = next((m for m in candidates if m.kind == wanted), None) or (
            candidates[0] if candidates and not (before or after) and wanted == preferred else None
        )
        if antecedent and anaphor:
            return antecedent
        # "Honestly, Qwen3-30B-A3B is underrated. 3B active, 128 experts": a sentence
        # naming no one goes on about the one model the sentence before named (good
        # enough to support a figure; the verifier never contradicts on it)
        if not local and not anaphor and preferred == "model":
            named = {m.hub_id or m.text for m in candidates if m.kind == "model"}
            if len(named) == 1:
                return next(m for m in candidates if m.kind == "model")
        if anaphor and wanted == "org":
            return None
        found = next((m for m in after if m.kind == preferred), None)
        if found:
            return found
        if before or after:
            chosen = (before or after)[0]
            if (
                preferred == "model"
                and chosen.kind == "org"
                and UNKNOWN_PRODUCT.match(text, chosen.end)
            ):
                return None  # "Microsoft's DeBERTa-v3-base has ...": not about Microsoft
            return chosen
        return None
