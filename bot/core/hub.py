"""The Hub's records: what one listing of the tracked authors returned, and why it fell short.

The Hub client (:mod:`bot.hub.client`) builds them, storage (:mod:`bot.store.hub`) writes
them and the Hub-health rule (:func:`bot.hub.health.hub_cause`) reads them, so they
live at the ground floor: storage depends on the core, never on the client that
loads huggingface_hub.

A failure is a record (:class:`HubError`), classified where its exception is
caught, by the exception's type, HTTP status and errno, never by its message: the
message is the operating system's English, which differs between platforms and
versions. Its text (:attr:`HubError.line`, ``author Qwen: ConnectError: [Errno 111]
Connection refused``) is what the database, ``trendbot hub snapshot`` and the logs
keep, so the record changes how trendbot decides, not what it says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

# Why a pass ends early when the service shuts down; said in lines and in the cause.
STOPPING = "trendbot is stopping"


class Scope(StrEnum):
    """What a failed request was for: an author's listing or one extra repo."""

    AUTHOR = "author"
    REPO = "repo"


class HubErrorKind(StrEnum):
    """What went wrong, as far as an admin acts on it (each kind is one phrase of the cause)."""

    REFUSED = "refused"  # nothing listens at the address (ECONNREFUSED)
    HOST_NOT_FOUND = "host_not_found"  # the host name does not resolve (getaddrinfo)
    NETWORK_UNREACHABLE = "network_unreachable"  # ENETUNREACH
    NO_ROUTE = "no_route"  # EHOSTUNREACH
    RESET = "reset"  # the connection was reset (ECONNRESET)
    TLS_UNTRUSTED = "tls_untrusted"  # the server's certificate failed verification
    CONNECT_TIMEOUT = "connect_timeout"
    READ_TIMEOUT = "read_timeout"
    WRITE_TIMEOUT = "write_timeout"
    POOL_TIMEOUT = "pool_timeout"
    HTTP_STATUS = "http_status"  # the Hub answered, with an error status (``status``)
    OTHER = "other"  # anything else: ``detail`` says what
    STOPPED = "stopped"  # trendbot is stopping: cut short, or never asked
    SKIPPED = "skipped"  # never asked: the Hub did not answer for an earlier one


@dataclass(frozen=True)
class HubError:
    """One author or repo the pass did not get, and why.

    ``detail`` is the line's text after the name (``HTTP 500: Fake failure 500``,
    ``ReadTimeout: timed out``, ``skipped, trendbot is stopping``): the exception's
    class and first line, or the reason it was never asked, as written at the time.
    """

    scope: Scope
    name: str
    kind: HubErrorKind
    detail: str
    status: int | None = None  # the HTTP status, for HTTP_STATUS

    @property
    def line(self) -> str:
        """The error as stored with the run and shown: ``author Qwen: HTTP 500``."""
        return f"{self.scope} {self.name}: {self.detail}"

    @classmethod
    def stopped(cls, scope: Scope, name: str, *, cut_short: bool = False) -> HubError:
        """Not (fully) listed because trendbot is stopping: ``cut_short`` if it was being
        listed then (what came so far is kept), else never asked."""
        said = "cut short" if cut_short else "skipped"
        return cls(scope, name, HubErrorKind.STOPPED, f"{said}, {STOPPING}")

    @classmethod
    def skipped(cls, scope: Scope, name: str, *, after: Scope) -> HubError:
        """Never asked: the Hub gave no answer at all for an earlier ``after`` (author or
        repo), so asking again would only repeat the wait."""
        detail = f"skipped, the Hub did not answer for an earlier {after}"
        return cls(scope, name, HubErrorKind.SKIPPED, detail)


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
    """What one pass over the tracked authors (and extra repos) returned.

    A listing with any failure is incomplete: it is stored for the record but feeds
    no ranking or alert. ``missing_repos`` are repos the Hub no longer has (gone or
    renamed), which is news about the repo, not a failure of the pass.
    """

    authors: list[str]
    started_at: datetime
    finished_at: datetime | None = None
    models: list[ModelStats] = field(default_factory=list)
    requests: int = 0
    failures: list[HubError] = field(default_factory=list)
    missing_repos: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.failures

    @property
    def errors(self) -> list[str]:
        """The failures as the lines that are stored with the run and reported, in order."""
        return [failure.line for failure in self.failures]
