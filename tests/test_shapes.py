"""Each SHACL shape: a small graph that must pass and small graphs that must fail."""

from __future__ import annotations

import pytest

from conftest import TINY_GRAPH, statement
from gbakg.rdf.load import load
from gbakg.rdf.validate import validate

LONG = "x" * 301

BAD_CASES = {
    "agreement-one-party": (
        """gbr:solo a gba:Agreement ; rdfs:label "Solo"@en ; gba:party gbr:alpha-university ;
           prov:wasDerivedFrom gbs:tiny ; gba:quote "signed an agreement" .""",
        "gbr:solo",
        "at least two parties",
    ),
    "strength-without-stage": (
        """gbr:s2 a gba:Strength ; rdfs:label "S2"@en ; gba:holder gbr:beta-city ;
           prov:wasDerivedFrom gbs:tiny ; gba:quote "good at research" .""",
        "gbr:s2",
        "exactly one value-chain stage",
    ),
    "strength-stage-not-a-stage": (
        """gbr:s3 a gba:Strength ; rdfs:label "S3"@en ; gba:holder gbr:beta-city ; gba:stage gbr:beta-city ;
           prov:wasDerivedFrom gbs:tiny ; gba:quote "good at research" .""",
        "gbr:s3",
        "exactly one value-chain stage",
    ),
    "quote-too-long": (
        f"""gbr:s4 a gba:Strength ; rdfs:label "S4"@en ; gba:holder gbr:beta-city ; gba:stage gbr:stage-research ;
           prov:wasDerivedFrom gbs:tiny ; gba:quote "{LONG}" .""",
        "gbr:s4",
        "3 to 300 characters",
    ),
    "statement-without-source": (
        """gbr:gamma-city a gba:City ; rdfs:label "Gamma"@en .
           [] a rdf:Statement ; rdf:subject gbr:gamma-city ; rdf:predicate rdf:type ; rdf:object gba:City ;
              gba:quote "Beta City" .""",
        "statement about gbr:gamma-city (gbe:st-0acd02281fd5d5f8)",
        "exactly one source",
    ),
    "qualified-node-two-sources": (
        """gbs:other a gba:Source ; rdfs:label "Other" ; dcterms:title "Other" ;
               dcterms:date "2024"^^xsd:gYear ; gba:corpusFile "tiny.txt" .
           gbr:s5 a gba:Strength ; rdfs:label "S5"@en ; gba:holder gbr:beta-city ; gba:stage gbr:stage-research ;
           prov:wasDerivedFrom gbs:tiny , gbs:other ; gba:quote "good at research" .""",
        "gbr:s5",
        "exactly one source",
    ),
    "labelled-but-untyped": ('gbr:ghost rdfs:label "Ghost"@en .', "gbr:ghost", "has a label but no type"),
    "typed-but-unlabelled": (
        statement("gbr:delta-city", "rdf:type", "gba:City", "Beta City"),
        "gbr:delta-city",
        "needs a label",
    ),
    "untyped-date": (
        """gbr:agreement-alpha-beta gba:signedOn "sometime in 2020" .""",
        "gbr:agreement-alpha-beta",
        "signing date must be typed",
    ),
    "untyped-post-start": (
        """gbr:person-x a gba:Person ; rdfs:label "X"@en .
           gbr:role-boss a org:Role ; rdfs:label "Boss"@en .
           gbr:post-2 a org:Membership ; rdfs:label "Post"@en ; org:member gbr:person-x ;
              org:organization gbr:alpha-university ; org:role gbr:role-boss ; schema:startDate "last spring" ;
              prov:wasDerivedFrom gbs:tiny ; gba:quote "Alpha University" .""",
        "gbr:post-2",
        "start date must be typed",
    ),
    "member-not-a-person": (
        """gbr:role-boss a org:Role ; rdfs:label "Boss"@en .
           gbr:post-1 a org:Membership ; rdfs:label "Post"@en ; org:member gbr:beta-lab ;
              org:organization gbr:alpha-university ; org:role gbr:role-boss ;
              prov:wasDerivedFrom gbs:tiny ; gba:quote "Alpha University" .""",
        "gbr:post-1",
        "member, a gba:Person",
    ),
    "milestone-without-status": (
        """gbr:m1 a gba:Milestone ; rdfs:label "M1"@en ; gba:milestoneOf gbr:beta-lab ; gba:event "opened" ;
              gba:date "2020"^^xsd:gYear ; prov:wasDerivedFrom gbs:tiny ; gba:quote "Beta Lab" .""",
        "gbr:m1",
        "needs a status",
    ),
    "figure-with-text-value": (
        """gbr:f1 a gba:Figure ; rdfs:label "F1"@en ; gba:figureOf gbr:beta-lab ; gba:measure "labs" ;
              schema:value "two" ; prov:wasDerivedFrom gbs:tiny ; gba:quote "Beta Lab" .""",
        "gbr:f1",
        "numeric value",
    ),
    "source-without-date": (
        """gbs:undated a gba:Source ; rdfs:label "Undated" ; dcterms:title "Undated" ; gba:corpusFile "tiny.txt" .""",
        "gbs:undated",
        "exactly one date",
    ),
    "source-without-text-or-address": (
        """gbs:nowhere a gba:Source ; rdfs:label "Nowhere" ; dcterms:title "Nowhere" ;
               dcterms:date "2024"^^xsd:gYear .""",
        "gbs:nowhere",
        "corpus file (gba:corpusFile) or its web address",
    ),
    "located-in-a-non-place": (
        statement("gbr:alpha-university", "gba:locatedIn", "gbr:beta-lab", "Beta Lab is in Beta City"),
        "gbr:beta-lab",
        "must be a gba:Place, a gba:Facility or a gba:University",
    ),
    "part-of-a-non-place": (
        statement("gbr:alpha-city", "gba:partOf", "gbr:beta-lab", "Beta Lab"),
        "gbr:beta-lab",
        "must be a gba:Place",
    ),
    "source-address-as-text": (
        """gbs:web a gba:Source ; rdfs:label "Web" ; dcterms:title "Web" ;
               dcterms:date "2024"^^xsd:gYear ; schema:url "https://example.org/" .""",
        "gbs:web",
        "one IRI",
    ),
}


def test_good_graph_conforms(write_ttl, tiny_corpus):
    """The tiny graph satisfies every shape and the provenance rule."""
    report = validate(load([write_ttl(TINY_GRAPH)]), corpus=tiny_corpus)
    assert report.conforms, report.text()
    assert report.quotes_checked == 9


def test_a_lab_may_be_located_at_a_university_campus(write_ttl, tiny_corpus):
    """A university is also its campus (schema.org: a CollegeOrUniversity is a Place), so a lab can be at one."""
    body = statement("gbr:beta-lab", "gba:locatedIn", "gbr:alpha-university", "Alpha University and Beta Lab")
    report = validate(load([write_ttl(TINY_GRAPH + body)]), corpus=tiny_corpus)
    assert report.conforms, report.text()


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_graph_fails_its_shape(case, write_ttl, tiny_corpus):
    """Each bad case is reported by its shape, on its focus node, with a plain message."""
    body, focus, message = BAD_CASES[case]
    report = validate(load([write_ttl(TINY_GRAPH + body)]), corpus=tiny_corpus)
    assert not report.conforms
    shape_findings = [f for f in report.findings if f.kind == "shape"]
    assert any(f.focus == focus and message in f.message for f in shape_findings), report.text()
