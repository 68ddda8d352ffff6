"""The benchmark suite: its generator, and the agreement of the slow and fast paths it times."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402
import report  # noqa: E402
import workers  # noqa: E402

pyoxigraph = pytest.importorskip("pyoxigraph")

PREFIXES = """\
PREFIX gba: <https://w3id.org/gbakg/ontology#>
PREFIX gbr: <https://w3id.org/gbakg/id/>
PREFIX gbs: <https://w3id.org/gbakg/source/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
"""
ORG_CLASSES = ("gba:University", "gba:ResearchInstitute", "gba:GovernmentBody", "gba:Company", "gba:Facility")
CITIES = [slug for slug, _label, _weight in generate.CITIES]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "synthetic.ttl"
    counts = generate.generate(path, 3000, seed=5)
    generate.write_meta(path, counts, 5)
    return path


@pytest.fixture(scope="module")
def graph(synthetic: Path):  # type: ignore[no-untyped-def]
    from gbakg.rdf.load import load

    return load([synthetic])


@pytest.fixture(scope="module")
def store(synthetic: Path):  # type: ignore[no-untyped-def]
    from gbakg.sparql import engine

    return engine.open_store(engine.source_files([synthetic]))


def _value(graph, query: str) -> int:  # type: ignore[no-untyped-def]
    return int(next(iter(graph.query(PREFIXES + query)))[0])


# -- the generator --------------------------------------------------------------------------------


def test_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    assert generate.main(["--triples", "2000", "--seed", "3", "--out", str(tmp_path / "a.ttl")]) == 0
    assert generate.main(["--triples", "2000", "--seed", "3", "--out", str(tmp_path / "b.ttl")]) == 0
    generate.generate(tmp_path / "c.ttl", 2000, seed=4)
    assert (tmp_path / "a.ttl").read_bytes() == (tmp_path / "b.ttl").read_bytes()
    assert (tmp_path / "a.ttl").read_bytes() != (tmp_path / "c.ttl").read_bytes()
    assert generate.read_meta(tmp_path / "a.ttl") == generate.read_meta(tmp_path / "b.ttl")


def test_the_count_it_reports_is_the_number_of_triples_written(synthetic: Path) -> None:
    data = pyoxigraph.Store()
    data.load(path=str(synthetic), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(data) == generate.read_meta(synthetic)["triples"]
    assert 2700 <= len(data) <= 3300  # sized from the target


def test_the_output_passes_validation(graph) -> None:  # type: ignore[no-untyped-def]
    """Shapes and the provenance rule hold; quotes cite a web source, so none can be checked."""
    from gbakg.rdf.validate import validate

    result = validate(graph)
    assert result.findings == []
    assert result.quotes_checked == 0
    assert result.quotes_unverifiable == _value(graph, "SELECT (COUNT(*) AS ?n) WHERE { ?x gba:quote ?q }")
    assert result.statements > 0 and result.qualified_nodes > 0


@pytest.mark.parametrize("cls", ORG_CLASSES)
def test_every_organisation_class_is_there(graph, cls: str) -> None:  # type: ignore[no-untyped-def]
    assert _value(graph, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?o a {cls} ; gba:locatedIn ?where }}") > 0


def test_the_eleven_cities_are_part_of_the_greater_bay_area(graph) -> None:  # type: ignore[no-untyped-def]
    rows = graph.query(PREFIXES + "SELECT ?c WHERE { ?c a gba:City ; gba:partOf gbr:greater-bay-area }")
    assert sorted(str(r[0]).rsplit("/", 1)[1] for r in rows) == sorted(CITIES)


def test_agreements_have_two_to_four_parties_and_a_typed_date(graph) -> None:  # type: ignore[no-untyped-def]
    rows = list(
        graph.query(
            PREFIXES
            + """SELECT ?a (COUNT(DISTINCT ?p) AS ?n) (SAMPLE(DATATYPE(?d)) AS ?t) WHERE {
                   ?a a gba:Agreement ; gba:party ?p ; gba:signedOn ?d } GROUP BY ?a"""
        )
    )
    assert rows
    assert {int(n) for _, n, _ in rows} <= {2, 3, 4}
    assert {str(t).rsplit("#", 1)[1] for _, _, t in rows} <= {"date", "gYear"}
    assert len(rows) == _value(graph, "SELECT (COUNT(*) AS ?n) WHERE { ?a a gba:Agreement }")


def test_posts_and_strengths_are_qualified_nodes_with_evidence(graph) -> None:  # type: ignore[no-untyped-def]
    posts = "SELECT (COUNT(*) AS ?n) WHERE { ?m a org:Membership ; org:member ?p ; org:organization ?o ; org:role ?r }"
    strengths = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a gba:Strength ; gba:holder ?h ; gba:stage ?st . ?h gba:hasStrength ?s }"
    )
    assert _value(graph, posts) > 0
    assert _value(graph, strengths) > 0
    uncited = """SELECT (COUNT(*) AS ?n) WHERE { ?x a ?c . VALUES ?c { org:Membership gba:Strength gba:Agreement }
                 FILTER NOT EXISTS { ?x prov:wasDerivedFrom gbs:synthetic-benchmark ; gba:quote ?q } }"""
    assert _value(graph, uncited) == 0


# -- the slow and fast paths agree ----------------------------------------------------------------


def _queries(synthetic: Path) -> list[dict]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import run

    return run.queries(generate.read_meta(synthetic))


QUERY_NAMES = [p.stem for p in sorted((ROOT / "src" / "gbakg" / "queries").glob("*.rq"))]
QUERY_NAMES += [p.stem for p in sorted((ROOT / "benchmarks" / "queries").glob("*.rq"))]


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_rdflib_and_our_engine_give_the_same_answers(synthetic: Path, graph, store, name: str) -> None:  # type: ignore[no-untyped-def]
    from rdflib import URIRef

    from gbakg.sparql import engine
    from gbakg.sparql.query import PREFIXES as NAMESPACES

    (q,) = [q for q in _queries(synthetic) if q["name"] == name]
    slow = graph.query(q["text"], initNs=NAMESPACES, initBindings={k: URIRef(v) for k, v in q["bindings"].items()})
    slow_rows = sorted(tuple(workers.norm_rdflib(t) for t in row) for row in slow)
    bindings = {k: pyoxigraph.NamedNode(v) for k, v in q["bindings"].items()}
    result = engine.query(store, q["text"], bindings=bindings, prefixes=NAMESPACES)
    names = [v.value for v in result.variables]
    fast_rows = sorted(tuple(workers.norm_ox(row.get(v)) for v in names) for row in engine.rows(result))
    assert fast_rows == slow_rows


ENTITY = "FILTER(STRSTARTS(STR(?x), STR(gbr:)) && ?c NOT IN (skos:ConceptScheme, rdf:Statement))"
NODES = f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a ?c . {ENTITY} }}"
EDGES = f"""SELECT (COUNT(*) AS ?n) WHERE {{
  {{ SELECT DISTINCT (?x AS ?s) WHERE {{ ?x a ?c . {ENTITY} }} }}
  {{ SELECT DISTINCT (?x AS ?o) WHERE {{ ?x a ?c . {ENTITY} }} }}
  ?s ?p ?o .
  FILTER(?p NOT IN (rdf:type, prov:wasDerivedFrom, gba:quote, skos:inScheme, skos:topConceptOf))
}}"""


def test_the_projection_has_one_node_per_entity_and_one_edge_per_link(graph, store) -> None:  # type: ignore[no-untyped-def]
    """Counted independently with SPARQL on our engine: typed gbr: entities, and the links between them."""
    from gbakg.network.projections import full_graph

    g = full_graph(graph)
    nodes = int(next(iter(store.query(PREFIXES + NODES)))["n"].value)
    edges = int(next(iter(store.query(PREFIXES + EDGES)))["n"].value)
    assert (g.number_of_nodes(), g.number_of_edges()) == (nodes, edges)


# -- the harness itself ---------------------------------------------------------------------------


def test_a_forked_step_past_its_cap_is_reported_as_a_timeout() -> None:
    assert workers.forked(lambda: (time.sleep(5), {})[1], cap=0.2) == {"timeout": 0.2}


def test_a_forked_step_reports_its_result_and_peak_memory() -> None:
    out = workers.forked(lambda: {"answer": 42}, cap=10)
    assert out["answer"] == 42 and out["peak_mib"] > 0


def test_a_forked_step_that_fails_reports_why() -> None:
    def deep(n: int = 0) -> dict:
        return deep(n + 1)

    out = workers.forked(deep, cap=10)
    assert out["error"].startswith("RecursionError")


@pytest.mark.parametrize(
    ("slow", "fast", "text"),
    [
        ({"seconds": 30.0}, {"seconds": 1.5}, "20.0×"),
        ({"seconds": 300.0}, {"seconds": 1.0}, "300×"),
        ({"timeout": 120.0}, {"seconds": 2.0}, "> 60×"),
        ({"error": "RecursionError: x"}, {"seconds": 2.0}, "—"),
        (None, {"seconds": 2.0}, "—"),
    ],
)
def test_ratios_read_as_the_table_prints_them(slow: dict | None, fast: dict, text: str) -> None:
    assert report.ratio(slow, fast)[0] == text


@pytest.mark.parametrize(
    ("step", "text"),
    [
        ({"seconds": 0.0042}, "4.20 ms"),
        ({"seconds": 0.25}, "250 ms"),
        ({"seconds": 2.5}, "2.50 s"),
        ({"seconds": 42.25}, "42.2 s"),
        ({"timeout": 120}, "> 120 s"),
        ({"skipped": "estimated 9,000 s"}, "not run"),
        ({"error": "RecursionError: maximum recursion depth"}, "error: RecursionError"),
    ],
)
def test_times_read_as_the_table_prints_them(step: dict, text: str) -> None:
    assert report.show(step) == text
