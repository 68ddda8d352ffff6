"""The W3C SPARQL 1.1 Protocol tests (folder protocol/), query side, against a real `gbakg serve`.

The manifest describes each HTTP exchange (method, path, headers, body and its character encoding)
and what the response must be (status class, boolean, format: "boolean", "tabular" or "RDF"). The
query-side tests (20: query_*, bad_query_*, bad_multiple_queries; not the update ones) are read from
it and sent as they are, with http.client, to one `gbakg serve --graph data1.nt data2.nt data3.nt`
on 127.0.0.1; the manifest's path prefix ``/sparql/`` becomes the server's ``/sparql``. A response
must have the status the test requires; a "boolean" one must be SPARQL results JSON or XML holding
the expected boolean, a "tabular" one JSON, XML, CSV or TSV results (``?value`` = 1 here), an "RDF"
one RDF/XML, Turtle or N-Triples that parses (query_content_type_construct, which failed before
queries had a base IRI, gives its one triple).

The engine itself fails none of the 20, and neither does gbakg. Six name graphs (``ut:graphData``:
data1.nt loaded as the graph ``<http://kasei.us/2009/09/sparql/data/data1.rdf>`` …) that the
protocol's ``default-graph-uri`` / ``named-graph-uri`` or the query's FROM then pick: the server
also loads each data file as that named graph (``--named-graph IRI=FILE``), and each of these tests
first checks that the engine alone, given those named graphs, answers as the test requires:

* query_dataset_default_graphs_get, query_dataset_default_graphs_post,
  query_dataset_named_graphs_post, query_dataset_named_graphs_get, query_dataset_full,
  query_multiple_dataset.
"""

from __future__ import annotations

import http.client as httpclient
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
from rdflib import RDFS, Graph, Namespace
from rdflib.collection import Collection

from w3c import MF, PARSERS, SUITE, Server

FOLDER = SUITE / "protocol"
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
STATUS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
# Content types a response of each expected format may have.
ACCEPTED: dict[str, dict[str, str | ox.RdfFormat]] = {
    "boolean": {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml"},
    "tabular": {
        "application/sparql-results+json": "json",
        "application/sparql-results+xml": "xml",
        "text/csv": "csv",
        "text/tab-separated-values": "tsv",
    },
    "RDF": {
        "application/rdf+xml": ox.RdfFormat.RDF_XML,
        "text/turtle": ox.RdfFormat.TURTLE,
        "application/n-triples": ox.RdfFormat.N_TRIPLES,
    },
}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    statuses: tuple[str, ...]  # "2xx", "3xx", "4xx"
    boolean: bool | None
    fmt: str | None


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    graphs: tuple[tuple[str, Path], ...]  # (graph name, file)
    requests: tuple[Request, ...]


def protocol_tests() -> list[ProtocolTest]:
    if not FOLDER.exists():
        return []
    manifest = FOLDER / "manifest.ttl"
    g = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
    found = []
    for test in Collection(g, next(g.objects(None, MF.entries))):
        name = str(test).rsplit("#", 1)[-1]
        if "update" in name:
            continue
        graphs = tuple(
            sorted(
                (str(g.value(d, RDFS.label)), Path(str(g.value(d, UT.graph)).removeprefix("file://")))
                for d in g.objects(test, UT.graphData)
            )
        )
        requests = []
        listed_requests = g.value(g.value(test, MF.action), HT.requests)
        assert listed_requests is not None, name
        for r in Collection(g, listed_requests):
            headers = []
            if (listed := g.value(r, HT.headers)) is not None:
                headers = [
                    (str(g.value(h, HT.fieldName)), str(g.value(h, HT.fieldValue))) for h in Collection(g, listed)
                ]
            body = None
            if (content := g.value(r, HT.body)) is not None:
                encoding = str(g.value(content, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(content, CNT.chars)).encode(encoding)
            response = g.value(r, HT.resp)
            statuses = tuple(sorted(str(s).removeprefix(STATUS) for s in g.objects(response, MF.expectedStatus)))
            boolean = g.value(response, MF.expectedBoolean)
            fmt = g.value(response, MF.expectedFormat)
            requests.append(
                Request(
                    str(g.value(r, HT.methodName)),
                    str(g.value(r, HT.absolutePath)),
                    tuple(headers),
                    body,
                    statuses,
                    None if boolean is None else str(boolean) == "true",
                    None if fmt is None else str(fmt),
                )
            )
        found.append(ProtocolTest(name, graphs, tuple(requests)))
    return found


TESTS = protocol_tests()
PARAMS = [pytest.param(t, id=t.name) for t in TESTS]
# Every graph a test names, by IRI (the tests agree: data1.nt is always …/data1.rdf).
NAMED = {name: file for t in TESTS for name, file in t.graphs}


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with Server(*sorted(FOLDER.glob("data*.nt")), named=NAMED) as running:
        yield running


def send(server: Server, request: Request) -> tuple[int, str, bytes]:
    """Send the request as the manifest has it (path prefix /sparql/ becomes /sparql); 30 s at most."""
    url = urlsplit(server.url)
    path = url.path + request.path.removeprefix("/sparql/")
    conn = httpclient.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    try:
        conn.request(request.method, path, body=request.body, headers=dict(request.headers))
        response = conn.getresponse()
        return response.status, response.headers.get("Content-Type", ""), response.read()
    finally:
        conn.close()


def check(request: Request, status: int, content_type: str, body: bytes) -> None:
    assert f"{status // 100}xx" in request.statuses, (status, body[:300])
    if request.fmt is None:
        return
    media = content_type.split(";")[0].strip()
    assert media in ACCEPTED[request.fmt], (request.fmt, content_type)
    kind = ACCEPTED[request.fmt][media]
    if isinstance(kind, ox.RdfFormat):
        triples = list(ox.parse(body, format=kind))
        if b"CONSTRUCT" in (request.body or b""):
            # CONSTRUCT { <s> <p> 1 } WHERE {}: relative IRIs resolve against the base IRI.
            assert [(t.predicate.value.rsplit("/", 1)[1], t.object) for t in triples] == [
                ("p", ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
            ]
        return
    assert isinstance(kind, str)
    results = PARSERS[kind](body)
    if request.fmt == "boolean":
        assert results.boolean is not None, body
        if request.boolean is not None:
            assert results.boolean is request.boolean, body
    else:
        assert results.boolean is None and results.variables == ["value"]
        assert [dict(row) for row in results.rows] == [{"value": ("number", 1.0)}]


def engine_alone(test: ProtocolTest, request: Request) -> object:
    """The engine's answer, the test's graphs loaded as named graphs and the protocol's dataset given."""
    store = ox.Store()
    for name, file in test.graphs:
        store.load(path=str(file), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
    params = parse_qs(urlsplit(request.path).query)
    text = params["query"][0] if "query" in params else (request.body or b"").decode()
    default, named = params.get("default-graph-uri"), params.get("named-graph-uri")
    options: dict = {}
    if default or named:
        options = {
            "default_graph": [ox.NamedNode(i) for i in default or []],
            "named_graphs": [ox.NamedNode(i) for i in named or []],
        }
    return bool(store.query(text, **options))


@pytest.mark.skipif(not FOLDER.exists(), reason="the W3C suite is not beside the checkout (../shared/w3c-sparql11)")
@pytest.mark.parametrize("test", PARAMS)
def test_w3c_protocol(server, test):
    for request in test.requests:
        if test.graphs:
            assert engine_alone(test, request) is request.boolean
        status, content_type, body = send(server, request)
        check(request, status, content_type, body)


def test_the_query_side_is_found():
    assert not FOLDER.exists() or (len(TESTS), sum(bool(t.graphs) for t in TESTS)) == (20, 6)
