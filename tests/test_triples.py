"""Reading triples from rdflib or Oxigraph: the projections built from either are the same graphs,
node for node, edge for edge, attribute for attribute, in the same order."""

from __future__ import annotations

import networkx as nx
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from gbakg.network.projections import collaboration_graph, full_graph, place_graph
from gbakg.network.triples import Blank, Lit, read
from gbakg.rdf.load import graph_files, load
from gbakg.sparql.engine import open_store
from netdata import NET


def _same(a: nx.Graph, b: nx.Graph) -> None:
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    if a.is_multigraph():
        assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
    else:
        assert list(a.edges(data=True)) == list(b.edges(data=True))
    assert a.graph == b.graph


@pytest.fixture(params=["fixture", "curated"])
def files(request, write_ttl):
    if request.param == "curated":
        return graph_files(None)
    return graph_files([str(write_ttl(NET, "net.ttl"))])


@pytest.mark.parametrize("cache", [False, True], ids=["in-memory store", "persistent store"])
@pytest.mark.parametrize(
    "options", [{}, {"include_sources": True}, {"include_vocabulary": False}, {"lang": "zh"}], ids=str
)
def test_full_graph_from_the_store_equals_the_one_from_rdflib(files, cache, options):
    from_rdflib = full_graph(load([str(f) for f in files], ontology=False), **options)
    from_store = full_graph(open_store(files, cache=cache), **options)
    assert from_rdflib.number_of_nodes() > 5
    _same(from_rdflib, from_store)


def test_collaboration_and_place_graphs_from_the_store_equal_rdflibs(files):
    graph, store = load([str(f) for f in files], ontology=False), open_store(files, cache=False)
    collab = collaboration_graph(graph)
    assert collab.number_of_edges() > 3
    _same(collab, collaboration_graph(store))
    _same(place_graph(collab), place_graph(collaboration_graph(store)))


@pytest.mark.parametrize(
    ("term", "plain"),
    [
        (URIRef("https://w3id.org/gbakg/id/x"), "https://w3id.org/gbakg/id/x"),
        (BNode("b1"), Blank("b1")),
        (Literal("Hong Kong", lang="en"), Lit("Hong Kong", "en", None)),
        (Literal("plain"), Lit("plain", None, None)),
        (Literal("typed", datatype=XSD.string), Lit("typed", None, None)),  # as Oxigraph writes a plain one
        (Literal("2020-01-02", datatype=XSD.date), Lit("2020-01-02", None, str(XSD.date))),
    ],
)
def test_rdflib_terms_become_plain_values(term, plain):
    g = Graph()
    g.add((URIRef("https://w3id.org/gbakg/id/s"), URIRef("https://w3id.org/gbakg/ontology#p"), term))
    (_, pairs), *_ = read(g).out.items()
    assert pairs == [("https://w3id.org/gbakg/ontology#p", plain)]
    assert type(pairs[0][1]) is type(plain)


@pytest.mark.parametrize(
    ("lit", "value"),
    [
        (Lit("42", None, str(XSD.integer)), 42),
        (Lit("4.5E0", None, str(XSD.double)), 4.5),
        (Lit("true", None, str(XSD.boolean)), True),
        (Lit("130000000000.0", None, str(XSD.decimal)), "130000000000"),
        (Lit("1.50", None, str(XSD.decimal)), "1.5"),
        (Lit("not a number", None, str(XSD.decimal)), "not a number"),
        (Lit("2020", None, str(XSD.gYear)), "2020"),
        (Lit("text", "en", None), "text"),
    ],
)
def test_literal_values(lit, value):
    assert lit.python() == value and type(lit.python()) is type(value)
