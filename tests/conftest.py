"""Shared fixtures: config files, the two databases, and the ../shared corpora.

PostgreSQL tests run against the server at TRENDBOT_TEST_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test), each in a schema of its own that is
dropped afterwards, and are skipped with the reason when the server is not there.

The run ends with a check (Linux) that no process it started is still running:
an unclosed worker pool, a subprocess not waited for, or the pool a killed
`trendbot` left behind fails the run, and is killed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import textwrap
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

# The Hub client reads these once, at import: no telemetry, no user cache or token,
# and no proxy for the loopback fake Hub.
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="trendbot-hf-home-")
os.environ["NO_PROXY"] = ",".join(
    filter(None, [os.environ.get("NO_PROXY"), "127.0.0.1", "localhost"])
)
os.environ.pop("HF_HUB_OFFLINE", None)

from bot.demo.hub_server import FakeHub
from bot.store.db import create_db_engine
from tests import processes
from tests.fakes.web import FakeWeb

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
POSTGRES_URL = os.environ.get(
    "TRENDBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)

MINIMAL_CONFIG = """\
database: sqlite:///data/trendbot.db
http:
  allow_private: false
feeds:
  - name: Example AI news
    url: https://example.com/feed.xml
hub:
  endpoint: https://huggingface.co
  authors: [Qwen, meta-llama]
  families:
    Qwen: {authors: [Qwen]}
  milestones: [100000000, 250000000, 500000000, 700000000, 1000000000]
discord:
  token_env: DISCORD_TOKEN
  channels: {digest: 111, alerts: 222, news: 333}
"""


def pytest_sessionstart(session: pytest.Session) -> None:
    """Adopt the orphans of the processes tests start, so the final check sees them too:
    what a `kill -9` of a `trendbot` subprocess leaves behind would otherwise go to init."""
    processes.become_subreaper()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when a process it started outlives its tests (they are killed then).

    Leftover worker pools cost about 300 MB each and piled up run after run; only a
    check at the very end sees every one of them, whichever test started it.
    """
    if not processes.LINUX:
        return
    interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
    left = processes.left_behind(grace=0 if interrupted else 15)
    if not left or interrupted:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"{len(left)} process(es) started by the tests were still running; killed:"]
    lines += [f"  {proc}" for proc in left]
    if reporter is not None:
        reporter.write_sep("=", "processes left behind", red=True)
        for line in lines:
            reporter.write_line(line)
    else:
        print("\n".join(lines), file=sys.stderr)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], Path]:
    """Write YAML text (dedented) to a config.yaml in a fresh folder and return its path."""

    def write(body: str, name: str = "config.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(body), encoding="utf-8")
        return path

    return write


@pytest.fixture
async def web() -> AsyncIterator[FakeWeb]:
    """A fake publisher on 127.0.0.1: feeds and pages scripted per path by the test."""
    server = await FakeWeb().start()
    yield server
    await server.stop()


@pytest.fixture
def fake_hub() -> Iterator[FakeHub]:
    """A fake Hugging Face Hub on 127.0.0.1 for the real huggingface_hub client."""
    with FakeHub() as hub:
        yield hub


@pytest.fixture
def hub_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The Hub client's retry sleeps, recorded instead of slept."""
    import types

    from huggingface_hub.utils import _http

    slept: list[float] = []
    monkeypatch.setattr(_http, "time", types.SimpleNamespace(sleep=slept.append))
    return slept


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the checkout; tests that need it skip with the reason when absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (only CI and developer machines have ../shared)")
    return SHARED


def _postgres_reachable() -> str | None:
    try:
        engine = create_engine(make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"))
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure means: skip, and say why
        return str(exc).strip().splitlines()[0]
    return None


@pytest.fixture(scope="session")
def postgres_server() -> str:
    reason = _postgres_reachable()
    if reason:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {reason}")
    return POSTGRES_URL


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A URL whose connections live in a fresh schema, dropped after the test."""
    schema = f"trendbot_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(postgres_server).set(drivername="postgresql+psycopg"))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(postgres_server).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage test runs on the embedded SQLite default and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'trendbot.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    from bot.store.migrate import upgrade

    engine = create_db_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()
