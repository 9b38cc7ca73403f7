"""Model and organisation mentions, linked to Hugging Face Hub ids.

Model names in AI news are open-ended ("Qwen3-Coder-480B-A35B-Instruct",
"Llama 3.1 405B", "FLUX.2 [klein]"), so they are matched as a family stem
followed by a tail of versions, sizes and variant words, rather than listed one
by one; a name that spells a known checkpoint links to that repo, any other to
the family's Hub author. Organisations come from a gazetteer of canonical names
and aliases, plus a pattern for company-shaped names ("X Capital", "Y Labs").
"""

from __future__ import annotations

import re

from extractors.extraction import Mention
from extractors.knowledge import Family, Knowledge, name_keys
from extractors.vocabulary import Link

VARIANTS = {
    "instruct",
    "chat",
    "base",
    "coder",
    "code",
    "math",
    "vl",
    "omni",
    "air",
    "flash",
    "pro",
    "ultra",
    "mini",
    "nano",
    "small",
    "medium",
    "large",
    "turbo",
    "thinking",
    "reasoner",
    "reasoning",
    "preview",
    "exp",
    "experimental",
    "distill",
    "max",
    "plus",
    "lite",
    "sonnet",
    "opus",
    "haiku",
    "vision",
    "audio",
    "image",
    "video",
    "embedding",
    "reranker",
    "guard",
    "scout",
    "maverick",
    "behemoth",
    "next",
    "dev",
    "schnell",
    "kontext",
    "high",
    "low",
    "instant",
    "fast",
    "deep",
    "research",
    "it",
    "hf",
    "gguf",
    "awq",
    "fp8",
    "edit",
    "tts",
    "asr",
    "realtime",
    "nemo",
    "codex",
    "oss",
    "moe",
    "xl",
    "lightning",
    "krea",
    "omni-moe",
    "r",
    "a",
    "m",
    "v",
    "k",
    "s",
    "e",
}
# Words that end a hyphenated tail: "Llama-based models" is not a model called "Llama-based".
NOT_TAIL = {
    "based",
    "powered",
    "style",
    "like",
    "class",
    "level",
    "sized",
    "size",
    "scale",
    "family",
    "series",
    "compatible",
    "native",
    "friendly",
    "specific",
    "generated",
    "derived",
    "tuned",
    "trained",
    "only",
    "era",
    "grade",
    "maker",
    "team",
    "developer",
    "lab",
    "labs",
    "models",
    "model",
    "weights",
    "checkpoint",
    "checkpoints",
    "users",
    "api",
    "app",
    "fueled",
    "led",
    "built",
    "inspired",
    "focused",
    "first",
    "centric",
    "heavy",
}
PRODUCT_WORDS = {"app", "apps", "application", "chatbot", "assistant", "website", "subscription"}
PRODUCT_AFTER = re.compile(r"^\s+(?:" + "|".join(PRODUCT_WORDS) + r")\b", re.IGNORECASE)
CORPORATE_AFTER = re.compile(
    r"^\s*(?:'s\s+(?:ceo|founder|founders|chief|valuation|investors|headquarters|staff|"
    r"employees|team|researchers|engineers|revenue|funding|ipo|shares|board|lab|office)\b|"
    r"(?:said|says|announced|announces|raised|raises|is\s+valued|was\s+valued|plans|planned|"
    r"hired|hires|founded|employs|laid|told|declined|reported|posted|launched|launches|"
    r"released|releases|unveiled|unveils|introduced|open-sourced|published|confirmed|"
    r"denied|claimed|claims|aims|is\s+raising|agreed|signed|filed|has\s+raised|has\s+been|"
    r"will|would|could|also|itself|and\s+its|,\s+(?:the|a|which|whose|founded))\b)",
    re.IGNORECASE,
)
CORPORATE_BEFORE = re.compile(
    r"\b(?:start-?up|startup|company|firm|lab|laboratory|developer|maker|rival|investor|"
    r"investors\s+in|backed|founders?\s+of|ceo\s+of|employees\s+of|at|from|by|with|rivals?|"
    r"like|versus|vs\.?|and|including)\s+$",
    re.IGNORECASE,
)
MODEL_AFTER = re.compile(
    r"^\s*(?:'s\s+)?(?:models?|weights|checkpoints?|family|series|downloads|v\d|llms?|"
    r"reasoning\s+model|open[- ]weights?|passed|crossed|surpassed|topped|tops|"
    r"has\s+been\s+downloaded|was\s+downloaded|is\s+downloaded|derivatives|fine-tunes)\b",
    re.IGNORECASE,
)

_VERSION = r"v?\d+(?:\.\d+)*[a-z]?"
# A size in a name marks one checkpoint: 32B, 1.5B, 135M, 8x7B, A3B
CHECKPOINT_SIZE = re.compile(r"(?<![A-Za-z])(?:\d+x)?\d+(?:\.\d+)?[BbMm](?![A-Za-z])")
# sizes: 32B, 1.5B, 8x7B, A3B (active), 16E (experts, as in Llama-4-Scout-17B-16E)
_SIZE = r"\d+(?:\.\d+)?[BbMmKkTt](?![a-z])|\d+x\d+[Bb]|[AaEe]\d+(?:\.\d+)?[Bb]|\d+E(?![a-z])"
_CODE = r"[A-Z]\d+(?:\.\d+)?[a-z]?"
_BRACKET = r"\[[A-Za-z0-9]+\]"
_WORDY = r"[A-Za-z][A-Za-z0-9]*"
_SPACED_PART = rf"(?:{_SIZE}|{_VERSION}|{_CODE}|{_BRACKET}|{_WORDY})"
ORG_SUFFIX = re.compile(
    r"\b(?:[A-Z][\w&'-]*(?:\.\w+)*\s+){1,3}(?:AI|Labs?|Capital|Ventures|Partners|Technologies|"
    r"Robotics|Intelligence|Institute|University|Systems|Computing|Holdings|Group|Research|"
    r"Inc\.?|Ltd\.?|Corp\.?|GmbH|SAS)\b"
)
UNIVERSITY_OF = re.compile(r"\bUniversity of (?:[A-Z][\w-]+)(?:,? [A-Z][\w-]+)?")
NEVER_ORG_START = {
    "The",
    "A",
    "An",
    "This",
    "That",
    "These",
    "Those",
    "Its",
    "Their",
    "Our",
    "Generative",
    "Open",
    "Artificial",
    "Chinese",
    "American",
    "European",
    "Frontier",
    "Many",
    "Most",
    "Some",
    "Other",
    "New",
    "In",
    "On",
    "At",
    "For",
    "With",
    "And",
    "But",
    "By",
    "As",
}


# A word shaped like a repo name: letters and digits joined by hyphens, dots or
# underscores, with a digit somewhere ("flan-t5-base", "vit-base-patch16-224").
REPO_LIKE = re.compile(
    r"(?<![\w@/.-])(?=[\w.-]*\d)[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)+(?![\w-])"
)


def _stem_pattern(family: Family) -> str:
    stems = sorted(family.stems, key=len, reverse=True)
    return "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in stems)


class EntityFinder:
    """Finds model and organisation mentions in text with the given knowledge."""

    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        # One pass over the text for all families: every stem in one alternation, longest
        # first; the matched stem (case-folded) names its family.
        self._stem_family: dict[str, Family] = {}
        for family in knowledge.families:
            for stem in family.stems:
                self._stem_family.setdefault(re.sub(r"\s+", " ", stem.casefold()), family)
        stems = sorted({s for f in knowledge.families for s in f.stems}, key=len, reverse=True)
        alternation = "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in stems)
        self._exact = re.compile(rf"(?<![\w@/.-])(?:{alternation})(?![\w])")
        # Any case when a version follows ("qwen2.5-7b", "glm-4.5"), but only for stems
        # long enough not to be ordinary words: "Mai 2019" is a date, not MAI.
        loose = "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in stems if len(s) >= 4)
        self._glued = re.compile(rf"(?<![\w@/.-])(?:{loose})(?=[-_ .]?\d)", re.IGNORECASE)
        # three-letter stems in any case only when a hyphen and a digit follow: "phi-4",
        # "glm-4.5" are names, "Mai 2019" is a date
        short = "|".join(re.escape(s) for s in stems if len(s) == 3 and s.isalpha())
        self._glued_short = (
            re.compile(rf"(?<![\w@/.-])(?:{short})(?=-\d)", re.IGNORECASE) if short else None
        )
        self._glued_exact = re.compile(rf"(?<![\w@/.-])(?:{alternation})(?=[-_ .]?\d)")
        # repo-style spellings with a digit further on: "whisper-large-v3"
        self._repo_style = re.compile(
            rf"(?<![\w@/.-])(?:{loose})(?=-[a-z][a-z0-9]*(?:[-.][a-z0-9]+)*-v?\d)", re.IGNORECASE
        )
        aliases: dict[str, tuple[str, str | None]] = {}
        for company in knowledge.companies:
            for alias in (company.name, *company.aliases):
                aliases[alias] = (company.name, company.hub_author)
        self._aliases = aliases
        names = sorted(aliases, key=len, reverse=True)
        self._org = re.compile(
            r"(?<![\w@/-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])"
        )
        model_aliases = sorted(knowledge.aliases, key=len, reverse=True)
        self._model_alias = (
            re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, model_aliases)) + r")(?![\w-])")
            if model_aliases
            else None
        )
        self._tail_glued = re.compile(
            rf"(?:[-_.]?(?:{_SIZE}|{_VERSION}|{_CODE}|{_BRACKET}))|(?:[-_](?:{_WORDY}))"
        )
        self._tail_spaced = re.compile(rf" (?:{_SPACED_PART})")
        self._company_family = {f.company: f for f in knowledge.families if f.company}

    # -- models ------------------------------------------------------------------------

    def _tail(self, text: str, position: int) -> tuple[int, bool]:
        """Where a model name that starts before ``position`` ends, and whether it has a version."""
        end, versioned = position, False
        while True:
            glued = self._tail_glued.match(text, end)
            if glued:
                part = glued.group().lstrip("-_.")
                if part.lower() in NOT_TAIL:
                    break
                end = glued.end()
                versioned |= bool(re.match(rf"^(?:{_SIZE}|{_VERSION}|{_CODE})$", part)) or (
                    part.lower() in VARIANTS and len(part) > 2
                )
                continue
            spaced = self._tail_spaced.match(text, end)
            if spaced:
                part = spaced.group().strip()
                if re.fullmatch(rf"{_SIZE}|{_VERSION}|{_CODE}|{_BRACKET}", part):
                    # a bare year or a long number after a name is not its version
                    if re.fullmatch(r"(?:19|20)\d\d|\d{5,}", part):
                        break
                    end, versioned = spaced.end(), True
                    continue
                if part.lower() in VARIANTS and part[0].isupper():
                    end, versioned = spaced.end(), versioned or len(part) > 2
                    continue
            break
        return end, versioned

    def models(self, text: str) -> list[Mention]:
        found: list[Mention] = []
        starts = {m.start(): m.end() for m in self._exact.finditer(text)}
        starts.update({m.start(): m.end() for m in self._glued.finditer(text)})
        starts.update({m.start(): m.end() for m in self._glued_exact.finditer(text)})
        starts.update({m.start(): m.end() for m in self._repo_style.finditer(text)})
        if self._glued_short is not None:
            starts.update({m.start(): m.end() for m in self._glued_short.finditer(text)})
        for start, stem_end in sorted(starts.items()):
            family = self._stem_family.get(re.sub(r"\s+", " ", text[start:stem_end].casefold()))
            if family is None:
                continue
            end, versioned = self._tail(text, stem_end)
            if family.needs_version and not versioned:
                continue
            # letters glued to the end belong to the name: "GLM-4.5V" is not GLM-4.5
            glued = re.match(r"[A-Za-z]+\b", text[end:]) if end > stem_end else None
            if glued and text[end - 1].isdigit():
                end += glued.end()
            name = text[start:end].rstrip(".-_")
            end = start + len(name)
            after = text[end : end + 40]
            if PRODUCT_AFTER.match(after):
                continue
            if (
                family.ambiguous
                and end == stem_end
                and not self._is_model_context(text, start, end)
            ):
                continue  # the company, not the model family
            hub, link, wanted = self._link(name, family, stem_end - start)
            found.append(
                Mention("model", name, start, end, hub, family.stems[0], link=link, wanted=wanted)
            )
        # known repos whose names no family stem starts ("vit-base-patch16-224",
        # "flan-t5-base"): any hyphenated word that spells one
        for match in REPO_LIKE.finditer(text):
            if any(m.start < match.end() and match.start() < m.end for m in found):
                continue
            hub = self.knowledge.checkpoint(match.group())
            if hub:
                found.append(
                    Mention("model", match.group(), match.start(), match.end(), hub, link=Link.REPO)
                )
        if self._model_alias:
            for match in self._model_alias.finditer(text):
                alias = match.group()
                hub = self.knowledge.aliases[alias]
                link = Link.NONE if not hub else Link.REPO if "/" in hub else Link.FAMILY
                found.append(Mention("model", alias, match.start(), match.end(), hub, link=link))
        return found

    def _link(
        self, name: str, family: Family, stem_length: int
    ) -> tuple[str | None, Link, str | None]:
        """What a model name links to on the Hub, and how precisely.

        A known repo id (built in, from config, or from the snapshots of the tracked
        authors) is the only way to a repo link: trendbot never builds an id from a
        name, since an id that does not exist would be judged as if it did. A name
        with a size ("Llama 3.1 70B") names one checkpoint that is not known yet: it
        links to the family's author for display, marked unresolved, with the name
        the Hub would be searched for. A bare stem is the family; a versioned name
        without a size ("Qwen3", "Llama 3.1") is one generation of it.
        """
        known = self.knowledge.checkpoint(name)
        if known:
            return known, Link.REPO, None
        if family.is_closed(name):
            return None, Link.CLOSED, None
        if family.author is None:
            return None, Link.NONE, None
        if CHECKPOINT_SIZE.search(name[stem_length:]) or CHECKPOINT_SIZE.search(name):
            return family.author, Link.UNRESOLVED, name_keys(name)[0]
        if len(name) <= stem_length or name_keys(name)[0] in {
            name_keys(stem)[0] for stem in family.stems
        }:
            # "Qwen" is all of author Qwen; "Gemma" is one line of google's repos
            whole = family.is_whole_author(name)
            return family.author, Link.FAMILY if whole else Link.SERIES, None
        return family.author, Link.SERIES, None

    @staticmethod
    def _is_model_context(text: str, start: int, end: int) -> bool:
        after = text[end : end + 60]
        before = text[max(0, start - 40) : start]
        if CORPORATE_AFTER.match(after) or CORPORATE_BEFORE.search(before):
            return False
        return bool(MODEL_AFTER.match(after))

    # -- organisations -----------------------------------------------------------------

    def orgs(self, text: str) -> list[Mention]:
        found: list[Mention] = []
        for match in self._org.finditer(text):
            canonical, hub = self._aliases[match.group()]
            link = Link.FAMILY if hub else Link.NONE
            found.append(
                Mention("org", match.group(), match.start(), match.end(), hub, canonical, link)
            )
        for match in UNIVERSITY_OF.finditer(text):
            found.append(
                Mention("org", match.group(), match.start(), match.end(), None, match.group())
            )
        for match in ORG_SUFFIX.finditer(text):
            words = match.group().split()
            while words and (words[0] in NEVER_ORG_START or words[0].lower() == words[0]):
                words = words[1:]
            if len(words) < 2:
                continue
            name = " ".join(words)
            start = match.end() - len(name)
            if text[start : match.end()] != name:
                continue
            found.append(Mention("org", name, start, match.end(), None, name))
        return found

    # -- both --------------------------------------------------------------------------

    def find(self, text: str) -> list[Mention]:
        """All mentions, overlaps resolved: the longer span wins, then models over orgs."""
        candidates = self.models(text) + self.orgs(text)
        candidates.sort(key=lambda m: (-(m.end - m.start), m.kind != "model", m.start))
        taken: list[Mention] = []
        for mention in candidates:
            if any(mention.start < t.end and t.start < mention.end for t in taken):
                continue
            taken.append(mention)
        taken += self._short_names(text, taken)
        return sorted(taken, key=lambda m: m.start)

    def _short_names(self, text: str, found: list[Mention]) -> list[Mention]:
        """Later mentions of a model by its last word: "Llama 4 Scout ... Scout offers".

        Only a capitalised variant word that ends exactly one model named earlier, so
        that "Pro" after both "Gemini 2.5 Pro" and "Qwen-Pro" refers to neither.
        """
        ends: dict[str, list[Mention]] = {}
        for mention in found:
            if mention.kind != "model":
                continue
            word = re.split(r"[\s_-]+", mention.text)[-1]
            if word.lower() in VARIANTS and len(word) >= 3 and word[0].isupper():
                ends.setdefault(word, []).append(mention)
        extra: list[Mention] = []
        for word, named in ends.items():
            if len({m.hub_id or m.text for m in named}) != 1:
                continue
            first = named[0]
            for match in re.finditer(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", text):
                if match.start() <= first.start or any(
                    m.start <= match.start() < m.end for m in found + extra
                ):
                    continue
                extra.append(
                    Mention(
                        "model",
                        word,
                        match.start(),
                        match.end(),
                        first.hub_id,
                        first.canonical,
                        link=first.link,
                        wanted=first.wanted,
                    )
                )
        return extra
