"""A read-only SPARQL 1.1 Protocol endpoint over the graph, for YASGUI, SPARQLWrapper and notebooks.

Each query runs in a worker process holding its own copy of the store. A query that runs past the
timeout is stopped by killing its worker (Oxigraph cannot be interrupted mid-query any other way);
a fresh worker replaces it while the others keep serving. SPARQL Update is refused, and so is
``SERVICE``, which would make Oxigraph fetch a URL from the server's machine (``LOAD`` exists
only in updates). Results are negotiated from the ``Accept`` header (or a ``format`` parameter)
and capped at ``max_rows`` rows or triples.
"""

from __future__ import annotations

import json
import os
import queue
import socket
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from gbakg.errors import GbakgError, InputError

_SOLUTION_MEDIA = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
_GRAPH_MEDIA = {
    "text/turtle": "ttl",
    "application/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "application/ld+json": "json",
    "application/json": "json",
}
_CONTENT_TYPES = {
    ("solutions", "json"): "application/sparql-results+json",
    ("solutions", "xml"): "application/sparql-results+xml",
    ("solutions", "csv"): "text/csv; charset=utf-8",
    ("solutions", "tsv"): "text/tab-separated-values; charset=utf-8",
    ("graph", "ttl"): "text/turtle; charset=utf-8",
    ("graph", "nt"): "application/n-triples",
    ("graph", "xml"): "application/rdf+xml",
    ("graph", "json"): "application/ld+json",
}
_FORMAT_NAMES = {"turtle": "ttl", "n-triples": "nt", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json"}
TEXT = "text/plain; charset=utf-8"
_SRC = str(Path(__file__).resolve().parents[2])  # so workers import this very gbakg


def negotiate(accept: str | None, kind: str, requested: str | None = None) -> tuple[str, str] | None:
    """(content type, format) for a result of ``kind`` (solutions, boolean, graph); None if nothing fits.

    A ``format`` parameter the kind supports wins over ``Accept``; no ``Accept`` (or ``*/*``)
    gives JSON for SELECT/ASK and Turtle for graphs.
    """
    family = "graph" if kind == "graph" else "solutions"
    media = _GRAPH_MEDIA if family == "graph" else _SOLUTION_MEDIA
    fmt = _FORMAT_NAMES.get((requested or "").lower(), (requested or "").lower())
    if (family, fmt) in _CONTENT_TYPES:
        return _CONTENT_TYPES[(family, fmt)], fmt
    default = "ttl" if family == "graph" else "json"
    ranked = []
    for i, part in enumerate((accept or "*/*").split(",")):
        name, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    weight = float(param[2:])
                except ValueError:
                    weight = 0.0
        if name and weight > 0:
            ranked.append((-weight, i, name.lower()))
    for _, _, name in sorted(ranked):
        if name == "*/*":
            fmt = default
        elif name.endswith("/*"):
            fmt = next((f for m, f in media.items() if m.startswith(name[:-1])), "")
        else:
            fmt = media.get(name, "")
        if fmt:
            return _CONTENT_TYPES[(family, fmt)], fmt
    return None


def answer(store: Any, text: str, accept: str | None, requested: str | None, graphs: tuple, max_rows: int) -> tuple:
    """Run one query and serialise it: (status, content type, body). Runs inside a worker."""
    from gbakg.sparql import engine
    from gbakg.sparql.query import PREFIXES, ResultTooLarge, render, result_kind

    try:
        result = engine.query(store, text, prefixes=PREFIXES, default_graph=graphs[0], named_graphs=graphs[1])
        kind = result_kind(result)
        chosen = negotiate(accept, kind, requested)
        if chosen is None:
            offered = ", ".join(sorted(_GRAPH_MEDIA if kind == "graph" else _SOLUTION_MEDIA))
            return 406, TEXT, f"Not acceptable: this query gives {kind}; available: {offered}\n".encode()
        chunks = render(result, chosen[1], limit=max_rows)
        body = b"".join(c if isinstance(c, bytes) else c.encode("utf-8") for c in chunks)
        return 200, chosen[0], body
    except ResultTooLarge as e:
        return 422, TEXT, f"{e} (this server's limit is {max_rows})\n".encode()
    except InputError as e:
        return 400, TEXT, f"{e}\n".encode()
    except Exception as e:  # an evaluation error inside Oxigraph: report it, keep the worker
        return 500, TEXT, f"query failed: {type(e).__name__}: {e}\n".encode()


def _worker_main(fd: int) -> None:
    """A worker process: receive the files, load the store once, answer jobs until the socket closes."""
    from multiprocessing.connection import Connection

    from gbakg.sparql.engine import open_store

    conn = Connection(fd)
    files, max_rows = conn.recv()
    try:
        store = open_store([Path(f) for f in files])
    except GbakgError as e:
        conn.send(("error", str(e)))
        return
    conn.send(("ready", len(store)))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        text, accept, requested, graphs = job
        conn.send(answer(store, text, accept, requested, graphs, max_rows))


@dataclass
class _Worker:
    process: Any
    conn: Any


@dataclass
class WorkerPool:
    """Worker processes that each hold the store; a query past ``timeout`` kills its worker."""

    files: Sequence[Path]
    workers: int = 2
    timeout: float = 10.0
    max_rows: int = 100_000
    load_timeout: float = 600.0
    triples: int = 0
    _idle: queue.Queue = field(default_factory=queue.Queue, repr=False)
    _workers: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _closed: bool = False

    def start(self) -> WorkerPool:
        """Start every worker and wait until each has loaded the graph; a load error raises."""
        started = [self._spawn() for _ in range(max(1, self.workers))]
        try:
            for worker in started:
                self._ready(worker)
        except BaseException:
            self.close()
            raise
        return self

    def _spawn(self) -> _Worker:
        """A fresh interpreter (not a fork of this threaded server) speaking over a socket pair."""
        from multiprocessing.connection import Connection

        ours, theirs = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([_SRC, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
        code = "import sys; from gbakg.sparql.endpoint import _worker_main; _worker_main(int(sys.argv[1]))"
        process = subprocess.Popen(
            [sys.executable, "-c", code, str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            env=env,
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        worker = _Worker(process, Connection(ours.detach()))
        worker.conn.send(([str(f) for f in self.files], self.max_rows))
        with self._lock:
            self._workers[id(worker)] = worker
        return worker

    def _ready(self, worker: _Worker) -> None:
        if not worker.conn.poll(self.load_timeout):
            self._kill(worker)
            raise InputError(f"a query worker did not load the graph within {self.load_timeout:.0f} s")
        try:
            status, detail = worker.conn.recv()
        except EOFError:
            status, detail = "error", "a query worker exited while loading the graph"
        if status != "ready":
            self._kill(worker)
            raise InputError(detail)
        self.triples = detail
        if self._closed:
            self._kill(worker)
        else:
            self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        self._kill(worker)
        if not self._closed:
            threading.Thread(target=self._respawn, daemon=True).start()

    def _respawn(self) -> None:
        try:
            self._ready(self._spawn())
        except GbakgError as e:
            print(f"gbakg serve: cannot restart a query worker: {e}", file=sys.stderr)

    def _kill(self, worker: _Worker) -> None:
        if worker.process.poll() is None:
            worker.process.kill()
        worker.process.wait(5)
        worker.conn.close()
        with self._lock:
            self._workers.pop(id(worker), None)

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and monitoring)."""
        with self._lock:
            return [w.process.pid for w in self._workers.values()]

    def run(self, text: str, accept: str | None, requested: str | None, graphs: tuple) -> tuple[int, str, bytes]:
        """Answer one query within ``timeout`` seconds: 503 if no worker frees up, 504 if it runs too long."""
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return 503, TEXT, f"Busy: no query worker free within {self.timeout:g} s; try again\n".encode()
        try:
            worker.conn.send((text, accept, requested, graphs))
            if worker.conn.poll(self.timeout):
                reply = worker.conn.recv()
                self._idle.put(worker)
                return reply
        except (EOFError, OSError):
            self._replace(worker)
            return 500, TEXT, b"the query worker failed; it has been restarted\n"
        self._replace(worker)
        return 504, TEXT, f"Query timeout: stopped after {self.timeout:g} s\n".encode()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._workers.values())
        for worker in workers:
            self._kill(worker)


_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Max-Age": "86400",
}
_FORM = "application/x-www-form-urlencoded"


class Endpoint(ThreadingHTTPServer):
    """The HTTP server: ``/sparql`` (SPARQL 1.1 Protocol, read-only) and a query page at ``/``."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], pool: WorkerPool, *, max_body: int = 1_000_000, quiet: bool = False):
        self.pool, self.max_body, self.quiet = pool, max_body, quiet
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host if isinstance(host, str) else host.decode()}:{port}/sparql"

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self._serving = True
        try:
            super().serve_forever(poll_interval)
        finally:
            self._serving = False

    def close(self) -> None:
        """Stop serving (if serving) and stop every worker."""
        if getattr(self, "_serving", False):
            self.shutdown()
        self.server_close()
        self.pool.close()


def make_endpoint(
    files: Sequence[Path],
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    workers: int = 2,
    timeout: float = 10.0,
    max_rows: int = 100_000,
    quiet: bool = False,
) -> Endpoint:
    """Start the workers (each loads ``files``) and bind the server; call ``serve_forever()`` next.

    ``port=0`` picks a free port (see ``Endpoint.url``).
    """
    pool = WorkerPool(list(files), workers=workers, timeout=timeout, max_rows=max_rows).start()
    try:
        return Endpoint((host, port), pool, quiet=quiet)
    except OSError as e:
        pool.close()
        raise InputError(f"cannot listen on {host}:{port} ({e.strerror or e})") from e


class _Handler(BaseHTTPRequestHandler):
    server: Endpoint
    server_version = "gbakg-sparql"

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    def _send(self, status: int, content_type: str, body: bytes, headers: dict | None = None) -> None:
        try:
            self.send_response(status)
            for name, value in {**_CORS, **(headers or {})}.items():
                self.send_header(name, value)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Vary", "Accept")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _error(self, status: int, message: str, headers: dict | None = None) -> None:
        self._send(status, TEXT, (message + "\n").encode("utf-8"), headers)

    def do_OPTIONS(self) -> None:
        self._send(204, TEXT, b"")

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        if url.path == "/":
            self._send(200, "text/html; charset=utf-8", page().encode("utf-8"))
        elif url.path != "/sparql":
            self._error(404, f"Not found: {url.path}; the SPARQL endpoint is /sparql")
        elif "query" not in params and "update" not in params and "text/html" in self.headers.get("Accept", ""):
            self._send(303, TEXT, b"", {"Location": "/"})
        else:
            self._dispatch(params)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            return self._error(404, f"Not found: {url.path}; the SPARQL endpoint is /sparql")
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            return self._error(411, "POST needs a Content-Length")
        if int(length) > self.server.max_body:
            self._drain(int(length))  # so the client reads our answer instead of a reset connection
            return self._error(413, f"Request too large: over {self.server.max_body} bytes")
        body = self.rfile.read(int(length))
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        params = parse_qs(url.query, keep_blank_values=True)
        if kind == "application/sparql-update":
            return self._read_only()
        if kind == _FORM:
            for name, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                params.setdefault(name, []).extend(values)
        elif kind == "application/sparql-query":
            params["query"] = [*params.get("query", []), body.decode("utf-8", "replace")]
        else:
            return self._error(
                415, f"Unsupported Content-Type {kind or '(none)'}: use {_FORM} or application/sparql-query"
            )
        self._dispatch(params)

    def _drain(self, length: int, cap: int = 64_000_000) -> None:
        left = min(length, cap)
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                break
            left -= len(chunk)

    def _method_not_allowed(self) -> None:
        self._error(405, "This endpoint is read-only: use GET or POST to query", {"Allow": "GET, POST, OPTIONS"})

    do_PUT = do_DELETE = do_PATCH = _method_not_allowed

    def _read_only(self) -> None:
        self._error(403, "This endpoint is read-only: SPARQL Update is not accepted")

    def _dispatch(self, params: dict[str, list[str]]) -> None:
        from gbakg.sparql.query import is_update, uses_service

        if "update" in params:
            return self._read_only()
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            return self._error(
                400, "Give exactly one query: GET /sparql?query=... or POST a form or application/sparql-query"
            )
        text = queries[0]
        if is_update(text):
            return self._read_only()
        if uses_service(text):
            return self._error(403, "SERVICE is not allowed: this endpoint never sends requests to other servers")
        graphs = (params.get("default-graph-uri") or None, params.get("named-graph-uri") or None)
        requested: str | None = (params.get("format") or params.get("output") or [None])[0]  # type: ignore[list-item]
        status, content_type, body = self.server.pool.run(text, self.headers.get("Accept"), requested, graphs)
        self._send(status, content_type, body, {"Retry-After": "1"} if status == 503 else None)


def serve(endpoint: Endpoint) -> None:
    """Serve until interrupted, then stop the workers."""
    try:
        endpoint.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        endpoint.server_close()
        endpoint.pool.close()


def page() -> str:
    """The offline query page: a text area, a Run button, results drawn as text (never as HTML)."""
    from gbakg.sparql.query import named_queries

    examples = {q.name: q.text for q in named_queries().values()}
    data = json.dumps(examples).replace("<", "\\u003c")
    template = (Path(__file__).resolve().parent / "endpoint_page.html").read_text(encoding="utf-8")
    return template.replace("/*EXAMPLES*/{}", data)
