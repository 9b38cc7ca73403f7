"""The Hub client against a fake Hub on loopback, through the real huggingface_hub client."""

from __future__ import annotations

import errno
import socket
import ssl
from datetime import UTC, datetime

import httpx2
import pytest
from huggingface_hub.errors import HfHubHTTPError

from bot.config.load import parse_settings
from bot.core.hub import HubErrorKind
from bot.demo.hub_server import FakeHub, HubRepo
from bot.hub.client import EXPAND, classify, fetch_repo_facts, list_tracked, search_repos
from bot.hub.repo_facts import METADATA_EXPAND, EvalScore


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
    assert [f.kind for f in listing.failures] == [HubErrorKind.REFUSED, HubErrorKind.SKIPPED]


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

    import bot.hub.client as hub_module

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
    assert {f.kind for f in listing.failures} == {HubErrorKind.STOPPED}


def raised(exc: BaseException, cause: BaseException | None = None) -> BaseException:
    """``exc`` as caught: raised from ``cause``, as httpx raises from the socket's error."""
    try:
        raise exc from cause
    except BaseException as caught:
        return caught


def http_error(status: int, message: str) -> HfHubHTTPError:
    request = httpx2.Request("GET", "http://127.0.0.1:9/api/models")
    return HfHubHTTPError(message, response=httpx2.Response(status, request=request))


@pytest.mark.parametrize(
    ("exc", "kind", "status"),
    [
        (
            raised(
                httpx2.ConnectError("[Errno 111] Connection refused"),
                ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"),
            ),
            HubErrorKind.REFUSED,
            None,
        ),
        (  # the wording is the OS's, in any language: the type decides
            raised(
                httpx2.ConnectError("Es konnte keine Verbindung hergestellt werden"),
                ConnectionRefusedError(errno.ECONNREFUSED, "Verbindung abgelehnt"),
            ),
            HubErrorKind.REFUSED,
            None,
        ),
        (
            raised(
                httpx2.ConnectError("[Errno 8] nodename nor servname provided"),
                socket.gaierror(8, "nodename nor servname provided, or not known"),
            ),
            HubErrorKind.HOST_NOT_FOUND,
            None,
        ),
        (
            raised(httpx2.ConnectError("[Errno 101]"), OSError(errno.ENETUNREACH, "unreachable")),
            HubErrorKind.NETWORK_UNREACHABLE,
            None,
        ),
        (
            raised(httpx2.ConnectError("[Errno 113]"), OSError(errno.EHOSTUNREACH, "no route")),
            HubErrorKind.NO_ROUTE,
            None,
        ),
        (
            raised(
                httpx2.ReadError("[Errno 104] Connection reset by peer"),
                ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"),
            ),
            HubErrorKind.RESET,
            None,
        ),
        (
            raised(
                httpx2.ConnectError("[SSL] certificate verify failed"),
                ssl.SSLCertVerificationError(1, "certificate verify failed"),
            ),
            HubErrorKind.TLS_UNTRUSTED,
            None,
        ),
        (httpx2.ConnectTimeout("timed out"), HubErrorKind.CONNECT_TIMEOUT, None),
        (httpx2.ReadTimeout("timed out"), HubErrorKind.READ_TIMEOUT, None),
        (httpx2.WriteTimeout("timed out"), HubErrorKind.WRITE_TIMEOUT, None),
        (httpx2.PoolTimeout("timed out"), HubErrorKind.POOL_TIMEOUT, None),
        (http_error(500, "500 Server Error"), HubErrorKind.HTTP_STATUS, 500),
        (  # an answer is an answer, whatever its text says
            http_error(502, "502 Bad Gateway: upstream connection refused"),
            HubErrorKind.HTTP_STATUS,
            502,
        ),
        (httpx2.RemoteProtocolError("Server disconnected"), HubErrorKind.OTHER, None),
        (ValueError("connection refused"), HubErrorKind.OTHER, None),
    ],
)
def test_failures_are_classified_by_type_status_and_errno_not_by_message(exc, kind, status):
    assert classify(exc) == (kind, status)


# -- repo metadata (fetch_repo_facts) and search (search_repos) ------------------------------


def mmlu(value: float, shots: int, name: str = "MMLU") -> dict:
    return {
        "task": {"type": "text-generation"},
        "dataset": {
            "name": name,
            "type": "cais/mmlu",
            "config": "all",
            "args": {"num_few_shot": shots},
        },
        "metrics": [{"type": "accuracy", "value": value}],
    }


def llama_70b() -> HubRepo:
    return HubRepo(
        "meta-llama/Llama-3.1-70B",
        created_at=datetime(2024, 7, 16, 15, 0, tzinfo=UTC),
        safetensors={"BF16": 70_553_706_496},
        config={
            "architectures": ["LlamaForCausalLM"],
            "model_type": "llama",
            "num_hidden_layers": 80,
            "hidden_size": 8192,
            "max_position_embeddings": 131072,
            "vocab_size": 128256,
            "rope_scaling": {"rope_type": "llama3", "factor": 8.0},
        },
        used_storage=282_215_000_000,
        children=1_024,
        card_data={
            "license": "llama3.1",
            "license_name": "llama3.1-community",
            "base_model": "meta-llama/Llama-3.1-70B-Base",
            "language": ["en", "de"],
            "model-index": [
                {
                    "name": "Llama-3.1-70B",
                    "results": [
                        mmlu(79.3, 5),
                        # same dataset type and config, another setup: ModelCardData.to_dict()
                        # would fold it into the 5-shot result above
                        mmlu(66.4, 0, name="MMLU (0-shot)"),
                        {
                            "task": {"type": "text-generation"},
                            "dataset": {"name": "GSM8K", "type": "gsm8k", "config": "main"},
                            "metrics": [{"type": "exact_match", "value": 88.5, "name": "EM"}],
                        },
                    ],
                }
            ],
        },
    )


def test_repo_metadata_round_trips_through_the_real_client_into_repo_facts(fake_hub):
    fake_hub.add(llama_70b())
    fetch = fetch_repo_facts(settings_for(fake_hub, ["meta-llama"]), ["meta-llama/Llama-3.1-70B"])
    assert fetch.complete and fetch.errors == []
    assert fetch.requests == 1 == fake_hub.request_count
    (facts,) = fetch.facts
    assert facts.found and facts.repo_id == "meta-llama/Llama-3.1-70B"
    assert facts.params_by_dtype == {"BF16": 70_553_706_496}
    assert facts.params_total == 70_553_706_496
    assert facts.weights_bytes == 2 * 70_553_706_496
    assert facts.figure("layers").value == 80
    assert facts.figure("context_length").key == "config.max_position_embeddings"
    assert facts.architecture == "LlamaForCausalLM"
    assert facts.rope_scaling == {"rope_type": "llama3", "factor": 8.0}
    assert (facts.used_storage, facts.children) == (282_215_000_000, 1_024)
    assert facts.created_at == datetime(2024, 7, 16, 15, 0, tzinfo=UTC)
    assert (facts.license, facts.license_name) == ("llama3.1", "llama3.1-community")
    assert facts.base_models == ("meta-llama/Llama-3.1-70B-Base",)
    assert "license:llama3.1" in facts.tags
    # every score keeps its own dataset name and setup
    assert facts.scores == (
        EvalScore("MMLU", 79.3, "accuracy", "5-shot"),
        EvalScore("MMLU (0-shot)", 66.4, "accuracy", "0-shot"),
        EvalScore("GSM8K", 88.5, "exact_match", "main"),
    )
    (request,) = fake_hub.requests
    assert request.path == "/api/models/meta-llama/Llama-3.1-70B"
    assert request.params("expand") == METADATA_EXPAND


def test_a_repo_without_weights_info_or_card_has_empty_facts(fake_hub):
    fake_hub.add(
        HubRepo("Qwen/Qwen2.5-7B-GGUF", library_name=None, tags=["gguf", "license:apache-2.0"])
    )
    (facts,) = fetch_repo_facts(settings_for(fake_hub, ["Qwen"]), ["Qwen/Qwen2.5-7B-GGUF"]).facts
    assert facts.found
    assert (facts.params_total, facts.params_by_dtype, facts.config) == (None, {}, {})
    assert (facts.used_storage, facts.children, facts.scores) == (None, None, ())
    assert facts.license == "apache-2.0"  # from the tag when the card names none
    assert facts.tags == ("gguf", "license:apache-2.0")


def test_a_missing_repo_is_a_not_found_record_and_the_others_are_fetched(fake_hub):
    fake_hub.add(llama_70b())
    fetch = fetch_repo_facts(
        settings_for(fake_hub, ["meta-llama"]), ["meta-llama/gone", "meta-llama/Llama-3.1-70B"]
    )
    assert fetch.complete
    assert [(f.repo_id, f.found) for f in fetch.facts] == [
        ("meta-llama/gone", False),
        ("meta-llama/Llama-3.1-70B", True),
    ]
    assert fetch.facts[0].params_total is None and fetch.facts[0].scores == ()
    assert fetch.requests == 2


def test_a_500_on_one_repo_is_recorded_and_the_next_repo_is_still_fetched(fake_hub, hub_sleeps):
    fake_hub.add(llama_70b(), HubRepo("meta-llama/Llama-3.1-8B", safetensors={"BF16": 8}))
    fake_hub.fail(500)
    fetch = fetch_repo_facts(
        settings_for(fake_hub, ["meta-llama"]),
        ["meta-llama/Llama-3.1-70B", "meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.1-8B"],
    )
    assert not fetch.complete
    assert fetch.errors == ["repo meta-llama/Llama-3.1-70B: HTTP 500: Fake failure 500"]
    assert [f.repo_id for f in fetch.facts] == ["meta-llama/Llama-3.1-8B"]
    # model_info does not retry; a repo named twice is asked for once
    assert fetch.requests == 2 == fake_hub.request_count and hub_sleeps == []


def test_an_unreachable_hub_skips_the_remaining_repos_with_the_reason(hub_sleeps):
    with FakeHub() as hub:
        settings = settings_for(hub, ["Qwen"])
    fetch = fetch_repo_facts(settings, ["Qwen/a", "Qwen/b", "Qwen/c"])
    assert fetch.facts == []
    assert fetch.errors[0].startswith("repo Qwen/a: ConnectError")
    assert fetch.errors[1:] == [
        "repo Qwen/b: skipped, the Hub did not answer for an earlier repo",
        "repo Qwen/c: skipped, the Hub did not answer for an earlier repo",
    ]
    assert fetch.requests == 1 and hub_sleeps == []


def test_a_card_the_client_cannot_parse_is_recorded_not_raised(fake_hub):
    # huggingface_hub's EvalResult refuses a source name without a url, with a ValueError
    # that ModelCardData(ignore_metadata_errors=True) does not catch: model_info raises
    bad = mmlu(70.0, 5) | {"source": {"name": "self-reported"}}
    fake_hub.add(
        HubRepo("Qwen/bad-card", card_data={"model-index": [{"name": "x", "results": [bad]}]})
    )
    fake_hub.add(HubRepo("Qwen/fine", card_data={"license": "mit"}))
    fetch = fetch_repo_facts(settings_for(fake_hub, ["Qwen"]), ["Qwen/bad-card", "Qwen/fine"])
    assert len(fetch.errors) == 1
    assert fetch.errors[0].startswith("repo Qwen/bad-card: ValueError: If `source_name`")
    assert [(f.repo_id, f.license) for f in fetch.facts] == [("Qwen/fine", "mit")]


def test_a_model_index_without_a_dataset_type_is_dropped_by_the_client(fake_hub):
    # the client requires task.type, dataset.type/name and metrics type/value; one missing
    # key and ModelCardData drops the whole model-index (the licence still arrives)
    result = {
        "task": {"type": "text-generation"},
        "dataset": {"name": "GSM8K"},
        "metrics": [{"type": "accuracy", "value": 1.0}],
    }
    card = {"license": "mit", "model-index": [{"name": "x", "results": [result]}]}
    fake_hub.add(HubRepo("Qwen/loose-card", card_data=card))
    (facts,) = fetch_repo_facts(settings_for(fake_hub, ["Qwen"]), ["Qwen/loose-card"]).facts
    assert facts.license == "mit" and facts.scores == ()


def test_metadata_is_served_in_listings_when_expanded(fake_hub):
    from huggingface_hub import HfApi

    fake_hub.add(llama_70b(), HubRepo("meta-llama/plain"))
    api = HfApi(endpoint=fake_hub.endpoint, token=False)
    infos = list(api.list_models(author="meta-llama", expand=["safetensors", "usedStorage"]))
    assert [(i.id, i.used_storage) for i in infos] == [
        ("meta-llama/Llama-3.1-70B", 282_215_000_000),
        ("meta-llama/plain", None),
    ]
    assert infos[0].safetensors.total == 70_553_706_496 and infos[1].safetensors is None
    assert infos[0].config is None  # not asked for, not sent
    (plain,) = list(api.list_models(author="meta-llama", search="plain"))
    assert fake_hub.requests[-1].params("expand") == []  # the default fields only
    assert plain.safetensors is None and plain.card_data is None


def test_an_unknown_expand_value_is_still_a_400(fake_hub):
    from huggingface_hub import HfApi
    from huggingface_hub.errors import BadRequestError

    fake_hub.add(llama_70b())
    api = HfApi(endpoint=fake_hub.endpoint, token=False)
    with pytest.raises(BadRequestError) as caught:
        api.model_info("meta-llama/Llama-3.1-70B", expand=["safetensors", "parameters"])
    assert "Invalid expand value(s): parameters" in str(caught.value)
    with pytest.raises(BadRequestError):
        list(api.list_models(author="meta-llama", expand=["num_parameters"]))
    assert [r.status for r in fake_hub.requests] == [400, 400]


def test_search_returns_only_the_authors_repos_holding_the_substring(fake_hub):
    fake_hub.add(
        HubRepo("meta-llama/Llama-3.1-70B"),
        HubRepo("meta-llama/Llama-3.1-70B-Instruct"),
        HubRepo("meta-llama/Llama-3.1-8B"),
        HubRepo("meta-llama/Meta-Llama-3.1-70B-Evals"),
        HubRepo("unsloth/Llama-3.1-70B"),  # the substring, another namespace
        HubRepo("meta-llama/Llama-3.2-1B"),
    )
    result = search_repos(settings_for(fake_hub, ["meta-llama"]), "meta-llama", "llama-3.1-70b")
    assert result.error is None
    assert result.repo_ids == [  # the Hub's order, not re-sorted
        "meta-llama/Llama-3.1-70B",
        "meta-llama/Llama-3.1-70B-Instruct",
        "meta-llama/Meta-Llama-3.1-70B-Evals",
    ]
    assert result.requests == 1
    (request,) = fake_hub.requests
    assert request.params("author") == ["meta-llama"]
    assert request.params("search") == ["llama-3.1-70b"]
    assert request.params("limit") == ["50"]
    assert request.params("expand") == ["downloadsAllTime", "createdAt"]


def test_search_stops_at_the_limit(fake_hub):
    fake_hub.add(*[qwen(i) for i in range(30)])
    result = search_repos(settings_for(fake_hub, ["Qwen"]), "Qwen", "model-00", limit=5)
    assert result.repo_ids == [f"Qwen/model-{i:04d}" for i in range(5)]
    assert result.requests == 1


def test_a_failed_search_is_an_error_not_an_exception(fake_hub, hub_sleeps):
    fake_hub.add(qwen(1))
    fake_hub.fail(503, times=6)  # the listing retries five times by itself
    result = search_repos(settings_for(fake_hub, ["Qwen"]), "Qwen", "model")
    assert result.repo_ids == [] and result.error == "HTTP 503: Fake failure 503"
    assert result.requests == 6 and len(hub_sleeps) == 5
    assert not result.unreachable  # the Hub answered


def test_a_search_of_an_unreachable_hub_says_so(hub_sleeps):
    with FakeHub() as hub:
        settings = settings_for(hub, ["Qwen"])
    result = search_repos(settings, "Qwen", "Qwen2.5")
    assert result.repo_ids == [] and result.error.startswith("ConnectError")
    assert result.unreachable
    assert result.requests == 6 and len(hub_sleeps) == 5  # the client's retries, not slept
