"""The named queries: exact answers on the curated graph and on small graphs, and engines that agree.

Expected answers were written by reading ``graph/*.ttl``; IRIs are shown as CURIEs, literals as
their lexical form, unbound cells as None. Row order is part of the answer (every query orders).
"""

from __future__ import annotations

import re

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from conftest import statement
from gbakg.sparql import engine
from gbakg.sparql import query as sparql
from gbakg.vocabulary import curie

BLUEPRINT = "gbs:hk-digital-economy-blueprint-2022-01"
Q_HK_RESEARCH = (
    "Hong Kong has five universities ranked among the world’s top 100, bearing witness to their strong scientific "
    "research capabilities"
)
Q_HK_IPO = (
    "to get IPO listed in Hong Kong, helping it become a go-to place to seek funding for "
    "advanced cutting-edge technologies"
)
Q_HK_BIOTECH = "Hong Kong’s status as Asia’s largest and the world’s second largest biotech fundraising hub"
Q_HK_LEGAL = "Hong Kong also has competitive strengths in professional services such as legal services"
Q_CHINA = (
    "AI in China has advanced by leaps and bounds during the last decade, and is now at the forefront in the "
    "disciplines of computer vision algorithms and systems, smart interactive conversations, etc."
)
Q_MANUFACTURING = "Dongguan and Guangzhou have an edge in advanced manufacturing and mass production capabilities"
Q_SCIENTIFIC = (
    "other Greater Bay Area cities such as Shenzhen and Guangzhou that excel in the field of scientific research"
)
Q_SHENZHEN = "Shenzhen is stronger than Hong Kong in commercialization of applied scientific research results"
Q_HK_BASIC = "Being the home to several world-renowned universities, Hong Kong is strong in basic research"
LEGCO_2022 = "gbs:legco-commercialization-academic-research-shenzhen-2022-09-08"
Q_COOPERATION = (
    "the signing of this cooperation agreement is a fine example of collaboration amongst "
    "Guangzhou, Shenzhen and Hong Kong"
)

# (query name, bindings as typed on the command line, expected rows)
CASES = [
    pytest.param(
        "partners-of",
        {"org": "IDEA"},
        [("gbr:hkust-guangzhou", "gbr:agreement-idea-hkust-gz"), ("gbr:hkust-guangzhou", "gba:collaboratesWith")],
        id="partners-of-idea",
    ),
    pytest.param(
        "partners-of",
        {"org": "HKUST"},
        [
            ("gbr:guangzhou-municipal-government", "gbr:agreement-hkust-guangzhou-campus-2018"),
            ("gbr:guangzhou-university", "gbr:agreement-guangzhou-university-hkust-letter-of-intent"),
            ("gbr:guangzhou-university", "gbr:agreement-hkust-guangzhou-campus-2018"),
            ("gbr:scut", "gbr:agreement-hkust-scut-student-exchange-2024"),
            ("gbr:scut", "gba:collaboratesWith"),
            ("gbr:southern-marine-laboratory-guangzhou", "gba:collaboratesWith"),
            ("gbr:stanford-university", "gbr:agreement-hkust-neurodegenerative-diseases-mou-2019"),
            ("gbr:zte", "gbr:agreement-hkust-zte-mou-2025"),
        ],
        id="partners-of-hkust",
    ),
    pytest.param(
        "partners-of",
        {"org": "gbr:hkust-guangzhou"},
        [
            ("gbr:idea", "gbr:agreement-idea-hkust-gz"),
            ("gbr:idea", "gba:collaboratesWith"),
            ("gbr:jiangmen-municipal-government", "gba:collaboratesWith"),
        ],
        id="partners-of-hkust-guangzhou",
    ),
    pytest.param(
        "agreements-involving",
        {"place": "Guangzhou"},
        [
            ("2009", "2009-03-19", "gbr:agreement-guangzhou-foshan-tongcheng-framework-2009", "gbr:guangzhou"),
            (
                "2009",
                "2009-03-19",
                "gbr:agreement-guangzhou-foshan-tongcheng-framework-2009",
                "gbr:guangzhou-municipal-government",
            ),
            ("2017", "2017-07-13", "gbr:agreement-gphl-gdas-strategic-cooperation-2017", "gbr:gphl"),
            (
                "2017",
                "2017-07-13",
                "gbr:agreement-gphl-gdas-strategic-cooperation-2017",
                "gbr:guangdong-academy-of-sciences",
            ),
            ("2018", "2018-12", "gbr:agreement-guangzhou-foshan-deepening-strategic-cooperation-2018", "gbr:guangzhou"),
            (
                "2018",
                "2018-12",
                "gbr:agreement-guangzhou-foshan-deepening-strategic-cooperation-2018",
                "gbr:guangzhou-municipal-government",
            ),
            ("2018", "2018-12-21", "gbr:agreement-hkust-guangzhou-campus-2018", "gbr:guangzhou-municipal-government"),
            ("2018", "2018-12-21", "gbr:agreement-hkust-guangzhou-campus-2018", "gbr:guangzhou-university"),
            ("2018", "2018-12-21", "gbr:agreement-hkust-guangzhou-campus-2018", "gbr:nansha"),
            (
                "2019",
                "2019-05-13",
                "gbr:agreement-guangzhou-foshan-pilot-zone-mou-2019",
                "gbr:guangzhou-municipal-government",
            ),
            (
                "2019",
                "2019-09-18",
                "gbr:guangzhou-macao-science-technology-industry-framework-agreement-2019",
                "gbr:guangzhou",
            ),
            (
                "2019",
                "2019-09-18",
                "gbr:guangzhou-macao-science-technology-industry-framework-agreement-2019",
                "gbr:guangzhou-municipal-government",
            ),
            ("2021", "2021-10-11", "gbr:agreement-lingnan-gdut-2021", "gbr:gdut"),
            ("2024", "2024-02", "gbr:agreement-ehang-gac-guangzhou-low-altitude-2024", "gbr:ehang"),
            ("2024", "2024-02", "gbr:agreement-ehang-gac-guangzhou-low-altitude-2024", "gbr:gac-group"),
            (
                "2024",
                "2024-02",
                "gbr:agreement-ehang-gac-guangzhou-low-altitude-2024",
                "gbr:guangzhou-airport-economic-zone-management-committee",
            ),
            (
                "2024",
                "2024-02",
                "gbr:agreement-ehang-gac-guangzhou-low-altitude-2024",
                "gbr:guangzhou-development-district-administrative-committee",
            ),
            ("2024", "2024-02-28", "gbr:agreement-hkust-scut-student-exchange-2024", "gbr:scut"),
            ("2024", "2024-09-09", "gbr:agreement-usj-asj-schools-mou-2024", "gbr:asj-guangzhou"),
            (None, None, "gbr:agreement-guangzhou-university-hkust-letter-of-intent", "gbr:guangzhou-university"),
            (None, None, "gbr:agreement-idea-hkust-gz", "gbr:hkust-guangzhou"),
            (None, None, "gbr:agreement-polyu-gdut-2024", "gbr:gdut"),
            (None, None, "gbr:agreement-zhuhai-sysu-strategic-cooperation", "gbr:sun-yat-sen-university"),
            (
                None,
                None,
                "gbr:establishment-of-nansha-international-arbitration-centre-cooperation-framework-agreement-2011",
                "gbr:guangzhou-arbitration-commission",
            ),
        ],
        id="agreements-involving-guangzhou",
    ),
    pytest.param(
        "agreements-involving",
        {"place": "Macao"},
        [
            (
                "2010",
                "2010-05",
                "gbr:guangdong-macao-tcm-science-technology-park-memorandum-2010",
                "gbr:macao-sar-government",
            ),
            (
                "2016",
                "2016-09-13",
                "gbr:agreement-ipim-zhongshan-trade-institute-protocol-2016",
                "gbr:macao-trade-and-investment-promotion-institute",
            ),
            ("2017", "2017-07-01", "gbr:framework-agreement-greater-bay-area", "gbr:macao"),
            ("2017", "2017-07-01", "gbr:framework-agreement-greater-bay-area", "gbr:macao-sar-government"),
            (
                "2018",
                "2018-03",
                "gbr:guangdong-dst-macao-fdct-arrangement-2018",
                "gbr:macao-science-and-technology-development-fund",
            ),
            (
                "2019",
                "2019-09-18",
                "gbr:guangzhou-macao-science-technology-industry-framework-agreement-2019",
                "gbr:macao",
            ),
            (
                "2019",
                "2019-09-18",
                "gbr:guangzhou-macao-science-technology-industry-framework-agreement-2019",
                "gbr:macao-sar-government",
            ),
            ("2021", "2021-04-26", "gbr:agreement-usj-foshan-university-mou-2021", "gbr:university-of-saint-joseph"),
            (
                "2024",
                "2024-02-01",
                "gbr:macao-sar-government-city-university-of-macau-new-campus-land-concession-agreement-2024",
                "gbr:macao-sar-government",
            ),
            ("2024", "2024-09-09", "gbr:agreement-usj-asj-schools-mou-2024", "gbr:university-of-saint-joseph"),
            (None, None, "gbr:agreement-geg-dsedj-nurturing-future-together-2025", "gbr:galaxy-entertainment-group"),
            (
                None,
                None,
                "gbr:agreement-geg-dsedj-nurturing-future-together-2025",
                "gbr:macao-education-and-youth-development-bureau",
            ),
            (None, None, "gbr:agreement-macao-jiangmen-daguang-bay-framework", "gbr:macao-sar-government"),
            (None, None, "gbr:agreement-macao-zhongshan-cuiheng-new-area-framework", "gbr:macao-sar-government"),
            (None, None, "gbr:agreement-shenzhen-macao-legal-cooperation-2019", "gbr:macao"),
            (None, None, "gbr:agreement-shenzhen-macao-legal-cooperation-2019", "gbr:macao-sar-government"),
            (
                None,
                None,
                "gbr:agreement-usj-guangzhou-city-university-of-technology-2022",
                "gbr:university-of-saint-joseph",
            ),
            (None, None, "gbr:agreement-usj-zhuhai-technical-institute-2022", "gbr:university-of-saint-joseph"),
            (None, None, "gbr:agreement-zhuhai-must-zhuhai-campus", "gbr:must"),
            (
                None,
                None,
                "gbr:establishment-of-nansha-international-arbitration-centre-cooperation-framework-agreement-2011",
                "gbr:world-trade-center-macau-arbitration-center",
            ),
        ],
        id="agreements-involving-macao",
    ),
    pytest.param(
        "in-city",
        {"city": "Guangzhou"},
        [
            ("gbr:asj-guangzhou", "gba:Organization", "gbr:guangzhou"),
            ("gbr:ehang", "gba:Company", "gbr:guangzhou"),
            ("gbr:gac-group", "gba:Company", "gbr:guangzhou"),
            ("gbr:gac-group-industrial-park-electric-intelligent-vehicles", "gba:Facility", "gbr:guangzhou"),
            ("gbr:gdut", "gba:University", "gbr:guangzhou"),
            ("gbr:gphl", "gba:Company", "gbr:guangzhou"),
            ("gbr:guangdong-academy-of-sciences", "gba:ResearchInstitute", "gbr:guangzhou"),
            ("gbr:guangdong-laboratory-for-lingnan-modern-agriculture", "gba:ResearchInstitute", "gbr:guangzhou"),
            ("gbr:guangdong-pharmaceutical-university", "gba:University", "gbr:guangzhou"),
            ("gbr:guangzhou-airport-economic-zone-management-committee", "gba:GovernmentBody", "gbr:guangzhou"),
            ("gbr:guangzhou-arbitration-commission", "gba:Organization", "gbr:guangzhou"),
            ("gbr:guangzhou-development-district-administrative-committee", "gba:GovernmentBody", "gbr:guangzhou"),
            ("gbr:guangzhou-hong-kong-sci-tech-cooperation-park", "gba:Facility", "gbr:guangzhou"),
            ("gbr:guangzhou-municipal-government", "gba:GovernmentBody", "gbr:guangzhou"),
            (
                "gbr:guangzhou-regenerative-medicine-and-health-guangdong-laboratory",
                "gba:ResearchInstitute",
                "gbr:guangzhou-international-bio-island",
            ),
            ("gbr:guangzhou-university", "gba:University", "gbr:guangzhou"),
            ("gbr:hkust-fok-ying-tung-research-institute", "gba:ResearchInstitute", "gbr:guangzhou"),
            ("gbr:hkust-guangzhou", "gba:University", "gbr:guangzhou"),
            ("gbr:hkust-guangzhou", "gba:University", "gbr:nansha"),
            ("gbr:home-of-hong-kong-macao-youth", "gba:Organization", "gbr:tianhe"),
            ("gbr:jinan-university", "gba:University", "gbr:guangzhou"),
            ("gbr:lu-gdut-service-centre", "gba:Facility", "gbr:guangzhou"),
            ("gbr:nansha-international-arbitration-center", "gba:Organization", "gbr:guangzhou"),
            ("gbr:peoples-government-of-nansha-district", "gba:GovernmentBody", "gbr:nansha"),
            ("gbr:pony-ai", "gba:Company", "gbr:nansha"),
            ("gbr:scut", "gba:University", "gbr:guangzhou"),
            ("gbr:sklcusa", "gba:ResearchInstitute", "gbr:guangzhou"),
            ("gbr:south-china-agricultural-university", "gba:University", "gbr:guangzhou"),
            ("gbr:south-china-agricultural-university", "gba:University", "gbr:tianhe"),
            ("gbr:south-china-normal-university", "gba:University", "gbr:guangzhou"),
            ("gbr:southern-marine-laboratory-guangzhou", "gba:ResearchInstitute", "gbr:guangzhou"),
            ("gbr:sun-yat-sen-university", "gba:University", "gbr:guangzhou"),
            ("gbr:weride", "gba:Company", "gbr:guangzhou"),
            ("gbr:xpeng", "gba:Company", "gbr:guangzhou"),
        ],
        id="in-guangzhou",
    ),
    pytest.param(
        "in-city",
        {"city": "Tseung Kwan O"},
        [("gbr:advanced-manufacturing-centre", "gba:Facility", "gbr:tseung-kwan-o")],
        id="in-tseung-kwan-o",
    ),
    pytest.param(
        "in-city",
        {"city": "Dongguan"},
        [
            ("gbr:asj-dongguan", "gba:Organization", "gbr:dongguan"),
            ("gbr:china-spallation-neutron-source", "gba:Facility", "gbr:dongguan"),
            ("gbr:china-spallation-neutron-source", "gba:Facility", "gbr:songshan-lake"),
            ("gbr:cityu-dongguan", "gba:University", "gbr:songshan-lake"),
            ("gbr:dongguan-municipal-government", "gba:GovernmentBody", "gbr:dongguan"),
            ("gbr:dongguan-sasac", "gba:GovernmentBody", "gbr:dongguan"),
            ("gbr:dongguan-science-and-technology-bureau", "gba:GovernmentBody", "gbr:dongguan"),
            ("gbr:dongguan-university-of-technology", "gba:University", "gbr:dongguan"),
            ("gbr:hkia-dongguan-logistics-park", "gba:Facility", "gbr:dongguan"),
            ("gbr:oppo", "gba:Company", "gbr:dongguan"),
            ("gbr:songshan-lake-materials-laboratory", "gba:ResearchInstitute", "gbr:songshan-lake"),
            ("gbr:vivo", "gba:Company", "gbr:dongguan"),
        ],
        id="in-dongguan",
    ),
    pytest.param(
        "who-leads",
        {"organization": "gbr:hkust-guangzhou"},
        [
            ("gbr:shaobing-qu", "gbr:role-party-secretary", "gbr:hkust-guangzhou", "2023-09-01", None, "yes"),
            ("gbr:lionel-m-ni", "gbr:role-president", "gbr:hkust-guangzhou", "2023-09-01", None, "yes"),
        ],
        id="who-leads-hkust-guangzhou",
    ),
    pytest.param(
        "who-leads",
        {"person": "Carrie Lam"},
        [
            ("gbr:carrie-lam", "gbr:role-chief-executive", "gbr:hksar-government", "2017-07-01", "2022-07-01", "no"),
            (
                "gbr:carrie-lam",
                "gbr:role-chief-secretary-for-administration",
                "gbr:hksar-government",
                "2016-02-29",
                "2022-04",
                "no",
            ),
        ],
        id="posts-of-carrie-lam",
    ),
    pytest.param(
        "who-leads",
        {"organization": "IDEA"},
        [
            ("gbr:harry-shum", "gbr:role-chairman", "gbr:idea", "2022-01", None, "yes"),
        ],
        id="who-leads-idea",
    ),
    pytest.param(
        "strengths",
        {"place": "Hong Kong"},
        [
            (
                "gbr:hong-kong",
                "gbr:stage-research",
                None,
                "Hong Kong has five universities ranked among the world’s top 100, bearing witness to their "
                "strong scientific research capabilities",
                "gbs:hk-digital-economy-blueprint-2022-01",
            ),
            (
                "gbr:hong-kong",
                "gbr:stage-research",
                "basic research",
                "Being the home to several world-renowned universities, Hong Kong is strong in basic research",
                "gbs:legco-commercialization-academic-research-shenzhen-2022-09-08",
            ),
            (
                "gbr:hong-kong",
                "gbr:stage-commercialisation",
                "incubation programmes",
                "The continued success of HKSTP’s incubation programmes is proof of the growing strength of the "
                "HKSTP and the overall Hong Kong innovation and technology (I&T) ecosystem.",
                "gbs:businesswire-hkstp-record-437-graduates-2023-06-14",
            ),
            (
                "gbr:hong-kong",
                "gbr:stage-financing",
                "advanced cutting-edge technologies",
                "to get IPO listed in Hong Kong, helping it become a go-to place to seek funding for advanced "
                "cutting-edge technologies",
                "gbs:hk-digital-economy-blueprint-2022-01",
            ),
            (
                "gbr:hong-kong",
                "gbr:stage-financing",
                "biotech",
                "Hong Kong’s status as Asia’s largest and the world’s second largest biotech fundraising hub",
                "gbs:hk-digital-economy-blueprint-2022-01",
            ),
            (
                "gbr:hong-kong",
                "gbr:stage-professional-services",
                "legal services",
                "Hong Kong also has competitive strengths in professional services such as legal services",
                "gbs:hk-digital-economy-blueprint-2022-01",
            ),
        ],
        id="strengths-hong-kong",
    ),
    pytest.param(
        "milestones",
        {"entity": "HKUST (GZ)"},
        [
            (
                "2022-09-01",
                "gbr:milestone-hkust-guangzhou-opened-2022",
                "gbr:hkust-guangzhou",
                "opened",
                "gba:Achieved",
            ),
            (
                "2023",
                "gbr:milestone-hkust-guangzhou-first-undergraduates-2023",
                "gbr:hkust-guangzhou",
                "first undergraduate students admitted",
                "gba:Achieved",
            ),
        ],
        id="milestones-of-hkust-guangzhou",
    ),
    pytest.param(
        "milestones",
        {"entity": "Cyberport"},
        [
            (
                "2004",
                "gbr:milestone-cyberport-commissioned-2004",
                "gbr:cyberport",
                "completed and commissioned",
                "gba:Achieved",
            ),
            ("2025", "gbr:milestone-cyberport-expansion-2025", "gbr:cyberport", "expansion completed", "gba:Planned"),
        ],
        id="milestones-of-cyberport",
    ),
    pytest.param(
        "evidence",
        {"subject": "Guangzhou", "predicate": "gba:collaboratesWith", "object": "Hong Kong"},
        [("gbr:guangzhou", "gba:collaboratesWith", "gbr:hong-kong", Q_COOPERATION, BLUEPRINT)],
        id="evidence-statement",
    ),
    pytest.param(
        "evidence",
        {"subject": "Shenzhen", "predicate": "gba:collaboratesWith", "object": "Guangzhou"},
        [("gbr:shenzhen", "gba:collaboratesWith", "gbr:guangzhou", Q_COOPERATION, BLUEPRINT)],
        id="evidence-symmetric-direction",
    ),
    pytest.param(
        "evidence",
        {"subject": "gbr:idea", "predicate": "gba:focusArea", "object": '"digital economy"'},
        [
            (
                "gbr:idea",
                "gba:focusArea",
                "digital economy",
                "IDEA is an international innovation-driven research institute that focuses on artificial intelligence "
                "(AI), digital economy and cutting-edge technologies",
                BLUEPRINT,
            )
        ],
        id="evidence-literal-object",
    ),
    pytest.param(
        "evidence",
        {"subject": "gbr:agreement-idea-hkust-gz", "predicate": "gba:party", "object": "IDEA"},
        [
            (
                "gbr:agreement-idea-hkust-gz",
                "gba:party",
                "gbr:idea",
                "IDEA also signed a strategic cooperation framework agreement with the Hong Kong University of Science "
                "and Technology (Guangzhou) (HKUST (GZ)), under which the two parties will focus on synergizing on "
                "innovating in frontier disciplines",
                BLUEPRINT,
            )
        ],
        id="evidence-qualified-node",
    ),
    pytest.param(
        "no-strength-at",
        {"stage": "Research", "kind": "gba:City"},
        [
            ("gbr:beijing", "gba:City"),
            ("gbr:chengdu", "gba:City"),
            ("gbr:foshan", "gba:City"),
            ("gbr:huizhou", "gba:City"),
            ("gbr:lanzhou", "gba:City"),
            ("gbr:palo-alto", "gba:City"),
            ("gbr:paris", "gba:City"),
            ("gbr:shanghai", "gba:City"),
            ("gbr:xiamen", "gba:City"),
            ("gbr:zhaoqing", "gba:City"),
            ("gbr:zhongshan", "gba:City"),
            ("gbr:zhuhai", "gba:City"),
        ],
        id="cities-without-research",
    ),
    pytest.param(
        "no-strength-at",
        {"stage": "commercialisation", "kind": "gba:City"},
        [
            ("gbr:beijing", "gba:City"),
            ("gbr:chengdu", "gba:City"),
            ("gbr:dongguan", "gba:City"),
            ("gbr:foshan", "gba:City"),
            ("gbr:huizhou", "gba:City"),
            ("gbr:jiangmen", "gba:City"),
            ("gbr:lanzhou", "gba:City"),
            ("gbr:macao", "gba:City"),
            ("gbr:palo-alto", "gba:City"),
            ("gbr:paris", "gba:City"),
            ("gbr:shanghai", "gba:City"),
            ("gbr:xiamen", "gba:City"),
            ("gbr:zhaoqing", "gba:City"),
            ("gbr:zhongshan", "gba:City"),
            ("gbr:zhuhai", "gba:City"),
        ],
        id="cities-without-commercialisation",
    ),
]


def show(term: object) -> str | None:
    if term is None:
        return None
    value = getattr(term, "value", None)
    if value is not None and term.__class__.__name__ == "NamedNode":
        return curie(value)
    return value if value is not None else str(term)


def run_oxigraph(store, name: str, raw: dict[str, str]) -> tuple[list[str], list[tuple]]:
    named = sparql.named_query(name)
    sparql.check_bindings(named.text, raw, named)
    terms = sparql.bind_terms(raw, lambda n: engine.resolve(store, n))
    result = engine.query(store, named.text, bindings=terms, prefixes=sparql.PREFIXES)
    variables = [v.value for v in result.variables]
    return variables, [tuple(s[v] for v in variables) for s in result]


@pytest.fixture(scope="module")
def store():
    return engine.open_store(engine.source_files())


@pytest.mark.parametrize(("name", "raw", "expected"), CASES)
def test_named_query_answers(store, name, raw, expected):
    """Each named query gives exactly the rows read from graph/*.ttl, in order."""
    _, rows = run_oxigraph(store, name, raw)
    assert [tuple(show(t) for t in row) for row in rows] == expected


def _plain(term):
    """rdflib keeps "x"^^xsd:string apart from "x"; RDF 1.1 (and Oxigraph) does not."""
    return Literal(str(term)) if isinstance(term, Literal) and term.datatype == XSD.string else term


# Whole lists, for the engines to agree on (their exact content is checked piecewise above and below).
BROAD = [
    pytest.param("who-leads", {}, None, id="who-leads-all"),
    pytest.param("milestones", {}, None, id="milestones-all"),
    pytest.param("strengths", {}, None, id="strengths-all"),
    pytest.param("no-strength-at", {"stage": "Research"}, None, id="no-research-any-kind"),
    pytest.param("agreements-involving", {"place": "Greater Bay Area"}, None, id="agreements-involving-gba"),
    pytest.param("partners-of", {"org": "Hong Kong"}, None, id="partners-of-hong-kong"),
    pytest.param("evidence", {"subject": "Hong Kong"}, None, id="evidence-about-hong-kong"),
]


@pytest.mark.parametrize(("name", "raw", "expected"), CASES + BROAD)
def test_memory_and_oxigraph_agree(curated, store, name, raw, expected):
    """rdflib's Memory store (with initBindings) and the Oxigraph engine (with VALUES) give the same rows."""
    variables, rows = run_oxigraph(store, name, raw)
    terms = sparql.bind_terms(raw, lambda n: engine.resolve(store, n))
    memory = curated.query(
        sparql.named_query(name).text,
        initNs=sparql.PREFIXES,
        initBindings={k: engine.to_rdflib(v) for k, v in terms.items()},
    )
    assert [tuple(_plain(r[v]) for v in variables) for r in memory] == [
        tuple(None if t is None else engine.to_rdflib(t) for t in row) for row in rows
    ]


def test_all_milestones_in_time_order(store):
    """Every milestone once, dated ones by their date as written (a year before its months), undated last."""
    _, rows = run_oxigraph(store, "milestones", {})
    expected = {
        s["m"].value for s in engine.query(store, "SELECT ?m WHERE { ?m a gba:Milestone }", prefixes=sparql.PREFIXES)
    }
    assert {row[1].value for row in rows} == expected and len(rows) == len(expected)
    dated = [row[0].value for row in rows if row[0] is not None]
    assert dated == sorted(dated) and all(row[0] is None for row in rows[len(dated) :])


def test_every_named_query_is_tested():
    assert {p.values[0] for p in CASES} == set(sparql.named_queries())


@pytest.mark.parametrize("name", sorted(sparql.named_queries()))
def test_named_query_declares_itself(name):
    """A description line, and every declared binding is a variable of the query."""
    named = sparql.named_query(name)
    assert named.text.startswith("# description: ") and len(named.description) > 20
    body = "\n".join(line for line in named.text.splitlines() if not line.startswith("#"))
    for binding in named.bindings:
        assert re.search(rf"\?{binding.name}\b", body), binding.name


# -- small graphs: what the curated graph does not (yet) exercise --------------------------------

DATED = """
gbr:alpha-city a gba:City ; rdfs:label "Alpha City"@en .
gbr:alpha-district a gba:District ; rdfs:label "Alpha District"@en ; gba:partOf gbr:alpha-city .
gbr:alpha-university a gba:University ; rdfs:label "Alpha University"@en ; gba:locatedIn gbr:alpha-district .
gbr:beta-lab a gba:ResearchInstitute ; rdfs:label "Beta Lab"@en .
gbr:gamma-lab a gba:ResearchInstitute ; rdfs:label "Gamma Lab"@en .
gbr:a-2021 a gba:Agreement ; gba:party gbr:alpha-university , gbr:beta-lab ; gba:signedOn "2021-03-05"^^xsd:date .
gbr:a-2019 a gba:Agreement ; gba:party gbr:alpha-university , gbr:gamma-lab ; gba:signedOn "2019"^^xsd:gYear .
gbr:a-undated a gba:Agreement ; gba:party gbr:alpha-university , gbr:beta-lab .
gbr:a-other a gba:Agreement ; gba:party gbr:beta-lab , gbr:gamma-lab ; gba:signedOn "2018"^^xsd:gYear .
gbr:m-late a gba:Milestone ; gba:milestoneOf gbr:alpha-university ; gba:date "2020-11"^^xsd:gYearMonth .
gbr:m-early a gba:Milestone ; gba:milestoneOf gbr:beta-lab ; gba:date "2020-02-01"^^xsd:date .
gbr:m-undated a gba:Milestone ; gba:milestoneOf gbr:beta-lab .
""" + statement("gbr:gamma-lab", "gba:locatedIn", "gbr:alpha-city", "Beta Lab is in Beta City")


@pytest.fixture
def dated_store(write_ttl):
    return engine.open_store(engine.source_files([write_ttl(DATED)]))


def test_agreements_by_year_through_districts(dated_store):
    """Dated agreements come in date order, undated last; parties inside a district of the city count."""
    _, rows = run_oxigraph(dated_store, "agreements-involving", {"place": "Alpha City"})
    assert [tuple(show(t) for t in row) for row in rows] == [
        ("2018", "2018", "gbr:a-other", "gbr:gamma-lab"),
        ("2019", "2019", "gbr:a-2019", "gbr:alpha-university"),
        ("2019", "2019", "gbr:a-2019", "gbr:gamma-lab"),
        ("2021", "2021-03-05", "gbr:a-2021", "gbr:alpha-university"),
        (None, None, "gbr:a-undated", "gbr:alpha-university"),
    ]


def test_milestones_mixed_precision_in_order(dated_store):
    _, rows = run_oxigraph(dated_store, "milestones", {})
    assert [(show(r[0]), show(r[1])) for r in rows] == [
        ("2020-02-01", "gbr:m-early"),
        ("2020-11", "gbr:m-late"),
        (None, "gbr:m-undated"),
    ]


def test_in_city_follows_districts(dated_store):
    _, rows = run_oxigraph(dated_store, "in-city", {"city": "Alpha City"})
    assert [tuple(show(t) for t in row) for row in rows] == [
        ("gbr:alpha-university", "gba:University", "gbr:alpha-district"),
        ("gbr:gamma-lab", "gba:ResearchInstitute", "gbr:alpha-city"),
    ]


def test_in_city_counts_a_lab_at_a_campus_there(write_ttl):
    """A lab located at a university (its campus) is in the university's city, through its district."""
    at_campus = DATED + "gbr:beta-lab gba:locatedIn gbr:alpha-university .\n"
    store = engine.open_store(engine.source_files([write_ttl(at_campus)]))
    _, rows = run_oxigraph(store, "in-city", {"city": "Alpha City"})
    assert [tuple(show(t) for t in row) for row in rows] == [
        ("gbr:alpha-university", "gba:University", "gbr:alpha-district"),
        ("gbr:beta-lab", "gba:ResearchInstitute", "gbr:alpha-university"),
        ("gbr:gamma-lab", "gba:ResearchInstitute", "gbr:alpha-city"),
    ]


# The strengths the article alone states: its per-source view (gbakg.rdf.provenance) keeps the answer exact.
ARTICLE_STRENGTHS = [
    ("gbr:china", "gbr:stage-research", "computer vision algorithms and systems", Q_CHINA, BLUEPRINT),
    ("gbr:china", "gbr:stage-research", "smart interactive conversations", Q_CHINA, BLUEPRINT),
    ("gbr:dongguan", "gbr:stage-manufacturing", None, Q_MANUFACTURING, BLUEPRINT),
    ("gbr:guangzhou", "gbr:stage-research", None, Q_SCIENTIFIC, BLUEPRINT),
    ("gbr:guangzhou", "gbr:stage-manufacturing", None, Q_MANUFACTURING, BLUEPRINT),
    ("gbr:hong-kong", "gbr:stage-research", None, Q_HK_RESEARCH, BLUEPRINT),
    ("gbr:hong-kong", "gbr:stage-financing", "advanced cutting-edge technologies", Q_HK_IPO, BLUEPRINT),
    ("gbr:hong-kong", "gbr:stage-financing", "biotech", Q_HK_BIOTECH, BLUEPRINT),
    ("gbr:hong-kong", "gbr:stage-professional-services", "legal services", Q_HK_LEGAL, BLUEPRINT),
    ("gbr:shenzhen", "gbr:stage-research", None, Q_SCIENTIFIC, BLUEPRINT),
    ("gbr:shenzhen", "gbr:stage-commercialisation", None, Q_SHENZHEN, BLUEPRINT),
]


def test_the_articles_strengths(curated):
    """The `strengths` query on what the article backs gives its eleven strengths (the view keeps no stage order)."""
    from rdflib import URIRef

    from gbakg.rdf.provenance import facts_from
    from gbakg.vocabulary import GBS

    view = facts_from(curated, URIRef(GBS["hk-digital-economy-blueprint-2022-01"]))
    rows = view.query(sparql.named_query("strengths").text, initNs=sparql.PREFIXES)
    assert {
        tuple(None if t is None else (curie(str(t)) if isinstance(t, URIRef) else str(t)) for t in row) for row in rows
    } == set(ARTICLE_STRENGTHS)
