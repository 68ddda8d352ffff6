"""`gbakg query` and the library under it: reading queries, bindings, the engine, every output format."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from gbakg.errors import InputError, ParseError, UnknownEntityError
from gbakg.sparql import engine
from gbakg.sparql import query as sparql

GBR = "https://w3id.org/gbakg/id/"
GBA = "https://w3id.org/gbakg/ontology#"

# Two cities with labels, one with an alias, a bnode-free graph with a typed literal and a language tag.
CITIES = """
gbr:alpha-city a gba:City ; rdfs:label "Alpha City"@en ; skos:altLabel "AC" ; gba:order 2 .
gbr:beta-city a gba:City ; rdfs:label "Beta City"@en ; rdfs:label "貝塔市"@zh-Hant .
gbr:gamma-zone a gba:InnovationZone ; rdfs:label "Gamma Zone"@en ; gba:partOf gbr:alpha-city .
gbr:delta-one a gba:Facility ; rdfs:label "Delta"@en .
gbr:delta-two a gba:Facility ; rdfs:label "Delta"@en .
"""
SELECT_CITIES = (
    "SELECT ?city ?label WHERE { ?city a gba:City ; rdfs:label ?label FILTER(LANG(?label) = 'en') } ORDER BY ?city"
)


@pytest.fixture
def cities(write_ttl):
    return write_ttl(CITIES, "cities.ttl")


# -- reading queries -----------------------------------------------------------------------------


def test_read_query_sources(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("ASK {}")
    assert sparql.read_query(str(path)) == ("ASK {}", None)
    assert sparql.read_query("-", stdin=lambda: "ASK { ?s ?p ?o }") == ("ASK { ?s ?p ?o }", None)
    assert sparql.read_query("SELECT * {}") == ("SELECT * {}", None)
    text, named = sparql.read_query("who-leads")
    assert named is not None and named.name == "who-leads" and text == named.text


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("partners", "unknown named query 'partners'; did you mean partners-of?"),
        ("zzz", "unknown named query 'zzz'; `gbakg query --list` shows them"),
        ("missing.rq", "missing.rq: cannot read query (No such file or directory)"),
    ],
)
def test_read_query_errors(spec, message):
    with pytest.raises(InputError) as e:
        sparql.read_query(spec)
    assert str(e.value) == message


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (["org"], "--bind 'org': expected NAME=VALUE, for example --bind org=IDEA"),
        (["=x"], "--bind '=x': expected NAME=VALUE, for example --bind org=IDEA"),
        (["a=1", "a=2"], "--bind a given twice"),
    ],
)
def test_bind_option_errors(pairs, message):
    with pytest.raises(InputError) as e:
        sparql.parse_bind_options(pairs)
    assert str(e.value) == message


def test_bind_option_values_keep_equals_signs():
    assert sparql.parse_bind_options(["?q=a=b", "n=1"]) == {"q": "a=b", "n": "1"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<http://example.org/x>", ox.NamedNode("http://example.org/x")),
        ("gba:City", ox.NamedNode(GBA + "City")),
        ('"talent recruitment"', ox.Literal("talent recruitment")),
        ('"Hong Kong"@en', ox.Literal("Hong Kong", language="en")),
        ("42", ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
        ('"2020"^^xsd:gYear', ox.Literal("2020", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))),
        ("true", ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))),
        ("Hong Kong", None),
        ("IDEA", None),
        ("[]", None),
    ],
)
def test_term_from_text(value, expected):
    assert sparql.term_from_text(value) == expected


def test_check_bindings():
    named = sparql.named_query("no-strength-at")
    with pytest.raises(InputError, match=r"^named query no-strength-at needs --bind stage=\.\.\.; usage: "):
        sparql.check_bindings(named.text, {"kind"}, named)
    with pytest.raises(InputError, match=r"^named query no-strength-at takes kind, stage; not 'place'$"):
        sparql.check_bindings(named.text, {"stage", "place"}, named)
    with pytest.raises(InputError, match=r"^--bind x: the query has no variable \?x$"):
        sparql.check_bindings("SELECT ?y WHERE { ?y ?p ?o }", {"x"}, None)
    sparql.check_bindings("SELECT $y WHERE { $y ?p ?o }", {"y"}, None)


# -- tokens: updates, SERVICE, VALUES injection ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "form", "service"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT", False),
        ("PREFIX insert: <http://x/> SELECT * { ?s insert:p ?o }", "SELECT", False),
        ("# INSERT DATA\nASK { ?s ?p 'SERVICE' }", "ASK", False),
        ("SELECT ?service { ?service <http://x/SERVICE> ?o }", "SELECT", False),
        ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SELECT", True),
        ("SELECT * { service silent <http://a/> { ?s ?p ?o } }", "SELECT", True),
        (r"SELECT * { \u0053ERVICE <http://a/> { ?s ?p ?o } }", "SELECT", True),
        ("SELECT * { FILTER(?a <?b) SERVICE <http://a/> {} }", "SELECT", True),
        ("INSERT DATA { <a:b> <a:c> <a:d> }", "INSERT", False),
        ("BASE <http://x/> PREFIX a: <http://a/> LOAD <http://127.0.0.1:9/>", "LOAD", False),
        ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH", False),
        ("CONSTRUCT { ?s a ?o } WHERE { ?s a ?o }", "CONSTRUCT", False),
    ],
)
def test_query_form_and_service(text, form, service):
    assert sparql.query_form(text) == form
    assert sparql.uses_service(text) is service
    assert sparql.is_update(text) is (form in {"INSERT", "LOAD", "WITH"})


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?label WHERE { ?city rdfs:label ?label }",
        "SELECT ?label { ?city rdfs:label ?label }",
        "PREFIX x: <http://x/> SELECT ?label WHERE { { SELECT ?city WHERE { ?city a gba:City } } "
        "?city rdfs:label ?label }",
        "CONSTRUCT { ?city rdfs:label ?label } WHERE { ?city rdfs:label ?label }",
        "ASK { ?city rdfs:label 'Beta City'@en }",
    ],
)
def test_with_values_binds_the_where_group(cities, text):
    """VALUES opens the top-level group: only Beta City's English label is left."""
    store = engine.open_store([cities])
    bound = sparql.with_values(text, {"city": ox.NamedNode(GBR + "beta-city")})
    result = engine.query(store, bound, prefixes=sparql.PREFIXES)
    if isinstance(result, ox.QueryBoolean):
        assert bool(result) is True
        return
    labels = (
        {str(t.object.value) for t in result}
        if isinstance(result, ox.QueryTriples)
        else {s["label"].value for s in result}
    )
    assert labels == {"Beta City", "貝塔市"}


def test_with_values_needs_a_group():
    with pytest.raises(InputError, match=r"^cannot bind variables: the query has no WHERE group$"):
        sparql.with_values("DESCRIBE <http://x/>", {"x": ox.Literal("1")})


def test_prefix_header_skips_declared_prefixes():
    header = sparql.prefix_header("PREFIX gba: <http://mine/> SELECT * {}")
    assert "PREFIX gbr: <https://w3id.org/gbakg/id/>" in header and "PREFIX gba:" not in header


# -- the engine ----------------------------------------------------------------------------------


def test_open_store_syntax_error_names_file_and_line(write_ttl):
    bad = write_ttl("gbr:a gbr:b gbr:c gbr:d .\n")
    with pytest.raises(ParseError, match=rf"^{bad}:\d+: invalid Turtle: "):
        engine.open_store([bad])


def test_open_store_is_lenient_about_iris_like_rdflib(write_ttl):
    path = write_ttl("gbr:a rdfs:seeAlso <not a valid iri> .\n")
    assert len(engine.open_store([path])) == len(Graph().parse(path))


def test_store_from_graph_and_back(cities):
    graph = Graph().parse(cities)
    store = engine.store_from_graph(graph)
    rows = list(engine.select(store, SELECT_CITIES, prefixes=sparql.PREFIXES, as_rdflib=True))
    assert rows == [
        {"city": URIRef(GBR + "alpha-city"), "label": Literal("Alpha City", lang="en")},
        {"city": URIRef(GBR + "beta-city"), "label": Literal("Beta City", lang="en")},
    ]
    back = engine.to_rdflib_graph(engine.query(store, "CONSTRUCT WHERE { ?s ?p ?o }"))
    assert set(back) == set(graph)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Alpha City", "alpha-city"),
        ("ac", "alpha-city"),
        ("GBR:beta-city", None),
        ("gbr:beta-city", "beta-city"),
        ("gamma-zone", "gamma-zone"),
        (f"<{GBR}gamma-zone>", "gamma-zone"),
        ("貝塔市", "beta-city"),
    ],
)
def test_resolve_in_store(cities, name, expected):
    store = engine.open_store([cities])
    if expected is None:
        with pytest.raises(UnknownEntityError):
            engine.resolve(store, name)
    else:
        assert engine.resolve(store, name) == ox.NamedNode(GBR + expected)


def test_resolve_errors_match_gbakg_resolve(cities):
    store = engine.open_store([cities])
    with pytest.raises(
        UnknownEntityError, match=r"^'Delta' is ambiguous: it names gbr:delta-one, gbr:delta-two; use one"
    ):
        engine.resolve(store, "Delta")
    with pytest.raises(UnknownEntityError, match=r"^unknown entity 'Alpha Cty'; did you mean 'Alpha City'\?$"):
        engine.resolve(store, "Alpha Cty")


def test_labels_prefer_english(cities):
    store = engine.open_store([cities])
    assert engine.labels(store, [GBR + "beta-city", GBR + "nowhere"]) == {GBR + "beta-city": "Beta City"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o", "query syntax error at line 1, column 27: expected one of"),
        ("SELECT ?s\nWHERE { ?s nope:p ?o }", "query syntax error at line 2, column"),
    ],
)
def test_syntax_error_position(cities, text, message):
    with pytest.raises(engine.QuerySyntaxError, match=f"^{message}"):
        engine.query(engine.open_store([cities]), text)


def test_syntax_error_position_ignores_bound_values(cities):
    """Bound values are inserted into the text; the column reported is still the user's."""
    store = engine.open_store([cities])
    text = "SELECT ?s WHERE { ?s a ?t . ?s ?p }"
    with pytest.raises(engine.QuerySyntaxError) as plain:
        engine.query(store, text)
    with pytest.raises(engine.QuerySyntaxError) as bound:
        engine.query(store, text, bindings={"t": ox.NamedNode(GBA + "City")})
    assert (bound.value.line, bound.value.column) == (plain.value.line, plain.value.column)
    assert plain.value.line == 1 and plain.value.column > len("SELECT ?s WHERE { ?s a ?t")


# -- the command ---------------------------------------------------------------------------------


def test_query_table_shows_labels_beside_iris(run, cities):
    result = run("query", SELECT_CITIES, "--graph", str(cities))
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "city                         label",
        "---------------------------  ----------",
        "gbr:alpha-city (Alpha City)  Alpha City",
        "gbr:beta-city (Beta City)    Beta City",
        "(2 rows)",
    ]


def test_query_csv_and_tsv(run, cities):
    raw = run("query", SELECT_CITIES, "--graph", str(cities), "--format", "csv").stdout_bytes
    assert raw.count(b"\r\n") == 3  # SPARQL 1.1 CSV ends lines with CRLF
    out = raw.decode()
    assert list(csv.reader(io.StringIO(out))) == [
        ["city", "label"],
        [GBR + "alpha-city", "Alpha City"],
        [GBR + "beta-city", "Beta City"],
    ]
    out = run("query", SELECT_CITIES, "--graph", str(cities), "--format", "tsv").output
    assert out.splitlines() == [
        "?city\t?label",
        f'<{GBR}alpha-city>\t"Alpha City"@en',
        f'<{GBR}beta-city>\t"Beta City"@en',
    ]


def test_query_json_is_sparql_results_json(run, cities):
    text = "SELECT ?city ?order ?none WHERE { ?city a gba:City OPTIONAL { ?city gba:order ?order } } ORDER BY ?city"
    out = json.loads(run("query", text, "--graph", str(cities), "--format", "json").output)
    integer = "http://www.w3.org/2001/XMLSchema#integer"
    assert out == {
        "head": {"vars": ["city", "order", "none"]},
        "results": {
            "bindings": [
                {
                    "city": {"type": "uri", "value": GBR + "alpha-city"},
                    "order": {"type": "literal", "value": "2", "datatype": integer},
                },
                {"city": {"type": "uri", "value": GBR + "beta-city"}},
            ]
        },
    }


def test_query_xml_parses_back(run, cities):
    out = run("query", SELECT_CITIES, "--graph", str(cities), "--format", "xml").output
    parsed = ox.parse_query_results(out.encode(), format=ox.QueryResultsFormat.XML)
    assert [(s["city"].value, s["label"].language) for s in parsed] == [
        (GBR + "alpha-city", "en"),
        (GBR + "beta-city", "en"),
    ]


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("table", "true\n"),
        ("json", '{"head": {}, "boolean": true}\n'),
        ("csv", "_askResult\r\ntrue\r\n"),
        ("tsv", "_askResult\ntrue\n"),
    ],
)
def test_query_ask(run, cities, fmt, expected):
    result = run("query", "ASK { gbr:alpha-city a gba:City }", "--graph", str(cities), "--format", fmt)
    assert result.exit_code == 0 and result.stdout_bytes.decode() == expected


@pytest.mark.parametrize(
    ("fmt", "parser"), [("ttl", "turtle"), ("nt", "nt"), ("xml", "xml"), ("json", "json-ld"), ("table", "turtle")]
)
def test_query_construct_formats(run, cities, fmt, parser):
    text = "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a gba:City ; rdfs:label ?l }"
    out = run("query", text, "--graph", str(cities), "--format", fmt).output
    graph = Graph().parse(data=out, format=parser)
    assert set(graph) == {
        (
            URIRef(GBR + "alpha-city"),
            URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal("Alpha City", lang="en"),
        ),
        (
            URIRef(GBR + "beta-city"),
            URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal("Beta City", lang="en"),
        ),
        (
            URIRef(GBR + "beta-city"),
            URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal("貝塔市", lang="zh-Hant"),
        ),
    }
    if fmt == "ttl":
        assert "@prefix gbr: <https://w3id.org/gbakg/id/> ." in out


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        (
            "SELECT * WHERE { ?s ?p ?o }",
            "ttl",
            "Error: --format ttl is for graphs; a SELECT result takes table, csv, tsv, json, xml",
        ),
        ("ASK { ?s ?p ?o }", "nt", "Error: --format nt is for graphs; an ASK result takes table, csv, tsv, json, xml"),
        (
            "DESCRIBE gbr:alpha-city",
            "csv",
            "Error: --format csv is for SELECT results; a graph takes table, ttl, nt, json, xml",
        ),
    ],
)
def test_query_format_must_suit_the_result(run, cities, text, fmt, message):
    result = run("query", text, "--graph", str(cities), "--format", fmt)
    assert result.exit_code == 2 and result.output.strip().splitlines()[-1] == message


def test_query_syntax_error_exits_2(run, cities):
    result = run("query", "SELECT ?s WHERE { ?s ?p ?o", "--graph", str(cities))
    assert result.exit_code == 2
    assert result.output.startswith('Error: query syntax error at line 1, column 27: expected one of ",", ".", ";"')
    assert "Traceback" not in result.output


def test_query_from_stdin_and_file(run, cities, tmp_path):
    path = tmp_path / "cities.rq"
    path.write_text(SELECT_CITIES)
    by_file = run("query", str(path), "--graph", str(cities), "--format", "csv").output
    by_stdin = run("query", "-", "--graph", str(cities), "--format", "csv", input=SELECT_CITIES).output
    assert by_file == by_stdin and by_file.count("\n") == 3


def test_query_bind_resolves_labels_and_literals(run, cities):
    text = "SELECT ?label WHERE { ?city rdfs:label ?label ; gba:order ?n }"
    result = run("query", text, "--graph", str(cities), "--bind", "city=ac", "--bind", "n=2", "--format", "csv")
    assert result.output.splitlines() == ["label", "Alpha City"]


def test_query_bind_unknown_entity(run, cities):
    result = run("query", "SELECT ?x WHERE { ?city a ?x }", "--graph", str(cities), "--bind", "city=Alpha Cty")
    assert result.exit_code == 2
    assert result.output == "Error: unknown entity 'Alpha Cty'; did you mean 'Alpha City'?\n"


def test_named_query_needs_its_binding(run):
    result = run("query", "partners-of")
    assert result.exit_code == 2
    assert result.output == (
        "Error: named query partners-of needs --bind org=...; usage: gbakg query partners-of --bind org=...\n"
    )


def test_named_query_on_a_small_graph(run, cities):
    result = run(
        "query", "no-strength-at", "--bind", "stage=gbr:stage-research", "--graph", str(cities), "--format", "csv"
    )
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "place,kind",
        f"{GBR}alpha-city,{GBA}City",
        f"{GBR}beta-city,{GBA}City",
        f"{GBR}gamma-zone,{GBA}InnovationZone",
    ]


def test_query_list(run):
    result = run("query", "--list", "--format", "json")
    listed = {row["name"]: row for row in json.loads(result.output)}
    assert set(listed) == set(sparql.named_queries())
    assert listed["evidence"]["bindings"] == "subject [predicate] [object]"
    assert listed["partners-of"]["description"].startswith("Partners of an organisation")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Error: give a QUERY (SPARQL text, a .rq file, - or a named query); --list shows the named ones"),
        (["--list", "who-leads"], "Error: --list takes no QUERY"),
        (
            ["ASK {}", "--endpoint", "http://127.0.0.1:9/sparql", "--graph", "x.ttl"],
            "Error: --endpoint asks a remote store; --graph, --with-curated and --as-of do not apply",
        ),
        (["ASK {}", "--with-curated"], "Error: --with-curated needs at least one --graph"),
    ],
)
def test_query_usage_errors(run, args, message):
    result = run("query", *args)
    assert result.exit_code == 2 and result.output.strip().splitlines()[-1] == message


def test_query_as_of(run, write_ttl):
    """--as-of loads the graph as it stood then: an agreement signed later is not there yet."""
    path = write_ttl(
        """
gbr:a-city a gba:City ; rdfs:label "A City"@en .
gbr:b-city a gba:City ; rdfs:label "B City"@en .
gbr:a-b a gba:Agreement ; gba:party gbr:a-city , gbr:b-city ; gba:signedOn "2021-03-05"^^xsd:date .
"""
    )
    ask = "ASK { gbr:a-b a gba:Agreement }"
    assert run("query", ask, "--graph", str(path)).output == "true\n"
    assert run("query", ask, "--graph", str(path), "--as-of", "2021-03-05").output == "true\n"
    assert run("query", ask, "--graph", str(path), "--as-of", "2020").output == "false\n"
    assert run("query", "ASK { gbr:a-city a gba:City }", "--graph", str(path), "--as-of", "2020").output == "true\n"
    result = run("query", ask, "--as-of", "2020", "--endpoint", "http://127.0.0.1:9/sparql")
    assert result.exit_code == 2


@pytest.mark.parametrize("fmt", ["xml", "json", "csv", "tsv", "table"])
def test_unbound_variables_in_every_format(run, write_ttl, fmt):
    """An OPTIONAL that binds nothing leaves the variable unbound; every writer copes (XML crashed)."""
    data = write_ttl('gbr:a rdfs:label "A"@en .\n', source=False)
    result = run(
        "query",
        "SELECT ?s ?x WHERE { ?s rdfs:label ?l OPTIONAL { ?s gba:none ?x } }",
        "--graph",
        str(data),
        "--format",
        fmt,
    )
    assert result.exit_code == 0, result.output
    if fmt == "xml":
        assert '<binding name="s"><uri>https://w3id.org/gbakg/id/a</uri></binding></result>' in result.output
        assert 'name="x"><' not in result.output.split("</head>")[1]


def test_csv_writes_blank_nodes_with_their_prefix(run, write_ttl):
    data = write_ttl('_:b1 rdfs:label "B" .\n', source=False)
    result = run("query", 'SELECT ?s WHERE { ?s rdfs:label "B" }', "--graph", str(data), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("_:")


def _nested(levels: int) -> str:
    return "ASK { " + "FILTER EXISTS { " * levels + "}" * levels + " }"


def test_deep_nesting_is_an_input_error_not_a_crash():
    """Found while fuzzing (tests/test_fuzz.py): about 1,000 nested groups overflowed Oxigraph's native
    stack and killed the process with a segmentation fault; past MAX_NESTING levels the query is refused."""
    store = ox.Store()
    assert bool(engine.query(store, _nested(engine.MAX_NESTING - 2))) is True
    with pytest.raises(InputError, match=r"^the query nests 1001 levels deep; at most 100 are supported$"):
        engine.query(store, _nested(1000))
    with pytest.raises(InputError, match="nests"):
        engine.query(store, "SELECT * { ?s ?p " + "<< ?a ?b " * 300 + "1" + " >>" * 300 + " }")


def test_the_query_command_refuses_deep_nesting(tiny_file):
    """The same in a separate process, which a regression would crash (exit -11) instead of the test session."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GBAKG_CACHE": "off"}
    command = [sys.executable, "-m", "gbakg", "query", "--graph", str(tiny_file), _nested(1000)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "Error: the query nests 1001 levels deep; at most 100 are supported\n"
