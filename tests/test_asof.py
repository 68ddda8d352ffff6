"""The graph as of a date: what is dropped, what stays, and what falls with a dropped node."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from gbakg.cli import cli
from gbakg.cli.kit import graph_options
from gbakg.dates import literal_period, parse_date
from gbakg.errors import InputError
from gbakg.paths import ontology_files
from gbakg.rdf.asof import as_of
from gbakg.vocabulary import GBA, GBE, GBR, GBS, SCHEMA
from timedata import ALL_NODES, DATED_TEXT


@pytest.fixture
def dated_corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "dated.txt").write_text(DATED_TEXT, encoding="utf-8")
    return folder


def _nodes(graph: Graph) -> set[str]:
    """The typed gbr: nodes left, by slug."""
    return {str(s)[len(str(GBR)) :] for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and s in GBR}


# What each cut-off removes, worked out by hand from tests/timedata.py.
_BEFORE_ACCORD = {
    "agreement-accord",  # signed 2019-06: not wholly by 2019-06-15
    "agreement-pact",  # signed 2022-01-10
    "milestone-old-city-plan",  # planned for 2020
    "new-park",  # opened 2021-03-15
    "milestone-new-park-opened",
    "agreement-park",  # undated, but a party (New Park) is dropped
    "strength-new-park-research",  # undated, but its holder is dropped
    "membership-ann-lee",  # started 2020-09
    "seed-fund",  # launched 2021
    "milestone-seed-fund-launched",
    "membership-bo-chan",  # shown held on the source's date, 2024-05-01
}
_BO_CHAN = {"membership-bo-chan"}
_DROPPED = {
    "2019-06-15": _BEFORE_ACCORD,
    "2019-06": _BEFORE_ACCORD - {"agreement-accord"},
    "2020": _BEFORE_ACCORD - {"agreement-accord", "milestone-old-city-plan", "membership-ann-lee"},
    "2021-06-30": {"agreement-pact", "seed-fund", "milestone-seed-fund-launched"} | _BO_CHAN,  # "2021" is not by June
    "2021": {"agreement-pact"} | _BO_CHAN,
    "2022-01-09": {"agreement-pact"} | _BO_CHAN,
    "2022-01-10": _BO_CHAN,
    "2024-04-30": _BO_CHAN,
    "2024-05-01": set(),
    "2030": set(),
}


@pytest.mark.parametrize(("cutoff", "dropped"), _DROPPED.items())
def test_dropped_nodes(dated, cutoff, dropped):
    assert _nodes(as_of(dated, cutoff)) == ALL_NODES - dropped


def test_dropped_node_leaves_no_trace(dated):
    """Nothing refers to a dropped entity any more: no triple, no statement, no qualified node."""
    park = GBR["new-park"]
    filtered = as_of(dated, "2020")
    assert not list(filtered.triples((park, None, None)))
    assert not list(filtered.triples((None, None, park)))
    assert (GBR["old-university"], GBA.collaboratesWith, park) not in filtered
    # the kept end of the dropped link keeps everything else, evidence included
    uni = GBR["old-university"]
    assert (uni, GBA.locatedIn, GBR["old-city"]) in filtered
    assert set(filtered.subjects(RDF.subject, uni)) and all(
        filtered.value(st, RDF.object) != park for st in filtered.subjects(RDF.subject, uni)
    )
    assert len(list(filtered.subjects(RDF.type, RDF.Statement))) == 10


def test_people_stay_when_their_post_goes(dated):
    filtered = as_of(dated, "2019")
    assert "membership-ann-lee" not in _nodes(filtered)
    assert (GBR["ann-lee"], RDF.type, GBA.Person) in filtered


def test_later_end_date_is_removed_alone(dated):
    """A post that began by the cut-off stays, without an end that had not happened yet."""
    post = GBR["membership-ann-lee"]
    filtered = as_of(dated, "2022")
    assert (post, SCHEMA.startDate, Literal("2020-09", datatype=XSD.gYearMonth)) in filtered
    assert filtered.value(post, SCHEMA.endDate) is None
    assert as_of(dated, "2023").value(post, SCHEMA.endDate) == Literal("2023", datatype=XSD.gYear)


def test_later_dated_triple_and_its_statement_go(dated):
    uni = GBR["old-university"]
    filtered = as_of(dated, "2023-12-31")
    assert filtered.value(uni, SCHEMA.dissolutionDate) is None
    assert filtered.value(uni, SCHEMA.foundingDate) == Literal("1990", datatype=XSD.gYear)
    predicates = {filtered.value(st, RDF.predicate) for st in filtered.subjects(RDF.subject, uni)}
    assert SCHEMA.dissolutionDate not in predicates and SCHEMA.foundingDate in predicates


def test_sources_are_never_dropped(dated):
    """A source written after the cut-off still backs the undated facts it supports."""
    filtered = as_of(dated, "2000")
    assert (GBS.dated, RDF.type, GBA.Source) in filtered
    undated = {"old-city", "old-city-council", "old-university", "ann-lee", "bo-chan", "role-president", "role-dean"}
    assert _nodes(filtered) == undated


def test_late_enough_cutoff_keeps_everything_and_input_is_unchanged(dated):
    before = set(dated)
    assert set(as_of(dated, "2024")) == before
    as_of(dated, "1900")
    assert set(dated) == before


@pytest.mark.parametrize("bad", ["2019-13", "19", "2019-02-30", "2019/06", "", "June 2019", "2019-6", "0000"])
def test_bad_date_is_input_error(dated, bad):
    with pytest.raises(InputError, match=re.escape(f"bad date {bad!r}: use YYYY, YYYY-MM or YYYY-MM-DD")):
        as_of(dated, bad)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2019", "2019-01-01", "2019-12-31"),
        ("2020-02", "2020-02-01", "2020-02-29"),
        ("2021-03-15", "2021-03-15", "2021-03-15"),
    ],
)
def test_parse_date_periods(text, first, last):
    period = parse_date(text)
    assert (period.start.isoformat(), period.end.isoformat(), period.text) == (first, last, text)


@pytest.mark.parametrize(
    ("lexical", "datatype", "expected"),
    [
        ("2018", XSD.gYear, ("2018-01-01", "2018-12-31")),
        ("2018-02", XSD.gYearMonth, ("2018-02-01", "2018-02-28")),
        ("2018-02-03Z", XSD.date, ("2018-02-03", "2018-02-03")),
        ("2018-02", XSD.gYear, None),  # the lexical form does not match the type
        ("2018-13", XSD.gYearMonth, None),
        ("2018", XSD.string, None),
        ("2018", None, None),
    ],
)
def test_literal_period(lexical, datatype, expected):
    period = literal_period(lexical, datatype)
    assert (None if period is None else (period.start.isoformat(), period.end.isoformat())) == expected


# --------------------------------------------------------------------------- the curated graph

_FILTERED: dict[str, Graph] = {}


def _curated_as_of(curated: Graph, cutoff: str) -> Graph:
    """The curated graph as of ``cutoff``, filtered once per test session."""
    if cutoff not in _FILTERED:
        _FILTERED[cutoff] = as_of(curated, cutoff)
    return _FILTERED[cutoff]


_DATED = """
SELECT ?node ?date WHERE {
  ?node ?p ?date .
  FILTER(isLiteral(?date) && datatype(?date) IN (xsd:date, xsd:gYearMonth, xsd:gYear))
}"""
_CUTOFFS = ["2017", "2018-06-30", "2022-01"]


@pytest.mark.parametrize("cutoff", _CUTOFFS)
def test_curated_keeps_nothing_dated_after_cutoff(curated, cutoff):
    """In the filtered curated graph every dated fact lies wholly before the cut-off."""
    limit = parse_date(cutoff)
    filtered = _curated_as_of(curated, cutoff)
    sources = {s for (s,) in filtered.query("SELECT ?s WHERE { ?s a gba:Source }")}
    for node, date in filtered.query(_DATED):
        if node in sources:
            continue
        period = literal_period(str(date), date.datatype)
        assert period.end <= limit.end, (node, date)
    signed = filtered.query("SELECT ?a ?d WHERE { ?a gba:signedOn ?d }")
    assert all(literal_period(str(d), d.datatype).end <= limit.end for _, d in signed)
    assert set(filtered) <= set(curated)


@pytest.mark.parametrize("cutoff", _CUTOFFS)
def test_curated_keeps_what_was_dated_by_cutoff(curated, cutoff):
    """Every dated milestone or signing by the cut-off stays when all it points at stays."""
    limit = parse_date(cutoff)
    filtered = _curated_as_of(curated, cutoff)
    kept_entities = set(filtered.subjects(RDF.type, None))
    rows = curated.query("SELECT ?n ?d WHERE { ?n gba:date|gba:signedOn ?d . ?n a ?c . FILTER(?c != gba:Source) }")
    for node, date in rows:
        period = literal_period(str(date), date.datatype)
        links = [o for _, _p, o in curated.triples((node, None, None)) if isinstance(o, URIRef) and o in GBR]
        if period is not None and period.end <= limit.end and all(o in kept_entities for o in links):
            assert (node, None, date) in filtered, (node, date)


@pytest.mark.parametrize("cutoff", _CUTOFFS[::2])
def test_curated_undated_entities_stay(curated, cutoff):
    """An entity with no date of its own and no dated beginning is never dropped."""
    filtered = _curated_as_of(curated, cutoff)
    rows = curated.query(
        """
        SELECT DISTINCT ?e WHERE {
          ?e a ?c . FILTER(STRSTARTS(STR(?e), STR(gbr:)))
          FILTER(?c NOT IN (gba:Agreement, gba:Strength, org:Membership, gba:Milestone, gba:Figure, rdf:Statement))
          FILTER NOT EXISTS { ?e ?p ?d .
                              FILTER(isLiteral(?d) && datatype(?d) IN (xsd:date, xsd:gYearMonth, xsd:gYear)) }
          FILTER NOT EXISTS { ?m gba:milestoneOf ?e ; gba:date [] ;
                              gba:event ?ev . FILTER(LCASE(STR(?ev)) IN ("founded", "established", "set up",
                              "opened", "officially opened", "inaugurated", "launched", "signed", "issued")) }
        }"""
    )
    undated = [e for (e,) in rows]
    assert undated, "the curated graph has undated entities"
    assert all((e, RDF.type, None) in filtered for e in undated)


@pytest.mark.parametrize("cutoff", _CUTOFFS[::2])
def test_curated_as_of_stays_valid(curated, cutoff):
    """Filtering removes whole facts with their evidence, so the view still passes validation."""
    from gbakg.rdf.validate import validate

    report = validate(_curated_as_of(curated, cutoff), corpus=None)
    assert report.conforms, report.text()


# --------------------------------------------------------------------------- the command line


def test_cli_stats_as_of(dated_file):
    result = CliRunner().invoke(cli, ["stats", "--graph", str(dated_file), "--as-of", "2019", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = result.output.splitlines()
    assert "total,entities,7" in rows and "total,qualified_nodes,1" in rows
    assert "class,gba:Facility,1" not in rows


def test_cli_build_as_of(tmp_path, dated_file, dated_corpus):
    """`gbakg build --as-of` validates and writes the graph as it stood then."""
    out = tmp_path / "out"
    args = ["build", "--graph", str(dated_file), "--corpus", str(dated_corpus), "--out", str(out), "--as-of", "2020"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("7 entities and 3 qualified nodes")
    built = Graph().parse(out / "gbakg.ttl")
    assert (GBR["old-university"], RDF.type, GBA.University) in built
    assert not list(built.triples((GBR["new-park"], None, None)))
    assert "New Park" not in (out / "explorer.html").read_text()


@pytest.mark.parametrize("command", ["stats", "validate", "build", "timeline"])
@pytest.mark.parametrize("bad", ["2019-13", "next year"])
def test_cli_bad_as_of_is_one_line_exit_2(tmp_path, dated_file, command, bad):
    extra = ["--out", str(tmp_path / "o")] if command == "build" else []
    result = CliRunner().invoke(cli, [command, "--graph", str(dated_file), "--as-of", bad, *extra])
    assert result.exit_code == 2
    assert result.output == f"Error: --as-of: bad date {bad!r}: use YYYY, YYYY-MM or YYYY-MM-DD\n"
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("command", ["build", "validate", "stats", "timeline"])
def test_every_loading_command_offers_as_of(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert "--as-of DATE" in result.output


@pytest.mark.parametrize("cutoff", [None, "2020"])
def test_graph_files_for_file_engines(dated_file, cutoff):
    """Engines that read files get the sources, or with --as-of one file of the filtered graph."""
    import click

    from gbakg.cli.kit import graph_files, load_graph
    from gbakg.rdf.load import parse_files

    args = ["--as-of", cutoff] if cutoff else []

    @click.command()
    @graph_options
    def probe(graphs, with_curated):
        files = graph_files(graphs, with_curated)
        loaded = parse_files(files)
        assert set(map(_ground, loaded)) == set(map(_ground, load_graph(graphs, with_curated)))
        click.echo(len(files))

    result = CliRunner().invoke(probe, ["--graph", str(dated_file), *args], standalone_mode=False)
    assert result.exception is None, result.output
    assert result.output.strip() == ("1" if cutoff else str(1 + len(ontology_files())))


def _ground(triple):
    """A triple with evidence names blanked out (blank in a file, a content IRI once loaded)."""
    return tuple("_" if isinstance(t, BNode) or str(t).startswith(str(GBE)) else t for t in triple)


def test_as_of_twice_on_the_same_input_builds_one_store(dated_file, tmp_path, monkeypatch):
    """The filtered graph is written once per (inputs, date) and its persistent store found again."""
    import click

    from gbakg.cli.kit import graph_files
    from gbakg.sparql import engine

    monkeypatch.setenv("GBAKG_CACHE", str(tmp_path / "cache"))
    seen = []

    @click.command()
    @graph_options
    def probe(graphs, with_curated):
        files = graph_files(graphs, with_curated)
        engine.open_store(files, cache=True)
        seen.append((files, files[0].stat().st_mtime_ns))

    for _ in range(2):
        result = CliRunner().invoke(probe, ["--graph", str(dated_file), "--as-of", "2020"], standalone_mode=False)
        assert result.exception is None, result.output
    assert seen[0] == seen[1]  # the same file, not rewritten
    stores = [p for p in (tmp_path / "cache").iterdir() if p.is_dir() and p.name != "as-of"]
    assert len(stores) == 1
    other = CliRunner().invoke(probe, ["--graph", str(dated_file), "--as-of", "2021"], standalone_mode=False)
    assert other.exception is None and seen[2][0] != seen[0][0]  # another date, another file
