"""The architecture, checked (issue 14): which module may import which.

Every ``.py`` file under ``bot/`` and ``extractors/`` is parsed with :mod:`ast`;
nothing is imported. Each import is resolved to an absolute module name and
tagged as module-level, inside a function, or under ``if TYPE_CHECKING:``. The
rules:

- R1: ``extractors`` imports neither ``bot`` nor anything FORBIDDEN.
- R2: ``bot.core`` imports only the standard library, ``bot.core`` and
  ``extractors.vocabulary`` / ``extractors.extraction``.
- R3: a PURE module imports nothing FORBIDDEN and no edge (storage, read models,
  delivery, jobs, clients); and what it loads at import time (the closure of
  module-level imports, with every package ``__init__`` on the way) loads nothing
  FORBIDDEN either.
- R4: ``bot.store`` imports, inside ``bot``, only the pure core (``bot.core`` and
  the PURE rule modules, which import no storage themselves), ``bot.config`` and
  ``bot.store``: storage depends on the core, never on the edges or the jobs.
- R5: discord.py, aiohttp and yarl live only at the Discord edge; APScheduler
  only in the service, its config schema and ``status``.
- R6: no ``type: ignore[attr-defined]`` under ``bot/discord/``.
- R7: no import cycles among module-level imports.

R1 to R6 count every import, wherever it is; R3's closure and R7 only those that
run when the module is imported.

What is wrong today is listed in RATCHET, each entry with the refactor step that
removes it. The list may only shrink: a violation not in it fails, and so does an
entry that no longer happens (delete it, so it cannot come back unnoticed).
"""

from __future__ import annotations

import ast
import io
import re
import sys
import textwrap
import tokenize
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (file, imported module): the violations that exist today, each removed by a step
# of the issue 14 plan. A closure violation (R3) names the forbidden package it
# loads; an R6 entry names the comment; an R7 entry is one edge of the cycle.
RATCHET: frozenset[tuple[str, str]] = frozenset()

PACKAGES = ("bot", "extractors")

FORBIDDEN = frozenset(
    {
        "sqlalchemy",
        "sqlmodel",
        "alembic",
        "psycopg",
        "httpx",
        "aiohttp",
        "yarl",
        "discord",
        "apscheduler",
        "huggingface_hub",
    }
)

# The pure modules, by package (bot/ingest/, bot/hub/ and bot/delivery/ hold edges
# too, so their pure modules are named one by one).
PURE = (
    "bot.core",
    "bot.ingest.decisions",
    "bot.ingest.health",
    "bot.ingest.routing",
    "bot.ingest.dedupe",
    "bot.hub.health",
    "bot.hub.verify",
    "bot.hub.verify_repo",
    "bot.hub.rankings",
    "bot.hub.alerts",
    "bot.hub.snapshots",
    "bot.hub.names",
    "bot.hub.repo_facts",
    "bot.delivery.digest",
    "bot.delivery.messages",
    "bot.delivery.replies",
    "bot.delivery.charts",
    "bot.time_text",
    "bot.backoff",
    "bot.daemon_thread",
)

# The edges a pure module may not import, and what each one is (the first prefix
# that matches names it, so bot.store.queries comes before the rest of bot.store).
EDGES = {
    "bot.store.queries": "the read models",
    "bot.store": "storage",
    "bot.delivery.sender": "delivery",
    "bot.service": "the service",
    "bot.discord": "Discord",
    "bot.cli": "the command line",
    "bot.ingest.crawl": "the crawler",
    "bot.ingest.fetch": "the HTTP edge",
    "bot.hub.client": "the Hub client",
    "bot.ingest.workers": "the worker pool",
    "bot.delivery.pictures": "the pictures (charts from the database)",
    "bot.demo": "the demo",
    "bot.ingest.feedcheck": "the feed check",
}
# The jobs (bot.hub.job, bot.delivery.digest_job): a module called job or *_job, in
# any package of bot.
JOB = re.compile(r"^bot(\.\w+)*\.(\w+_)?job(\.|$)")

CORE_MAY_IMPORT = ("bot.core", "extractors.vocabulary", "extractors.extraction")
STORE_MAY_IMPORT = ("bot.core", "bot.config", "bot.store", "bot.hub.repo_facts")
STORE_NEVER = {
    "bot.discord": "Discord",
    "bot.service": "the service",
    "bot.cli": "the command line",
    "bot.ingest.crawl": "the crawler",
    "bot.delivery.sender": "delivery",
}

DISCORD_SIDE = frozenset({"discord", "aiohttp", "yarl"})
DISCORD_HOMES = ("bot/discord/", "bot/service.py", "bot/cli/run.py")
SCHEDULER_HOMES = ("bot/service.py", "bot/config/schema.py", "bot/cli/status.py")

IGNORE_ATTR_DEFINED = re.compile(r"type:\s*ignore\[[^\]]*\battr-defined\b")

MODULE, FUNCTION, TYPE_CHECKING = "module", "function", "type-checking"
KIND_TEXT = {MODULE: "", FUNCTION: " (in a function)", TYPE_CHECKING: " (under TYPE_CHECKING)"}


@dataclass(frozen=True, order=True)
class Import:
    file: str
    line: int
    module: str
    kind: str


@dataclass(frozen=True, order=True)
class Violation:
    file: str
    line: int
    module: str
    rule: str
    reason: str
    detail: str = ""
    verb: str = "imports"

    @property
    def key(self) -> tuple[str, str]:
        return self.file, self.module

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.verb} {self.module}{self.detail}: {self.reason}"


def within(module: str, *prefixes: str) -> bool:
    """Whether ``module`` is one of ``prefixes`` or inside one of them."""
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def top(module: str) -> str:
    return module.partition(".")[0]


def parents(module: str) -> list[str]:
    """The packages whose ``__init__`` runs before ``module``: a.b.c gives a, a.b."""
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


class Tree:
    """The modules under ``root``'s packages, parsed, with every import resolved."""

    def __init__(self, root: Path, packages: tuple[str, ...] = PACKAGES):
        self.root = root
        self.files: dict[str, str] = {}  # module -> file (relative, with /)
        self.sources: dict[str, str] = {}  # file -> text
        for package in packages:
            for path in sorted((root / package).rglob("*.py")):
                file = path.relative_to(root).as_posix()
                parts = file.removesuffix(".py").split("/")
                if parts[-1] == "__init__":
                    parts.pop()
                self.files[".".join(parts)] = file
                self.sources[file] = path.read_text(encoding="utf-8")
        self.imports: dict[str, list[Import]] = {
            module: list(self._imports(module)) for module in self.files
        }

    def _imports(self, module: str) -> Iterator[Import]:
        file = self.files[module]
        tree = ast.parse(self.sources[file], filename=file)
        package = module if file.endswith("/__init__.py") else module.rpartition(".")[0]
        for node, kind in _walk(tree, MODULE):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(file, node.lineno, alias.name, kind)
                continue
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield Import(file, node.lineno, sub if sub in self.files else base, kind)

    def module_level(self, module: str) -> list[Import]:
        return [i for i in self.imports.get(module, []) if i.kind == MODULE]


def _walk(node: ast.AST, kind: str) -> Iterator[tuple[ast.Import | ast.ImportFrom, str]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, kind
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield from _walk(child, FUNCTION if kind == MODULE else kind)
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for statement in child.body:
                yield from _walk(ast.Module(body=[statement], type_ignores=[]), TYPE_CHECKING)
            for statement in child.orelse:
                yield from _walk(ast.Module(body=[statement], type_ignores=[]), kind)
        else:
            yield from _walk(child, kind)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def is_pure(module: str) -> bool:
    return within(module, *PURE)


def edge(module: str) -> str | None:
    """What kind of edge ``module`` is, or None for a module a pure one may import."""
    if JOB.match(module):
        return "a job"
    for prefix, what in EDGES.items():
        if within(module, prefix):
            return what
    return None


def _rules(module: str, imp: Import) -> Iterator[Violation]:
    """R1 to R5 for one import of ``module``."""
    file, target, pkg = imp.file, imp.module, top(imp.module)
    detail = KIND_TEXT[imp.kind]

    def out(rule: str, reason: str) -> Violation:
        return Violation(file, imp.line, target, rule, reason, detail)

    if within(module, "extractors"):
        if pkg == "bot":
            yield out("R1", "extractors may not import bot")
        elif pkg in FORBIDDEN:
            yield out("R1", f"extractors may not import {pkg}")
    if within(module, "bot.core") and not (
        pkg in sys.stdlib_module_names or within(target, *CORE_MAY_IMPORT)
    ):
        yield out(
            "R2",
            "the core imports only the standard library, bot.core and "
            "extractors.vocabulary/extractors.extraction",
        )
    if is_pure(module):
        if pkg in FORBIDDEN:
            yield out("R3", f"the pure core may not import {pkg}")
        elif what := edge(target):
            yield out("R3", f"the pure core may not import {what}")
    if (
        within(module, "bot.store")
        and pkg == "bot"
        and target != "bot"  # the package itself (its __version__) is harmless
        and not within(target, *STORE_MAY_IMPORT)
        and not is_pure(target)
    ):
        never = next((w for p, w in STORE_NEVER.items() if within(target, p)), None)
        if never is None and JOB.match(target):
            never = "a job"
        yield out(
            "R4",
            f"storage may not import {never}"
            if never
            else "storage imports, inside bot, only the pure core, bot.config and bot.store",
        )
    if pkg in DISCORD_SIDE and not file.startswith(DISCORD_HOMES):
        yield out("R5", f"{pkg} belongs in bot/discord/, bot/service.py and bot/cli/run.py only")
    if pkg == "apscheduler" and file not in SCHEDULER_HOMES:
        yield out(
            "R5", "apscheduler belongs in bot/service.py, bot/config/schema.py, bot/cli/status.py"
        )


def _closure(tree: Tree, module: str) -> Iterator[Violation]:
    """R3: what importing a pure module loads, through module-level imports and packages."""
    file = tree.files[module]
    direct = {top(i.module) for i in tree.module_level(module)}
    # Breadth first, so each forbidden package is reported with its shortest path:
    # came_from[m] is the module whose import (at that line) loaded m, and whether m
    # ran as the package of what was imported.
    came_from: dict[str, tuple[str, int, bool]] = {}
    queue = deque([module])
    reported: set[str] = set()

    def reach(target: str, by: str, line: int, package: bool) -> None:
        if target in tree.files and target != module and target not in came_from:
            came_from[target] = (by, line, package)
            queue.append(target)

    for parent in parents(module):
        reach(parent, module, 1, True)
    while queue:
        current = queue.popleft()
        for imp in tree.module_level(current):
            pkg = top(imp.module)
            if (
                pkg in FORBIDDEN
                and pkg not in reported
                and not (current == module and pkg in direct)
            ):
                reported.add(pkg)
                path, step, line = [f"{imp.module} ({imp.file}:{imp.line})"], current, imp.line
                while step != module:
                    by, line, package = came_from[step]
                    path.append(f"{step} (package)" if package else step)
                    step = by
                yield Violation(
                    file,
                    line,
                    pkg,
                    "R3",
                    f"the pure core may not load {pkg}",
                    " through " + " -> ".join(reversed(path)),
                    verb="loads",
                )
            for parent in parents(imp.module):
                reach(parent, current, imp.line, True)
            reach(imp.module, current, imp.line, False)


def _ignores(tree: Tree) -> Iterator[Violation]:
    """R6: ``type: ignore[attr-defined]`` comments under bot/discord/."""
    for file, source in tree.sources.items():
        if not file.startswith("bot/discord/"):
            continue
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT and IGNORE_ATTR_DEFINED.search(token.string):
                yield Violation(
                    file,
                    token.start[0],
                    "type: ignore[attr-defined]",
                    "R6",
                    "type it against the concrete bot class (TrendBot) instead",
                    verb="has",
                )


def _cycles(tree: Tree) -> Iterator[Violation]:
    """R7: one violation per strongly connected component of the module-level graph."""
    graph: dict[str, dict[str, int]] = {}
    for module in tree.files:
        edges: dict[str, int] = {}
        for imp in tree.module_level(module):
            if imp.module in tree.files and imp.module != module:
                edges.setdefault(imp.module, imp.line)
        graph[module] = edges
    for component in _tarjan(graph):
        if len(component) < 2:
            continue
        start = min(component)
        first = min(t for t in graph[start] if t in component)
        # The shortest way back from ``first`` to ``start`` inside the component.
        came_from: dict[str, str | None] = {first: None}
        queue = deque([first])
        while queue and start not in came_from:
            node = queue.popleft()
            for target in sorted(graph[node]):
                if target in component and target not in came_from:
                    came_from[target] = node
                    queue.append(target)
        back, step = [], came_from[start]
        while step is not None:
            back.append(step)
            step = came_from[step]
        cycle = [start, *reversed(back), start]
        yield Violation(
            tree.files[start],
            graph[start][first],
            first,
            "R7",
            "import cycle " + " -> ".join(cycle),
        )


def _tarjan(graph: dict[str, dict[str, int]]) -> list[set[str]]:
    """Tarjan's strongly connected components (iterative, so deep graphs are fine)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for target in successors:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    components.append(component)
    return components


def check(root: Path) -> list[Violation]:
    """Every violation of R1 to R7 under ``root``, one per file, line and module."""
    tree = Tree(root)
    found: list[Violation] = []
    for module in tree.files:
        for imp in tree.imports[module]:
            found += _rules(module, imp)
        if is_pure(module):
            found += _closure(tree, module)
    found += _ignores(tree)
    found += _cycles(tree)
    # One import breaking R1 and R5, or R2 and R3, is said once, by the first rule;
    # a cycle is a different story and is always said.
    unique: dict[tuple[str, int, str, bool], Violation] = {}
    for v in found:
        unique.setdefault((v.file, v.line, v.module, v.rule == "R7"), v)
    return sorted(unique.values())


def against_ratchet(
    found: list[Violation], ratchet: frozenset[tuple[str, str]]
) -> tuple[list[str], list[str]]:
    """The violations the ratchet does not allow, and the entries that no longer happen."""
    new = [str(v) for v in found if v.key not in ratchet]
    seen = {v.key for v in found}
    gone = [f"{file} -> {module}" for file, module in sorted(ratchet - seen)]
    return new, gone


def test_no_violation_beyond_the_ratchet():
    new, _ = against_ratchet(check(ROOT), RATCHET)
    assert not new, "new architecture violations:\n" + "\n".join(new)


def test_the_ratchet_only_shrinks():
    _, gone = against_ratchet(check(ROOT), RATCHET)
    assert not gone, "fixed, so delete from RATCHET in tests/test_architecture.py:\n" + "\n".join(
        gone
    )


def test_the_checker_reads_the_real_tree():
    """A checker that sees no imports would pass everything: make sure it sees them."""
    tree = Tree(ROOT)
    assert {"bot.hub.verify", "bot.store.models", "extractors.vocabulary"} <= set(tree.files)
    assert any(i.module.startswith("apscheduler") for i in tree.imports["bot.service"])
    assert any(within(i.module, "sqlmodel") for i in tree.module_level("bot.store.models"))


FIXTURE = {
    "bot/__init__.py": "",
    "bot/core/__init__.py": "",
    "bot/core/vocab.py": """\
        from __future__ import annotations
        import enum
        from extractors.vocabulary import Unit
        from . import kinds
        import pydantic
        from bot.config import schema
    """,
    "bot/core/kinds.py": "import enum\n",
    "bot/config/__init__.py": "from bot.config.load import load\n",
    "bot/config/load.py": """\
        import sqlalchemy

        def load():
            from sqlalchemy.engine import make_url
    """,
    "bot/config/schema.py": "import apscheduler\n",
    "bot/hub/__init__.py": "",
    "bot/hub/verify.py": """\
        from typing import TYPE_CHECKING
        from bot.config.schema import Settings
        from ..store.models import VerdictStatus

        if TYPE_CHECKING:
            from bot.store.queries import Row
        else:
            import json

        def later():
            import httpx
            from bot.delivery import digest_job
    """,
    "bot/hub/rankings.py": "from bot.core.vocab import X\nimport bot.time_text\n",
    # a pure module may not import the edge beside it in its own package
    "bot/hub/names.py": "from bot.hub.client import search_repos\n",
    "bot/time_text.py": "import json\n",
    "bot/delivery/__init__.py": "",
    "bot/delivery/digest_job.py": "import bot.hub.rankings\n",
    "bot/store/__init__.py": "",
    "bot/store/models.py": """\
        import sqlmodel
        from bot.config import Settings
        from bot.ingest.health import FeedHealth
        from ..hub.job import run
        import aiohttp
    """,
    "bot/ingest/__init__.py": "",
    "bot/ingest/health.py": "from bot.store import ingest\n",
    # storage may use a pure rule (bot.ingest.health), never an edge, even one
    # in the same package (bot.ingest.fetch)
    "bot/store/ingest.py": """\
        from bot.ingest.health import rule
        from bot.ingest.fetch import Fetcher
    """,
    "bot/discord/__init__.py": "",
    "bot/discord/cog.py": """\
        import discord
        x = bot.engine  # type: ignore[attr-defined]
        y = "# type: ignore[attr-defined]"
        z = bot.settings  # type: ignore[union-attr, attr-defined]
    """,
    "bot/service.py": """\
        import typing
        import apscheduler
        import discord

        if typing.TYPE_CHECKING:
            from bot.cli.status import Status
    """,
    "bot/cli/__init__.py": "",
    "bot/cli/status.py": "import apscheduler\nimport yarl\nimport bot.service\n",
    "bot/cli/a.py": "from bot.cli import b\n",
    "bot/cli/b.py": "from .c import go\n",
    "bot/cli/c.py": """\
        import bot.cli.a

        def go():
            import bot.cli.b
    """,
    "extractors/__init__.py": "",
    "extractors/vocabulary.py": "import enum\n",
    "extractors/claims.py": """\
        from . import vocabulary

        def f():
            from bot.hub.names import resolve
            import huggingface_hub
    """,
}


# (place, module, rule) of every violation planted in FIXTURE, in the order reported.
EXPECTED = [
    ("bot/cli/a.py:1", "bot.cli.b", "R7"),
    ("bot/cli/status.py:2", "yarl", "R5"),
    ("bot/core/vocab.py:5", "pydantic", "R2"),
    ("bot/core/vocab.py:6", "apscheduler", "R3"),
    ("bot/core/vocab.py:6", "bot.config.schema", "R2"),
    ("bot/core/vocab.py:6", "sqlalchemy", "R3"),
    ("bot/discord/cog.py:2", "type: ignore[attr-defined]", "R6"),
    ("bot/discord/cog.py:4", "type: ignore[attr-defined]", "R6"),
    ("bot/hub/names.py:1", "bot.hub.client", "R3"),
    ("bot/hub/rankings.py:1", "apscheduler", "R3"),
    ("bot/hub/rankings.py:1", "sqlalchemy", "R3"),
    ("bot/hub/verify.py:2", "apscheduler", "R3"),
    ("bot/hub/verify.py:2", "sqlalchemy", "R3"),
    ("bot/hub/verify.py:3", "aiohttp", "R3"),
    ("bot/hub/verify.py:3", "bot.store.models", "R3"),
    ("bot/hub/verify.py:3", "sqlmodel", "R3"),
    ("bot/hub/verify.py:6", "bot.store.queries", "R3"),
    ("bot/hub/verify.py:11", "httpx", "R3"),
    ("bot/hub/verify.py:12", "bot.delivery.digest_job", "R3"),
    ("bot/ingest/health.py:1", "bot.store.ingest", "R3"),
    ("bot/ingest/health.py:1", "bot.store.ingest", "R7"),
    ("bot/store/ingest.py:2", "bot.ingest.fetch", "R4"),
    ("bot/store/models.py:4", "bot.hub.job", "R4"),
    ("bot/store/models.py:5", "aiohttp", "R5"),
    ("extractors/claims.py:4", "bot.hub.names", "R1"),
    ("extractors/claims.py:5", "huggingface_hub", "R1"),
]


def test_the_checker_finds_exactly_the_planted_violations(tmp_path):
    for name, text in FIXTURE.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    found = check(tmp_path)
    assert [(f"{v.file}:{v.line}", v.module, v.rule) for v in found] == EXPECTED, "\n".join(
        map(str, found)
    )
    said = {str(v) for v in found}
    for message in (
        "bot/hub/verify.py:3 imports bot.store.models: the pure core may not import storage",
        "bot/hub/verify.py:6 imports bot.store.queries (under TYPE_CHECKING): "
        "the pure core may not import the read models",
        "bot/hub/verify.py:11 imports httpx (in a function): the pure core may not import httpx",
        "bot/hub/verify.py:12 imports bot.delivery.digest_job (in a function): "
        "the pure core may not import a job",
        "bot/hub/verify.py:2 loads sqlalchemy through bot.config (package) -> bot.config.load -> "
        "sqlalchemy (bot/config/load.py:1): the pure core may not load sqlalchemy",
        "bot/hub/names.py:1 imports bot.hub.client: the pure core may not import the Hub client",
        "bot/store/ingest.py:2 imports bot.ingest.fetch: "
        "storage imports, inside bot, only the pure core, bot.config and bot.store",
        "bot/store/models.py:4 imports bot.hub.job: storage may not import a job",
        "bot/cli/a.py:1 imports bot.cli.b: "
        "import cycle bot.cli.a -> bot.cli.b -> bot.cli.c -> bot.cli.a",
        "bot/discord/cog.py:2 has type: ignore[attr-defined]: "
        "type it against the concrete bot class (TrendBot) instead",
    ):
        assert message in said, message
    new, gone = against_ratchet(
        found, frozenset({*((v.file, v.module) for v in found[1:]), ("bot/gone.py", "httpx")})
    )
    assert new == [str(found[0])]
    assert gone == ["bot/gone.py -> httpx"]
