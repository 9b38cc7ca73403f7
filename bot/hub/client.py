"""The Hugging Face Hub client: one paginated listing per tracked author.

The edge between trendbot and the Hub. It asks for exactly the figures trendbot
keeps (``expand`` is a whitelist, so nothing else is transferred), one request per
page and never one per model, and it turns every failure into a recorded reason
on the listing instead of an exception: a :class:`~bot.core.hub.HubError`,
classified here by the exception's type, HTTP status and errno (:func:`classify`).
A listing with any error is incomplete, and an incomplete listing is stored for
the record but feeds no ranking or alert. The records it builds
(:class:`~bot.core.hub.Listing`, :class:`~bot.core.hub.ModelStats`) live in the
core, so storage reads them without loading this client.

Retries are the client's own: ``huggingface_hub`` retries 408, 429 and 5xx
responses and timeouts up to five times, sleeping as the ``RateLimit`` header
says on a 429 and 1-8 s otherwise. trendbot adds a timeout (the client sets
none) and counts every HTTP request, retries included, through an event hook.

Two more calls serve the claim checks: :func:`fetch_repo_facts` reads named
repos' metadata (parameters, config, licence, reported scores) as
:class:`~bot.hub.repo_facts.RepoFacts`, one ``model_info`` request per repo, and
:func:`search_repos` lists an author's repos whose id holds a substring, to
resolve a written model name (see :mod:`bot.hub.names`).

The client is synchronous: call these from a thread (``asyncio.to_thread``),
never on the event loop.
"""

from __future__ import annotations

import contextvars
import errno
import os
import socket
import ssl
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot import __version__
from bot.core.hub import HubError, HubErrorKind, Listing, ModelStats, Scope
from bot.hub.repo_facts import METADATA_EXPAND, RepoFacts

if TYPE_CHECKING:
    from huggingface_hub import HfApi

    from bot.config.schema import Settings

# Set before huggingface_hub is first imported (it reads them once, at import):
# no telemetry calls, and nothing from the user's own Hub cache or login.
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")

EXPAND = [
    "downloads",
    "downloadsAllTime",
    "likes",
    "trendingScore",
    "createdAt",
    "lastModified",
    "pipeline_tag",
    "library_name",
]

_requests: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "hub_requests", default=None
)


@dataclass
class FactsFetch:
    """The metadata of named repos: one record per repo the Hub answered for.

    A repo the Hub does not have is a record with ``found=False``; a repo whose
    request failed has no record and one line in ``errors``.
    """

    facts: list[RepoFacts] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: int = 0

    @property
    def complete(self) -> bool:
        return not self.errors


@dataclass
class SearchResult:
    """An author's repo ids whose id holds a substring, in the Hub's order.

    ``unreachable``: the error was a transport error (no answer after the client's
    retries), so a caller with more searches to make should not make them now.
    """

    repo_ids: list[str] = field(default_factory=list)
    requests: int = 0
    error: str | None = None
    unreachable: bool = False


class _Stopped(Exception):
    """The service is stopping: the listing ends here, incomplete."""


def _count_request(_request: Any) -> None:
    counter = _requests.get()
    if counter is not None:
        counter[0] += 1


@contextmanager
def _counting() -> Iterator[list[int]]:
    counter = [0]
    token = _requests.set(counter)
    try:
        yield counter
    finally:
        _requests.reset(token)


_installed_timeout: tuple[float, float] | None = None


def _install_client(connect: float, read: float) -> None:
    """Give huggingface_hub's shared HTTP client timeouts and trendbot's request counter.

    The client factory is process-wide in huggingface_hub, so it is set once per
    distinct timeout rather than per call.
    """
    global _installed_timeout
    if _installed_timeout == (connect, read):
        return
    import httpx2
    from huggingface_hub.utils import _http
    from huggingface_hub.utils import logging as hf_logging

    timeouts = httpx2.Timeout(read, connect=connect).as_dict()

    def apply_timeout(request: httpx2.Request) -> None:
        # huggingface_hub passes timeout=None explicitly on listings, which would
        # override a client default and wait forever on a Hub that never answers
        if all(value is None for value in request.extensions.get("timeout", {}).values()):
            request.extensions["timeout"] = timeouts

    def factory() -> httpx2.Client:
        return httpx2.Client(
            event_hooks={"request": [_http.hf_request_event_hook, apply_timeout, _count_request]},
            follow_redirects=True,
            timeout=httpx2.Timeout(read, connect=connect),
        )

    _http.set_client_factory(factory)
    # its retry warnings would print a dozen lines per outage; trendbot records one
    hf_logging.set_verbosity_error()
    _installed_timeout = (connect, read)


def _stats(info: Any, author: str | None = None) -> ModelStats:
    repo_id = str(info.id)
    return ModelStats(
        repo_id=repo_id,
        author=author or repo_id.split("/", 1)[0],
        downloads_30d=int(info.downloads or 0),
        downloads_all_time=(
            int(info.downloads_all_time) if info.downloads_all_time is not None else None
        ),
        likes=int(info.likes or 0),
        trending_score=(float(info.trending_score) if info.trending_score is not None else None),
        created_at=_utc(info.created_at),
        last_modified=_utc(info.last_modified),
        pipeline_tag=info.pipeline_tag,
        library_name=info.library_name,
    )


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def describe_error(exc: BaseException) -> str:
    """One line for a Hub failure: the status and the server's message when there is one."""
    from huggingface_hub.errors import HfHubHTTPError

    if isinstance(exc, HfHubHTTPError):
        status = exc.response.status_code if exc.response is not None else None
        message = (exc.server_message or "").strip().splitlines()
        detail = f": {message[0][:200]}" if message else ""
        return f"HTTP {status}{detail}" if status else f"{type(exc).__name__}{detail}"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


# errno values that name the cause, on every platform (Python maps Windows' WSA codes)
_ERRNO_KINDS = {
    errno.ECONNREFUSED: HubErrorKind.REFUSED,
    errno.ENETUNREACH: HubErrorKind.NETWORK_UNREACHABLE,
    errno.EHOSTUNREACH: HubErrorKind.NO_ROUTE,
    errno.ECONNRESET: HubErrorKind.RESET,
}


def classify(exc: BaseException) -> tuple[HubErrorKind, int | None]:
    """What kind of failure ``exc`` is, and its HTTP status if the Hub answered.

    By type and attributes only: the HTTP error's response status, httpx's timeout
    classes, and for a transport error the ``OSError`` it was raised from (httpx
    chains it), by class and errno. Its message is never read, since it is the
    operating system's wording.
    """
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError

    if isinstance(exc, HfHubHTTPError):
        status = exc.response.status_code if exc.response is not None else None
        return (HubErrorKind.HTTP_STATUS, status) if status else (HubErrorKind.OTHER, None)
    timeouts = (
        (httpx2.ConnectTimeout, HubErrorKind.CONNECT_TIMEOUT),
        (httpx2.ReadTimeout, HubErrorKind.READ_TIMEOUT),
        (httpx2.WriteTimeout, HubErrorKind.WRITE_TIMEOUT),
        (httpx2.PoolTimeout, HubErrorKind.POOL_TIMEOUT),
    )
    for timeout, kind in timeouts:
        if isinstance(exc, timeout):
            return kind, None
    for cause in _chain(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return HubErrorKind.TLS_UNTRUSTED, None
        if isinstance(cause, socket.gaierror):
            return HubErrorKind.HOST_NOT_FOUND, None
        if isinstance(cause, ConnectionRefusedError):
            return HubErrorKind.REFUSED, None
        if isinstance(cause, ConnectionResetError):
            return HubErrorKind.RESET, None
        if isinstance(cause, OSError) and cause.errno in _ERRNO_KINDS:
            return _ERRNO_KINDS[cause.errno], None
    return HubErrorKind.OTHER, None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what it was raised from or during, innermost last (each once)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _failure(scope: Scope, name: str, exc: BaseException) -> HubError:
    """The record of one caught failure: its kind and status, and the line's text."""
    kind, status = classify(exc)
    return HubError(scope, name, kind, describe_error(exc), status)


def _not_asked(scope: Scope, name: str, halted: HubErrorKind) -> HubError:
    """An author or repo a listing did not ask for, after it ``halted`` (see list_tracked)."""
    if halted == HubErrorKind.STOPPED:
        return HubError.stopped(scope, name)
    return HubError.skipped(scope, name, after=Scope.AUTHOR)


def _api(settings: Settings) -> HfApi:
    """An ``HfApi`` for the configured endpoint, with trendbot's timeouts and counter installed."""
    from huggingface_hub import HfApi

    hub = settings.hub
    timeouts = settings.http.timeout
    _install_client(timeouts.connect.total_seconds(), timeouts.read.total_seconds())
    return HfApi(
        endpoint=hub.endpoint.rstrip("/"),
        token=os.environ.get(hub.token_env) or False,
        library_name="trendbot",
        library_version=__version__,
    )


def list_tracked(
    settings: Settings,
    authors: Iterable[str] | None = None,
    repos: Iterable[str] | None = None,
    stop: threading.Event | None = None,
) -> Listing:
    """List every tracked author's models, then the extra repos families name.

    Never raises for a Hub or network failure: the failure is recorded on the
    listing (making it incomplete) and the other authors are still listed, so
    that one author's outage does not blank the others' history.
    """
    import httpx2
    from huggingface_hub.errors import RepositoryNotFoundError

    hub = settings.hub
    api = _api(settings)
    author_list = list(dict.fromkeys(authors if authors is not None else hub.authors))
    if repos is None:
        repos = [repo for family in hub.effective_families().values() for repo in family.repos]
    listing = Listing(authors=author_list, started_at=datetime.now(UTC))
    seen: set[str] = set()
    # once set, nothing more is asked, and why: STOPPED (trendbot is stopping) or
    # SKIPPED (the Hub did not answer for an earlier author)
    halted: HubErrorKind | None = None
    with _counting() as counter:
        for author in author_list:
            if stop is not None and stop.is_set():
                halted = halted or HubErrorKind.STOPPED
            if halted:
                listing.failures.append(_not_asked(Scope.AUTHOR, author, halted))
                continue
            try:
                for info in api.list_models(author=author, sort="downloads", expand=EXPAND):
                    if stop is not None and stop.is_set():
                        raise _Stopped
                    stats = _stats(info, author)
                    if stats.repo_id not in seen:
                        seen.add(stats.repo_id)
                        listing.models.append(stats)
            except _Stopped:
                listing.failures.append(HubError.stopped(Scope.AUTHOR, author, cut_short=True))
                halted = HubErrorKind.STOPPED
            except Exception as exc:  # any failure is this author's, recorded, not raised
                listing.failures.append(_failure(Scope.AUTHOR, author, exc))
                if isinstance(exc, httpx2.TransportError):
                    # no answer at all, after the client's own retries: asking again for
                    # every other author would only repeat the wait
                    halted = HubErrorKind.SKIPPED
        for repo_id in dict.fromkeys(repos):
            if repo_id in seen:
                continue
            if halted:
                listing.failures.append(_not_asked(Scope.REPO, repo_id, halted))
                continue
            try:
                info = api.model_info(repo_id, expand=EXPAND)
            except RepositoryNotFoundError:
                listing.missing_repos.append(repo_id)  # gone or renamed: noted, not a failure
                continue
            except Exception as exc:
                listing.failures.append(_failure(Scope.REPO, repo_id, exc))
                continue
            seen.add(repo_id)
            listing.models.append(_stats(info))
        listing.requests = counter[0]
    listing.finished_at = datetime.now(UTC)
    return listing


def fetch_repo_facts(settings: Settings, repo_ids: Iterable[str]) -> FactsFetch:
    """The Hub's metadata for each repo, one ``model_info`` request per repo.

    Never raises for a Hub or network failure: a failed repo is one line in
    ``errors`` and the others are still asked for, except after a transport error
    (no answer at all), when the remaining repos are skipped with that reason
    rather than each waiting for its own timeout. ``model_info`` does not retry.
    """
    import httpx2
    from huggingface_hub.errors import RepositoryNotFoundError

    api = _api(settings)
    fetch = FactsFetch()
    unreachable = False
    with _counting() as counter:
        for repo_id in dict.fromkeys(repo_ids):
            if unreachable:
                fetch.errors.append(HubError.skipped(Scope.REPO, repo_id, after=Scope.REPO).line)
                continue
            fetched_at = datetime.now(UTC)
            try:
                info = api.model_info(repo_id, expand=METADATA_EXPAND)
            except RepositoryNotFoundError:
                fetch.facts.append(RepoFacts(repo_id, fetched_at, found=False))
                continue
            except Exception as exc:  # this repo's failure, recorded, not raised
                fetch.errors.append(_failure(Scope.REPO, repo_id, exc).line)
                if isinstance(exc, httpx2.TransportError):
                    unreachable = True
                continue
            fetch.facts.append(RepoFacts.from_hub(_hub_json(info), fetched_at))
        fetch.requests = counter[0]
    return fetch


def _hub_json(info: Any) -> dict[str, Any]:
    """A ``ModelInfo`` back in the JSON shape of ``GET /api/models/{id}?expand=...``."""
    data: dict[str, Any] = {"id": str(info.id)}
    created_at = _utc(info.created_at)
    if created_at is not None:
        data["createdAt"] = created_at.isoformat()
    if info.safetensors is not None:
        data["safetensors"] = {
            "parameters": dict(info.safetensors.parameters or {}),
            "total": info.safetensors.total,
        }
    if info.config is not None:
        data["config"] = info.config
    if info.used_storage is not None:
        data["usedStorage"] = info.used_storage
    if info.children_model_count is not None:
        data["childrenModelCount"] = info.children_model_count
    if info.tags is not None:
        data["tags"] = list(info.tags)
    card = _card_json(info.card_data)
    if card is not None:
        data["cardData"] = card
    return data


def _card_json(card: Any) -> dict[str, Any] | None:
    """The card's metadata as the Hub sent it, as far as ``ModelCardData`` kept it.

    ``ModelCardData`` parses ``model-index`` into flat ``eval_results`` (one per
    metric), and its ``to_dict()`` regroups them by task, dataset type, config,
    split and revision only: two results that differ in dataset name or ``args``
    (MMLU 5-shot and 0-shot) would come back as one, every score labelled with the
    first one's setup. So the model-index is rebuilt here with one result per
    metric, each with its own dataset fields.
    """
    from huggingface_hub import ModelCardData

    if card is None:
        return None
    if not isinstance(card, ModelCardData):
        return dict(card) if isinstance(card, dict) else None
    data = card.to_dict()
    data.pop("eval_results", None)
    data.pop("model_name", None)
    data.pop("model-index", None)
    if card.eval_results:
        data["model-index"] = [
            {"name": card.model_name, "results": [_result_json(r) for r in card.eval_results]}
        ]
    return data


def _result_json(result: Any) -> dict[str, Any]:
    def present(values: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in values.items() if v is not None}

    metric = present(
        {
            "type": result.metric_type,
            "value": result.metric_value,
            "name": result.metric_name,
            "config": result.metric_config,
            "args": result.metric_args,
            "verified": result.verified,
        }
    )
    return present(
        {
            "task": present({"type": result.task_type, "name": result.task_name}),
            "dataset": present(
                {
                    "name": result.dataset_name,
                    "type": result.dataset_type,
                    "config": result.dataset_config,
                    "split": result.dataset_split,
                    "revision": result.dataset_revision,
                    "args": result.dataset_args,
                }
            ),
            "metrics": [metric],
            "source": present({"url": result.source_url, "name": result.source_name}) or None,
        }
    )


def search_repos(settings: Settings, author: str, query: str, limit: int = 50) -> SearchResult:
    """The ids of ``author``'s repos whose id holds ``query`` (case-insensitive), Hub order.

    One listing request (``limit`` is its page size and the client stops there).
    ``search`` alone would also match other namespaces' copies (``unsloth/...``):
    ``author`` keeps the answer to the one namespace. Never raises for a Hub or
    network failure: it is ``error``, and ``repo_ids`` holds what came before it.
    The listing retries 408, 429 and 5xx and transport errors five times by itself.
    """
    import httpx2

    api = _api(settings)
    result = SearchResult()
    with _counting() as counter:
        try:
            for info in api.list_models(
                author=author,
                search=query,
                limit=limit,
                expand=["downloadsAllTime", "createdAt"],
            ):
                result.repo_ids.append(str(info.id))
        except Exception as exc:  # recorded, not raised
            result.error = describe_error(exc)
            result.unreachable = isinstance(exc, httpx2.TransportError)
        result.requests = counter[0]
    return result
