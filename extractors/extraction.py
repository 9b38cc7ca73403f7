"""The extractor's result as plain data.

It lives apart from :mod:`extractors.pipeline` so that a process which only
receives results (the crawler's main process unpickling what a worker sent)
never imports spaCy for it: that import alone costs about half a second.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Extraction:
    models: list[dict]
    orgs: list[dict]
    claims: list[dict]

    def as_json(self) -> dict[str, list[dict]]:
        return {"models": self.models, "orgs": self.orgs, "claims": self.claims}
