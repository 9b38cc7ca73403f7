#!/usr/bin/env python
"""The plain baseline of benchmarks/crawl_pages.py: extract every page in one loop.

Reads every ``*.html`` file of a folder and runs ``trafilatura.extract(html)`` on
each, one after the other, in this one process, then the project's extractor
(entities and claims) over the texts: no HTTP, no database, no worker pool.
``--with-metadata`` makes it ``extract(html, with_metadata=True)``, which does
more than the crawler (it reads title, author, date and site from the page head).
crawl_pages.py runs this as a fresh subprocess and times it from the outside,
start-up included; it prints one JSON line with what it found.

Run by hand (crawl_pages.py does this for you):

    .venv/bin/python benchmarks/plain_extract.py ../shared/corpora/html-pages
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from extractors.pipeline import build_pipeline, extract_many

warnings.filterwarnings("ignore", category=FutureWarning, module=r"trafilatura\..*")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder of *.html pages")
    parser.add_argument(
        "--with-metadata",
        action="store_true",
        help="extract(html, with_metadata=True): also find title, author, date, site name",
    )
    args = parser.parse_args()
    files = sorted(args.corpus.glob("*.html"))
    if not files:
        print(f"no *.html files in {args.corpus}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    extracted = characters = 0
    texts = []
    for path in files:
        html = path.read_bytes()
        text = trafilatura.extract(html, with_metadata=args.with_metadata)
        if text:
            extracted += 1
            characters += len(text)
            texts.append(text)
    # then the project's extractor over the texts, as the crawler does in its workers
    nlp = build_pipeline()
    claims = sum(len(result.claims) for result in extract_many(nlp, texts))
    loop_seconds = time.perf_counter() - started
    summary = {
        "pages": len(files),
        "extracted": extracted,
        "characters": characters,
        "claims": claims,
        "loop_seconds": round(loop_seconds, 3),
        "with_metadata": args.with_metadata,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
