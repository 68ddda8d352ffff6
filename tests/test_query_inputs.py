"""`gbakg query` (and serve/push) against standard SPARQL and bad input (issue 15, items 2-4, 7-9, 11).

Each test drives the command end to end: the files it reads, the base IRI, bindings in every query
form, column order, updates, parser messages, undecodable bytes, Ctrl-C, and huge results.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest

from gbakg import paths
from gbakg.sparql import query as sparql

GBR = "https://w3id.org/gbakg/id/"
EX = "http://example.org/"
ONE = '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# Four plain triples, no gbakg vocabulary at all: what a W3C test's data looks like.
PLAIN = f"""@prefix : <{EX}> .
:a :p 1 ; :q "x" .
:b :p 2 .
:c :r :a .
"""


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    path = tmp_path / "plain.ttl"
    path.write_text(PLAIN, encoding="utf-8")
    return path


def _count(run, *args: str) -> int:
    result = run("query", COUNT, "--format", "csv", *args)
    assert result.exit_code == 0, result.output
    return int(result.stdout.splitlines()[1])


def _ontology_triples() -> int:
    store = ox.Store()
    for f in paths.ontology_files():
        store.load(path=str(f), format=ox.RdfFormat.TURTLE, base_iri=Path(f).resolve().as_uri())
    return len(store)


# -- item 2: --graph means exactly the files given -------------------------------------------------


@pytest.mark.parametrize("as_of", [[], ["--as-of", "2020"]])
def test_graph_means_exactly_the_files_given(run, plain, as_of):
    assert _count(run, "--graph", str(plain), *as_of) == 4


def test_with_curated_adds_the_curated_graph_and_its_ontology(run, plain):
    alone = _count(run)  # the curated default: graph and ontology
    assert _count(run, "--graph", str(plain), "--with-curated") == alone + 4
    assert alone > _ontology_triples() > 0


def test_a_folder_given_is_its_files_only(run, plain):
    assert _count(run, "--graph", str(plain.parent)) == 4


def test_named_queries_still_read_the_ontology(run, write_ttl):
    """A named query is written against the class tree (here gba:City ⊑ gba:Place), so it reads it."""
    city = write_ttl('gbr:x-city a gba:City ; rdfs:label "X City"@en .\n', "city.ttl", source=False)
    result = run("query", "no-strength-at", "--bind", "stage=gbr:stage-research", "--graph", str(city))
    assert result.exit_code == 0, result.output
    assert "gbr:x-city (X City)" in result.stdout


@pytest.mark.parametrize(("args", "triples"), [([], None), (["--with-curated"], "curated")])
def test_serve_loads_exactly_the_files_given(run, plain, monkeypatch, args, triples):
    from gbakg.sparql import endpoint

    seen: list[list[Path]] = []

    def fake(files, *_a, **_k):  # type: ignore[no-untyped-def]
        seen.append([Path(f) for f in files])
        return SimpleNamespace(pool=SimpleNamespace(triples=0), url="http://127.0.0.1:1/sparql")

    monkeypatch.setattr(endpoint, "make_endpoint", fake)
    monkeypatch.setattr(endpoint, "serve", lambda _e: None)
    assert run("serve", "--graph", str(plain), *args).exit_code == 0
    ontology = {Path(f) for f in paths.ontology_files()}
    if triples is None:
        assert seen == [[plain]]
    else:
        assert plain in seen[0] and ontology <= set(seen[0])


# -- item 3: a base IRI --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "triple"),
    [
        ("CONSTRUCT { <s> <p> 1 } WHERE {}", f"<{GBR}s> <{GBR}p> {ONE} ."),
        ("BASE <http://example.org/> CONSTRUCT { <s> <p> 1 } WHERE {}", f"<{EX}s> <{EX}p> {ONE} ."),
        ("CONSTRUCT { <#s> <../p> 1 } WHERE {}", f"<{GBR}#s> <https://w3id.org/gbakg/p> {ONE} ."),
    ],
)
def test_relative_iris_resolve_against_the_base(run, plain, text, triple):
    result = run("query", "--graph", str(plain), text, "--format", "nt")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [triple]


def test_the_endpoint_resolves_relative_iris_too(plain):
    from gbakg.sparql import engine
    from gbakg.sparql.workers import answer

    status, _, body = answer(
        engine.open_store([plain]), "CONSTRUCT { <s> <p> 1 } WHERE {}", "application/n-triples", None, (None, None), 10
    )
    assert (status, body.decode().strip()) == (200, f"<{GBR}s> <{GBR}p> {ONE} .")


# -- item 4: bindings, SELECT *, updates, parser messages ------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "CONSTRUCT WHERE { ?s :p ?o }",
        "CONSTRUCT WHERE {\n  ?s :p ?o . # a comment with { and }\n}",
        "CONSTRUCT { ?s :p ?o } WHERE { ?s :p ?o }",
        "CONSTRUCT FROM <urn:x> WHERE { ?s :p ?o }",
    ],
)
def test_bind_works_with_every_construct_form(run, plain, text):
    prefixed = f"PREFIX : <{EX}>\n{text}".replace("FROM <urn:x> ", "")
    result = run("query", "--graph", str(plain), prefixed, "--bind", f"s=<{EX}a>", "--format", "nt")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"<{EX}a> <{EX}p> {ONE} ."]


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", ["s", "p", "o"]),
        ("SELECT DISTINCT * WHERE { ?z ?y ?x }", ["z", "y", "x"]),
        ("SELECT * WHERE { ?s <http://example.org/p> ?v OPTIONAL { ?s <http://example.org/q> ?a } }", ["s", "v", "a"]),
        ("SELECT * WHERE { { SELECT ?o ?s WHERE { ?s ?p ?o } } }", ["o", "s"]),
        ("SELECT ?o ?s WHERE { ?s ?p ?o }", ["o", "s"]),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_select_star_columns_in_the_order_of_the_query(run, plain, text, columns, fmt):
    result = run("query", "--graph", str(plain), text, "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        assert next(csv.reader(io.StringIO(result.stdout))) == columns
    elif fmt == "json":
        assert json.loads(result.stdout)["head"]["vars"] == columns
    else:
        assert result.stdout.splitlines()[0].split() == columns


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("INSERT DATA { <urn:a> <urn:b> 1 }", "INSERT"),
        ("PREFIX : <urn:> DELETE WHERE { ?s ?p ?o }", "DELETE"),
        ("LOAD <http://example.org/x.ttl>", "LOAD"),
        ("CLEAR ALL", "CLEAR"),
        ("DROP GRAPH <urn:g>", "DROP"),
    ],
)
def test_updates_are_not_supported(run, plain, text, form):
    result = run("query", "--graph", str(plain), text)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: SPARQL Update ({form}) is not supported: gbakg reads the graph, it never changes it\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "SELECT ?s WHERE { ?s foo:bar ?o }",
            "line 1, column 29: unknown prefix foo: (declare it with PREFIX, or use one of "
            + " ".join(f"{p}:" for p in sparql.PREFIXES)
            + ")",
        ),
        (
            "SELECT ?s WHERE {\n  ?s <a b> ?o }",
            "line 2, column 11: invalid IRI <a b> (IRIs cannot hold spaces, quotes or <>{}|^`\\)",
        ),
        (
            "SELEC ?x WHERE { ?x ?p ?o }",
            "line 1, column 10: expected SELECT, CONSTRUCT, ASK or DESCRIBE (after any PREFIX and BASE)",
        ),
        ('ASK { FILTER(?x = "a) }', "line 1, column 24: unterminated string (a closing quote is missing)"),
        ("SELECT ?s WHERE { ?s a gba:City", 'line 1, column 32: expected one of ",", ".", ";", "{", "{|", "}", "~"'),
    ],
)
def test_syntax_errors_read_clearly(run, text, message):
    result = run("query", text)
    assert result.exit_code == 2
    assert result.output == f"Error: query syntax error at {message}\n"
    assert "not found" not in result.output and "parsing failed" not in result.output and "\\u{" not in result.output


# -- item 7: bytes that are not UTF-8, ports out of range ----------------------------------------------


def _gbakg(*args: str, stdin: bytes | None = None, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    """The real command in a child process: argv and stdin as raw bytes, as a shell passes them."""
    env = {**os.environ, "GBAKG_CACHE": "off"}
    return subprocess.run(
        [sys.executable, "-m", "gbakg", *args], input=stdin, capture_output=True, env=env, timeout=timeout
    )


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["FILE"], None, "FILE: not UTF-8 text (invalid start byte at byte 7)"),
        (["-"], b"SELECT \xff ?x WHERE {}", "standard input: not UTF-8 text (invalid start byte at byte 7)"),
        (["partners-of", "--bind", b"org=\xff"], None, "--bind org: not UTF-8 text (byte 0xff at character 1)"),
        ([b"SELECT \xff ?x WHERE {}"], None, "the query: not UTF-8 text (byte 0xff at character 8)"),
    ],
)
def test_bytes_that_are_not_utf8_are_one_line_errors(tmp_path, args, stdin, message):
    bad = tmp_path / "bad.rq"
    bad.write_bytes(b"SELECT \xff ?x WHERE {}")
    argv = [os.fsdecode(a) if isinstance(a, bytes) else a.replace("FILE", str(bad)) for a in args]
    done = _gbakg("query", *argv, stdin=stdin)
    assert done.returncode == 2
    assert done.stderr.decode() == f"Error: {message.replace('FILE', str(bad))}\n"


@pytest.mark.parametrize("port", ["99999", "-1", "65536"])
def test_serve_refuses_a_port_out_of_range(run, port):
    result = run("serve", "--port", port)
    assert result.exit_code == 2
    assert f"Invalid value for '--port': {port} is not in the range 0<=x<=65535." in result.output
    assert "Traceback" not in result.output


# -- item 8: Ctrl-C --------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_stops_a_long_query_at_once(tmp_path):
    data = tmp_path / "many.ttl"
    data.write_text("".join(f"<urn:n{i}> <urn:p> {i} .\n" for i in range(400)), encoding="utf-8")
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }"  # 400**4 rows
    env = {**os.environ, "GBAKG_CACHE": "off"}
    child = subprocess.Popen(
        [sys.executable, "-m", "gbakg", "query", "--graph", str(data), slow],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    time.sleep(3)  # well inside the query (it runs for minutes)
    assert child.poll() is None
    sent = time.monotonic()
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert time.monotonic() - sent < 1.0
    assert (child.returncode, out, err.decode()) == (130, b"", "Interrupted.\n")


# -- item 9: the table holds at most TABLE_ROWS rows -------------------------------------------------


@pytest.fixture
def cartesian(tmp_path: Path) -> Path:
    path = tmp_path / "grid.ttl"
    path.write_text("".join(f"<urn:n{i}> <urn:p> {i} .\n" for i in range(40)), encoding="utf-8")
    return path


@pytest.mark.parametrize(("limit", "capped"), [("", True), ("LIMIT 1000", False), ("LIMIT 999", False)])
def test_the_table_shows_at_most_its_rows_and_says_so(run, cartesian, limit, capped):
    result = run("query", "--graph", str(cartesian), f"SELECT ?a ?c WHERE {{ ?a ?p ?b . ?c ?q ?d }} {limit}")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    shown = 1000 if capped or limit == "LIMIT 1000" else 999
    assert len(lines) == 2 + shown + 1  # header, rule, rows, footer
    footer = (
        "(the first 1000 rows; the result has more: use --format csv, tsv or json for all, or LIMIT)"
        if capped
        else f"({shown} rows)"
    )
    assert lines[-1] == footer


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_machine_formats_carry_every_row(run, cartesian, fmt):
    result = run("query", "--graph", str(cartesian), "SELECT ?a ?c WHERE { ?a ?p ?b . ?c ?q ?d }", "--format", fmt)
    assert result.exit_code == 0
    rows = (
        len(json.loads(result.stdout)["results"]["bindings"]) if fmt == "json" else len(result.stdout.splitlines()) - 1
    )
    assert rows == 1600


def test_a_graph_shown_as_a_table_is_capped_too(run, cartesian):
    text = "CONSTRUCT { ?a <urn:q> ?d } WHERE { ?a ?p ?b . ?c ?q ?d }"
    shown = run("query", "--graph", str(cartesian), text)
    assert shown.stdout.endswith("# the first 1000 triples; the result has more: use --format nt for all\n")
    assert len(run("query", "--graph", str(cartesian), text, "--format", "nt").stdout.splitlines()) == 1600


# -- item 11: a folder as QUERY; graph formats end with a newline -----------------------------------


@pytest.mark.parametrize("relative", [True, False])
def test_a_folder_is_not_a_query(run, tmp_path, monkeypatch, relative):
    (tmp_path / "adir").mkdir()
    monkeypatch.chdir(tmp_path)
    spec = "adir" if relative else str(tmp_path / "adir")
    result = run("query", spec)
    assert result.exit_code == 2
    assert result.output == f"Error: {spec}: is a folder; QUERY is SPARQL text, a .rq file, - or a named query\n"


@pytest.mark.parametrize("fmt", ["ttl", "nt", "json", "xml", "table"])
def test_graph_results_end_with_a_newline(run, plain, fmt):
    result = run("query", "--graph", str(plain), "CONSTRUCT WHERE { ?s ?p ?o }", "--format", fmt)
    assert result.exit_code == 0
    assert result.stdout_bytes.endswith(b"\n") and not result.stdout_bytes.endswith(b"\n\n")


def test_n_triples_stream_in_batches(run, tmp_path):
    """Past one batch of 10,000 triples, N-Triples output is still every triple, once, a line each."""
    data = tmp_path / "grid.ttl"
    data.write_text("".join(f"<urn:n{i}> <urn:p> {i} .\n" for i in range(120)), encoding="utf-8")
    text = "CONSTRUCT { ?a <urn:q> ?d } WHERE { ?a ?p ?b . ?c ?q ?d }"
    lines = run("query", "--graph", str(data), text, "--format", "nt").stdout.splitlines()
    assert len(lines) == len(set(lines)) == 120 * 120


def test_updates_are_refused_before_reaching_an_endpoint(run):
    """Nothing is sent: port 9 (discard) would give a connection error if it were."""
    result = run("query", "INSERT DATA { <urn:a> <urn:b> 1 }", "--endpoint", "http://127.0.0.1:9/sparql")
    assert result.exit_code == 2
    assert (
        result.output == "Error: SPARQL Update (INSERT) is not supported: gbakg reads the graph, it never changes it\n"
    )


# -- long flat queries: Oxigraph recurses per term, so they run on a big stack ---------------------

LONG_FLAT = "ASK { FILTER(" + "+".join(["1"] * 10_000) + " = 0) }"  # 20 KB: overflowed an 8 MB stack


def test_a_long_flat_query_is_answered_not_a_crash(plain, tmp_path):
    """A separate process: before the big stack, this query killed the interpreter (SIGSEGV)."""
    query = tmp_path / "long.rq"
    query.write_text(LONG_FLAT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(paths.__file__).resolve().parents[1])}
    done = subprocess.run(
        [sys.executable, "-m", "gbakg", "query", str(query), "--graph", str(plain), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert json.loads(done.stdout)["boolean"] is False
