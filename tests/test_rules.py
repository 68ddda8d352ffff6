"""The data-model rules: each has a small graph that breaks it, and the curated graph keeps them all."""

from __future__ import annotations

import pytest

from conftest import TINY_GRAPH, statement
from gbakg.dates import parse_date, resolve_relative
from gbakg.rdf import rules
from gbakg.rdf.load import load
from gbakg.rdf.validate import validate

PERSON = statement("gbr:ann", "rdf:type", "gba:Person", "Ann") + 'gbr:ann rdfs:label "Ann"@en .\n'
BOB = statement("gbr:bob", "rdf:type", "gba:Person", "Bob") + 'gbr:bob rdfs:label "Bob"@en .\n'
ROLE = statement("gbr:role-head", "rdf:type", "org:Role", "head") + 'gbr:role-head rdfs:label "Head"@en .\n'


def post(slug: str, member: str, dates: str, quote: str = "Ann heads Alpha University") -> str:
    return f"""gbr:{slug} a org:Membership ; rdfs:label "{slug}"@en ;
        org:member gbr:{member} ; org:organization gbr:alpha-university ; org:role gbr:role-head ; {dates} ;
        prov:wasDerivedFrom gbs:tiny ; gba:quote "{quote}" .\n"""


BROKEN = [
    pytest.param(
        TINY_GRAPH.replace(
            "gba:party gbr:alpha-university , gbr:beta-lab", "gba:party gbr:alpha-university , gbr:beta-city"
        ),
        "shape",
        "a party must be an actor",
        id="place-as-party",
    ),
    pytest.param(
        TINY_GRAPH + PERSON + ROLE + post("post-ann", "ann", 'skos:note "no date"@en'),
        "shape",
        "a post needs a time",
        id="post-without-time",
    ),
    pytest.param(
        TINY_GRAPH
        + 'gbr:gamma skos:altLabel "G" .\n'
        + statement("gbr:beta-lab", "gba:collaboratesWith", "gbr:gamma", "Beta Lab"),
        "model",
        "gbr:gamma: is used but has no type and no English label",
        id="dangling-iri",
    ),
    pytest.param(
        TINY_GRAPH.replace('skos:altLabel "BL"', 'skos:altLabel "alpha  university"'),
        "model",
        "share the name 'alpha university'",
        id="shared-name",
    ),
    pytest.param(
        TINY_GRAPH
        + "".join(
            f"""gbr:m{i} a gba:Milestone ; rdfs:label "m{i}"@en ; gba:milestoneOf gbr:beta-lab ;
            gba:event "Opened" ; gba:status gba:Achieved ; gba:date "2020"^^xsd:gYear ;
            prov:wasDerivedFrom gbs:tiny ; gba:quote "Beta Lab q{i}" .\n"""
            for i in (1, 2)
        ),
        "model",
        "the same milestone twice: gbr:beta-lab 'opened' on 2020",
        id="duplicate-milestone",
    ),
    pytest.param(
        TINY_GRAPH
        + PERSON
        + ROLE
        + post(
            "post-ann", "ann", 'gba:date "2022"^^xsd:gYear ; gba:dateAsWritten "last year"', "Ann took office last year"
        ),
        "model",
        "'last year' in a source dated 2024-05-01 means 2023, but the date is 2022",
        id="relative-date-misresolved",
    ),
    pytest.param(
        TINY_GRAPH
        + PERSON
        + ROLE
        + post(
            "post-ann", "ann", 'gba:date "2024-04-27"^^xsd:date ; gba:dateAsWritten "on Saturday"', "Ann came on Sunday"
        ),
        "model",
        "'on Saturday' does not occur in the quote",
        id="relative-date-not-in-quote",
    ),
    pytest.param(
        TINY_GRAPH
        + PERSON
        + BOB
        + ROLE
        + post("post-ann", "ann", 'schema:startDate "2019"^^xsd:gYear')
        + post("post-bob", "bob", 'schema:startDate "2022"^^xsd:gYear', "Bob heads Alpha University"),
        "model",
        "has no end, but gbr:bob holds gbr:role-head of gbr:alpha-university from 2022",
        id="open-post-superseded",
    ),
    pytest.param(
        TINY_GRAPH
        + PERSON
        + BOB
        + ROLE
        + post("post-ann", "ann", 'gba:date "2020"^^xsd:gYear')
        + post("post-bob", "bob", 'gba:date "2020"^^xsd:gYear', "Bob heads Alpha University"),
        "model",
        "gbr:ann and gbr:bob both hold gbr:role-head of gbr:alpha-university from 2020",
        id="two-holders-one-date",
    ),
    pytest.param(
        TINY_GRAPH
        + PERSON
        + BOB
        + ROLE
        + post("post-ann", "ann", 'schema:startDate "2019"^^xsd:gYear ; schema:endDate "2023"^^xsd:gYear')
        + post("post-bob", "bob", 'schema:startDate "2021"^^xsd:gYear', "Bob heads Alpha University"),
        "model",
        "ends 2023, after gbr:bob took",
        id="end-after-successor",
    ),
    pytest.param(
        TINY_GRAPH
        + """gbr:f a gba:Figure ; rdfs:label "f"@en ; gba:figureOf gbr:beta-lab ; gba:measure "staff" ;
        schema:value "12"^^xsd:decimal ; prov:wasDerivedFrom gbs:tiny ; gba:quote "Beta Lab" .\n""",
        "model",
        "decimal '12' is not in canonical form (write 12.0)",
        id="decimal-not-canonical",
    ),
]


@pytest.mark.parametrize(("body", "kind", "message"), BROKEN)
def test_each_rule_has_a_failing_case(write_ttl, body, kind, message):
    """A graph that breaks one model rule fails validation with that rule's message."""
    report = validate(load([write_ttl(body)]), quotes=False)
    found = [str(f) for f in report.findings if f.kind == kind]
    assert any(message in f for f in found), found


def test_the_tiny_graph_keeps_every_rule(write_ttl):
    report = validate(load([write_ttl(TINY_GRAPH)]), quotes=False)
    assert report.conforms, report.text()


def test_shared_posts_and_successions_pass(write_ttl):
    """A shared role may have two holders at once; an ended post followed by its successor is fine."""
    shared = ROLE.replace('rdfs:label "Head"@en', 'rdfs:label "Head"@en ; gba:sharedPost true')
    body = (
        TINY_GRAPH
        + PERSON
        + BOB
        + shared
        + post("post-ann", "ann", 'schema:startDate "2019"^^xsd:gYear')
        + post("post-bob", "bob", 'schema:startDate "2019"^^xsd:gYear', "Bob heads Alpha University")
    )
    assert validate(load([write_ttl(body)]), quotes=False).conforms
    jointly = (  # one post a source shows held by two at once (co-directors), the role itself not shared
        TINY_GRAPH
        + PERSON
        + BOB
        + ROLE
        + post("post-ann", "ann", 'gba:date "2020"^^xsd:gYear ; gba:sharedPost true')
        + post("post-bob", "bob", 'gba:date "2020"^^xsd:gYear ; gba:sharedPost true', "Bob heads Alpha University")
    )
    assert validate(load([write_ttl(jointly, "jointly.ttl")]), quotes=False).conforms
    ended = (
        TINY_GRAPH
        + PERSON
        + BOB
        + ROLE
        + post("post-ann", "ann", 'schema:startDate "2019"^^xsd:gYear ; schema:endDate "2021"^^xsd:gYear')
        + post("post-bob", "bob", 'schema:startDate "2021"^^xsd:gYear', "Bob heads Alpha University")
    )
    report = validate(load([write_ttl(ended)]), quotes=False)
    assert report.conforms, report.text()


def test_a_resolved_relative_date_passes(write_ttl):
    body = (
        TINY_GRAPH
        + PERSON
        + ROLE
        + post(
            "post-ann", "ann", 'gba:date "2023"^^xsd:gYear ; gba:dateAsWritten "Last year"', "Ann took office last year"
        )
    )
    report = validate(load([write_ttl(body)]), quotes=False)
    assert report.conforms, report.text()


def test_an_actor_without_a_place_is_a_warning(write_ttl):
    """The place graph cannot count an unplaced actor: validation says so but does not fail."""
    body = TINY_GRAPH.replace(
        statement("gbr:beta-lab", "gba:locatedIn", "gbr:beta-city", "Beta Lab is in Beta City"), ""
    )
    report = validate(load([write_ttl(body)]), quotes=False)
    assert report.conforms
    assert any("1 organisation(s) or facilities have no place" in w and "gbr:beta-lab" in w for w in report.warnings)


def test_overreads_are_listed_for_review_not_failed(write_ttl):
    """A quote naming neither end of its triple is a note to review; validation still passes."""
    body = TINY_GRAPH + statement("gbr:beta-lab", "gba:collaboratesWith", "gbr:alpha-university", "a partner")
    report = validate(load([write_ttl(body)]), quotes=False)
    assert report.conforms
    assert any("gbr:beta-lab gba:collaboratesWith" in n and "'beta lab'" in n for n in report.notes)
    assert "1 quote(s) name neither" in report.text()


@pytest.mark.parametrize(
    ("phrase", "source_date", "expected"),
    [
        ("last year", "2022-01", ("2021", "gYear")),
        ("this year", "2021", ("2021", "gYear")),
        ("next year", "2021-05-01", ("2022", "gYear")),
        ("this June", "2021-03-04", ("2021-06", "gYearMonth")),
        ("last June", "2021-06-30", ("2020-06", "gYearMonth")),
        ("next March", "2021-06-30", ("2022-03", "gYearMonth")),
        ("on Saturday", "2017-07-03", ("2017-07-01", "date")),
        ("Monday", "2025-12-22", ("2025-12-22", "date")),
        ("last Monday", "2025-12-22", ("2025-12-15", "date")),
        ("today", "2024-05-01", ("2024-05-01", "date")),
        ("March 1", "2024-04-28", ("2024-03-01", "date")),
        ("Dec. 22", "2026-01-02", ("2025-12-22", "date")),
        ("on August 28th", "2019-09-01", ("2019-08-28", "date")),
        ("on 4 July", "2011-07", ("2011-07-04", "date")),  # a month-dated source: on or before its last day
        ("9月18日", "2019-09-18", ("2019-09-18", "date")),
        ("去年", "2022-01", ("2021", "gYear")),
        ("April last year", "2024-07-03", ("2023-04", "gYearMonth")),
        ("December 23 last year", "2023-06-14", ("2022-12-23", "date")),
        ("23 December last year", "2023-06", ("2022-12-23", "date")),
        ("去年12月23日", "2023", ("2022-12-23", "date")),
        ("February 30 last year", "2023-06-14", None),
        ("in May this year", "2024", ("2024-05", "gYearMonth")),
        ("去年4月", "2024-07-03", ("2023-04", "gYearMonth")),
        ("昨", "2020-04-23", ("2020-04-22", "date")),
        ("Smarch last year", "2024-07-03", None),
        ("yesterday", "2024-05-01", ("2024-04-30", "date")),
        ("on Saturday", "2017-07", None),  # a month-precise source cannot place a weekday
        ("soon", "2017-07-03", None),
    ],
)
def test_the_one_relative_date_rule(phrase, source_date, expected):
    resolved = resolve_relative(phrase, parse_date(source_date))
    if expected is None:
        assert resolved is None
    else:
        assert resolved == (expected[0], "http://www.w3.org/2001/XMLSchema#" + expected[1])


def test_curated_graph_keeps_the_model_rules(curated):
    """The curated graph has no dangling IRIs, shared names, duplicate milestones, clashing posts or unplaced actors."""
    assert list(rules.described(curated)) == []
    assert list(rules.shared_names(curated)) == []
    assert list(rules.duplicate_milestones(curated)) == []
    assert list(rules.post_periods(curated)) == []
    assert list(rules.relative_dates(curated)) == []
