#!/usr/bin/env python
"""Verdicts on a labelled set of claims against a fake Hub world: coverage and wrong verdicts.

Runs the real path (extractor, store, a snapshot through the real huggingface_hub
client against a loopback Hub serving tests/data/verdicts/world.json, name
resolution, metadata fetches, the verifier) over the labelled paragraphs, and
prints for the development set and the held-out set:

- coverage: of the claims the world can settle (labelled supported or
  contradicted), the share trendbot judges (target >= 70%);
- verdict accuracy: the share of trendbot's supported/contradicted verdicts that
  agree with the label (target 100%: no wrong verdict).

The held-out set is never read while tuning; only its figures are printed. With
--errors, the development set's wrong verdicts and unjudged checkable claims are listed.

Run: .venv/bin/python benchmarks/verdicts.py [--errors]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from bot.hub.verdict_eval import JUDGED, evaluate, load_records  # noqa: E402

DATA = ROOT / "tests" / "data" / "verdicts"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list the dev set's misses")
    args = parser.parse_args()
    sets = {
        "dev": [
            "dev.jsonl",
            "dev2.jsonl",
            "dev3.jsonl",
            "dev4.jsonl",
            "dev5.jsonl",
            "dev6.jsonl",
            "dev7.jsonl",
            "dev8.jsonl",
        ],
        "heldout": ["heldout.jsonl"],
    }
    for name, files in sets.items():
        records = [r for file in files for r in load_records(DATA / file)]
        started = time.perf_counter()
        score = evaluate(DATA / "world.json", records)
        elapsed = time.perf_counter() - started
        checkable, judged = score.checkable, score.judged
        print(
            f"\n{name}: {len(records)} paragraphs, {len(score.outcomes)} labelled claims "
            f"({elapsed:.1f} s)"
        )
        print(f"  labels: {dict(Counter(o.expected for o in score.outcomes))}")
        print(f"  verdicts: {dict(Counter(o.got or 'no claim found' for o in score.outcomes))}")
        covered = sum(o.got in JUDGED for o in checkable)
        print(
            f"  coverage: {covered}/{len(checkable)} Hub-checkable claims judged "
            f"= {score.coverage:.1%} (target >= 70%)"
        )
        print(
            f"  verdict accuracy: {len(judged) - len(score.wrong)}/{len(judged)} "
            f"= {score.accuracy:.1%}; wrong verdicts: {len(score.wrong)} (target 0)"
        )
        if args.errors and name == "dev":
            for o in score.wrong:
                print(
                    f"  WRONG {o.record} {o.claim!r}: label {o.expected}, got {o.got} "
                    f"[{o.metric}] {o.reason}"
                )
            for o in checkable:
                if o.got not in JUDGED:
                    print(
                        f"  UNJUDGED {o.record} {o.claim!r}: label {o.expected}, got {o.got} "
                        f"[{o.metric}] {o.reason}"
                    )


if __name__ == "__main__":
    main()
