from extractors.fingerprint import MIN_WORDS, containment, distance, simhash
from tests.fakes.feeds import story_text


def test_short_texts_have_no_fingerprint():
    assert simhash("too short " * 10) is None
    assert simhash("word " * MIN_WORDS) is not None


def test_fingerprints_are_signed_64_bit():
    value = simhash(story_text("qwen-milestone"))
    assert -(2**63) <= value < 2**63


def test_copies_are_close_and_different_stories_far():
    original = story_text("funding-round")
    copy = "By Wire Service staff.\n\n" + original + "\n\nFirst published by Loopback AI Daily."
    other = story_text("glm-release")
    assert distance(simhash(original), simhash(copy)) < distance(simhash(original), simhash(other))
    assert containment(original, copy) > 0.95
    assert containment(original, other) < 0.1


def test_containment_tolerates_a_cut_paragraph():
    original = story_text("qwen-milestone")
    trimmed = "\n\n".join(original.split("\n\n")[:2])
    assert containment(original, trimmed) > 0.95
