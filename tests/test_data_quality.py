"""Data checks on the curated graph as it grows: sources, duplicates, quote length, dangling names.

Each check is a small function returning its findings, shown first to catch a bad inline graph
and then required to find nothing in the curated graph.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from conftest import PREFIXES
from gbakg.vocabulary import GBA, GBR, SCHEMA, curie

WEB_QUOTE_LIMIT = 200


def source_problems(graph: Graph) -> list[str]:
    """Every gba:Source has a title, a date, and its corpus file or its web address."""
    problems = []
    for source in sorted(graph.subjects(RDF.type, GBA.Source)):
        name = curie(str(source))
        if graph.value(source, DCTERMS.title) is None:
            problems.append(f"{name}: no title")
        if graph.value(source, DCTERMS.date) is None:
            problems.append(f"{name}: no date")
        if graph.value(source, GBA.corpusFile) is None and graph.value(source, SCHEMA.url) is None:
            problems.append(f"{name}: neither a corpus file nor an address")
    return problems


def duplicate_labels(graph: Graph) -> list[str]:
    """No two entities share a label (same language, ignoring case and spacing) and a class."""
    groups: dict[tuple, set] = defaultdict(set)
    for entity, cls in graph.subject_objects(RDF.type):
        if not (isinstance(entity, URIRef) and entity in GBR) or cls == RDF.Statement:
            continue
        for label in graph.objects(entity, RDFS.label):
            if isinstance(label, Literal):
                key = (curie(str(cls)), " ".join(str(label).casefold().split()), label.language)
                groups[key].add(curie(str(entity)))
    return [
        f"{cls} {label!r}@{lang}: {', '.join(sorted(names))}"
        for (cls, label, lang), names in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1], str(kv[0][2])))
        if len(names) > 1
    ]


def long_web_quotes(graph: Graph, limit: int = WEB_QUOTE_LIMIT) -> list[str]:
    """Quotes from web sources (those with a schema:url) stay short: at most ``limit`` characters."""
    web = set(graph.subjects(SCHEMA.url, None)) & set(graph.subjects(RDF.type, GBA.Source))
    problems = []
    for node, quote in graph.subject_objects(GBA.quote):
        source = graph.value(node, PROV.wasDerivedFrom)
        if source in web and len(str(quote)) > limit:
            problems.append(f"{curie(str(source))}: {len(str(quote))}-character quote {str(quote)[:40]!r}…")
    return sorted(problems)


def undescribed(graph: Graph) -> list[str]:
    """Every gbr: name that a triple or a statement refers to has a type of its own."""
    typed = set(graph.subjects(RDF.type, None))
    referred = {o for o in graph.objects() if isinstance(o, URIRef) and o in GBR}
    referred |= {s for s in graph.objects(None, RDF.subject) if isinstance(s, URIRef) and s in GBR}
    return sorted(curie(str(name)) for name in referred - typed)


_LONG, _LIMIT = "x" * (WEB_QUOTE_LIMIT + 1), "y" * WEB_QUOTE_LIMIT
_BAD = f"""
gbs:untitled a gba:Source ; dcterms:date "2020"^^xsd:gYear ; gba:corpusFile "x.txt" .
gbs:nowhere a gba:Source ; dcterms:title "Nowhere" .
gbs:web a gba:Source ; dcterms:title "Web" ; dcterms:date "2021-05-04"^^xsd:date ; schema:url <https://example.org/a> .
gbr:a a gba:City ; rdfs:label "Twin Town"@en .
gbr:b a gba:City ; rdfs:label "twin  town"@en ; gba:partOf gbr:ghost .
gbr:c a gba:District ; rdfs:label "Twin Town"@en .
gbr:d a gba:City ; rdfs:label "Twin Town"@zh-Hant .
[] a rdf:Statement ; rdf:subject gbr:phantom ; rdf:predicate gba:partOf ; rdf:object gbr:a ;
   prov:wasDerivedFrom gbs:web ; gba:quote "{_LONG}" .
[] a rdf:Statement ; rdf:subject gbr:a ; rdf:predicate rdf:type ; rdf:object gba:City ;
   prov:wasDerivedFrom gbs:web ; gba:quote "{_LIMIT}" .
"""


@pytest.fixture
def bad() -> Graph:
    return Graph().parse(data=PREFIXES + _BAD, format="turtle")


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        (
            source_problems,
            [
                "gbs:nowhere: no date",
                "gbs:nowhere: neither a corpus file nor an address",
                "gbs:untitled: no title",
            ],
        ),
        (duplicate_labels, ["gba:City 'twin town'@en: gbr:a, gbr:b"]),
        (long_web_quotes, [f"gbs:web: 201-character quote {'x' * 40!r}…"]),
        (undescribed, ["gbr:ghost", "gbr:phantom"]),
    ],
)
def test_check_finds_the_planted_problem(bad, check, expected):
    assert check(bad) == expected


@pytest.mark.parametrize("check", [source_problems, duplicate_labels, long_web_quotes, undescribed])
def test_curated_graph_passes(curated, check):
    assert check(curated) == []


def test_curated_has_sources(curated):
    """The checks above are not vacuous: the curated graph has sources and labelled entities."""
    assert list(curated.subjects(RDF.type, GBA.Source))
    assert any(isinstance(s, URIRef) and s in GBR for s in curated.subjects(RDFS.label, None))
