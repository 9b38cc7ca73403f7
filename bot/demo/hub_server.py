"""A loopback Hugging Face Hub API on 127.0.0.1, for the real `huggingface_hub` client.

It serves the demo's bundled Hub dataset, and it is the Hub the tests and the
benchmarks talk to. The statistics code runs the real client (its pagination,
retries and error mapping are part of what trendbot depends on), so this server
speaks the wire format of the real Hub rather than being a mock of `HfApi`: `GET /api/models` with
`author`/`search`/`sort`/`limit`/`expand`, absolute `Link: <...>; rel="next"`
pagination with an opaque cursor, `GET /api/models/{owner}/{name}`, the
`X-Error-Code: RepoNotFound` header, the `RateLimit` headers of a 429, and gzip.
It copies the traffic of the real client recorded in the project's notes.

Repo metadata is served in the Hub's JSON shape when asked for with `expand`
(`safetensors`, `config`, `usedStorage`, `childrenModelCount`, `cardData`), from
`GET /api/models/{id}` and from listings alike; a repo without a value leaves the
key out, as the Hub does for a repo without safetensors weights or a card.

Tests change the data between two calls (`hub.repo(...).downloads_all_time += 5`),
script failures on the Nth request (`hub.fail(500, on_request=2)` breaks page 2
of a listing) and read back every request in `hub.requests`.

Stdlib only (`ThreadingHTTPServer` in a daemon thread), so it works from sync
and async tests alike. Query parameters the fake does not know (`filter`,
`pipeline_tag`, ...) are ignored; private repos are listed like public ones.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import copy
import gzip
import hashlib
import json
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

# `expand` values the fake serves (the real Hub knows more; they are a 400 here).
EXPAND_FIELDS = (
    "downloads",
    "downloadsAllTime",
    "likes",
    "trendingScore",
    "createdAt",
    "lastModified",
    "pipeline_tag",
    "library_name",
    "author",
    "private",
    "tags",
    "sha",
    "safetensors",
    "config",
    "usedStorage",
    "childrenModelCount",
    "cardData",
)
# Fields of a list item when no `expand` is given (no `downloadsAllTime`).
DEFAULT_FIELDS = (
    "likes",
    "trendingScore",
    "private",
    "downloads",
    "tags",
    "pipeline_tag",
    "library_name",
    "createdAt",
    "modelId",
)
# `sort` values: the client sends camelCase (`trendingScore`); scripts often send snake_case.
SORT_KEYS = {
    "downloads": "downloads",
    "likes": "likes",
    "trending_score": "trending_score",
    "trendingScore": "trending_score",
    "created_at": "created_at",
    "createdAt": "created_at",
    "last_modified": "last_modified",
    "lastModified": "last_modified",
}
# Parameters that cannot be combined with `expand`.
EXCLUSIVE_WITH_EXPAND = ("full", "cardData", "config")
GZIP_MIN_BYTES = 1024
DEFAULT_CREATED_AT = datetime(2025, 1, 1, tzinfo=UTC)

REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class HubRepo:
    """One model repo. Mutable: a test may change its figures between two snapshots."""

    id: str
    downloads: int = 0  # rolling 30 days
    downloads_all_time: int = 0
    likes: int = 0
    trending_score: int = 0
    created_at: datetime = DEFAULT_CREATED_AT
    last_modified: datetime | None = None  # None: same as created_at
    pipeline_tag: str | None = "text-generation"
    library_name: str | None = "transformers"
    private: bool = False
    # Metadata, served only when expanded; None leaves the key out of the response.
    # Safetensors parameters by dtype ({"BF16": N}), served with their "total"; a dict
    # that already has "parameters" is served as given (its "total" filled in if absent).
    safetensors: dict[str, Any] | None = None
    config: dict[str, Any] | None = None  # config.json's keys: architectures, model_type, ...
    used_storage: int | None = None  # "usedStorage", bytes
    children: int | None = None  # "childrenModelCount"
    card_data: dict[str, Any] | None = None  # "cardData": license, base_model, model-index
    # None: library, pipeline tag, the card's licence as "license:..." and "region:us"
    tags: list[str] | None = None

    def __post_init__(self) -> None:
        owner, _, name = self.id.partition("/")
        if not owner or not name or "/" in name:
            raise ValueError(f"repo id must be 'owner/name', got {self.id!r}")
        if self.last_modified is None:
            self.last_modified = self.created_at

    @property
    def author(self) -> str:
        return self.id.split("/", 1)[0]


@dataclass
class FakeHubRequest:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-cased names
    status: int

    def params(self, key: str) -> list[str]:
        """All values of a query parameter, in order."""
        return [v for k, v in self.query if k == key]


@dataclass
class _Fault:
    status: int
    remaining: int  # failures left to serve
    skip: int  # matching requests to let through first
    headers: dict[str, str]
    body: dict[str, Any] | None
    path_prefix: str


@dataclass
class _Reply:
    status: int
    payload: Any
    headers: dict[str, str] = field(default_factory=dict)


class _BadRequest(Exception):
    pass


def hub_date(value: datetime) -> str:
    """`2025-01-01T00:00:00.000Z`, the Hub's format (naive datetimes are taken as UTC)."""
    value = value.astimezone(UTC) if value.tzinfo else value
    return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"


def object_id(repo_id: str) -> str:
    """A stable 24-hex `_id`, like a MongoDB ObjectId."""
    return hashlib.sha1(repo_id.encode()).hexdigest()[:24]


def _field(repo: HubRepo, name: str) -> Any:
    match name:
        case "downloads":
            return repo.downloads
        case "downloadsAllTime":
            return repo.downloads_all_time
        case "likes":
            return repo.likes
        case "trendingScore":
            return repo.trending_score
        case "createdAt":
            return hub_date(repo.created_at)
        case "lastModified":
            return hub_date(repo.last_modified or repo.created_at)
        case "pipeline_tag":
            return repo.pipeline_tag
        case "library_name":
            return repo.library_name
        case "author":
            return repo.author
        case "private":
            return repo.private
        case "tags":
            if repo.tags is not None:
                return list(repo.tags)
            tags = [t for t in (repo.library_name, repo.pipeline_tag) if t]
            license_id = (repo.card_data or {}).get("license")
            if isinstance(license_id, str) and license_id:
                tags.append(f"license:{license_id}")
            return [*tags, "region:us"]
        case "sha":
            stamp = f"{repo.id}@{hub_date(repo.last_modified or repo.created_at)}"
            return hashlib.sha1(stamp.encode()).hexdigest()
        case "modelId":
            return repo.id
        case "safetensors":
            return _safetensors(repo.safetensors)
        case "config":
            return copy.deepcopy(repo.config) if repo.config is not None else None
        case "usedStorage":
            return repo.used_storage
        case "childrenModelCount":
            return repo.children
        case "cardData":
            return copy.deepcopy(repo.card_data) if repo.card_data is not None else None
    raise AssertionError(name)


def _safetensors(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """`{"parameters": {"BF16": N, ...}, "total": N}`, the Hub's shape."""
    if not value:
        return None
    if isinstance(value.get("parameters"), dict):
        parameters = dict(value["parameters"])
        total = value.get("total")
    else:
        parameters, total = dict(value), None
    if total is None:
        total = sum(int(n) for n in parameters.values())
    return {"parameters": parameters, "total": total}


def render(repo: HubRepo, expand: list[str] | None) -> dict[str, Any]:
    """The JSON item: only `_id`, `id` and the expanded fields, or the default set."""
    item: dict[str, Any] = {"_id": object_id(repo.id), "id": repo.id}
    for name in expand or DEFAULT_FIELDS:
        value = _field(repo, name)
        if value is not None:  # the Hub leaves out a missing pipeline_tag / library_name
            item[name] = value
    return item


def _sort_value(repo: HubRepo, key: str) -> Any:
    if key == "last_modified":
        return repo.last_modified or repo.created_at
    return getattr(repo, key)


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        offset = json.loads(raw)["offset"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise _BadRequest("Invalid cursor") from exc
    if not isinstance(offset, int) or offset < 0:
        raise _BadRequest("Invalid cursor")
    return offset


def _parse_expand(query: list[tuple[str, str]]) -> list[str] | None:
    """`expand=a&expand[]=b`, merged and deduplicated; None when absent."""
    values = [v for k, v in query if k in ("expand", "expand[]")]
    if not values:
        return None
    unknown = [v for v in values if v not in EXPAND_FIELDS]
    if unknown:
        raise _BadRequest(
            f"Invalid expand value(s): {', '.join(unknown)}. Allowed: {', '.join(EXPAND_FIELDS)}"
        )
    for k, v in query:
        if k in EXCLUSIVE_WITH_EXPAND and v.lower() not in ("", "0", "false"):
            raise _BadRequest(f"'expand' cannot be combined with '{k}'")
    return list(dict.fromkeys(values))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, hub: FakeHub) -> None:
        self.hub = hub
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up mid-response is not a test failure


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # One segment per response: headers and body in separate small writes meet Nagle and
    # delayed ACK, a 40 ms stall per request on loopback.
    disable_nagle_algorithm = True
    wbufsize = 1 << 16
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.sockets_lock:
            self.server.open_sockets.add(self.connection)

    def finish(self) -> None:
        with self.server.sockets_lock:
            self.server.open_sockets.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self, head: bool = False) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)  # keep the connection usable
        headers = {k.lower(): v for k, v in self.headers.items()}
        reply = self.server.hub._dispatch(self.command, self.path, headers)

        body = json.dumps(reply.payload, separators=(",", ":")).encode()
        out = {"Content-Type": "application/json; charset=utf-8", **reply.headers}
        if "gzip" in headers.get("accept-encoding", "") and len(body) > GZIP_MIN_BYTES:
            body = gzip.compress(body, compresslevel=6)
            out["Content-Encoding"] = "gzip"
            out["Vary"] = "Accept-Encoding"
        out["Content-Length"] = str(len(body))

        self.send_response_only(reply.status, REASONS.get(reply.status, "Status"))
        for key, value in out.items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)
        self.wfile.flush()


class FakeHub:
    """The Hub's model-listing API on 127.0.0.1; `with FakeHub() as hub:` or start()/stop()."""

    def __init__(self, page_size: int = 1000) -> None:
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self.page_size = page_size
        self.requests: list[FakeHubRequest] = []
        self._repos: dict[str, HubRepo] = {}
        self._faults: list[_Fault] = []
        self._lock = threading.RLock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._endpoint = ""  # kept after stop() for a handler thread still finishing

    # -- life cycle --------------------------------------------------------------------------

    def start(self) -> FakeHub:
        if self._server is not None:
            return self
        self._server = _Server(self)
        self._endpoint = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"FakeHub:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        # Keep-alive connections would go on being served by their handler threads.
        with server.sockets_lock:
            for sock in list(server.open_sockets):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeHub is not running")
        return self._server.server_address[1]

    @property
    def endpoint(self) -> str:
        """`http://127.0.0.1:PORT`, no trailing slash (the client would send `//api/models`)."""
        return f"http://127.0.0.1:{self.port}"

    # -- data --------------------------------------------------------------------------------

    def add(self, *repos: HubRepo) -> None:
        """Add repos (a repo with the same id is replaced)."""
        with self._lock:
            for repo in repos:
                self._repos[repo.id] = repo

    def remove(self, repo_id: str) -> None:
        with self._lock:
            del self._repos[repo_id]

    def repo(self, repo_id: str) -> HubRepo:
        """The live object: changes show in the next response."""
        with self._lock:
            return self._repos[repo_id]

    def set_downloads(
        self, repo_id: str, *, all_time: int | None = None, d30: int | None = None
    ) -> None:
        with self._lock:
            repo = self._repos[repo_id]
            if all_time is not None:
                repo.downloads_all_time = all_time
            if d30 is not None:
                repo.downloads = d30

    # -- faults ------------------------------------------------------------------------------

    def fail(
        self,
        status: int,
        *,
        times: int = 1,
        on_request: int | None = None,
        headers: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        path_prefix: str = "/api/models",
    ) -> None:
        """Queue a failure for requests whose path starts with `path_prefix`.

        `on_request=None`: the next `times` matching requests fail. `on_request=N`: the
        Nth matching request from now (1-based) and the `times - 1` after it fail.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if on_request is not None and on_request < 1:
            raise ValueError("on_request is 1-based")
        fault = _Fault(
            status=status,
            remaining=times,
            skip=(on_request or 1) - 1,
            headers=dict(headers or {}),
            body=body,
            path_prefix=path_prefix,
        )
        with self._lock:
            self._faults.append(fault)

    def rate_limit(self, times: int = 1, reset: int = 30, *, on_request: int | None = None) -> None:
        """HTTP 429 with the Hub's `RateLimit` headers (the client waits `reset + 1` s)."""
        self.fail(
            429,
            times=times,
            on_request=on_request,
            headers={
                "RateLimit": f'"api";r=0;t={reset}',
                "RateLimit-Policy": '"fixed window";"api";q=500;w=300',
            },
            body={"error": "You have been rate-limited; you can retry this action later."},
        )

    # -- request log -------------------------------------------------------------------------

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # -- serving (called from the handler threads) ---------------------------------------------

    def _dispatch(self, method: str, target: str, headers: dict[str, str]) -> _Reply:
        parts = urlsplit(target)
        path = unquote(parts.path)
        query = parse_qsl(parts.query, keep_blank_values=True)
        with self._lock:
            reply = self._take_fault(path)
            if reply is None:
                try:
                    reply = self._route(method, path, query)
                except _BadRequest as exc:
                    reply = _Reply(400, {"error": str(exc)})
            self.requests.append(FakeHubRequest(method, path, query, headers, reply.status))
        return reply

    def _take_fault(self, path: str) -> _Reply | None:
        fired: _Fault | None = None
        for fault in self._faults:
            if not path.startswith(fault.path_prefix):
                continue
            if fault.skip:
                fault.skip -= 1
            elif fired is None:
                fired = fault
                fault.remaining -= 1
        if fired is None:
            return None
        self._faults = [f for f in self._faults if f.remaining > 0]
        body = fired.body if fired.body is not None else {"error": f"Fake failure {fired.status}"}
        return _Reply(fired.status, body, dict(fired.headers))

    def _route(self, method: str, path: str, query: list[tuple[str, str]]) -> _Reply:
        if method in ("GET", "HEAD"):
            if path == "/api/models":
                return self._list_models(query)
            if path.startswith("/api/models/") and path.count("/") == 4:
                return self._model_info(path.removeprefix("/api/models/"), query)
        return _Reply(404, {"error": "Sorry, we can't find the page you are looking for."})

    def _model_info(self, repo_id: str, query: list[tuple[str, str]]) -> _Reply:
        expand = _parse_expand(query)
        repo = self._repos.get(repo_id)
        if repo is None:
            return _Reply(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})
        return _Reply(200, render(repo, expand))

    def _list_models(self, query: list[tuple[str, str]]) -> _Reply:
        params: dict[str, str] = {}
        for key, value in query:
            params.setdefault(key, value)
        expand = _parse_expand(query)

        sort = params.get("sort")
        if sort is not None and sort not in SORT_KEYS:
            raise _BadRequest(f"Invalid sort: {sort!r}. Allowed: {', '.join(SORT_KEYS)}")
        limit: int | None = None
        if "limit" in params:
            try:
                limit = int(params["limit"])
            except ValueError:
                limit = 0
            if limit < 1:
                raise _BadRequest(f"Invalid limit: {params['limit']!r}")
        offset = _decode_cursor(params["cursor"]) if "cursor" in params else 0

        repos = list(self._repos.values())
        if "author" in params:
            author = params["author"]
            repos = [r for r in repos if r.author == author]
        if params.get("search"):
            needle = params["search"].lower()
            repos = [r for r in repos if needle in r.id.lower()]
        if sort is not None:
            key = SORT_KEYS[sort]
            repos.sort(key=lambda r: r.id)
            # Stable, so ties stay in id order even with reverse=True.
            repos.sort(key=lambda r: _sort_value(r, key), reverse=True)

        size = min(self.page_size, limit) if limit else self.page_size
        page = repos[offset : offset + size]
        reply = _Reply(200, [render(r, expand) for r in page])
        if offset + size < len(repos):
            kept = [(k, v) for k, v in query if k not in ("cursor", "expand", "expand[]")]
            kept += [("expand", e) for e in expand or ()]
            kept.append(("cursor", _encode_cursor(offset + size)))
            reply.headers["Link"] = f'<{self._endpoint}/api/models?{urlencode(kept)}>; rel="next"'
        return reply
