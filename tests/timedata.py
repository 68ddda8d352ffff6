"""A small dated graph for the time tests: every fact cited from one tiny text, all of it fictional.

What each cut-off keeps is worked out by hand in tests/test_asof.py.
"""

from __future__ import annotations

from conftest import statement

DATED_TEXT = (
    "Old City is a city. Old University, founded in 1990, is in Old City. Old University will close in 2024.\n"
    "New Park is in Old City and opened on 15 March 2021. Old City plans to complete its plan in 2020.\n"
    "Old University and Old City Council signed an accord in June 2019. "
    "Old University and Old City Council signed a pact on 10 January 2022.\n"
    "Old City Council governs Old City.\n"
    "Old University and New Park have an agreement. Old University works with New Park.\n"
    "Ann Lee became President of Old University in September 2020 and left in 2023. "
    "Bo Chan is Dean of Old University.\n"
    "New Park is strong in research. Old City launched the Seed Fund in 2021.\n"
)


def _s(s: str, p: str, o: str, quote: str) -> str:
    return statement(s, p, o, quote, source="gbs:dated")


def _ev(quote: str) -> str:
    return f'prov:wasDerivedFrom gbs:dated ; gba:quote "{quote}" .\n'


DATED_GRAPH = (
    """
gbs:dated a gba:Source ; rdfs:label "Dated source" ; dcterms:title "Dated source" ;
    dcterms:date "2024-05-01"^^xsd:date ; gba:corpusFile "dated.txt" .

gbr:old-city rdfs:label "Old City"@en .
gbr:old-city-council rdfs:label "Old City Council"@en .
gbr:old-university rdfs:label "Old University"@en .
gbr:new-park rdfs:label "New Park"@en .
gbr:seed-fund rdfs:label "Seed Fund"@en .
gbr:ann-lee rdfs:label "Ann Lee"@en .
gbr:bo-chan rdfs:label "Bo Chan"@en .
gbr:role-president rdfs:label "President"@en .
gbr:role-dean rdfs:label "Dean"@en .

gbr:milestone-new-park-opened a gba:Milestone ; rdfs:label "New Park opened"@en ;
    gba:milestoneOf gbr:new-park ; gba:event "opened" ; gba:status gba:Achieved ;
    gba:date "2021-03-15"^^xsd:date ;
"""
    + _ev("New Park is in Old City and opened on 15 March 2021.")
    + """
gbr:milestone-old-city-plan a gba:Milestone ; rdfs:label "Old City plan completed"@en ;
    gba:milestoneOf gbr:old-city ; gba:event "plan completed" ; gba:status gba:Planned ;
    gba:date "2020"^^xsd:gYear ;
"""
    + _ev("Old City plans to complete its plan in 2020.")
    + """
gbr:milestone-seed-fund-launched a gba:Milestone ; rdfs:label "Seed Fund launched"@en ;
    gba:milestoneOf gbr:seed-fund ; gba:event "launched" ; gba:status gba:Achieved ;
    gba:date "2021"^^xsd:gYear ;
"""
    + _ev("Old City launched the Seed Fund in 2021.")
    + """
gbr:agreement-accord a gba:Agreement ; rdfs:label "Old accord"@en ;
    gba:party gbr:old-university , gbr:old-city-council ; gba:appliesTo gbr:old-city ;
    gba:signedOn "2019-06"^^xsd:gYearMonth ;
"""
    + _ev("Old University and Old City Council signed an accord in June 2019.")
    + """
gbr:agreement-pact a gba:Agreement ; rdfs:label "Old pact"@en ;
    gba:party gbr:old-university , gbr:old-city-council ; gba:signedOn "2022-01-10"^^xsd:date ;
"""
    + _ev("Old University and Old City Council signed a pact on 10 January 2022.")
    + """
gbr:agreement-park a gba:Agreement ; rdfs:label "Park agreement"@en ;
    gba:party gbr:old-university , gbr:new-park ;
"""
    + _ev("Old University and New Park have an agreement.")
    + """
gbr:membership-ann-lee a org:Membership ; rdfs:label "Ann Lee, President, Old University"@en ;
    org:member gbr:ann-lee ; org:organization gbr:old-university ; org:role gbr:role-president ;
    schema:startDate "2020-09"^^xsd:gYearMonth ; schema:endDate "2023"^^xsd:gYear ;
"""
    + _ev("Ann Lee became President of Old University in September 2020 and left in 2023.")
    + """
gbr:membership-bo-chan a org:Membership ; rdfs:label "Bo Chan, Dean, Old University"@en ;
    org:member gbr:bo-chan ; org:organization gbr:old-university ; org:role gbr:role-dean ;
    gba:date "2024-05-01"^^xsd:date ; skos:note "The source's date: the day it shows the post held."@en ;
"""
    + _ev("Bo Chan is Dean of Old University.")
    + """
gbr:strength-new-park-research a gba:Strength ; rdfs:label "New Park: research"@en ;
    gba:holder gbr:new-park ; gba:stage gbr:stage-research ;
"""
    + _ev("New Park is strong in research.")
    + _s("gbr:old-city", "rdf:type", "gba:City", "Old City is a city.")
    + _s("gbr:old-city-council", "rdf:type", "gba:GovernmentBody", "Old City Council governs Old City.")
    + _s("gbr:old-city-council", "gba:locatedIn", "gbr:old-city", "Old City Council governs Old City.")
    + _s("gbr:old-university", "rdf:type", "gba:University", "Old University, founded in 1990, is in Old City.")
    + _s("gbr:old-university", "gba:locatedIn", "gbr:old-city", "Old University, founded in 1990, is in Old City.")
    + _s("gbr:old-university", "schema:foundingDate", '"1990"^^xsd:gYear', "Old University, founded in 1990")
    + _s("gbr:old-university", "schema:dissolutionDate", '"2024"^^xsd:gYear', "Old University will close in 2024.")
    + _s("gbr:old-university", "gba:collaboratesWith", "gbr:new-park", "Old University works with New Park.")
    + _s("gbr:new-park", "rdf:type", "gba:Facility", "New Park is in Old City")
    + _s("gbr:new-park", "gba:locatedIn", "gbr:old-city", "New Park is in Old City")
    + _s("gbr:new-park", "gba:hasStrength", "gbr:strength-new-park-research", "New Park is strong in research.")
    + _s("gbr:seed-fund", "rdf:type", "gba:Programme", "Old City launched the Seed Fund in 2021.")
    + _s("gbr:seed-fund", "gba:runBy", "gbr:old-city", "Old City launched the Seed Fund")
    + _s("gbr:ann-lee", "rdf:type", "gba:Person", "Ann Lee became President of Old University")
    + _s("gbr:bo-chan", "rdf:type", "gba:Person", "Bo Chan is Dean of Old University.")
    + _s("gbr:role-president", "rdf:type", "org:Role", "Ann Lee became President of Old University")
    + _s("gbr:role-dean", "rdf:type", "org:Role", "Bo Chan is Dean of Old University.")
)

# Every typed gbr: node of the fixture.
ALL_NODES = {
    "old-city",
    "old-city-council",
    "old-university",
    "new-park",
    "seed-fund",
    "ann-lee",
    "bo-chan",
    "role-president",
    "role-dean",
    "milestone-new-park-opened",
    "milestone-old-city-plan",
    "milestone-seed-fund-launched",
    "agreement-accord",
    "agreement-pact",
    "agreement-park",
    "membership-ann-lee",
    "membership-bo-chan",
    "strength-new-park-research",
}
