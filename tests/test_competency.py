"""Competency questions: what a reader of the source article can ask the curated graph.

Each question is a SPARQL query over what the article backs in the curated graph (its facts, via
``gbakg.rdf.provenance.facts_from``, so the answers stay exact as other sources add data) with the exact
answer written from reading "Development Blueprint for Hong Kong's Digital Economy" (January 2022). Answers are
compared as sets of rows; an IRI in ``gbr:`` is shown as its slug, a literal as its lexical form.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from gbakg.rdf.provenance import facts_from

GBR = "https://w3id.org/gbakg/id/"
GBA = "https://w3id.org/gbakg/ontology#"

PREFIXES = """\
PREFIX gba: <https://w3id.org/gbakg/ontology#>
PREFIX gbr: <https://w3id.org/gbakg/id/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def _show(term: object) -> str:
    if isinstance(term, URIRef) and str(term).startswith(GBR):
        return str(term)[len(GBR) :]
    if isinstance(term, URIRef) and str(term).startswith(GBA):
        return "gba:" + str(term)[len(GBA) :]
    return str(term)


def answer(graph: Graph, query: str) -> set[tuple[str, ...]]:
    return {tuple(_show(v) for v in row) for row in graph.query(PREFIXES + query)}


QUESTIONS = [
    pytest.param(
        "SELECT ?place WHERE { gbr:microelectronics-centre gba:locatedIn/gba:partOf* ?place }",
        {("yuen-long",)},
        id="where-is-the-microelectronics-centre",
    ),
    pytest.param(
        "SELECT ?place WHERE { gbr:advanced-manufacturing-centre gba:locatedIn/gba:partOf* ?place }",
        {("tseung-kwan-o",)},
        id="where-is-the-advanced-manufacturing-centre",
    ),
    pytest.param(
        "SELECT ?place WHERE { ?place gba:hasStrength/gba:stage gbr:stage-commercialisation }",
        {("shenzhen",)},
        id="who-is-strong-at-commercialisation",
    ),
    pytest.param(
        """SELECT ?holder ?other WHERE {
             ?s a gba:Strength ; gba:holder ?holder ; gba:stage gbr:stage-commercialisation ;
                gba:comparedWith ?other }""",
        {("shenzhen", "hong-kong")},
        id="shenzhen-is-stronger-than-hong-kong-at-commercialisation",
    ),
    pytest.param(
        "SELECT ?place WHERE { ?place gba:hasStrength/gba:stage gbr:stage-manufacturing }",
        {("dongguan",), ("guangzhou",)},
        id="who-is-strong-at-manufacturing",
    ),
    pytest.param(
        "SELECT DISTINCT ?place WHERE { ?place gba:hasStrength/gba:stage gbr:stage-research }",
        {("hong-kong",), ("shenzhen",), ("guangzhou",), ("china",)},
        id="who-is-strong-at-research",
    ),
    pytest.param(
        "SELECT DISTINCT ?stage WHERE { gbr:hong-kong gba:hasStrength/gba:stage ?stage }",
        {("stage-research",), ("stage-professional-services",), ("stage-financing",)},
        id="what-is-hong-kong-strong-at",
    ),
    pytest.param(
        """SELECT ?sector WHERE { ?s gba:holder gbr:hong-kong ; gba:stage gbr:stage-professional-services ;
                                     gba:sector ?sector }""",
        {("legal services",)},
        id="which-professional-services-is-hong-kong-strong-in",
    ),
    pytest.param(
        "SELECT ?sector WHERE { ?s gba:holder gbr:hong-kong ; gba:stage gbr:stage-financing ; gba:sector ?sector }",
        {("biotech",), ("advanced cutting-edge technologies",)},
        id="what-can-be-funded-in-hong-kong",
    ),
    pytest.param(
        "SELECT ?party WHERE { gbr:agreement-idea-hkust-gz gba:party ?party }",
        {("idea",), ("hkust-guangzhou",)},
        id="parties-of-the-idea-hkust-gz-agreement",
    ),
    pytest.param(
        "SELECT ?area WHERE { gbr:agreement-idea-hkust-gz gba:focusArea ?area }",
        {
            ("innovating in frontier disciplines",),
            ("talent recruitment",),
            ("student cultivation",),
            ("project collaboration",),
            ("sharing of technology resources",),
        },
        id="focus-areas-of-the-idea-hkust-gz-agreement",
    ),
    pytest.param(
        """SELECT ?person WHERE {
             ?m a org:Membership ; org:member ?person ; org:organization gbr:idea ; org:role ?role .
             ?role rdfs:label "Chairman"@en }""",
        {("harry-shum",)},
        id="who-chairs-idea",
    ),
    pytest.param(
        "SELECT ?person WHERE { gbr:idea gba:founder ?person }",
        {("harry-shum",)},
        id="who-founded-idea",
    ),
    pytest.param(
        "SELECT ?place WHERE { gbr:idea gba:locatedIn ?place }",
        {("shenzhen",)},
        id="where-is-idea",
    ),
    pytest.param(
        "SELECT ?area WHERE { gbr:idea gba:focusArea ?area }",
        {("artificial intelligence",), ("digital economy",), ("cutting-edge technologies",)},
        id="what-does-idea-focus-on",
    ),
    pytest.param(
        """SELECT ?person ?org WHERE {
             ?m a org:Membership ; org:member ?person ; org:organization ?org ;
                org:role gbr:role-secretary-for-innovation-and-technology }""",
        {("alfred-sit", "hksar-government")},
        id="who-is-secretary-for-innovation-and-technology",
    ),
    pytest.param(
        """SELECT ?year ?status WHERE {
             ?m gba:milestoneOf gbr:hong-kong-listing-regime ; gba:event "changed" ;
                gba:date ?year ; gba:status ?status }""",
        {("2018", "gba:Achieved")},
        id="when-did-the-listing-regime-change",
    ),
    pytest.param(
        """SELECT ?n ?runner WHERE {
             ?f gba:figureOf gbr:innohk ; schema:value ?n . gbr:innohk gba:runBy ?runner }""",
        {("28", "hksar-government")},
        id="how-many-joint-labs-has-innohk-attracted",
    ),
    pytest.param(
        """SELECT ?amount ?unit WHERE {
             ?f gba:figureOf gbr:hksar-government ; schema:value ?amount ; schema:unitText ?unit }""",
        {("130000000000.0", "HKD")},  # a decimal, written canonically
        id="how-much-has-the-government-invested-in-i-and-t",
    ),
    pytest.param(
        """SELECT ?n WHERE { ?f gba:figureOf gbr:hong-kong ; schema:unitText "universities" ; schema:value ?n }""",
        {("5",)},
        id="how-many-hong-kong-universities-are-in-the-world-top-100",
    ),
    pytest.param(
        """SELECT ?facility ?year WHERE {
             ?m a gba:Milestone ; gba:milestoneOf ?facility ; gba:date ?year ; gba:status gba:Planned .
             ?facility a gba:Facility }""",
        {
            ("microelectronics-centre", "2023"),
            ("advanced-manufacturing-centre", "2023"),  # "next year", resolved by the one rule
            ("hong-kong-science-park", "2024"),
            ("cyberport", "2025"),
        },
        id="which-facilities-complete-when",
    ),
    pytest.param(
        """SELECT ?facility ?date ?written WHERE {
             ?m gba:milestoneOf ?facility ; gba:event "opened" ; gba:status gba:Planned ;
                gba:date ?date ; gba:dateAsWritten ?written }""",
        {("advanced-manufacturing-centre", "2023", "next year")},  # resolved against the article's date by the rule
        id="the-opening-next-year-is-resolved-by-the-one-rule",
    ),
    pytest.param(
        """SELECT ?zone WHERE {
             { gbr:lok-ma-chau-loop gba:adjacentTo ?zone } UNION { ?zone gba:adjacentTo gbr:lok-ma-chau-loop } }""",
        {("hetao-shenzhen-park",)},  # the Shenzhen Innovation and Technology Zone, merged into it
        id="what-is-across-the-river-from-the-lok-ma-chau-loop",
    ),
    pytest.param(
        "SELECT ?area WHERE { gbr:san-tin-technopole gba:partOf+ ?area }",
        {("northern-metropolis",)},
        id="what-is-the-san-tin-technopole-part-of",
    ),
    pytest.param(
        "SELECT ?city WHERE { ?city a gba:City ; gba:partOf+ gbr:greater-bay-area }",
        {("hong-kong",), ("shenzhen",), ("guangzhou",)},
        id="which-cities-the-source-places-in-the-greater-bay-area",
    ),
    pytest.param(
        "SELECT ?plan WHERE { gbr:digital-china gba:partOfPolicy ?plan }",
        {("14th-five-year-plan",)},
        id="which-plan-highlights-digital-china",
    ),
    pytest.param(
        "SELECT ?place WHERE { gbr:framework-agreement-greater-bay-area gba:appliesTo ?place }",
        {("greater-bay-area",), ("guangdong",), ("hong-kong",), ("macao",)},  # its parties are governments
        id="which-places-the-framework-agreement-covers",
    ),
    pytest.param(
        """SELECT ?other WHERE {
             { gbr:idea gba:collaboratesWith ?other } UNION { ?other gba:collaboratesWith gbr:idea } }""",
        {("hkust-guangzhou",)},
        id="who-does-idea-collaborate-with",
    ),
    pytest.param(
        """SELECT ?other WHERE {
             { gbr:guangdong-provincial-government gba:collaboratesWith ?other }
             UNION { ?other gba:collaboratesWith gbr:guangdong-provincial-government } }""",
        {("hksar-government",)},
        id="who-plans-to-work-with-the-guangdong-authorities",
    ),
    pytest.param(
        """SELECT DISTINCT ?a ?b WHERE {
             { ?a gba:collaboratesWith ?b } UNION { ?b gba:collaboratesWith ?a }
             ?a a gba:City . ?b a gba:City . FILTER (STR(?a) < STR(?b)) }""",
        {("guangzhou", "hong-kong"), ("guangzhou", "shenzhen"), ("hong-kong", "shenzhen")},
        id="which-cities-collaborate",
    ),
    pytest.param(
        "SELECT ?policy WHERE { ?policy a gba:Policy ; gba:appliesTo gbr:san-tin-technopole }",
        {("latest-policy-address",)},
        id="which-policy-mentions-the-san-tin-technopole",
    ),
]


@pytest.fixture(scope="module")
def article(curated: Graph) -> Graph:
    """The facts the article itself backs."""
    return facts_from(curated, URIRef("https://w3id.org/gbakg/source/hk-digital-economy-blueprint-2022-01"))


@pytest.mark.parametrize(("query", "expected"), QUESTIONS)
def test_competency_question(article: Graph, query: str, expected: set[tuple[str, ...]]) -> None:
    assert answer(article, query) == expected


def test_the_article_view_is_part_of_the_curated_graph(curated: Graph, article: Graph) -> None:
    """The view adds nothing: every triple in it is in the curated graph, and it is smaller."""
    assert all(triple in curated for triple in article)
    assert 0 < len(article) <= len(curated)


def test_every_quote_is_at_most_300_characters(curated: Graph) -> None:
    """Quotes on rdf:Statements and on qualified nodes are short passages, not copies of the text."""
    quote = URIRef(GBA + "quote")
    quotes = list(curated.subject_objects(quote))
    assert quotes, "the curated graph carries no quotes"
    too_long = [(str(s), len(str(q))) for s, q in quotes if len(str(q)) > 300]
    assert not too_long


def test_every_statement_has_one_quote(curated: Graph) -> None:
    """Each rdf:Statement carries exactly one quote, a plain string."""
    quote = URIRef(GBA + "quote")
    for st in curated.subjects(RDF.type, RDF.Statement):
        values = list(curated.objects(st, quote))
        assert len(values) == 1, st
        assert isinstance(values[0], Literal)
