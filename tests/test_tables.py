"""`gbakg add`: a facts table becomes cited house-style Turtle that validates, or nothing is written."""

from __future__ import annotations

import csv
import io

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from gbakg.rdf.tables import FACT_COLUMNS, SOURCE_COLUMNS, slugify
from gbakg.vocabulary import GBA, GBE, GBR

WEB = "news-2024-05-02-gamma"
Q_GAMMA = "Gamma Institute, a research institute in Beta City, opened on Wednesday with Alpha University"
SOURCES = [
    {
        "id": WEB,
        "title": "Gamma opens",
        "publisher": "Example News",
        "date": "2024-05-02",
        "url": "https://example.org/gamma",
        "language": "en",
    },
]
GOOD = [
    {
        "subject": "Gamma Institute",
        "predicate": "a",
        "object": "gba:ResearchInstitute",
        "source": WEB,
        "quote": Q_GAMMA,
    },
    {
        "subject": "Gamma Institute",
        "predicate": "gba:locatedIn",
        "object": "Beta City",
        "source": WEB,
        "quote": Q_GAMMA,
    },
    {
        "subject": "Gamma Institute",
        "predicate": "rdfs:label",
        "object": "伽馬研究所",
        "lang": "zh-Hant",
        "source": WEB,
        "quote": "伽馬研究所",
    },
    {
        "subject": "Gamma Institute",
        "predicate": "gba:collaboratesWith",
        "object": "alpha university",
        "source": WEB,
        "quote": Q_GAMMA,
    },
    {
        "subject": "Gamma Institute opened (2024)",
        "predicate": "a",
        "object": "gba:Milestone",
        "source": WEB,
        "quote": Q_GAMMA,
        "date": "on Wednesday",
    },
    {
        "subject": "Gamma Institute opened (2024)",
        "predicate": "gba:milestoneOf",
        "object": "Gamma Institute",
        "source": WEB,
        "quote": Q_GAMMA,
    },
    {
        "subject": "Gamma Institute opened (2024)",
        "predicate": "gba:event",
        "object": "opened",
        "source": WEB,
        "quote": Q_GAMMA,
    },
    {
        "subject": "Gamma Institute opened (2024)",
        "predicate": "gba:status",
        "object": "gba:Achieved",
        "source": WEB,
        "quote": Q_GAMMA,
    },
    {
        "subject": "Alpha University",
        "predicate": "skos:altLabel",
        "object": "AU",
        "source": "tiny",
        "quote": "Alpha University is in Alpha City.",
    },
]


def table(rows: list[dict], columns=FACT_COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns))
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


@pytest.fixture
def files(tmp_path, tiny_file, tiny_corpus):
    def make(rows: list[dict], sources: list[dict] = SOURCES) -> list[str]:
        facts = tmp_path / "facts.csv"
        facts.write_text(table(rows), encoding="utf-8")
        src = tmp_path / "sources.csv"
        src.write_text(table(sources, SOURCE_COLUMNS), encoding="utf-8")
        return [str(facts), "--sources", str(src), "--graph", str(tiny_file), "--corpus", str(tiny_corpus)]

    return make


def test_a_good_table_becomes_turtle_that_validates(run, files, tmp_path, tiny_file, tiny_corpus):
    out = tmp_path / "added.ttl"
    result = run("add", *files(GOOD), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out}: 1 source(s), 2 new entit(ies), ")
    g = Graph().parse(out)
    gamma = GBR["gamma-institute"]
    assert (gamma, RDF.type, GBA.ResearchInstitute) in g
    assert (gamma, RDFS.label, Literal("伽馬研究所", lang="zh-Hant")) in g
    milestone = GBR["gamma-institute-opened-2024"]
    assert g.value(milestone, GBA.date) == Literal(
        "2024-05-01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")
    )
    assert g.value(milestone, GBA.dateAsWritten) == Literal("on Wednesday")
    statements = set(g.subjects(RDF.type, RDF.Statement))
    assert statements and all(str(s).startswith(str(GBE)) for s in statements)  # IRIs, never blank nodes
    checked = run("validate", "--graph", str(tiny_file), "--graph", str(out), "--corpus", str(tiny_corpus))
    assert checked.exit_code == 0, checked.output


def test_the_same_table_gives_the_same_bytes_and_appending_it_adds_nothing(run, files, tmp_path):
    first, second = tmp_path / "one.ttl", tmp_path / "two.ttl"
    assert run("add", *files(GOOD), "--out", str(first)).exit_code == 0
    assert run("add", *files(GOOD), "--out", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    again = run("add", *files(GOOD, sources=[]), "--out", str(first), "--append")
    # the source exists now (in the file being appended to is not loaded): the rows resolve against the graph
    assert again.exit_code == 2 and "unknown source" in again.output


def test_an_existing_output_needs_append(run, files, tmp_path):
    out = tmp_path / "added.ttl"
    out.write_text("# mine\n", encoding="utf-8")
    result = run("add", *files(GOOD), "--out", str(out))
    assert result.exit_code == 2
    assert "exists; give --append" in result.output
    assert out.read_text(encoding="utf-8") == "# mine\n"


def _with(index: int, **change: str) -> list[dict]:
    rows = [dict(r) for r in GOOD]
    rows[index].update(change)
    return rows


def test_a_cell_may_hold_a_unicode_line_break(run, files, tmp_path):
    """Found by tests/test_fuzz.py: rows were cut at U+2028 or U+0085 inside a cell (which CSV does not
    quote), so a quote was truncated and its rest read as a broken row of its own."""
    quote = "Gamma Institute\u2028opened\x85on Wednesday"
    out = tmp_path / "added.ttl"
    result = run("add", *files(_with(0, quote=quote)), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert Literal(quote) in set(Graph().parse(out).objects(None, GBA.quote))


BAD = [
    pytest.param(
        _with(1, object="Beta Cty"),
        3,
        "unknown entity 'Beta Cty'; did you mean 'Beta City', 'Beta Lab'?",
        id="unknown-entity",
    ),
    pytest.param(
        _with(1, predicate="gba:locatedAt"),
        3,
        "predicate 'gba:locatedAt' is not in the ontology; did you mean gba:locatedIn",
        id="unknown-predicate",
    ),
    pytest.param(_with(1, quote="x" * 201), 3, "quote is 201 characters; at most 200", id="long-quote"),
    pytest.param(
        _with(8, quote="Alpha University is in Beta City."), 10, "quote not found in tiny.txt", id="quote-not-in-text"
    ),
    pytest.param(
        _with(4, date="2024-13-01"), 6, "is neither YYYY, YYYY-MM, YYYY-MM-DD nor a relative date", id="bad-date"
    ),
    pytest.param(_with(4, date="soon"), 6, "'soon' is neither", id="unresolvable-relative-date"),
    pytest.param(_with(1, source="nowhere"), 3, "unknown source 'nowhere'", id="unknown-source"),
    pytest.param(
        _with(1, predicate="gba:sharedPost", object="maybe"), 3, "'maybe' is not true or false", id="not-a-boolean"
    ),
    pytest.param(_with(1, date="2024"), 3, "the date column belongs on the `a` row", id="date-on-plain-row"),
    pytest.param(_with(0, object="gba:Gizmo"), 2, "'gba:Gizmo' is not a class of the ontology", id="unknown-class"),
    pytest.param(
        _with(0, object="gba:University", subject="Beta Lab"),
        2,
        "is already a gba:ResearchInstitute, not gba:University",
        id="retype-existing",
    ),
    pytest.param(_with(1, predicate="gba:party"), 2, "party gbr:beta-city is not an actor", id="place-as-party"),
    pytest.param(
        _with(2, subject="Gamma Institute", predicate="rdfs:label", object="Alpha City", lang="en"),
        4,
        "the name 'alpha city' is taken by gbr:alpha-city",
        id="shared-name",
    ),
    # Found by tests/test_fuzz.py: a malformed tag escaped as rdflib's ValueError (a traceback).
    pytest.param(
        _with(2, lang="zh Hant"),
        4,
        "lang 'zh Hant' is not a language tag (such as en or zh-Hant)",
        id="bad-language-tag",
    ),
]


@pytest.mark.parametrize(("rows", "line", "message"), BAD)
def test_a_bad_row_names_its_line_and_nothing_is_written(run, files, tmp_path, rows, line, message):
    out = tmp_path / "added.ttl"
    args = files(rows)
    result = run("add", *args, "--out", str(out))
    assert result.exit_code == 2, result.output
    first = result.output.strip().splitlines()[0]
    assert first.startswith(f"Error: {args[0]}:") and message in first, first
    if "break a model rule" not in first:
        assert first.startswith(f"Error: {args[0]}:{line}:"), first
    assert not out.exists()


def test_a_source_with_a_bad_language_tag_is_refused(run, files, tmp_path):
    """Found by tests/test_fuzz.py: the sources table's language went to rdflib unchecked (a ValueError)."""
    args = files(GOOD, sources=[{**SOURCES[0], "language": "C e"}])
    result = run("add", *args, "--out", str(tmp_path / "x.ttl"))
    assert result.exit_code == 2
    assert result.output == f"Error: {args[2]}:2: language 'C e' is not a language tag (such as en or zh-Hant)\n"


def test_a_table_with_an_unknown_column_is_refused(run, files, tmp_path):
    facts = tmp_path / "odd.csv"
    facts.write_text("subject,verb,object,source,quote\n", encoding="utf-8")
    args = files(GOOD)
    args[0] = str(facts)
    result = run("add", *args, "--out", str(tmp_path / "x.ttl"))
    assert result.exit_code == 2
    assert f"{facts}:1: unknown column(s) verb" in result.output


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Peng Cheng Laboratory", "peng-cheng-laboratory"),
        ("CUHK's Centre (Shenzhen)", "cuhks-centre-shenzhen"),
        ("A & B", "a-b"),
    ],
)
def test_slugs(name, slug):
    assert slugify(name) == slug
