"""The timeline: every dated fact in time order with its evidence, and the `gbakg timeline` command."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import Graph

from conftest import PREFIXES
from gbakg.cli import cli
from gbakg.dates import literal_period
from gbakg.errors import InputError
from gbakg.rdf.timeline import COLUMNS, milestones

# (date, event, id, status) of every dated fact in tests/timedata.py, in order; the source's own
# date (2024-05-01) is not an event.
_ORDER = [
    ("1990", "schema:foundingDate", "gbr:old-university", ""),
    ("2019-06", "signed", "gbr:agreement-accord", ""),
    ("2020", "plan completed", "gbr:old-city", "planned"),
    ("2020-09", "post began", "gbr:membership-ann-lee", ""),
    ("2021", "launched", "gbr:seed-fund", "achieved"),  # a year sorts at its first day
    ("2021-03-15", "opened", "gbr:new-park", "achieved"),
    ("2022-01-10", "signed", "gbr:agreement-pact", ""),
    ("2023", "post ended", "gbr:membership-ann-lee", ""),
    ("2024", "schema:dissolutionDate", "gbr:old-university", ""),
    ("2024-05-01", "in post", "gbr:membership-bo-chan", ""),
]


def test_order_and_kinds(dated):
    rows = milestones(dated)
    assert [(r["date"], r["event"], r["id"], r["status"]) for r in rows] == _ORDER
    assert all(list(r) == list(COLUMNS) for r in rows)


def test_rows_carry_their_evidence(dated):
    rows = {(r["date"], r["event"]): r for r in milestones(dated)}
    opened = rows[("2021-03-15", "opened")]
    assert opened["entity"] == "New Park"
    assert opened["quote"] == "New Park is in Old City and opened on 15 March 2021."
    assert opened["source"] == "gbs:dated"
    founded = rows[("1990", "schema:foundingDate")]  # a plain triple: its evidence is its statement
    assert founded["quote"] == "Old University, founded in 1990"
    post = rows[("2020-09", "post began")]
    assert post["entity"] == "Ann Lee, President, Old University"


@pytest.mark.parametrize(
    ("start", "end", "dates"),
    [
        ("2021", None, ["2021", "2021-03-15", "2022-01-10", "2023", "2024", "2024-05-01"]),
        ("2021-02", None, ["2021-03-15", "2022-01-10", "2023", "2024", "2024-05-01"]),  # "2021" is not wholly after
        (None, "2020", ["1990", "2019-06", "2020", "2020-09"]),
        (None, "2020-06", ["1990", "2019-06"]),  # "2020" is not wholly before
        ("2021-03-15", "2021-03-15", ["2021-03-15"]),
        ("2025", None, []),
    ],
)
def test_window(dated, start, end, dates):
    assert [r["date"] for r in milestones(dated, start=start, end=end)] == dates


def test_window_backwards_is_an_error(dated):
    with pytest.raises(InputError, match=r"the window starts \(2022\) after it ends \(2021\)"):
        milestones(dated, start="2022", end="2021")


def test_ties_sort_by_label():
    """Same first day: ordered by the entity's label, whatever the precision."""
    graph = Graph().parse(
        data=PREFIXES
        + """
        gbr:z a gba:Facility ; rdfs:label "Zeta Park"@en .
        gbr:a a gba:Facility ; rdfs:label "alpha lab"@en .
        gbr:m a gba:Facility ; rdfs:label "Mid Centre"@en , "中"@zh-Hant .
        gbr:mz a gba:Milestone ; gba:milestoneOf gbr:z ; gba:event "opened" ; gba:date "2018"^^xsd:gYear .
        gbr:ma a gba:Milestone ; gba:milestoneOf gbr:a ; gba:event "opened" ; gba:date "2018"^^xsd:gYear .
        gbr:mm a gba:Milestone ; gba:milestoneOf gbr:m ; gba:event "opened" ; gba:date "2018-01-01"^^xsd:date .
        gbr:early a gba:Milestone ; gba:milestoneOf gbr:z ; gba:event "founded" ; gba:date "2017-12"^^xsd:gYearMonth .
        gbr:bad a gba:Milestone ; gba:milestoneOf gbr:z ; gba:event "closed" ; gba:date "2018-13"^^xsd:gYearMonth .
        """,
        format="turtle",
    )
    rows = milestones(graph)
    assert [(r["date"], r["entity"]) for r in rows] == [
        ("2017-12", "Zeta Park"),
        ("2018", "alpha lab"),
        ("2018-01-01", "Mid Centre"),
        ("2018", "Zeta Park"),
    ]
    assert rows[0]["status"] == "" and rows[0]["quote"] == ""


def test_event_names_by_kind():
    """Posts, figures and signings get their own words; any other date is named by its property."""
    graph = Graph().parse(
        data=PREFIXES
        + """
        gbr:p a org:Membership ; rdfs:label "Ann, Mayor"@en ; gba:date "2016-02-29"^^xsd:date ;
            schema:startDate "2016"^^xsd:gYear .
        gbr:f a gba:Figure ; rdfs:label "Population"@en ; gba:date "2017"^^xsd:gYear .
        gbr:pol a gba:Policy ; rdfs:label "Plan"@en ; gba:signedOn "2017-07-01"^^xsd:date .
        gbr:x a gba:Company ; rdfs:label "X Ltd"@en ; schema:foundingDate "2001"^^xsd:gYear .
        gbs:s a gba:Source ; rdfs:label "S" ; dcterms:date "2015"^^xsd:gYear .
        [] a rdf:Statement ; rdf:subject gbr:x ; rdf:predicate schema:foundingDate ; rdf:object "2001"^^xsd:gYear .
        """,
        format="turtle",
    )
    assert [(r["date"], r["event"], r["entity"]) for r in milestones(graph)] == [
        ("2001", "schema:foundingDate", "X Ltd"),
        ("2016", "post began", "Ann, Mayor"),
        ("2016-02-29", "in post", "Ann, Mayor"),
        ("2017", "figure", "Population"),
        ("2017-07-01", "signed", "Plan"),
    ]


def test_curated_timeline_is_complete_and_ordered(curated):
    """One row per typed date on anything but a source or a statement, in order of first day."""
    rows = milestones(curated)
    dated = curated.query(
        """SELECT ?s WHERE { ?s ?p ?d .
                             FILTER(isLiteral(?d) && datatype(?d) IN (xsd:date, xsd:gYearMonth, xsd:gYear)) }"""
    )
    skip = {s for (s,) in curated.query("SELECT ?s WHERE { VALUES ?c { gba:Source rdf:Statement } ?s a ?c }")}
    assert len(rows) == sum(1 for (s,) in dated if s not in skip)
    starts = [literal_period(r["date"], _type(r["date"])).start for r in rows]
    assert starts == sorted(starts)
    assert all(r["quote"] and r["source"].startswith("gbs:") for r in rows)


def _type(text: str) -> str:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    return xsd + {4: "gYear", 7: "gYearMonth"}.get(len(text), "date")


# --------------------------------------------------------------------------- the command line


def _run(*args: str):
    return CliRunner().invoke(cli, ["timeline", *args])


def test_cli_csv(dated_file):
    result = _run("--graph", str(dated_file), "--format", "csv", "--from", "2020", "--to", "2021-06")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "date,event,entity,id,status,quote,source",
        "2020,plan completed,Old City,gbr:old-city,planned,Old City plans to complete its plan in 2020.,gbs:dated",
        '2020-09,post began,"Ann Lee, President, Old University",gbr:membership-ann-lee,,'
        "Ann Lee became President of Old University in September 2020 and left in 2023.,gbs:dated",
        "2021-03-15,opened,New Park,gbr:new-park,achieved,"
        "New Park is in Old City and opened on 15 March 2021.,gbs:dated",
    ]


def test_cli_table_with_as_of(dated_file):
    """--as-of applies before the timeline: by 2021-03-14 New Park has not opened and Ann Lee has not left.

    The table shortens long entities and quotes (to 30 and 50 columns) and says so.
    """
    result = _run("--graph", str(dated_file), "--as-of", "2021-03-14", "--from", "2020-01")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "date     event           entity                          id                      status   "
        + "quote".ljust(52)
        + "source",
        "-------  --------------  ------------------------------  ----------------------  -------  "
        + "-" * 50
        + "  ---------",
        "2020     plan completed  Old City                        gbr:old-city            planned  "
        + "Old City plans to complete its plan in 2020.".ljust(52)
        + "gbs:dated",
        "2020-09  post began      Ann Lee, President, Old Unive…  gbr:membership-ann-lee           "
        + "Ann Lee became President of Old University in Sep…  gbs:dated",
        "(long cells shortened with …; --format csv or json gives the full quotes)",
    ]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_cli_machine_formats_keep_long_quotes(dated_file, fmt):
    """Only the table shortens: CSV and JSON carry every quote in full."""
    quote = "Ann Lee became President of Old University in September 2020 and left in 2023."
    result = _run("--graph", str(dated_file), "--as-of", "2021-03-14", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert quote in result.output and "…" not in result.output


def test_cli_table_rows_fit_a_wide_terminal(run):
    """The curated timeline, whose quotes run to hundreds of characters, stays within 190 columns."""
    from gbakg.formats import width

    result = run("timeline")
    assert result.exit_code == 0
    assert max(width(line) for line in result.output.splitlines()) <= 190


def test_cli_json(dated_file):
    result = _run("--graph", str(dated_file), "--format", "json", "--to", "2019")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {
            "date": "1990",
            "event": "schema:foundingDate",
            "entity": "Old University",
            "id": "gbr:old-university",
            "status": "",
            "quote": "Old University, founded in 1990",
            "source": "gbs:dated",
        },
        {
            "date": "2019-06",
            "event": "signed",
            "entity": "Old accord",
            "id": "gbr:agreement-accord",
            "status": "",
            "quote": "Old University and Old City Council signed an accord in June 2019.",
            "source": "gbs:dated",
        },
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2019-02-30"], "Error: --from: bad date '2019-02-30': use YYYY, YYYY-MM or YYYY-MM-DD"),
        (["--to", "soon"], "Error: --to: bad date 'soon': use YYYY, YYYY-MM or YYYY-MM-DD"),
        (["--from", "2022", "--to", "2021-12"], "Error: --from 2022 is after --to 2021-12"),
    ],
)
def test_cli_bad_window_is_one_line_exit_2(dated_file, args, message):
    result = _run("--graph", str(dated_file), *args)
    assert result.exit_code == 2
    assert result.output == message + "\n"
