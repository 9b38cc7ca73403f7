#!/usr/bin/env python
"""Extractor throughput: words per second over the text of 200 real web pages.

The text of ../shared/corpora/html-pages/*.html is extracted once with
trafilatura (not timed); then the full extractor (tokenizer, sentences, model
and organisation mentions, claims) runs over it in one process, and in two
processes (each with its own pipeline, the way the crawler's workers run it).

Run: .venv/bin/python benchmarks/extract_speed.py [--corpus DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.pipeline import build_pipeline, extract_many  # noqa: E402

_nlp = None


def _chunk(texts: list[str]) -> int:
    global _nlp
    if _nlp is None:
        _nlp = build_pipeline()
    return sum(len(r.claims) for r in extract_many(_nlp, texts))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpora/html-pages")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the texts (best kept)")
    args = parser.parse_args()
    files = sorted(args.corpus.glob("*.html"))
    if not files:
        print(f"skipped: no pages in {args.corpus} (only CI and developer machines have it)")
        return 0
    import trafilatura

    warnings.filterwarnings("ignore")
    texts = [t for t in (trafilatura.extract(f.read_bytes()) for f in files) if t]
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} texts, {words:,} words")
    nlp = build_pipeline()
    best = min(
        _timed(lambda: sum(len(r.claims) for r in extract_many(nlp, texts)))
        for _ in range(args.repeat)
    )
    print(f"one process:   {words / best:>9,.0f} words/s ({best:.2f} s)")
    with ProcessPoolExecutor(2) as pool:
        halves = [texts[0::2], texts[1::2]]
        list(pool.map(_chunk, [texts[:2], texts[2:4]]))  # build the pipelines first
        best2 = min(_timed(lambda: sum(pool.map(_chunk, halves))) for _ in range(args.repeat))
    print(f"two processes: {words / best2:>9,.0f} words/s ({best2:.2f} s)")
    return 0


def _timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
