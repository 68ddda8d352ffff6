"""A read-only SPARQL 1.1 Protocol endpoint over the graph, for YASGUI, SPARQLWrapper and notebooks.

Each query runs in a worker process holding its own copy of the store. A query that runs past the
timeout is stopped by killing its worker (Oxigraph cannot be interrupted mid-query any other way);
a fresh worker replaces it while the others keep serving. SPARQL Update is refused, and so is
``SERVICE``, which would make Oxigraph fetch a URL from the server's machine (``LOAD`` exists
only in updates). Results are negotiated from the ``Accept`` header (or a ``format`` parameter)
and capped at ``max_rows`` rows or triples.

HTTP/1.1 with keep-alive. A request body is read in its declared charset (UTF-8 by default); a
declared length over the limit is refused before reading. A request whose client disconnects stops
its worker; Ctrl+C answers the requests in flight with 503, then stops the workers (which ignore
SIGINT themselves). ``GET /sparql`` without a query gives the SPARQL 1.1 Service Description.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import queue
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from base64 import b64encode
from collections.abc import Callable, Sequence
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
_FORMAT_NAMES = {
    "turtle": "ttl",
    "n3": "ttl",
    "json-ld": "json",
    "rdf+xml": "xml",
    "n-triples": "nt",
    "ntriples": "nt",
    "rdfxml": "xml",
    "jsonld": "json",
}
TEXT = "text/plain; charset=utf-8"
SHUTTING_DOWN = (503, TEXT, b"Service unavailable: the server is shutting down\n")
CLIENT_GONE = (499, TEXT, b"")  # never sent: the client closed its connection
_TICK = 0.1  # how often a waiting request checks on its client and on shutdown
_SRC = str(Path(__file__).resolve().parents[2])  # so workers import this very gbakg


def _ranges(accept: str | None) -> list[tuple[str, float]]:
    """The media ranges of an ``Accept`` header with their weights, in the client's order."""
    ranges = []
    for part in (accept or "*/*").split(","):
        name, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if name:
            ranges.append((name.lower(), weight))
    return ranges


def _match(ranges: list[tuple[str, float]], media: str) -> tuple[float, int] | None:
    """(weight, position) of the most specific range covering ``media``: ``type/sub`` over ``type/*`` over ``*/*``."""
    best: tuple[int, float, int] | None = None
    for position, (name, weight) in enumerate(ranges):
        rank = 2 if name == media else 1 if name == media.split("/")[0] + "/*" else 0 if name == "*/*" else -1
        if rank >= 0 and (best is None or rank > best[0]):
            best = (rank, weight, position)
    return None if best is None else (best[1], best[2])


def format_for(requested: str, family: str) -> str:
    """The format a ``format``/``output`` value names for ``family`` (solutions or graph); "" if none."""
    value = requested.strip().lower()
    media = _GRAPH_MEDIA if family == "graph" else _SOLUTION_MEDIA
    fmt = _FORMAT_NAMES.get(value, media.get(value, value))
    return fmt if (family, fmt) in _CONTENT_TYPES else ""


def known_format(requested: str) -> bool:
    """True if ``requested`` names a format of either family (else the request is malformed)."""
    return bool(format_for(requested, "solutions") or format_for(requested, "graph"))


FORMAT_HELP = (
    "json, xml, csv, tsv (SELECT/ASK); ttl, turtle, n3, nt, n-triples, xml, rdfxml, json, jsonld (CONSTRUCT/DESCRIBE)"
)


def negotiate(accept: str | None, kind: str, requested: str | None = None) -> tuple[str, str] | None:
    """(content type, format) for a result of ``kind`` (solutions, boolean, graph); None if nothing fits.

    A ``format`` parameter wins over ``Accept`` (one the kind lacks gives None, as an unmet
    ``Accept`` does). Each format takes the weight of the most specific range covering one of its
    media types, so ``q=0`` excludes a type even when a wildcard follows; the content type actually
    sent must not be excluded. Ties go to the client's order, then to JSON for SELECT/ASK and Turtle
    for graphs.
    """
    family = "graph" if kind == "graph" else "solutions"
    if requested:
        fmt = format_for(requested, family)
        return (_CONTENT_TYPES[(family, fmt)], fmt) if fmt else None
    media = _GRAPH_MEDIA if family == "graph" else _SOLUTION_MEDIA
    ranges = _ranges(accept)
    best: tuple[float, int, int, str] | None = None
    for order, fmt in enumerate(f for fam, f in _CONTENT_TYPES if fam == family):
        sent = _CONTENT_TYPES[(family, fmt)].split(";")[0]
        matched = _match(ranges, sent)
        if matched is not None and matched[0] <= 0:
            continue  # the very type we would send is refused
        weights = [matched] if matched is not None else []
        for name, f in media.items():  # another name of the format counts when the client names it exactly
            alias = _match(ranges, name) if f == fmt and name != sent and name in dict(ranges) else None
            if alias is not None:
                weights.append(alias)
        if not weights:
            continue
        weight, position = max(weights, key=lambda w: (w[0], -w[1]))
        if weight > 0 and (best is None or (-weight, position, order) < best[:3]):
            best = (-weight, position, order, fmt)
    return None if best is None else (_CONTENT_TYPES[(family, best[3])], best[3])


def _run_query(store: Any, text: str, graphs: tuple) -> Any:
    """The query over the store, or over the protocol's dataset when one is given (then the query's
    own FROM / FROM NAMED are ignored, as the SPARQL 1.1 Protocol requires)."""
    import pyoxigraph as ox

    from gbakg.sparql import engine
    from gbakg.sparql.query import PREFIXES

    default, named = graphs
    if default is None and named is None:
        return engine.query(store, text, prefixes=PREFIXES)
    for iri in [*(default or []), *(named or [])]:
        try:
            ox.NamedNode(iri)
        except ValueError as e:
            raise InputError(f"default-graph-uri / named-graph-uri: not an IRI ({e})") from e
    # The same engine call as any query (base IRI, SELECT * order), with the protocol's dataset.
    return engine.query(store, text, prefixes=PREFIXES, default_graph=default or [], named_graphs=named or [])


def answer(store: Any, text: str, accept: str | None, requested: str | None, graphs: tuple, max_rows: int) -> tuple:
    """Run one query and serialise it: (status, content type, body). Runs inside a worker."""
    from gbakg.sparql.query import ResultTooLarge, render, result_kind

    try:
        result = _run_query(store, text, graphs)
        kind = result_kind(result)
        chosen = negotiate(accept, kind, requested)
        if chosen is None:
            family = "graph" if kind == "graph" else "solutions"
            offered = ", ".join(sorted(_GRAPH_MEDIA if kind == "graph" else _SOLUTION_MEDIA))
            if requested:
                every = [*_FORMAT_NAMES, *(f for _, f in _CONTENT_TYPES)]
                names = ", ".join(sorted({n for n in every if format_for(n, family)}))
                return (
                    406,
                    TEXT,
                    f"Not acceptable: format={requested} but this query gives {kind}; use {names}\n".encode(),
                )
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

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the server's to handle: it answers 503, then stops us
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
        code = (  # Ctrl+C reaches the whole process group: the server answers it, the workers ignore it
            "import signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
            "from gbakg.sparql.endpoint import _worker_main; _worker_main(int(sys.argv[1]))"
        )
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

    def run(
        self,
        text: str,
        accept: str | None,
        requested: str | None,
        graphs: tuple,
        gone: Callable[[], bool] | None = None,
    ) -> tuple[int, str, bytes]:
        """Answer one query within ``timeout`` seconds: 503 if no worker frees up (or the server is stopping),
        504 if it runs too long. ``gone`` tells whether the client has left: its query is stopped (status 499)."""
        gone = gone or (lambda: False)
        deadline = time.monotonic() + self.timeout
        worker = None
        while worker is None:
            if self._closed:
                return SHUTTING_DOWN
            if gone():
                return CLIENT_GONE
            try:
                worker = self._idle.get(timeout=min(_TICK, max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                if time.monotonic() >= deadline:
                    return 503, TEXT, f"Busy: no query worker free within {self.timeout:g} s; try again\n".encode()
        deadline = time.monotonic() + self.timeout
        try:
            worker.conn.send((text, accept, requested, graphs))
            while time.monotonic() < deadline:
                if worker.conn.poll(min(_TICK, max(0.0, deadline - time.monotonic()))):
                    reply = worker.conn.recv()
                    self._idle.put(worker)
                    return reply
                if self._closed:
                    raise EOFError
                if gone():  # nobody will read the answer: stop the work now, not at the timeout
                    self._replace(worker)
                    return CLIENT_GONE
        except (EOFError, OSError):
            self._replace(worker)
            if self._closed:
                return SHUTTING_DOWN
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
    "Access-Control-Expose-Headers": "Retry-After, Content-Type, Content-Length",
    "Access-Control-Max-Age": "86400",
}
_FORM = "application/x-www-form-urlencoded"
_PROBE = "ASK {}=%+&?"  # a charset must write these as ASCII does, or percent-encoding and SPARQL break


class Endpoint(ThreadingHTTPServer):
    """The HTTP server: ``/sparql`` (SPARQL 1.1 Protocol, read-only) and a query page at ``/``."""

    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not hold up a shutdown; see ``busy``
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], pool: WorkerPool, *, max_body: int = 1_000_000, quiet: bool = False):
        self.pool, self.max_body, self.quiet = pool, max_body, quiet
        self._busy = 0
        self._idle_requests = threading.Condition()
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host if isinstance(host, str) else host.decode()}:{port}/sparql"

    def busy(self, change: int) -> None:
        """Count requests being answered (so a shutdown can let them finish)."""
        with self._idle_requests:
            self._busy += change
            self._idle_requests.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no request is being answered; False if some still are after ``timeout`` seconds."""
        with self._idle_requests:
            return self._idle_requests.wait_for(lambda: self._busy <= 0, timeout)

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self._serving = True
        try:
            super().serve_forever(poll_interval)
        finally:
            self._serving = False

    def close(self) -> None:
        """Stop serving (if serving) and stop every worker; requests in flight get 503."""
        if getattr(self, "_serving", False):
            self.shutdown()
        self.server_close()
        self.pool.close()
        self.wait_idle(10)


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
    protocol_version = "HTTP/1.1"  # keep-alive; every response carries its Content-Length
    timeout = 60  # an idle keep-alive connection is closed after this many seconds
    _body_read = False

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    def parse_request(self) -> bool:
        self._body_read = False
        return super().parse_request()

    def handle_expect_100(self) -> bool:
        length = self.headers.get("Content-Length") or ""
        if length.isdigit() and int(length) > self.server.max_body:
            return True  # no "100 Continue" inviting a body we refuse: do_POST answers 413 at once
        return super().handle_expect_100()

    def _body_pending(self) -> bool:
        """True if the request has a body we have not read (the connection cannot then be reused)."""
        if self._body_read:
            return False
        length = (self.headers.get("Content-Length") or "0").strip()
        return length != "0" or "chunked" in self.headers.get("Transfer-Encoding", "").lower()

    def _send(self, status: int, content_type: str, body: bytes, headers: dict | None = None) -> None:
        headers = {**_CORS, **(headers or {})}
        if self._body_pending():
            headers["Connection"] = "close"
        if headers.get("Connection") == "close":
            self.close_connection = True
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != 204:
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
            self.send_header("Vary", "Accept")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if self.command != "HEAD" and status != 204:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _error(self, status: int, message: str, headers: dict | None = None) -> None:
        self._send(status, TEXT, (message + "\n").encode("utf-8"), headers)

    def do_OPTIONS(self) -> None:
        self._send(204, TEXT, b"")

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        try:
            params = parse_qs(url.query, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            return self._error(400, "The query string is not UTF-8: percent-encode the query's UTF-8 bytes")
        if url.path == "/":
            text = page()
            self._send(200, "text/html; charset=utf-8", text.encode("utf-8"), {"Content-Security-Policy": csp(text)})
        elif url.path != "/sparql":
            self._error(404, f"Not found: {url.path}; the SPARQL endpoint is /sparql")
        elif not url.query and "text/html" in self.headers.get("Accept", ""):
            self._send(303, TEXT, b"", {"Location": "/"})
        elif not url.query:
            self._describe()
        else:
            self._dispatch(params)

    do_HEAD = do_GET

    def _describe(self) -> None:
        """The SPARQL 1.1 Service Description of this endpoint (Turtle unless ``Accept`` asks for other RDF)."""
        import pyoxigraph as ox

        chosen = negotiate(self.headers.get("Accept"), "graph")
        if chosen is None:
            offered = ", ".join(sorted(_GRAPH_MEDIA))
            return self._error(406, f"Not acceptable: the service description is RDF; available: {offered}")
        host = self.headers.get("Host", "")
        url = (
            f"http://{host}/sparql"
            if re.fullmatch(r"[\w.\-]+(:\d+)?|\[[0-9a-fA-F:.]+\](:\d+)?", host)
            else self.server.url
        )
        text = service_description(url, self.server.pool.triples, self.server.pool.timeout, self.server.pool.max_rows)
        if chosen[1] != "ttl":
            rdf = {"nt": ox.RdfFormat.N_TRIPLES, "xml": ox.RdfFormat.RDF_XML, "json": ox.RdfFormat.JSON_LD}[chosen[1]]
            data = ox.serialize(ox.parse(text, format=ox.RdfFormat.TURTLE), format=rdf)
            return self._send(200, chosen[0], data or b"")
        self._send(200, chosen[0], text.encode("utf-8"))

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            return self._error(404, f"Not found: {url.path}; the SPARQL endpoint is /sparql")
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            return self._error(411, "POST needs a Content-Length")
        if int(length) > self.server.max_body:
            # Answer before reading: the declared length alone decides. Then read (briefly) what the
            # client is still sending, so it sees this answer rather than a reset connection.
            self._error(413, f"Request too large: over {self.server.max_body} bytes", {"Connection": "close"})
            return self._drain(int(length))
        body = self.rfile.read(int(length))
        self._body_read = True
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            params = parse_qs(url.query, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            return self._error(400, "The query string is not UTF-8: percent-encode the query's UTF-8 bytes")
        if kind == "application/sparql-update":
            return self._read_only()
        if kind not in (_FORM, "application/sparql-query"):
            return self._error(
                415, f"Unsupported Content-Type {kind or '(none)'}: use {_FORM} or application/sparql-query"
            )
        charset = self.headers.get_content_charset() or "utf-8"
        try:
            codec = codecs.lookup(charset)
        except LookupError:
            return self._error(
                415, f"Unsupported charset {charset!r}: send UTF-8 (or name a charset such as ISO-8859-1)"
            )
        if not getattr(codec, "_is_text_encoding", True) or _PROBE.encode(codec.name, "replace") != _PROBE.encode():
            return self._error(415, f"Unsupported charset {charset!r}: send UTF-8 or an ASCII-compatible charset")
        try:
            text = body.decode(codec.name)
            if kind == _FORM:
                for name, values in parse_qs(
                    text, keep_blank_values=True, encoding=codec.name, errors="strict"
                ).items():
                    params.setdefault(name, []).extend(values)
            else:
                params["query"] = [*params.get("query", []), text]
        except UnicodeDecodeError as e:
            return self._error(
                400,
                f"The body is not valid {charset} (byte 0x{e.object[e.start]:02X} at {e.start}); declare its charset",
            )
        self._dispatch(params)

    def _drain(self, length: int, cap: int = 64_000_000, seconds: float = 5.0) -> None:
        left, deadline = min(length, cap), time.monotonic() + seconds
        try:
            self.connection.settimeout(1.0)
            while left > 0 and time.monotonic() < deadline:
                chunk = self.rfile.read1(min(left, 65536))  # type: ignore[attr-defined]
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:
            pass

    def _method_not_allowed(self) -> None:
        self._error(405, "This endpoint is read-only: use GET or POST to query", {"Allow": "GET, POST, OPTIONS"})

    do_PUT = do_DELETE = do_PATCH = _method_not_allowed

    def _read_only(self) -> None:
        self._error(403, "This endpoint is read-only: SPARQL Update is not accepted")

    def _client_gone(self) -> bool:
        """True once the client has closed its connection (a readable socket with nothing to read)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

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
        requested = (params.get("format") or params.get("output") or [""])[0]
        if requested and not known_format(requested):
            return self._error(400, f"Unknown format {requested!r}: use {FORMAT_HELP}, or a media type")
        graphs = (params.get("default-graph-uri") or None, params.get("named-graph-uri") or None)
        self.server.busy(+1)
        try:
            status, content_type, body = self.server.pool.run(
                text, self.headers.get("Accept"), requested or None, graphs, self._client_gone
            )
            if status == CLIENT_GONE[0]:
                self.close_connection = True
                return None
            headers = {"Retry-After": "1"} if status == 503 else {}
            if body == SHUTTING_DOWN[2]:
                headers["Connection"] = "close"
            self._send(status, content_type, body, headers)
        finally:
            self.server.busy(-1)
        return None


def serve(endpoint: Endpoint) -> None:
    """Serve until interrupted (Ctrl+C): requests in flight get 503, then the workers stop."""
    try:
        endpoint.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl+C must not cut the shutdown short
        endpoint.server_close()
        endpoint.pool.close()
        endpoint.wait_idle(10)


_SD_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV")
_SD_GRAPH_FORMATS = ("Turtle", "N-Triples", "RDF_XML", "JSON-LD")


def service_description(url: str, triples: int, timeout: float, max_rows: int) -> str:
    """The SPARQL 1.1 Service Description of the endpoint at ``url``, in Turtle."""
    from gbakg.sparql.query import PREFIXES

    formats = ", ".join(f"format:{f}" for f in (*_SD_FORMATS, *_SD_GRAPH_FORMATS))
    prefixes = ", ".join(f"{p}:" for p in PREFIXES)
    features = {
        "read-only": "Read-only: SPARQL Update (and LOAD) is refused with 403.",
        "no-service": "SERVICE is refused with 403: the endpoint never sends requests to other servers.",
        "predeclared-prefixes": f"These prefixes need no PREFIX line: {prefixes}.",
        "limits": f"A query stops after {timeout:g} s (504); results are capped at {max_rows} rows or triples (422).",
    }
    lines = [
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .",
        "@prefix format: <http://www.w3.org/ns/formats/> .",
        "@prefix void: <http://rdfs.org/ns/void#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "",
        f"<{url}#service> a sd:Service ;",
        f"    sd:endpoint <{url}> ;",
        "    sd:supportedLanguage sd:SPARQL11Query ;",
        f"    sd:resultFormat {formats} ;",
        "    sd:feature " + ", ".join(f"<{url}#{name}>" for name in features) + " ;",
        "    sd:defaultDataset [ a sd:Dataset ;",
        f"        sd:defaultGraph [ a sd:Graph ; void:triples {int(triples)} ] ] ;",
        '    rdfs:label "gbakg SPARQL endpoint (Greater Bay Area Knowledge Graph)" .',
    ]
    for name, comment in features.items():
        lines += ["", f"<{url}#{name}> a sd:Feature ;", f"    rdfs:comment {json.dumps(comment)} ."]
    return "\n".join(lines) + "\n"


def page() -> str:
    """The offline query page: a text area, a Run button, results drawn as text (never as HTML)."""
    from gbakg.sparql.engine import NAME_QUERY
    from gbakg.sparql.query import named_queries

    examples = {
        q.name: {
            "text": q.text,
            "description": q.description,
            "bindings": [{"name": b.name, "required": b.required, "help": b.help} for b in q.bindings],
        }
        for q in named_queries().values()
    }
    data = json.dumps(examples).replace("<", "\\u003c")
    lookup = json.dumps(NAME_QUERY).replace("<", "\\u003c")
    template = (Path(__file__).resolve().parent / "endpoint_page.html").read_text(encoding="utf-8")
    return template.replace("/*EXAMPLES*/{}", data).replace('/*NAME_QUERY*/""', lookup)


def csp(html: str) -> str:
    """A strict Content-Security-Policy for the page: only its own inline script and style, fetches to itself."""

    def hashes(tag: str) -> str:
        found = re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.S)
        return " ".join(f"'sha256-{b64encode(hashlib.sha256(t.encode()).digest()).decode()}'" for t in found)

    return (
        f"default-src 'none'; script-src {hashes('script')}; style-src {hashes('style')}; "
        "connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
