#!/usr/bin/env python
"""Extraction quality on the labelled sets: the development set and the held-out set.

Prints precision, recall and F1 for model mentions, organisation mentions and
claim spans (lenient: overlapping spans match), and on matched claims the
accuracy of values, metrics and subjects, and on matched models the accuracy of
Hub ids. Each set is scored with its own world of existing repo ids
(``hub_world_*.txt``), as trendbot would know them from its snapshots.

The held-out set is the figure that counts: its paragraphs are never read while
rules are written. With --errors, what was missed, spurious or wrong is listed,
for the development set only (listing the held-out set's errors would be reading it).

Run: .venv/bin/python benchmarks/extract_quality.py [--errors] [--set dev|heldout|both]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.evaluate import as_predicted, load_gold, load_world, score  # noqa: E402
from extractors.pipeline import build_pipeline, extract_many  # noqa: E402

DATA = ROOT / "tests" / "data"
SETS = {
    "dev": (DATA / "extract_dev.jsonl", DATA / "hub_world_dev.txt"),
    "heldout": (DATA / "extract_heldout.jsonl", DATA / "hub_world_heldout.txt"),
}


def report(name: str, show_errors: bool) -> None:
    path, world = SETS[name]
    gold = load_gold(path)
    nlp = build_pipeline(hub_ids=load_world(world))
    started = time.perf_counter()
    found = list(extract_many(nlp, [(g.text, g.published) for g in gold]))
    elapsed = time.perf_counter() - started
    result = score(gold, [as_predicted(f) for f in found])
    print(f"\n{name}: {len(gold)} paragraphs from {path.name} ({elapsed * 1000:.0f} ms)")
    print(f"{'':10}{'precision':>10}{'recall':>10}{'F1':>10}{'gold':>8}{'found':>8}")
    for kind in ("models", "orgs", "claims"):
        tally = getattr(result, kind)
        print(
            f"{kind:10}{tally.precision:10.3f}{tally.recall:10.3f}{tally.f1:10.3f}"
            f"{tally.gold:8d}{tally.predicted:8d}"
        )
    checked = result.values_checked
    print(
        f"on {checked} matched claims: value accuracy {result.value_accuracy:.3f}, "
        f"metric accuracy {result.metric_accuracy:.3f}, "
        f"subject accuracy {result.subject_accuracy:.3f}"
    )
    print(f"Hub id accuracy on {result.hub_checked} matched models: {result.hub_accuracy:.3f}")
    if show_errors and name == "dev":
        for kind in ("models", "orgs", "claims"):
            tally = getattr(result, kind)
            print(f"\n## {kind}: missed {len(tally.misses)}")
            print("\n".join(tally.misses))
            print(f"\n## {kind}: spurious {len(tally.spurious)}")
            print("\n".join(tally.spurious))
        for title, errors in (
            ("wrong values", result.value_errors),
            ("wrong metrics", result.metric_errors),
            ("wrong subjects", result.subject_errors),
            ("wrong Hub ids", result.hub_errors),
        ):
            print(f"\n## {title} {len(errors)}")
            print("\n".join(errors))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list the dev set's errors")
    parser.add_argument("--set", choices=["dev", "heldout", "both"], default="both")
    args = parser.parse_args()
    for name in ("dev", "heldout") if args.set == "both" else (args.set,):
        if SETS[name][0].exists():
            report(name, args.errors)
        else:
            print(f"\n{name}: {SETS[name][0]} is missing")


if __name__ == "__main__":
    main()
