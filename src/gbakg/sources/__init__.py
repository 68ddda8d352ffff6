"""Checking the web sources the graph cites against their live pages: the one part of gbakg that goes online.

``fetch`` gets the pages politely (timeouts, retries with backoff, a per-host rate, a concurrency
limit, an on-disk cache revalidated with ETag/Last-Modified); ``extract`` turns HTML and PDF into
their main text; ``check`` looks for each quote in it and reports per source. Nothing here edits the
graph: a moved page yields a Turtle change for the user to review.
"""

from __future__ import annotations

# The defaults of `gbakg sources check` (light to import, so the CLI can show them in --help).
TIMEOUT = 20.0  # seconds, for connecting and for each read
RETRIES = 2  # further attempts after a network error, 429 or 5xx
BACKOFF = 1.0  # seconds before the first retry; doubled for each next one
DELAY = 1.0  # seconds between the starts of two requests to one host
CONCURRENCY = 4  # requests in flight at once, over all hosts
