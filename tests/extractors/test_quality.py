"""Quality floors on the labelled sets (tests/data/LABELLING.md says how they are written).

The development set (extract_dev.jsonl) is what rules are written against; the
held-out set (extract_heldout.jsonl) is never read while tuning, and its score is
the one that counts. The floors sit a little under the current scores
(benchmarks/extract_quality.py prints them), so a change that makes the
extractor worse on either fails here.
"""

from pathlib import Path

import pytest

from extractors.evaluate import as_predicted, load_gold, load_world, score
from extractors.pipeline import build_pipeline, extract_many

DATA = Path(__file__).resolve().parent.parent / "data"


def _report(name: str):
    gold = load_gold(DATA / f"extract_{name}.jsonl")
    nlp = build_pipeline(hub_ids=load_world(DATA / f"hub_world_{name}.txt"))
    found = extract_many(nlp, [(g.text, g.published) for g in gold])
    return gold, score(gold, [as_predicted(f) for f in found])


@pytest.fixture(scope="module")
def dev():
    return _report("dev")


@pytest.fixture(scope="module")
def heldout():
    return _report("heldout")


def test_the_sets_are_large_and_varied(dev, heldout):
    for (gold, _), paragraphs, claims in ((dev, 120, 500), (heldout, 40, 200)):
        assert len(gold) >= paragraphs
        assert sum(len(g.claims) for g in gold) >= claims
        assert len({c["metric"] for g in gold for c in g.claims}) >= 25


@pytest.mark.parametrize(("kind", "floor"), [("models", 0.95), ("orgs", 0.95), ("claims", 0.90)])
def test_dev_f1_floors(dev, kind, floor):
    assert getattr(dev[1], kind).f1 >= floor


def test_dev_accuracy_floors(dev):
    report = dev[1]
    assert report.value_accuracy >= 0.98
    assert report.metric_accuracy >= 0.79
    assert report.subject_accuracy >= 0.66
    assert report.hub_accuracy >= 0.95


def test_heldout_floors(heldout):
    report = heldout[1]
    assert report.claims.f1 >= 0.91
    assert report.models.f1 >= 0.94
    assert report.value_accuracy >= 0.97
    assert report.metric_accuracy >= 0.88
    assert report.subject_accuracy >= 0.70
    assert report.hub_accuracy >= 0.97
