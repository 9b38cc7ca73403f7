"""The labelled verdict sets, end to end: extractor, store, snapshot through the real client
against a loopback Hub serving the world, verifier. No verdict on the development sets is
wrong; the held-out set is only counted (it is never read while tuning)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.hub.verdict_eval import evaluate, load_records

DATA = Path(__file__).resolve().parents[2] / "data" / "verdicts"


@pytest.fixture(scope="module")
def dev():
    records = [
        r
        for name in ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8")
        for r in load_records(DATA / f"{name}.jsonl")
    ]
    return evaluate(DATA / "world.json", records)


def test_no_verdict_on_the_development_sets_is_wrong(dev):
    assert [(o.record, o.claim, o.expected, o.got) for o in dev.wrong] == []


def test_most_hub_checkable_claims_on_the_development_sets_are_judged(dev):
    # dev5 (written to trap a checker) is judged less often than the others
    assert dev.coverage >= 0.55
    assert len(dev.judged) >= 740


def test_the_held_out_set_does_not_get_worse():
    """A ceiling, not a target: the target is no wrong verdict (benchmarks/verdicts.py)."""
    score = evaluate(DATA / "world.json", load_records(DATA / "heldout.jsonl"))
    assert len(score.wrong) <= 2
    assert score.coverage >= 0.7


def test_the_labelled_sets_are_well_formed():
    """tests/data/verdicts/validate.py passes: every claim an exact substring of its text,
    ids in sequence, verdicts allowed, every model-like name a repo of the world."""
    import subprocess
    import sys

    script = DATA / "validate.py"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dev2: 45 records" in done.stdout  # every set is checked, dev2 included
