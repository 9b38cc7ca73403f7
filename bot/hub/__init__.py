"""The Hub: Hugging Face Hub statistics, and verdicts on the claims in the news.

The modules, in the order the data flows through them:

- ``client``: the Hub client (huggingface_hub): listings, repo metadata, name
  searches, with typed failures;
- ``job``: the Hub job: list, store (through :mod:`bot.store.hub`), alert, verify;
- ``snapshots``: snapshots and family sums as plain data, with their scope;
- ``health``: the Hub's health: why a snapshot is incomplete, when to tell the
  admins (pure);
- ``rankings``: rankings of families, authors and models (pure);
- ``alerts``: milestones, overtakes, new models and surges between two snapshots
  (pure);
- ``repo_facts``: a repo's metadata as one typed record;
- ``names``: which repo a model name written in the news means (pure);
- ``verify``: verdicts on the news's claims against the snapshots (pure);
- ``verify_repo``: verdicts on figures about one repo against its metadata (pure);
- ``verdict_eval``: scoring the verdicts on a labelled set against a fake Hub.
"""
