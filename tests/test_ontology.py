"""The ontology: every core term of DESIGN.md §2 exists, labelled, commented and aligned."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from gbakg import paths
from gbakg.rdf.load import parse_files
from gbakg.vocabulary import GBA, GBR, ORG

CLASSES = [
    "Place",
    "Region",
    "City",
    "District",
    "InnovationZone",
    "Organization",
    "University",
    "ResearchInstitute",
    "GovernmentBody",
    "Company",
    "Facility",
    "Agreement",
    "Policy",
    "Programme",
    "Person",
    "ValueChainStage",
    "Strength",
    "Source",
]
PROPERTIES = ["locatedIn", "partOf", "party", "collaboratesWith", "hasStrength", "stage", "adjacentTo"]
SUBCLASSES = {
    "Region": "Place",
    "City": "Place",
    "District": "Place",
    "InnovationZone": "Place",
    "University": "Organization",
    "ResearchInstitute": "Organization",
    "GovernmentBody": "Organization",
    "Company": "Organization",
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return parse_files(paths.ontology_files())


@pytest.mark.parametrize("name", CLASSES)
def test_core_class(ontology, name):
    term = GBA[name]
    assert (term, RDF.type, OWL.Class) in ontology
    assert ontology.value(term, RDFS.label) is not None
    assert ontology.value(term, RDFS.comment) is not None


@pytest.mark.parametrize("name", PROPERTIES)
def test_core_property(ontology, name):
    term = GBA[name]
    assert (term, RDF.type, OWL.ObjectProperty) in ontology
    assert ontology.value(term, RDFS.label) is not None
    assert ontology.value(term, RDFS.comment) is not None


@pytest.mark.parametrize(("child", "parent"), sorted(SUBCLASSES.items()))
def test_class_hierarchy(ontology, child, parent):
    assert (GBA[child], RDFS.subClassOf, GBA[parent]) in ontology


def test_alignment_with_standard_vocabularies(ontology):
    assert (GBA.Organization, RDFS.subClassOf, ORG.Organization) in ontology
    assert (GBA.ValueChainStage, RDFS.subClassOf, SKOS.Concept) in ontology
    assert (GBA.partOf, RDF.type, OWL.TransitiveProperty) in ontology
    assert (GBA.collaboratesWith, RDF.type, OWL.SymmetricProperty) in ontology
    assert (GBA.adjacentTo, RDF.type, OWL.SymmetricProperty) in ontology


def test_every_ontology_term_is_documented(ontology):
    """Not just the core: every class and property we define has a label and a comment."""
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in ontology.subjects(RDF.type, kind):
            if str(term).startswith(str(GBA)):
                assert ontology.value(term, RDFS.label) is not None, term
                assert ontology.value(term, RDFS.comment) is not None, term


def test_value_chain_is_one_ordered_scheme(ontology):
    stages = list(ontology.subjects(RDF.type, GBA.ValueChainStage))
    assert len(stages) >= 8
    assert all((s, SKOS.inScheme, GBR["value-chain"]) in ontology for s in stages)
    orders = sorted(int(ontology.value(s, GBA.order)) for s in stages)
    assert orders == list(range(1, len(stages) + 1))


def test_shapes_parse():
    shapes = parse_files([paths.shapes_file()])
    assert len(shapes) > 0
