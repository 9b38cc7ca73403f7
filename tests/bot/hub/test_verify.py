"""Verdicts on claims: qualifiers, scope, timing and ranking periods, on plain snapshots."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.config.schema import FamilySettings
from bot.hub.snapshots import Figures, Snapshot
from bot.hub.verify import ClaimFacts, Verifier, claim_range, judge, month_bounds
from bot.store.models import VerdictStatus
from extractors.claims import period_of
from extractors.extraction import Period
from extractors.vocabulary import Link

FAMILIES = {
    "Qwen": FamilySettings(authors=["Qwen"]),
    "Llama": FamilySettings(authors=["meta-llama"]),
}
NOW = datetime(2026, 1, 20, 12, tzinfo=UTC)


def snap(run_id: int, at: datetime, figures: dict[str, int], d30: dict[str, int] | None = None):
    d30 = d30 or {}
    return Snapshot(
        run_id,
        at,
        frozenset({"Qwen", "meta-llama"}),
        {
            repo: Figures(repo, repo.split("/")[0], value, d30.get(repo, 0))
            for repo, value in figures.items()
        },
    )


def lookup_of(*snapshots: Snapshot):
    ordered = sorted(snapshots, key=lambda s: s.taken_at)

    def lookup(moment):
        before = [s for s in ordered if s.taken_at <= moment]
        after = [s for s in ordered if s.taken_at > moment]
        return (before[-1] if before else None, after[0] if after else None)

    return lookup


def verifier(*snapshots: Snapshot) -> Verifier:
    return Verifier(FAMILIES, lookup_of(*snapshots), near=timedelta(hours=2), now=NOW)


def claim(value, metric="downloads_total", qualifier=None, hub_id="Qwen", **kw) -> ClaimFacts:
    sentence = kw.pop("sentence", "Qwen passed 700 million downloads on Hugging Face.")
    published = kw.pop("published_at", NOW)
    return ClaimFacts(
        text=kw.pop("text", "700 million downloads"),
        value=value,
        unit=kw.pop("unit", "downloads"),
        metric=metric,
        qualifier=qualifier,
        subject=kw.pop("subject", hub_id),
        subject_hub_id=hub_id,
        sentence=sentence,
        published_at=published,
        # the period as the extractor reads it from the sentence, the article dating it
        period=kw.pop("period", period_of(sentence, published.date())),
        subject_link=kw.pop("subject_link", None),
    )


LATEST = snap(1, NOW - timedelta(minutes=30), {"Qwen/a": 500_000_000, "Qwen/b": 202_400_000})


@pytest.mark.parametrize(
    ("value", "qualifier", "status"),
    [
        (700_000_000, "more_than", VerdictStatus.SUPPORTED),
        (750_000_000, "more_than", VerdictStatus.CONTRADICTED),
        (800_000_000, "less_than", VerdictStatus.SUPPORTED),
        (700_000_000, "less_than", VerdictStatus.CONTRADICTED),
        (700_000_000, "approx", VerdictStatus.SUPPORTED),  # 702.4M is within 5%
        (800_000_000, "approx", VerdictStatus.CONTRADICTED),
        (700_000_000, None, VerdictStatus.SUPPORTED),  # a bare figure is a rounded one
        ([650_000_000, 720_000_000], None, VerdictStatus.SUPPORTED),
    ],
)
def test_download_totals_with_qualifiers(value, qualifier, status):
    verdict = verifier(LATEST).verify(claim(value, qualifier=qualifier))
    assert verdict.status is status
    assert verdict.hub_value == 702_400_000
    assert verdict.scope == "Hugging Face, author Qwen, 2 repos"
    assert verdict.as_of == LATEST.taken_at
    assert "Hub downloads only" in verdict.reason


def test_the_reason_states_the_figure_its_scope_and_what_the_claim_needed():
    verdict = verifier(LATEST).verify(claim(1_000_000_000, qualifier="more_than"))
    assert verdict.status is VerdictStatus.CONTRADICTED
    assert verdict.reason.startswith(
        "Hub all-time downloads: 702.4 million (Hugging Face, author Qwen, 2 repos, "
        "2026-01-20 11:30 UTC); the claim needs at least 1 billion"
    )


def test_an_old_article_is_judged_by_the_snapshots_around_its_date():
    published = NOW - timedelta(days=40)
    # only a snapshot long after the article: counts only grow, so a later figure
    # below the claim contradicts it, and one above it proves nothing
    check = verifier(LATEST)
    below = check.verify(claim(800_000_000, qualifier="more_than", published_at=published))
    assert below.status is VerdictStatus.CONTRADICTED
    assert "bounded by the snapshots around it" in below.reason
    above = check.verify(claim(600_000_000, qualifier="more_than", published_at=published))
    assert above.status is VerdictStatus.UNVERIFIABLE
    assert above.hub_value is None
    # with a snapshot before the article too, a figure already passed then is supported
    early = snap(0, published - timedelta(days=5), {"Qwen/a": 610_000_000})
    assert (
        verifier(early, LATEST)
        .verify(claim(600_000_000, qualifier="more_than", published_at=published))
        .status
        is VerdictStatus.SUPPORTED
    )


def test_ranking_claim_for_a_month_uses_the_history_of_that_month():
    october = "Qwen2.5-7B was the single most downloaded model on Hugging Face in October."
    start = snap(1, datetime(2025, 10, 1, 0, 30, tzinfo=UTC), {"Qwen/a": 100, "meta-llama/x": 50})
    end = snap(2, datetime(2025, 11, 1, 0, 30, tzinfo=UTC), {"Qwen/a": 900, "meta-llama/x": 1000})
    facts = claim(
        1,
        metric="rank",
        hub_id="Qwen/a",
        subject="Qwen2.5-7B",  # the sentence's own name for the repo
        unit="rank",
        sentence=october,
        published_at=datetime(2025, 11, 3, tzinfo=UTC),
    )
    verdict = verifier(start, end).verify(facts)
    # Qwen/a gained 800 in October, meta-llama/x 950: second, not first
    assert verdict.status is VerdictStatus.CONTRADICTED
    assert verdict.hub_value == 2
    assert "by downloads in October 2025 Qwen/a is #2 among 2 tracked models" in verdict.reason
    assert "a wider field could only rank it lower" in verdict.reason
    end_won = snap(2, end.taken_at, {"Qwen/a": 2000, "meta-llama/x": 1000})
    won = verifier(start, end_won).verify(facts)
    # first among the tracked models is consistent with the claim, but cannot prove it
    assert won.status is VerdictStatus.UNVERIFIABLE
    assert won.hub_value == 1
    assert won.scope == "Hugging Face, 2 tracked models"
    assert "as claimed; untracked authors were not compared" in won.reason
    # without snapshots near both ends of October: unverifiable, and why
    missing = verifier(end).verify(facts)
    assert missing.status is VerdictStatus.UNVERIFIABLE
    assert missing.reason == "trendbot's snapshots do not cover October 2025"


def test_a_ranking_claim_without_a_period_uses_the_current_30_day_figures():
    current = snap(1, NOW, {"Qwen/a": 1, "meta-llama/x": 1}, {"Qwen/a": 10, "meta-llama/x": 20})
    facts = claim(
        1, metric="rank", hub_id="Qwen", unit="rank", sentence="Qwen is the most downloaded family."
    )
    verdict = verifier(current).verify(facts)
    assert verdict.status is VerdictStatus.CONTRADICTED
    assert "Llama leads" in verdict.reason


def test_a_leaderboard_rank_is_not_checkable_against_the_hub():
    facts = claim(
        1,
        metric="rank",
        unit="rank",
        text="the top spot",
        sentence="Qwen3 took the top spot on the LMArena leaderboard.",
    )
    verdict = verifier(LATEST).verify(facts)
    assert verdict.status is VerdictStatus.NOT_CHECKABLE


def test_a_superlative_that_names_no_hub_measure_is_never_judged():
    """ "The most widely adopted" on Hugging Face is no ranking by downloads or likes."""
    facts = claim(
        1,
        metric="rank",
        unit="rank",
        text="most widely adopted open",
        hub_id="meta-llama",
        subject="Llama",
        sentence="Meta called Llama the most widely adopted open model series on Hugging Face.",
    )
    verdict = verifier(LATEST).verify(facts)
    assert verdict.status is VerdictStatus.UNVERIFIABLE
    assert "names no measure the Hub keeps" in verdict.reason


@pytest.mark.parametrize("metric", ["funding_round", "training_tokens", "valuation"])
def test_other_metrics_are_not_checkable_and_say_so(metric):
    verdict = verifier(LATEST).verify(claim(20_000_000, metric=metric, unit="USD"))
    assert verdict.status is VerdictStatus.NOT_CHECKABLE
    assert verdict.reason.startswith("not checkable against the Hub: it does not report")


def test_untracked_subjects_and_negated_claims_are_unverifiable_with_the_reason():
    untracked = verifier(LATEST).verify(claim(1, hub_id="mistralai", subject="Mistral"))
    assert untracked.status is VerdictStatus.UNVERIFIABLE
    assert "(Mistral) is not a tracked Hub author or repo" in untracked.reason
    negated = verifier(LATEST).verify(claim(1, qualifier="negated"))
    assert negated.status is VerdictStatus.UNVERIFIABLE
    assert "negated" in negated.reason


def test_monthly_downloads_are_compared_with_the_30_day_figure():
    current = snap(1, NOW, {"Qwen/a": 1}, {"Qwen/a": 26_000_000})
    facts = claim(
        25_000_000,
        metric="downloads_period",
        qualifier="more_than",
        sentence="Qwen now draws more than 25 million downloads a month.",
    )
    verdict = verifier(current).verify(facts)
    assert verdict.status is VerdictStatus.SUPPORTED
    assert verdict.reason.startswith("Hub 30-day downloads: 26 million")


def test_a_download_share_is_reported_but_not_judged():
    current = snap(1, NOW, {"Qwen/a": 1, "meta-llama/x": 1}, {"Qwen/a": 30, "meta-llama/x": 70})
    verdict = verifier(current).verify(
        claim(15, metric="download_share", unit="percent", qualifier="approx")
    )
    assert verdict.status is VerdictStatus.UNVERIFIABLE
    assert verdict.hub_value == 30.0
    assert "among the 2 tracked authors Qwen has 30.0% of 30-day downloads" in verdict.reason


def test_periods_and_ranges():
    published = datetime(2026, 1, 10, tzinfo=UTC).date()

    def bounds(sentence):
        return month_bounds(period_of(sentence, published))

    assert bounds("the most downloaded model in October")[0] == "October 2025"
    assert bounds("downloads during January")[1] == datetime(2026, 1, 1, tzinfo=UTC)
    assert bounds("in December 2024")[2] == datetime(2025, 1, 1, tzinfo=UTC)
    assert bounds("the most downloaded model") is None
    assert month_bounds(Period("monthly", days=30)) is None
    assert claim_range(100, "more_than", 0.05) == (100, float("inf"))
    assert claim_range([200, 100], None, 0.05) == (100, 200)
    assert judge(5, 5, 0, 10) is VerdictStatus.SUPPORTED
    assert judge(5, 20, 0, 10) is VerdictStatus.UNVERIFIABLE
    assert judge(11, 20, 0, 10) is VerdictStatus.CONTRADICTED


def test_a_family_first_tracked_mid_month_is_not_ranked_on_its_whole_history():
    only_qwen = Snapshot(
        1,
        datetime(2025, 10, 1, 0, 30, tzinfo=UTC),
        frozenset({"Qwen"}),
        {"Qwen/a": Figures("Qwen/a", "Qwen", 100, 0)},
    )
    both = snap(2, datetime(2025, 11, 1, 0, 30, tzinfo=UTC), {"Qwen/a": 200, "meta-llama/x": 900})
    facts = claim(
        1,
        metric="rank",
        hub_id="meta-llama",
        unit="rank",
        sentence="Llama was the most downloaded family on Hugging Face in October.",
        published_at=datetime(2025, 11, 2, tzinfo=UTC),
    )
    verdict = verifier(only_qwen, both).verify(facts)
    assert verdict.status is VerdictStatus.UNVERIFIABLE
    assert verdict.reason == "Llama is not covered by trendbot's snapshots for that period"


def test_a_month_ranking_of_likes_cannot_be_checked_from_current_figures():
    facts = claim(
        1,
        metric="rank",
        unit="rank",
        text="the most liked",
        sentence="Qwen was the most liked family on Hugging Face in October.",
        published_at=datetime(2025, 11, 2, tzinfo=UTC),
    )
    verdict = verifier(LATEST).verify(facts)
    assert verdict.status is VerdictStatus.UNVERIFIABLE
    assert "no likes history by month" in verdict.reason


def test_may_the_verb_is_not_a_month():
    published = datetime(2026, 1, 10, tzinfo=UTC).date()
    assert period_of("Downloads in may exceed a billion", published) is None
    assert month_bounds(period_of("the top model in May", published))[0] == "May 2025"


@pytest.mark.parametrize(
    ("subject", "link", "says"),
    [
        ("Qwen3", None, "one generation of a family"),  # a stored claim with no link
        ("Llama 3.1", Link.SERIES, "one generation of a family"),
        ("Llama 3.1 70B", Link.UNRESOLVED, "no repo on the Hub is known to match"),
        ("GPT-5", Link.CLOSED, "API-only"),
    ],
)
def test_a_subject_that_is_not_one_repo_nor_a_whole_family_is_never_judged(subject, link, says):
    # the author's sum is 702.4M and the claim says "more than 700M": judged against the
    # whole author it would be "supported", which is not what the article claimed
    facts = claim(700_000_000, qualifier="more_than", subject=subject, subject_link=link)
    verdict = verifier(LATEST).verify(facts)
    assert verdict.status is VerdictStatus.UNVERIFIABLE
    assert says in verdict.reason


def test_metadata_figures_of_a_family_are_unverifiable_and_say_why():
    facts = claim(72_000_000_000, metric="params_total", unit="parameters", subject="Qwen")
    verdict = verifier(LATEST).verify(facts)
    assert verdict.status is VerdictStatus.UNVERIFIABLE
    assert "describes single repos" in verdict.reason


def test_metadata_figures_of_a_repo_go_to_its_hub_metadata():
    from bot.hub.repo_facts import RepoFacts

    facts = RepoFacts.from_hub(
        {
            "id": "Qwen/Qwen3-8B",
            "safetensors": {"parameters": {"BF16": 8_190_735_360}, "total": 8_190_735_360},
        },
        NOW,
    )
    check = Verifier(
        FAMILIES,
        lookup_of(LATEST),
        near=timedelta(hours=2),
        now=NOW,
        facts={"Qwen/Qwen3-8B": facts}.get,
    )
    said = claim(
        8_200_000_000,
        metric="params_total",
        unit="parameters",
        text="8.2 billion parameters",
        hub_id="Qwen/Qwen3-8B",
        subject="Qwen3-8B",
        subject_link=Link.REPO,
    )
    verdict = check.verify(said)
    assert verdict.status is VerdictStatus.SUPPORTED
    assert (verdict.repo, verdict.hub_field) == ("Qwen/Qwen3-8B", "safetensors.total")
    unknown = check.verify(replace(said, subject_hub_id="Qwen/Qwen3-14B"))
    assert unknown.status is VerdictStatus.UNVERIFIABLE and "not been fetched" in unknown.reason


def test_a_count_above_the_hub_is_not_contradicted_unless_it_is_about_the_hub():
    """Meta's "1 billion downloads" counts every channel: fewer on the Hub proves nothing,
    while the same figure said of Hugging Face itself is contradicted."""
    said = "Llama passed 1 billion downloads, Meta said."
    everywhere = claim(1_000_000_000, qualifier="more_than", sentence=said)
    verdict = verifier(LATEST).verify(everywhere)
    assert verdict.status is VerdictStatus.UNVERIFIABLE
    assert "other channels may make up the rest" in verdict.reason
    on_the_hub = replace(everywhere, sentence="Qwen passed 1 billion downloads on Hugging Face.")
    verdict = verifier(LATEST).verify(on_the_hub)
    assert verdict.status is VerdictStatus.CONTRADICTED
    assert verdict.hub_field == "sum of downloadsAllTime" and verdict.repo is None


def test_a_contradiction_needs_the_subject_named_in_the_sentence():
    """ "It passed 800 million downloads": the subject comes from the sentence before, good
    enough to support a figure but not to call it false."""
    named = claim(
        800_000_000, qualifier="more_than", sentence="Qwen passed 800 million downloads on HF."
    )
    assert verifier(LATEST).verify(named).status is VerdictStatus.CONTRADICTED
    inferred = replace(named, sentence="It passed 800 million downloads on Hugging Face.")
    verdict = verifier(LATEST).verify(inferred)
    assert verdict.status is VerdictStatus.UNVERIFIABLE
    assert "the sentence does not name Qwen" in verdict.reason


@pytest.mark.parametrize(
    ("sentence", "text", "fragment"),
    [
        # another platform's count, named right after the figure
        (
            "Qwen was pulled 700 million times on Ollama, and more on the Hub.",
            "700 million times",
            "counted on Ollama",
        ),
        (
            "Qwen has another 700 million downloads on ModelScope.",
            "700 million downloads",
            "counted on ModelScope",
        ),
        # a build or copy of the model is another artifact
        (
            "Unsloth's GGUF build of the model has 700 million downloads of its own.",
            "700 million downloads",
            "another artifact",
        ),
        # a number of a lab's repos is not all of them
        (
            "The company says its six distillations have 700 million downloads.",
            "700 million downloads",
            "some of the lab's repos",
        ),
        # a difference between two counts, or a sum over several repos
        ("Qwen trails Llama by 700 million downloads.", "700 million downloads", "a difference"),
        (
            "Qwen has 700 million downloads more than Llama.",
            "700 million downloads",
            "a difference",
        ),
        (
            "Together, Qwen and Llama have 700 million downloads.",
            "700 million downloads",
            "adds up several repos",
        ),
    ],
)
def test_counts_the_hub_does_not_hold_are_never_judged(sentence, text, fragment):
    # on the Hub's figures alone each would be contradicted (702.4M is not "about 750M")
    facts = claim(750_000_000, sentence=sentence, text=text, subject_link=Link.FAMILY)
    verdict = verifier(LATEST).verify(facts)
    assert verdict.status is VerdictStatus.UNVERIFIABLE, verdict.reason
    assert fragment in verdict.reason


def test_the_same_count_on_the_hub_is_judged():
    sentence = "Qwen has 750 million downloads on Hugging Face."
    facts = claim(750_000_000, sentence=sentence, text="750 million downloads")
    assert verifier(LATEST).verify(facts).status is VerdictStatus.CONTRADICTED


@pytest.mark.parametrize(
    ("sentence", "fragment"),
    [
        (
            "Meta said Qwen is the most downloaded model it has ever put on Hugging Face.",
            "among the lab's own repos",
        ),
        ("Qwen is Alibaba's most downloaded family on the Hub.", "among the lab's own repos"),
        ("Qwen topped the most downloaded chart this week.", "(this week)"),
        (
            "Qwen is the most downloaded model Alibaba has published.",
            "among the lab's own repos",
        ),
        # within a kind of model the tracked field is not sorted by
        (
            "Qwen is the most downloaded speech recognition family on the site.",
            "among speech recognition models only",
        ),
        ("Qwen is the most downloaded image classifier on the Hub.", "among image classifier"),
    ],
)
def test_ranks_within_one_lab_or_one_week_are_never_judged(sentence, fragment):
    current = snap(1, NOW, {"Qwen/a": 1, "meta-llama/x": 1}, {"Qwen/a": 10, "meta-llama/x": 20})
    facts = claim(1, metric="rank", unit="rank", sentence=sentence, text="most downloaded")
    verdict = verifier(current).verify(facts)
    assert verdict.status is VerdictStatus.UNVERIFIABLE, verdict.reason
    assert fragment in verdict.reason


def test_a_plain_field_is_still_ranked():
    """ "the most downloaded open model": open, model and the Hub do not narrow the field."""
    current = snap(1, NOW, {"Qwen/a": 1, "meta-llama/x": 1}, {"Qwen/a": 10, "meta-llama/x": 20})
    sentence = "Qwen is the most downloaded open model family on the Hub."
    facts = claim(1, metric="rank", unit="rank", sentence=sentence, text="most downloaded")
    assert verifier(current).verify(facts).status is VerdictStatus.CONTRADICTED


@pytest.mark.parametrize(
    ("sentence", "text", "status"),
    [
        # the figure follows its subject directly: the other name does not matter
        (
            "Qwen passed 800 million downloads on HF, and Llama-3.1-8B 300 million.",
            "800 million downloads",
            VerdictStatus.CONTRADICTED,
        ),
        # another model between the subject and the figure
        (
            "Qwen, ahead of Llama-3.1-8B and its 300 million, passed 800 million downloads on HF.",
            "800 million downloads",
            VerdictStatus.UNVERIFIABLE,
        ),
        # words that hand the figure to the other side
        (
            "Qwen trails Llama-3.1-8B, while it reports 800 million downloads on HF.",
            "800 million downloads",
            VerdictStatus.UNVERIFIABLE,
        ),
        # the figure given to the name after it
        (
            "On HF, Qwen leads the chart with 800 million downloads for Llama-3.1-8B.",
            "800 million downloads",
            VerdictStatus.UNVERIFIABLE,
        ),
    ],
)
def test_a_contradiction_in_a_sentence_naming_several_models_needs_the_figure_attached(
    sentence, text, status
):
    facts = claim(800_000_000, qualifier="more_than", sentence=sentence, text=text)
    verdict = verifier(LATEST).verify(facts)
    assert verdict.status is status, verdict.reason
    if status is VerdictStatus.UNVERIFIABLE:
        assert "also names Llama-3.1-8B" in verdict.reason


def test_most_downloaded_without_a_period_needs_both_counts_to_beat_it():
    """By 30-day downloads (the Hub's sort) it is second, by all-time first: the words do
    not say which count, so it is not called false; with the period said, it is."""
    current = snap(1, NOW, {"Qwen/a": 900, "meta-llama/x": 100}, {"Qwen/a": 10, "meta-llama/x": 20})
    sentence = "Qwen is the most downloaded model family on Hugging Face."
    facts = claim(1, metric="rank", unit="rank", sentence=sentence, text="most downloaded")
    verdict = verifier(current).verify(facts)
    assert verdict.status is VerdictStatus.UNVERIFIABLE
    assert "by all-time downloads it is #1" in verdict.reason
    monthly = replace(
        facts, sentence="Qwen is the most downloaded model family of the past 30 days."
    )
    assert verifier(current).verify(monthly).status is VerdictStatus.CONTRADICTED


def test_app_installs_are_not_hub_downloads():
    sentence = "Alibaba says its Qwen app passed 800 million installs on Hugging Face."
    facts = claim(800_000_000, qualifier="more_than", sentence=sentence, text="800 million")
    verdict = verifier(LATEST).verify(facts)
    assert verdict.status is VerdictStatus.UNVERIFIABLE
    assert "an app's installs" in verdict.reason
