"""Delivery: what people read, composed as drafts and delivered from the outbox.

The modules, in the order the data flows through them:

- ``digest``: a period's news, names, checked claims, ranking and alerts as one
  draft (pure);
- ``digest_job``: composing the period's digest and putting it in the outbox,
  once per period;
- ``replies``: the replies to commands as drafts, from the read models'
  records (pure);
- ``charts``: download trends and rankings as PNG pictures (pure);
- ``pictures``: the charts trendbot attaches, read from the database;
- ``messages``: message drafts: an outbox payload drawn as a draft, made safe and
  fitted to Discord's limits (pure);
- ``sender``: delivering the outbox, each message exactly once, to Discord or to
  the terminal.
"""
