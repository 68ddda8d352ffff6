"""A read-only SPARQL 1.1 Protocol endpoint over the graph, for YASGUI, SPARQLWrapper and notebooks.

This module is the HTTP side: the server, the request handler and ``serve``. Queries run in worker
processes (``gbakg.sparql.workers``), so one past the timeout can be stopped by killing its worker;
results are negotiated from the ``Accept`` header or a ``format`` parameter
(``gbakg.sparql.negotiation``) and capped at ``max_rows`` rows or triples. SPARQL Update is refused,
and so is ``SERVICE``, which would make Oxigraph fetch a URL from the server's machine (``LOAD``
exists only in updates).

HTTP/1.1 with keep-alive. A request body is read in its declared charset (UTF-8 by default); a
declared length over the limit is refused before reading. A request whose client disconnects stops
its worker; Ctrl+C answers the requests in flight with 503, then stops the workers (which ignore
SIGINT themselves). ``GET /sparql`` without a query gives the SPARQL 1.1 Service Description
(``gbakg.sparql.service``); ``/`` gives the query page (``gbakg.sparql.page``).
"""

from __future__ import annotations

import codecs
import re
import select
import signal
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from gbakg.errors import InputError
from gbakg.sparql.negotiation import FORMAT_HELP, TEXT, known_format
from gbakg.sparql.page import csp, page
from gbakg.sparql.service import describe
from gbakg.sparql.workers import CLIENT_GONE, SHUTTING_DOWN, WorkerPool

_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Expose-Headers": "Retry-After, Content-Type, Content-Length",
    "Access-Control-Max-Age": "86400",
}
_FORM = "application/x-www-form-urlencoded"
_PROBE = "ASK {}=%+&?"  # a charset must write these as ASCII does, or percent-encoding and SPARQL break


# Answers the paths other than / and /sparql (the graph's own IRIs: see gbakg.site.resources):
# (path, Accept) -> (status, content type, body, headers), or None for "not mine".
Resolver = Callable[[str, str | None], tuple[int, str, bytes, dict[str, str]] | None]


class Endpoint(ThreadingHTTPServer):
    """The HTTP server: ``/sparql`` (SPARQL 1.1 Protocol, read-only) and a query page at ``/``."""

    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not hold up a shutdown; see ``busy``
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        pool: WorkerPool,
        *,
        max_body: int = 1_000_000,
        quiet: bool = False,
        resources: Resolver | None = None,
    ):
        self.pool, self.max_body, self.quiet, self.resources = pool, max_body, quiet, resources
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
    named: Mapping[str, Path] | None = None,
    resources: Resolver | None = None,
) -> Endpoint:
    """Start the workers (each loads ``files``, and ``named`` graph IRI -> file as named graphs)
    and bind the server; call ``serve_forever()`` next.

    ``port=0`` picks a free port (see ``Endpoint.url``).
    """
    chosen = {iri: str(file) for iri, file in (named or {}).items()}
    pool = WorkerPool(list(files), workers=workers, timeout=timeout, max_rows=max_rows, named=chosen).start()
    try:
        return Endpoint((host, port), pool, quiet=quiet, resources=resources)
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
            answer = self.server.resources(url.path, self.headers.get("Accept")) if self.server.resources else None
            if answer is None:
                return self._error(404, f"Not found: {url.path}; the SPARQL endpoint is /sparql")
            status, content_type, body, headers = answer
            self._send(status, content_type, body, headers)
        elif not url.query and "text/html" in self.headers.get("Accept", ""):
            self._send(303, TEXT, b"", {"Location": "/"})
        elif not url.query:
            self._describe()
        else:
            self._dispatch(params)

    do_HEAD = do_GET

    def _describe(self) -> None:
        """The SPARQL 1.1 Service Description of this endpoint (Turtle unless ``Accept`` asks for other RDF)."""
        host = self.headers.get("Host", "")
        url = (
            f"http://{host}/sparql"
            if re.fullmatch(r"[\w.\-]+(:\d+)?|\[[0-9a-fA-F:.]+\](:\d+)?", host)
            else self.server.url
        )
        pool = self.server.pool
        self._send(*describe(url, self.headers.get("Accept"), pool.triples, pool.timeout, pool.max_rows))

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
        from gbakg.sparql.text import is_update, uses_service

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
