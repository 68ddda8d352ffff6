"""The vocabulary in one place: namespaces and prefixes in every form, the class and relation sets
the code relies on, the rule for what counts as an entity, and how terms are shown."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

GBA = Namespace("https://w3id.org/gbakg/ontology#")
GBR = Namespace("https://w3id.org/gbakg/id/")
GBS = Namespace("https://w3id.org/gbakg/source/")
# Evidence nodes (rdf:Statements), named by a hash of what they say: see gbakg.rdf.evidence.
GBE = Namespace("https://w3id.org/gbakg/evidence/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES: dict[str, Namespace] = {
    "gba": GBA,
    "gbr": GBR,
    "gbs": GBS,
    "gbe": GBE,
    "org": ORG,
    "schema": SCHEMA,
    "prov": Namespace(str(PROV)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "foaf": Namespace(str(FOAF)),
    "geo": GEO,
    "owl": Namespace(str(OWL)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": Namespace(str(XSD)),
}

# Qualified nodes carry their own evidence, which backs every triple about them.
QUALIFIED_CLASSES = (GBA.Agreement, GBA.Strength, ORG.Membership, GBA.Milestone, GBA.Figure)

# Names and notes need no evidence of their own: the quote behind the entity's type names it.
NAMING_PREDICATES = (RDFS.label, RDFS.comment, SKOS.altLabel, SKOS.prefLabel, SKOS.note, SKOS.definition)

# Modelling annotations, not claims about the world: how a role is held, how a date was written.
ANNOTATION_PREDICATES = (GBA.sharedPost, GBA.dateAsWritten)

# The evidence itself.
EVIDENCE_PREDICATES = (PROV.wasDerivedFrom, GBA.quote)

# Places (the ontology may add subclasses: code closes these over rdfs:subClassOf), the places an
# actor is aggregated to (its "home"), and the classes of actors.
PLACE_CLASSES = (GBA.Place, GBA.Region, GBA.City, GBA.District, GBA.InnovationZone)
HOME_CLASSES = (GBA.City, GBA.Region)
ORGANISATION_CLASSES = (
    GBA.Organization,
    ORG.Organization,
    GBA.University,
    GBA.ResearchInstitute,
    GBA.GovernmentBody,
    GBA.Company,
)
# Relations that say where something is.
PLACE_RELATIONS = (GBA.locatedIn, GBA.partOf)

# gbr: resources that are vocabulary (described by ontology/), not facts drawn from sources.
VOCABULARY_CLASSES = (GBA.ValueChainStage, SKOS.ConceptScheme)
# Nodes a path or neighbourhood does not pass through unless asked: they join everything that uses them
# (every president shares the role "President"), so a path through them says nothing about partners.
THROUGH_NOTHING_CLASSES = (GBA.ValueChainStage, ORG.Role, SKOS.ConceptScheme, GBA.Source)

# Typed nodes that are never entities: evidence, documents and the ontology itself.
NOT_ENTITY_CLASSES = (RDF.Statement, GBA.Source, OWL.Ontology)


def entities(graph: Graph) -> set[URIRef]:
    """The entity rule, the one every reader uses: typed gbr: resources, less vocabulary and evidence."""
    excluded = {n for cls in (*VOCABULARY_CLASSES, *NOT_ENTITY_CLASSES) for n in graph.subjects(RDF.type, cls)}
    return {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and is_entity_iri(s)} - excluded


def is_entity_iri(term: object) -> bool:
    """Whether a term is in the gbr: namespace (an entity, a qualified node or a vocabulary term)."""
    return isinstance(term, URIRef) and str(term).startswith(str(GBR))


def bind_prefixes(graph) -> None:  # type: ignore[no-untyped-def]
    """Bind our prefixes so serialisations and query results use short names."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)


def curie(iri: str) -> str:
    """Shorten an IRI with our prefixes; IRIs outside them come back unchanged.

    >>> curie("https://w3id.org/gbakg/id/shenzhen"), curie("http://example.org/x")
    ('gbr:shenzhen', 'http://example.org/x')
    """
    for prefix, ns in PREFIXES.items():
        if iri.startswith(str(ns)) and len(iri) > len(str(ns)):
            return f"{prefix}:{iri[len(str(ns)) :]}"
    return iri


def expand(name: str) -> str | None:
    """Expand a CURIE with our prefixes; None when the prefix is not ours.

    >>> expand("gba:locatedIn"), expand("ex:thing")
    ('https://w3id.org/gbakg/ontology#locatedIn', None)
    """
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return str(PREFIXES[prefix]) + local
    return None
