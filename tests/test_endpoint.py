"""`gbakg serve`: the SPARQL 1.1 Protocol endpoint, exercised by real HTTP clients on loopback.

The server runs in a thread of the test process (its workers are separate processes) on a free
port of 127.0.0.1; a second test starts the `gbakg serve` command itself as a subprocess.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from conftest import ROOT
from gbakg.cli import cli
from gbakg.sparql import engine
from gbakg.sparql import query as sparql
from gbakg.sparql.endpoint import make_endpoint
from gbakg.sparql.negotiation import negotiate

GBR = "https://w3id.org/gbakg/id/"
CITIES = "SELECT ?city WHERE { ?city a gba:City } ORDER BY ?city"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MAX_ROWS = 500


@pytest.fixture(scope="module")
def files():
    return engine.source_files()


@pytest.fixture(scope="module")
def store(files):
    return engine.open_store(files)


@pytest.fixture(scope="module")
def endpoint(files):
    server = make_endpoint(files, "127.0.0.1", 0, workers=2, timeout=3.0, max_rows=MAX_ROWS, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.close()
    thread.join(5)


def local(store, text: str) -> list[dict[str, str]]:
    """The embedded engine's answer, as {variable: value} rows."""
    return [{k: v.value for k, v in row.items()} for row in engine.select(store, text, prefixes=sparql.PREFIXES)]


def http(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, body) for one request, errors included."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def get(endpoint, text: str, accept: str | None = None):
    return http(f"{endpoint.url}?{urlencode({'query': text})}", headers={"Accept": accept} if accept else {})


def wrapper(endpoint, text: str, fmt: str, method: str = "GET", request_method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint.url)
    client.setQuery(sparql.prefix_header(text) + "\n" + text)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    if request_method:
        client.setRequestMethod(request_method)
    return client


# -- SPARQLWrapper as a client -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "request_method"),
    [("GET", None), (POST, "urlencoded"), (POST, POSTDIRECTLY)],
    ids=["get", "form", "direct"],
)
def test_select_json(endpoint, store, method, request_method):
    result = wrapper(endpoint, CITIES, JSON, method, request_method).query()
    assert result.response.headers["Content-Type"] == "application/sparql-results+json"
    rows = [{k: v["value"] for k, v in b.items()} for b in result.convert()["results"]["bindings"]]
    assert rows == local(store, CITIES) and len(rows) >= 2


def test_select_xml(endpoint, store):
    document = wrapper(endpoint, CITIES, XML).query().convert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]
    assert uris == [row["city"] for row in local(store, CITIES)]


@pytest.mark.parametrize(("fmt", "separator"), [(CSV, ","), (TSV, "\t")])
def test_select_csv_tsv(endpoint, store, fmt, separator):
    text = wrapper(endpoint, CITIES, fmt).query().convert().decode()
    lines = text.splitlines()
    cities = [row["city"] for row in local(store, CITIES)]
    if fmt == CSV:
        assert lines == ["city", *cities]
    else:
        assert lines == ["?city", *(f"<{c}>" for c in cities)]
    assert all(separator not in line for line in lines)  # one column


@pytest.mark.parametrize(
    ("text", "expected"), [("ASK { gbr:shenzhen a gba:City }", True), ("ASK { gbr:shenzhen a gba:Person }", False)]
)
@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask(endpoint, text, expected, fmt):
    converted = wrapper(endpoint, text, fmt).query().convert()
    if fmt == JSON:
        assert converted == {"head": {}, "boolean": expected}
    else:
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == str(expected).lower()


CONSTRUCT = "CONSTRUCT { ?s gba:partOf ?o } WHERE { ?s gba:partOf ?o }"


@pytest.mark.parametrize("fmt", [TURTLE, N3, XML, JSONLD])
def test_construct(endpoint, store, fmt):
    converted = wrapper(endpoint, CONSTRUCT, fmt).query().convert()
    graph = converted if isinstance(converted, Graph) else Graph().parse(data=converted, format="turtle")
    expected = engine.to_rdflib_graph(engine.query(store, CONSTRUCT, prefixes=sparql.PREFIXES))
    assert set(graph) == set(expected) and len(graph) > 3


def test_construct_n_triples_by_accept(endpoint, store):
    status, headers, body = get(endpoint, CONSTRUCT, "application/n-triples")
    assert status == 200 and headers["Content-Type"] == "application/n-triples"
    expected = engine.to_rdflib_graph(engine.query(store, CONSTRUCT, prefixes=sparql.PREFIXES))
    assert set(Graph().parse(data=body.decode(), format="nt")) == set(expected)


@pytest.mark.parametrize(
    ("accept", "kind", "expected"),
    [
        (None, "solutions", ("application/sparql-results+json", "json")),
        ("*/*", "graph", ("text/turtle; charset=utf-8", "ttl")),
        ("text/html, text/csv;q=0.9, */*;q=0.1", "solutions", ("text/csv; charset=utf-8", "csv")),
        (
            "application/sparql-results+xml;q=0.5, application/json",
            "boolean",
            ("application/sparql-results+json", "json"),
        ),
        ("text/*", "graph", ("text/turtle; charset=utf-8", "ttl")),
        ("application/rdf+xml", "graph", ("application/rdf+xml", "xml")),
        ("image/png", "solutions", None),
        ("text/csv;q=0", "solutions", None),
    ],
)
def test_negotiate(accept, kind, expected):
    assert negotiate(accept, kind) == expected


def test_format_parameter_wins_over_accept(endpoint):
    status, headers, body = http(
        f"{endpoint.url}?{urlencode({'query': CITIES, 'format': 'csv'})}", headers={"Accept": "text/html"}
    )
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8" and body.startswith(b"city\r\n")


# -- refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_args",
    [
        {
            "data": urlencode({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}).encode(),
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        },
        {"data": b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "headers": {"Content-Type": "application/sparql-update"}},
        {
            "data": urlencode({"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}).encode(),
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        },
        {"data": b"DELETE WHERE { ?s ?p ?o }", "headers": {"Content-Type": "application/sparql-query"}},
    ],
    ids=["form-update", "direct-update", "update-as-query", "delete-as-query"],
)
def test_update_is_refused(endpoint, request_args):
    status, _, body = http(endpoint.url, **request_args)
    assert status == 403 and body == b"This endpoint is read-only: SPARQL Update is not accepted\n"
    assert get(endpoint, "ASK { <urn:a> <urn:b> <urn:c> }")[2] == b'{"head": {}, "boolean": false}\n'
    assert (
        json.loads(get(endpoint, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")[2])["results"]["bindings"][0]["n"]["value"]
        != "0"
    )


def test_update_with_sparqlwrapper_is_refused(endpoint):
    client = SPARQLWrapper(endpoint.url)
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises((urllib.error.HTTPError, SPARQLWrapperException)) as e:
        client.query()
    assert "403" in str(e.value) or getattr(e.value, "code", None) == 403


class Listener:
    """A loopback TCP listener that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.hits: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.hits.append(conn.recv(65536))
                    conn.sendall(b"HTTP/1.1 500 Nope\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    self.hits.append(b"")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def test_pyoxigraph_alone_would_fetch_service(listener):
    """The reason for the refusal below: Oxigraph itself sends SERVICE requests."""
    with pytest.raises(Exception):  # noqa: B017 - the listener answers 500; the error type is Oxigraph's
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}"))
    assert len(listener.hits) == 1 and listener.hits[0].split(b" ")[0] in (b"GET", b"POST")


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?x ?y ?z . service silent <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }} LIMIT 1",
        r"SELECT * WHERE {{ \u0053ERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
        "ASK {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
        "LOAD <http://127.0.0.1:{port}/data.ttl>",
    ],
    ids=["service", "silent-lowercase", "unicode-escaped", "ask", "load"],
)
def test_service_and_load_never_fetch(endpoint, listener, template):
    query = template.format(port=listener.port)
    for status, _, _ in (
        get(endpoint, query),
        http(endpoint.url, data=query.encode(), headers={"Content-Type": "application/sparql-query"}),
    ):
        assert status == 403
    time.sleep(0.3)
    assert listener.hits == []


def test_result_size_limit(endpoint):
    status, _, body = get(endpoint, f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS + 1}")
    assert status == 422
    assert body.decode() == (
        f"the result has more than {MAX_ROWS} rows; add LIMIT or narrow the query (this server's limit is {MAX_ROWS})\n"
    )
    assert get(endpoint, f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}")[0] == 200


def test_timeout_stops_the_query_and_the_server_goes_on(endpoint):
    before = set(endpoint.pool.pids())
    started = time.monotonic()
    status, _, body = get(endpoint, CARTESIAN)
    assert status == 504 and body == b"Query timeout: stopped after 3 s\n"
    assert time.monotonic() - started < 10
    killed = before - set(endpoint.pool.pids())
    assert len(killed) == 1  # the worker running it is gone: the work really stopped
    pid = killed.pop()
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
    status, _, body = get(endpoint, "ASK { gbr:shenzhen a gba:City }")
    assert status == 200 and body == b'{"head": {}, "boolean": true}\n'
    deadline = time.monotonic() + 60
    while len(endpoint.pool.pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(endpoint.pool.pids()) == 2  # replaced


def test_concurrent_clients(endpoint, store):
    """20 clients × 50 queries, mixed forms and formats: every answer right, no error."""
    cases = [
        (CITIES, JSON, local(store, CITIES)),
        ("ASK { gbr:idea a gba:ResearchInstitute }", JSON, True),
        (CITIES, CSV, ["city", *(row["city"] for row in local(store, CITIES))]),
    ]

    def client(number: int) -> int:
        errors = 0
        for i in range(50):
            text, fmt, expected = cases[(number + i) % len(cases)]
            try:
                result = wrapper(endpoint, text, fmt, POST if i % 2 else "GET").query().convert()
                if fmt == CSV:
                    got = result.decode().splitlines()
                elif isinstance(expected, bool):
                    got = result["boolean"]
                else:
                    got = [{k: v["value"] for k, v in b.items()} for b in result["results"]["bindings"]]
                errors += got != expected
            except Exception:  # any failure counts as an error
                errors += 1
        return errors

    with ThreadPoolExecutor(max_workers=20) as pool:
        assert sum(pool.map(client, range(20))) == 0


# -- protocol details ----------------------------------------------------------------------------


def test_cors(endpoint):
    status, headers, _ = http(
        endpoint.url,
        method="OPTIONS",
        headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert (
        "POST" in headers["Access-Control-Allow-Methods"] and "Content-Type" in headers["Access-Control-Allow-Headers"]
    )
    assert get(endpoint, CITIES)[1]["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("request_args", "status", "message"),
    [
        (
            {"url": "/sparql", "data": b"x=1", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
            400,
            "Give exactly one query",
        ),
        ({"url": "/sparql?default-graph-uri=urn:x"}, 400, "Give exactly one query"),
        ({"url": "/sparql?query=SELECT%20*%20WHERE%20%7B"}, 400, "query syntax error at line 1, column 17"),
        ({"url": "/nowhere"}, 404, "Not found: /nowhere; the SPARQL endpoint is /sparql"),
        ({"url": "/sparql", "method": "PUT", "data": b"x"}, 405, "This endpoint is read-only"),
        (
            {"url": "/sparql", "data": b"x", "headers": {"Content-Type": "text/turtle"}},
            415,
            "Unsupported Content-Type text/turtle",
        ),
        (
            {"url": "/sparql?query=ASK%7B%7D", "headers": {"Accept": "image/png"}},
            406,
            "Not acceptable: this query gives boolean",
        ),
        (
            {"url": "/sparql", "data": b"q" * 1_000_001, "headers": {"Content-Type": "application/sparql-query"}},
            413,
            "Request too large",
        ),
    ],
)
def test_protocol_errors(endpoint, request_args, status, message):
    url = endpoint.url[: -len("/sparql")] + request_args.pop("url")
    got, headers, body = http(url, **request_args)
    assert got == status and body.decode().startswith(message)
    assert headers["Content-Type"] == "text/plain; charset=utf-8"


def test_query_page_works_offline(endpoint):
    status, headers, body = http(endpoint.url[: -len("sparql")])
    page = body.decode()
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<textarea" in page and 'fetch("sparql"' in page
    assert "http://" not in page and "https://" not in page.replace("https://w3id.org/", "")  # nothing remote
    examples = json.loads(page.split("const EXAMPLES = ", 1)[1].split(";\n", 1)[0])
    assert set(examples) == set(sparql.named_queries())
    assert "</script" not in page.split("const EXAMPLES = ", 1)[1].split(";\n", 1)[0]
    assert ".textContent" in page and ".innerHTML" not in page  # results never become markup


def test_browser_get_without_query_goes_to_the_page(endpoint):
    request = urllib.request.Request(endpoint.url, headers={"Accept": "text/html"})
    with urllib.request.urlopen(request) as response:  # follows the 303
        assert response.url.endswith("/") and b"<textarea" in response.read()


def test_query_command_on_the_endpoint(endpoint):
    """`gbakg query --endpoint` against our own server, bindings resolved there."""
    result = CliRunner().invoke(
        cli, ["query", "partners-of", "--bind", "org=IDEA", "--endpoint", endpoint.url, "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    local_result = CliRunner().invoke(cli, ["query", "partners-of", "--bind", "org=IDEA", "--format", "csv"])
    assert result.output == local_result.output and result.output.count("\n") >= 2


# -- the command ---------------------------------------------------------------------------------


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # it has just ended
        return b""


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def test_serve_command(tiny_file):
    """`gbakg serve --port 0` prints its URL, answers, and stops with its workers on Ctrl+C."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable,
        "-m",
        "gbakg",
        "serve",
        "--port",
        "0",
        "--graph",
        str(tiny_file),
        "--quiet",
        "--workers",
        "1",
    ]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = process.stderr.readline()
        assert first.startswith("Serving ") and " triples read-only at http://127.0.0.1:" in first
        url = first.rsplit(" ", 1)[1].strip()
        assert process.stderr.readline().startswith("Query page: http://127.0.0.1:")
        assert process.stderr.readline().startswith("Pages: http://127.0.0.1:")
        children = _children(process.pid)  # the query worker, and the child writing the pages
        workers = {pid for pid in children if b"gbakg.sparql.workers" in _cmdline(pid)}
        assert len(workers) == 1
        status, _, body = http(f"{url}?{urlencode({'query': 'SELECT ?l WHERE { gbr:beta-lab skos:altLabel ?l }'})}")
        assert status == 200 and json.loads(body)["results"]["bindings"] == [{"l": {"type": "literal", "value": "BL"}}]
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0
        time.sleep(0.2)
        workers = children
        assert not any(
            Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
            for pid in workers
        )
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_serve_refuses_bad_input(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://ex/> .\nex:a ex:b .\n")
    result = CliRunner().invoke(cli, ["serve", "--port", "0", "--graph", str(bad)])
    assert result.exit_code == 2 and result.output.startswith(f"Error: {bad}:2: invalid Turtle: ")


def test_serve_help_names_the_defaults():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert "--host TEXT" in result.output and "127.0.0.1" in result.output and "--timeout FLOAT" in result.output


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("no-equals-sign", "'no-equals-sign' is not IRI=FILE"),
        ("=data.ttl", "'=data.ttl' is not IRI=FILE"),
        ("relative/graph=data.ttl", "'relative/graph' is not"),
        ("http://example.org/g=missing.ttl", "missing.ttl: no such file"),
    ],
)
def test_serve_refuses_a_bad_named_graph(tmp_path, monkeypatch, value, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.ttl").write_text("<http://ex/a> <http://ex/b> <http://ex/c> .\n")
    result = CliRunner().invoke(cli, ["serve", "--port", "0", "--named-graph", value, "--graph", "data.ttl"])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_named_graphs_are_queried_by_graph_and_from_named(tmp_path):
    """--named-graph loads a file as that graph: GRAPH and FROM NAMED see it, the default graph does not."""
    data, extra = tmp_path / "data.ttl", tmp_path / "extra.ttl"
    data.write_text("<http://ex/a> <http://ex/p> 1 .\n")
    extra.write_text("<http://ex/b> <http://ex/p> 2 .\n")
    endpoint = make_endpoint([data], port=0, workers=1, quiet=True, named={"http://ex/g": extra})
    thread = threading.Thread(target=endpoint.serve_forever, daemon=True)
    thread.start()
    try:
        for query, expected in [
            ("SELECT ?o WHERE { ?s <http://ex/p> ?o }", ["1"]),
            ("SELECT ?o WHERE { GRAPH <http://ex/g> { ?s <http://ex/p> ?o } }", ["2"]),
            ("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", ["http://ex/g"]),
        ]:
            url = endpoint.url + "?" + urlencode({"query": query})
            request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(request, timeout=30) as response:
                rows = json.load(response)["results"]["bindings"]
            assert [next(iter(row.values()))["value"] for row in rows] == expected
    finally:
        endpoint.close()
        thread.join(5)


def test_a_long_flat_query_is_answered_by_the_endpoint(files):
    """Each worker answers on a big stack: a 20 KB chain of 10,000 terms used to kill the worker."""
    server = make_endpoint(files, "127.0.0.1", 0, workers=1, timeout=60.0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        query = "ASK { FILTER(" + "+".join(["1"] * 10_000) + " = 0) }"
        status, _, body = http(
            server.url,
            data=query.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        )
        assert status == 200 and json.loads(body)["boolean"] is False
    finally:
        server.close()
        thread.join(5)
