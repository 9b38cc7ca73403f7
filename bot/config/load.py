"""Read config.yaml into :class:`Settings`, or explain exactly what is wrong with it.

The file is parsed with ruamel.yaml's round-trip loader because it keeps the line
and column of every key: each problem, whether a YAML syntax error, a schema
error, a cross-field error or a pasted secret, is reported as
``config.yaml:LINE:COL: path.to.key: message (hint: ...)``, and every problem is
reported at once rather than the first only.

Environment overrides are applied after validation: ``TRENDBOT_CONFIG`` chooses
the file, ``DATABASE_URL`` replaces ``database``.

Warnings (a valid config that is probably not what was meant, such as an admin
role given by name) are located and printed the same way, marked ``warning:``,
but never stop anything: :func:`load_checked` returns them beside the settings.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from bot.config.schema import (
    DEFER_CROSS_CHECKS,
    Problem,
    Settings,
    config_warnings,
    cross_check,
    schema_node,
)
from bot.config.secrets import find_secrets

CONFIG_ENV = "TRENDBOT_CONFIG"
DATABASE_ENV = "DATABASE_URL"
DEFAULT_CONFIG = "config.yaml"


@dataclass(frozen=True)
class ConfigProblem:
    """A problem with its place in the file, ready to print on one line."""

    source: str
    line: int | None
    column: int | None
    where: str
    message: str
    hint: str | None = None
    warning: bool = False

    def __str__(self) -> str:
        place = self.source
        if self.line is not None:
            place += f":{self.line}:{self.column or 1}"
        message = f"warning: {self.message}" if self.warning else self.message
        text = f"{place}: {self.where}: {message}" if self.where else f"{place}: {message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


class ConfigError(Exception):
    """The configuration cannot be used; ``problems`` says every reason."""

    def __init__(self, problems: list[ConfigProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def config_path(
    explicit: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """The config file to use: ``--config``, else ``TRENDBOT_CONFIG``, else ./config.yaml."""
    environ = os.environ if environ is None else environ
    if explicit:
        return Path(explicit)
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV])
    return Path(DEFAULT_CONFIG)


def round_trip_yaml() -> YAML:
    """The YAML reader/writer that keeps comments, order and positions."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    return yaml


def read_tree(text: str, source: str) -> CommentedMap:
    """Parse YAML text into a round-trip tree; syntax errors become a ConfigError."""
    try:
        tree = round_trip_yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        if "duplicate key" in str(exc):
            message = "a key appears twice in the same section"
        raise ConfigError(
            [
                ConfigProblem(
                    source,
                    mark.line + 1 if mark else None,
                    mark.column + 1 if mark else None,
                    "",
                    f"YAML syntax error: {message}",
                    "check the indentation and quoting on this line and the one above",
                )
            ]
        ) from None
    except YAMLError as exc:
        raise ConfigError([ConfigProblem(source, None, None, "", f"YAML error: {exc}")]) from None
    if tree is None:
        return CommentedMap()
    if not isinstance(tree, CommentedMap):
        raise ConfigError(
            [
                ConfigProblem(
                    source,
                    1,
                    1,
                    "",
                    "the file must be a mapping of sections (database, http, feeds, hub, ...)",
                )
            ]
        )
    return tree


def plain(node: Any) -> Any:
    """Strip ruamel's round-trip types so pydantic sees ordinary Python values."""
    if isinstance(node, Mapping):
        return {str(key) if not isinstance(key, str) else key: plain(v) for key, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def position(tree: Any, loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], tuple[int, int] | None]:
    """How much of ``loc`` exists in the file, and the 1-based line/column of its end."""
    node, found, pos = tree, [], None
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line, column = node.lc.key(part)
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line, column = node.lc.item(part)
        else:
            break
        pos = (line + 1, column + 1)
        found.append(part)
        node = node[part]
    return tuple(found), pos


def _dotted(loc: tuple[Any, ...]) -> str:
    return Problem(loc, "").dotted() if loc else ""


def _schema_problem(error: dict[str, Any], tree: CommentedMap) -> tuple[tuple, Problem]:
    """Rephrase one pydantic error for an admin; return it with the part of loc in the file."""
    loc = tuple(error["loc"])
    found, _ = position(tree, loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        key = loc[-1]
        parent, _ = schema_node(loc[:-1])
        allowed = (
            list(parent.model_fields)
            if isinstance(parent, type) and issubclass(parent, BaseModel)
            else []
        )
        close = difflib.get_close_matches(str(key), allowed, n=1)
        if close:
            hint = f"did you mean {close[0]!r}?"
        else:
            hint = "allowed keys here: " + ", ".join(allowed) if allowed else None
        return found, Problem(found, f"unknown key {key!r}", hint)
    if kind == "missing":
        # The missing key is the first part of loc that is not in the file.
        missing = loc[len(found)] if len(loc) > len(found) else loc[-1]
        _, description = schema_node((*found, missing))
        return found, Problem((*found, missing), f"missing required key {missing!r}", description)
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    _, description = schema_node(loc[: len(found)])
    return found, Problem(found, message, description)


def _merge(located: list[tuple[tuple, Problem]]) -> list[Problem]:
    """One problem per place: a value that fits no branch of a union gives one line, not three."""
    merged: dict[tuple, Problem] = {}
    for found, problem in located:
        key = (found, problem.loc)
        if key in merged:
            old = merged[key]
            if problem.message not in old.message:
                merged[key] = Problem(old.loc, f"{old.message}; or {problem.message}", old.hint)
        else:
            merged[key] = problem
    return list(merged.values())


def problems_in(tree: CommentedMap, source: str) -> tuple[Settings | None, list[ConfigProblem]]:
    """Validate a parsed tree; return the settings when valid and every located problem."""
    problems: list[Problem] = find_secrets(tree)
    secret_places = {p.loc for p in problems}
    settings: Settings | None = None
    data = plain(tree)
    try:
        settings = Settings.model_validate(data, context={DEFER_CROSS_CHECKS: True})
    except ValidationError as exc:
        located = [_schema_problem(e, tree) for e in exc.errors(include_url=False)]
        problems += [p for p in _merge(located) if p.loc not in secret_places]
    problems += cross_check(data)
    out = _located(problems, tree, source)
    return (settings if not out else None), out


def _located(
    problems: list[Problem], tree: CommentedMap, source: str, warning: bool = False
) -> list[ConfigProblem]:
    """Problems with the line and column of the deepest part of their path in the file."""
    out = []
    for problem in problems:
        _, pos = position(tree, problem.loc)
        line, column = pos if pos else (None, None)
        out.append(
            ConfigProblem(
                source, line, column, _dotted(problem.loc), problem.message, problem.hint, warning
            )
        )
    out.sort(key=lambda p: (p.line or 0, p.column or 0))
    return out


def apply_environment(settings: Settings, environ: Mapping[str, str], config_dir: Path) -> Settings:
    """Apply ``DATABASE_URL`` and make a relative SQLite path absolute.

    A relative SQLite path in config.yaml is relative to the folder of config.yaml,
    so the bot finds the same database whatever directory it is started from; one
    given in ``DATABASE_URL`` is relative to the current directory, as shells expect.
    """
    database, base = settings.database, config_dir
    override = environ.get(DATABASE_ENV, "").strip()
    if override:
        try:
            Settings.model_validate({"database": override})
        except ValidationError as exc:
            message = exc.errors()[0]["msg"].removeprefix("Value error, ")
            raise ConfigError(
                [ConfigProblem(f"${DATABASE_ENV}", None, None, "", message)]
            ) from None
        database, base = override, Path.cwd()
    return settings.model_copy(update={"database": absolute_sqlite_url(database, base)})


def absolute_sqlite_url(database: str, base: Path) -> str:
    """Resolve the file of a relative ``sqlite:///path`` URL against ``base``."""
    # Imported here so that bot.config (which pure modules import) does not load SQLAlchemy.
    from sqlalchemy.engine import make_url

    url = make_url(database)
    if url.get_backend_name() != "sqlite":
        return database
    path = url.database or ""
    if path in ("", ":memory:") or path.startswith("file:") or Path(path).is_absolute():
        return database
    return url.set(database=str((base / path).resolve())).render_as_string(hide_password=False)


def load_settings(
    path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Load, validate and apply environment overrides; raise ConfigError listing every problem."""
    return load_checked(path, environ)[0]


def load_checked(
    path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> tuple[Settings, list[ConfigProblem]]:
    """:func:`load_settings`, with the located warnings about the file (for check-config).

    One read of the file gives both, so the warnings' lines are those of the file
    that was validated.
    """
    environ = os.environ if environ is None else environ
    file = config_path(path, environ)
    source = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            [
                ConfigProblem(
                    source,
                    None,
                    None,
                    "",
                    "config file not found",
                    f"pass --config PATH or set {CONFIG_ENV}",
                )
            ]
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [
                ConfigProblem(
                    source, None, None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})"
                )
            ]
        ) from None
    except OSError as exc:
        raise ConfigError(
            [ConfigProblem(source, None, None, "", f"cannot read: {exc.strerror or exc}")]
        ) from None
    tree = read_tree(text, source)
    settings, problems = problems_in(tree, source)
    if problems or settings is None:
        raise ConfigError(problems)
    settings = apply_environment(settings, environ, file.resolve().parent)
    token_set = bool(environ.get(settings.discord.token_env, "").strip())
    warnings = config_warnings(settings, token_set=token_set)
    return settings, _located(warnings, tree, source, warning=True)


def parse_settings(text: str, source: str = "config.yaml") -> Settings:
    """Validate config text without touching the environment (used by edits before saving)."""
    tree = read_tree(text, source)
    settings, problems = problems_in(tree, source)
    if problems or settings is None:
        raise ConfigError(problems)
    return settings
