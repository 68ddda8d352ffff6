"""Finding an entity from what a user types: IRI, CURIE, label or alias, any case."""

from __future__ import annotations

import difflib

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from gbakg.errors import UnknownEntityError
from gbakg.namespaces import GBR, expand

_NAME_PREDICATES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)


def name_index(graph: Graph) -> dict[str, set[URIRef]]:
    """Map each lower-cased name (label, alias, slug) of every gbr: resource to the resources."""
    index: dict[str, set[URIRef]] = {}
    for predicate in _NAME_PREDICATES:
        for s, o in graph.subject_objects(predicate):
            if isinstance(s, URIRef) and s.startswith(str(GBR)) and isinstance(o, Literal):
                index.setdefault(str(o).strip().lower(), set()).add(s)
    for s in set(graph.subjects(RDF.type, None)):
        if isinstance(s, URIRef) and s.startswith(str(GBR)):
            index.setdefault(str(s)[len(str(GBR)) :].lower(), set()).add(s)
    return index


def resolve(graph: Graph, name: str, index: dict[str, set[URIRef]] | None = None) -> URIRef:
    """Return the entity ``name`` means; an unknown or ambiguous name raises with suggestions."""
    text = name.strip()
    iri = expand(text) or (text[1:-1] if text.startswith("<") and text.endswith(">") else text)
    if "://" in iri and (URIRef(iri), None, None) in graph:
        return URIRef(iri)
    index = index if index is not None else name_index(graph)
    matches = index.get(text.lower(), set())
    if len(matches) == 1:
        return next(iter(matches))
    if len(matches) > 1:
        options = ", ".join(sorted(_curie(m) for m in matches))
        raise UnknownEntityError(f"{name!r} is ambiguous: it names {options}; use one of these")
    close = difflib.get_close_matches(text.lower(), list(index), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(_display(graph, c, index)) for c in close)}?" if close else ""
    raise UnknownEntityError(f"unknown entity {name!r}{hint}")


def _display(graph: Graph, key: str, index: dict[str, set[URIRef]]) -> str:
    entity = next(iter(sorted(index[key])))
    label = graph.value(entity, RDFS.label)
    return str(label) if label is not None and str(label).lower() == key else key


def _curie(iri: URIRef) -> str:
    return "gbr:" + str(iri)[len(str(GBR)) :]
