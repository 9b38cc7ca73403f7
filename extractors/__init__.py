"""Pure text-to-data code: article text, entity mentions and numeric claims.

Nothing in this package touches the network or the database, so it can run in
worker processes and be tested with plain tables of examples.
"""
