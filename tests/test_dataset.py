"""The dataset description (VoID and DCAT): every count equals what the graph holds."""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from gbakg.rdf.dataset import DATASET, DCAT_VERSION, LICENCE, VOID, describe


@pytest.fixture(scope="module")
def described(curated) -> Graph:  # type: ignore[no-untyped-def]
    return describe(curated, version="9.9", issued=date(2026, 1, 2), endpoint="http://localhost:8000/sparql")


def value(g: Graph, s, p):  # type: ignore[no-untyped-def]
    found = list(g.objects(s, p))
    assert len(found) == 1, (s, p, found)
    return found[0].toPython() if isinstance(found[0], Literal) else found[0]


def test_the_totals_are_the_graphs(curated, described):
    d = DATASET
    assert value(described, d, VOID.triples) == len(curated)
    subjects, objects = set(curated.subjects()), set(curated.objects())
    assert value(described, d, VOID.distinctSubjects) == len(subjects)
    assert value(described, d, VOID.distinctObjects) == len(objects)
    gbr = {s for s in subjects if str(s).startswith("https://w3id.org/gbakg/id/")}
    assert value(described, d, VOID.entities) == len(gbr)
    assert value(described, d, VOID.properties) == len(set(curated.predicates()))


@pytest.mark.parametrize("cls", ["gba:City", "gba:University", "gba:Company", "gba:Source", "org:Membership"])
def test_each_class_partition_counts_its_instances(curated, described, cls):
    expanded = curated.namespace_manager.expand_curie(cls)
    parts = {value(described, p, VOID["class"]): p for p in described.objects(DATASET, VOID.classPartition)}
    query = f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <{expanded}> }}"
    (count,) = next(iter(curated.query(query)))
    assert value(described, parts[expanded], VOID.entities) == int(count) > 0


def test_each_property_partition_counts_its_triples(curated, described):
    parts = {value(described, p, VOID.property): p for p in described.objects(DATASET, VOID.propertyPartition)}
    assert set(parts) == set(curated.predicates())
    for prop, part in parts.items():
        assert value(described, part, VOID.triples) == len(list(curated.triples((None, prop, None))))


def test_licence_version_sources_endpoint_and_examples(curated, described):
    d = DATASET
    assert value(described, d, DCTERMS.license) == LICENCE
    assert value(described, d, DCAT_VERSION) == "9.9"
    assert value(described, d, DCTERMS.issued) == date(2026, 1, 2)
    sources = set(curated.subjects(RDF.type, curated.namespace_manager.expand_curie("gba:Source")))
    assert set(described.objects(d, DCTERMS.source)) == sources
    assert value(described, d, VOID.sparqlEndpoint) == URIRef("http://localhost:8000/sparql")
    examples = list(described.objects(d, VOID.exampleResource))
    assert len(examples) == 5 and all((e, None, None) in curated for e in examples)


def test_build_writes_the_description_beside_the_graph(run, tmp_path):
    result = run("build", "--out", str(tmp_path / "b"), "--endpoint", "http://example.org/sparql")
    assert result.exit_code == 0, result.output
    void = Graph().parse(tmp_path / "b" / "void.ttl")
    data = Graph().parse(tmp_path / "b" / "gbakg.ttl")
    assert value(void, DATASET, VOID.triples) == len(data)
    dump = value(void, DATASET, VOID.dataDump)
    assert str(dump) == (tmp_path / "b" / "gbakg.ttl").resolve().as_uri()  # resolves to the file beside it
    dists = [dist for dist in void.objects(DATASET, DCAT.distribution) if (dist, DCAT.byteSize, None) in void]
    sizes = [value(void, dist, DCAT.byteSize) for dist in dists]
    assert sizes == [(tmp_path / "b" / "gbakg.ttl").stat().st_size]
