"""The digest composition (pure) and posting it once per period (database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from bot.config.load import parse_settings
from bot.core.hub import Listing, ModelStats
from bot.core.vocabulary import VerdictStatus
from bot.delivery.digest import (
    CheckedClaim,
    DigestData,
    Story,
    checked_claims,
    claim_groups,
    claim_line,
    compose,
    movers,
    top_stories,
)
from bot.delivery.digest_job import post_digest
from bot.delivery.messages import fit
from bot.hub.job import take_snapshot
from bot.store.models import Article, Entry, Feed, Mention, OutboxMessage
from tests.factories import qwen_total_claim, verdict

END = datetime(2026, 3, 3, 9, tzinfo=UTC)
START = END - timedelta(days=1)


def test_a_story_carried_by_more_outlets_ranks_first():
    lone = Story("Lone scoop", None, ("A",), END, mentions=9)
    wide = Story("Everyone has it", None, ("A", "B", "C"), END - timedelta(hours=5))
    assert [s.title for s in top_stories([lone, wide])] == ["Everyone has it", "Lone scoop"]


def test_movers_compare_with_the_previous_period():
    assert movers({"Qwen": 5, "DeepSeek": 2}, {"Qwen": 2, "DeepSeek": 4}) == [
        ("Qwen", 5, 3),
        ("DeepSeek", 2, -2),
    ]


def test_compose_an_empty_period_says_so():
    draft = compose(DigestData(START, END))
    titles = [e.title for e in draft.embeds]
    assert titles == ["trendbot digest, 3 Mar", "Top stories"]
    assert draft.embeds[1].description == "No new stories in this period."


def test_a_huge_period_still_fits_discord():
    stories = [
        Story(f"Story {i} " + "x" * 300, "https://e.com", ("A",) * 30, END) for i in range(40)
    ]
    names = {f"Name{i}": i for i in range(100)}
    draft = compose(
        DigestData(START, END, stories=stories, names_now=names, alerts=["a" * 500] * 30)
    )
    for message in fit(draft):
        assert sum(e.size() for e in message.embeds) <= 6000
        assert len(message.embeds) <= 10


SETTINGS_TEXT = """
hub:
  authors: [Qwen, meta-llama]
  families:
    Qwen: {authors: [Qwen]}
    Llama: {authors: [meta-llama]}
discord:
  channels: {digest: 111, alerts: 222}
"""


def listing(at: datetime, qwen: int, llama: int) -> Listing:
    return Listing(
        authors=["Qwen", "meta-llama"],
        started_at=at,
        finished_at=at,
        models=[
            ModelStats("Qwen/a", "Qwen", 10, qwen, 0, 0),
            ModelStats("meta-llama/x", "meta-llama", 10, llama, 0, 0),
        ],
    )


def seed(engine) -> None:
    with Session(engine) as session:
        feeds = [
            Feed(name=n, url=f"https://{n}.example/feed", config_url="x") for n in ("Wire", "Blog")
        ]
        session.add_all(feeds)
        session.flush()
        syndicated = Article(
            identity_hash="1" * 64,
            canonical_url="https://wire.example/qwen-700m",
            title="Qwen passes 700M downloads",
            text="Qwen passed 700 million downloads on Hugging Face.",
            fetched_at=END - timedelta(hours=3),
        )
        single = Article(
            identity_hash="2" * 64,
            canonical_url="https://blog.example/funding",
            title="@everyone Lab raises $1B",
            fetched_at=END - timedelta(hours=2),
        )
        session.add_all([syndicated, single])
        session.flush()
        for feed in feeds:
            session.add(
                Entry(feed_id=feed.id, identity_hash=f"e{feed.id}", article_id=syndicated.id)
            )
        session.add(Entry(feed_id=feeds[1].id, identity_hash="e3", article_id=single.id))
        session.add(
            Mention(
                article_id=syndicated.id, kind="org", text="Qwen", start=0, end=4, canonical="Qwen"
            )
        )
        # the platform is named by every story about Hub figures: it is not news
        session.add(
            Mention(
                article_id=syndicated.id,
                kind="org",
                text="Hugging Face",
                start=37,
                end=49,
                canonical="Hugging Face",
            )
        )
        claim = qwen_total_claim(session, syndicated.id)
        verdict(session, claim, "supported", "Hub all-time downloads: 702 million")
        session.commit()


def test_post_digest_once_per_period_with_every_section(engine):
    settings = parse_settings(SETTINGS_TEXT)
    take_snapshot(settings, engine, listing(START - timedelta(hours=1), 690_000_000, 695_000_000))
    take_snapshot(settings, engine, listing(END - timedelta(hours=1), 702_000_000, 696_000_000))
    seed(engine)
    first = post_digest(settings, engine, END)
    again = post_digest(settings, engine, END)
    assert first.posted and not again.posted
    assert (first.start, first.end) == (START, END)
    with Session(engine) as session:
        digests = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "digest")).all()
    assert len(digests) == 1 and digests[0].channel_id == 111
    text = first.draft.text()
    assert "Qwen passes 700M downloads" in text
    assert "2 sources: Blog, Wire" in text  # in a stable (alphabetical) order
    assert text.index("Qwen passes 700M") < text.index("Lab raises")  # syndicated story first
    assert "@\u200beveryone Lab raises" in text  # a hostile title is inert
    assert "Qwen: 1 (▲1)" in text
    assert "Hugging Face: 1" not in text
    assert "✅ supported" in text
    assert "1. Qwen: 702 million (▲1)" in text  # passed Llama since the period began
    assert "Qwen passed 700 million all-time downloads" in text  # the alert of the period
    [chart] = first.draft.files  # schedule.digest_charts defaults to [ranking]
    assert chart.name == "ranking-family-alltime.png" and chart.data.startswith(b"\x89PNG")
    # the next digest starts where this one ended
    later = post_digest(settings, engine, END + timedelta(days=1))
    assert later.posted and later.start == END


def test_two_racing_digests_for_one_channel_post_once(engine, monkeypatch):
    import threading

    import bot.delivery.digest_job as job

    settings = parse_settings(SETTINGS_TEXT)
    compose = job.compose
    both_composing = threading.Barrier(2)

    def slow_compose(data):
        both_composing.wait(timeout=5)  # both jobs read the same start before either writes
        return compose(data)

    monkeypatch.setattr(job, "compose", slow_compose)
    outcomes = []
    threads = [
        threading.Thread(target=lambda e=e: outcomes.append(post_digest(settings, engine, e)))
        for e in (END, END + timedelta(minutes=1))  # the schedule, and "/digest now" a minute on
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(o.posted for o in outcomes) == [False, True]
    with Session(engine) as session:
        digests = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "digest")).all()
    assert len(digests) == 1


def test_an_explicit_period_covers_exactly_that_long(engine):
    settings = parse_settings(SETTINGS_TEXT)
    post_digest(settings, engine, END)
    week = post_digest(settings, engine, END + timedelta(hours=1), period=timedelta(days=7))
    assert week.posted and week.start == END + timedelta(hours=1) - timedelta(days=7)


def _checked(article: int, text: str, status: str, **kw) -> CheckedClaim:
    return CheckedClaim(
        text=text,
        subject=kw.pop("subject", "Qwen3-8B"),
        status=status,
        reason=kw.pop("reason", "why"),
        article_title=f"story {article}",
        article_id=article,
        subject_hub_id=kw.pop("hub_id", "Qwen/Qwen3-8B"),
        metric=kw.pop("metric", "params_total"),
        value=kw.pop("value", text),
        **kw,
    )


def test_claims_are_grouped_by_story_judged_first():
    claims = [
        _checked(1, "a", "unverifiable"),
        _checked(2, "b", "supported", repo="Qwen/Qwen3-8B", hub_field="safetensors.total"),
        _checked(2, "c", "unverifiable"),
        _checked(2, "d", "contradicted", repo="Qwen/Qwen3-8B", hub_field="config.num_layers"),
        _checked(3, "e", "supported"),
        _checked(3, "e", "supported"),  # the headline and the first paragraph: one claim
        _checked(3, "f", "supported", subject=None),  # no subject: nothing was checked
    ]
    groups = claim_groups(claims)
    assert [g.title for g in groups] == ["story 2", "story 3", "story 1"]
    assert [c.text for c in groups[0].claims] == ["d", "b", "c"]
    assert [len(g.claims) for g in groups] == [3, 1, 1]


def test_the_digest_counts_only_claims_the_hub_could_speak_to_in_the_order_found():
    claims = [
        _checked(1, "a", VerdictStatus.SUPPORTED),
        _checked(1, "$15 per million tokens", VerdictStatus.NOT_CHECKABLE),
        _checked(2, "b", VerdictStatus.UNVERIFIABLE),
        _checked(2, "c", VerdictStatus.CONTRADICTED),
    ]
    assert [c.text for c in checked_claims(claims)] == ["a", "b", "c"]
    assert [c.text for c in checked_claims(claims, limit=2)] == ["a", "b"]
    header = compose(DigestData(START, END, claims=claims)).embeds[0].description
    assert header.endswith("0 stories, 3 claims checked, 0 alerts")


def test_a_claim_line_names_the_hub_record_and_figure_or_why_not():
    judged = _checked(
        1,
        "8.2 billion parameters",
        "supported",
        repo="Qwen/Qwen3-8B",
        hub_field="safetensors.total",
        hub_value=8_190_735_360,
    )
    assert claim_line(judged) == (
        "✅ supported Qwen3-8B: 8.2 billion parameters "
        "(Hub Qwen/Qwen3-8B safetensors.total: 8.2 billion)"
    )
    unsure = _checked(1, "128K", "unverifiable", reason="a context reached by YaRN scaling")
    assert claim_line(unsure).endswith(": a context reached by YaRN scaling")
