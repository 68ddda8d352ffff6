"""Fetching web pages politely, with an on-disk cache that a second run only revalidates.

One :class:`Fetcher` holds one ``httpx`` client: a timeout on every request, retries with
exponential backoff on network errors and on 429/5xx (honouring ``Retry-After``), at most
``delay`` seconds between the starts of two requests to one host, at most ``concurrency`` requests
at once, and a User-Agent that names gbakg and its version. Redirects are followed and reported.

A 200 answer is kept in the cache folder (one JSON file of metadata and one file of body per
address, named by the address's SHA-256) with its ``ETag`` and ``Last-Modified``; the next fetch of
that address sends ``If-None-Match`` / ``If-Modified-Since`` and, on ``304 Not Modified``, reads the
body from the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from gbakg import __version__
from gbakg.errors import OutputError
from gbakg.fileio import atomic_write
from gbakg.sources import BACKOFF, CONCURRENCY, DELAY, RETRIES, TIMEOUT

USER_AGENT = f"gbakg/{__version__} (citation checker: gbakg sources check; +https://w3id.org/gbakg)"
MAX_BYTES = 25_000_000  # a page larger than this is cut here (a PDF report rarely is)
MAX_RETRY_AFTER = 60.0  # a longer Retry-After is capped to this
_ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.5"
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_PERMANENT = frozenset({301, 308})


@dataclass(frozen=True)
class Redirect:
    """One hop: ``status`` answered at ``source`` sent the client to ``target``."""

    status: int
    source: str
    target: str

    @property
    def permanent(self) -> bool:
        return self.status in _PERMANENT


@dataclass
class Page:
    """What fetching one address gave: the final answer, its body, the redirects on the way, or the error."""

    url: str
    final_url: str = ""
    status: int | None = None
    body: bytes | None = None
    content_type: str = ""
    redirects: list[Redirect] = field(default_factory=list)
    error: str | None = None
    revalidated: bool = False  # a 304 answered a conditional request: the body is the cached one

    @property
    def moved_to(self) -> str | None:
        """Where the permanent redirects at the start of the chain lead, if that differs from ``url``.

        A temporary redirect (302, 303, 307) keeps the old address as the one to cite, and ends the walk.
        """
        target = self.url
        for hop in self.redirects:
            if not hop.permanent:
                break
            target = hop.target
        return target if target != self.url else None


class Cache:
    """Bodies of 200 answers with their validators, one pair of files per address under ``folder``."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.folder / f"{key}.json", self.folder / f"{key}.body"

    def get(self, url: str) -> tuple[dict[str, Any], bytes] | None:
        """The stored metadata and body for ``url``; None when absent or unreadable."""
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        return (meta, body) if isinstance(meta, dict) and meta.get("url") == url else None

    def put(self, url: str, response: httpx.Response, body: bytes) -> None:
        """Keep a 200 answer that carries a validator (``ETag`` or ``Last-Modified``)."""
        etag, modified = response.headers.get("etag"), response.headers.get("last-modified")
        if not (etag or modified):
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OutputError(f"{self.folder}: cannot create the cache folder ({e.strerror})") from e
        meta_path, body_path = self._paths(url)
        meta = {
            "url": url,
            "etag": etag,
            "last_modified": modified,
            "content_type": response.headers.get("content-type", ""),
            "stored": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        atomic_write(body_path, body)
        atomic_write(meta_path, json.dumps(meta, indent=1))


def default_cache_dir() -> Path | None:
    """``$GBAKG_CACHE/sources`` if ``GBAKG_CACHE`` is set (None when it is ``off``), else ``~/.cache/gbakg/sources``.

    The cache holds copies of other publishers' pages, so it lives in the user's cache folder,
    never in the repository.
    """
    chosen = os.environ.get("GBAKG_CACHE", "").strip()
    if chosen.lower() in ("off", "0", "no", "false"):
        return None
    if chosen:
        return Path(chosen) / "sources"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gbakg" / "sources"


class HostPacer:
    """At most one request start per ``delay`` seconds to each host, shared by all threads."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self.delay
        if start > now:
            time.sleep(start - now)


class Fetcher:
    """``with Fetcher() as f: for page in f.fetch_each(urls): ...``: every address once, politely, through the cache."""

    def __init__(
        self,
        *,
        timeout: float = TIMEOUT,
        retries: int = RETRIES,
        backoff: float = BACKOFF,
        delay: float = DELAY,
        concurrency: int = CONCURRENCY,
        cache: Cache | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.concurrency = max(1, concurrency)
        self.cache = cache
        self.pacer = HostPacer(delay)
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            max_redirects=10,
            headers={"User-Agent": user_agent, "Accept": _ACCEPT},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.client.close()

    def fetch_each(self, urls: Iterable[str]) -> Iterator[Page]:
        """Each distinct address's page as soon as it arrives (``concurrency`` at a time).

        Hosts are interleaved (a, b, c, a, b, a rather than a, a, a, b, b, c), so a worker rarely
        waits for the per-host delay while other hosts have pages to fetch.
        """
        order = _interleave_hosts(list(dict.fromkeys(urls)))
        with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="gbakg-fetch") as pool:
            futures = [pool.submit(self.fetch, url) for url in order]
            try:
                for future in as_completed(futures):
                    yield future.result()
            finally:
                for future in futures:
                    future.cancel()  # on Ctrl-C or an error, start nothing more

    def fetch(self, url: str) -> Page:
        """One address, retried on network errors and on 429/5xx; never raises for what the network does."""
        cached = self.cache.get(url) if self.cache is not None else None
        headers = {}
        if cached is not None:
            meta = cached[0]
            if meta.get("etag"):
                headers["If-None-Match"] = meta["etag"]
            if meta.get("last_modified"):
                headers["If-Modified-Since"] = meta["last_modified"]
        attempt = 0
        while True:
            self.pacer.wait(url)
            try:
                page, retry_after = self._once(url, headers, cached)
            except httpx.InvalidURL as e:
                return Page(url, error=f"invalid address: {e}")
            except httpx.HTTPError as e:
                page, retry_after = Page(url, error=self._describe(e)), None
                if not isinstance(e, httpx.TransportError) or isinstance(e, httpx.UnsupportedProtocol):
                    return page
            retryable = page.error is not None or page.status in _RETRY_STATUS
            if not retryable or attempt >= self.retries:
                return page
            time.sleep(retry_after if retry_after is not None else self.backoff * 2**attempt)
            attempt += 1

    def _once(
        self, url: str, headers: dict[str, str], cached: tuple[dict[str, Any], bytes] | None
    ) -> tuple[Page, float | None]:
        with self.client.stream("GET", url, headers=headers) as response:
            page = Page(url, final_url=str(response.url), status=response.status_code)
            page.redirects = [
                Redirect(r.status_code, str(r.url), str(r.url.join(r.headers.get("location", ""))))
                for r in response.history
            ]
            page.content_type = response.headers.get("content-type", "")
            if response.status_code == 304 and cached is not None:
                page.body, page.revalidated = cached[1], True
                page.content_type = page.content_type or cached[0].get("content_type", "")
            elif response.status_code == 200:
                page.body = _read_capped(response)
                if self.cache is not None:
                    self.cache.put(url, response, page.body)
            return page, _retry_after(response)

    def _describe(self, error: Exception) -> str:
        if isinstance(error, httpx.TimeoutException):
            return f"timed out after {self.timeout:g} s ({type(error).__name__})"
        if isinstance(error, httpx.TooManyRedirects):
            return "too many redirects"
        detail = str(error) or type(error).__name__
        return f"{type(error).__name__}: {detail}"


def _read_capped(response: httpx.Response) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_BYTES:
            break
    return b"".join(chunks)[:MAX_BYTES]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    if not value.isdigit():
        return None  # an HTTP date, or nothing: the usual backoff
    return min(float(value), MAX_RETRY_AFTER)


def _interleave_hosts(urls: list[str]) -> list[str]:
    """Round-robin over hosts: a, b, c, a, b, a … rather than a, a, a, b, b, c."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(urlsplit(url).netloc.lower(), []).append(url)
    queues = list(by_host.values())
    order: list[str] = []
    while queues:
        order.extend(q.pop(0) for q in queues)
        queues = [q for q in queues if q]
    return order
