"""Which Hub repo a model name written in the news means, among an author's repos.

Two steps, both pure: :func:`search_query` gives the substring to ask the Hub
for (``search_repos(settings, author, search_query(name))``), and
:func:`pick_repo` chooses among the repo ids that came back, or declines.

Precision first: a wrong repo would make a verdict compare the wrong model's
figures, while no repo only leaves a claim unchecked. So :func:`pick_repo`
returns a repo only when exactly one candidate means the name, by these rules:

1. Names and repo names are compared as keys: case-folded; runs of spaces,
   underscores, hyphens, brackets and punctuation made one ``-``; a leading
   ``Meta-`` before ``Llama`` dropped (``meta-llama/Meta-Llama-3-8B`` is
   "Llama 3 8B"); and a ``-`` between a letter and a digit ignored, so that
   "Qwen 2.5 7B" and ``Qwen2.5-7B``, or "Llama 3" and ``Llama3``, are one key.
   ``+`` and ``.`` are kept: "Command R+" is not ``command-r``.
2. Every part counts. A candidate with a part the name lacks (a variant such as
   ``-Instruct``, ``-it``, ``-Chat``, ``-Base``, a size, ``-Math``, ``-1M``, a date)
   is not the name: "Llama 3.1 70B" is ``Llama-3.1-70B``, never
   ``Llama-3.1-70B-Instruct``, and "Qwen2.5 7B" is neither ``Qwen2.5-7B-Instruct-1M``
   nor ``Qwen2.5-Math-7B``.
3. One exception: a trailing version suffix (``-v0.1``, ``-v1``, ``-v0.3``) is ignored
   when the name has none, provided the rest has at least two parts (a family and a
   size or variant): "Mixtral 8x7B" is ``Mixtral-8x7B-v0.1``, but "DeepSeek" is not
   ``DeepSeek-V3``, where the suffix is the model's generation, not a revision. A
   name with a version matches only that version. A candidate equal to the name
   without any suffix wins over versioned ones.
4. Two candidates that both fit is no answer: "Mistral 7B" among ``Mistral-7B-v0.1``
   and ``Mistral-7B-v0.3`` is ``None``, since the name does not say which.
5. "Base" in a name may mean the plain repo, as the base model is often published
   without a suffix (``Qwen/Qwen2.5-7B``, ``meta-llama/Llama-3.1-8B``): when no
   candidate fits with the "Base" part, it is tried without it. A ``-Base`` repo,
   where there is one (``Qwen3-8B-Base``, ``DeepSeek-V3-Base``), fits first.
6. Only the candidates of the most frequent owner are considered (a search per
   author has only one; a copy under another namespace is never the model). A tie
   for most frequent is no answer. A name written with its owner
   (``meta-llama/Llama-3.1-8B``) considers that owner's candidates only.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

# Leading "Meta " / "Meta-" before "Llama", as in "Meta Llama 3.1" and "Meta-Llama-3-8B".
_META = re.compile(r"^meta[\s_-]+(?=llama)", re.IGNORECASE)
# Runs that separate the parts of a name; "+" and "." are part of the name.
_SEPARATORS = re.compile(r"[\s_\-()\[\]{},;:!?\"'`“”‘’]+")
# A run of spaces (with any hyphens next to them), for search_query.
_SPACES = re.compile(r"[\s-]*\s[\s-]*")
_VERSION = re.compile(r"-(v\d+(?:\.\d+)*)$")
# A size part of a name: "70B", "1.5B", "135M", "8x7B", "30B-A3B" starts at "30B".
_SIZE = re.compile(r"(?<![A-Za-z0-9.])(?:\d+x)?\d+(?:\.\d+)?[BbMm](?![A-Za-z])")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])-(?=\d)|(?<=\d)-(?=[a-z])")
_QUOTES = "\"'`“”‘’"


class _Key(NamedTuple):
    core: str  # the name without a trailing version suffix, letter-digit hyphens removed
    version: str | None  # "v0.1", or None
    parts: int  # how many parts the core has (before letter-digit hyphens are removed)


def search_query(name: str) -> str:
    """The substring of the repo id to ask the Hub for: "Llama 3.1 70B" -> "70B".

    From the size on, written the way repo ids are (spaces made "-", the case kept;
    the Hub's search ignores case): the press spells the family part in more ways
    than the Hub does ("Qwen 2.5" for ``Qwen2.5``, "Llama 3.1" for ``Llama-3.1``), so
    only the size and what follows it are asked for, within the family's author,
    and :func:`pick_repo` then keeps the one candidate that means the whole name.
    A name with no size is asked for whole. An owner written with the name
    (``meta-llama/...``) is dropped: the search is per author.
    """
    text = name.strip().strip(_QUOTES).strip()
    if "/" in text:
        text = text.rsplit("/", 1)[1].strip()
    text = _SPACES.sub("-", _META.sub("", text)).strip("-")
    size = _SIZE.search(text)
    return text[size.start() :] if size else text


def pick_repo(name: str, candidates: Sequence[str]) -> str | None:
    """The one candidate repo id the name means, or None (see the module's rules)."""
    owner, written = _split(name)
    wanted = _key(written)
    if not wanted.core:
        return None
    pool = _owned(candidates, owner)
    keyed = [(repo_id, _key(_split(repo_id)[1])) for repo_id in pool]
    tries = [wanted]
    without_base = _without_base(written)
    if without_base is not None:
        tries.append(without_base)
    for key in tries:
        found = _fits(key, keyed)
        if found:
            return found[0] if len(found) == 1 else None
    return None


def _fits(wanted: _Key, keyed: list[tuple[str, _Key]]) -> list[str]:
    """The candidates the key means: an exact fit first, else one with a version suffix."""
    exact = [repo_id for repo_id, key in keyed if key[:2] == wanted[:2]]  # core and version
    if exact or wanted.version is not None or wanted.parts < 2:
        return exact
    return [
        repo_id for repo_id, key in keyed if key.core == wanted.core and key.version is not None
    ]


def _split(text: str) -> tuple[str | None, str]:
    """(owner, name) of "owner/name"; (None, text) without an owner."""
    text = text.strip().strip(_QUOTES).strip()
    owner, slash, rest = text.partition("/")
    return (owner.strip(), rest.strip()) if slash else (None, text)


def _key(name: str) -> _Key:
    text = _SEPARATORS.sub("-", name.casefold()).strip("-.")
    text = _META.sub("", text)
    version: str | None = None
    match = _VERSION.search(text)
    if match and match.start() > 0:
        version = match.group(1)
        text = text[: match.start()]
    parts = len([p for p in text.split("-") if p])
    return _Key(_LETTER_DIGIT.sub("", text), version, parts)


def _without_base(name: str) -> _Key | None:
    """The name's key without its "Base" part, when it has one."""
    parts = [p for p in _SEPARATORS.split(name) if p]
    kept = [p for p in parts if p.casefold() != "base"]
    if len(kept) == len(parts) or not kept:
        return None
    return _key("-".join(kept))


def _owned(candidates: Sequence[str], owner: str | None) -> list[str]:
    """The candidates of the given owner, or of the most frequent one (none on a tie)."""
    unique: dict[str, str] = {}
    for repo_id in candidates:
        unique.setdefault(repo_id.strip().casefold(), repo_id.strip())
    owners = {repo_id: (_split(repo_id)[0] or "").casefold() for repo_id in unique.values()}
    if owner is not None:
        chosen = owner.casefold()
    else:
        ranked = Counter(owners.values()).most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return []
        chosen = ranked[0][0]
    return [repo_id for repo_id, found in owners.items() if found == chosen]
