"""Fetching feeds and article pages politely, within limits, and never raising.

One shared ``httpx.AsyncClient`` does all the work. Around it this module adds
what a long-running crawler needs and httpx leaves to the caller:

- redirects followed by hand (at most ``max_redirects``), so that 301/308 can be
  told apart from 302/307 and loops are named;
- a streamed size cap, applied to the bytes on the wire *and* to the inflated
  body, decoding gzip/deflate here with a bounded decompressor so a small gzip
  bomb is stopped after ``max_response_bytes`` of output;
- conditional GET from stored validators, and ``Retry-After`` remembered per
  host so that every feed on a throttled host waits together;
- a global and a per-host concurrency limit;
- the address guard of :mod:`bot.ingest.netguard` under every connection.

Every outcome, good or bad, is a :class:`FetchResult`; the error string is one
line meant for an admin.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from bot.config.schema import HttpSettings
from bot.ingest.netguard import AddressPolicy, BlockedAddress, GuardedBackend
from bot.time_text import stamp

FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
REDIRECTS = {301, 302, 303, 307, 308}
PERMANENT = {301, 308}
MAX_RETRY_AFTER = timedelta(hours=24)


class FetchError(StrEnum):
    BLOCKED = "blocked"  # the address guard refused it
    INVALID_URL = "invalid_url"
    DEFERRED = "deferred"  # the host asked us to wait (Retry-After) and the time is not up
    TIMEOUT = "timeout"
    CONNECT = "connect"
    TOO_LARGE = "too_large"
    REDIRECTS = "redirects"
    HTTP = "http"  # an error status
    GONE = "gone"  # 410: stop polling
    DECODING = "decoding"


@dataclass(frozen=True)
class FetchResult:
    """What happened to one GET, redirects included."""

    url: str
    final_url: str
    status: int | None = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    error: FetchError | None = None
    message: str | None = None
    permanent_url: str | None = None  # where a chain of 301/308 from ``url`` ended
    retry_after: datetime | None = None
    wire_bytes: int = 0
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304

    def describe(self) -> str:
        """One line for logs, the decision log and admins."""
        if self.error is None:
            return f"HTTP {self.status}"
        return self.message or self.error.value


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """``Retry-After`` as an instant: delta-seconds or an HTTP date, capped at 24 h."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        wait = timedelta(seconds=min(int(value[:12]), int(MAX_RETRY_AFTER.total_seconds()) + 1))
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        wait = when - now
    if wait <= timedelta(0):
        return None
    return now + min(wait, MAX_RETRY_AFTER)


class _BodyTooLarge(Exception):
    pass


class _Inflater:
    """Decodes a Content-Encoding incrementally, never producing more than the cap."""

    def __init__(self, encoding: str, cap: int):
        self.cap = cap
        self.size = 0
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._zlib = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            # 47 = auto-detect gzip or zlib header; raw deflate is retried below.
            self._zlib = zlib.decompressobj(47)
            self._raw_fallback = encoding == "deflate"
        else:
            raise ValueError(f"unsupported Content-Encoding {encoding!r}")
        self._started = False

    def feed(self, chunk: bytes) -> bytes:
        if self._zlib is None:
            return self._count(chunk)
        try:
            out = self._zlib.decompress(chunk, self.cap - self.size + 1)
        except zlib.error:
            if self._raw_fallback and not self._started:
                self._zlib = zlib.decompressobj(-15)
                self._raw_fallback = False
                out = self._zlib.decompress(chunk, self.cap - self.size + 1)
            else:
                raise
        self._started = True
        produced = [self._count(out)]
        while self._zlib.unconsumed_tail:
            out = self._zlib.decompress(self._zlib.unconsumed_tail, self.cap - self.size + 1)
            produced.append(self._count(out))
        return b"".join(produced)

    def finish(self) -> bytes:
        if self._zlib is None:
            return b""
        return self._count(self._zlib.flush())

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.cap:
            raise _BodyTooLarge()
        return data


class Fetcher:
    """The crawler's HTTP client; create one per process and close it when done."""

    def __init__(
        self,
        settings: HttpSettings,
        *,
        exempt_hosts: frozenset[str] = frozenset(),
        clock: Callable[[], datetime] | None = None,
    ):
        self.settings = settings
        self.max_bytes = int(settings.max_response_bytes)
        self.backend = GuardedBackend(
            AddressPolicy(allow_private=settings.allow_private, exempt=exempt_hosts)
        )
        transport = httpx.AsyncHTTPTransport(
            trust_env=False,
            limits=httpx.Limits(
                max_connections=settings.concurrency,
                max_keepalive_connections=settings.concurrency,
            ),
        )
        # The guard must sit under every connection; httpx offers no public hook for
        # the network backend, so the transport's pool is rebuilt with ours
        # (tests/bot/ingest/test_fetch.py proves the guard is in force).
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=transport._pool._ssl_context,
            max_connections=settings.concurrency,
            max_keepalive_connections=settings.concurrency,
            network_backend=self.backend,
        )
        timeouts = settings.timeout
        self.client = httpx.AsyncClient(
            transport=transport,
            trust_env=False,  # a proxy from the environment would bypass the guard
            follow_redirects=False,
            timeout=httpx.Timeout(
                connect=timeouts.connect.total_seconds(),
                read=timeouts.read.total_seconds(),
                write=timeouts.read.total_seconds(),
                pool=timeouts.total.total_seconds(),
            ),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        self.total_timeout = timeouts.total.total_seconds()
        self._global = asyncio.Semaphore(settings.concurrency)
        self._per_host: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(settings.per_host_concurrency)
        )
        self.host_wait: dict[str, datetime] = {}
        self._clock = clock or (lambda: datetime.now(UTC))
        self.requests = 0
        self.wire_bytes = 0

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()

    def _now(self) -> datetime:
        return self._clock()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> FetchResult:
        """GET ``url`` following redirects by hand; conditional when validators are given."""
        started = time.monotonic()
        current, permanent, chain_is_permanent = url, None, True
        seen = {url}
        wire = 0

        def done(**kwargs) -> FetchResult:
            return FetchResult(
                url=url,
                final_url=current,
                wire_bytes=wire,
                elapsed=time.monotonic() - started,
                **kwargs,
            )

        for _hop in range(self.settings.max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return done(
                    error=FetchError.INVALID_URL, message=f"not an http(s) URL: {current[:200]}"
                )
            host = parts.hostname.lower()
            waited = self.host_wait.get(host)
            if waited and waited > self._now():
                return done(
                    error=FetchError.DEFERRED,
                    retry_after=waited,
                    message=f"{host} asked to wait until {stamp(waited)}",
                )
            headers = {"Accept": accept}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            outcome = await self._get_once(current, host, headers)
            wire += outcome.wire_bytes
            if outcome.error is not None or outcome.status not in REDIRECTS:
                return done(
                    status=outcome.status,
                    body=outcome.body,
                    headers=outcome.headers,
                    error=outcome.error,
                    message=outcome.message,
                    permanent_url=permanent,
                    retry_after=outcome.retry_after,
                )
            location = outcome.headers.get("location")
            if not location:
                return done(
                    status=outcome.status,
                    error=FetchError.HTTP,
                    message=f"HTTP {outcome.status} redirect without a Location header",
                )
            target = urljoin(current, location.strip())
            if target in seen:
                return done(
                    status=outcome.status,
                    error=FetchError.REDIRECTS,
                    message=f"redirect loop back to {target[:200]}",
                )
            seen.add(target)
            if outcome.status in PERMANENT and chain_is_permanent:
                permanent = target
            else:
                chain_is_permanent = False
            current = target
        return done(
            error=FetchError.REDIRECTS,
            message=f"more than {self.settings.max_redirects} redirects",
            permanent_url=permanent,
        )

    def _forget_idle_hosts(self) -> None:
        """Drop per-host state nobody uses, so months of article hosts do not pile up."""
        now = self._now()
        self.host_wait = {h: t for h, t in self.host_wait.items() if t > now}
        if len(self._per_host) > 2_000:
            for host in [h for h, gate in self._per_host.items() if not gate.locked()]:
                del self._per_host[host]

    async def _get_once(self, url: str, host: str, headers: dict[str, str]) -> FetchResult:
        if len(self._per_host) > 2_000 or len(self.host_wait) > 2_000:
            self._forget_idle_hosts()
        # the host's own limit first: a busy host must not hold global slots while it waits
        async with self._per_host[host], self._global:
            self.requests += 1
            try:
                async with asyncio.timeout(self.total_timeout):
                    return await self._stream(url, host, headers)
            except BlockedAddress as exc:
                return FetchResult(url, url, error=FetchError.BLOCKED, message=str(exc))
            except (TimeoutError, httpx.TimeoutException):
                return FetchResult(
                    url,
                    url,
                    error=FetchError.TIMEOUT,
                    message=f"timed out fetching {host} (total limit {self.total_timeout:g}s)",
                )
            except httpx.HTTPError as exc:
                reason = (
                    str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                )
                return FetchResult(url, url, error=FetchError.CONNECT, message=f"{host}: {reason}")
            except (UnicodeError, ValueError) as exc:  # host names idna or the resolver refuse
                return FetchResult(
                    url,
                    url,
                    error=FetchError.INVALID_URL,
                    message=f"bad host {host[:100]!r}: {exc}",
                )
            except Exception as exc:  # whatever a hostile server provokes, it is this URL's failure
                return FetchResult(
                    url,
                    url,
                    error=FetchError.CONNECT,
                    message=f"{host}: {type(exc).__name__}: {str(exc)[:200]}",
                )

    async def _stream(self, url: str, host: str, headers: dict[str, str]) -> FetchResult:
        request = self.client.build_request("GET", url, headers=headers)
        response = await self.client.send(request, stream=True)
        wire = 0
        try:
            status = response.status_code
            response_headers = {k.lower(): v for k, v in response.headers.items()}
            if status in REDIRECTS or status == 304 or status >= 400:
                # Read the (small) body to its end so the connection can be reused:
                # httpcore keeps a connection only after seeing the end of a response.
                await self._drain(response)
                if status >= 400:
                    return self._error_status(url, host, status, response_headers)
                return FetchResult(url, url, status=status, headers=response_headers)
            declared = response_headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                return FetchResult(
                    url,
                    url,
                    status=status,
                    headers=response_headers,
                    error=FetchError.TOO_LARGE,
                    message=f"body of {int(declared):,} bytes is over the {self.max_bytes:,} cap",
                )
            try:
                inflater = _Inflater(response_headers.get("content-encoding", ""), self.max_bytes)
            except ValueError as exc:
                return FetchResult(
                    url, url, status=status, error=FetchError.DECODING, message=str(exc)
                )
            chunks: list[bytes] = []
            try:
                async for chunk in response.aiter_raw():
                    wire += len(chunk)
                    if wire > self.max_bytes:
                        raise _BodyTooLarge()
                    chunks.append(inflater.feed(chunk))
                chunks.append(inflater.finish())
            except _BodyTooLarge:
                return FetchResult(
                    url,
                    url,
                    status=status,
                    headers=response_headers,
                    wire_bytes=wire,
                    error=FetchError.TOO_LARGE,
                    message=f"body over the {self.max_bytes:,}-byte cap; stopped reading",
                )
            except zlib.error as exc:
                return FetchResult(
                    url,
                    url,
                    status=status,
                    wire_bytes=wire,
                    error=FetchError.DECODING,
                    message=f"corrupt compressed body: {exc}",
                )
            return FetchResult(
                url,
                url,
                status=status,
                body=b"".join(chunks),
                headers=response_headers,
                wire_bytes=wire,
            )
        finally:
            self.wire_bytes += wire
            await response.aclose()

    @staticmethod
    async def _drain(response: httpx.Response, limit: int = 65_536) -> None:
        """Read a body we do not need, up to ``limit`` bytes (beyond that, drop the connection)."""
        seen = 0
        async for chunk in response.aiter_raw():
            seen += len(chunk)
            if seen > limit:
                break

    def _error_status(
        self, url: str, host: str, status: int, headers: dict[str, str]
    ) -> FetchResult:
        retry_after = None
        if status in (429, 503):
            retry_after = parse_retry_after(headers.get("retry-after"), self._now())
            if retry_after:
                self.host_wait[host] = max(retry_after, self.host_wait.get(host, retry_after))
        kind = FetchError.GONE if status == 410 else FetchError.HTTP
        reason = httpx.codes.get_reason_phrase(status) or "error"
        message = f"HTTP {status} {reason}"
        if status == 410:
            message += ": the publisher removed this feed"
        if retry_after:
            message += f"; retry after {stamp(retry_after)}"
        return FetchResult(
            url,
            url,
            status=status,
            headers=headers,
            error=kind,
            message=message,
            retry_after=retry_after,
        )
