#!/usr/bin/env python
"""Extraction quality on the labelled development set.

Prints precision, recall and F1 for model mentions, organisation mentions and
claim spans (lenient: overlapping spans match), value accuracy on matched
claims and Hub id accuracy on matched models; with --errors, what was missed,
what was spurious and which values or ids were wrong.

Run: .venv/bin/python benchmarks/extract_quality.py [--errors] [PATH]
(PATH defaults to tests/data/extract_dev.jsonl)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.evaluate import load_gold, score  # noqa: E402
from extractors.pipeline import build_pipeline, extract_many  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=ROOT / "tests" / "data" / "extract_dev.jsonl")
    parser.add_argument("--errors", action="store_true", help="list every error")
    args = parser.parse_args()
    gold = load_gold(Path(args.path))
    nlp = build_pipeline()
    started = time.perf_counter()
    predictions = [r.as_json() for r in extract_many(nlp, [g.text for g in gold])]
    elapsed = time.perf_counter() - started
    report = score(gold, predictions)
    print(f"{len(gold)} paragraphs from {args.path} ({elapsed * 1000:.0f} ms)")
    print(f"{'':10}{'precision':>10}{'recall':>10}{'F1':>10}{'gold':>8}{'found':>8}")
    for kind in ("models", "orgs", "claims"):
        tally = getattr(report, kind)
        print(
            f"{kind:10}{tally.precision:10.3f}{tally.recall:10.3f}{tally.f1:10.3f}"
            f"{tally.gold:8d}{tally.predicted:8d}"
        )
    print(
        f"value accuracy on matched claims: {report.value_accuracy:.3f} ({report.values_checked})"
    )
    print(f"Hub id accuracy on matched models: {report.hub_accuracy:.3f} ({report.hub_checked})")
    if args.errors:
        for kind in ("models", "orgs", "claims"):
            tally = getattr(report, kind)
            print(f"\n## {kind}: missed {len(tally.misses)}")
            print("\n".join(tally.misses))
            print(f"\n## {kind}: spurious {len(tally.spurious)}")
            print("\n".join(tally.spurious))
        print(f"\n## wrong values {len(report.value_errors)}")
        print("\n".join(report.value_errors))
        print(f"\n## wrong Hub ids {len(report.hub_errors)}")
        print("\n".join(report.hub_errors))


if __name__ == "__main__":
    main()
