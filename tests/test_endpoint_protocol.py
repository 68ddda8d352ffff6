"""`gbakg serve` at the edges of the protocol: charsets, Accept weights, datasets, formats, keep-alive,
clients that leave, oversized bodies, Ctrl+C, the service description, CORS and the query page.

Every test talks to a real server on 127.0.0.1 with real HTTP requests (http.client, urllib, raw
sockets where a client must misbehave, Chromium for the page).
"""

from __future__ import annotations

import http.client as httpclient
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
from rdflib import Graph, Namespace, URIRef

from conftest import ROOT
from gbakg.sparql import engine
from gbakg.sparql.endpoint import Endpoint, make_endpoint
from gbakg.sparql.negotiation import negotiate
from test_endpoint import CARTESIAN, _children, http

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ASK_CITY = "ASK { gbr:shenzhen a gba:City }"
CONSTRUCT = "CONSTRUCT { ?s gba:partOf ?o } WHERE { ?s gba:partOf ?o }"


def start(files, **options) -> Iterator[Endpoint]:
    server = make_endpoint(files, "127.0.0.1", 0, quiet=True, **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.close()
    thread.join(5)


@pytest.fixture(scope="module")
def files():
    return engine.source_files()


@pytest.fixture(scope="module")
def endpoint(files):
    yield from start(files, workers=2, timeout=5.0, max_rows=500)


def connect(endpoint: Endpoint) -> httpclient.HTTPConnection:
    host, port = endpoint.server_address[:2]
    return httpclient.HTTPConnection(str(host), int(port), timeout=30)


def exchange(conn: httpclient.HTTPConnection, method: str, path: str, body: bytes | None = None, **headers: str):
    """(status, headers, body) of one request on an open connection."""
    conn.request(method, path, body=body, headers={k.replace("_", "-"): v for k, v in headers.items()})
    response = conn.getresponse()
    return response.status, response.headers, response.read()


def post(endpoint: Endpoint, body: bytes, content_type: str, accept: str = "application/sparql-results+json"):
    return http(endpoint.url, data=body, headers={"Content-Type": content_type, "Accept": accept})


def value(body: bytes, variable: str = "x") -> str:
    return json.loads(body)["results"]["bindings"][0][variable]["value"]


# -- the request's charset -----------------------------------------------------------------------

CAFE = 'SELECT ?x WHERE { BIND("café ☕" AS ?x) }'
LATIN = 'SELECT ?x WHERE { BIND("café" AS ?x) }'


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (LATIN.encode("latin-1"), "application/sparql-query; charset=ISO-8859-1", "café"),
        (LATIN.encode("cp1252"), "application/sparql-query;charset=windows-1252", "café"),
        (CAFE.encode(), "application/sparql-query", "café ☕"),
        (CAFE.encode(), 'application/sparql-query; charset="UTF-8"', "café ☕"),
        (
            b"query=" + quote(LATIN.encode("latin-1")).encode(),
            "application/x-www-form-urlencoded; charset=latin-1",
            "café",
        ),
        (urlencode({"query": CAFE}).encode(), "application/x-www-form-urlencoded", "café ☕"),
    ],
    ids=["latin-1", "cp1252", "utf-8-default", "utf-8-quoted", "form-latin-1", "form-utf-8"],
)
def test_the_declared_charset_decodes_the_body(endpoint, body, content_type, expected):
    status, _, answer = post(endpoint, body, content_type)
    assert status == 200 and value(answer) == expected


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        (
            LATIN.encode("latin-1"),
            "application/sparql-query",
            400,
            "The body is not valid utf-8 (byte 0xE9 at 27); declare its charset\n",
        ),
        (
            b"query=" + quote(LATIN.encode("latin-1")).encode(),
            "application/x-www-form-urlencoded",
            400,
            "The body is not valid utf-8",
        ),
        (
            b"ASK {}",
            "application/sparql-query; charset=x-no-such-charset",
            415,
            "Unsupported charset 'x-no-such-charset'",
        ),
        (
            "ASK {}".encode("utf-16"),
            "application/sparql-query; charset=UTF-16",
            415,
            "Unsupported charset 'utf-16': send UTF-8 or an ASCII-compatible charset\n",
        ),
        (b"ASK {}", "application/sparql-query; charset=rot13", 415, "Unsupported charset 'rot13'"),
    ],
    ids=["latin-1-undeclared", "form-latin-1-undeclared", "unknown", "utf-16-as-w3c-bad_query_non_utf8", "not-text"],
)
def test_a_body_the_charset_cannot_read_is_refused(endpoint, body, content_type, status, message):
    got, headers, answer = post(endpoint, body, content_type)
    assert got == status and answer.decode().startswith(message)
    assert headers["Content-Type"] == "text/plain; charset=utf-8"


def test_a_query_string_that_is_not_utf8_is_refused(endpoint):
    got, _, answer = http(f"{endpoint.url}?query=" + quote(LATIN.encode("latin-1")))
    assert got == 400 and answer.decode().startswith("The query string is not UTF-8")


# -- Accept weights --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "kind", "expected"),
    [
        ("application/sparql-results+json;q=0, */*", "solutions", "xml"),
        ("application/sparql-results+json;q=0, application/json, */*", "solutions", "xml"),
        ("text/csv;q=0, text/*", "solutions", "tsv"),
        ("text/csv;q=0, */*;q=0.1", "boolean", "json"),
        ("text/turtle;q=0, */*", "graph", "nt"),
        ("text/*;q=0, */*", "graph", "nt"),
        ("*/*;q=0", "solutions", None),
        ("application/sparql-results+json;q=0.0, application/sparql-results+xml;q=0", "solutions", None),
        ("text/csv;Q=0.5, text/tab-separated-values;q=0.6", "solutions", "tsv"),
    ],
)
def test_q_zero_excludes_a_type_even_behind_a_wildcard(accept, kind, expected):
    chosen = negotiate(accept, kind)
    assert (chosen[1] if chosen else None) == expected


def test_q_zero_on_the_wire(endpoint):
    status, headers, _ = http(
        f"{endpoint.url}?{urlencode({'query': ASK_CITY})}",
        headers={"Accept": "application/sparql-results+json;q=0, */*"},
    )
    assert status == 200 and headers["Content-Type"] == "application/sparql-results+xml"
    status, _, body = http(f"{endpoint.url}?{urlencode({'query': ASK_CITY})}", headers={"Accept": "*/*;q=0"})
    assert status == 406 and body.startswith(b"Not acceptable")


# -- the protocol's dataset wins ----------------------------------------------------------------

NAMED = "SELECT ?g FROM NAMED <urn:query:a> WHERE { GRAPH ?g { } } ORDER BY ?g"
DEFAULT = "SELECT (COUNT(*) AS ?n) FROM <urn:query:empty> WHERE { ?s ?p ?o }"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["urn:query:a"]),  # no protocol dataset: the query's own
        ({"named-graph-uri": ["urn:protocol:b", "urn:protocol:c"]}, ["urn:protocol:b", "urn:protocol:c"]),
        ({"default-graph-uri": ["urn:protocol:d"]}, []),  # a protocol dataset with no named graphs
    ],
    ids=["query-dataset", "protocol-named", "protocol-default-only"],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_protocol_dataset_replaces_from_and_from_named(endpoint, params, expected, method):
    query = urlencode({**params, "query": NAMED}, doseq=True)
    if method == "GET":
        status, _, body = http(f"{endpoint.url}?{query}")
    else:
        dataset = urlencode(params, doseq=True)
        status, _, body = (
            post(endpoint, NAMED.encode(), "application/sparql-query")
            if not params
            else http(
                f"{endpoint.url}?{dataset}", data=NAMED.encode(), headers={"Content-Type": "application/sparql-query"}
            )
        )
    assert status == 200
    assert [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]] == expected


def test_protocol_default_graph_replaces_from(endpoint):
    """FROM <empty> alone gives 0; with the protocol naming no graph either, the count is the same
    empty default graph, and a bad IRI in the protocol is a 400, not a crash."""
    assert value(http(f"{endpoint.url}?{urlencode({'query': DEFAULT})}")[2], "n") == "0"
    status, _, body = http(f"{endpoint.url}?{urlencode({'query': DEFAULT, 'default-graph-uri': 'not an iri'})}")
    assert status == 400 and body.startswith(b"default-graph-uri / named-graph-uri: not an IRI")


# -- the format parameter --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "status", "start"),
    [
        (
            {"query": ASK_CITY, "format": "bogus"},
            400,
            "Unknown format 'bogus': use json, xml, csv, tsv (SELECT/ASK); ttl",
        ),
        ({"query": ASK_CITY, "output": "html"}, 400, "Unknown format 'html'"),
        ({"query": CONSTRUCT, "format": "csv"}, 406, "Not acceptable: format=csv but this query gives graph; use "),
        ({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "format": "turtle"}, 406, "Not acceptable: format=turtle"),
    ],
)
def test_a_format_that_does_not_fit_is_an_error(endpoint, params, status, start):
    got, headers, body = http(f"{endpoint.url}?{urlencode(params)}")
    assert got == status and body.decode().startswith(start), body
    assert headers["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    ("params", "content_type"),
    [
        ({"query": CONSTRUCT, "format": "json"}, "application/ld+json"),
        ({"query": CONSTRUCT, "format": "n-triples"}, "application/n-triples"),
        ({"query": ASK_CITY, "output": "xml"}, "application/sparql-results+xml"),
        ({"query": ASK_CITY, "format": "text/csv"}, "text/csv; charset=utf-8"),
    ],
)
def test_a_format_that_fits_wins_over_accept(endpoint, params, content_type):
    status, headers, _ = http(f"{endpoint.url}?{urlencode(params)}", headers={"Accept": "image/png"})
    assert status == 200 and headers["Content-Type"] == content_type


# -- HTTP/1.1 keep-alive ---------------------------------------------------------------------------


def test_keep_alive_serves_many_requests_on_one_connection(endpoint):
    conn = connect(endpoint)
    try:
        conn.connect()
        first = conn.sock
        requests = [
            ("GET", "/sparql?" + urlencode({"query": ASK_CITY}), None, {}, 200),
            (
                "POST",
                "/sparql",
                urlencode({"query": ASK_CITY}).encode(),
                {"Content_Type": "application/x-www-form-urlencoded"},
                200,
            ),
            ("GET", "/sparql?" + urlencode({"query": "SELECT * WHERE {"}), None, {}, 400),
            ("GET", "/sparql", None, {}, 200),  # the service description
            ("HEAD", "/sparql?" + urlencode({"query": ASK_CITY}), None, {}, 200),
            ("OPTIONS", "/sparql", None, {}, 204),
            ("GET", "/nowhere", None, {}, 404),
            ("POST", "/sparql", b"update=x", {"Content_Type": "application/x-www-form-urlencoded"}, 403),
            ("GET", "/", None, {}, 200),
        ]
        for method, path, body, headers, status in requests:
            got, response_headers, answer = exchange(conn, method, path, body, **headers)
            assert got == status, (method, path, answer)
            if status != 204:
                length = int(response_headers["Content-Length"])
                assert method == "HEAD" or length == len(answer)
            assert conn.sock is first  # still the same connection
    finally:
        conn.close()


def test_a_request_whose_body_is_not_read_closes_the_connection(endpoint):
    conn = connect(endpoint)
    try:
        status, headers, _ = exchange(conn, "PUT", "/sparql", b"x" * 100, Content_Type="text/turtle")
        assert status == 405 and headers["Connection"] == "close"
        status, _, _ = exchange(conn, "GET", "/sparql?" + urlencode({"query": ASK_CITY}))  # reconnects
        assert status == 200
    finally:
        conn.close()


def test_http_1_1_on_the_wire(endpoint):
    conn = connect(endpoint)
    try:
        conn.request("GET", "/sparql?" + urlencode({"query": ASK_CITY}))
        response = conn.getresponse()
        assert response.version == 11 and response.getheader("Connection") is None
        assert int(response.getheader("Content-Length")) == len(response.read())
    finally:
        conn.close()


# -- oversized bodies ------------------------------------------------------------------------------


@pytest.mark.parametrize("expect", [b"", b"Expect: 100-continue\r\n"], ids=["plain", "expect-100"])
def test_a_huge_declared_length_is_refused_at_once(endpoint, expect):
    """Content-Length 999999999 with a tiny body: 413 before reading, not a wait for the rest
    (and no "100 Continue" inviting the body first)."""
    host, port = endpoint.server_address[:2]
    with socket.create_connection((str(host), int(port)), timeout=5) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 999999999\r\n" + expect + b"\r\n" + (b"" if expect else b"ASK {}")
        )
        answer = b""
        while b"\r\n\r\n" not in answer:  # a timeout (5 s) fails the test
            chunk = sock.recv(4096)
            assert chunk, answer
            answer += chunk
    head = answer.split(b"\r\n\r\n")[0].decode()
    assert head.startswith("HTTP/1.1 413 ") and "Connection: close" in head


# -- a client that leaves --------------------------------------------------------------------------


@pytest.fixture
def lone(files):
    """One worker and a long timeout: a query left running would block everything for 60 s."""
    yield from start(files, workers=1, timeout=60.0)


def test_a_client_that_disconnects_stops_its_query(lone):
    before = set(lone.pool.pids())
    host, port = lone.server_address[:2]
    sock = socket.create_connection((str(host), int(port)), timeout=5)
    sock.sendall(f"GET /sparql?{urlencode({'query': CARTESIAN})} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    deadline = time.monotonic() + 10
    while lone._busy == 0 and time.monotonic() < deadline:  # the request reached the worker pool
        time.sleep(0.05)
    time.sleep(0.5)  # the worker has the query
    sock.close()
    started = time.monotonic()
    deadline = started + 10
    while set(lone.pool.pids()) & before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not set(lone.pool.pids()) & before  # its worker was stopped
    status, _, body = http(f"{lone.url}?{urlencode({'query': ASK_CITY})}")
    assert status == 200 and body == b'{"head": {}, "boolean": true}\n'
    assert time.monotonic() - started < 30  # the timeout is 60 s: the query did not run on


# -- Ctrl+C --------------------------------------------------------------------------------------


@pytest.mark.parametrize("group", [False, True], ids=["server-only", "terminal-group"])
def test_ctrl_c_during_a_query_answers_503_and_stops_cleanly(group):
    """SIGINT to the server (or, as a terminal does, to its whole process group) while a query runs."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "gbakg", "serve", "--port", "0", "--quiet", "--workers", "1", "--timeout", "60"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env, start_new_session=group)
    try:
        first = process.stderr.readline()
        assert first.startswith("Serving "), first
        url = first.rsplit(" ", 1)[1].strip()
        process.stderr.readline()
        workers = _children(process.pid)
        answer: list = []
        client = threading.Thread(target=lambda: answer.append(http(f"{url}?{urlencode({'query': CARTESIAN})}")))
        client.start()
        time.sleep(1.5)  # the query is running in the worker
        if group:
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGINT)
        client.join(30)
        assert process.wait(30) == 0
        status, headers, body = answer[0]
        assert status == 503 and body == b"Service unavailable: the server is shutting down\n"
        assert headers["Retry-After"] == "1"
        rest = process.stderr.read()
        assert "Traceback" not in rest and "Error" not in rest, rest
        time.sleep(0.2)
        assert not any(
            Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
            for pid in workers
        )
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# -- the service description -----------------------------------------------------------------------


def test_service_description(endpoint):
    status, headers, body = http(endpoint.url)
    assert status == 200 and headers["Content-Type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=body.decode(), format="turtle")
    host = urlsplit(endpoint.url).netloc
    service = graph.value(predicate=SD.endpoint, object=URIRef(f"http://{host}/sparql"))
    assert service is not None and (service, None, SD.Service) in graph
    assert set(graph.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}
    formats = set(graph.objects(service, SD.resultFormat))
    assert {FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_XML, FORMATS.SPARQL_Results_CSV} <= formats
    assert {FORMATS.SPARQL_Results_TSV, FORMATS.Turtle, FORMATS["N-Triples"], FORMATS["JSON-LD"]} <= formats
    features = set(graph.objects(service, SD.feature))
    assert len(features) == 4 and all((f, None, SD.Feature) in graph for f in features)
    triples = graph.value(
        graph.value(graph.value(service, SD.defaultDataset), SD.defaultGraph), URIRef("http://rdfs.org/ns/void#triples")
    )
    assert int(triples) == endpoint.pool.triples > 0


def test_service_description_in_other_rdf(endpoint):
    status, headers, body = http(endpoint.url, headers={"Accept": "application/n-triples"})
    assert status == 200 and headers["Content-Type"] == "application/n-triples"
    assert len(Graph().parse(data=body.decode(), format="nt")) > 10
    assert http(endpoint.url, headers={"Accept": "application/sparql-results+json"})[0] == 406


# -- CORS ----------------------------------------------------------------------------------------------


def test_a_browser_may_read_retry_after(endpoint):
    for _status, headers, _ in (
        http(f"{endpoint.url}?{urlencode({'query': ASK_CITY})}"),
        http(endpoint.url, method="OPTIONS"),
    ):
        exposed = {h.strip() for h in headers["Access-Control-Expose-Headers"].split(",")}
        assert {"Retry-After", "Content-Type", "Content-Length"} <= exposed


# -- the query page, in Chromium -------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from test_explorer_browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def query_page(endpoint, browser):
    """The page served at /, with every request outside the endpoint blocked and console errors kept."""
    base = endpoint.url[: -len("sparql")]
    context = browser.new_context()
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.errors.append(str(e)))  # type: ignore[attr-defined]
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    page.goto(base)
    yield page
    context.close()


def run_query(page) -> str:
    page.click("#run")
    page.wait_for_function("() => !document.getElementById('status').textContent.startsWith('running')", timeout=30_000)
    return page.text_content("#status") or ""


def test_the_page_is_served_with_a_strict_csp(endpoint):
    status, headers, _ = http(endpoint.url[: -len("sparql")])
    policy = headers["Content-Security-Policy"]
    assert status == 200 and "default-src 'none'" in policy and "connect-src 'self'" in policy
    assert "'unsafe-inline'" not in policy and "script-src 'sha256-" in policy


def test_the_page_asks_for_a_named_querys_bindings(query_page, store_rows):
    page = query_page
    page.select_option("#examples", "partners-of")
    assert page.locator("#bindings input[name=org]").count() == 1
    assert run_query(page) == "fill in ?org first"
    assert page.locator("#out table").count() == 0  # nothing ran
    page.fill("#bindings input[name=org]", "no such organisation zz")
    assert run_query(page) == 'no entity is named "no such organisation zz"'
    page.fill("#bindings input[name=org]", "IDEA")
    assert run_query(page).endswith(" ms")
    cells = page.eval_on_selector_all(
        "#out table tr:not(:first-child) td:first-child", "tds => tds.map(td => td.firstChild.textContent)"
    )
    assert cells == [row["partner"] for row in store_rows] and len(cells) >= 2
    labels = page.eval_on_selector_all(
        "#out table tr:not(:first-child) td:first-child .label", "s => s.map(e => e.textContent)"
    )
    assert len(labels) == len(cells) and all(labels)  # a label beside each partner's IRI
    assert page.errors == []  # type: ignore[attr-defined]


def test_the_page_draws_data_as_text(query_page):
    markup = "<img src=x onerror=\"document.title='pwned'\">"
    page = query_page
    page.fill("#query", f"SELECT ?x ?y WHERE {{ BIND({json.dumps(markup)} AS ?x) BIND(gbr:idea AS ?y) }}")
    assert run_query(page).startswith("1 row(s)")
    assert page.text_content("#out td") == markup and page.locator("#out img").count() == 0
    assert page.title() == "gbakg SPARQL" and page.errors == []  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def store_rows(files):
    """partners-of with org bound to IDEA, from the embedded engine."""
    import pyoxigraph as ox

    from gbakg.sparql import query as sparql

    store = engine.open_store(files)
    text = sparql.named_query("partners-of").text
    iri = engine.resolve(store, "IDEA")
    rows = engine.select(store, text, {"org": ox.NamedNode(iri.value)}, prefixes=sparql.PREFIXES)
    return [{k: v.value for k, v in row.items()} for row in rows]
