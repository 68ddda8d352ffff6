"""Counting what the graph holds: entities by class, relations by property, facts by source."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS
from rdflib.term import Node

from gbakg import vocabulary
from gbakg.rdf.rules import unplaced_actors
from gbakg.vocabulary import GBA, NAMING_PREDICATES, QUALIFIED_CLASSES, curie


def stats(graph: Graph) -> dict[str, Any]:
    """Counts for a summary table: plain data, so the CLI can print it as table, CSV or JSON."""
    described = vocabulary.entities(graph)
    entities: dict[URIRef, Node] = {}
    for s, cls in graph.subject_objects(RDF.type):
        if s in described and isinstance(s, URIRef):
            entities.setdefault(s, cls)
    by_class = Counter(curie(str(cls)) for cls in entities.values())

    by_property: Counter[str] = Counter()
    relations = 0
    for s, p, o in graph:
        if s in entities and p != RDF.type and p not in NAMING_PREDICATES and p not in (PROV.wasDerivedFrom, GBA.quote):
            by_property[curie(str(p))] += 1
            if isinstance(o, URIRef) and not isinstance(o, Literal):
                relations += 1

    statements = set(graph.subjects(RDF.type, RDF.Statement))
    qualified = {n for cls in QUALIFIED_CLASSES for n in graph.subjects(RDF.type, cls)}
    facts_by_source: Counter[str] = Counter()
    for node in statements | qualified:
        for source in graph.objects(node, PROV.wasDerivedFrom):
            facts_by_source[curie(str(source))] += 1
    sources = sorted(curie(str(s)) for s in graph.subjects(RDF.type, GBA.Source))

    places_with_strength = {graph.value(n, GBA.holder) for n in graph.subjects(RDF.type, GBA.Strength)}
    located = {s for s in entities if graph.value(s, GBA.locatedIn) is not None or graph.value(s, GBA.partOf)}
    return {
        "triples": len(graph),
        "entities": len(entities) - len(qualified & entities.keys()),
        "qualified_nodes": len(qualified),
        "relations": relations,
        "statements": len(statements),
        "quotes": sum(1 for _ in graph.subject_objects(GBA.quote)),
        "sources": len(sources),
        "by_class": dict(sorted(by_class.items())),
        "by_property": dict(sorted(by_property.items())),
        "facts_by_source": {s: facts_by_source.get(s, 0) for s in sources},
        "coverage": {
            "entities_with_place": len(located),
            "holders_with_strength": len(places_with_strength - {None}),
            "labelled": sum(1 for s in entities if graph.value(s, RDFS.label) is not None),
            "actors_without_place": len(unplaced_actors(graph)),
        },
    }
