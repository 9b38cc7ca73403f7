"""`trendbot extract`: models, companies and numeric claims from text or HTML files."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.app import app, err, out

if TYPE_CHECKING:
    from extractors.extraction import Extraction


def _read(source: str) -> tuple[str | None, str | None]:
    """(text, error) for one input: '-' is stdin, .html goes through trafilatura."""
    from extractors.article import extract_article

    if source == "-":
        return sys.stdin.read(), None
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, f"cannot read {source}: {exc.strerror or exc}"
    if path.suffix.lower() in (".html", ".htm", ".xhtml"):
        article = extract_article(data, path.resolve().as_uri())
        return (article.text if article else ""), None
    return data.decode("utf-8", errors="replace"), None


def _print_readable(source: str, result: Extraction) -> None:
    out.print(f"{source}", markup=False)
    for model in result.models:
        link = f" [{model.link}]" if model.hub_id else ""
        out.print(f"  model  {model.text}  -> {model.hub_id or '(no Hub id)'}{link}", markup=False)
    for org in result.orgs:
        out.print(f"  org    {org.text}  -> {org.canonical} ({org.hub_id or '-'})", markup=False)
    for claim in result.claims:
        qualifier = f" [{claim.qualifier}]" if claim.qualifier else ""
        detail = f" ({claim.detail})" if claim.detail else ""
        out.print(
            f"  claim  {claim.text!r}: {claim.value} {claim.unit} {claim.metric}{detail}"
            f"{qualifier} about {claim.subject or '?'}",
            markup=False,
        )


@app.command("extract")
def extract(
    ctx: typer.Context,
    sources: Annotated[
        list[str], typer.Argument(help=".txt/.html files, or - for stdin", metavar="PATH... | -")
    ],
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="one JSON object per input per line")
    ] = False,
) -> None:
    """Find the models, companies and numeric claims in each input (offline, no download)."""
    from bot.config import ConfigError, load_settings
    from bot.store.knowledge import known_links
    from extractors.pipeline import StatisticalModelMissing, build_pipeline, extract_many

    entities: dict = {}
    hub_ids: list[str] = []
    names: dict[str, str] = {}
    try:
        settings = load_settings(ctx.obj.get("config"))
    except ConfigError as exc:
        settings = None  # no usable config: the built-in knowledge alone, and say so
        first = exc.problems[0]
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        err.print(
            f"trendbot extract: config not used, built-in knowledge only: {first}{more}",
            markup=False,
        )
    if settings is not None:
        entities = settings.entities.model_dump()
        hub_ids, names = known_links(settings.database)
    try:
        nlp = build_pipeline(entities, hub_ids, names)
    except StatisticalModelMissing as exc:
        err.print(f"trendbot extract: {exc}", markup=False)
        raise typer.Exit(1) from None
    texts, failed = [], False
    for source in sources:
        text, error = _read(source)
        if error:
            err.print(f"trendbot extract: {error}", markup=False)
            failed = True
        texts.append((source, text or ""))
    results = extract_many(nlp, (text for _, text in texts))
    for (source, _text), result in zip(texts, results, strict=True):
        if jsonl:
            print(json.dumps({"path": source, **result.to_json()}, ensure_ascii=False))
        else:
            _print_readable(source, result)
    if failed:
        raise typer.Exit(1)
