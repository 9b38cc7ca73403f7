"""The extractor: build it once, run it on one text or many.

A blank English spaCy pipeline (nothing to download) with tokenizer rules for
this domain, so that "Qwen2.5-1.5B-Instruct" stays one token and "$20M" splits
into "$", "20", "M", a sentencizer, and one component that finds the model and
organisation mentions (set as ``doc.ents``, with the Hub id as ``kb_id_``) and
the numeric claims (``doc.spans["claims"]``, with their values in
``doc.user_data``). :func:`extract` returns plain data for the CLI and the crawler.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_suffix_regex

from extractors.claims import Claim, ClaimFinder
from extractors.entities import EntityFinder, Mention
from extractors.extraction import Extraction
from extractors.knowledge import Knowledge, load_knowledge

# One token for model-name-like words: letters and digits joined by - . _ (Qwen2.5-1.5B-Instruct)
MODEL_TOKEN = re.compile(
    r"^[A-Za-z][A-Za-z0-9]*(?:[-._][A-Za-z0-9]+)+$|^[A-Za-z]+\d+(?:\.\d+)*[A-Za-z]*$"
)
MAGNITUDE_SUFFIX = r"(?<=\d)(?:[KkMmBbTt]|bn|mn|tn)(?=$|[.,;:!?)\]])"


def _tokenizer_rules(nlp: Language) -> None:
    tokenizer = nlp.tokenizer
    tokenizer.token_match = MODEL_TOKEN.match
    suffixes = [MAGNITUDE_SUFFIX, *nlp.Defaults.suffixes]
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

    def __init__(self, knowledge: Knowledge, statistical: Language | None = None):
        self.entities = EntityFinder(knowledge)
        self.claims = ClaimFinder()
        self.statistical = statistical

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
        text = doc.text
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
        sentences = [(s.start_char, s.end_char) for s in doc.sents]
        claims = self.claims.find(text, kept, sentences)
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


@Language.factory("trendbot_extractor", default_config={"entities": {}, "hub_ids": []})
def make_extractor(
    nlp: Language, name: str, entities: dict[str, Any], hub_ids: list[str]
) -> TrendbotComponent:
    statistical = _statistical(entities.get("statistical_model"))
    return TrendbotComponent(load_knowledge(entities, hub_ids), statistical)


def build_pipeline(
    entities: Mapping[str, Any] | None = None, hub_ids: Iterable[str] = ()
) -> Language:
    """The extractor pipeline, built once from config's ``entities`` and the known repo ids."""
    nlp = spacy.blank("en")
    _tokenizer_rules(nlp)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(
        "trendbot_extractor",
        config={"entities": dict(entities or {}), "hub_ids": sorted(set(hub_ids))},
    )
    return nlp


def _as_data(doc: Doc) -> Extraction:
    mentions, claims = doc.user_data.get("trendbot", ([], []))
    models = [
        {"text": m.text, "start": m.start, "end": m.end, "hub_id": m.hub_id}
        for m in mentions
        if m.kind == "model"
    ]
    orgs = [
        {
            "text": m.text,
            "start": m.start,
            "end": m.end,
            "canonical": m.canonical,
            "hub_author": m.hub_id,
        }
        for m in mentions
        if m.kind == "org"
    ]
    return Extraction(models, orgs, [asdict(c) for c in claims])


def extract(nlp: Language, text: str) -> Extraction:
    return _as_data(nlp(text))


def extract_many(nlp: Language, texts: Iterable[str], batch_size: int = 64) -> Iterator[Extraction]:
    for doc in nlp.pipe(texts, batch_size=batch_size):
        yield _as_data(doc)


__all__ = ["Claim", "Extraction", "build_pipeline", "extract", "extract_many"]
