"""Check the labelled verdict sets against their world: python tests/data/verdicts/validate.py

- world.json and every line of dev.jsonl / heldout.jsonl / dev3.jsonl / dev4.jsonl /
  dev2.jsonl / dev5.jsonl / dev6.jsonl / dev7.jsonl / dev8.jsonl parse,
  with the expected keys;
- ids are unique and numbered vd001.. / vd101.. / vh001.. / vd201.. / vd301.. / vd401.. /
  vd501.. / vd601.. / vd701..;
- every claim is an exact substring of its text (and a warning when it occurs twice);
- every verdict is one of the four allowed values, every claim has a one-line why;
- every id-like model name in a record with a supported/contradicted claim is a repo
  of the world, unless it is listed below as deliberately absent (its claims are
  unverifiable) or is not a model name at all.
Exit status 1 on any error.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERDICTS = {"supported", "contradicted", "unverifiable", "not_checkable"}
# Models the texts name on purpose although the world has no such repo (traps).
ABSENT_ON_PURPOSE = {
    "glm-4.5v",
    "qwen3-next-80b-a3b-thinking",
    "olmo-2-0325-32b-instruct",
    # dev4: near-names of world repos, and a closed model
    "qwen2.5-7b-instruct-gptq-int4",
    "gemma-3-12b-it",
    "deepseek-v3.1-terminus",
    "llama-4-maverick-17b-128e-instruct",
    "gpt-4o",
}
# Hyphenated tokens with digits that are not model names.
NOT_MODELS = {"math-500", "h100-hours", "glm-4", "5-shot", "gpqa-diamond", "apache-2.0"}
ID_LIKE = re.compile(r"(?<![\w/.-])[A-Za-z][A-Za-z0-9.]*(?:-[A-Za-z0-9.]+)+")


def main() -> int:
    errors: list[str] = []
    warnings: list[str] = []
    world = json.loads((HERE / "world.json").read_text())
    repos = world["repos"]
    ids = [r["id"] for r in repos]
    if len(ids) != len(set(ids)):
        errors.append("world.json: duplicate repo ids")
    if not 45 <= len(repos) <= 60:
        errors.append(f"world.json: {len(repos)} repos, expected 45-60")
    for r in repos:
        for key in (
            "id",
            "author",
            "downloads",
            "downloadsAllTime",
            "likes",
            "createdAt",
            "config",
            "cardData",
            "tags",
        ):
            if key not in r:
                errors.append(f"world.json {r.get('id')}: no {key}")
        if r["id"].split("/")[0] != r["author"]:
            errors.append(f"world.json {r['id']}: author {r['author']} does not match the id")
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", r["createdAt"]):
            errors.append(f"world.json {r['id']}: createdAt {r['createdAt']}")
        st = r.get("safetensors")
        if st and sum(st["parameters"].values()) != st["total"]:
            errors.append(f"world.json {r['id']}: safetensors total is not the sum of its dtypes")
    names = {i.split("/", 1)[1].lower() for i in ids}

    for split, prefix, first in (
        ("dev", "vd", 1),
        ("dev2", "vd", 101),
        ("heldout", "vh", 1),
        ("dev3", "vd", 201),
        ("dev4", "vd", 301),
        ("dev5", "vd", 401),
        ("dev6", "vd", 501),
        ("dev7", "vd", 601),
        ("dev8", "vd", 701),
    ):
        path = HERE / f"{split}.jsonl"
        seen: set[str] = set()
        verdicts: Counter[str] = Counter()
        for n, line in enumerate(path.read_text().splitlines(), 1):
            where = f"{path.name}:{n}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{where}: {exc}")
                continue
            if set(rec) != {"id", "published", "text", "expected"}:
                errors.append(f"{where}: keys {sorted(rec)}")
            rid = rec.get("id", "")
            if rid in seen or rid != f"{prefix}{first + n - 1:03d}":
                errors.append(f"{where}: id {rid!r}")
            seen.add(rid)
            if not re.fullmatch(r"\d{4}-\d\d-\d\d", rec.get("published", "")):
                errors.append(f"{where}: published {rec.get('published')!r}")
            text = rec["text"]
            decided = False
            for item in rec["expected"]:
                if set(item) != {"claim", "verdict", "why"}:
                    errors.append(f"{where}: claim keys {sorted(item)}")
                claim = item["claim"]
                if claim not in text:
                    errors.append(f"{where}: claim {claim!r} is not a substring of the text")
                elif text.count(claim) > 1:
                    warnings.append(f"{where}: claim {claim!r} occurs {text.count(claim)} times")
                if item["verdict"] not in VERDICTS:
                    errors.append(f"{where}: verdict {item['verdict']!r}")
                if not item.get("why") or "\n" in item["why"]:
                    errors.append(f"{where}: why must be one non-empty line")
                verdicts[item["verdict"]] += 1
                decided |= item["verdict"] in ("supported", "contradicted")
            claims = [i["claim"] for i in rec["expected"]]
            if len(claims) != len(set(claims)):
                errors.append(f"{where}: a claim is labelled twice")
            if decided:
                for token in ID_LIKE.findall(text):
                    low = token.lower().rstrip(".")
                    if not any(ch.isdigit() for ch in low) or low in NOT_MODELS:
                        continue
                    if low not in names and low not in ABSENT_ON_PURPOSE:
                        errors.append(
                            f"{where}: {token!r} looks like a repo name but is not in world.json"
                        )
        total = sum(verdicts.values())
        decidable = verdicts["supported"] + verdicts["contradicted"]
        print(
            f"{split}: {len(seen)} records, {total} claims, {dict(verdicts)}, "
            f"decidable {decidable / total:.0%}"
        )
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("error:", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
