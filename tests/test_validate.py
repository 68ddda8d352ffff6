"""The provenance rule and the quote check, on small graphs and on the curated graph."""

from __future__ import annotations

import pytest
from rdflib import Literal
from rdflib.namespace import PROV, RDF

from conftest import CORPUS, TINY_GRAPH, TINY_SOURCE, statement
from gbakg.errors import DataNotFoundError
from gbakg.rdf.load import load
from gbakg.rdf.validate import validate
from gbakg.vocabulary import GBA


def _findings(report, kind):
    return [str(f) for f in report.findings if f.kind == kind]


def test_uncited_triple_is_a_violation(write_ttl, tiny_corpus):
    """A link between entities without an rdf:Statement is reported with its subject and property."""
    report = validate(load([write_ttl(TINY_GRAPH + "gbr:beta-lab gba:locatedIn gbr:alpha-city .")]), corpus=tiny_corpus)
    assert not report.conforms
    assert any(
        "gbr:beta-lab gba:locatedIn" in f and "no evidence for the value gbr:alpha-city" in f
        for f in _findings(report, "provenance")
    )


def test_uncited_type_is_a_violation(write_ttl, tiny_corpus):
    """An entity's type needs evidence too."""
    body = TINY_GRAPH + 'gbr:new-city a gba:City ; rdfs:label "New"@en .'
    report = validate(load([write_ttl(body)]), corpus=tiny_corpus)
    assert any("gbr:new-city rdf:type" in f for f in _findings(report, "provenance"))


def test_statement_without_its_triple_is_a_violation(write_ttl, tiny_corpus):
    """Evidence for a triple that is not asserted is reported, so quotes never float free."""
    body = """[] a rdf:Statement ; rdf:subject gbr:beta-lab ; rdf:predicate gba:locatedIn ;
        rdf:object gbr:alpha-city ; prov:wasDerivedFrom gbs:tiny ; gba:quote "Beta Lab" ."""
    report = validate(load([write_ttl(TINY_GRAPH + body)]), corpus=tiny_corpus)
    assert any("that triple is not in the graph" in f for f in _findings(report, "provenance"))


def test_reference_to_undescribed_entity_is_a_violation(write_ttl, tiny_corpus):
    """A misspelt slug shows up as a reference to something never described."""
    body = statement("gbr:beta-lab", "gba:collaboratesWith", "gbr:alpha-universty", "Beta Lab")
    report = validate(load([write_ttl(TINY_GRAPH + body)]), corpus=tiny_corpus)
    assert any(
        "gbr:alpha-universty: is used but has no type and no English label, used by gbr:beta-lab gba:collaboratesWith"
        in f
        for f in _findings(report, "model")
    )


def test_altered_quote_fails(write_ttl, tiny_corpus):
    """A quote that is not in the source text fails, naming the text file."""
    body = TINY_GRAPH.replace("Alpha City is good at research.", "Alpha City is great at research.")
    report = validate(load([write_ttl(body)]), corpus=tiny_corpus)
    assert any("quote not found in tiny.txt" in f for f in _findings(report, "quote"))


def test_quote_matches_across_folded_space_and_typography(write_ttl, tiny_corpus):
    """The corpus has a no-break space and straight quotes; a quote with a newline and curly quotes still matches."""
    body = TINY_GRAPH + statement(
        "gbr:beta-lab", "gba:collaboratesWith", "gbr:alpha-university", "in 2020.\\n  Alpha City"
    )
    report = validate(load([write_ttl(body)]), corpus=tiny_corpus)
    assert report.conforms, report.text()


def test_a_corpus_without_any_cited_text_is_an_input_error(write_ttl, tmp_path):
    """The wrong folder: one error naming the text and the folder, not one violation per quote."""
    empty = tmp_path / "empty-corpus"
    empty.mkdir()
    with pytest.raises(DataNotFoundError, match=f"^source text tiny.txt not found in {empty}$"):
        validate(load([write_ttl(TINY_GRAPH)]), corpus=empty)


def test_a_missing_corpus_text_is_one_violation(write_ttl, tiny_corpus):
    """A text the corpus lacks, among texts it holds: one finding for the text, however many quotes cite it."""
    other = 'gbs:other a gba:Source ; rdfs:label "Other" ; dcterms:title "Other" ; gba:corpusFile "other.txt" .\n'
    quotes = "".join(
        statement("gbr:alpha-city", "rdfs:comment", f'"note {i}"', f"quote {i}", source="gbs:other") for i in range(3)
    )
    report = validate(load([write_ttl(TINY_GRAPH + other + quotes)]), corpus=tiny_corpus)
    assert _findings(report, "quote") == [
        f"[quote] gbs:other gba:corpusFile: source text other.txt not found in {tiny_corpus} (3 quote(s) not checked)"
    ]


def test_no_corpus_is_a_note_not_a_warning(write_ttl, tmp_path, monkeypatch):
    monkeypatch.setattr("gbakg.paths.corpus_dir", lambda explicit=None: None)
    report = validate(load([write_ttl(TINY_GRAPH)]))
    assert report.conforms and report.warnings == []
    assert report.text().splitlines()[-1] == (
        "  note: quotes not checked against their source texts (no corpus: give --corpus DIR or set GBAKG_CORPUS)"
    )
    assert "quotes found" not in report.text()


def test_web_sources_are_counted_not_checked(write_ttl, tiny_corpus):
    """A quote from a web page cannot be checked offline; it is counted as unverifiable."""
    source = TINY_SOURCE.replace('gba:corpusFile "tiny.txt"', "schema:url <https://example.org/page>")
    report = validate(load([write_ttl(source + TINY_GRAPH, source=False)]), corpus=tiny_corpus)
    assert report.conforms, report.text()
    assert report.quotes_checked == 0
    assert report.quotes_unverifiable == 9
    assert report.text().endswith(
        "0 quotes found in their sources, 9 quotes from web pages (check them online with `gbakg sources check`)."
    )


def _corpus_quotes(graph):
    """Quotes whose source has a text in the corpus (web sources cannot be checked offline)."""
    return sorted(
        (node, quote)
        for node, quote in graph.subject_objects(GBA.quote)
        if graph.value(graph.value(node, PROV.wasDerivedFrom), GBA.corpusFile) is not None
    )


def test_curated_graph_is_valid(curated):
    """The curated graph passes every shape, the provenance rule and the quote check."""
    report = validate(curated, corpus=CORPUS)
    assert report.conforms, report.text()
    assert report.quotes_checked == len(_corpus_quotes(curated)) > 0
    assert report.quotes_checked + report.quotes_unverifiable == len(list(curated.subject_objects(GBA.quote)))


def test_altering_a_curated_quote_fails(curated):
    """Altering a curated quote makes validation fail (the check really reads the text)."""
    node, quote = _corpus_quotes(curated)[0]
    altered = curated.__class__()
    for triple in curated:
        altered.add(triple)
    altered.set((node, GBA.quote, Literal(str(quote) + " and more")))
    report = validate(altered, corpus=CORPUS)
    assert [f.kind for f in report.findings] == ["quote"]


@pytest.mark.parametrize("cls", [GBA.Agreement, GBA.Strength, RDF.Statement])
def test_curated_has_qualified_evidence(curated, cls):
    """Agreements, strengths and statements all exist in the curated graph and carry a quote."""
    nodes = list(curated.subjects(RDF.type, cls))
    assert nodes
    assert all(curated.value(n, GBA.quote) is not None for n in nodes)
