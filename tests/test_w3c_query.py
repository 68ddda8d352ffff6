"""The W3C SPARQL 1.1 query-evaluation tests through `gbakg query --graph DATA FILE.rq`.

`--graph` means exactly the files given (no ontology added), so every test that the engine alone
passes must pass through the command too (issue 15, item 2). Folders: aggregates, bind, negation,
property paths, subqueries and functions; tests with Turtle data and no named graphs. A test the
engine itself fails is skipped, with the reason.
"""

from __future__ import annotations

import math
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace
from rdflib.collection import Collection

from conftest import ROOT

SUITE = ROOT.parent / "shared" / "w3c-sparql11"
FOLDERS = ("aggregates", "bind", "negation", "property-path", "subquery", "functions")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
_NUMBERS = (
    "integer",
    "decimal",
    "double",
    "float",
    "int",
    "long",
    "short",
    "byte",
    "unsignedInt",
    "unsignedLong",
    "negativeInteger",
    "positiveInteger",
    "nonNegativeInteger",
    "nonPositiveInteger",
)
NUMERIC = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in _NUMBERS}


def _cases() -> list:
    cases = []
    for folder in FOLDERS:
        manifest = SUITE / folder / "manifest.ttl"
        if not manifest.exists():
            continue
        g = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
        entries = next(g.objects(None, MF.entries))
        for test in Collection(g, entries):
            if (test, None, MF.QueryEvaluationTest) not in g and not any(
                str(t).endswith("QueryEvaluationTest") for t in g.objects(test, None)
            ):
                continue
            action = g.value(test, MF.action)
            query, data, result = g.value(action, QT.query), g.value(action, QT.data), g.value(test, MF.result)
            if g.value(action, QT.graphData) is not None or data is None or query is None or result is None:
                continue
            paths = [Path(str(u).removeprefix("file://")) for u in (query, data, result)]
            if paths[1].suffix != ".ttl" or paths[2].suffix not in (".srx", ".srj"):
                continue
            cases.append(pytest.param(*paths, id=f"{folder}/{str(test).rsplit('#', 1)[-1]}"))
    return cases


def _key(term: object) -> object:
    if isinstance(term, ox.BlankNode):
        return "_:"
    if isinstance(term, ox.Literal) and term.datatype.value in NUMERIC:
        try:
            value = float(term.value)
            return ("number", value if math.isnan(value) else round(value, 9))
        except ValueError:
            return ("literal", term.value, term.datatype.value)
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.language or term.datatype.value)
    return ("iri", str(term))


def _answer(result: object) -> object:
    """A comparable form: a boolean, or the sorted rows (each the sorted bound (variable, term) pairs)."""
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return sorted((tuple(sorted((n, repr(_key(s[n]))) for n in names if s[n] is not None)) for s in result), key=repr)


def _expected(path: Path) -> object:
    fmt = ox.QueryResultsFormat.XML if path.suffix == ".srx" else ox.QueryResultsFormat.JSON
    return _answer(ox.parse_query_results(path=str(path), format=fmt))


@pytest.mark.skipif(not SUITE.exists(), reason="the W3C suite is not beside the checkout (../shared/w3c-sparql11)")
@pytest.mark.parametrize(("query", "data", "result"), _cases())
def test_w3c_query_evaluation_through_the_command(run, query, data, result):
    expected = _expected(result)
    alone = ox.Store()
    alone.load(path=str(data), format=ox.RdfFormat.TURTLE, base_iri=data.as_uri())
    try:
        engine = _answer(alone.query(query.read_text(encoding="utf-8"), base_iri=query.as_uri()))
    except (SyntaxError, OSError) as e:
        pytest.skip(f"the engine alone fails: {e}")
    if engine != expected:
        pytest.skip("the engine alone gives a different answer")
    output = run("query", "--graph", str(data), str(query), "--format", "json")
    assert output.exit_code == 0, output.output
    got = ox.parse_query_results(output.stdout_bytes, format=ox.QueryResultsFormat.JSON)
    assert _answer(got) == expected


def test_the_suite_is_found():
    """The parametrisation above is not silently empty."""
    assert not SUITE.exists() or len(_cases()) > 100
