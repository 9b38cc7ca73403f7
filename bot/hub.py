"""The Hugging Face Hub client: one paginated listing per tracked author.

The edge between trendbot and the Hub. It asks for exactly the figures trendbot
keeps (``expand`` is a whitelist, so nothing else is transferred), one request per
page and never one per model, and it turns every failure into a recorded reason
on the listing instead of an exception: a listing with any error is incomplete,
and an incomplete listing is stored for the record but feeds no ranking or alert.

Retries are the client's own: ``huggingface_hub`` retries 408, 429 and 5xx
responses and timeouts up to five times, sleeping as the ``RateLimit`` header
says on a 429 and 1-8 s otherwise. trendbot adds a timeout (the client sets
none) and counts every HTTP request, retries included, through an event hook.

The client is synchronous: call :func:`list_tracked` from a thread
(``asyncio.to_thread``), never on the event loop.
"""

from __future__ import annotations

import contextvars
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot import __version__

if TYPE_CHECKING:
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


@dataclass(frozen=True)
class ModelStats:
    """One model's figures as the Hub gave them at one moment."""

    repo_id: str
    author: str
    downloads_30d: int
    downloads_all_time: int | None
    likes: int
    trending_score: float | None
    created_at: datetime | None = None
    last_modified: datetime | None = None
    pipeline_tag: str | None = None
    library_name: str | None = None


@dataclass
class Listing:
    """What one pass over the tracked authors (and extra repos) returned."""

    authors: list[str]
    started_at: datetime
    finished_at: datetime | None = None
    models: list[ModelStats] = field(default_factory=list)
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    missing_repos: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.errors


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
    from huggingface_hub import HfApi
    from huggingface_hub.errors import RepositoryNotFoundError

    hub = settings.hub
    timeouts = settings.http.timeout
    _install_client(timeouts.connect.total_seconds(), timeouts.read.total_seconds())
    token = os.environ.get(hub.token_env) or False
    api = HfApi(
        endpoint=hub.endpoint.rstrip("/"),
        token=token,
        library_name="trendbot",
        library_version=__version__,
    )
    author_list = list(dict.fromkeys(authors if authors is not None else hub.authors))
    if repos is None:
        repos = [repo for family in hub.effective_families().values() for repo in family.repos]
    listing = Listing(authors=author_list, started_at=datetime.now(UTC))
    seen: set[str] = set()
    unreachable: str | None = None
    with _counting() as counter:
        for author in author_list:
            if stop is not None and stop.is_set():
                unreachable = unreachable or "trendbot is stopping"
            if unreachable:
                listing.errors.append(f"author {author}: skipped, {unreachable}")
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
                listing.errors.append(f"author {author}: cut short, trendbot is stopping")
                unreachable = "trendbot is stopping"
            except Exception as exc:  # any failure is this author's, recorded, not raised
                listing.errors.append(f"author {author}: {describe_error(exc)}")
                if isinstance(exc, httpx2.TransportError):
                    # no answer at all, after the client's own retries: asking again for
                    # every other author would only repeat the wait
                    unreachable = "the Hub did not answer for an earlier author"
        for repo_id in dict.fromkeys(repos):
            if repo_id in seen:
                continue
            if unreachable:
                listing.errors.append(f"repo {repo_id}: skipped, {unreachable}")
                continue
            try:
                info = api.model_info(repo_id, expand=EXPAND)
            except RepositoryNotFoundError:
                listing.missing_repos.append(repo_id)  # gone or renamed: noted, not a failure
                continue
            except Exception as exc:
                listing.errors.append(f"repo {repo_id}: {describe_error(exc)}")
                continue
            seen.add(repo_id)
            listing.models.append(_stats(info))
        listing.requests = counter[0]
    listing.finished_at = datetime.now(UTC)
    return listing
