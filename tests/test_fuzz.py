"""Property-based fuzzing: random bytes, Turtle, SPARQL, names and tables never escape as anything but a GbakgError.

Each test feeds generated inputs (raw bytes, fragments of valid and broken Turtle and SPARQL, entity
names, CSV facts tables) to one entry point — loading, resolving, querying, ``gbakg query`` and
``gbakg add``'s table checker — and asserts that it either succeeds or raises one of the project's own
errors (for the CLI: exit 0, 1 or 2 and no traceback). Bounded: a fixed number of examples each, no
deadline, so the whole file runs in well under a minute.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from conftest import PREFIXES, TINY_GRAPH, TINY_SOURCE
from gbakg.errors import GbakgError
from gbakg.rdf.load import parse_files
from gbakg.rdf.resolve import resolve
from gbakg.rdf.tables import FACT_COLUMNS, SOURCE_COLUMNS, build_facts
from gbakg.sparql import engine
from gbakg.sparql.query import PREFIXES as SPARQL_PREFIXES
from gbakg.sparql.query import render

# The autouse cache fixture is function-scoped but only sets an environment variable; it holds for every example.
FUZZ = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples on every run: a CI failure reproduces locally
)

# -- strategies ----------------------------------------------------------------------------------

_WEIRD = st.sampled_from(
    [
        "",
        " ",
        "\n",
        "\t",
        "\x00",
        "\ufeff",
        "\u00a0",
        "\u202e",
        "\ud800",
        "é",
        "香港",
        "☕",
        "𝔸",
        "\\",
        "\\u",
        "\\U0010FFFF",
    ]
)
_TEXT = st.one_of(st.text(max_size=30), _WEIRD)

_TURTLE_TOKENS = st.one_of(
    st.sampled_from(
        [
            "@prefix",
            "@base",
            "PREFIX",
            "BASE",
            "gba:",
            "gbr:",
            "ex:",
            "x:",
            ":",
            "<",
            ">",
            "<>",
            "<#a>",
            "<http://example.org/a>",
            "<urn:x>",
            "<http://ex ample/>",
            "<\\u0020>",
            "gbr:alpha-city",
            "gbr:beta-lab",
            "gba:City",
            "gba:locatedIn",
            "rdfs:label",
            "skos:altLabel",
            "a",
            ".",
            ";",
            ",",
            "[",
            "]",
            "(",
            ")",
            "{",
            "}",
            "_:b",
            "_:",
            '"',
            '"""',
            "'",
            "'''",
            '"x"',
            '"x"@en',
            '"x"@',
            '"1"^^xsd:integer',
            '"2024-13-45"^^xsd:date',
            "^^",
            "^^xsd:date",
            "@en",
            "1",
            "-1.5e3",
            "true",
            "<<",
            ">>",
            "#",
            "\n",
            " ",
            "\\",
        ]
    ),
    _TEXT,
)
_TURTLE = st.one_of(
    st.lists(_TURTLE_TOKENS, max_size=25).map(" ".join),
    st.lists(_TURTLE_TOKENS, max_size=25).map("".join),
    st.lists(_TURTLE_TOKENS, max_size=15).map(lambda t: PREFIXES + TINY_SOURCE + " ".join(t)),
    st.text(max_size=200),
)

_SPARQL_TOKENS = st.one_of(
    st.sampled_from(
        [
            "SELECT",
            "SELECT *",
            "SELECT DISTINCT",
            "ASK",
            "CONSTRUCT",
            "CONSTRUCT WHERE",
            "DESCRIBE",
            "WHERE",
            "{",
            "}",
            "(",
            ")",
            "?s",
            "?p",
            "?o",
            "?x",
            "$y",
            "*",
            ".",
            ";",
            ",",
            "a",
            "gbr:alpha-city",
            "gba:City",
            "rdfs:label",
            "<s>",
            "<http://example.org/x>",
            "<urn:x>",
            "<>",
            "<http://ex ample>",
            "nope:x",
            "PREFIX ex: <http://example.org/>",
            "BASE <http://example.org/>",
            "FILTER",
            "BIND",
            "AS",
            "VALUES",
            "UNDEF",
            "OPTIONAL",
            "UNION",
            "MINUS",
            "GRAPH",
            "FROM",
            "FROM NAMED",
            "GROUP BY",
            "HAVING",
            "ORDER BY",
            "DESC",
            "LIMIT",
            "OFFSET",
            "COUNT(*)",
            "(COUNT(*) AS ?n)",
            "SAMPLE",
            "GROUP_CONCAT",
            "SEPARATOR",
            'regex(?o, "[")',
            "STRLEN",
            "SUBSTR",
            'xsd:integer("x")',
            'xsd:date("2024-99-99")',
            "1/0",
            'IRI("")',
            "BNODE()",
            "NOW()",
            "RAND()",
            "lang(?o)",
            '"x"',
            '"x"@en',
            "'''",
            "1",
            "-2.5e10",
            "99999999999999999999999999",
            "true",
            "+",
            "/",
            "|",
            "^",
            "!",
            "?",
            "=",
            "!=",
            "<=",
            "&&",
            "||",
            "NOT EXISTS",
            "EXISTS",
            "SERVICE",
            "INSERT DATA",
            "DELETE WHERE",
            "LOAD",
            "CLEAR ALL",
            "#",
            "\n",
            "<<",
            ">>",
            "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3",
            "SELECT ?x WHERE { BIND(?undefined AS ?x) }",
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
            "ASK { ?s a gba:City }",
            "DESCRIBE gbr:alpha-city",
            "SELECT (GROUP_CONCAT(?o) AS ?g) WHERE { ?s rdfs:label ?o }",
            "SELECT ?b WHERE { [] ?p ?b } ",
        ]
    ),
    _TEXT,
)
_VAR = st.sampled_from(["?s", "?p", "?o", "?x", "?n", "$y"])
_TERM = st.one_of(
    _VAR,
    st.sampled_from(
        [
            "gbr:alpha-city",
            "gbr:beta-lab",
            "gba:City",
            "rdfs:label",
            "skos:altLabel",
            "a",
            "<s>",
            "<#s>",
            "<http://example.org/x>",
            "_:b",
            "[]",
            '"x"',
            '"x"@en',
            '"2024"^^xsd:gYear',
            '"x"^^xsd:integer',
            "1",
            "-2.5e10",
            "99999999999999999999999999",
            "true",
            "()",
            "(1 2)",
            "<< ?s ?p ?o >>",
        ]
    ),
    _TEXT.map(lambda t: '"' + t.replace("\\", "").replace('"', "") + '"'),
)
_EXPR = st.one_of(
    _TERM,
    st.sampled_from(
        [
            "1/0",
            "STR(?s)",
            "STRLEN(?o)",
            "LANG(?o)",
            "DATATYPE(?o)",
            "IRI(?o)",
            'IRI("")',
            "BNODE()",
            "NOW()",
            "RAND()",
            "UUID()",
            "isIRI(?s)",
            "BOUND(?x)",
            'COALESCE(?x, "d")',
            "IF(?o, 1, 2)",
            "SUBSTR(?o, 0, -1)",
            'SUBSTR("abc", 99999999999)',
            'REPLACE(?o, "(", "")',
            'REGEX(?o, "[")',
            'REGEX(?o, "a", "z")',
            'xsd:integer("x")',
            'xsd:date("2024-99-99")',
            "xsd:dateTime(?o)",
            'STRDT("1", xsd:decimal)',
            'STRLANG("x", "")',
            "?o + 1",
            "?o * ?o",
            "-?o",
            "!?o",
            "?o = ?s",
            "?o < 1",
            "LCASE(?o)",
            "ENCODE_FOR_URI(?o)",
            "CONCAT(?o, 1)",
            "MD5(?o)",
            "ABS(?o)",
            "ROUND(?o)",
            "YEAR(?o)",
            "TZ(?o)",
            "EXISTS { ?s ?p ?o }",
            "NOT EXISTS { ?o ?p ?s }",
            "?o IN (1, ?s)",
        ]
    ),
)


@st.composite
def _pattern(draw: st.DrawFn, depth: int = 0) -> str:
    """One graph pattern: a triple, a filter, a bind, values, or (not too deep) a group of them."""
    kinds = ["triple", "filter", "bind", "values", "path"] + (
        ["optional", "union", "minus", "sub"] if depth < 2 else []
    )
    kind = draw(st.sampled_from(kinds))
    if kind == "triple":
        return f"{draw(_TERM)} {draw(_TERM)} {draw(_TERM)} ."
    if kind == "path":
        path = draw(st.sampled_from(["rdfs:label|skos:altLabel", "^gba:locatedIn", "gba:locatedIn*", "(a/a)+", "!a"]))
        return f"{draw(_TERM)} {path} {draw(_TERM)} ."
    if kind == "filter":
        return f"FILTER({draw(_EXPR)})"
    if kind == "bind":
        return f"BIND({draw(_EXPR)} AS {draw(_VAR)})"
    if kind == "values":
        return f"VALUES {draw(_VAR)} {{ {' '.join(draw(st.lists(_TERM, max_size=3)))} UNDEF }}"
    inner = " ".join(draw(st.lists(_pattern(depth + 1), max_size=3)))
    if kind == "optional":
        return f"OPTIONAL {{ {inner} }}"
    if kind == "union":
        return f"{{ {inner} }} UNION {{ {draw(_pattern(depth + 1))} }}"
    if kind == "minus":
        return f"MINUS {{ {inner} }}"
    return f"{{ SELECT * WHERE {{ {inner} }} LIMIT 2 }}"


@st.composite
def _query(draw: st.DrawFn) -> str:
    """A query built from the grammar's parts (mostly valid, often nonsensical), sometimes with a token broken."""
    where = " ".join(draw(st.lists(_pattern(), max_size=4)))
    form = draw(
        st.sampled_from(
            [
                "SELECT *",
                "SELECT DISTINCT ?s ?o",
                "SELECT ?x ?n",
                "SELECT (COUNT(*) AS ?c)",
                'SELECT (GROUP_CONCAT(?o; SEPARATOR="|") AS ?g) (SAMPLE(?s) AS ?t)',
                "SELECT (AVG(?o) AS ?a)",
                "ASK",
                "CONSTRUCT { ?s ?p ?o . ?x a _:b }",
                "CONSTRUCT",
                "DESCRIBE ?s",
                "DESCRIBE gbr:alpha-city",
            ]
        )
    )
    if form == "SELECT (EXPR)":
        form = f"SELECT ({draw(_EXPR)} AS ?e)"
    tail = draw(st.sampled_from(["", "LIMIT 5", "ORDER BY ?o", "GROUP BY ?s", "OFFSET 1 LIMIT 0", "HAVING(1)"]))
    text = f"{draw(st.sampled_from(['', 'BASE <http://example.org/>', 'PREFIX ex: <urn:ex:>']))} {form} "
    text += f"{draw(st.sampled_from(['', 'FROM <urn:g>', 'FROM NAMED <urn:g>']))} WHERE {{ {where} }} {tail}"
    if form.startswith("SELECT ?x"):
        text = text.replace("SELECT ?x ?n", f"SELECT ?x ({draw(_EXPR)} AS ?n)", 1)
    if draw(st.booleans()) and draw(st.booleans()):  # now and then, break it
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(_SPARQL_TOKENS) + text[at + draw(st.integers(0, 3)) :]
    return text


_OPENINGS = {"FILTER EXISTS { ": "}", "{ ": "}", "OPTIONAL { ": "}", "FILTER((": "))", "<< ?a ?b ": "1 >>"}
_NESTED = st.builds(  # nesting around the limit (engine.MAX_NESTING) and far past it, where Oxigraph would crash
    lambda opening, levels: f"ASK {{ {opening * levels}{_OPENINGS[opening] * levels} }}",
    st.sampled_from(sorted(_OPENINGS)),
    st.integers(0, 2000),
)
_SPARQL = st.one_of(
    _NESTED,
    _query(),
    _query(),
    _query(),
    st.lists(_SPARQL_TOKENS, max_size=20).map(" ".join),
    st.text(max_size=120),
)

_NAMES = st.one_of(
    st.sampled_from(
        [
            "Alpha City",
            "alpha city",
            "ALPHA-CITY",
            "alpha-city",
            "gbr:alpha-city",
            "gbr:",
            "gbr:nope",
            "<https://w3id.org/gbakg/id/alpha-city>",
            "<>",
            "<",
            ">",
            "BL",
            "Beta",
            "beta lab",
            "nope:x",
            "http://",
            "https://w3id.org/gbakg/id/",
            "<http://ex ample/>",
            '"Alpha City"@en',
            "a",
        ]
    ),
    _TEXT,
)

_CELL = st.one_of(
    st.sampled_from(
        [
            "Alpha City",
            "Gamma Institute",
            "gbr:alpha-city",
            "gbr:nope",
            "a",
            "gba:ResearchInstitute",
            "gba:locatedIn",
            "gba:collaboratesWith",
            "gba:nope",
            "rdfs:label",
            "skos:altLabel",
            "schema:value",
            "gba:signedOn",
            "gba:Agreement",
            "gba:Milestone",
            "tiny",
            "gbs:tiny",
            "news-1",
            "2024",
            "2024-05",
            "2024-02-30",
            "20244",
            "-1",
            "3.5",
            "en",
            "zh-Hant",
            "xx-",
            "https://example.org/a",
            "http://",
            "Alpha University is in Alpha City",
            "x" * 250,
            "<urn:x>",
            "<",
            '"',
        ]
    ),
    _TEXT,
)


def _csv(header: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([row.get(column, "") for column in header] for row in rows)
    return out.getvalue()


def _table(columns: tuple[str, ...], row: st.SearchStrategy[dict[str, str]]) -> st.SearchStrategy[str]:
    """A CSV: mostly the right header and rows of plausible, fuzzed cells; sometimes a wrong header or junk."""
    good = st.builds(_csv, st.just(list(columns)), st.lists(row, min_size=1, max_size=4))
    header = st.one_of(
        st.permutations(columns).map(list),
        st.lists(st.sampled_from([*columns, "extra", "", "subject "]), min_size=1, max_size=9),
    )
    return st.one_of(
        *[good] * 8,  # mostly tables that get past the header, so the row checks run
        st.builds(_csv, header, st.lists(row, max_size=4)),
        good.map(lambda t: t + "a,b,c,d,e,f,g,h,i\n"),
        st.text(max_size=120),
    )


def _cells(**columns: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, str]]:
    """A row: each cell mostly a plausible value for its column, sometimes any cell at all."""
    return st.fixed_dictionaries({name: st.one_of(cells, cells, cells, _CELL) for name, cells in columns.items()})


_FACT_ROW = _cells(
    subject=st.sampled_from(["Alpha City", "Gamma Institute", "gbr:alpha-city", "gbr:gamma", "Gamma opened (2024)"]),
    predicate=st.sampled_from(
        [
            "a",
            "gba:locatedIn",
            "gba:collaboratesWith",
            "rdfs:label",
            "skos:altLabel",
            "gba:signedOn",
            "schema:value",
            "gba:party",
            "gba:hasStrength",
            "gba:nope",
            "rdf:type",
            "<urn:p>",
        ]
    ),
    object=st.sampled_from(
        [
            "gba:ResearchInstitute",
            "gba:Agreement",
            "gba:Milestone",
            "gba:Figure",
            "Alpha University",
            "Beta City",
            "42",
            "1.5e3",
            "伽馬研究所",
            "gbr:beta-lab",
            "gba:City",
        ]
    ),
    lang=st.sampled_from(["", "en", "zh-Hant", "x"]),
    source=st.sampled_from(["news-1", "gbs:news-1", "tiny", "gbs:tiny"]),
    quote=st.sampled_from(["Gamma opened", "Alpha University is in Alpha City", "Beta Lab is in Beta City"]),
    date=st.sampled_from(["", "2024", "2024-05-02", "2024-02-30", "yesterday"]),
    id=st.sampled_from(["", "gamma-1", "Gamma 1"]),
)
_SOURCE_ROW = _cells(
    id=st.just("news-1"),
    title=st.just("Gamma opens"),
    publisher=st.just("Example News"),
    date=st.sampled_from(["2024-05-02", "2024"]),
    url=st.sampled_from(["https://example.org/gamma", "https://example.org/a b"]),
    language=st.sampled_from(["en", "zh-Hant", ""]),
)
_GOOD_SOURCES = st.just(
    _csv(list(SOURCE_COLUMNS), [{"id": "news-1", "title": "T", "date": "2024", "url": "https://example.org/1"}])
)


# -- helpers -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="gbakg-fuzz-") as name:
        yield Path(name)


@pytest.fixture(scope="module")
def tiny(folder: Path) -> Path:
    path = folder / "tiny.ttl"
    path.write_text(PREFIXES + TINY_SOURCE + TINY_GRAPH, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny_graph(tiny: Path) -> Graph:
    return parse_files([tiny])


@pytest.fixture(scope="module")
def tiny_store(tiny: Path) -> Any:
    return engine.open_store([tiny], cache=False)


def write(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    if isinstance(data, str):
        path.write_bytes(data.encode("utf-8", "surrogatepass"))
    else:
        path.write_bytes(data)
    return path


def only_our_errors(call: Callable[[], Any]) -> Any:
    """Run ``call``: a result or a GbakgError is fine; anything else fails the test (hypothesis shrinks it)."""
    try:
        return call()
    except GbakgError:
        return None


# -- loading -------------------------------------------------------------------------------------


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), _TURTLE))
def test_loading_raises_only_our_errors(folder: Path, data: str | bytes) -> None:
    """rdflib (``parse_files``) and Oxigraph (``open_store``) read any file or refuse it with a ParseError."""
    path = write(folder, "fuzz.ttl", data)
    only_our_errors(lambda: parse_files([path]))
    only_our_errors(lambda: len(engine.open_store([path], cache=False)))


# -- resolving -----------------------------------------------------------------------------------


@FUZZ
@given(name=_NAMES)
def test_resolving_raises_only_our_errors(tiny_graph: Graph, tiny_store: Any, name: str) -> None:
    """Both resolvers answer any name with an entity or an UnknownEntityError."""
    only_our_errors(lambda: resolve(tiny_graph, name))
    only_our_errors(lambda: engine.resolve(tiny_store, name))


# -- querying ------------------------------------------------------------------------------------

_RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl", "nt")


@FUZZ
@given(text=_SPARQL, fmt=st.sampled_from(_RESULT_FORMATS))
def test_querying_raises_only_our_errors(tiny_store: Any, text: str, fmt: str) -> None:
    """The engine runs any text (and its result renders) or raises a GbakgError."""

    def run() -> None:
        result = engine.query(tiny_store, text, prefixes=SPARQL_PREFIXES)
        for chunk in render(result, fmt):
            assert isinstance(chunk, str | bytes)

    only_our_errors(run)


@FUZZ
@given(
    text=_SPARQL,
    fmt=st.sampled_from(_RESULT_FORMATS),
    bind=st.one_of(st.none(), st.tuples(st.sampled_from(["s", "o", "x", "?s", "", "1"]), _NAMES)),
    data=st.one_of(st.none(), st.none(), st.none(), _TURTLE, st.binary(max_size=200)),
)
def test_the_query_command_exits_cleanly(
    folder: Path, tiny: Path, text: str, fmt: str, bind: tuple[str, str] | None, data: str | bytes | None
) -> None:
    """`gbakg query --graph FILE` (the tiny graph, or fuzzed data) exits 0, 1 or 2 with a message, never a traceback."""
    from click.testing import CliRunner

    from gbakg.cli import cli

    graph = tiny if data is None else write(folder, "data.ttl", data)
    args = ["query", "--graph", str(graph), "--format", fmt]
    if bind is not None:
        args += ["--bind", f"{bind[0]}={bind[1]}"]
    result = CliRunner().invoke(cli, [*args, "--", text])
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


# -- gbakg add -----------------------------------------------------------------------------------


@FUZZ
@given(
    facts=_table(FACT_COLUMNS, _FACT_ROW),
    sources=st.one_of(st.none(), _GOOD_SOURCES, _table(SOURCE_COLUMNS, _SOURCE_ROW)),
)
def test_facts_tables_raise_only_our_errors(folder: Path, tiny_graph: Graph, facts: str, sources: str | None) -> None:
    """``build_facts`` turns any pair of tables into triples or a TableError naming the row."""
    facts_path = write(folder, "facts.csv", facts)
    sources_path = None if sources is None else write(folder, "sources.csv", sources)
    only_our_errors(lambda: build_facts(tiny_graph, facts_path, sources_path))
