"""Projections: the full graph keeps every entity and relation; collaboration and place graphs
keep every tie with its evidence; analysis results go back to RDF."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from conftest import statement
from gbakg.network.projections import GBX, analysis_to_rdf, collaboration_graph, full_graph, place_graph
from gbakg.rdf.load import load
from gbakg.vocabulary import GBR, curie
from netdata import NET

ID = str(GBR)


@pytest.fixture
def net_file(write_ttl):
    return write_ttl(NET, "net.ttl")


@pytest.fixture
def net(net_file):
    return load([net_file])


def _id(slug: str) -> str:
    return ID + slug


def _ev(quote: str) -> list[dict[str, str]]:
    return [{"source": "gbs:tiny", "title": "Tiny source", "quote": quote}]


# ---------------------------------------------------------------- the full graph


def test_full_graph_nodes_carry_the_attribute_contract(net):
    g = full_graph(net)
    uni = g.nodes[_id("uni-a")]
    assert uni["iri"] == _id("uni-a") and uni["label"] == "Alpha University" and uni["type"] == "gba:University"
    assert uni["aliases"] == ["A-Uni", "AU"]
    assert sorted(uni["gba:focusArea"]) == ["optics", "robotics"]
    assert uni["gba:founded"] == "1990" and type(uni["gba:founded"]) is str  # not an rdflib Literal
    assert uni["place"] == _id("old-town") and uni["home"] == _id("alpha-city")
    assert g.nodes[_id("agr")]["evidence"] == _ev("Alpha University and Beta Lab signed an agreement in 2020.")
    assert g.nodes[_id("prog")]["evidence"] == _ev("the Gamma Scheme")  # its type's statement
    assert g.nodes[_id("ms")]["gba:status"] == "gba:Planned"  # an ontology term: an attribute, not a node
    assert "https://w3id.org/gbakg/ontology#Planned" not in g


@pytest.mark.parametrize(
    ("s", "key", "o", "quote"),
    [
        ("agr", "gba:party", "uni-a", "Alpha University and Beta Lab signed an agreement in 2020."),
        ("uni-a", "gba:locatedIn", "old-town", "Alpha University is in Old Town."),
        ("prog", "gba:runBy", "firm-c", "Gamma Firm runs the Gamma Scheme."),
        ("s3", "gba:comparedWith", "uni-a", "Beta Lab does biotech research."),
        ("s1", "gba:stage", "stage-research", "Alpha University excels at research."),
    ],
)
def test_full_graph_edges_are_keyed_by_predicate_with_evidence(net, s, key, o, quote):
    edge = full_graph(net).edges[_id(s), _id(o), key]
    assert edge == {"relation": key, "evidence": _ev(quote)}


def test_full_graph_leaves_out_sources_and_vocabulary_unless_asked(net):
    g = full_graph(net, include_vocabulary=False)
    assert _id("stage-research") not in g and "https://w3id.org/gbakg/source/tiny" not in g
    with_sources = full_graph(net, include_sources=True)
    assert with_sources.nodes["https://w3id.org/gbakg/source/tiny"]["type"] == "gba:Source"
    assert with_sources.has_edge(_id("agr"), "https://w3id.org/gbakg/source/tiny", "prov:wasDerivedFrom")


_ENTITIES = """
SELECT DISTINCT ?s WHERE {
  ?s a ?c . FILTER(STRSTARTS(STR(?s), STR(gbr:)) && ?c NOT IN (rdf:Statement, skos:ConceptScheme))
}"""
_RELATIONS = (
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o . ?s a ?c . ?o a ?d . "
    "FILTER(STRSTARTS(STR(?s), STR(gbr:)) && STRSTARTS(STR(?o), STR(gbr:)) "
    "&& ?c NOT IN (rdf:Statement, skos:ConceptScheme) && ?d NOT IN (rdf:Statement, skos:ConceptScheme) "
    "&& ?p NOT IN (rdf:type, prov:wasDerivedFrom, gba:quote, skos:inScheme, skos:topConceptOf)) }"
)
_LITERALS = (
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o . ?s a ?c . FILTER(isLiteral(?o) && STRSTARTS(STR(?s), STR(gbr:)) "
    "&& ?c NOT IN (rdf:Statement, skos:ConceptScheme) && ?p NOT IN (gba:quote, rdfs:label, rdfs:comment, "
    "skos:altLabel, skos:prefLabel, skos:note, skos:definition)) }"
)


def test_curated_full_graph_keeps_every_entity_relation_and_literal(curated):
    """Counts derived by SPARQL on the curated graph, not typed by hand."""
    g = full_graph(curated)
    entities = {str(row.s) for row in curated.query(_ENTITIES)}
    assert set(g.nodes) == entities
    relations = {(str(r.s), str(r.o), curie(str(r.p))) for r in curated.query(_RELATIONS)}
    assert set(g.edges(keys=True)) == relations
    assert all(data["evidence"] for *_, data in g.edges(keys=True, data=True))  # every relation is cited
    for r in {(r.s, r.p, r.o) for r in curated.query(_LITERALS)}:
        value = g.nodes[str(r[0])][curie(str(r[1]))]
        values = value if isinstance(value, list) else [value]
        if r[2].datatype == XSD.decimal:  # decimals come in canonical form: 130000000000.0 -> 130000000000
            assert [Decimal(str(r[2]))] == [Decimal(v) for v in values]
        else:
            assert Literal(r[2]).toPython() in values or str(r[2]) in map(str, values)


# ---------------------------------------------------------------- collaboration and place graphs


def _kinds(g, a, b):
    return sorted((t["kind"], t["via"]) for t in g.edges[_id(a), _id(b)]["ties"])


def test_collaboration_graph_ties(net):
    collab = collaboration_graph(net)
    assert set(collab.nodes) == {
        _id(n) for n in ("alpha-city", "beta-city", "old-town", "uni-a", "lab-b", "firm-c", "lonely", "p1", "p2")
    }
    assert collab.number_of_edges() == 6
    assert _kinds(collab, "uni-a", "lab-b") == [("agreement", _id("agr")), ("collaboratesWith", None)]
    assert collab.edges[_id("uni-a"), _id("lab-b")]["weight"] == 2
    assert _kinds(collab, "lab-b", "firm-c") == [("collaboratesWith", None)]
    assert _kinds(collab, "p1", "lab-b") == [("membership", _id("m1"))]
    assert _kinds(collab, "p2", "lab-b") == [("membership", _id("m2"))]
    assert _kinds(collab, "p1", "p2") == [("co-membership", _id("lab-b"))]
    assert _kinds(collab, "firm-c", "uni-a") == [("programme", _id("prog"))]
    co = collab.edges[_id("p1"), _id("p2")]["ties"][0]
    assert co["via_label"] == "Beta Lab"
    assert [e["quote"] for e in co["evidence"]] == ["Pat One works at Beta Lab.", "Pat Two works at Beta Lab."]
    programme = collab.edges[_id("firm-c"), _id("uni-a")]["ties"][0]["evidence"]
    assert [e["quote"] for e in programme] == [
        "Gamma Firm runs the Gamma Scheme.",
        "Alpha University joined the Gamma Scheme.",
    ]


def test_place_graph_aggregates_to_cities(net):
    places = place_graph(collaboration_graph(net))
    assert set(places.nodes) == {_id("alpha-city"), _id("beta-city")}
    assert places.nodes[_id("alpha-city")]["members"] == [_id("alpha-city"), _id("old-town"), _id("uni-a")]
    assert places.nodes[_id("beta-city")]["internal_ties"] == 1  # lab-b with firm-c
    edge = places.edges[_id("alpha-city"), _id("beta-city")]
    assert edge["weight"] == 3
    assert sorted(t["kind"] for t in edge["ties"]) == ["agreement", "collaboratesWith", "programme"]
    assert places.graph["unplaced"] == [_id("lonely"), _id("p1"), _id("p2")]


_PAIRS = {
    "agreement": "SELECT ?a ?b ?via WHERE { ?via a gba:Agreement ; gba:party ?a , ?b . FILTER(STR(?a) < STR(?b)) }",
    "membership": "SELECT ?a ?b ?via WHERE { ?via a org:Membership ; org:member ?a ; org:organization ?b }",
    "collaboratesWith": "SELECT ?a ?b WHERE { ?a gba:collaboratesWith ?b }",
}


@pytest.mark.parametrize("kind", sorted(_PAIRS))
def test_curated_collaboration_graph_keeps_every_tie(curated, kind):
    collab = collaboration_graph(curated)
    rows = list(curated.query(_PAIRS[kind]))
    assert rows, f"the curated graph has no {kind} to check"
    for row in rows:
        ties = collab.edges[str(row.a), str(row.b)]["ties"]
        via = str(row.via) if "via" in row.labels else None
        assert any(t["kind"] == kind and t["via"] == via and t["evidence"] for t in ties)


def test_curated_place_graph_keeps_every_tie_between_placed_actors(curated):
    collab = collaboration_graph(curated)
    places = place_graph(collab)
    placed = {m for _, d in places.nodes(data=True) for m in d["members"]}
    expected = sum(d["weight"] for a, b, d in collab.edges(data=True) if a in placed and b in placed)
    kept = sum(d["weight"] for *_, d in places.edges(data=True)) + sum(
        d["internal_ties"] for _, d in places.nodes(data=True)
    )
    assert kept == expected
    assert placed | set(places.graph["unplaced"]) == set(collab.nodes)


# ---------------------------------------------------------------- back to RDF


def test_analysis_to_rdf_is_queryable():
    rows = [{"iri": _id("a"), "label": "A", "betweenness": 0.5, "effective_size": 2.0, "constraint": None}]
    communities = {"louvain": {"modularity": 0.25, "communities": [[_id("a"), _id("b")], [_id("c")]]}}
    rdf = analysis_to_rdf(rows, communities, projection="collaboration graph", method="exact")
    assert (URIRef(_id("a")), GBX.betweenness, Literal(0.5)) in rdf
    assert (URIRef(_id("a")), GBX.effectiveSize, Literal(2.0)) in rdf
    assert not list(rdf.triples((None, GBX.constraint, None)))
    members = rdf.query(
        "SELECT ?m WHERE { ?c a gbx:Community ; gbx:method 'louvain' ; gbx:member ?m ; gbx:modularity ?q . "
        "FILTER(?q = 0.25) } ORDER BY ?m",
        initNs={"gbx": GBX},
    )
    assert [str(r.m) for r in members] == [_id("a"), _id("b"), _id("c")]


def test_joint_institutions_tie_their_hosts(write_ttl):
    """A lab run by one body and founded by another ties each to the lab and the two to each other."""
    joint = write_ttl(
        """
gbr:x-city a gba:City ; rdfs:label "X City"@en .
gbr:y-city a gba:City ; rdfs:label "Y City"@en .
gbr:u a gba:University ; rdfs:label "U"@en .
gbr:g a gba:GovernmentBody ; rdfs:label "G"@en .
gbr:j a gba:ResearchInstitute ; rdfs:label "Joint Lab"@en .
gbr:pr a gba:Policy ; rdfs:label "A Policy"@en .
"""
        + statement("gbr:u", "gba:locatedIn", "gbr:x-city", "U is in X City.")
        + statement("gbr:g", "gba:locatedIn", "gbr:y-city", "G is in Y City.")
        + statement("gbr:j", "gba:locatedIn", "gbr:y-city", "Joint Lab is in Y City.")
        + statement("gbr:j", "gba:runBy", "gbr:u", "U runs Joint Lab.")
        + statement("gbr:j", "gba:founder", "gbr:g", "G founded Joint Lab.")
        + statement("gbr:pr", "gba:founder", "gbr:g", "G wrote A Policy."),
        "joint.ttl",
    )
    collab = collaboration_graph(load([joint]))
    assert _kinds(collab, "j", "u") == [("runs", None)]
    assert _kinds(collab, "j", "g") == [("runs", None)]
    assert _kinds(collab, "g", "u") == [("co-running", _id("j"))]
    assert collab.edges[_id("g"), _id("u")]["ties"][0]["via_label"] == "Joint Lab"
    assert not collab.has_node(_id("pr"))  # a policy is not an actor: its founder ties nothing
    places = place_graph(collab)
    assert places.edges[_id("x-city"), _id("y-city")]["weight"] == 2  # U–Joint Lab and U–G
