"""The graph's IRIs answered by ``gbakg serve``: ``/id/{slug}``, ``/source/{slug}``, ``/ontology``.

Browsers get the page of the static site; RDF clients get the resource's own triples and the
evidence for them, in Turtle, N-Triples or JSON-LD, by ``Accept`` (or by an extension:
``/id/hkust.ttl``). The answer is a 200 with ``Vary: Accept`` and a ``Content-Location`` naming the
representation sent, rather than a 303 to it: one round trip, and the IRI stays what the client
asked for. An unknown slug is a 404 that suggests the nearest ones.

The site is written once, by a child process (so the server's own threads never wait on it), into a
temporary folder; until it is ready every answer here is a 503 with ``Retry-After`` (the SPARQL
endpoint itself does not wait). The RDF answers are CONSTRUCT queries run by the endpoint's own
query workers.
"""

from __future__ import annotations

import difflib
import json
import mimetypes
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path

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
_QUERY_FORMAT = {"ttl": "ttl", "nt": "nt", "jsonld": "json"}  # the endpoint's format= names
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
_PATHS = {
    *("id", "source", "assets", "class", "index.html", "sources.html", "dataset.html", "ontology.html", "void.ttl"),
    *("ontology", "ontology.ttl", "ontology.nt", "ontology.jsonld"),
}
_SPACES = {"id": str(GBR), "source": str(GBS)}


class Resources:
    """Callable as the endpoint's resolver: ``(path, Accept) -> answer`` for the graph's own paths.

    ``run`` answers a query as the endpoint's workers do: ``(text, format) -> (status, type, body)``.
    """

    def __init__(self, files: Sequence[Path], run: Callable[[str, str], tuple[int, str, bytes]]) -> None:
        self.files = [str(f) for f in files]
        self.run = run
        self.folder = Path(tempfile.mkdtemp(prefix="gbakg-pages-")) / "site"
        self.error: str | None = None
        self.ready = threading.Event()
        self._child: subprocess.Popen[bytes] | None = None

    def start(self) -> Resources:
        """Write the site in a child process of its own session (a Ctrl+C for the server is not its)."""
        command = [sys.executable, "-m", "gbakg", "site", "--out", str(self.folder)]
        for file in self.files:
            command += ["--graph", file]
        self._child = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        threading.Thread(target=self._wait, name="gbakg-pages", daemon=True).start()
        return self

    def _wait(self) -> None:
        assert self._child is not None
        _, err = self._child.communicate()
        if self._child.returncode != 0:
            lines = err.decode("utf-8", "replace").strip().splitlines()
            self.error = "the pages could not be written" + (f": {lines[-1]}" if lines else "")
        self.ready.set()

    def close(self) -> None:
        if self._child is not None and self._child.poll() is None:
            self._child.kill()
            self._child.wait()
        shutil.rmtree(self.folder.parent, ignore_errors=True)

    def __call__(self, path: str, accept: str | None) -> Answer | None:
        parts = path.strip("/").split("/")
        if parts[0] not in _PATHS:
            return None
        if not self.ready.is_set():
            return 503, TEXT, b"The pages are being written; try again in a moment.\n", {"Retry-After": "2"}
        if self.error:
            return 500, TEXT, f"{self.error}\n".encode(), {}
        if parts[0] in ("id", "source") and len(parts) == 2:
            return self._resource(parts[0], parts[1], accept)
        if parts[0] in ("ontology", "ontology.ttl", "ontology.nt", "ontology.jsonld") and len(parts) == 1:
            return self._ontology(accept, parts[0].partition(".")[2] or None)
        return self._file("/".join(parts))

    # ------------------------------------------------------------------ answers

    def _resource(self, space: str, name: str, accept: str | None) -> Answer:
        slug, _, ext = name.partition(".")
        wanted = {"html": "html", "ttl": "ttl", "nt": "nt", "jsonld": "jsonld"}.get(ext) if ext else None
        page = self.folder / space / f"{slug}.html"
        if (ext and wanted is None) or not _SLUG.fullmatch(slug) or not page.is_file():
            return self._not_found(space, slug, accept)
        fmt = wanted or choose(accept, _OFFERS)
        if fmt is None:
            offered = ", ".join(m for m, _ in _OFFERS)
            return 406, TEXT, f"Not acceptable: this resource comes as {offered}\n".encode(), {}
        headers = {
            "Content-Location": f"/{space}/{slug}.{fmt}",
            "Link": ", ".join(f'</{space}/{slug}.{f}>; rel="alternate"; type="{m}"' for m, f in _OFFERS),
        }
        if fmt == "html":
            return 200, _TYPES["html"], page.read_bytes(), {**headers, "Content-Security-Policy": CSP}
        iri = _SPACES[space] + slug
        text = (
            f"CONSTRUCT {{ <{iri}> ?p ?o . ?statement ?sp ?so }} WHERE {{ {{ <{iri}> ?p ?o }} UNION "
            f"{{ ?statement <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <{iri}> ; ?sp ?so }} }}"
        )
        return self._rdf(text, fmt, headers)

    def _rdf(self, text: str, fmt: str, headers: dict[str, str]) -> Answer:
        status, content_type, body = self.run(text, _QUERY_FORMAT[fmt])
        return status, content_type, body, headers if status == 200 else {}

    def _ontology(self, accept: str | None, wanted: str | None) -> Answer:
        fmt = wanted if wanted in _TYPES else choose(accept, _OFFERS)
        if fmt is None:
            offered = ", ".join(m for m, _ in _OFFERS)
            return 406, TEXT, f"Not acceptable: the ontology comes as {offered}\n".encode(), {}
        if fmt == "html":
            answer = self._file("ontology.html")
            answer[3]["Content-Location"] = "/ontology.html"
            return answer
        base = str(GBA).rstrip("#")
        text = f'CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{base}")) }}'
        return self._rdf(text, fmt, {"Content-Location": f"/ontology.{fmt}"})

    def _file(self, relative: str) -> Answer:
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
        """404, naming the nearest slugs of that space (by spelling)."""
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
