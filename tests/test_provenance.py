"""What one source says on its own: gbakg.rdf.provenance.facts_from."""

from __future__ import annotations

from rdflib.namespace import RDF, RDFS

from conftest import TINY_GRAPH, statement
from gbakg.rdf.load import load
from gbakg.rdf.provenance import facts_from
from gbakg.vocabulary import GBA, GBR, GBS

OTHER = """
gbs:other a gba:Source ; rdfs:label "Other" ; dcterms:title "Other" ;
    dcterms:date "2024"^^xsd:gYear ; schema:url <https://example.org/other> .
gbr:gamma-city rdfs:label "Gamma City"@en .
"""


def _graph(write_ttl):
    body = (
        TINY_GRAPH
        + OTHER
        + statement("gbr:gamma-city", "rdf:type", "gba:City", "Gamma", "gbs:other")
        + statement("gbr:beta-lab", "gba:collaboratesWith", "gbr:alpha-university", "both", "gbs:other")
        # the other source re-cites a party of the tiny source's agreement, and adds one
        + statement("gbr:agreement-alpha-beta", "gba:party", "gbr:gamma-city", "Gamma", "gbs:other")
    )
    return load([write_ttl(body)])


def test_keeps_only_what_the_source_backs(write_ttl):
    g = _graph(write_ttl)
    tiny = facts_from(g, GBS.tiny)
    assert (GBR["alpha-university"], GBA.locatedIn, GBR["alpha-city"]) in tiny
    assert (GBR["agreement-alpha-beta"], GBA.party, GBR["beta-lab"]) in tiny
    assert (GBR["beta-lab"], GBA.collaboratesWith, GBR["alpha-university"]) not in tiny
    assert (GBR["gamma-city"], RDF.type, GBA.City) not in tiny
    assert (GBR["agreement-alpha-beta"], GBA.party, GBR["gamma-city"]) not in tiny
    assert (GBR["beta-lab"], RDFS.label, None) in tiny  # names of what it mentions
    assert (GBR["gamma-city"], RDFS.label, None) not in tiny
    assert (GBA.City, RDFS.label, None) in tiny  # the ontology comes along


def test_the_other_source(write_ttl):
    other = facts_from(_graph(write_ttl), GBS.other)
    assert (GBR["gamma-city"], RDF.type, GBA.City) in other
    assert (GBR["beta-lab"], GBA.collaboratesWith, GBR["alpha-university"]) in other
    assert (GBR["agreement-alpha-beta"], GBA.party, GBR["gamma-city"]) in other
    assert (GBR["alpha-university"], GBA.locatedIn, GBR["alpha-city"]) not in other
