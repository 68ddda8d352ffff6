"""Each web source against its live page: still there, quotes still in it, moved, gone or unreachable.

The sources are the graph's ``gba:Source`` nodes with a ``schema:url``; the quotes citing each come
from :class:`gbakg.rdf.evidence.EvidenceIndex`, the one reader of evidence. A quote counts as found
when, folded by :func:`gbakg.text.fold` as ``validate`` folds the corpus, it occurs in the page's
folded main text (or, failing that, in the whole page's text).

Nothing here writes to the graph: for a moved page, :func:`turtle_changes` gives the edit to review.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from gbakg.errors import InputError, OutputError
from gbakg.fileio import atomic_write, ensure_dir
from gbakg.rdf.evidence import EvidenceIndex
from gbakg.sources.extract import ExtractError, extract
from gbakg.sources.fetch import Fetcher, Page
from gbakg.text import fold
from gbakg.vocabulary import GBA, SCHEMA, curie

OK = "ok"
QUOTE_MISSING = "quote missing"
MOVED = "moved"
GONE = "gone"
UNREACHABLE = "unreachable"
STATUSES = (OK, MOVED, QUOTE_MISSING, GONE, UNREACHABLE)
FAILING = frozenset({QUOTE_MISSING, GONE})  # what makes `gbakg sources check` exit 1
COLUMNS = ("source", "status", "quotes", "missing", "http", "url", "moved_to", "redirects", "error", "cache")

Progress = Callable[[int], Any]


@dataclass(frozen=True)
class WebSource:
    """A cited source that is a web page: its IRI, its address, and the distinct quotes that cite it."""

    iri: URIRef
    url: str
    quotes: tuple[str, ...]

    @property
    def name(self) -> str:
        return curie(str(self.iri))


@dataclass
class SourceCheck:
    """The verdict on one source; ``text`` is the extracted text (for ``--save``), not part of the report."""

    source: WebSource
    status: str
    http: int | None = None
    moved_to: str | None = None
    missing: list[str] = field(default_factory=list)
    error: str | None = None
    revalidated: bool = False
    redirects: list[str] = field(default_factory=list)  # each hop as "301 https://new/address"
    text: str | None = None

    def row(self) -> dict[str, Any]:
        """The report row: plain values for :func:`gbakg.formats.render`."""
        return {
            "source": self.source.name,
            "status": self.status,
            "quotes": len(self.source.quotes),
            "missing": list(self.missing),
            "http": self.http,
            "url": self.source.url,
            "moved_to": self.moved_to,
            "redirects": list(self.redirects),
            "error": self.error,
            "cache": ("revalidated" if self.revalidated else "fetched") if self.http is not None else None,
        }


def web_sources(graph: Graph) -> list[WebSource]:
    """Every ``gba:Source`` with a ``schema:url``, with the quotes citing it, sorted by name."""
    quotes: dict[Any, dict[str, None]] = {}
    index = EvidenceIndex(graph)
    for citations in [*index.backed_triples().values(), *index.qualified().values()]:
        for citation in citations:
            if citation.source is not None:
                quotes.setdefault(citation.source, {})[citation.quote] = None
    found = []
    for iri in set(graph.subjects(RDF.type, GBA.Source)):
        url = graph.value(iri, SCHEMA.url)
        if isinstance(iri, URIRef) and url is not None:
            found.append(WebSource(iri, str(url), tuple(sorted(quotes.get(iri, {})))))
    return sorted(found, key=lambda s: s.name)


def select(sources: Sequence[WebSource], ident: str) -> list[WebSource]:
    """The one source named ``ident`` (CURIE, full IRI or the name after ``gbs:``); an unknown one is an input error."""
    for source in sources:
        if ident in (source.name, str(source.iri), source.name.partition(":")[2]):
            return [source]
    names = [s.name for s in sources]
    close = get_close_matches(ident, names, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise InputError(f"--source {ident}: no web source (gba:Source with schema:url) by that name{hint}")


def check(sources: Sequence[WebSource], fetcher: Fetcher, progress: Progress | None = None) -> list[SourceCheck]:
    """Fetch every source's page once (sources sharing an address share the fetch) and judge each.

    Pages are judged as they arrive, while the next ones are fetched; ``progress(1)`` after each
    address. The results keep the order of ``sources``.
    """
    by_url: dict[str, list[int]] = {}
    for i, source in enumerate(sources):
        by_url.setdefault(source.url, []).append(i)
    results: list[SourceCheck | None] = [None] * len(sources)
    for page in fetcher.fetch_each(by_url):
        for i in by_url[page.url]:
            results[i] = judge(sources[i], page)
        if progress is not None:
            progress(1)
    return [r for r in results if r is not None]


def judge(source: WebSource, page: Page) -> SourceCheck:
    """One source's verdict from its fetched page."""
    result = SourceCheck(source, UNREACHABLE, http=page.status, revalidated=page.revalidated)
    result.redirects = [f"{hop.status} {hop.target}" for hop in page.redirects]
    if page.error is not None:
        result.error = page.error
        return result
    result.moved_to = page.moved_to
    if page.status in (404, 410):
        result.status = GONE
        result.error = f"HTTP {page.status}"
        return result
    if page.body is None:
        result.error = f"HTTP {page.status}"
        return result
    try:
        text = extract(page.body, page.content_type, page.final_url or page.url)
    except ExtractError as e:
        result.error = str(e)
        return result
    main, full = fold(text.main), None
    result.text = text.main
    for quote in source.quotes:
        folded = fold(quote)
        if folded in main:
            continue
        if full is None:
            full = fold(text.full)
        if folded in full:
            result.text = text.full  # keep the text that holds every quote found
        else:
            result.missing.append(quote)
    result.status = QUOTE_MISSING if result.missing else MOVED if result.moved_to else OK
    return result


def failed(results: Iterable[SourceCheck]) -> bool:
    """Whether any quote is missing or any page gone: the findings that make the check exit 1."""
    return any(r.status in FAILING for r in results)


def summary(results: Sequence[SourceCheck]) -> str:
    """``12 source(s): 9 ok, 1 moved, 1 quote missing, 1 gone``."""
    counts = {s: sum(r.status == s for r in results) for s in STATUSES}
    parts = [f"{n} {s}" for s, n in counts.items() if n]
    return f"{len(results)} source(s): " + (", ".join(parts) if parts else "none checked")


def turtle_changes(results: Iterable[SourceCheck], files: Iterable[str | os.PathLike[str]] = ()) -> str:
    """For each moved page, the Turtle edit to review: the old ``schema:url`` line and the new one.

    When ``files`` are given, each change names the file whose text holds the old address.
    Nothing is written: the user reviews the change and edits the file.
    """
    texts = {Path(f): Path(f).read_text(encoding="utf-8", errors="replace") for f in files}
    blocks = []
    for result in results:
        if not result.moved_to or result.status == GONE:
            continue
        old, new = f"<{result.source.url}>", f"<{result.moved_to}>"
        where = [str(path) for path, text in texts.items() if old in text]
        hops = ", ".join(r.split(" ", 1)[0] for r in result.redirects)
        place = f"in {', '.join(where)}, " if where else ""
        header = f"# {result.source.name} moved ({hops}): review, then {place}replace its address"
        blocks.append(f"{header}\n-    schema:url {old}\n+    schema:url {new}")
    return "\n\n".join(blocks)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def save_texts(results: Iterable[SourceCheck], folder: str | os.PathLike[str]) -> list[Path]:
    """Write each extracted text to ``folder/NAME.txt`` (NAME from the source's IRI), for the user's own archive."""
    path = ensure_dir(folder)
    written = []
    for result in results:
        if result.text is None:
            continue
        name = _UNSAFE.sub("-", str(result.source.iri).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]).strip("-.")
        target = path / f"{name or 'source'}.txt"
        atomic_write(target, result.text.rstrip("\n") + "\n")
        written.append(target)
    return written


def refuse_data_folder(folder: str | os.PathLike[str], data_folders: Iterable[Path]) -> None:
    """Refuse a ``--save`` folder inside the graph's own folders: copies of publishers' pages stay out of them."""
    target = Path(folder).resolve()
    for data in data_folders:
        root = data.resolve()
        if target == root or root in target.parents:
            raise OutputError(f"{folder}: inside {data}; keep saved page texts outside the graph's data folders")
