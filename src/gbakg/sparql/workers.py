"""The endpoint's query workers: processes that each hold a copy of the store and answer one query at a time.

Oxigraph cannot be interrupted mid-query, so a query runs in a separate process that can be killed:
one past the timeout, or whose client has disconnected, loses its worker, and a fresh worker replaces
it while the others keep serving. Workers are fresh interpreters (not forks of the threaded server)
that ignore SIGINT: Ctrl+C is the server's to handle. The HTTP side lives in
``gbakg.sparql.endpoint``; this module knows nothing of HTTP beyond the (status, content type, body)
it hands back.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gbakg.errors import GbakgError, InputError
from gbakg.sparql.negotiation import TEXT, format_names, negotiate, offered

SHUTTING_DOWN = (503, TEXT, b"Service unavailable: the server is shutting down\n")
CLIENT_GONE = (499, TEXT, b"")  # never sent: the client closed its connection
_TICK = 0.1  # how often a waiting request checks on its client and on shutdown
_SRC = str(Path(__file__).resolve().parents[2])  # so workers import this very gbakg


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
    from gbakg.sparql.results import ResultTooLarge, render, result_kind

    try:
        result = _run_query(store, text, graphs)
        kind = result_kind(result)
        chosen = negotiate(accept, kind, requested)
        if chosen is None:
            family = "graph" if kind == "graph" else "solutions"
            if requested:
                names = format_names(family)
                return (
                    406,
                    TEXT,
                    f"Not acceptable: format={requested} but this query gives {kind}; use {names}\n".encode(),
                )
            return 406, TEXT, f"Not acceptable: this query gives {kind}; available: {offered(family)}\n".encode()
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

    from gbakg.sparql.engine import big_stack_thread, open_store

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the server's to handle: it answers 503, then stops us
    conn = Connection(fd)
    files, max_rows, named = conn.recv()
    try:
        store = open_store([Path(f) for f in files], named=named)
    except GbakgError as e:
        conn.send(("error", str(e)))
        return
    conn.send(("ready", len(store)))

    def serve_jobs() -> None:
        while True:
            try:
                job = conn.recv()
            except (EOFError, OSError):
                return
            text, accept, requested, graphs = job
            conn.send(answer(store, text, accept, requested, graphs, max_rows))

    big_stack_thread(serve_jobs, "gbakg-worker", daemon=False).join()  # long flat queries recurse deep


@dataclass
class _Worker:
    process: Any
    conn: Any


@dataclass
class WorkerPool:
    """Worker processes that each hold the store; a query past ``timeout`` kills its worker."""

    files: Sequence[Path]
    workers: int = 2
    named: dict[str, str] = field(default_factory=dict)  # graph IRI -> file, loaded as named graphs
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
            "from gbakg.sparql.workers import _worker_main; _worker_main(int(sys.argv[1]))"
        )
        process = subprocess.Popen(
            [sys.executable, "-c", code, str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            env=env,
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        worker = _Worker(process, Connection(ours.detach()))
        worker.conn.send(([str(f) for f in self.files], self.max_rows, dict(self.named)))
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
