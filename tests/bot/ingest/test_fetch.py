"""Fetching over real loopback sockets: limits, redirects, validators, throttling, the guard."""

from __future__ import annotations

import asyncio
import email.utils
from datetime import UTC, datetime, timedelta

import pytest

from bot.config.schema import HttpSettings
from bot.delivery.messages import draft_for
from bot.ingest.fetch import Fetcher, FetchError, parse_retry_after
from bot.time_text import TimeText
from tests.fakes.web import Listener, Response, gzipped

FEED = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"


def http_settings(**overrides) -> HttpSettings:
    values = {
        "allow_private": True,
        "timeout": {"connect": "2s", "read": "1s", "total": "3s"},
        "max_response_bytes": 100_000,
    }
    values.update(overrides)
    return HttpSettings.model_validate(values)


@pytest.fixture
async def fetcher():
    async with Fetcher(http_settings()) as client:
        yield client


async def test_plain_and_gzip_bodies(web, fetcher):
    web.add("/plain", Response(body=FEED))
    web.add("/gz", Response(body=gzipped(FEED), headers={"Content-Encoding": "gzip"}))
    plain = await fetcher.fetch(web.url("/plain"))
    packed = await fetcher.fetch(web.url("/gz"))
    assert (plain.status, plain.body) == (200, FEED)
    assert (packed.status, packed.body) == (200, FEED)
    assert packed.wire_bytes < len(FEED) + 40
    assert web.requests[0].headers["user-agent"].startswith("trendbot/")
    assert "gzip" in web.requests[0].headers["accept-encoding"]


async def test_conditional_get_sends_validators_and_304_is_success(web, fetcher):
    def handler(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Response(304)
        return Response(body=FEED, headers={"ETag": '"v1"'})

    web.add("/feed", handler)
    first = await fetcher.fetch(web.url("/feed"))
    assert first.headers["etag"] == '"v1"'
    second = await fetcher.fetch(
        web.url("/feed"), etag='"v1"', last_modified="Mon, 23 Nov 2026 10:00:00 GMT"
    )
    assert second.ok and second.not_modified and second.body == b""
    assert web.requests[1].headers["if-modified-since"] == "Mon, 23 Nov 2026 10:00:00 GMT"


async def test_no_empty_validators_are_sent(web, fetcher):
    web.add("/feed", Response(body=FEED))
    await fetcher.fetch(web.url("/feed"), etag=None, last_modified="")
    assert "if-none-match" not in web.requests[0].headers
    assert "if-modified-since" not in web.requests[0].headers


async def test_retry_after_seconds_defers_every_feed_on_the_host(web, fetcher):
    web.add("/a", Response(429, headers={"Retry-After": "120"}))
    web.add("/b", Response(body=FEED))
    before = datetime.now(UTC)
    throttled = await fetcher.fetch(web.url("/a"))
    assert throttled.error == FetchError.HTTP and throttled.status == 429
    assert timedelta(seconds=115) < throttled.retry_after - before < timedelta(seconds=125)
    deferred = await fetcher.fetch(web.url("/b"))
    assert deferred.error == FetchError.DEFERRED
    assert deferred.retry_after == throttled.retry_after
    assert web.hits("/b") == []  # the host was not contacted again


async def test_a_wait_in_an_error_is_stored_as_an_instant_read_in_the_zone(web):
    """The message ends up in the feed's last_error and the admins' health message:
    it keeps the instant in UTC, and the draft writes it in schedule.timezone."""
    now = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)
    web.add("/a", Response(503, headers={"Retry-After": "120"}))
    async with Fetcher(http_settings(), clock=lambda: now) as client:
        throttled = await client.fetch(web.url("/a"))
        deferred = await client.fetch(web.url("/b"))
    assert throttled.message == "HTTP 503 Service Unavailable; retry after 2026-03-02 09:02 UTC"
    assert deferred.message == "127.0.0.1 asked to wait until 2026-03-02 09:02 UTC"
    payload = {"feed": "Wire", "health_to": "failing", "message": f"Wire: {throttled.message}"}
    draft = draft_for("health", payload, TimeText.of("Europe/Berlin", now))
    assert (
        draft.embeds[0].description == "Wire: HTTP 503 Service Unavailable; retry after 2 Mar 10:02"
    )


def test_retry_after_http_date_and_garbage():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    date = email.utils.format_datetime(now + timedelta(minutes=10), usegmt=True)
    assert parse_retry_after(date, now) == now + timedelta(minutes=10)
    assert parse_retry_after("999999", now) == now + timedelta(hours=24)  # capped
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("0", now) is None
    assert parse_retry_after(None, now) is None


async def test_server_errors_and_gone(web, fetcher):
    web.add("/500", Response(500, b"oops"))
    web.add("/410", Response(410))
    error = await fetcher.fetch(web.url("/500"))
    assert (error.error, error.status) == (FetchError.HTTP, 500)
    assert error.describe() == "HTTP 500 Internal Server Error"
    gone = await fetcher.fetch(web.url("/410"))
    assert gone.error == FetchError.GONE
    assert "removed" in gone.describe()


async def test_a_hanging_response_times_out(web, fetcher):
    web.add("/hang", Response(body=FEED, hang=True))
    result = await fetcher.fetch(web.url("/hang"))
    assert result.error == FetchError.TIMEOUT


async def test_a_trickling_body_hits_the_total_timeout(web):
    # each chunk arrives within the read timeout, the whole body does not within the total
    web.add("/slow", Response(body=b"x" * 20_000, trickle=0.25))
    settings = http_settings(timeout={"connect": "1s", "read": "1s", "total": "1.5s"})
    async with Fetcher(settings) as client:
        result = await client.fetch(web.url("/slow"))
    assert result.error == FetchError.TIMEOUT
    assert "total limit" in result.describe()


async def test_declared_oversize_body_is_refused_unread(web, fetcher):
    web.add("/big", Response(body=b"x" * 200_000))
    result = await fetcher.fetch(web.url("/big"))
    assert result.error == FetchError.TOO_LARGE
    assert result.wire_bytes == 0


async def test_undeclared_oversize_body_stops_at_the_cap(web, fetcher):
    web.add("/big", Response(body=b"x" * 1_000_000, content_length=False))
    result = await fetcher.fetch(web.url("/big"))
    assert result.error == FetchError.TOO_LARGE
    assert result.wire_bytes <= 100_000 + 65_536


async def test_a_small_gzip_body_that_inflates_past_the_cap_is_stopped(web, fetcher):
    bomb = gzipped(b"\0" * 50_000_000)  # about 50 KB on the wire, 50 MB inflated
    assert len(bomb) < 100_000
    web.add("/bomb", Response(body=bomb, headers={"Content-Encoding": "gzip"}))
    result = await fetcher.fetch(web.url("/bomb"))
    assert result.error == FetchError.TOO_LARGE
    assert result.body == b""


async def test_corrupt_gzip_is_a_decoding_error(web, fetcher):
    web.add("/bad", Response(body=b"not gzip at all", headers={"Content-Encoding": "gzip"}))
    assert (await fetcher.fetch(web.url("/bad"))).error == FetchError.DECODING


async def test_redirect_loop_is_named(web, fetcher):
    web.add("/a", Response(302, headers={"Location": "/b"}))
    web.add("/b", Response(302, headers={"Location": "/a"}))
    result = await fetcher.fetch(web.url("/a"))
    assert result.error == FetchError.REDIRECTS
    assert "loop" in result.describe()


async def test_at_most_five_redirects(web, fetcher):
    for hop in range(7):
        web.add(f"/r{hop}", Response(302, headers={"Location": f"/r{hop + 1}"}))
    web.add("/r7", Response(body=FEED))
    result = await fetcher.fetch(web.url("/r0"))
    assert result.error == FetchError.REDIRECTS
    assert len(web.requests) == 6
    web.requests.clear()
    assert (await fetcher.fetch(web.url("/r2"))).status == 200


async def test_permanent_and_temporary_redirects(web, fetcher):
    web.add("/moved", Response(301, headers={"Location": "/new"}))
    web.add("/perm308", Response(308, headers={"Location": "/new"}))
    web.add("/temp", Response(302, headers={"Location": "/new"}))
    web.add("/temp307", Response(307, headers={"Location": "/new"}))
    web.add("/mixed", Response(301, headers={"Location": "/temp"}))
    web.add("/new", Response(body=FEED))
    assert (await fetcher.fetch(web.url("/moved"))).permanent_url == web.url("/new")
    assert (await fetcher.fetch(web.url("/perm308"))).permanent_url == web.url("/new")
    assert (await fetcher.fetch(web.url("/temp"))).permanent_url is None
    assert (await fetcher.fetch(web.url("/temp307"))).permanent_url is None
    mixed = await fetcher.fetch(web.url("/mixed"))
    assert mixed.permanent_url == web.url("/temp")  # only the permanent part of the chain
    assert mixed.final_url == web.url("/new") and mixed.body == FEED


async def test_only_http_urls(fetcher):
    for url in ("javascript:alert(1)", "file:///etc/passwd", "ftp://example.com/feed"):
        assert (await fetcher.fetch(url)).error == FetchError.INVALID_URL


async def test_per_host_concurrency_is_limited(web):
    active = peak = 0

    async def slow_count():
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.2)
        active -= 1

    def handler(_request):
        asyncio.get_running_loop().create_task(slow_count())
        return Response(body=FEED, delay=0.2)

    web.add("/feed", handler)
    async with Fetcher(http_settings(per_host_concurrency=2, concurrency=8)) as client:
        results = await asyncio.gather(*(client.fetch(web.url("/feed")) for _ in range(6)))
    assert all(r.status == 200 for r in results)
    assert peak == 2


# --- the address guard --------------------------------------------------------------


@pytest.fixture
async def private_target():
    listener = await Listener().start()
    yield listener
    await listener.stop()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
async def test_private_addresses_are_refused_before_connecting(private_target, host):
    async with Fetcher(http_settings(allow_private=False)) as client:
        result = await client.fetch(f"http://{host}:{private_target.port}/feed.xml")
        assert result.error == FetchError.BLOCKED
        assert "allow_private" in result.describe()
        assert list(client.backend.connections) == []
    assert private_target.connections == 0


async def test_a_redirect_to_a_private_address_is_refused_before_connecting(web, private_target):
    web.add(
        "/feed", Response(302, headers={"Location": f"http://127.0.0.1:{private_target.port}/"})
    )
    web.add("/meta", Response(301, headers={"Location": "http://169.254.169.254/latest/meta-data"}))
    web.add("/lan", Response(302, headers={"Location": "http://10.0.0.1/admin"}))
    trusted = frozenset({f"127.0.0.1:{web.port}"})
    async with Fetcher(http_settings(allow_private=False), exempt_hosts=trusted) as client:
        for path, needle in (("/feed", "loopback"), ("/meta", "link-local"), ("/lan", "private")):
            result = await client.fetch(web.url(path))
            assert result.error == FetchError.BLOCKED, path
            assert needle in result.describe()
        # the only connection ever opened went to the trusted server
        assert {address for address, _port in client.backend.connections} == {"127.0.0.1"}
        assert {port for _address, port in client.backend.connections} == {web.port}
    assert private_target.connections == 0


async def test_allow_private_lets_loopback_through(web):
    web.add("/feed", Response(body=FEED))
    async with Fetcher(http_settings(allow_private=True)) as client:
        assert (await client.fetch(web.url("/feed"))).status == 200


async def test_hostile_retry_after_and_host_names_never_raise(web, fetcher):
    web.add("/huge", Response(503, headers={"Retry-After": "100000000000000"}))
    web.add("/odd", Response(429, headers={"Retry-After": "²"}))
    huge = await fetcher.fetch(web.url("/huge"))
    assert huge.error == FetchError.HTTP and huge.retry_after is not None
    fetcher.host_wait.clear()
    assert (await fetcher.fetch(web.url("/odd"))).retry_after is None
    for url in ("http://.example.com/", "http://a..b/", f"http://{'x' * 70}.example/"):
        result = await fetcher.fetch(url)
        assert result.error in (FetchError.INVALID_URL, FetchError.CONNECT), url
