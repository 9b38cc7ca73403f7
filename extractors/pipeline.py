"""The extractor: build it once, run it on one text or many.

A blank English spaCy pipeline (nothing to download) with tokenizer rules for
this domain, so that "Qwen2.5-1.5B-Instruct" stays one token and "$20M" splits
into "$", "20", "M", a sentencizer, and one component that finds the model and
organisation mentions (set as ``doc.ents``, with the Hub id as ``kb_id_``) and
the numeric claims (``doc.spans["claims"]``, with their values in
``doc.user_data``). The claim finder's token rules (unit nouns, metric cues,
labels, superlatives) run as a spaCy ``Matcher`` built from
``knowledge/claim_patterns.yaml``. :func:`extract` returns typed records
(:class:`extractors.extraction.Extraction`) for the CLI and the crawler.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

import numpy as np
import spacy
from spacy.attrs import IDX, LENGTH, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, compile_suffix_regex

from extractors.claims import ClaimFinder, Cue
from extractors.entities import EntityFinder
from extractors.extraction import Claim, Extraction, Mention
from extractors.knowledge import Knowledge, TokenRule, claim_terms, load_knowledge

# One token for model-name-like words: letters and digits joined by - . _ (Qwen2.5-1.5B-Instruct)
MODEL_TOKEN = re.compile(
    r"^[A-Za-z][A-Za-z0-9]*(?:[-._][A-Za-z0-9]+)+$|^[A-Za-z]+\d+(?:\.\d+)*[A-Za-z]*$"
)
# Tokens a figure can end in (the token rules look around them), and sentences the
# rank rules can matter in.
_NUMBER_WORD = (
    r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety|hundred|thousand|millions?|billions?|trillions?|dozen|"
    r"half|thirds?|quarters?|fifth|tenth)"
)
# "forty-two" stays one token (see MODEL_TOKEN), so hyphenated words count as one
NUMBER_TOKEN = re.compile(
    rf"\d|^{_NUMBER_WORD}(?:-{_NUMBER_WORD})*$|^(?:[kmbt]|bn|mn|tn|mln|bln)$",
    re.IGNORECASE,
)
HAS_RANK_WORD = re.compile(
    r"(?i)\b(?:most|ranked|ranks|ranking|placed|places|came|comes|finished|sits|sat|landed|"
    r"lands|debuted|place|top|topped|tops|topping|led|leads|leading|highest|largest|"
    r"biggest|best-performing|strongest)\b"
)
MAGNITUDE_SUFFIX = r"(?<=\d)(?:[KkMmBbTt]|bn|mn|tn)(?=$|[.,;:!?)\]])"


def _tokenizer_rules(nlp: Language) -> None:
    tokenizer = nlp.tokenizer
    tokenizer.token_match = MODEL_TOKEN.match
    # "at 8K." ends a sentence: the period after a figure with a letter is punctuation
    suffixes = [r"(?<=[0-9][A-Za-z])\.", MAGNITUDE_SUFFIX, *nlp.Defaults.suffixes]
    tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    infixes = [r"(?<=[$€£¥])(?=\d)", *nlp.Defaults.infixes]
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    # abbreviations that must not end a sentence ("No. 1 on the leaderboard")
    for abbreviation in (
        "No.",
        "no.",
        "Nos.",
        "Inc.",
        "Corp.",
        "Ltd.",
        "Co.",
        "vs.",
        "approx.",
        "est.",
    ):
        tokenizer.add_special_case(abbreviation, [{"ORTH": abbreviation}])


class TrendbotComponent:
    """The spaCy component: mentions as entities, claims as a span group."""

    def __init__(
        self, nlp: Language, knowledge: Knowledge, statistical: Language | None = None
    ) -> None:
        terms = claim_terms()
        self.entities = EntityFinder(knowledge)
        self.claims = ClaimFinder(terms)
        self.statistical = statistical
        # one matcher per role, each run only where its rules can apply (see cues)
        self.matchers = {
            role: _matcher(nlp, [r for r in terms.rules if r.role == role])
            for role in ("unit", "context", "not_claim", "rank")
        }
        # the words each role's patterns can match: a window holding none is skipped
        words = {
            role: _pattern_words([r for r in terms.rules if r.role == role])
            for role in self.matchers
        }
        # the same words as the hashes of lower-cased tokens, to test token arrays with
        self.anchors = {
            role: None
            if found is None
            else np.array(sorted(nlp.vocab.strings.add(w) for w in found), dtype="uint64")
            for role, found in words.items()
        }
        self._number_orths: dict[int, bool] = {}
        self._rules = {rule.id: rule for rule in terms.rules}

    def cues(self, doc: Doc, layout: _Layout | None = None) -> list[Cue]:
        """The token rules' matches, as character spans the claim finder reads.

        The Matcher tries every pattern at every token it is given, which over whole
        articles cost more than the rest of the extractor; so each role's rules run
        only where they can matter: unit nouns in the few tokens after a number,
        labels just before one, metric cues in the dozen tokens before one (within
        its sentence), and rank phrases in sentences with a rank word. Where those
        places are is read from the document's token arrays, not from Token
        objects, which cost more to make than the matching they would steer.
        """
        layout = layout or _Layout.of(doc)
        found = []
        matches: set[tuple[int, int, int]] = set()
        kinds = np.unique(layout.orths)
        figures = kinds[[self._is_number(doc, int(orth)) for orth in kinds]]
        numbers = np.flatnonzero(np.isin(layout.orths, figures)).tolist() if len(figures) else []
        if numbers:
            for role, before, after in (("unit", 0, 6), ("not_claim", 3, 0), ("context", 14, 4)):
                has = layout.anchored(self.anchors[role])
                for a, b in layout.windows(numbers, before, after):
                    if has is None or has[b] > has[a]:
                        matches.update(_at(doc[a:b], self.matchers[role]))
        ranked = layout.anchored(self.anchors["rank"])
        for (s_start, s_end), (c_start, c_end) in zip(layout.sentences, layout.chars, strict=True):
            if ranked is not None and ranked[s_end] == ranked[s_start]:
                continue
            if HAS_RANK_WORD.search(layout.text, c_start, c_end):
                matches.update(_at(doc[s_start:s_end], self.matchers["rank"]))
        for match_id, start, end in sorted(matches, key=lambda m: (m[1], m[2])):
            rule = self._rules[doc.vocab.strings[match_id]]
            span = doc[start:end]
            found.append(
                Cue(
                    span.start_char,
                    span.end_char,
                    rule.role,
                    rule.id,
                    rule.metric,
                    rule.unit,
                    rule.detail,
                )
            )
        return found

    def _is_number(self, doc: Doc, orth: int) -> bool:
        """Whether a token (by its text's hash) can end a figure; cached per word."""
        known = self._number_orths.get(orth)
        if known is None:
            known = self._number_orths[orth] = bool(NUMBER_TOKEN.search(doc.vocab.strings[orth]))
        return known

    def _statistical_orgs(self, text: str, found: list[Mention]) -> list[Mention]:
        """Organisations a trained pipeline sees that the rules did not (no overlaps)."""
        if self.statistical is None:
            return []
        extra = []
        for ent in self.statistical(text).ents:
            if ent.label_ != "ORG":
                continue
            if any(ent.start_char < m.end and m.start < ent.end_char for m in found + extra):
                continue
            extra.append(Mention("org", ent.text, ent.start_char, ent.end_char, None, ent.text))
        return extra

    def __call__(self, doc: Doc) -> Doc:
        # Doc.text joins every token's text again; the callers below hand in the original
        text = doc.user_data.get("text") or doc.text
        mentions = self.entities.find(text)
        mentions = sorted(mentions + self._statistical_orgs(text, mentions), key=lambda m: m.start)
        ents = []
        kept: list[Mention] = []
        for mention in mentions:
            span = doc.char_span(
                mention.start,
                mention.end,
                label="MODEL" if mention.kind == "model" else "ORG",
                kb_id=mention.hub_id or "",
                alignment_mode="expand",
            )
            if span is not None and all(span.start >= e.end or span.end <= e.start for e in ents):
                ents.append(span)
            kept.append(mention)
        doc.ents = ents
        layout = _Layout.of(doc, text)
        published = doc.user_data.get("published")
        claims = self.claims.find(
            text, kept, layout.sentence_chars(), self.cues(doc, layout), published
        )
        spans = []
        for claim in claims:
            span = doc.char_span(
                claim.start, claim.end, label=claim.metric, alignment_mode="expand"
            )
            if span is not None:
                spans.append(span)
        doc.spans["claims"] = spans
        doc.user_data["trendbot"] = (kept, claims)
        return doc


class StatisticalModelMissing(ValueError):
    """The trained spaCy pipeline named in config.yaml is not installed."""


def _statistical(name: str | None) -> Language | None:
    if not name:
        return None
    try:
        # only its entity recogniser is needed; parsers and taggers are dead weight here
        return spacy.load(name, exclude=["parser", "tagger", "lemmatizer", "attribute_ruler"])
    except OSError:
        raise StatisticalModelMissing(
            f"entities.statistical_model {name!r} is not an installed spaCy pipeline; "
            "install it or remove the setting (the built-in extractor needs none)"
        ) from None


@Language.factory("trendbot_extractor", default_config={"entities": {}, "hub_ids": [], "names": {}})
def make_extractor(
    nlp: Language,
    name: str,
    entities: dict[str, Any],
    hub_ids: list[str],
    names: dict[str, str],
) -> TrendbotComponent:
    statistical = _statistical(entities.get("statistical_model"))
    return TrendbotComponent(nlp, load_knowledge(entities, hub_ids, names), statistical)


def _pattern_words(rules: Iterable[TokenRule]) -> frozenset[str] | None:
    """Words one of which a stretch must hold for a rule to match there: for each
    pattern, the words of its first required token. None when some pattern has no
    such token (then every stretch is tried)."""
    words: set[str] = set()
    for rule in rules:
        for pattern in rule.patterns:
            anchor = next((t for t in pattern if t.get("OP") not in ("?", "*")), None)
            value = anchor.get("LOWER") if anchor else None
            if isinstance(value, dict) and value.get("IN"):
                words.update(str(w).lower() for w in value["IN"])
            elif isinstance(value, str):
                words.add(value.lower())
            else:
                return None
    return frozenset(words)


@dataclass(frozen=True)
class _Layout:
    """A document's tokens and sentences as plain arrays, read once from spaCy's
    C arrays: what the rules need to know of every token, without making Token
    or Span objects for the tens of thousands of tokens no rule is near."""

    text: str
    orths: np.ndarray  # the hash of each token's text
    lowers: np.ndarray  # the hash of each token's lower-case text
    sentences: list[tuple[int, int]]  # token bounds of each sentence
    chars: list[tuple[int, int]]  # character bounds of each sentence, as Span gives them

    @classmethod
    def of(cls, doc: Doc, text: str | None = None) -> _Layout:
        text = doc.text if text is None else text
        if not len(doc):
            return cls(text, np.zeros(0, dtype="uint64"), np.zeros(0, dtype="uint64"), [], [])
        array = doc.to_array([ORTH, LOWER, IDX, LENGTH])  # hashes need the unsigned type
        sent_starts = doc.to_array(SENT_START).astype("int64")  # -1, 0 or 1
        firsts = np.flatnonzero(sent_starts == 1)
        bounds = [0, *(int(i) for i in firsts if i > 0), len(doc)]
        sentences = list(pairwise(bounds))
        starts, lengths = array[:, 2].astype("int64"), array[:, 3].astype("int64")
        chars = [(int(starts[a]), int(starts[b - 1] + lengths[b - 1])) for a, b in sentences]
        return cls(text, array[:, 0], array[:, 1], sentences, chars)

    def sentence_chars(self) -> list[tuple[int, int]]:
        """Each sentence's character bounds, as ``Span.start_char``/``end_char`` give them."""
        return self.chars

    def anchored(self, words: np.ndarray | None) -> list[int] | None:
        """How many of the tokens before each position are one of ``words``: a stretch
        [a, b) holds one when the count at b is above the count at a. None for no words
        (every stretch counts)."""
        if words is None:
            return None
        hits = np.isin(self.lowers, words, assume_unique=False)
        return [0, *np.cumsum(hits).tolist()]

    def sentence_of(self, token: int) -> tuple[int, int]:
        """The token bounds of the sentence a token is in."""
        return self.sentences[bisect_right(self.sentences, (token, len(self.lowers))) - 1]

    def windows(self, positions: list[int], before: int, after: int) -> list[tuple[int, int]]:
        """Token stretches around positions, within each one's sentence, overlaps merged."""
        spans: list[list[int]] = []
        for i in positions:
            s_start, s_end = self.sentence_of(i)
            start = max(s_start, i - before)
            end = min(s_end, i + after + 1)
            if spans and start <= spans[-1][1] and s_start < spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
        return [(a, b) for a, b in spans]


def _at(window: Span, matcher: Matcher) -> list[tuple[int, int, int]]:
    """A matcher's matches in a span (a sentence), as token positions in the document."""
    return [(m, window.start + a, window.start + b) for m, a, b in matcher(window)]


def _matcher(nlp: Language, rules: Iterable[TokenRule]) -> Matcher:
    matcher = Matcher(nlp.vocab, validate=True)
    for rule in rules:
        matcher.add(rule.id, [list(p) for p in rule.patterns])
    return matcher


def build_pipeline(
    entities: Mapping[str, Any] | None = None,
    hub_ids: Iterable[str] = (),
    names: Mapping[str, str] | None = None,
) -> Language:
    """The extractor pipeline, built once from config's ``entities``, the repo ids known to
    exist and the names the Hub resolved to a repo."""
    nlp = spacy.blank("en")
    _tokenizer_rules(nlp)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(
        "trendbot_extractor",
        config={
            "entities": dict(entities or {}),
            "hub_ids": sorted(set(hub_ids)),
            "names": dict(names or {}),
        },
    )
    return nlp


def _as_data(doc: Doc) -> Extraction:
    mentions, claims = doc.user_data.get("trendbot", ([], []))
    models = [m for m in mentions if m.kind == "model"]
    orgs = [m for m in mentions if m.kind == "org"]
    return Extraction(models, orgs, list(claims))


def extract(nlp: Language, text: str, published: date | None = None) -> Extraction:
    """Entities and claims of one text; ``published`` dates what the text leaves undated
    ("launched on March 3", "in October")."""
    doc = nlp.make_doc(text)
    doc.user_data["published"] = published
    doc.user_data["text"] = text
    for _name, component in nlp.pipeline:
        doc = component(doc)
    return _as_data(doc)


def extract_many(
    nlp: Language,
    texts: Iterable[str] | Iterable[tuple[str, date | None]],
    batch_size: int = 64,
) -> Iterator[Extraction]:
    """Like :func:`extract` over many texts, each a string or a (text, published) pair."""

    def docs() -> Iterator[Doc]:
        for item in texts:
            text, published = item if isinstance(item, tuple) else (item, None)
            doc = nlp.make_doc(text)
            doc.user_data["published"] = published
            doc.user_data["text"] = text
            yield doc

    for doc in nlp.pipe(docs(), batch_size=batch_size):
        yield _as_data(doc)


__all__ = ["Claim", "Extraction", "Mention", "build_pipeline", "extract", "extract_many"]
