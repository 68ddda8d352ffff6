"""A small collaboration network in inline Turtle, shared by the projection, analysis and CLI tests."""

from __future__ import annotations

from conftest import statement

# Two cities; a university in a district of one, a lab and a firm in the other; an agreement and a
# collaboration between the university and the lab; two people in the lab; a programme run by the
# firm with the university taking part; strengths for the value chain; an unlinked firm.
NET = (
    """
gbr:alpha-city a gba:City ; rdfs:label "Alpha City"@en .
gbr:beta-city a gba:City ; rdfs:label "Beta City"@en .
gbr:old-town a gba:District ; rdfs:label "Old Town"@en .
gbr:uni-a a gba:University ; rdfs:label "Alpha University"@en ; skos:altLabel "AU" , "A-Uni" ;
    gba:focusArea "optics" , "robotics" ; gba:founded "1990"^^xsd:gYear .
gbr:lab-b a gba:ResearchInstitute ; rdfs:label "Beta Lab"@en .
gbr:firm-c a gba:Company ; rdfs:label "Gamma Firm"@en .
gbr:lonely a gba:Company ; rdfs:label "Lonely Firm"@en .
gbr:p1 a gba:Person ; rdfs:label "Pat One"@en .
gbr:p2 a gba:Person ; rdfs:label "Pat Two"@en .
gbr:agr a gba:Agreement ; rdfs:label "Alpha-Beta agreement"@en ; gba:party gbr:uni-a , gbr:lab-b ;
    prov:wasDerivedFrom gbs:tiny ; gba:quote "Alpha University and Beta Lab signed an agreement in 2020." .
gbr:m1 a org:Membership ; rdfs:label "Pat One at Beta Lab"@en ; org:member gbr:p1 ; org:organization gbr:lab-b ;
    prov:wasDerivedFrom gbs:tiny ; gba:quote "Pat One works at Beta Lab." .
gbr:m2 a org:Membership ; rdfs:label "Pat Two at Beta Lab"@en ; org:member gbr:p2 ; org:organization gbr:lab-b ;
    prov:wasDerivedFrom gbs:tiny ; gba:quote "Pat Two works at Beta Lab." .
gbr:prog a gba:Programme ; rdfs:label "Gamma Scheme"@en .
gbr:ms a gba:Milestone ; rdfs:label "Scheme planned"@en ; gba:milestoneOf gbr:prog ; gba:status gba:Planned ;
    prov:wasDerivedFrom gbs:tiny ; gba:quote "The scheme is planned." .
gbr:s1 a gba:Strength ; rdfs:label "Alpha University: research"@en ; gba:holder gbr:uni-a ;
    gba:stage gbr:stage-research ; prov:wasDerivedFrom gbs:tiny ; gba:quote "Alpha University excels at research." .
gbr:s2 a gba:Strength ; rdfs:label "Beta City: manufacturing"@en ; gba:holder gbr:beta-city ;
    gba:stage gbr:stage-manufacturing ; prov:wasDerivedFrom gbs:tiny ; gba:quote "Beta City makes things." .
gbr:s3 a gba:Strength ; rdfs:label "Beta Lab: research (biotech)"@en ; gba:holder gbr:lab-b ; gba:sector "biotech" ;
    gba:stage gbr:stage-research ; gba:comparedWith gbr:uni-a ;
    prov:wasDerivedFrom gbs:tiny ; gba:quote "Beta Lab does biotech research." .
"""
    + statement("gbr:old-town", "gba:partOf", "gbr:alpha-city", "Old Town is in Alpha City.")
    + statement("gbr:uni-a", "gba:locatedIn", "gbr:old-town", "Alpha University is in Old Town.")
    + statement("gbr:lab-b", "gba:locatedIn", "gbr:beta-city", "Beta Lab is in Beta City.")
    + statement("gbr:firm-c", "gba:locatedIn", "gbr:beta-city", "Gamma Firm is in Beta City.")
    + statement("gbr:uni-a", "gba:collaboratesWith", "gbr:lab-b", "Alpha University works with Beta Lab.")
    + statement("gbr:lab-b", "gba:collaboratesWith", "gbr:firm-c", "Beta Lab works with Gamma Firm.")
    + statement("gbr:prog", "gba:runBy", "gbr:firm-c", "Gamma Firm runs the Gamma Scheme.")
    + statement("gbr:uni-a", "gba:participatesIn", "gbr:prog", "Alpha University joined the Gamma Scheme.")
    + statement("gbr:prog", "rdf:type", "gba:Programme", "the Gamma Scheme")
)
