"""Shared fixtures: the curated graph, and small graphs built from inline Turtle."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("GBAKG_CORPUS", ROOT.parent / "shared" / "corpus"))


def pytest_configure(config: pytest.Config) -> None:
    """Give Ctrl+C its default meaning again when the suite was started with SIGINT ignored.

    A shell started in the background (``pytest &``, ``nohup``, some CI runners) ignores SIGINT,
    every process it starts inherits that, and the tests that press Ctrl+C on a server would then
    wait for a shutdown that never comes. A handler (unlike "ignore") is reset on exec, so the
    servers the tests start get the default again.
    """
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


PREFIXES = """\
@prefix gba: <https://w3id.org/gbakg/ontology#> .
@prefix gbr: <https://w3id.org/gbakg/id/> .
@prefix gbs: <https://w3id.org/gbakg/source/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

# A source whose text is the tiny corpus below, so small graphs can cite real quotes.
TINY_SOURCE = """\
gbs:tiny a gba:Source ; rdfs:label "Tiny source" ; dcterms:title "Tiny source" ;
    dcterms:date "2024-05-01"^^xsd:date ; gba:corpusFile "tiny.txt" .
"""
TINY_TEXT = (
    "Alpha University is in Alpha City. Beta Lab is in Beta City.\n"
    "Alpha University and Beta Lab signed an agreement in 2020.\u00a0Alpha City is good at research.\n"
)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Persistent stores and as-of files go to a folder of the test session, never the checkout."""
    monkeypatch.setenv("GBAKG_CACHE", str(tmp_path_factory.getbasetemp() / "gbakg-cache"))


@pytest.fixture
def run() -> Callable[..., Any]:
    """Invoke the ``gbakg`` CLI in-process: ``run("stats", "--format", "json", input=None)``."""
    from click.testing import CliRunner

    from gbakg.cli import cli

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Any:
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def curated() -> Graph:
    """The curated graph with the ontology, loaded once."""
    from gbakg.rdf.load import load

    return load()


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "tiny.txt").write_text(TINY_TEXT, encoding="utf-8")
    return folder


@pytest.fixture
def write_ttl(tmp_path: Path) -> Callable[..., Path]:
    """Write inline Turtle (prefixes and the tiny source prepended) to a file and return its path."""

    def write(body: str, name: str = "data.ttl", *, source: bool = True) -> Path:
        path = tmp_path / name
        text = PREFIXES + (TINY_SOURCE if source else "") + textwrap.dedent(body)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def statement(s: str, p: str, o: str, quote: str, source: str = "gbs:tiny") -> str:
    """Turtle for a triple and the rdf:Statement that cites it."""
    return (
        f"{s} {p} {o} .\n"
        f"[] a rdf:Statement ; rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} ;\n"
        f'   prov:wasDerivedFrom {source} ; gba:quote "{quote}" .\n'
    )


# A small valid graph: two organisations in two cities and an agreement between them.
TINY_GRAPH = (
    """
gbr:alpha-city rdfs:label "Alpha City"@en .
gbr:beta-city rdfs:label "Beta City"@en .
gbr:alpha-university rdfs:label "Alpha University"@en .
gbr:beta-lab rdfs:label "Beta Lab"@en ; skos:altLabel "BL" .
gbr:agreement-alpha-beta a gba:Agreement ; rdfs:label "Alpha-Beta agreement"@en ;
    gba:party gbr:alpha-university , gbr:beta-lab ; gba:signedOn "2020"^^xsd:gYear ;
    prov:wasDerivedFrom gbs:tiny ; gba:quote "Alpha University and Beta Lab signed an agreement in 2020." .
gbr:strength-alpha-research a gba:Strength ; rdfs:label "Alpha City: research"@en ;
    gba:holder gbr:alpha-city ; gba:stage gbr:stage-research ;
    prov:wasDerivedFrom gbs:tiny ; gba:quote "Alpha City is good at research." .
"""
    + statement("gbr:alpha-city", "rdf:type", "gba:City", "Alpha City")
    + statement("gbr:beta-city", "rdf:type", "gba:City", "Beta City")
    + statement("gbr:alpha-university", "rdf:type", "gba:University", "Alpha University is in Alpha City")
    + statement("gbr:beta-lab", "rdf:type", "gba:ResearchInstitute", "Beta Lab is in Beta City")
    + statement("gbr:alpha-university", "gba:locatedIn", "gbr:alpha-city", "Alpha University is in Alpha City")
    + statement("gbr:beta-lab", "gba:locatedIn", "gbr:beta-city", "Beta Lab is in Beta City")
    + statement("gbr:alpha-city", "gba:hasStrength", "gbr:strength-alpha-research", "Alpha City is good at research.")
)


@pytest.fixture
def tiny_file(write_ttl: Callable[..., Path]) -> Path:
    return write_ttl(TINY_GRAPH, "tiny.ttl")


@pytest.fixture
def dated() -> Graph:
    """The small dated graph of ``timedata`` (for as-of and timeline tests)."""
    from timedata import DATED_GRAPH

    return Graph().parse(data=PREFIXES + DATED_GRAPH, format="turtle")


@pytest.fixture
def dated_file(write_ttl: Callable[..., Path]) -> Path:
    from timedata import DATED_GRAPH

    return write_ttl(DATED_GRAPH, "dated.ttl", source=False)


# -- external servers (oxigraph serve, Virtuoso) --------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(
    process: subprocess.Popen, ready: Callable[[], object], timeout: float, why_not: Callable[[], str]
) -> Iterator[None]:
    """Wait until ``ready()`` stops raising, then hand over; kill the server afterwards, whatever happened.

    A server that exits or is still not ready after ``timeout`` seconds fails with ``why_not()``.
    """
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                ready()
                break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(why_not()) from None
                time.sleep(0.1)
        yield
    finally:
        process.kill()
        process.wait(30)
