"""The graph's IRIs answered by ``gbakg serve``: ``/id/{slug}``, ``/source/{slug}``, ``/ontology``.

Browsers get the page of the static site; RDF clients get the resource's own triples and the
evidence for them, in Turtle, N-Triples or JSON-LD, by ``Accept`` (or by an extension:
``/id/hkust.ttl``). The answer is a 200 with ``Vary: Accept`` and a ``Content-Location`` naming the
representation sent, rather than a 303 to it: one round trip, and the IRI stays what the client
asked for. An unknown slug is a 404 that suggests the nearest ones.

The site is written once, in a background thread, into a temporary folder; until it is ready
every answer here is a 503 with ``Retry-After`` (the SPARQL endpoint itself does not wait).
"""

from __future__ import annotations

import difflib
import json
import mimetypes
import shutil
import tempfile
import threading
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from gbakg.site.render import CSP
from gbakg.sparql.negotiation import TEXT, choose
from gbakg.vocabulary import GBA, GBR, GBS

Answer = tuple[int, str, bytes, dict[str, str]]
_OFFERS = [
    ("text/html", "html"),
    ("text/turtle", "ttl"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "jsonld"),
]
_TYPES = {
    "html": "text/html; charset=utf-8",
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}
_RDFLIB = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
_SPACES = {"id": str(GBR), "source": str(GBS)}


class Resources:
    """Callable as the endpoint's resolver: ``(path, Accept) -> answer`` for the graph's own paths."""

    def __init__(self, files: Sequence[Path]) -> None:
        self.files = list(files)
        self.graph: Any = None
        self.folder: Path | None = None
        self.error: str | None = None
        self.ready = threading.Event()
        self._thread = threading.Thread(target=self._prepare, name="gbakg-pages", daemon=True)

    def start(self) -> Resources:
        self._thread.start()
        return self

    def close(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder.parent, ignore_errors=True)

    def _prepare(self) -> None:
        try:
            from gbakg.rdf.load import parse_files
            from gbakg.site.write import build_site

            graph = parse_files(self.files)
            folder = Path(tempfile.mkdtemp(prefix="gbakg-pages-")) / "site"
            build_site(graph, folder)
            self.graph, self.folder = graph, folder
        except Exception as e:
            self.error = f"the pages could not be written: {e}"
        finally:
            self.ready.set()

    def __call__(self, path: str, accept: str | None) -> Answer | None:
        parts = path.strip("/").split("/")
        if parts[0] not in ("id", "source", "ontology", "assets", "class", "index.html", "sources.html",
                            "dataset.html", "ontology.html", "void.ttl"):  # fmt: skip
            return None
        if not self.ready.wait(0):
            return 503, TEXT, b"The pages are being written; try again in a moment.\n", {"Retry-After": "2"}
        if self.error or self.folder is None:
            return 500, TEXT, f"{self.error}\n".encode(), {}
        if parts[0] in ("id", "source") and len(parts) == 2:
            return self._resource(parts[0], parts[1], accept)
        if parts == ["ontology"]:
            return self._ontology(accept, None)
        if parts in (["ontology.ttl"], ["ontology.nt"], ["ontology.jsonld"]):
            return self._ontology(accept, parts[0].rsplit(".", 1)[1])
        return self._file("/".join(parts))

    # ------------------------------------------------------------------ answers

    def _resource(self, space: str, name: str, accept: str | None) -> Answer:
        slug, _, ext = name.partition(".")
        wanted = {"html": "html", "ttl": "ttl", "nt": "nt", "jsonld": "jsonld"}.get(ext) if ext else None
        if ext and wanted is None:
            return self._not_found(space, slug, accept)
        page = self.folder / space / f"{slug}.html" if self.folder else None
        from rdflib import URIRef

        iri = URIRef(_SPACES[space] + slug)
        if page is None or not page.is_file() or (iri, None, None) not in self.graph:
            return self._not_found(space, slug, accept)
        fmt = wanted or choose(accept, _OFFERS)
        if fmt is None:
            return (
                406,
                TEXT,
                ("Not acceptable: this resource comes as " + ", ".join(m for m, _ in _OFFERS) + "\n").encode(),
                {},
            )
        headers = {
            "Content-Location": f"/{space}/{slug}.{fmt}",
            "Link": ", ".join(f'</{space}/{slug}.{f}>; rel="alternate"; type="{m}"' for m, f in _OFFERS),
        }
        if fmt == "html":
            body = page.read_bytes()
            return 200, _TYPES["html"], body, {**headers, "Content-Security-Policy": CSP}
        return 200, _TYPES[fmt], self._describe(iri, fmt), headers

    def _describe(self, iri: Any, fmt: str) -> bytes:
        """The resource's own triples, and each reified statement (with its source and quote) about them."""
        from rdflib import Graph
        from rdflib.namespace import RDF

        out = Graph()
        for prefix, namespace in self.graph.namespaces():
            out.bind(prefix, namespace)
        for triple in self.graph.triples((iri, None, None)):
            out.add(triple)
        for statement in self.graph.subjects(RDF.subject, iri):
            for p, o in self.graph.predicate_objects(statement):
                out.add((statement, p, o))
        return out.serialize(format=_RDFLIB[fmt], encoding="utf-8")

    def _ontology(self, accept: str | None, wanted: str | None) -> Answer:
        fmt = wanted or choose(accept, _OFFERS)
        if fmt is None:
            return (
                406,
                TEXT,
                ("Not acceptable: the ontology comes as " + ", ".join(m for m, _ in _OFFERS) + "\n").encode(),
                {},
            )
        if fmt == "html":
            answer = self._file("ontology.html")
            answer[3]["Content-Location"] = "/ontology.html"
            return answer
        from rdflib import Graph

        out = Graph()
        for prefix, namespace in self.graph.namespaces():
            out.bind(prefix, namespace)
        base = str(GBA).rstrip("#")
        for s, p, o in self.graph:
            if str(s).startswith(base):
                out.add((s, p, o))
        return (
            200,
            _TYPES[fmt],
            out.serialize(format=_RDFLIB[fmt], encoding="utf-8"),
            {"Content-Location": f"/ontology.{fmt}"},
        )

    def _file(self, relative: str) -> Answer:
        assert self.folder is not None
        target = (self.folder / relative).resolve()
        if self.folder.resolve() not in target.parents or not target.is_file():
            return 404, TEXT, f"Not found: /{relative}\n".encode(), {}
        body = target.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "text/javascript"):
            kind += "; charset=utf-8"
        headers = {"Content-Security-Policy": CSP} if target.suffix == ".html" else {}
        return 200, kind, body, headers

    def _not_found(self, space: str, slug: str, accept: str | None) -> Answer:
        """404, naming the nearest slugs of that space (by spelling, then by name)."""
        assert self.folder is not None
        known = sorted(p.stem for p in (self.folder / space).glob("*.html"))
        near = difflib.get_close_matches(slug, known, n=3, cutoff=0.6)
        message = f"Not found: /{space}/{slug}" + (
            f"; did you mean {', '.join(f'/{space}/{n}' for n in near)}?" if near else ""
        )
        if choose(accept, [_OFFERS[0], ("text/plain", "text")]) == "html":
            links = "".join(f'<li><a href="/{space}/{escape(n)}">/{space}/{escape(n)}</a></li>' for n in near)
            body = (
                '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head><body>'
                f"<h1>Not found</h1><p>{escape(message)}</p><ul>{links}</ul>"
                '<p><a href="/index.html">Search the graph</a></p></body></html>'
            ).encode()
            return 404, "text/html; charset=utf-8", body, {"Content-Security-Policy": "default-src 'none'"}
        return 404, TEXT, (message + "\n").encode("utf-8"), {"X-Did-You-Mean": json.dumps(near)}
