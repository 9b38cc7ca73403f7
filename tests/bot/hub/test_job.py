"""The Hub job end to end: fake Hub -> listing -> database -> alerts in the outbox."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from bot.config.load import parse_settings
from bot.core.hub import Listing, ModelStats
from bot.demo.hub_server import FakeHub, HubRepo
from bot.hub.job import take_snapshot
from bot.store.models import HubModel, HubSnapshot, HubSnapshotRun, OutboxMessage

T0 = datetime(2026, 1, 5, 12, tzinfo=UTC)
CONFIG = """
hub:
  endpoint: {endpoint}
  token_env: TRENDBOT_TEST_NO_SUCH_TOKEN
  authors: [Qwen, meta-llama, deepseek-ai]
  families:
    Qwen: {{authors: [Qwen]}}
    Llama: {{authors: [meta-llama]}}
  milestones: [100000000, 250000000, 500000000, 700000000, 1000000000]
  model_milestones: [10000000]
  model_milestone_step: 10000000000
  top_n: 3
  surge: {{sigma: 3.0, min_history: 8, cooldown: 24h}}
discord:
  channels: {{alerts: 222}}
"""


def settings(endpoint: str = "http://127.0.0.1:9"):
    return parse_settings(CONFIG.format(endpoint=endpoint))


def listing(at: datetime, figures: dict[str, int], d30: dict[str, int] | None = None) -> Listing:
    """A complete listing at a chosen time: repo id -> all-time downloads."""
    d30 = d30 or {}
    return Listing(
        authors=["Qwen", "meta-llama", "deepseek-ai"],
        started_at=at,
        finished_at=at,
        models=[
            ModelStats(
                repo_id=repo,
                author=repo.split("/")[0],
                downloads_30d=d30.get(repo, 0),
                downloads_all_time=value,
                likes=0,
                trending_score=0,
                created_at=datetime(2024, 1, 1, tzinfo=UTC),
            )
            for repo, value in figures.items()
        ],
        requests=3,
    )


def outbox(engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def test_snapshot_through_the_fake_hub_stores_runs_rows_and_latest(engine, hub_sleeps):
    with FakeHub(page_size=2) as hub:
        hub.add(
            HubRepo("Qwen/a", downloads=10, downloads_all_time=600_000_000),
            HubRepo("Qwen/b", downloads=5, downloads_all_time=50_000_000),
            HubRepo("Qwen/c", downloads=1, downloads_all_time=40_000_000),
            HubRepo("meta-llama/x", downloads=9, downloads_all_time=800_000_000),
        )
        first = take_snapshot(settings(hub.endpoint), engine)
        assert first.complete and first.models == 4 and first.alerts == []
        # Qwen/a x2 pages, meta-llama 1 page, deepseek-ai (empty) 1 page
        assert first.requests == hub.request_count == 4
        hub.set_downloads("Qwen/a", all_time=660_000_000)
        hub.remove("Qwen/c")
        second = take_snapshot(settings(hub.endpoint), engine)
    assert [(a.kind, a.subject) for a in second.alerts] == [("milestone", "Qwen")]
    # 690M across 3 repos, then 710M across 2: Qwen/c vanished but the sum still crossed
    assert second.alerts[0].text == (
        "Qwen passed 700 million all-time downloads on Hugging Face "
        "(now 710 million across 2 repos)."
    )
    with Session(engine) as session:
        runs = session.exec(select(HubSnapshotRun)).all()
        assert [r.complete for r in runs] == [True, True]
        assert len(session.exec(select(HubSnapshot)).all()) == 4 + 3
        gone = session.get(HubModel, "Qwen/c")
        assert gone is not None and gone.gone_at is not None
        assert session.get(HubModel, "Qwen/a").downloads_all_time == 660_000_000


def test_a_milestone_crossed_between_snapshots_alerts_exactly_once(engine):
    config = settings()
    take_snapshot(config, engine, listing(T0, {"Qwen/a": 690_000_000}))
    report = take_snapshot(
        config, engine, listing(T0 + timedelta(hours=1), {"Qwen/a": 702_400_000})
    )
    assert [(a.kind, a.subject) for a in report.alerts] == [("milestone", "Qwen")]
    assert report.alerts[0].text == (
        "Qwen passed 700 million all-time downloads on Hugging Face "
        "(now 702.4 million across 1 repo)."
    )
    # a restart re-running the same snapshot, and a third snapshot, announce nothing more
    again = take_snapshot(config, engine, listing(T0 + timedelta(hours=1), {"Qwen/a": 702_400_000}))
    third = take_snapshot(config, engine, listing(T0 + timedelta(hours=2), {"Qwen/a": 703_000_000}))
    assert again.alerts == [] and third.alerts == []
    messages = [m for m in outbox(engine) if m.kind == "milestone"]
    assert [m.dedupe_key for m in messages] == ["milestone:Qwen:700000000"]
    assert messages[0].route == "alerts" and messages[0].channel_id == 222


def test_thresholds_already_passed_at_the_first_snapshot_are_the_baseline(engine):
    config = settings()
    first = take_snapshot(config, engine, listing(T0, {"Qwen/a": 720_000_000, "meta-llama/x": 5}))
    second = take_snapshot(
        config, engine, listing(T0 + timedelta(hours=1), {"Qwen/a": 721_000_000, "meta-llama/x": 6})
    )
    assert first.alerts == [] and second.alerts == []
    assert outbox(engine) == []


def test_an_author_added_later_starts_from_its_own_baseline(engine):
    config = settings()
    early = listing(T0, {"Qwen/a": 1})
    early.authors = ["Qwen"]
    take_snapshot(config, engine, early)
    report = take_snapshot(
        config, engine, listing(T0 + timedelta(hours=1), {"Qwen/a": 2, "meta-llama/x": 900_000_000})
    )
    assert report.alerts == []  # Llama's 900M was behind it when first seen


def test_the_week_gain_is_reported_when_history_reaches_back_a_week(engine):
    config = settings()
    take_snapshot(config, engine, listing(T0, {"Qwen/a": 680_000_000}))
    take_snapshot(config, engine, listing(T0 + timedelta(days=7), {"Qwen/a": 695_000_000}))
    report = take_snapshot(
        config, engine, listing(T0 + timedelta(days=7, hours=1), {"Qwen/a": 702_000_000})
    )
    assert report.alerts[0].text.endswith("(now 702 million across 1 repo, +22 million this week).")


def test_overtake_in_all_time_downloads(engine):
    config = settings()
    take_snapshot(config, engine, listing(T0, {"Qwen/a": 90, "meta-llama/x": 100}))
    report = take_snapshot(
        config, engine, listing(T0 + timedelta(hours=1), {"Qwen/a": 120, "meta-llama/x": 101})
    )
    overtakes = [a for a in report.alerts if a.kind == "overtake"]
    assert [(a.subject, a.data["other"], a.data["metric"]) for a in overtakes] == [
        ("Qwen", "Llama", "all_time")
    ]
    assert (
        overtakes[0].text == "Qwen passed Llama in all-time downloads on Hugging Face (120 vs 101)."
    )


def test_overtake_in_30_day_downloads_is_not_repeated_within_the_cooldown(engine):
    config = settings()
    flat = {"Qwen/a": 1, "meta-llama/x": 1}
    take_snapshot(config, engine, listing(T0, flat, {"Qwen/a": 10, "meta-llama/x": 20}))
    swaps = [
        take_snapshot(
            config,
            engine,
            listing(
                T0 + timedelta(hours=h),
                flat,
                {"Qwen/a": 30, "meta-llama/x": 20} if h % 2 else {"Qwen/a": 10, "meta-llama/x": 20},
            ),
        )
        for h in range(1, 6)
    ]
    raised = [a.subject for s in swaps for a in s.alerts if a.kind == "overtake"]
    assert raised == ["Qwen"]  # hours 3 and 5 swap again, inside the 24 h cooldown


def test_surge_alerts_once_then_waits_for_the_cooldown(engine):
    config = settings()
    total = 1_000_000
    hour = 0
    surges = []
    for gain in [1000, 1100, 900, 1000, 1050, 950, 1000, 1020, 980, 1000, 60_000, 70_000]:
        total += gain
        report = take_snapshot(
            config, engine, listing(T0 + timedelta(hours=hour), {"Qwen/a": total})
        )
        surges.append([a.subject for a in report.alerts if a.kind == "surge"])
        hour += 1
    # the first 10 snapshots are history (and not a surge); the jump at the 11th is one,
    # for the family and for its model; the 12th is inside the cooldown
    assert surges[:10] == [[]] * 10
    assert sorted(surges[10]) == ["Qwen", "Qwen/a"]
    assert surges[11] == []
    # after the cooldown the same subjects may surge again
    for _ in range(24):
        total += 1000
        take_snapshot(config, engine, listing(T0 + timedelta(hours=hour), {"Qwen/a": total}))
        hour += 1
    total += 200_000
    late = take_snapshot(config, engine, listing(T0 + timedelta(hours=hour), {"Qwen/a": total}))
    assert sorted(a.subject for a in late.alerts if a.kind == "surge") == ["Qwen", "Qwen/a"]


def test_a_new_model_entering_its_authors_top_n(engine):
    config = settings()
    base = {"Qwen/a": 5, "Qwen/b": 5, "Qwen/c": 5, "Qwen/d": 5}
    take_snapshot(config, engine, listing(T0, base, {"Qwen/a": 40, "Qwen/b": 30, "Qwen/c": 20}))
    later = listing(
        T0 + timedelta(hours=1),
        {**base, "Qwen/new": 1},
        {"Qwen/a": 40, "Qwen/b": 30, "Qwen/c": 20, "Qwen/new": 35},
    )
    later.models[-1] = ModelStats(
        "Qwen/new", "Qwen", 35, 1, 0, 0, created_at=T0 - timedelta(days=2)
    )
    report = take_snapshot(config, engine, later)
    assert [(a.kind, a.subject) for a in report.alerts] == [("new_model", "Qwen/new")]
    assert "entered the author's top 3 on Hugging Face at #2" in report.alerts[0].text


def test_a_failed_listing_is_stored_incomplete_and_raises_nothing(engine, hub_sleeps):
    with FakeHub(page_size=1) as hub:
        hub.add(
            HubRepo("Qwen/a", downloads=2, downloads_all_time=650_000_000),
            HubRepo("Qwen/b", downloads=1, downloads_all_time=10),
        )
        config = settings(hub.endpoint)
        take_snapshot(config, engine)
        hub.set_downloads("Qwen/a", all_time=800_000_000)
        hub.fail(500, times=6, on_request=2)  # page 2 of Qwen fails, after every retry
        broken = take_snapshot(config, engine)
    assert not broken.complete and broken.alerts == []
    assert broken.errors == ["author Qwen: HTTP 500: Fake failure 500"]
    with Session(engine) as session:
        runs = session.exec(select(HubSnapshotRun).order_by(HubSnapshotRun.id)).all()
        assert [r.complete for r in runs] == [True, False]
        assert "HTTP 500" in runs[1].error
        # the latest figures still come from the last complete run
        assert session.get(HubModel, "Qwen/a").downloads_all_time == 650_000_000
    assert outbox(engine) == []


@pytest.mark.parametrize("extra", [0])
def test_snapshot_report_json_shape(engine, extra):
    report = take_snapshot(settings(), engine, listing(T0, {"Qwen/a": 1 + extra}))
    assert report.as_json() == {
        "authors": 3,
        "models": 1,
        "requests": 3,
        "complete": True,
        "errors": [],
        "alerts": [],
        "verdicts": 0,
        "names": {"asked": 0, "resolved": 0},
        "repos_fetched": 0,
        "metadata_errors": [],
    }


def test_claims_without_a_verdict_get_one_after_a_complete_snapshot(engine):
    from bot.store.models import Article, Verdict
    from tests.factories import qwen_total_claim

    text = "Qwen passed 700 million downloads on Hugging Face in January, Alibaba said."
    with Session(engine) as session:
        article = Article(identity_hash="a" * 64, text=text, published_at=T0, fetched_at=T0)
        session.add(article)
        session.flush()
        qwen_total_claim(session, article.id)
        qwen_total_claim(session, article.id, value=2_000_000_000, unit="USD", metric="valuation")
        session.commit()
    config = settings()
    first = take_snapshot(
        config, engine, listing(T0 + timedelta(minutes=30), {"Qwen/a": 702_000_000})
    )
    second = take_snapshot(
        config, engine, listing(T0 + timedelta(hours=1), {"Qwen/a": 703_000_000})
    )
    assert (first.verdicts, second.verdicts) == (2, 0)
    with Session(engine) as session:
        verdicts = {v.status: v for v in session.exec(select(Verdict)).all()}
    assert set(verdicts) == {"supported", "not_checkable"}
    assert verdicts["supported"].scope == "Hugging Face, author Qwen, 1 repo"
    assert verdicts["supported"].hub_value == 702_000_000


def test_a_repo_missing_for_one_snapshot_then_back_is_not_a_milestone(engine):
    config = settings()
    take_snapshot(config, engine, listing(T0, {"Qwen/a": 690_000_000, "Qwen/b": 15_000_000}))
    take_snapshot(config, engine, listing(T0 + timedelta(hours=1), {"Qwen/a": 690_000_000}))
    back = take_snapshot(
        config,
        engine,
        listing(T0 + timedelta(hours=2), {"Qwen/a": 690_100_000, "Qwen/b": 15_000_000}),
    )
    assert back.alerts == []  # 700M was already behind Qwen at its first snapshot


def test_a_repo_added_to_a_family_is_a_change_of_scope_not_a_milestone(engine):
    take_snapshot(settings(), engine, listing(T0, {"Qwen/a": 690_000_000}))
    wider = parse_settings(
        CONFIG.format(endpoint="http://127.0.0.1:9").replace(
            "Qwen: {authors: [Qwen]}", "Qwen: {authors: [Qwen], repos: [unsloth/Qwen-x]}"
        )
    )
    report = take_snapshot(
        wider,
        engine,
        listing(T0 + timedelta(hours=1), {"Qwen/a": 690_001_000, "unsloth/Qwen-x": 20_000_000}),
    )
    assert [a for a in report.alerts if a.kind == "milestone"] == []


def test_a_repo_reappearing_is_not_a_surge(engine):
    config = settings()
    total = 1_000_000
    for hour in range(10):
        total += 1000
        take_snapshot(
            config,
            engine,
            listing(T0 + timedelta(hours=hour), {"Qwen/a": total, "Qwen/b": 50_000_000}),
        )
    take_snapshot(config, engine, listing(T0 + timedelta(hours=10), {"Qwen/a": total + 1000}))
    back = take_snapshot(
        config,
        engine,
        listing(T0 + timedelta(hours=11), {"Qwen/a": total + 2000, "Qwen/b": 50_000_000}),
    )
    assert [a for a in back.alerts if a.kind == "surge"] == []


def test_tiny_gains_are_never_a_surge(engine):
    config = settings()
    for hour in range(9):
        take_snapshot(config, engine, listing(T0 + timedelta(hours=hour), {"Qwen/a": 100}))
    report = take_snapshot(config, engine, listing(T0 + timedelta(hours=9), {"Qwen/a": 104}))
    assert report.alerts == []  # 4 downloads an hour is below surge.min_rate


def test_overlapping_jobs_neither_collide_nor_announce_twice(engine, monkeypatch):
    import threading

    from bot.store import hub as hub_store

    config = settings()
    take_snapshot(config, engine, listing(T0, {"Qwen/a": 90, "meta-llama/x": 100}))
    errors: list[BaseException] = []
    # hold each job inside its transaction until the other one is there too (or a second
    # has passed: a job waiting on the lock never arrives), so both overlap for real
    both_inside = threading.Barrier(2)
    save = hub_store.save_listing

    def save_then_wait(session, listing_, *rest):
        run = save(session, listing_, *rest)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_inside.wait(timeout=1)
        return run

    monkeypatch.setattr(hub_store, "save_listing", save_then_wait)

    def job(minutes: int) -> None:
        try:
            take_snapshot(
                config,
                engine,
                listing(
                    T0 + timedelta(hours=1, minutes=minutes),
                    {"Qwen/a": 120 + minutes, "meta-llama/x": 101, "Qwen/new": 5},
                ),
            )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=job, args=(m,)) for m in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    overtakes = [m for m in outbox(engine) if m.kind == "overtake"]
    assert len(overtakes) == 1
    with Session(engine) as session:
        assert session.get(HubModel, "Qwen/new") is not None


def _article_with_claims(engine, text: str, published: datetime) -> None:
    from bot.store.models import Article
    from extractors.pipeline import build_pipeline, extract
    from tests.factories import store_extraction

    found = extract(build_pipeline(), text, published.date())
    with Session(engine) as session:
        article = Article(
            identity_hash="m" * 64, text=text, published_at=published, fetched_at=published
        )
        session.add(article)
        session.flush()
        store_extraction(session, article.id, found)
        session.commit()


def _verdicts(engine) -> dict[str, tuple[str, str | None, str | None]]:
    from bot.store.models import Claim, Verdict

    with Session(engine) as session:
        rows = session.exec(
            select(Claim, Verdict).join(Verdict, Verdict.claim_id == Claim.id)
        ).all()
        return {c.text: (v.status, v.repo, v.hub_field) for c, v in rows}


def test_metadata_verdicts_resolve_names_fetch_facts_once_and_count_requests(engine, hub_sleeps):
    """Names spelled as checkpoints are resolved on the Hub, repos' metadata fetched once,
    and the claims judged against it, naming the repo and the field."""
    qwen_config = {"architectures": ["Qwen3ForCausalLM"], "num_hidden_layers": 36}
    llama = {"BF16": 70_553_706_496}
    with FakeHub() as hub:
        hub.add(
            HubRepo(
                "Qwen/Qwen3-8B",
                downloads_all_time=9,
                safetensors={"BF16": 8_190_735_360},
                config=qwen_config,
            ),
            HubRepo("meta-llama/Llama-3.1-70B", downloads_all_time=5, safetensors=llama),
            HubRepo("meta-llama/Llama-3.1-70B-Instruct", downloads_all_time=7, safetensors=llama),
        )
        text = (
            "Qwen3-8B has 8.2 billion parameters across 40 layers. "
            "Meta's Llama 3.1 70B has 70 billion parameters. "
            "Qwen9-99B has 99 billion parameters."
        )
        _article_with_claims(engine, text, datetime.now(UTC))
        config = settings(hub.endpoint)
        hub.reset_log()
        first = take_snapshot(config, engine)
        asked = [r.path for r in hub.requests]
        second = take_snapshot(config, engine)
    assert first.complete
    # Qwen3-8B is a known repo; "Llama 3.1 70B" is found among meta-llama's listed repos
    # with no request; only the unknown name is searched on the Hub, and matches nothing:
    # 3 listings + 1 search + 2 repos' metadata
    assert (first.names_asked, first.names_resolved, first.repos_fetched) == (1, 1, 2)
    assert first.requests == 3 + 1 + 2 == len(asked)
    searches = [v for r in hub.requests for k, v in r.query if k == "search"]
    assert [s.lower() for s in searches] == ["99b"]
    assert sorted(p for p in asked if p.count("/") == 4) == [
        "/api/models/Qwen/Qwen3-8B",
        "/api/models/meta-llama/Llama-3.1-70B",
    ]
    with Session(engine) as session:
        assert session.get(HubSnapshotRun, first.run_id).requests == first.requests
    verdicts = _verdicts(engine)
    assert verdicts["8.2 billion parameters"] == ("supported", "Qwen/Qwen3-8B", "safetensors.total")
    assert verdicts["40 layers"] == ("contradicted", "Qwen/Qwen3-8B", "config.num_hidden_layers")
    assert verdicts["70 billion parameters"] == (
        "supported",
        "meta-llama/Llama-3.1-70B",  # the base repo: no variant was named
        "safetensors.total",
    )
    assert verdicts["99 billion parameters"][0] == "unverifiable"
    # nothing is asked again: names are cached (the unresolved one for a day) and facts fresh
    assert (second.names_asked, second.repos_fetched, second.requests) == (0, 0, 3)


def test_no_repo_id_is_ever_invented(engine):
    """A sized name nobody knows links to its author only, and is never judged as a repo."""
    from bot.store.models import Claim, Mention

    _article_with_claims(engine, "Mixtral 8x7B has 46.7 billion parameters.", datetime.now(UTC))
    with Session(engine) as session:
        mention = session.exec(select(Mention)).one()
        claim = session.exec(select(Claim)).one()
    assert (mention.hub_id, mention.link, mention.wanted) == (
        "mistralai",
        "unresolved",
        "mixtral-8x7b",
    )
    assert (claim.subject_hub_id, claim.subject_link) == ("mistralai", "unresolved")
