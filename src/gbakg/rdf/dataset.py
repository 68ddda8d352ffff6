"""The dataset described for machines: VoID and DCAT, every count computed from the graph.

Linked-data clients, catalogues and search engines read a dataset's VoID/DCAT description to learn
what it holds, under which licence, where to query it and where to download it. ``gbakg build``
writes it beside the graph as ``void.ttl``; nothing in it is typed by hand except the title,
description and licence below, which describe gbakg itself.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, XSD

from gbakg.vocabulary import GBA, GBR

VOID = Namespace("http://rdfs.org/ns/void#")
DATASET = URIRef("https://w3id.org/gbakg/dataset")
TITLE = "gbakg: the Greater Bay Area Knowledge Graph"
DESCRIPTION = (
    "A curated, cited RDF dataset of innovation and technology collaboration in the Guangdong-Hong Kong-Macao "
    "Greater Bay Area: cities, universities, research institutes, facilities, innovation zones, policies, "
    "agreements, companies, the people who lead them, and each place's strengths along the innovation value "
    "chain. Every fact names its source and quotes it."
)
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; rdflib's DCAT namespace predates it
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
EXAMPLES = 5  # example resources: the entities with the most links


def describe(
    graph: Graph,
    *,
    version: str,
    issued: date | None = None,
    endpoint: str | None = None,
    dump: str = "gbakg.ttl",
    dump_bytes: int | None = None,
) -> Graph:
    """The VoID and DCAT description of ``graph`` (the data and ontology that ``gbakg.ttl`` holds).

    Counts: ``void:triples`` (all triples), ``void:entities`` (distinct ``gbr:`` subjects),
    ``void:distinctSubjects``/``distinctObjects``, ``void:classes``/``properties``, one
    ``void:classPartition`` per class (its instances) and one ``void:propertyPartition`` per
    property (its triples), and the sources (``dcterms:source``). ``endpoint`` is the SPARQL
    endpoint to advertise (``gbakg serve``'s address, say); ``dump`` the download's file name,
    relative to the description.
    """
    out = Graph()
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("gbr", GBR)):
        out.bind(prefix, namespace)
    out.bind("gba", GBA)

    instances: dict[URIRef, set[Any]] = {}
    properties: Counter[URIRef] = Counter()
    subjects: set[Any] = set()
    objects: set[Any] = set()
    degree: Counter[URIRef] = Counter()
    for s, p, o in graph:
        subjects.add(s)
        objects.add(o)
        properties[p] += 1  # type: ignore[index]
        if p == RDF.type and isinstance(o, URIRef):
            instances.setdefault(o, set()).add(s)
        elif isinstance(o, URIRef) and str(s).startswith(str(GBR)) and str(o).startswith(str(GBR)):
            degree[s] += 1  # type: ignore[index]
            degree[o] += 1
    entities = {s for s in subjects if isinstance(s, URIRef) and str(s).startswith(str(GBR))}
    sources = sorted(s for s in instances.get(GBA.Source, ()) if isinstance(s, URIRef))

    d = DATASET
    out.add((d, RDF.type, VOID.Dataset))
    out.add((d, RDF.type, DCAT.Dataset))
    out.add((d, DCTERMS.title, Literal(TITLE, lang="en")))
    out.add((d, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    out.add((d, DCTERMS.license, LICENCE))
    out.add((d, OWL.versionInfo, Literal(version)))
    out.add((d, DCAT_VERSION, Literal(version)))
    out.add((d, DCTERMS.issued, Literal((issued or date.today()).isoformat(), datatype=XSD.date)))
    out.add((d, VOID.uriSpace, Literal(str(GBR))))
    for vocabulary in sorted({_namespace(p) for p in properties} | {_namespace(c) for c in instances}):
        out.add((d, VOID.vocabulary, URIRef(vocabulary)))
    out.add((d, VOID.triples, Literal(len(graph))))
    out.add((d, VOID.entities, Literal(len(entities))))
    out.add((d, VOID.distinctSubjects, Literal(len(subjects))))
    out.add((d, VOID.distinctObjects, Literal(len(objects))))
    out.add((d, VOID.classes, Literal(len(instances))))
    out.add((d, VOID.properties, Literal(len(properties))))
    for cls in sorted(instances):
        part = BNode()
        out.add((d, VOID.classPartition, part))
        out.add((part, VOID["class"], cls))
        out.add((part, VOID.entities, Literal(len(instances[cls]))))
    for prop in sorted(properties):
        part = BNode()
        out.add((d, VOID.propertyPartition, part))
        out.add((part, VOID.property, prop))
        out.add((part, VOID.triples, Literal(properties[prop])))
    for example, _ in sorted(degree.items(), key=lambda kv: (-kv[1], str(kv[0])))[:EXAMPLES]:
        out.add((d, VOID.exampleResource, example))
    for source in sources:
        out.add((d, DCTERMS.source, source))
    if endpoint:
        out.add((d, VOID.sparqlEndpoint, URIRef(endpoint)))
        service = BNode()
        out.add((d, DCAT.distribution, service))
        out.add((service, RDF.type, DCAT.Distribution))
        out.add((service, DCAT.accessURL, URIRef(endpoint)))
        out.add((service, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
    dist = BNode()
    out.add((d, DCAT.distribution, dist))
    out.add((dist, RDF.type, DCAT.Distribution))
    out.add((dist, DCTERMS.title, Literal(dump)))
    out.add((dist, DCAT.downloadURL, URIRef(dump)))
    out.add((dist, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/text/turtle")))
    out.add((d, VOID.dataDump, URIRef(dump)))
    if dump_bytes is not None:
        out.add((dist, DCAT.byteSize, Literal(dump_bytes, datatype=XSD.nonNegativeInteger)))
    return out


def _namespace(term: Any) -> str:
    text = str(term)
    cut = max(text.rfind("#"), text.rfind("/"))
    return text[: cut + 1] if cut > 0 else text
