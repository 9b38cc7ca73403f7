import hashlib
from dataclasses import dataclass, field

import pytest

from bot.ingest.dedupe import SameStory, content_hash, same_story, trusted_canonical
from extractors.fingerprint import CANDIDATE_BITS

WORDS = " ".join(f"word{i}" for i in range(100))  # 98 distinct 3-shingles
HALF = " ".join(f"word{i}" for i in range(50)) + " " + " ".join(f"other{i}" for i in range(50))
FP = 0b1011 << 40  # any fingerprint; the others are FP with some bits flipped


def flipped(bits: int) -> int:
    return FP ^ ((1 << bits) - 1)


@dataclass
class Store:
    """A StoryLookup over plain dictionaries, recording what it was asked."""

    canonicals: dict[str, int] = field(default_factory=dict)
    fingerprints: dict[int, int] = field(default_factory=dict)
    texts: dict[int, str | None] = field(default_factory=dict)
    read: list[int] = field(default_factory=list)

    def by_canonical(self, canonical):
        return self.canonicals.get(canonical)

    def near(self, fingerprint):
        return list(self.fingerprints.items())

    def text(self, article_id):
        self.read.append(article_id)
        return self.texts.get(article_id)


@pytest.mark.parametrize(
    ("canonical", "text", "fingerprint", "store", "expected"),
    [
        # the same canonical URL decides at once, whatever the text
        (
            "https://lab.example/a",
            "unrelated",
            None,
            Store(canonicals={"https://lab.example/a": 7}),
            SameStory(7, "same article (canonical URL) as article #7"),
        ),
        ("https://lab.example/b", None, None, Store(canonicals={"https://lab.example/a": 7}), None),
        (None, None, None, Store(canonicals={"https://lab.example/a": 7}), None),
        # near-identical text: a close fingerprint, confirmed by the shared shingles
        (
            None,
            WORDS,
            FP,
            Store(fingerprints={3: flipped(7)}, texts={3: WORDS}),
            SameStory(3, "near-identical text to article #3 (100% shared)"),
        ),
        (
            None,
            WORDS,
            FP,
            Store(fingerprints={3: flipped(CANDIDATE_BITS)}, texts={3: WORDS}),
            SameStory(3, "near-identical text to article #3 (100% shared)"),
        ),
        # a canonical URL that is new falls through to the text
        (
            "https://lab.example/new",
            WORDS,
            FP,
            Store(fingerprints={3: FP}, texts={3: WORDS}),
            SameStory(3, "near-identical text to article #3 (100% shared)"),
        ),
        # under the threshold: about half the shingles shared is another story
        (None, HALF, FP, Store(fingerprints={3: FP}, texts={3: WORDS}), None),
        # a fingerprint too far away is not compared at all
        (
            None,
            WORDS,
            FP,
            Store(fingerprints={3: flipped(CANDIDATE_BITS + 1)}, texts={3: WORDS}),
            None,
        ),
        # no fingerprint or no text: nothing to compare
        (None, WORDS, None, Store(fingerprints={3: FP}, texts={3: WORDS}), None),
        (None, "", FP, Store(fingerprints={3: FP}, texts={3: WORDS}), None),
        # a candidate gone from the store, or stored without text, is skipped
        (None, WORDS, FP, Store(fingerprints={3: FP}), None),
        (
            None,
            WORDS,
            FP,
            Store(fingerprints={3: FP, 4: flipped(1)}, texts={3: "", 4: WORDS}),
            SameStory(4, "near-identical text to article #4 (100% shared)"),
        ),
    ],
)
def test_same_story(canonical, text, fingerprint, store, expected):
    assert same_story(canonical, text, fingerprint, 0.8, store) == expected


def test_the_share_is_compared_with_the_threshold_and_said_rounded():
    store = Store(fingerprints={3: FP}, texts={3: WORDS})
    shared = same_story(None, HALF, FP, 0.4, store)
    assert shared == SameStory(3, "near-identical text to article #3 (49% shared)")
    assert same_story(None, HALF, FP, 0.5, store) is None


def test_the_closest_five_candidates_are_compared_closest_first_ties_by_id():
    fingerprints = {9: flipped(1), 8: flipped(1), 1: flipped(6), 2: flipped(5), 5: flipped(2)}
    fingerprints |= {6: flipped(3), 7: flipped(CANDIDATE_BITS + 1)}
    store = Store(fingerprints=fingerprints, texts={1: WORDS})
    assert same_story(None, WORDS, FP, 0.8, store) is None  # article 1 is the sixth closest
    assert store.read == [8, 9, 5, 6, 2]
    store.texts[2] = WORDS
    assert same_story(None, WORDS, FP, 0.8, store) == SameStory(
        2, "near-identical text to article #2 (100% shared)"
    )


@pytest.mark.parametrize(
    ("canonical", "link", "trusted"),
    [
        ("https://lab.example/posts/a", "https://feed.example/a", "https://lab.example/posts/a"),
        # a site's front page is no article's canonical URL: the item's link instead
        ("https://lab.example/", "https://feed.example/a", "https://feed.example/a"),
        ("https://lab.example", "https://feed.example/a", "https://feed.example/a"),
        ("https://lab.example//", None, None),
        (None, "https://feed.example/a", "https://feed.example/a"),
        ("", None, None),
    ],
)
def test_trusted_canonical(canonical, link, trusted):
    assert trusted_canonical(canonical, link) == trusted


def test_content_hash_ignores_whitespace_and_is_none_without_text():
    expected = hashlib.sha256(b"one two three").hexdigest()
    assert content_hash("one two three") == expected
    assert content_hash("  one\n\ttwo   three \n") == expected
    assert content_hash("") is None
    assert content_hash(None) is None
