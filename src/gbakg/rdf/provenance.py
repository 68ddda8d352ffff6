"""Views of the graph by source: what one document, on its own, says.

Used to answer "what does this article claim?" even after the graph has grown from many sources,
and to test a source's facts without the others' getting in the way.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF

from gbakg.rdf.evidence import EvidenceIndex
from gbakg.vocabulary import GBR, NAMING_PREDICATES, QUALIFIED_CLASSES, bind_prefixes


def facts_from(graph: Graph, source: URIRef) -> Graph:
    """The part of ``graph`` that ``source`` backs, with the names and the ontology around it.

    Kept: every triple of a qualified node derived from ``source`` (except those that other
    sources added with statements of their own); every triple backed by an
    ``rdf:Statement`` derived from ``source`` (and that statement); the names of every entity
    those triples mention; and everything that is not an entity fact (ontology, sources).
    """
    qualified = {n for cls in QUALIFIED_CLASSES for n in graph.subjects(RDF.type, cls)}
    statements = set(graph.subjects(RDF.type, RDF.Statement))
    entity_subjects = {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(str(GBR))}

    # Triples that other sources added to a qualified node carry statements of their own.
    cited_by: dict[tuple, set] = {
        triple: {c.source for c in found} for triple, found in EvidenceIndex(graph).backed_triples().items()
    }

    view = Graph()
    bind_prefixes(view)
    mentioned: set = set()
    for node in qualified:
        if (node, PROV.wasDerivedFrom, source) in graph:
            for triple in graph.triples((node, None, None)):
                if source in cited_by.get(triple, {source}):
                    view.add(triple)
                    mentioned.add(triple[2])
            mentioned.add(node)
    for st in statements:
        if (st, PROV.wasDerivedFrom, source) not in graph:
            continue
        s, p, o = graph.value(st, RDF.subject), graph.value(st, RDF.predicate), graph.value(st, RDF.object)
        if s is not None and p is not None and o is not None and (s, p, o) in graph:
            view.add((s, p, o))
            mentioned.update((s, o))
        for triple in graph.triples((st, None, None)):
            view.add(triple)
    for s, p, o in graph:
        if s in mentioned and p in NAMING_PREDICATES:
            view.add((s, p, o))
        elif s not in entity_subjects and s not in statements:
            view.add((s, p, o))  # ontology, value chain, source metadata
    return view
