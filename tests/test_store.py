"""Loading Turtle: the curated graph, the user's own files, and clear errors for bad input."""

from __future__ import annotations

import pytest
from rdflib.namespace import OWL, RDF

from gbakg.errors import InputError, ParseError
from gbakg.rdf.load import load
from gbakg.vocabulary import GBA, GBR


def test_load_merges_curated_data_and_ontology(curated):
    assert (GBA.City, RDF.type, OWL.Class) in curated
    assert (GBR["hong-kong"], RDF.type, GBA.City) in curated


def test_user_files_replace_the_curated_graph(tiny_file):
    g = load([tiny_file])
    assert (GBR["alpha-city"], RDF.type, GBA.City) in g
    assert (GBR["hong-kong"], None, None) not in g


def test_with_curated_adds_both(tiny_file):
    g = load([tiny_file], with_curated=True)
    assert (GBR["alpha-city"], RDF.type, GBA.City) in g
    assert (GBR["hong-kong"], RDF.type, GBA.City) in g


def test_folder_of_files(tiny_file):
    g = load([tiny_file.parent])
    assert (GBR["beta-lab"], RDF.type, GBA.ResearchInstitute) in g


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\nex:d ex:e "open string .\n', 3),
        ("@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\n\n\nex:d ex:e ex:f\nex:g ex:h ex:i .\n", 6),
        ("ex:a ex:b ex:c .\n", 1),
        ("@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\nex:d ex:e <not a valid iri> .\n", 3),
    ],
)
def test_malformed_turtle_names_file_and_line(tmp_path, text, line):
    bad = tmp_path / "bad.ttl"
    bad.write_text(text)
    with pytest.raises(ParseError, match=rf"^{bad}:{line}: invalid Turtle: "):
        load([bad])


def test_missing_path(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        load([tmp_path / "nope.ttl"])


def test_folder_without_turtle(tmp_path):
    with pytest.raises(InputError, match=r"folder holds no \.ttl files"):
        load([tmp_path])


def test_non_utf8_file(tmp_path):
    bad = tmp_path / "latin1.ttl"
    bad.write_bytes(b'@prefix ex: <http://ex/> .\nex:a ex:b "caf\xe9" .\n')
    with pytest.raises(ParseError, match="not UTF-8"):
        load([bad])


def test_reasoning_adds_inferred_types(tiny_file):
    """With the OWL-RL closure, a City is also a Place."""
    assert (GBR["alpha-city"], RDF.type, GBA.Place) not in load([tiny_file])
    assert (GBR["alpha-city"], RDF.type, GBA.Place) in load([tiny_file], reasoning=True)
