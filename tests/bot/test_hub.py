"""The Hub client against a fake Hub on loopback, through the real huggingface_hub client."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.config.load import parse_settings
from bot.demo.hub_server import FakeHub, HubRepo
from bot.hub import EXPAND, list_tracked


def settings_for(hub: FakeHub, authors: list[str], extra: str = ""):
    return parse_settings(
        f"""
hub:
  endpoint: {hub.endpoint}
  token_env: TRENDBOT_TEST_NO_SUCH_TOKEN
  authors: [{", ".join(authors)}]
{extra}
"""
    )


def qwen(n: int, all_time: int = 1000, d30: int = 100) -> HubRepo:
    return HubRepo(f"Qwen/model-{n:04d}", downloads=d30, downloads_all_time=all_time)


def test_pagination_over_2500_models_is_one_request_per_page(hub_sleeps):
    with FakeHub(page_size=100) as hub:
        hub.add(*[qwen(i, all_time=10_000 + i, d30=i) for i in range(2500)])
        listing = list_tracked(settings_for(hub, ["Qwen"]))
    assert listing.complete and listing.errors == []
    assert len(listing.models) == 2500
    assert len({m.repo_id for m in listing.models}) == 2500
    assert listing.requests == 25 == hub.request_count
    assert hub_sleeps == []
    first = hub.requests[0]
    assert first.path == "/api/models"
    assert first.params("author") == ["Qwen"] and first.params("sort") == ["downloads"]
    assert first.params("expand") == EXPAND  # only the figures trendbot keeps
    assert "authorization" not in first.headers  # no token configured: none sent
    model = next(m for m in listing.models if m.repo_id == "Qwen/model-0007")
    assert (model.downloads_all_time, model.downloads_30d) == (10_007, 7)


def test_figures_and_dates_are_read_as_sent(fake_hub):
    fake_hub.add(
        HubRepo(
            "Qwen/Qwen2.5-1.5B-Instruct",
            downloads=8_412_337,
            downloads_all_time=151_203_944,
            likes=598,
            trending_score=7,
            created_at=datetime(2024, 9, 17, 14, 8, 32, tzinfo=UTC),
        )
    )
    (model,) = list_tracked(settings_for(fake_hub, ["Qwen"])).models
    assert model.author == "Qwen"
    assert (model.downloads_30d, model.downloads_all_time, model.likes) == (
        8_412_337,
        151_203_944,
        598,
    )
    assert model.trending_score == 7
    assert model.created_at == datetime(2024, 9, 17, 14, 8, 32, tzinfo=UTC)


def test_a_token_is_sent_only_when_its_variable_is_set(fake_hub, monkeypatch):
    fake_hub.add(qwen(1))
    monkeypatch.setenv("TRENDBOT_TEST_NO_SUCH_TOKEN", "hf_test_token")
    list_tracked(settings_for(fake_hub, ["Qwen"]))
    assert fake_hub.requests[-1].headers["authorization"] == "Bearer hf_test_token"


def test_429_waits_as_the_ratelimit_header_says_then_continues(hub_sleeps):
    with FakeHub(page_size=100) as hub:
        hub.add(*[qwen(i) for i in range(250)])
        hub.rate_limit(times=1, reset=30, on_request=2)
        listing = list_tracked(settings_for(hub, ["Qwen"]))
    assert listing.complete and len(listing.models) == 250
    assert hub_sleeps == [31.0]  # t=30 from the RateLimit header, plus the client's 1 s
    assert [r.status for r in hub.requests] == [200, 429, 200, 200]
    assert listing.requests == 4  # the refused request counts


def test_a_500_mid_listing_makes_the_listing_incomplete_and_keeps_the_others(hub_sleeps):
    with FakeHub(page_size=100) as hub:
        hub.add(*[qwen(i) for i in range(250)])
        hub.add(HubRepo("meta-llama/Llama-3.1-8B", downloads_all_time=5))
        hub.fail(500, times=6, on_request=2)  # page 2 of Qwen, and every retry of it
        listing = list_tracked(settings_for(hub, ["Qwen", "meta-llama"]))
    assert not listing.complete
    assert listing.errors == ["author Qwen: HTTP 500: Fake failure 500"]
    assert len(hub_sleeps) == 5  # the client's own backoff, not slept here
    assert "meta-llama/Llama-3.1-8B" in {m.repo_id for m in listing.models}
    assert listing.requests == 1 + 6 + 1


def test_an_unreachable_hub_is_a_recorded_error_not_an_exception(hub_sleeps):
    with FakeHub() as hub:
        endpoint = hub.endpoint
    settings = parse_settings(f"hub: {{endpoint: '{endpoint}', authors: [Qwen, deepseek-ai]}}\n")
    listing = list_tracked(settings)
    assert not listing.complete
    assert listing.errors[0].startswith("author Qwen: ConnectError")
    # the client already retried five times; the next author is not made to wait as long
    assert len(hub_sleeps) == 5
    assert listing.errors[1] == (
        "author deepseek-ai: skipped, the Hub did not answer for an earlier author"
    )


def test_extra_repos_are_fetched_one_by_one_and_a_missing_one_is_noted(fake_hub):
    fake_hub.add(qwen(1), HubRepo("unsloth/Qwen3-8B-GGUF", downloads_all_time=42))
    settings = settings_for(
        fake_hub,
        ["Qwen"],
        "  families:\n    Qwen: {authors: [Qwen], repos: [unsloth/Qwen3-8B-GGUF, unsloth/gone]}\n",
    )
    listing = list_tracked(settings)
    assert listing.complete
    assert {m.repo_id for m in listing.models} == {"Qwen/model-0001", "unsloth/Qwen3-8B-GGUF"}
    assert listing.missing_repos == ["unsloth/gone"]
    assert [r.path for r in fake_hub.requests] == [
        "/api/models",
        "/api/models/unsloth/Qwen3-8B-GGUF",
        "/api/models/unsloth/gone",
    ]


@pytest.mark.parametrize("status", [400, 404])
def test_a_client_error_on_an_author_is_recorded(fake_hub, status):
    fake_hub.fail(status)
    listing = list_tracked(settings_for(fake_hub, ["Qwen"]))
    assert len(listing.errors) == 1
    assert listing.errors[0].startswith(f"author Qwen: HTTP {status}")


def test_a_hub_that_never_answers_times_out_instead_of_blocking_the_job(hub_sleeps):
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept_and_hold() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            held.append(connection)  # read nothing, answer nothing

    threading.Thread(target=accept_and_hold, daemon=True).start()
    port = server.getsockname()[1]
    settings = parse_settings(
        f"http: {{timeout: {{connect: 1s, read: 200ms, total: 1s}}}}\n"
        f"hub: {{endpoint: 'http://127.0.0.1:{port}', authors: [Qwen]}}\n"
    )
    try:
        listing = list_tracked(settings)
    finally:
        server.close()
        for connection in held:
            connection.close()
    assert not listing.complete
    assert listing.errors[0].startswith("author Qwen: ReadTimeout")
    assert listing.requests == 6 and len(hub_sleeps) == 5  # the client's retries, not slept


def test_a_stopping_service_cuts_the_listing_short(hub_sleeps, monkeypatch):
    import threading

    import bot.hub as hub_module

    stop = threading.Event()
    stats = hub_module._stats

    def stats_then_stop(info, author=None):
        stop.set()  # SIGTERM arrives while the first page is being read
        return stats(info, author)

    monkeypatch.setattr(hub_module, "_stats", stats_then_stop)
    with FakeHub(page_size=10) as hub:
        hub.add(*[qwen(i) for i in range(50)])
        hub.add(HubRepo("meta-llama/x", downloads_all_time=1))
        listing = list_tracked(settings_for(hub, ["Qwen", "meta-llama"]), stop=stop)
        requests = hub.request_count
    assert not listing.complete
    assert len(listing.models) == 1 and requests == 1  # no further page was asked for
    assert listing.errors == [
        "author Qwen: cut short, trendbot is stopping",
        "author meta-llama: skipped, trendbot is stopping",
    ]
