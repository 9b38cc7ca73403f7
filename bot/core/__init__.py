"""The ground floor: the words and records every other room of trendbot speaks.

It imports only the standard library and the extractors' vocabulary
(:mod:`extractors.vocabulary`, :mod:`extractors.extraction`). Storage, Discord,
the HTTP edge and the scheduler depend on it, never the reverse, so the pure
rules (health, decisions, verdicts, digests) can be imported, tested and run in
a worker without loading SQLModel, discord.py or httpx.
"""
