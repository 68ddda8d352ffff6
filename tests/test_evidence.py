"""Evidence nodes are named by their content: stable bytes, idempotent loads, exact literals."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph
from rdflib.namespace import PROV, RDF

from conftest import TINY_GRAPH
from gbakg.rdf.evidence import name_blank_evidence, statement_iri
from gbakg.rdf.load import load
from gbakg.vocabulary import GBA, GBE, GBR


def test_blank_statements_get_their_content_iri(write_ttl):
    g = load([write_ttl(TINY_GRAPH)], ontology=False)
    statements = set(g.subjects(RDF.type, RDF.Statement))
    assert statements and not any(isinstance(s, BNode) for s in statements)
    for st in statements:
        parts = (g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object))
        assert st == statement_iri(*parts, g.value(st, PROV.wasDerivedFrom), str(g.value(st, GBA.quote)))


def test_the_same_evidence_twice_is_one_node(write_ttl):
    """Loading a file twice (or two files that cite the same way) adds nothing."""
    once = load([write_ttl(TINY_GRAPH, "a.ttl")], ontology=False)
    twice = load([write_ttl(TINY_GRAPH, "a.ttl"), write_ttl(TINY_GRAPH, "b.ttl")], ontology=False)
    assert len(once) == len(twice)


def test_renaming_is_idempotent(write_ttl):
    g = load([write_ttl(TINY_GRAPH)], ontology=False)
    assert name_blank_evidence(g) == 0


def test_the_iri_depends_on_every_part():
    s, p, o = GBR["a"], RDF.type, GBR["b"]
    base = statement_iri(s, p, o, GBR["src"], "q")
    assert base.startswith(str(GBE) + "st-")
    assert (
        len(
            {
                base,
                statement_iri(s, p, o, GBR["src"], "q2"),
                statement_iri(s, p, GBR["c"], GBR["src"], "q"),
                statement_iri(s, p, o, GBR["src2"], "q"),
            }
        )
        == 4
    )


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".jsonld"])
def test_export_twice_gives_identical_bytes(run, tmp_path, suffix):
    first, second = tmp_path / f"one{suffix}", tmp_path / f"two{suffix}"
    assert run("export", "-o", str(first)).exit_code == 0
    assert run("export", "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes().endswith(b"\n")


def test_the_curated_files_hold_no_blank_evidence():
    """Evidence is written with IRIs in graph/ itself, so other tools reading the files see the same names."""
    from gbakg import paths
    from gbakg.rdf.load import turtle_files

    for path in turtle_files([paths.graph_dir()]):
        g = Graph().parse(path)
        blank = [s for s in g.subjects(RDF.type, RDF.Statement) if isinstance(s, BNode)]
        assert not blank, f"{path.name}: {len(blank)} blank-node statements"


def test_a_build_read_back_adds_nothing(run, tmp_path, curated):
    assert run("build", "--out", str(tmp_path / "out")).exit_code == 0
    both = load([str(tmp_path / "out" / "gbakg.ttl")], with_curated=True)
    assert len(both) == len(curated)


def test_literals_round_trip_exactly(run, tmp_path, curated):
    """What export writes, a strict parser reads back term for term (no 1.0 for 1, no lost datatype)."""
    assert run("export", "-o", str(tmp_path / "all.ttl")).exit_code == 0
    back = Graph().parse(tmp_path / "all.ttl")
    assert {tuple(t.n3() for t in triple) for triple in back} == {tuple(t.n3() for t in triple) for triple in curated}
    strict = {str(t) for t in ox.parse(path=str(tmp_path / "all.ttl"), format=ox.RdfFormat.TURTLE)}
    assert len(strict) == len(curated)
