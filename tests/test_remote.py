"""Existing triple stores: `gbakg push` and `gbakg query --endpoint` against a real Oxigraph server.

The server is the `oxigraph` binary of the PyPI package `oxigraph` (a test dependency), started on a
free loopback port with its own store folder and killed by its PID afterwards.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conftest import free_port, serving
from gbakg.cli import cli
from gbakg.errors import InputError
from gbakg.sparql import engine, remote
from gbakg.sparql import query as sparql
from test_named_queries import BROAD, CASES, run_oxigraph

GRAPH_IRI = "https://w3id.org/gbakg/graph/curated"


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """Base URL of a fresh `oxigraph serve` on loopback."""
    # the venv's own binary first: the tests may run without the venv on PATH
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if binary is None:
        pytest.fail("the `oxigraph` server binary is missing: pip install -e '.[test]' installs it")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph-store")
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def ready() -> None:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()

    def why_not() -> str:
        return f"oxigraph did not start: {process.stderr.read().decode() if process.poll() is not None else ''}"

    with serving(process, ready, 30, why_not):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def pushed(oxigraph):
    """The curated graph pushed into the server's default graph with `gbakg push`."""
    result = CliRunner().invoke(cli, ["push", "--endpoint", f"{oxigraph}/store"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def store():
    return engine.open_store(engine.source_files())


def count(base: str, graph: str | None = None) -> int:
    scope = f"GRAPH <{graph}> " if graph else ""
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ {scope}{{ ?s ?p ?o }} }}"
    result = remote.query(f"{base}/query", text)
    return int(next(iter(result))["n"].value)


def test_push_reports_what_it_sent(pushed, oxigraph, store):
    assert pushed == f"{len(store)} triples replaced the default graph at {oxigraph}/store (HTTP 204)\n"
    assert count(oxigraph) == len(store)


@pytest.mark.parametrize(("name", "raw", "expected"), CASES + BROAD)
def test_named_queries_on_oxigraph_server(pushed, oxigraph, store, name, raw, expected):
    """Every named query gives the same rows on the server (bound by VALUES, names resolved there)."""
    variables, local_rows = run_oxigraph(store, name, raw)
    named = sparql.named_query(name)
    terms = sparql.bind_terms(raw, lambda n: remote.resolve(f"{oxigraph}/query", n))
    result = remote.query(f"{oxigraph}/query", named.text, bindings=terms)
    assert [v.value for v in result.variables] == variables
    assert [tuple(s[v] for v in variables) for s in result] == local_rows


@pytest.mark.parametrize("fmt", ["csv", "table", "json"])
def test_query_command_with_endpoint_matches_local(pushed, oxigraph, fmt):
    args = ["query", "strengths", "--bind", "place=Hong Kong", "--format", fmt]
    local = CliRunner().invoke(cli, args)
    there = CliRunner().invoke(cli, [*args, "--endpoint", f"{oxigraph}/query"])
    assert there.exit_code == 0 and there.output == local.output


def test_construct_and_ask_through_endpoint(pushed, oxigraph, store):
    text = "CONSTRUCT { ?s gba:partOf ?o } WHERE { ?s gba:partOf ?o }"
    there = remote.query(f"{oxigraph}/query", text)
    assert set(there) == set(engine.query(store, text, prefixes=sparql.PREFIXES))
    assert bool(remote.query(f"{oxigraph}/query", "ASK { gbr:idea a gba:ResearchInstitute }")) is True


def test_push_to_a_named_graph_then_append(oxigraph, write_ttl, tiny_file):
    extra = write_ttl('gbr:extra rdfs:label "Extra"@en .\n', "extra.ttl", source=False)
    runner = CliRunner()
    first = runner.invoke(
        cli, ["push", "--endpoint", f"{oxigraph}/store", "--graph-iri", GRAPH_IRI, "--graph", str(tiny_file)]
    )
    assert first.exit_code == 0, first.output
    tiny = len(engine.open_store([tiny_file]))  # --graph sends exactly its files, no ontology
    assert first.output == f"{tiny} triples replaced graph <{GRAPH_IRI}> at {oxigraph}/store (HTTP 201)\n"
    assert count(oxigraph, GRAPH_IRI) == tiny
    again = runner.invoke(
        cli, ["push", "--endpoint", f"{oxigraph}/store", "--graph-iri", GRAPH_IRI, "--graph", str(tiny_file)]
    )
    assert again.exit_code == 0 and count(oxigraph, GRAPH_IRI) == tiny  # PUT replaces: no duplicates
    added = runner.invoke(
        cli, ["push", "--endpoint", f"{oxigraph}/store", "--graph-iri", GRAPH_IRI, "--graph", str(extra), "--append"]
    )
    assert added.exit_code == 0 and " added to graph " in added.output
    assert count(oxigraph, GRAPH_IRI) > tiny
    ask = f"ASK {{ GRAPH <{GRAPH_IRI}> {{ gbr:extra rdfs:label 'Extra'@en . gbr:beta-lab skos:altLabel 'BL' }} }}"
    assert bool(remote.query(f"{oxigraph}/query", ask)) is True


def test_graph_store_url():
    assert remote.graph_store_url("http://h/store", None) == "http://h/store?default"
    assert remote.graph_store_url("http://h/ds?x=1", "http://g/1") == "http://h/ds?x=1&graph=http%3A%2F%2Fg%2F1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["query", "ASK {}", "--endpoint", "http://127.0.0.1:{port}/query"],
            "Error: http://127.0.0.1:{port}/query: cannot reach the endpoint (",
        ),
        (
            ["push", "--endpoint", "http://127.0.0.1:{port}/store"],
            "Error: http://127.0.0.1:{port}/store?default: cannot reach the endpoint (",
        ),
        (
            ["push", "--endpoint", "ftp://example.org/store"],
            "Error: ftp://example.org/store?default: not an http(s) URL",
        ),
        (
            ["push", "--endpoint", "http://127.0.0.1:{port}/store", "--graph-iri", "not an iri"],
            "Error: --graph-iri 'not an iri': not an IRI",
        ),
    ],
)
def test_unreachable_or_wrong_endpoint(args, message):
    port = free_port()  # nothing listens there
    result = CliRunner().invoke(cli, [a.replace("{port}", str(port)) for a in args])
    assert result.exit_code == 2 and result.output.startswith(message.replace("{port}", str(port)))


def test_server_side_errors_are_one_line(pushed, oxigraph):
    result = CliRunner().invoke(cli, ["query", "SELECT ?s WHERE { ?s", "--endpoint", f"{oxigraph}/query"])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {oxigraph}/query: HTTP 400 Bad Request: ")
    assert result.output.count("\n") == 1


def test_unknown_entity_at_endpoint(pushed, oxigraph):
    with pytest.raises(InputError, match=r"^unknown entity 'Atlantis' at http://127\.0\.0\.1:\d+/query$"):
        remote.resolve(f"{oxigraph}/query", "Atlantis")


def test_endpoint_answer_formats_are_parsed(pushed, oxigraph):
    """Results in XML or TSV (what some stores send) read the same as JSON."""
    text = sparql.prefix_header("") + "\nSELECT ?l WHERE { gbr:idea skos:altLabel ?l }"
    answers = []
    for accept in ("application/sparql-results+json", "application/sparql-results+xml", "text/tab-separated-values"):
        request = urllib.request.Request(f"{oxigraph}/query?{urlencode({'query': text})}", headers={"Accept": accept})
        with urllib.request.urlopen(request) as response:
            media = response.headers["Content-Type"].split(";")[0]
            answers.append([s["l"] for s in ox.parse_query_results(response.read(), format=remote._RESULTS[media])])
    assert answers[0] == answers[1] == answers[2] and ox.Literal("IDEA", language="en") in answers[0]


def test_push_as_of(oxigraph, write_ttl):
    """`push --as-of` uploads the graph as it stood then."""
    path = write_ttl(
        """
gbr:a-city a gba:City ; rdfs:label "A City"@en .
gbr:b-city a gba:City ; rdfs:label "B City"@en .
gbr:a-b a gba:Agreement ; gba:party gbr:a-city , gbr:b-city ; gba:signedOn "2021-03-05"^^xsd:date .
"""
    )
    graph = "https://w3id.org/gbakg/graph/as-of-test"
    ask = f"ASK {{ GRAPH <{graph}> {{ gbr:a-b a gba:Agreement }} }}"
    for as_of, present in (("2020", False), ("2021", True)):
        args = ["push", "--endpoint", f"{oxigraph}/store", "--graph-iri", graph, "--graph", str(path), "--as-of", as_of]
        assert CliRunner().invoke(cli, args).exit_code == 0
        assert bool(remote.query(f"{oxigraph}/query", ask)) is present
        assert bool(remote.query(f"{oxigraph}/query", f"ASK {{ GRAPH <{graph}> {{ gbr:a-city a gba:City }} }}"))


def test_push_append_twice_adds_nothing(oxigraph):
    """Evidence has content IRIs, so appending the same graph again leaves the store as it was."""
    target = "https://w3id.org/gbakg/graph/appended"
    runner = CliRunner()
    args = ["push", "--endpoint", f"{oxigraph}/store", "--graph-iri", target, "--append"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    once = count(oxigraph, target)
    second = runner.invoke(cli, args)
    assert second.exit_code == 0, second.output
    assert count(oxigraph, target) == once > 0


def test_unknown_entity_at_endpoint_gets_did_you_mean(pushed, oxigraph):
    """The endpoint's names go through the same resolver as local data: a typo gets suggestions."""
    with pytest.raises(
        InputError, match=r"^unknown entity 'Shenzen' at http://127\.0\.0\.1:\d+/query; did you mean 'Shenzhen'"
    ):
        remote.resolve(f"{oxigraph}/query", "Shenzen")
