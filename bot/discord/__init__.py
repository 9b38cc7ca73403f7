"""The Discord side: a small bot module, one cog per feature, and the outbox's Discord sink."""
