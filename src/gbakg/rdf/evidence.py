"""Evidence nodes get IRIs derived from what they say, never blank nodes.

A statement's IRI is a hash of the triple it backs, its source and its quote, so the same fact
cited the same way has the same name in every file, run and store: serialising twice gives the
same bytes, loading a build back adds nothing, and ``push --append`` twice changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF
from rdflib.term import Node

from gbakg.vocabulary import GBA, GBE

_HASH_LENGTH = 16  # hex digits: 64 bits, ample for millions of statements


def _key(term: Node) -> str:
    """A term as N-Triples would write it: a stable text for hashing."""
    if isinstance(term, Literal):
        return Literal(str(term), lang=term.language, datatype=term.datatype).n3()
    return term.n3()


def statement_iri(subject: Node, predicate: Node, obj: Node, source: Node | None, quote: str | None) -> URIRef:
    """The IRI of the rdf:Statement backing ``(subject, predicate, obj)`` with this source and quote."""
    parts = [_key(subject), _key(predicate), _key(obj), _key(source) if source is not None else "", quote or ""]
    digest = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:_HASH_LENGTH]
    return GBE[f"st-{digest}"]


def node_iri(graph: Graph, node: BNode) -> URIRef:
    """The IRI for any other blank evidence node (a qualified node written as ``[]``): a hash of its triples."""
    lines = sorted(f"{_key(p)} {_key(o)}" for p, o in graph.predicate_objects(node) if not isinstance(o, BNode))
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:_HASH_LENGTH]
    return GBE[f"node-{digest}"]


def name_blank_evidence(graph: Graph) -> int:
    """Replace every blank-node statement or qualified node in ``graph`` by its content IRI, in place.

    Returns how many were renamed. Two blank nodes that say the same thing get the same IRI and so
    become one, which is what loading the same evidence twice should give.
    """
    renames: dict[BNode, URIRef] = {}
    for node in set(graph.subjects(RDF.type, RDF.Statement)):
        if isinstance(node, BNode):
            renames[node] = statement_iri(
                graph.value(node, RDF.subject),  # type: ignore[arg-type]
                graph.value(node, RDF.predicate),  # type: ignore[arg-type]
                graph.value(node, RDF.object),  # type: ignore[arg-type]
                graph.value(node, PROV.wasDerivedFrom),
                _text(graph.value(node, GBA.quote)),
            )
    for node in {s for s in graph.subjects(PROV.wasDerivedFrom, None) if isinstance(s, BNode)} - renames.keys():
        renames[node] = node_iri(graph, node)
    if not renames:
        return 0
    for s, p, o in [t for t in graph if t[0] in renames or t[2] in renames]:
        graph.remove((s, p, o))
        graph.add(
            (renames.get(s, s) if isinstance(s, BNode) else s, p, renames.get(o, o) if isinstance(o, BNode) else o)
        )
    return len(renames)


def _text(term: Node | None) -> str | None:
    return None if term is None else str(term)


@dataclass(frozen=True)
class Citation:
    """One piece of evidence: the node that carries it, its source and quote, and what it backs.

    ``triple`` is the (subject, predicate, object) a statement backs; for a qualified node's own
    evidence it is None, and the citation backs every triple of that node.
    """

    node: Node
    source: Node | None
    quote: str
    triple: tuple[Node, Node, Node] | None


_PARTS = (GBA.quote, PROV.wasDerivedFrom, RDF.subject, RDF.predicate, RDF.object)


class EvidenceIndex:
    """Every citation of a graph, read in one pass over the evidence predicates.

    The one reader of ``rdf:Statement`` and qualified-node evidence: validation, time filters,
    per-source views, the timeline and the projections all ask it, so they cannot disagree.

    >>> from rdflib import Graph
    >>> g = Graph().parse(data='''
    ... @prefix gba: <https://w3id.org/gbakg/ontology#> . @prefix prov: <http://www.w3.org/ns/prov#> .
    ... @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
    ... <x:a> gba:locatedIn <x:b> .
    ... <x:st> a rdf:Statement ; rdf:subject <x:a> ; rdf:predicate gba:locatedIn ; rdf:object <x:b> ;
    ...     prov:wasDerivedFrom <x:src> ; gba:quote "A is in B" .
    ... ''', format="turtle")
    >>> [c.quote for c in EvidenceIndex(g).backing(URIRef("x:a"), GBA.locatedIn, URIRef("x:b"))]
    ['A is in B']
    """

    def __init__(self, graph: Graph | None = None) -> None:
        parts: dict[Any, dict[URIRef, Any]] = {}
        for predicate in _PARTS if graph is not None else ():
            for node, value in graph.subject_objects(predicate):  # type: ignore[union-attr]
                parts.setdefault(node, {})[predicate] = value  # the predicate index: nothing else is read
        self._index(parts)

    @classmethod
    def from_parts(cls, parts: dict[Any, dict[URIRef, Any]]) -> EvidenceIndex:
        """An index of evidence read elsewhere (e.g. from Oxigraph as plain values): for each evidence
        node, its values of ``gba:quote``, ``prov:wasDerivedFrom``, ``rdf:subject``, ``rdf:predicate``
        and ``rdf:object``, keyed by those predicates."""
        index = cls()
        index._index(parts)
        return index

    def _index(self, parts: dict[Any, dict[URIRef, Any]]) -> None:
        #: what the index was built from (kept so a reader can save it: gbakg.network.triples.save)
        self.parts = parts
        #: each rdf:Statement node with the triple it backs (whether or not it carries a quote)
        self.statements: dict[Node, tuple[Node, Node, Node]] = {}
        self._by_triple: dict[tuple[Node, Node, Node], list[Citation]] = {}
        self._own: dict[Node, list[Citation]] = {}
        quote_, source_, subject_, predicate_, object_ = _PARTS  # rdflib makes a new term per attribute access
        for node, found in parts.items():
            triple = None
            if subject_ in found and predicate_ in found and object_ in found:
                triple = (found[subject_], found[predicate_], found[object_])
                self.statements[node] = triple
            quote = found.get(quote_)
            if quote is None:
                continue
            citation = Citation(node, found.get(source_), str(quote), triple)
            if triple is not None:
                self._by_triple.setdefault(triple, []).append(citation)
            else:
                self._own.setdefault(node, []).append(citation)

    def backing(self, s: Node, p: Node, o: Node) -> list[Citation]:
        """The statements that back one triple."""
        return self._by_triple.get((s, p, o), [])

    def own(self, node: Node) -> list[Citation]:
        """A qualified node's own evidence."""
        return self._own.get(node, [])

    def backed_triples(self) -> dict[tuple[Node, Node, Node], list[Citation]]:
        """Every triple some statement backs, with those statements."""
        return self._by_triple

    def qualified(self) -> dict[Node, list[Citation]]:
        """Every node that carries its own evidence, with it."""
        return self._own
