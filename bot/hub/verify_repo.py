"""Verdicts on figures about one repo, against that repo's Hub metadata.

A pure function of a claim and a :class:`RepoFacts`. The press prints figures the
Hub also records (parameters, context, layers, experts, vocabulary, weights size,
creation date, licence, derivatives, reported scores), but each Hub field counts
something slightly different from what the article means: ``safetensors.total``
counts every tensor in the checkpoint, ``max_position_embeddings`` is a limit of
the position table rather than the advertised context, ``createdAt`` is when the
repo was made rather than when the model was announced, ``childrenModelCount``
counts direct children only. So each metric has its own small rule that knows
what its field can and cannot prove.

The rules are built for precision: a wrong "contradicted" is the worst verdict
trendbot can print, so a rule contradicts only when no known counting difference
can explain the gap, and otherwise says "unverifiable" and why. A claim is read
as an interval (see :func:`claim_interval`): a bare figure within its written
precision, "about" at least 5% either way, "more than" open above.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.core.vocabulary import VerdictStatus
from bot.hub.repo_facts import CONFIG_KEYS, ConfigFigure, EvalScore, RepoFacts
from bot.hub.verify import ClaimFacts, VerdictDraft, claim_clause
from extractors.vocabulary import METADATA_METRICS, Link, Metric, Qualifier

Interval = tuple[float, float]
Rule = Callable[[ClaimFacts, RepoFacts], VerdictDraft]

ABOUT = 0.05  # "about" and "approximately" allow at least 5% either way
EXTRA_TENSORS = 0.10  # a Hub total up to 10% above a parameter claim is extra tensors
ACTIVE = re.compile(r"(?i)\bactiv")  # "active", "activated", "activates"
PARAMS_BELOW = 0.75  # a Hub total under 75% of the claim cannot be the same model
PARAMS_ABOVE = 1.50  # nor one more than 50% above it
VOCAB_PADDING = 0.02  # configs pad the embedding matrix by up to 2%
VOCAB_APART = 0.10  # beyond 10% the vocabularies differ
STORAGE_ROUNDING = 0.05  # sizes are rounded loosely, and MB/GB read either way
# A repo may be created privately weeks before the announcement, and published
# a few days after it.
# A stated day: the repo may be created up to two weeks before it (privately, before the
# announcement), and a day or so after it (time zones); a month or a year is read at its
# own precision, with a day of slack: "in May 2025" for a repo created on April 27 is
# not supported (Qwen3 was out on April 29).
CREATED_BEFORE = timedelta(days=14)
CREATED_AFTER_DAY = timedelta(days=2)
PERIOD_SLACK = timedelta(days=1)
# The day the Hub migrated its old repos: their createdAt is this day, not theirs.
MIGRATION_DAY = "2022-03-02"
# How far apart the article and the fetch may be for a growing count to stand for
# the count on the article's day.
NEAR = timedelta(days=2)
KILO = 1.024  # "128K" may be 128 x 1,000 or 128 x 1,024

# Words that place a size claim on another artifact than the repo's own weights.
# Parts of a model a parameter figure can be of, named right after it.
COMPONENT = re.compile(
    r"\s*(?:parameters?\s+)?(?P<part>(?:[\w-]+\s+)?(?:encoder|decoder|backbone|adapter|"
    r"projector|tower|head|router|draft model|embedding(?:s| layer| table)?))\b",
    re.IGNORECASE,
)
REPO_WORDS = re.compile(r"(?i)\b(?:repo|repository|repositories)\b")
WEIGHTS_WORDS = re.compile(r"(?i)\bweights\b")
COMPONENT_BEFORE = re.compile(
    r"(?P<part>(?:[\w-]+\s+)?(?:encoder|decoder|backbone|adapter|projector|tower|head|"
    r"router|draft model))\s*(?:[:=(]|\bof\b|\bwith\b)\s*[^\s]*$",
    re.IGNORECASE,
)
QUANTISED_WORDS = re.compile(
    r"\b(?:[1-8][- ]?bits?|quanti[sz]\w*|gguf|ggml|fp8|fp4|nf4|int[48]|awq|gptq|exl2|mlx"
    r"|q[2-8]_k\w*)\b",
    re.IGNORECASE,
)
# A number as written: 671 / 1.5 / 151,646 / 1,5 (a decimal comma).
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
KILO_WORDS = re.compile(r"\d\s*[kK]\b|\bthousand\b|\d,000\b", re.IGNORECASE)
MEGA_WORDS = re.compile(r"\d\s*M\b|\bmillion\b")
BYTE_UNITS = re.compile(
    r"\d\s*(?P<prefix>[kmgtp])(?:i?b\b|ilobytes?|egabytes?|igabytes?|erabytes?|etabytes?)",
    re.IGNORECASE,
)
BYTE_POWERS = {"k": 1, "m": 2, "g": 3, "t": 4, "p": 5}
SHOTS = re.compile(r"\b(\d+|zero|one|two|three|four|five|few)[\s_-]*shots?\b", re.IGNORECASE)
SHOT_WORDS = {"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}
COT = re.compile(r"\bcot\b|chain[\s-]of[\s-]thought", re.IGNORECASE)
# Dataset configs that name a format rather than a subset of the benchmark.
FORMAT_SETUPS = re.compile(
    r"\b(?:all|main|default|test|validation|multiple_choice)\b", re.IGNORECASE
)
MOE_KEYS = re.compile(r"expert|moe", re.IGNORECASE)
# Keys that show a shared expert exists even when no key counts them
# (Qwen-MoE: shared_expert_intermediate_size; Llama 4: intermediate_size_mlp).
SHARED_KEYS = re.compile(r"shared_expert|intermediate_size_mlp", re.IGNORECASE)
ENCODER_DECODER_KEYS = ("num_decoder_layers", "decoder_layers", "encoder_layers")
# Standard open licences: a card that names a licence of its own has none of them.
OPEN_LICENCE = re.compile(r"^(?:apache|mit$|bsd|gpl|agpl|lgpl|cc-|cc0|mpl|openrail|unlicense)")
LICENCE_SPELLINGS = {
    "apache": "apache-2.0",
    "apache-2": "apache-2.0",
    "apache-v2": "apache-2.0",
    "apache-v2.0": "apache-2.0",
    "apache2": "apache-2.0",
    "apache2.0": "apache-2.0",
    "mit-license": "mit",
    "gplv3": "gpl-3.0",
    "gpl-3": "gpl-3.0",
    "gplv2": "gpl-2.0",
    "gpl-2": "gpl-2.0",
    "agplv3": "agpl-3.0",
    "agpl-3": "agpl-3.0",
    "bsd-3": "bsd-3-clause",
    "bsd-2": "bsd-2-clause",
}


# -- the public function ---------------------------------------------------------------


# Metrics that count whole things: a fractional value is a misread number.
WHOLE_COUNTS = frozenset(
    {
        Metric.DERIVATIVES,
        Metric.LAYERS,
        Metric.EXPERTS_TOTAL,
        Metric.EXPERTS_ACTIVE,
        Metric.HIDDEN_SIZE,
        Metric.VOCAB_SIZE,
        Metric.SLIDING_WINDOW,
    }
)
# "41 new derivatives this week": a count over a time the Hub keeps no history of
COUNT_PERIOD = re.compile(
    r"(?i)\bnew\s+(?:[\w-]+\s+)?(?:derivatives?|fine-?tunes?|children|adapters?|quanti[sz]ations?)"
    r"|\b(?:this|last|past)\s+(?:week|month|year|\d+\s+days)\b|\bsince\b"
    r"|\bin (?:january|february|march|april|may|june|july|august|september|october|"
    r"november|december)\b"
)


def verify_metadata(claim: ClaimFacts, facts: RepoFacts | None) -> VerdictDraft:
    """A verdict on a figure about one repo, from that repo's metadata.

    The checks before the metric's own rule say why nothing can be judged: a
    family is no repo, metadata not fetched, a repo the Hub does not have, a
    negated figure (only positive figures are checked). ``facts`` must be the
    claim's subject: metadata of another repo (a base model's, say) proves nothing.
    """
    repo_id = facts.repo_id if facts is not None else claim.subject_hub_id
    rule = _rule(claim.metric)
    if rule is None:
        return _early(VerdictStatus.NOT_CHECKABLE, _not_mine(claim.metric), repo_id, facts)
    if not _is_one_repo(claim):
        who = claim.subject or claim.subject_hub_id
        why = f"{who} is a family, not one repo" if who else "the claim names no repo"
        return _early(
            VerdictStatus.UNVERIFIABLE,
            f"{why}; the Hub's metadata describes single repos",
            claim.subject_hub_id,
            None,
        )
    if facts is None:
        return _early(
            VerdictStatus.UNVERIFIABLE,
            f"the repo's Hub metadata has not been fetched yet ({repo_id})",
            repo_id,
            None,
        )
    if not facts.found:
        return _early(
            VerdictStatus.UNVERIFIABLE, f"the Hub has no repo {facts.repo_id}", repo_id, facts
        )
    if claim.subject_hub_id.lower() != facts.repo_id.lower():
        return _early(
            VerdictStatus.UNVERIFIABLE,
            f"the metadata at hand is repo {facts.repo_id}'s, but the claim is about "
            f"{claim.subject_hub_id}; another repo's figures prove nothing about it",
            repo_id,
            facts,
        )
    if claim.qualifier == Qualifier.NEGATED:
        return _early(
            VerdictStatus.UNVERIFIABLE,
            "the claim is negated; only positive figures are checked",
            repo_id,
            facts,
        )
    values = claim.value if isinstance(claim.value, list | tuple) else [claim.value]
    if claim.metric in WHOLE_COUNTS and any(
        isinstance(v, float) and not v.is_integer() for v in values
    ):
        return _early(
            VerdictStatus.UNVERIFIABLE,
            f"a count cannot be fractional: {claim.text!r} may use a dot or comma the "
            "other way round (3.412 for 3,412)",
            repo_id,
            facts,
        )
    if claim.metric == Metric.DERIVATIVES and COUNT_PERIOD.search(claim_clause(claim)):
        return _early(
            VerdictStatus.UNVERIFIABLE,
            "the count is for a period (new ones, this week); the Hub counts all "
            "derivatives to date only",
            repo_id,
            facts,
        )
    if claim.metric not in (Metric.RELEASE_DATE, Metric.LICENSE) and not _numeric(claim.value):
        return _early(
            VerdictStatus.UNVERIFIABLE,
            f"the claim's figure ({claim.value!r}) is not a number or a range",
            repo_id,
            facts,
        )
    return rule(claim, facts)


# -- reading a claim -------------------------------------------------------------------


# Figures the press rounds to a round number ("230 billion parameters", "a 200K
# context", "1.3 TB"); counts of layers, experts or tokens in a vocabulary are exact.
ROUNDED_METRICS = frozenset(
    {Metric.PARAMS_TOTAL, Metric.PARAMS_ACTIVE, Metric.CONTEXT_LENGTH, Metric.STORAGE_SIZE}
)


def written_precision(text: str, value: float, rounded: bool = False) -> float:
    """Half a unit of the last digit the claim wrote: "671B" is +/-0.5 billion.

    A figure is as exact as it was written: "1.5B" could be anything that rounds
    to 1.5 billion, "61 layers" is 61. The number is found in ``text`` as the one
    that, times a power of ten (or of 1,024 for "K"), gives ``value``; if the text
    spells no such number ("seven billion"), the value's own last non-zero digit
    sets the precision.
    """
    written = _written(text, value)
    if written is not None:
        digits, scale = written
        # "230 billion", "200K": where ``rounded``, trailing zeros of a whole number are
        # rounding, kept to two significant digits (230 is 225 to 235); "70.0" wrote
        # its zero on purpose
        if rounded and not re.search(r"\d\.\d", text or ""):
            while digits >= 100 and digits % 10 == 0:
                digits //= 10
                scale *= 10
        return 0.5 * scale
    if value == 0:
        return 0.5
    try:
        exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    except InvalidOperation:  # pragma: no cover - repr of a float is always a decimal
        return 0.5
    return 0.5 * 10.0 ** int(exponent) if isinstance(exponent, int) else 0.5


def claim_interval(claim: ClaimFacts, about: float = ABOUT) -> Interval:
    """The values the claim allows, as the verifier reads its qualifier.

    A bare figure is its written precision, "about" widens that to at least
    ``about`` either way, "more than N" is [N, inf), "less than"/"up to" [0, N],
    and a range its bounds.
    """
    value = claim.value
    if isinstance(value, list | tuple):
        low, high = float(value[0]), float(value[1])
        return min(low, high), max(low, high)
    number = float(value)
    if claim.qualifier == Qualifier.MORE_THAN:
        return number, math.inf
    if claim.qualifier in (Qualifier.LESS_THAN, Qualifier.UP_TO):
        return 0.0, number
    half = written_precision(claim.text, number, claim.metric in ROUNDED_METRICS)
    if claim.qualifier == Qualifier.APPROX:
        half = max(half, about * abs(number))
    return number - half, number + half


def _written(text: str, value: float) -> tuple[int, float] | None:
    """The number in the text that makes ``value``: (its digits, the scale of the last).

    The digits are read as one integer whatever the separators mean ("1.5", "1,5",
    "151,646"), so the scale is the worth of the last written digit: "1.5B" is
    15 x 10^8. The number is the one whose scale is a power of ten, or of ten
    times 1,024^k ("128K" read as 131,072).
    """
    if value == 0:
        return None
    for match in NUMBER.finditer(text or ""):
        digits = int(re.sub(r"\D", "", match.group()))
        if digits == 0:
            continue
        scale = abs(value) / digits
        if _binary_power(scale) is not None:
            return digits, scale
    return None


def _binary_power(scale: float) -> int | None:
    """k when ``scale`` is 10^j x 1,024^k (k = 0 for a power of ten), else None."""
    for k in range(6):
        tens = math.log10(scale / 1024**k)
        if abs(tens - round(tens)) < 1e-6:
            return k
    return None


def _readings(claim: ClaimFacts, interval: Interval, factor: float | None) -> list[Interval]:
    """The claim's interval, and its binary reading when the text allows one.

    "128K" may mean 128,000 or 131,072; "80GB" 80 x 10^9 or 80 x 2^30. ``factor``
    is the binary reading over the decimal one (1.024 for K); when the value was
    already normalised as binary, the other reading is the decimal one.
    """
    if factor is None:
        return [interval]
    written = _written(claim.text, float(_first(claim.value)))
    if written is not None and _binary_power(written[1]):
        factor = 1 / factor
    low, high = interval
    return [interval, (low * factor, high * factor)]


def _count_factor(claim: ClaimFacts) -> float | None:
    """The binary reading of a token count: K (and 128,000, a K written out) or M."""
    if MEGA_WORDS.search(claim.text or ""):
        return KILO**2
    if KILO_WORDS.search(claim.text or ""):
        return KILO
    return None


def _byte_factor(claim: ClaimFacts) -> float | None:
    """The binary reading of a size: "GB" may be 10^9 or 2^30, "TB" 10^12 or 2^40."""
    match = BYTE_UNITS.search(claim.text or "")
    if not match:
        return None
    return KILO ** BYTE_POWERS[match.group("prefix").lower()]


def _inside(value: float, intervals: Iterable[Interval]) -> bool:
    return any(low <= value <= high for low, high in intervals)


def _hull(intervals: list[Interval]) -> Interval:
    return min(low for low, _ in intervals), max(high for _, high in intervals)


# -- the rules, one per metric ---------------------------------------------------------


def _params_total(claim: ClaimFacts, facts: RepoFacts) -> VerdictDraft:
    """Parameters against ``safetensors.total``, which counts every tensor stored."""
    part = _component(claim)
    if part is not None:
        return _missing(
            facts,
            "safetensors.total",
            f"the figure is of one part of the model (its {part}); the Hub counts the "
            "whole checkpoint only",
            facts.params_total,
        )
    unusable = _unusable_total(claim, facts)
    if unusable is not None:
        return unusable
    return _judge_params(claim, facts, contradict_above=True)


def _component(claim: ClaimFacts) -> str | None:
    """The part of a model a parameter figure is of ("a 675-million-parameter vision
    encoder"), when the words right after it name one."""
    sentence = claim.sentence
    at = sentence.find(claim.text)
    after = sentence[at + len(claim.text) : at + len(claim.text) + 30] if at >= 0 else ""
    found = COMPONENT.match(f"{claim.text[-12:]} {after}".split(" ", 1)[-1])
    if found is None and at >= 0:  # "Vision encoder: 675M params"
        first = claim.text.split()[0] if claim.text.split() else ""
        found = COMPONENT_BEFORE.search(f"{sentence[max(0, at - 30) : at]}{first}")
    return found.group("part").lower() if found else None


def _params_active(claim: ClaimFacts, facts: RepoFacts) -> VerdictDraft:
    """Active parameters: only a dense model's are known, and they are its total."""
    field = "safetensors.total"
    if facts.is_moe:
        experts = facts.figure("experts_total")
        return _missing(
            facts,
            field,
            f"the Hub reports total parameters only; in this mixture of experts "
            f"({experts.key if experts else 'experts'}) the active count depends on "
            "routing the config does not state as a figure",
            facts.params_total,
        )
    if not _clearly_dense(facts):
        return _missing(
            facts,
            field,
            "the config does not show whether it is a dense model, so its total need "
            "not be the active count",
            facts.params_total,
        )
    unusable = _unusable_total(claim, facts)
    if unusable is not None:
        return unusable
    # Active <= total always; but "active" or "effective" counts of dense models may
    # leave out embeddings, so a larger total contradicts nothing.
    return _judge_params(claim, facts, contradict_above=False, note="a dense model: active = total")


def _unusable_total(claim: ClaimFacts, facts: RepoFacts) -> VerdictDraft | None:
    """No total, or one that is no count: packed integer weights undercount the model."""
    field = "safetensors.total"
    if facts.params_total is None:
        return _missing(facts, field, "the repo has no safetensors weights for the Hub to count")
    if facts.packed:
        dtypes = ", ".join(sorted(facts.params_by_dtype)) or "quantised"
        return _unverifiable(
            facts,
            field,
            facts.params_total,
            f"{_figure(facts.params_total)} parameters ({dtypes})",
            _claimed(claim, "parameters"),
            "the weights are quantised and packed into integers, so the Hub's total "
            "undercounts the model's parameters",
        )
    return None


def _judge_params(
    claim: ClaimFacts, facts: RepoFacts, *, contradict_above: bool, note: str = ""
) -> VerdictDraft:
    """A Hub total within the claim, or up to 10% above it (extra tensors), supports it."""
    field = "safetensors.total"
    total = float(facts.params_total or 0)
    low, high = claim_interval(claim)
    prefix = f"{note}; " if note else ""
    if low <= total <= high:
        status, why = VerdictStatus.SUPPORTED, "within the claim's precision"
    elif high < total <= high * (1 + EXTRA_TENSORS):
        status = VerdictStatus.SUPPORTED
        why = (
            "the Hub counts every tensor in the checkpoint (multi-token-prediction heads, "
            "vision towers, quantisation scales), so a total up to 10% above the claim "
            "supports it"
        )
    elif total < low * PARAMS_BELOW:
        status = VerdictStatus.CONTRADICTED
        why = "the Hub total is more than 25% below the claim, more than rounding explains"
    elif total > high * PARAMS_ABOVE and contradict_above and ACTIVE.search(claim.sentence):
        status = VerdictStatus.UNVERIFIABLE
        why = (
            "the total is far above the claim, but the sentence also speaks of active "
            "parameters: the figure may be the active count"
        )
    elif total > high * PARAMS_ABOVE and contradict_above:
        status = VerdictStatus.CONTRADICTED
        why = "the Hub total is more than 50% above the claim, more than extra tensors explain"
    elif total > high * PARAMS_ABOVE:
        status = VerdictStatus.UNVERIFIABLE
        why = (
            "the total is far above the claim, but active or effective counts may leave "
            "out embeddings, so a larger total does not contradict it"
        )
    else:
        status = VerdictStatus.UNVERIFIABLE
        why = "the gap is more than rounding or extra tensors explain, too little to be sure"
    return _verdict(
        status,
        facts,
        field,
        facts.params_total,
        f"{_figure(total)} parameters",
        _claimed(claim, "parameters"),
        prefix + why,
    )


def _context_length(claim: ClaimFacts, facts: RepoFacts) -> VerdictDraft:
    """Context against the config's position limit, which is not always the context.

    A context reached by RoPE/YaRN scaling is often set at inference or stated on
    the card only, and configs may reserve room beyond the advertised context, so
    only a claim far below an unscaled, unwindowed limit is contradicted.
    """
    found = _config_figure(facts, "context_length")
    if not isinstance(found, ConfigFigure):
        return found
    value = found.value
    readings = _readings(claim, claim_interval(claim), _count_factor(claim))
    low, _high = _hull(readings)
    rope = facts.rope_scaling
    window = _sliding_window(facts)
    base = f"this is repo {facts.repo_id}'s config (base and instruct repos can differ)"

    def verdict(status: VerdictStatus, why: str) -> VerdictDraft:
        return _verdict(
            status,
            facts,
            found.key,
            value,
            f"{_figure(value)} tokens",
            _claimed(claim, "tokens"),
            f"{why}; {base}",
        )

    if _inside(value, readings):
        which = "" if _inside(value, readings[:1]) else " (K read the other way: 1,000 or 1,024)"
        return verdict(VerdictStatus.SUPPORTED, f"the config's limit matches the claim{which}")
    if low > value:
        return verdict(
            VerdictStatus.UNVERIFIABLE,
            "the claim is longer than the config's limit; a context reached by RoPE/YaRN "
            "scaling is often set at inference or described only on the card",
        )
    if rope is not None:
        kind = rope.get("rope_type") or rope.get("type") or "some"
        return verdict(
            VerdictStatus.UNVERIFIABLE,
            f"the config sets {kind} RoPE scaling, so its limit may be the scaled context "
            "rather than the one the claim describes",
        )
    if window is not None:
        return verdict(
            VerdictStatus.UNVERIFIABLE,
            f"the config has a sliding window ({window.key} = {window.value:,}), so the "
            "context the model attends to can be shorter than its limit",
        )
    # A config that allows more than the claim does not prove the claim wrong: configs
    # reserve room beyond the advertised context (Qwen3-8B: 40,960 for 32K) or state the
    # position table's size rather than the trained context (Mistral-NeMo: 1,024,000 for
    # 128K), so a shorter claim is never contradicted.
    return verdict(
        VerdictStatus.UNVERIFIABLE,
        "the claim is below the config's limit: configs may reserve room beyond the "
        "advertised context, or size the position table beyond what the model was trained on",
    )


def _vocab_size(claim: ClaimFacts, facts: RepoFacts) -> VerdictDraft:
    """Vocabulary against the config, which often pads the embedding matrix."""
    found = _config_figure(facts, "vocab_size")
    if not isinstance(found, ConfigFigure):
        return found
    value = found.value
    readings = _readings(claim, claim_interval(claim), _count_factor(claim))
    low, high = _hull(readings)
    if _inside(value, readings):
        status, why = VerdictStatus.SUPPORTED, "within the claim's precision"
    elif any(h < value <= h * (1 + VOCAB_PADDING) for _, h in readings) and _rounded(claim):
        status = VerdictStatus.SUPPORTED
        why = (
            "up to 2% above the claim: configs pad the embedding matrix beyond the "
            "tokenizer's vocabulary"
        )
    elif any(h < value <= h * (1 + VOCAB_PADDING) for _, h in readings):
        status = VerdictStatus.UNVERIFIABLE
        why = (
            "up to 2% above an exact count: configs pad the embedding matrix, so the "
            "tokenizer's own count cannot be read from it"
        )
    elif value > high * (1 + VOCAB_APART) or value < low * (1 - VOCAB_APART):
        status, why = VerdictStatus.CONTRADICTED, "more than 10% away from the claim"
    else:
        status = VerdictStatus.UNVERIFIABLE
        why = "more than padding explains, too little to be sure the vocabularies differ"
    return _verdict(
        status, facts, found.key, value, f"{value:,} tokens", _claimed(claim, "tokens"), why
    )


def _rounded(claim: ClaimFacts) -> bool:
    """A figure of three significant digits or fewer ("150K", "151,000"): a count a
    reporter rounded, which padding can explain; "151,665" is a tokenizer's exact
    count, and the padded table being larger proves nothing either way."""
    value = claim.value
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    digits = str(round(value)).rstrip("0")
    return len(digits) <= 3


def _layers(claim: ClaimFacts, facts: RepoFacts) -> VerdictDraft:
    """Layers against the config; extra prediction layers may be counted or not."""
    found = _config_figure(facts, "layers")
    if not isinstance(found, ConfigFigure):
        return found
    value = found.value
    extra = facts.figure("extra_layers")
    extra_count = extra.value if extra is not None and extra.value > 0 else 0
    interval = claim_interval(claim)
    claimed = _claimed(claim, "layers")
    shown = f"{value:,} layers"
    if _inside(value, [interval]):
        return _verdict(VerdictStatus.SUPPORTED, facts, found.key, value, shown, claimed, "equal")
    if extra is not None and extra_count and _inside(value + extra_count, [interval]):
        return _verdict(
            VerdictStatus.SUPPORTED,
            facts,
            found.key,
            value,
            shown,
            claimed,
            f"equal to the {value} layers plus {extra.key} = {extra_count} "
            "multi-token-prediction layer(s)",
        )
    if extra is not None and extra_count:
        why = (
            f"the config also has {extra.key} = {extra_count}; counts that include or "
            "leave out such layers vary, so a different count is no proof"
        )
        return _verdict(VerdictStatus.UNVERIFIABLE, facts, found.key, value, shown, claimed, why)
    if _encoder_decoder(facts):
        why = (
            "an encoder-decoder config: a count may add the encoder's and the decoder's "
            "layers, so a different count is no proof"
        )
        return _verdict(VerdictStatus.UNVERIFIABLE, facts, found.key, value, shown, claimed, why)
    return _verdict(
        VerdictStatus.CONTRADICTED, facts, found.key, value, shown, claimed, "a different count"
    )


def _experts_total(claim: ClaimFacts, facts: RepoFacts) -> VerdictDraft:
    """Experts against the config's routed count, or routed + shared."""
    if facts.figure("experts_total") is not None:
        found = _config_figure(facts, "experts_total")
        if not isinstance(found, ConfigFigure):
            return found  # the config states two counts
        return _judge_experts(claim, facts, found, "experts")
    # No expert key: a dense model has no experts, if the config clearly is one.
    low, _high = claim_interval(claim)
    claimed = _claimed(claim, "experts")
    arch = facts.architecture
    if low > 1 and _clearly_dense(facts):
        return _verdict(
            VerdictStatus.CONTRADICTED,
            facts,
            "config",
            arch,
            f"a dense decoder ({arch or 'no architecture named'}): layers and hidden "
            "size but no expert key",
            claimed,
            "a dense model has no experts",
        )
    return _missing(
        facts,
        "config",
        "the config names no expert count, and it does not clearly describe a dense model",
        arch,
    )


def _experts_active(claim: ClaimFacts, facts: RepoFacts) -> VerdictDraft:
    """Experts per token against the config's routed count, or routed + shared."""
    found = _config_figure(facts, "experts_active")
    if not isinstance(found, ConfigFigure):
        return found
    return _judge_experts(claim, facts, found, "experts per token")


def _judge_experts(
    claim: ClaimFacts, facts: RepoFacts, found: ConfigFigure, what: str
) -> VerdictDraft:
    """Equal to the routed count, or to routed + shared experts, supports the claim."""
    value = found.value
    shared = facts.figure("shared_experts")
    shared_count = shared.value if shared is not None else 0
    interval = claim_interval(claim)
    claimed = _claimed(claim, what)
    shown = f"{value:,} {what}"

    def verdict(status: VerdictStatus, why: str) -> VerdictDraft:
        return _verdict(status, facts, found.key, value, shown, claimed, why)

    if _inside(value, [interval]):
        return verdict(VerdictStatus.SUPPORTED, "equal")
    if shared is not None and shared_count and _inside(value + shared_count, [interval]):
        return verdict(
            VerdictStatus.SUPPORTED,
            f"equal to {value} routed plus {shared.key} = {shared_count} shared",
        )
    if shared is None and interval[1] > value and _mentions(facts.config, SHARED_KEYS):
        return verdict(
            VerdictStatus.UNVERIFIABLE,
            "the config has shared experts but does not count them, so routed + shared "
            "cannot be checked",
        )
    return verdict(VerdictStatus.CONTRADICTED, "a different count")


def _hidden_size(claim: ClaimFacts, facts: RepoFacts) -> VerdictDraft:
    """Hidden size: an exact figure of the architecture."""
    found = _config_figure(facts, "hidden_size")
    if not isinstance(found, ConfigFigure):
        return found
    value = found.value
    equal = _inside(value, [claim_interval(claim)])
    return _verdict(
        VerdictStatus.SUPPORTED if equal else VerdictStatus.CONTRADICTED,
        facts,
        found.key,
        value,
        f"{value:,}",
        _claimed(claim, ""),
        "equal" if equal else "a different size",
    )


def _sliding_window_rule(claim: ClaimFacts, facts: RepoFacts) -> VerdictDraft:
    """Sliding window against ``config.sliding_window``: an exact figure of the
    architecture, unless the config switches the window off (Qwen2.5 keeps a
    ``sliding_window`` it does not use). A count one short of the claim is the
    same window (Phi-3's 2047 for "2,048"), counted without the current token."""
    window = facts.figure("sliding_window")
    if window is None:
        return _missing(facts, "config", "the config names no sliding window")
    found = _sliding_window(facts)
    if found is None:
        return _missing(
            facts,
            window.key,
            "the config sets a sliding window but switches it off (use_sliding_window: false)",
            window.value,
        )
    value = found.value
    interval = claim_interval(claim)
    claimed = _claimed(claim, "tokens")
    shown = f"{value:,} tokens"
    if _inside(value, [interval]) or _inside(value + 1, [interval]):
        return _verdict(VerdictStatus.SUPPORTED, facts, found.key, value, shown, claimed, "equal")
    return _verdict(
        VerdictStatus.CONTRADICTED, facts, found.key, value, shown, claimed, "a different window"
    )


def _storage_size(claim: ClaimFacts, facts: RepoFacts) -> VerdictDraft:
    """Size on disk against the safetensors weights and the repo's usedStorage.

    Sizes are rounded loosely and "GB" is read either way. A repo also holds other
    files (original checkpoints, GGUF copies), so only a claim below half of the
    weights, or above twice the whole repo, is contradicted.
    """
    weights = facts.weights_bytes
    used = facts.used_storage
    weights_field, used_field = "safetensors.parameters", "usedStorage"
    if QUANTISED_WORDS.search(claim_clause(claim)) and not _names_own_quantisation(claim, facts):
        return _missing(
            facts,
            weights_field if weights is not None else used_field,
            "the sentence speaks of a quantised copy, another artifact than this repo's weights",
            weights if weights is not None else used,
        )
    if weights is None and used is None:
        return _missing(facts, used_field, "the Hub reports no size for this repo")
    interval = claim_interval(claim)
    if math.isfinite(interval[1]) and interval[0] > 0:  # rounding, not "more than"/"up to"
        middle = (interval[0] + interval[1]) / 2
        half = max((interval[1] - interval[0]) / 2, STORAGE_ROUNDING * middle)
        interval = (middle - half, middle + half)
    readings = _readings(claim, interval, _byte_factor(claim))
    low, high = _hull(readings)
    shown = "; ".join(
        part
        for part in (
            f"weights {_bytes(weights)} from the dtypes" if weights is not None else "",
            f"usedStorage {_bytes(used)}" if used is not None else "",
        )
        if part
    )
    claimed = _claimed(claim, "bytes", size=True)
    main_field, main_value = (weights_field, weights) if weights is not None else (used_field, used)
    # "its repository takes up 282 GB": the repo, not the weights in it
    measures = ((weights_field, weights), (used_field, used))
    if REPO_WORDS.search(claim_clause(claim)) and used is not None:
        measures = ((used_field, used),)
    elif WEIGHTS_WORDS.search(claim_clause(claim)) and weights is not None:
        # "its BF16 weights take up about 32 GB": the weights, not the repo that holds
        # them twice over (Llama's original/ folder)
        measures = ((weights_field, weights),)
    for field, value in measures:
        if value is not None and _inside(value, readings):
            why = (
                "the weights match the claim"
                if field == weights_field
                else "the whole repo matches the claim"
            )
            return _verdict(
                VerdictStatus.SUPPORTED,
                facts,
                field,
                value,
                shown,
                claimed,
                f"{why} (GB read as 10^9 or 2^30 bytes, with 5% for rounding)",
            )
    if weights is not None and high < weights / 2:
        status = VerdictStatus.CONTRADICTED
        why = "the claim is below half of the weights alone"
    elif weights is not None and used is not None and low > 2 * used:
        status = VerdictStatus.CONTRADICTED
        why = "the claim is above twice everything the repo stores"
        main_field, main_value = used_field, used
    else:
        status = VerdictStatus.UNVERIFIABLE
        why = (
            "neither figure matches, but a repo holds other files and copies of other "
            "precisions, so the gap proves nothing"
        )
    return _verdict(status, facts, main_field, main_value, shown, claimed, why)


def _memory(claim: ClaimFacts, facts: RepoFacts) -> VerdictDraft:
    """Memory to run a model depends on the runtime, precision and context: never judged."""
    weights = facts.weights_bytes
    why = "memory to run a model depends on the runtime, precision and context length"
    if weights is not None:
        why += (
            f"; a lower bound: its weights alone take {_bytes(weights)} at the "
            "checkpoint's precision"
        )
    return _missing(facts, "safetensors.parameters", why, weights)


def _names_own_quantisation(claim: ClaimFacts, facts: RepoFacts) -> bool:
    """Whether the clause's quantisation is this repo's own: a quantised repo
    ("Qwen2.5-72B-Instruct-GPTQ-Int4 is about 42 GB") is the copy the words speak of,
    when the width or method they name is the repo's."""
    bits = facts.quantization_bits
    if bits is None:
        return False
    clause = claim_clause(claim).lower()
    named = {
        int(a or b)
        for a, b in re.findall(r"\b(?:int|fp|nf|mxfp|q)([2-8])\b|\b([2-8])[- ]?bits?\b", clause)
    }
    method = str((facts.config.get("quantization_config") or {}).get("quant_method") or "")
    return bits.value in named or bool(method and method.lower() in clause)


def _quant_bits(claim: ClaimFacts, facts: RepoFacts) -> VerdictDraft:
    """Bits against the config's quantisation; another quantised release may exist."""
    found = facts.quantization_bits
    if found is None:
        return _missing(
            facts,
            "config.quantization_config",
            "the config states no quantisation bits (another quantised release may exist)",
        )
    equal = _inside(found.value, [claim_interval(claim)])
    return _verdict(
        VerdictStatus.SUPPORTED if equal else VerdictStatus.UNVERIFIABLE,
        facts,
        found.key,
        found.value,
        f"{found.value}-bit",
        _claimed(claim, "bits"),
        "equal" if equal else "another quantised release of the model may have that width",
    )


def _release_date(claim: ClaimFacts, facts: RepoFacts) -> VerdictDraft:
    """Release date against createdAt, which can only support it, never contradict it.

    Repos are created privately before an announcement and uploaded after releases
    elsewhere; old repos carry the date of the Hub's migration.
    """
    field = "createdAt"
    created = facts.created_at
    period = _period(claim.value)
    if period is None:
        return _missing(facts, field, f"the claim's date ({claim.value!r}) is not an ISO date")
    if created is None:
        return _missing(facts, field, "the Hub reports no creation date for this repo")
    start, end, label = period
    shown = f"{created:%Y-%m-%d}"
    claimed = _claimed(claim, "")
    value = created.isoformat()
    if shown == MIGRATION_DAY:
        why = (
            "repos older than the Hub's 2022 migration show that day, not their own, so "
            "the date proves nothing"
        )
        return _verdict(VerdictStatus.UNVERIFIABLE, facts, field, value, shown, claimed, why)
    a_day = end - start <= timedelta(days=1)
    if a_day and start - CREATED_BEFORE <= created < end + CREATED_AFTER_DAY:
        why = (
            f"created within 14 days before {label} (repos are often created privately "
            "days before an announcement)"
        )
        return _verdict(VerdictStatus.SUPPORTED, facts, field, value, shown, claimed, why)
    if not a_day and start - PERIOD_SLACK <= created < end + PERIOD_SLACK:
        why = f"created in {label}, at the precision the claim states"
        return _verdict(VerdictStatus.SUPPORTED, facts, field, value, shown, claimed, why)
    why = (
        "created outside that window, which does not contradict it: a repo may be "
        "uploaded after a release elsewhere, migrated, or kept private long before"
    )
    return _verdict(VerdictStatus.UNVERIFIABLE, facts, field, value, shown, claimed, why)


def _license(claim: ClaimFacts, facts: RepoFacts) -> VerdictDraft:
    """Licence against the card's, as fetched: licences can change."""
    field = "cardData.license"
    card = facts.license
    claimed_id = normalise_licence(str(claim.value))
    claimed = f"{claim.value}"
    if card is None:
        return _missing(facts, field, "the card names no licence")
    card_id = normalise_licence(card)
    if card_id == "other" and facts.license_name and claimed_id not in ("other", ""):
        # "license: other" with "license_name: qwen": the card names its own licence
        named = normalise_licence(facts.license_name)
        field = "cardData.license_name"
        if claimed_id == named or named.startswith(f"{claimed_id}-"):
            why = "the licence the card names for itself"
            return _verdict(VerdictStatus.SUPPORTED, facts, field, named, named, claimed, why)
        if OPEN_LICENCE.match(claimed_id):
            why = "the card names a licence of its own, not this one (licences can change)"
            return _verdict(VerdictStatus.CONTRADICTED, facts, field, named, named, claimed, why)
        why = (
            "the claim and the card each name a licence of their own; free-form names "
            "cannot show that two are different"
        )
        return _verdict(VerdictStatus.UNVERIFIABLE, facts, field, named, named, claimed, why)
    if card_id == "other":
        name = f" (license_name: {facts.license_name})" if facts.license_name else ""
        why = f"the card's licence is 'other'{name}, which names no licence to compare"
        return _verdict(VerdictStatus.UNVERIFIABLE, facts, field, card, card, claimed, why)
    if claimed_id in ("other", ""):
        why = "the claim names no licence the Hub has an id for"
        return _verdict(VerdictStatus.UNVERIFIABLE, facts, field, card, card, claimed, why)
    if claimed_id == card_id:
        return _verdict(VerdictStatus.SUPPORTED, facts, field, card, card, claimed, "the same")
    claim_base, claim_version = _licence_parts(claimed_id)
    card_base, _card_version = _licence_parts(card_id)
    if claim_base == card_base and not claim_version:
        why = "the same licence; the claim gives no version"
        return _verdict(VerdictStatus.SUPPORTED, facts, field, card, card, claimed, why)
    if claim_base == card_base or ("openrail" in claim_base and "openrail" in card_base):
        why = "the same family of licence in another version or variant; not proof either way"
        return _verdict(VerdictStatus.UNVERIFIABLE, facts, field, card, card, claimed, why)
    why = "a different licence on the card as fetched (licences can change)"
    return _verdict(VerdictStatus.CONTRADICTED, facts, field, card, card, claimed, why)


def normalise_licence(name: str) -> str:
    """'Apache License 2.0' -> 'apache-2.0', 'MIT' -> 'mit': the Hub's licence ids."""
    text = re.sub(r"[,;:()\[\]\"']", " ", name.strip().lower())
    text = re.sub(r"\b(?:the|licen[cs]e[ds]?|version|community)\b", " ", text)
    text = re.sub(r"[\s_/]+", "-", text.strip())
    text = re.sub(r"-+", "-", text).strip("-")
    text = re.sub(r"^(llama|gemma|qwen)-(\d)", r"\1\2", text)  # "llama-3.1" -> "llama3.1"
    return LICENCE_SPELLINGS.get(text, text)


def _licence_parts(licence_id: str) -> tuple[str, str]:
    """'cc-by-4.0' -> ('cc-by', '4.0'); 'llama3.1' -> ('llama', '3.1')."""
    match = re.match(r"^(.*?)-?(\d+(?:\.\d+)*)?$", licence_id)
    if not match:  # pragma: no cover - the pattern matches every string
        return licence_id, ""
    return match.group(1), match.group(2) or ""


def _derivatives(claim: ClaimFacts, facts: RepoFacts) -> VerdictDraft:
    """Derivatives against childrenModelCount: direct children of every kind only.

    The count grows, so the fetch stands for the article's day only when near it;
    otherwise it bounds the count then from one side. A count above the claim's
    upper bound contradicts it (direct children alone exceed it); one below proves
    nothing, since the claim may count derivatives of derivatives.
    """
    field = "childrenModelCount"
    children = facts.children
    if children is None:
        return _missing(facts, field, "the Hub reports no derivative count for this repo")
    claimed = _claimed(claim, "derivatives")
    shown = f"{children:,} direct children"
    if claim.detail:
        why = (
            f"the claim counts {claim.detail} only, but the Hub's count of direct "
            "children covers every kind (fine-tunes, adapters, quantised copies, merges)"
        )
        return _verdict(VerdictStatus.UNVERIFIABLE, facts, field, children, shown, claimed, why)
    # A bare count is a rounded one, as with downloads.
    qualifier = claim.qualifier or Qualifier.APPROX
    low, high = claim_interval(_with(claim, qualifier))
    moment = claim.published_at or facts.fetched_at
    if abs(facts.fetched_at - moment) <= NEAR:
        hub_low, hub_high, when = float(children), float(children), ""
    elif facts.fetched_at > moment:
        hub_low, hub_high = 0.0, float(children)
        when = f"; fetched after the article ({moment:%Y-%m-%d}), when the count was lower"
    else:
        hub_low, hub_high = float(children), math.inf
        when = f"; fetched before the article ({moment:%Y-%m-%d}), when the count was higher"
    if low <= hub_low and hub_high <= high:
        status, why = VerdictStatus.SUPPORTED, "the Hub's direct children fit the claim"
    elif hub_low > high:
        status = VerdictStatus.CONTRADICTED
        why = "the Hub's direct children alone already exceed the claim"
    elif hub_high < low:
        status = VerdictStatus.UNVERIFIABLE
        why = (
            "fewer direct children than claimed, but the claim may count derivatives "
            "of derivatives, which the Hub's direct count leaves out"
        )
    else:
        status = VerdictStatus.UNVERIFIABLE
        why = "the Hub's direct children at the article's date may or may not fit the claim"
    return _verdict(status, facts, field, children, shown, claimed, why + when)


def _benchmark_score(claim: ClaimFacts, facts: RepoFacts) -> VerdictDraft:
    """A score against the card's model-index, on the same benchmark and set-up only."""
    field = "cardData.model-index"
    benchmark = (claim.detail or "").strip()
    if not benchmark:
        return _missing(facts, field, "the claim names no benchmark")
    target = _benchmark_key(benchmark, None)
    matches = [
        s
        for s in facts.scores
        if "stderr" not in (s.metric or "").lower()
        and _benchmark_key(s.benchmark, s.setup) == target
    ]
    if not matches:
        return _missing(facts, field, f"the card reports no {benchmark} score")
    percent = str(claim.unit) == "fraction"
    low, high = claim_interval(claim)
    if percent:
        low, high = low * 100, high * 100
    claimed = _claimed(claim, f"on {benchmark}")
    values = sorted({s.value for s in matches})
    shown = ", ".join(_score_shown(s) for s in matches)
    for score in matches:
        if any(low <= v <= high for v, _half in _score_readings(score.value)):
            return _verdict(
                VerdictStatus.SUPPORTED,
                facts,
                field,
                score.value,
                shown,
                claimed,
                "equal within the claim's precision"
                + (" (the card writes it as a fraction)" if score.value <= 1 < high else ""),
            )
    if len(values) > 1:
        why = "the card reports several such scores, none equal to the claim"
        return _verdict(VerdictStatus.UNVERIFIABLE, facts, field, None, shown, claimed, why)
    score = matches[0]
    conflict = _setup_conflict(claim, score)
    if conflict:
        return _verdict(
            VerdictStatus.UNVERIFIABLE, facts, field, score.value, shown, claimed, conflict
        )
    if any(v + half >= low and v - half <= high for v, half in _score_readings(score.value)):
        why = "differs by no more than the card's own rounding"
        return _verdict(VerdictStatus.UNVERIFIABLE, facts, field, score.value, shown, claimed, why)
    return _verdict(
        VerdictStatus.CONTRADICTED,
        facts,
        field,
        score.value,
        shown,
        claimed,
        "the card reports a different score for that benchmark",
    )


def _benchmark_key(name: str, setup: str | None) -> str:
    """'MMLU (5-shot)' -> 'mmlu', 'gpqa' + 'diamond' -> 'gpqadiamond', 'MMLU-Pro' -> 'mmlupro'.

    Shot counts, chain-of-thought and format configs ("all", "main") are set-ups,
    not part of the name; a subset ("diamond", "verified") is.
    """
    base = _plain(name.rsplit("/", 1)[-1])
    if not setup:
        return base
    extra = _plain(setup)
    if extra.startswith(base):  # a config that repeats the name: "gpqa_diamond"
        return extra
    return base + extra


def _plain(text: str) -> str:
    text = SHOTS.sub(" ", text)
    text = COT.sub(" ", text)
    text = FORMAT_SETUPS.sub(" ", text)
    return re.sub(r"[^a-z0-9]+", "", text.lower())


# Set-ups that change a score: several attempts, tools, extra compute at test time.
EXTRA_SETUP = re.compile(
    r"(?i)parallel|test-time|with tools|tool use|tool-augmented|pass@(?:[2-9]|\d\d)|maj@|"
    r"majority vot|best-of|self-consistency|cons@|multiple attempts|several attempts|"
    r"\battempts\b|with search|with thinking|thinking mode|heavy mode|agentic mode"
)


def _setup_conflict(claim: ClaimFacts, score: EvalScore) -> str:
    """Why the sentence's set-up and the card's may differ, or ''."""
    said = f"{claim.text} {claim.sentence} {claim.detail or ''}"
    card = f"{score.benchmark} {score.setup or ''}"
    said_shots, card_shots = _shots(said), _shots(card)
    if said_shots and card_shots and said_shots != card_shots:
        return (
            f"the sentence gives a {'/'.join(sorted(said_shots))}-shot score and the card a "
            f"{'/'.join(sorted(card_shots))}-shot one: different set-ups"
        )
    if bool(COT.search(said)) != bool(COT.search(card)):
        return "one of the sentence and the card uses chain-of-thought and the other does not"
    setup = EXTRA_SETUP.search(claim.sentence)
    if setup and not EXTRA_SETUP.search(card):
        return (
            f"the sentence speaks of a set-up ({setup.group()}) the card's score does not "
            "name, so the two may measure different things"
        )
    return ""


def _shots(text: str) -> set[str]:
    return {SHOT_WORDS.get(m.group(1).lower(), m.group(1).lower()) for m in SHOTS.finditer(text)}


def _score_readings(value: float) -> list[tuple[float, float]]:
    """The card's score and its half-unit of precision, as a percentage too if a fraction."""
    half = written_precision(repr(value).removesuffix(".0"), value)
    readings = [(value, half)]
    if 0 <= value <= 1:
        readings.append((value * 100, half * 100))
    return readings


def _score_shown(score: EvalScore) -> str:
    setup = f", {score.setup}" if score.setup else ""
    metric = f" {score.metric}" if score.metric else ""
    return f"{score.benchmark}{setup}:{metric} {_figure(score.value)}"


RULES: dict[Metric, Rule] = {
    Metric.PARAMS_TOTAL: _params_total,
    Metric.PARAMS_ACTIVE: _params_active,
    Metric.CONTEXT_LENGTH: _context_length,
    Metric.VOCAB_SIZE: _vocab_size,
    Metric.LAYERS: _layers,
    Metric.EXPERTS_TOTAL: _experts_total,
    Metric.EXPERTS_ACTIVE: _experts_active,
    Metric.HIDDEN_SIZE: _hidden_size,
    Metric.SLIDING_WINDOW: _sliding_window_rule,
    Metric.STORAGE_SIZE: _storage_size,
    Metric.MEMORY: _memory,
    Metric.QUANT_BITS: _quant_bits,
    Metric.RELEASE_DATE: _release_date,
    Metric.LICENSE: _license,
    Metric.DERIVATIVES: _derivatives,
    Metric.BENCHMARK_SCORE: _benchmark_score,
}
assert set(RULES) == METADATA_METRICS, "every metadata metric needs a rule"


# -- the config ------------------------------------------------------------------------


def _config_figure(facts: RepoFacts, name: str) -> ConfigFigure | VerdictDraft:
    """The config's figure, or the verdict that none can be compared.

    A multimodal config may state a figure twice (the wrapper's and the language
    model's); when the two differ, which one the claim means is uncertain.
    """
    found = facts.figure(name)
    label = name.replace("_", " ")
    if found is None:
        return _missing(facts, "config", f"the config names no {label}")
    values = {}
    for prefix, config in facts.configs():
        for key in CONFIG_KEYS[name]:
            value = config.get(key)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                continue
            values[f"config.{prefix}{key}"] = int(value)
            break
    if len(set(values.values())) > 1:
        listed = ", ".join(f"{key} = {value:,}" for key, value in values.items())
        return _missing(
            facts,
            found.key,
            f"the config states two {label} figures ({listed}); which one the claim means "
            "is uncertain",
            found.value,
        )
    return found


def _sliding_window(facts: RepoFacts) -> ConfigFigure | None:
    """The config's sliding window, unless the config switches it off."""
    window = facts.figure("sliding_window")
    if window is None:
        return None
    prefix = window.key.removeprefix("config.").rsplit(".", 1)
    config = facts.config.get(prefix[0]) if len(prefix) == 2 else facts.config
    if isinstance(config, dict) and config.get("use_sliding_window") is False:
        return None
    return window


def _clearly_dense(facts: RepoFacts) -> bool:
    """A decoder with layers and a hidden size and no sign of experts anywhere."""
    if facts.figure("layers") is None or facts.figure("hidden_size") is None:
        return False
    if _mentions(facts.config, MOE_KEYS):
        return False
    names = [str(a) for a in facts.config.get("architectures") or ()]
    names.append(str(facts.config.get("model_type") or ""))
    return not any(re.search(r"moe|mixtral|dbrx|jamba|arctic", n, re.I) for n in names)


def _mentions(config: Any, pattern: re.Pattern[str]) -> bool:
    """Whether any key of the config, at any depth, matches the pattern."""
    if isinstance(config, dict):
        return any(
            pattern.search(str(key)) or _mentions(value, pattern) for key, value in config.items()
        )
    if isinstance(config, list):
        return any(_mentions(item, pattern) for item in config)
    return False


def _encoder_decoder(facts: RepoFacts) -> bool:
    return bool(facts.config.get("is_encoder_decoder")) or any(
        key in config for _prefix, config in facts.configs() for key in ENCODER_DECODER_KEYS
    )


# -- verdicts --------------------------------------------------------------------------


def _scope(repo_id: str | None) -> str | None:
    return f"Hugging Face, repo {repo_id}" if repo_id else None


def _verdict(
    status: VerdictStatus,
    facts: RepoFacts,
    field: str,
    value: Any,
    shown: str,
    claimed: str,
    why: str,
) -> VerdictDraft:
    """A verdict that names the Hub figure, where and when, the claim, and why."""
    scope = _scope(facts.repo_id)
    reason = (
        f"Hub {field}: {shown} ({scope}, {facts.fetched_at:%Y-%m-%d}); "
        f"the claim says {claimed}; {why}"
    )
    return VerdictDraft(status, reason, value, scope, facts.fetched_at, facts.repo_id, field)


def _unverifiable(
    facts: RepoFacts, field: str, value: Any, shown: str, claimed: str, why: str
) -> VerdictDraft:
    return _verdict(VerdictStatus.UNVERIFIABLE, facts, field, value, shown, claimed, why)


def _missing(facts: RepoFacts, field: str, why: str, value: Any = None) -> VerdictDraft:
    """Unverifiable because the field is missing or cannot answer this claim."""
    scope = _scope(facts.repo_id)
    reason = f"{why} ({scope}, {facts.fetched_at:%Y-%m-%d})"
    return VerdictDraft(
        VerdictStatus.UNVERIFIABLE, reason, value, scope, facts.fetched_at, facts.repo_id, field
    )


def _early(
    status: VerdictStatus, reason: str, repo_id: str | None, facts: RepoFacts | None
) -> VerdictDraft:
    """A verdict reached before any field is compared; a scope only for a repo id."""
    scope = _scope(repo_id) if repo_id and "/" in repo_id else None
    as_of = facts.fetched_at if facts is not None else None
    return VerdictDraft(status, reason, None, scope, as_of, repo_id, None)


def _rule(metric: str) -> Rule | None:
    try:
        return RULES.get(Metric(metric))
    except ValueError:
        return None


def _not_mine(metric: str) -> str:
    label = str(metric).replace("_", " ")
    return f"not checkable against the Hub: a repo's metadata does not report {label}"


def _is_one_repo(claim: ClaimFacts) -> bool:
    if claim.subject_link in (Link.FAMILY, Link.SERIES, Link.UNRESOLVED):
        return False
    hub_id = claim.subject_hub_id or ""
    return hub_id.count("/") == 1 and all(hub_id.split("/"))


def _numeric(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return len(value) == 2 and all(_numeric(v) for v in value)
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _first(value: Any) -> float:
    return float(value[0]) if isinstance(value, list | tuple) else float(value)


def _with(claim: ClaimFacts, qualifier: str) -> ClaimFacts:
    return replace(claim, qualifier=qualifier)


def _period(value: Any) -> tuple[datetime, datetime, str] | None:
    """'2025' / '2025-03' / '2025-03-03' -> the period's start, end (exclusive), label."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", str(value).strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if day is not None and month is not None:
            start = datetime(year, month, day, tzinfo=UTC)
            return start, start + timedelta(days=1), f"{start:%Y-%m-%d}"
        if month is not None:
            start = datetime(year, month, 1, tzinfo=UTC)
            end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
            return start, end, f"{start:%B %Y}"
        return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC), str(year)
    except ValueError:
        return None


# -- wording ---------------------------------------------------------------------------

QUALIFIER_WORDS = {
    Qualifier.MORE_THAN: "more than ",
    Qualifier.LESS_THAN: "less than ",
    Qualifier.UP_TO: "up to ",
    Qualifier.APPROX: "about ",
}


def _claimed(claim: ClaimFacts, unit: str, *, size: bool = False) -> str:
    """The claim as the reason repeats it: 'about 671 billion parameters'."""
    shown = _decimal_bytes if size else _figure
    if isinstance(claim.value, list | tuple):
        low, high = sorted(float(v) for v in claim.value)
        text = f"{shown(low)} to {shown(high)}"
    elif isinstance(claim.value, int | float):
        text = QUALIFIER_WORDS.get(claim.qualifier or "", "") + shown(claim.value)
    else:
        text = str(claim.value)
    return f"{text} {unit}".strip() if unit and not size else text


def _figure(value: float) -> str:
    """684531386000 -> '684.5 billion', 8030261248 -> '8.03 billion', 88.5 -> '88.5'."""
    if math.isinf(value):
        return "no upper bound"
    for size, name in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            return f"{_significant(value / size)} {name}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def _significant(number: float) -> str:
    """At least three significant digits, and one decimal: 684.5, 70.55 -> 70.6, 8.03."""
    decimals = max(1, 3 - len(str(int(abs(number)))))
    return f"{number:.{decimals}f}".rstrip("0").rstrip(".")


def _decimal_bytes(value: float) -> str:
    """80e9 -> '80 GB': a claim's size, as the extractor normalised it."""
    return _bytes(value).split(" (")[0]


def _bytes(value: float | None) -> str:
    """16060522496 -> '16.06 GB (14.96 GiB)': sizes both ways, as the press writes either."""
    if value is None:
        return "unknown"
    for power, prefix in ((4, "T"), (3, "G"), (2, "M"), (1, "k")):
        if value >= 1000**power:
            decimal = f"{_significant(value / 1000**power)} {prefix}B"
            binary = f"{_significant(value / 1024**power)} {prefix.upper()}iB"
            return f"{decimal} ({binary})"
    return f"{int(value):,} bytes"
