"""Quality floors on the labelled development set (tests/data/extract_dev.jsonl).

The set is 105 paragraphs written for this project in the style of AI news,
with gold spans, values, units, qualifiers, subjects and Hub ids. The floors sit
a little under the current scores (benchmarks/extract_quality.py prints them),
so a change that makes the extractor worse fails here.
"""

from pathlib import Path

import pytest

from extractors.evaluate import load_gold, score
from extractors.pipeline import build_pipeline, extract_many

DEV = Path(__file__).resolve().parent.parent / "data" / "extract_dev.jsonl"


@pytest.fixture(scope="module")
def report():
    gold = load_gold(DEV)
    nlp = build_pipeline()
    return score(gold, [r.as_json() for r in extract_many(nlp, [g.text for g in gold])])


def test_the_set_is_large_and_varied():
    gold = load_gold(DEV)
    assert len(gold) >= 60
    assert sum(len(g.models) for g in gold) >= 200
    assert sum(len(g.claims) for g in gold) >= 250
    assert len({c["metric"] for g in gold for c in g.claims}) >= 15


@pytest.mark.parametrize(("kind", "floor"), [("models", 0.95), ("orgs", 0.95), ("claims", 0.93)])
def test_f1_floors(report, kind, floor):
    assert getattr(report, kind).f1 >= floor


def test_value_accuracy_floor(report):
    assert report.value_accuracy >= 0.98


def test_hub_id_accuracy_floor(report):
    assert report.hub_accuracy >= 0.84
