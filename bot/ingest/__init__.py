"""Ingest: from the configured feeds to stored articles, news posts and feed health.

The modules, in the order the data flows through them:

- ``crawl``: one crawl pass, which drives the rest: poll the due feeds, hand their
  pages on, store what comes back through :mod:`bot.store.ingest`;
- ``fetch``: the HTTP edge (httpx): feeds and pages, politely, within limits,
  never raising; over
- ``netguard``: the address guard under every connection;
- ``workers``: the process pool that parses feeds and extracts article text,
  entities and claims (:mod:`extractors`) off the event loop;
- ``decisions``: which entries of a fetched feed are posted, and why the others
  are not (pure);
- ``dedupe``: story identity: canonical URL, near-duplicate text (pure);
- ``routing``: which routes and channels a news item goes to, and filters (pure);
- ``health``: a feed's health: when to poll next, when to tell the admins (pure);
- ``feedcheck``: trying a feed before it is added: the same path, nothing stored.
"""
