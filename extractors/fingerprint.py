"""Near-duplicate detection for syndicated copies of one story: 64-bit SimHash.

Two outlets running the same wire story change a headline, add a byline or a
boilerplate paragraph; their texts stay near-identical. SimHash over word
3-shingles maps such texts to fingerprints a few bits apart (Manku et al., 2007
use 3 of 64 bits for web pages), so one integer per article is all the database
needs to keep, and comparing is a popcount.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)
MIN_WORDS = 60  # shorter texts are too small for a reliable fingerprint
NEAR_DUPLICATE_BITS = 3


def simhash(text: str, shingle: int = 3) -> int | None:
    """Signed 64-bit SimHash of ``text`` (fits a BIGINT), or None when it is too short."""
    words = _WORD.findall(text.casefold())
    if len(words) < MIN_WORDS:
        return None
    grams = {" ".join(words[i : i + shingle]) for i in range(len(words) - shingle + 1)}
    digests = b"".join(hashlib.blake2b(g.encode(), digest_size=8).digest() for g in grams)
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8)).reshape(len(grams), 64)
    votes = bits.sum(axis=0, dtype=np.int64) * 2 - len(grams)
    value = 0
    for bit in (votes > 0):
        value = (value << 1) | int(bit)
    return value - (1 << 64) if value >= (1 << 63) else value


def distance(a: int, b: int) -> int:
    """Number of differing bits between two fingerprints."""
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def is_near_duplicate(a: int | None, b: int | None, bits: int = NEAR_DUPLICATE_BITS) -> bool:
    return a is not None and b is not None and distance(a, b) <= bits
