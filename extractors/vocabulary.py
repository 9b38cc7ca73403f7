"""The words a claim is made of: its metric, unit, qualifier and how its subject is linked
(and what a mention names).

One typed vocabulary shared by the extractor, the store, the verifier and the
digest, so that a metric is spelled once: a module that compares against the
string ``"params_total"`` instead of :attr:`Metric.PARAMS_TOTAL` is a bug that
the type checker cannot see. The members are ``StrEnum`` so that they are
their own JSON and database form.

It imports nothing but the standard library: the crawler's main process reads
these names when it unpickles a worker's result, and must not pay for spaCy.
"""

from __future__ import annotations

from enum import StrEnum


class Metric(StrEnum):
    """What a figure measures. The first groups are what the Hub can speak to."""

    # Hub statistics (trendbot's own snapshots)
    DOWNLOADS_TOTAL = "downloads_total"  # all-time downloads
    DOWNLOADS_PERIOD = "downloads_period"  # downloads within a period (a month, 30 days)
    DOWNLOAD_SHARE = "download_share"  # a share of downloads
    LIKES = "likes"
    RANK = "rank"  # an explicit rank or a superlative that amounts to one
    # Hub metadata (model_info)
    DERIVATIVES = "derivatives"  # models built on it: fine-tunes, adapters, quantised copies
    PARAMS_TOTAL = "params_total"
    PARAMS_ACTIVE = "params_active"  # activated per token (mixture of experts)
    CONTEXT_LENGTH = "context_length"
    VOCAB_SIZE = "vocab_size"
    LAYERS = "layers"
    EXPERTS_TOTAL = "experts_total"
    EXPERTS_ACTIVE = "experts_active"  # routed per token
    HIDDEN_SIZE = "hidden_size"
    SLIDING_WINDOW = "sliding_window"  # tokens a local-attention layer sees
    STORAGE_SIZE = "storage_size"  # the size of the weights or the repo
    MEMORY = "memory"  # memory needed to run it (GPU/RAM footprint)
    QUANT_BITS = "quant_bits"
    RELEASE_DATE = "release_date"
    LICENSE = "license"
    BENCHMARK_SCORE = "benchmark_score"
    # figures the Hub cannot speak to
    TRAINING_TOKENS = "training_tokens"
    COMPUTE = "compute"  # GPUs or GPU hours used
    SPEEDUP = "speedup"
    PRICE = "price"
    FUNDING_ROUND = "funding_round"
    VALUATION = "valuation"
    REVENUE = "revenue"
    TRAINING_COST = "training_cost"
    AMOUNT = "amount"  # money with no telling word
    MARKET_SHARE = "market_share"
    PERCENTAGE = "percentage"
    USERS = "users"
    DATE = "date"  # a date that is not a release
    COUNT = "count"


# Metrics answered by a repo's metadata rather than by download snapshots.
METADATA_METRICS = frozenset(
    {
        Metric.DERIVATIVES,
        Metric.PARAMS_TOTAL,
        Metric.PARAMS_ACTIVE,
        Metric.CONTEXT_LENGTH,
        Metric.VOCAB_SIZE,
        Metric.LAYERS,
        Metric.EXPERTS_TOTAL,
        Metric.EXPERTS_ACTIVE,
        Metric.HIDDEN_SIZE,
        Metric.SLIDING_WINDOW,
        Metric.STORAGE_SIZE,
        Metric.MEMORY,
        Metric.QUANT_BITS,
        Metric.RELEASE_DATE,
        Metric.LICENSE,
        Metric.BENCHMARK_SCORE,
    }
)
# Metrics answered by trendbot's own download and like snapshots.
SNAPSHOT_METRICS = frozenset(
    {
        Metric.DOWNLOADS_TOTAL,
        Metric.DOWNLOADS_PERIOD,
        Metric.DOWNLOAD_SHARE,
        Metric.LIKES,
        Metric.RANK,
    }
)


# Metrics whose subject is a model (the figure is about a checkpoint or a family),
# rather than a company: a download count names a model before the lab behind it.
MODEL_METRICS = (
    METADATA_METRICS
    | SNAPSHOT_METRICS
    | {Metric.TRAINING_TOKENS, Metric.COMPUTE, Metric.SPEEDUP, Metric.PRICE}
)


class Unit(StrEnum):
    """What the number counts; currencies are ISO codes."""

    DOWNLOADS = "downloads"
    PARAMETERS = "parameters"
    TOKENS = "tokens"
    BYTES = "bytes"  # decimal: "1.3 TB" is 1.3e12 (the verifier also accepts binary units)
    BITS = "bits"
    COUNT = "count"
    PERCENT = "percent"
    FRACTION = "fraction"
    MULTIPLIER = "multiplier"
    RANK = "rank"
    DATE = "date"  # the value is an ISO date: "2025", "2025-04" or "2025-04-03"
    POINTS = "points"
    GPU_HOURS = "GPU_hours"
    LICENSE = "license"  # the value is an SPDX-like Hub licence id: "apache-2.0"
    USD = "USD"
    EUR = "EUR"
    GBP = "GBP"
    CNY = "CNY"
    HKD = "HKD"


CURRENCY_UNITS = frozenset({Unit.USD, Unit.EUR, Unit.GBP, Unit.CNY, Unit.HKD})


class Qualifier(StrEnum):
    """How the figure is hedged; a bare figure has none (and is read as rounded)."""

    MORE_THAN = "more_than"
    LESS_THAN = "less_than"
    APPROX = "approx"
    UP_TO = "up_to"
    NEGATED = "negated"


class Link(StrEnum):
    """How precisely a mention names something on the Hub, which decides what may judge it.

    Only ``REPO`` names one checkpoint and ``FAMILY`` a whole tracked author; a
    generation ("Qwen3", "Llama 3.1") is linked to its author for "who is in the
    news", but a figure about it is not a figure about the whole author, so it is
    never judged against the author's sums.
    """

    REPO = "repo"  # an owner/name id known to exist
    FAMILY = "family"  # a family or lab as a whole: its Hub author(s)
    SERIES = "series"  # one generation or line of a family: the author, for display only
    UNRESOLVED = "unresolved"  # spells one checkpoint that no known repo matches (yet)
    CLOSED = "closed"  # an API-only model: nothing on the Hub
    NONE = "none"  # no Hub presence known


class MentionKind(StrEnum):
    """What a mention names: a model (or family) or an organisation.

    :class:`extractors.extraction.Mention` still carries it as the bare string
    (``"model"``/``"org"``), which compares equal to these members.
    """

    MODEL = "model"
    ORG = "org"
