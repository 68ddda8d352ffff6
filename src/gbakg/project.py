"""Projections from RDF to NetworkX: the one module that knows both rdflib and networkx.

Built in one pass over the triples with dictionary lookups, so the cost grows with the graph's
size, not with nodes times edges.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from gbakg.namespaces import GBA, GBR, GBS, NAMING_PREDICATES, QUALIFIED_CLASSES, curie

_NOT_NODES = {SKOS.ConceptScheme, RDF.Statement}
_SKIP_PREDICATES = {RDF.type, PROV.wasDerivedFrom, GBA.quote, SKOS.inScheme, SKOS.topConceptOf}

Evidence = dict[str, str]


def evidence_index(graph: Graph) -> dict[tuple, list[Evidence]]:
    """Map each backed triple (s, p, o) to its evidence: source IRI, source title and quote."""
    titles = {s: str(t) for s, t in graph.subject_objects(RDFS.label) if s.startswith(str(GBS))}
    index: dict[tuple, list[Evidence]] = defaultdict(list)
    statement_parts: dict[Any, dict] = defaultdict(dict)
    for st, p, o in graph.triples((None, None, None)):
        if p in (RDF.subject, RDF.predicate, RDF.object, PROV.wasDerivedFrom, GBA.quote):
            statement_parts[st][p] = o
    for node, parts in statement_parts.items():
        quote, source = parts.get(GBA.quote), parts.get(PROV.wasDerivedFrom)
        if quote is None:
            continue
        ev = {"source": curie(str(source)) if source else "", "title": titles.get(source, ""), "quote": str(quote)}
        if RDF.subject in parts:
            index[(parts[RDF.subject], parts[RDF.predicate], parts[RDF.object])].append(ev)
        else:
            index[(node, None, None)].append(ev)  # a qualified node's own evidence
    return index


def full_graph(graph: Graph, *, include_vocabulary: bool = True) -> nx.MultiDiGraph:
    """Every entity as a node, every entity-to-entity triple as an edge keyed by its predicate.

    Nodes carry ``iri``, ``label``, ``type`` (CURIE of the asserted class), ``place`` (where
    located) and their literal properties; edges carry ``relation`` and ``evidence`` (a list of
    dicts with ``source``, ``title``, ``quote``). Value-chain stages are nodes unless
    ``include_vocabulary`` is false; sources and ontology terms are never nodes.
    """
    qualified_types = set(QUALIFIED_CLASSES)
    types: dict[URIRef, URIRef] = {}
    for s, cls in graph.subject_objects(RDF.type):
        if isinstance(s, URIRef) and s.startswith(str(GBR)) and cls not in _NOT_NODES:
            if cls == GBA.ValueChainStage and not include_vocabulary:
                continue
            # keep the most specific asserted class: a gba: class wins over an imported one
            if s not in types or (str(cls).startswith(str(GBA)) and not str(types[s]).startswith(str(GBA))):
                types[s] = cls

    evidence = evidence_index(graph)
    g = nx.MultiDiGraph()
    for node, cls in types.items():
        attrs: dict[str, Any] = {"iri": str(node), "label": _slug(node), "type": curie(str(cls))}
        if cls in qualified_types:
            attrs["evidence"] = evidence.get((node, None, None), [])
        g.add_node(str(node), **attrs)

    labels: dict[URIRef, str] = {}
    for s, p, o in graph:
        if s not in types or p in _SKIP_PREDICATES:
            continue
        if p in NAMING_PREDICATES:
            if isinstance(o, Literal) and (p == RDFS.label and (o.language in (None, "en") or s not in labels)):
                labels[s] = str(o)
            elif isinstance(o, Literal) and p == SKOS.altLabel:
                g.nodes[str(s)].setdefault("aliases", []).append(str(o))
            continue
        if isinstance(o, Literal):
            key = curie(str(p))
            attrs = g.nodes[str(s)]
            value = o.toPython() if o.datatype is not None else str(o)
            value = value if isinstance(value, (str, int, float, bool)) else str(o)
            attrs[key] = value if key not in attrs else [*_as_list(attrs[key]), value]
        elif o in types:
            if p == GBA.locatedIn:
                g.nodes[str(s)]["place"] = str(o)
            rel = curie(str(p))
            ev = evidence.get((s, p, o)) or evidence.get((s, None, None), [])
            g.add_edge(str(s), str(o), key=rel, relation=rel, evidence=list(ev))
        elif isinstance(o, BNode):
            continue
    for node, label in labels.items():
        g.nodes[str(node)]["label"] = label
    return g


def _slug(iri: URIRef) -> str:
    return str(iri)[len(str(GBR)) :] if str(iri).startswith(str(GBR)) else str(iri)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
