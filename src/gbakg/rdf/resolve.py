"""Finding an entity from what a user types: IRI, CURIE, label or alias, any case, either Chinese script."""

from __future__ import annotations

import difflib

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from gbakg.errors import UnknownEntityError
from gbakg.names import key, label
from gbakg.vocabulary import GBR, expand

_NAME_PREDICATES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)


def name_index(graph: Graph) -> dict[str, set[URIRef]]:
    """Map each name key (label, alias, slug; see :func:`gbakg.names.key`) of every gbr: resource to the resources."""
    index: dict[str, set[URIRef]] = {}
    for predicate in _NAME_PREDICATES:
        for s, o in graph.subject_objects(predicate):
            if isinstance(s, URIRef) and s.startswith(str(GBR)) and isinstance(o, Literal):
                index.setdefault(key(str(o)), set()).add(s)
    for s in set(graph.subjects(RDF.type, None)):
        if isinstance(s, URIRef) and s.startswith(str(GBR)):
            index.setdefault(str(s)[len(str(GBR)) :].lower(), set()).add(s)
    return index


def resolve(graph: Graph, name: str, index: dict[str, set[URIRef]] | None = None) -> URIRef:
    """Return the entity ``name`` means; an unknown or ambiguous name raises with suggestions.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''@prefix gbr: <https://w3id.org/gbakg/id/> .
    ... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    ... gbr:hkust a <x:University> ; rdfs:label "Hong Kong University of Science and Technology"@en ,
    ...     "香港科技大學"@zh-Hant ; skos:altLabel "HKUST" .''')
    >>> [str(resolve(g, n))[-5:] for n in ("hkust", "gbr:hkust", "HKUST", "香港科技大学")]
    ['hkust', 'hkust', 'hkust', 'hkust']
    >>> resolve(g, "HKSUT")
    Traceback (most recent call last):
    ...
    gbakg.errors.UnknownEntityError: unknown entity 'HKSUT'; did you mean 'Hong Kong University of Science and ...'?
    """
    text = name.strip()
    iri = expand(text) or (text[1:-1] if text.startswith("<") and text.endswith(">") else text)
    if "://" in iri and (URIRef(iri), None, None) in graph:
        return URIRef(iri)
    index = index if index is not None else name_index(graph)
    matches = index.get(key(text), set())
    if len(matches) == 1:
        return next(iter(matches))
    if len(matches) > 1:
        options = ", ".join(sorted(_curie(m) for m in matches))
        raise UnknownEntityError(f"{name!r} is ambiguous: it names {options}; use one of these")
    raise UnknownEntityError(f"unknown entity {name!r}{did_you_mean(graph, index, text)}")


def did_you_mean(graph: Graph, index: dict[str, set[URIRef]], text: str, n: int = 3) -> str:
    """``; did you mean 'A', 'B'?`` — up to ``n`` close entities, each once, by its English label."""
    shown: dict[URIRef, str] = {}
    for close in difflib.get_close_matches(key(text), list(index), n=4 * n, cutoff=0.6):
        for entity in sorted(index[close]):
            shown.setdefault(entity, label(graph, entity) or close)
    names = list(shown.values())[:n]
    return f"; did you mean {', '.join(repr(x) for x in names)}?" if names else ""


def _curie(iri: URIRef) -> str:
    return "gbr:" + str(iri)[len(str(GBR)) :]
