"""The analysis commands end to end, on the small network of netdata.py and on the curated graph."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from rdflib import Graph

from conftest import ROOT, TINY_GRAPH, statement
from gbakg.cli.analysis import COMMANDS
from gbakg.export import read_graphml
from gbakg.network.projections import GBX, full_graph
from gbakg.rdf.load import load
from gbakg.vocabulary import GBR
from netdata import NET


@pytest.fixture
def net_file(write_ttl):
    return str(write_ttl(NET, "net.ttl"))


NAMES = sorted(c.name for c in COMMANDS)


@pytest.mark.parametrize("name", NAMES)
def test_every_command_has_help_and_a_readme_row(run, name):
    result = run(name, "--help")
    assert result.exit_code == 0 and "--graph PATH" in result.output
    readme = (ROOT / "README.md").read_text()
    assert f"| `gbakg {name}" in readme


def test_path_help_says_the_graph_is_walked_as_undirected(run):
    assert "walked as undirected" in " ".join(run("path", "--help").output.split())


# ---------------------------------------------------------------- path


def test_path_prints_each_hop_with_its_evidence(run, net_file):
    result = run("path", "Pat One", "gamma firm", "--graph", net_file)
    assert result.exit_code == 0
    assert result.output == (
        "A shortest path: 3 hop(s) in the full graph (walked as undirected)\n"
        "Pat One ←[org:member]— Pat One at Beta Lab\n"
        "    “Pat One works at Beta Lab.” — Tiny source (gbs:tiny)\n"
        "Pat One at Beta Lab —[org:organization]→ Beta Lab\n"
        "    “Pat One works at Beta Lab.” — Tiny source (gbs:tiny)\n"
        "Beta Lab —[gba:collaboratesWith]→ Gamma Firm\n"
        "    “Beta Lab works with Gamma Firm.” — Tiny source (gbs:tiny)\n"
    )


def test_path_on_the_collaboration_graph(run, net_file):
    result = run("path", "gbr:p1", "Gamma Firm", "--via", "collab", "--graph", net_file)
    assert result.exit_code == 0
    assert result.output.splitlines()[1] == "Pat One —[membership: Pat One at Beta Lab]— Beta Lab"


def test_path_to_itself(run, net_file):
    result = run("path", "AU", "gbr:uni-a", "--graph", net_file)
    assert (result.exit_code, result.output) == (0, "Alpha University is both ends: a path of no hops.\n")


def test_all_paths(run, net_file):
    result = run("path", "AU", "Gamma Firm", "--all", "--graph", net_file, "--format", "json")
    paths = json.loads(result.stdout)
    assert result.exit_code == 0
    assert sorted([h["links"][0]["relation"] for h in p] for p in paths) == [
        ["gba:collaboratesWith", "gba:collaboratesWith"],  # through Beta Lab
        ["gba:participatesIn", "gba:runBy"],  # through the Gamma Scheme
    ]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("path", "AU", "Lonely Firm"), 1, "Error: no path between Alpha University and Lonely Firm in the full graph"),
        (
            ("path", "AU", "Lonely Firm", "--via", "collab"),
            1,
            "Error: no path between Alpha University and Lonely Firm in the collaboration graph",
        ),
        (("path", "Gamma", "Beta Lab"), 2, "Error: unknown entity 'Gamma'; did you mean 'Gamma Firm'?"),
        (("neighbors", "Bta Lab"), 2, "Error: unknown entity 'Bta Lab'; did you mean 'Beta Lab'?"),
        (("suggest", "--for", "Gama Firm"), 2, "Error: unknown entity 'Gama Firm'; did you mean 'Gamma Firm'?"),
        (
            ("suggest", "--for", "Alpha University: research"),
            2,
            "Error: 'Alpha University: research' (gbr:s1) is not in the collaboration graph: "
            "suggestions are for actors",
        ),
        (
            ("path", "gbr:s1", "AU", "--via", "collab"),
            2,
            "Error: gbr:s1 is not in the collaboration graph; try --projection full",
        ),
    ],
)
def test_errors(run, net_file, args, code, message):
    result = run(*args, "--graph", net_file)
    assert result.exit_code == code
    assert result.output.strip() == message


# ---------------------------------------------------------------- neighbours, centrality, communities, suggest


def test_neighbors_grouped_by_relation(run, net_file):
    result = run("neighbors", "Beta Lab", "--via", "collab", "--graph", net_file)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Beta Lab (gba:ResearchInstitute): 4 neighbour(s) within 1 hop(s) in the collaboration graph"
    assert [line for line in lines if line.startswith("—")] == [
        "—[agreement]—",
        "—[collaboratesWith]—",
        "—[membership]—",
    ]
    assert "  Pat One (gba:Person) (via Pat One at Beta Lab)" in lines


def test_neighbors_at_depth_two(run, net_file):
    result = run("neighbors", "Pat One", "--depth", "2", "--graph", net_file, "--format", "json")
    rows = json.loads(result.stdout)
    assert {r["depth"] for r in rows} == {1, 2}
    assert {(r["label"], r["from_label"]) for r in rows if r["depth"] == 2} == {("Beta Lab", "Pat One at Beta Lab")}


def test_centrality_ranks_the_broker_first(run, net_file):
    result = run("centrality", "--graph", net_file, "--top", "1", "--format", "csv")
    assert result.exit_code == 0
    header, row = result.stdout.splitlines()
    assert header.startswith("rank,iri,label,type,links,degree,betweenness")
    # Beta Lab alone joins its two people to the rest: 4 pairs of 28 (9 nodes), 1/7.
    assert row.startswith(f"1,{GBR['lab-b']},Beta Lab,gba:ResearchInstitute,4,0.5000,0.1429,")
    assert "# collaboration graph: 9 nodes, 6 links; exact (9 nodes); ranked by betweenness" in result.stderr


def test_centrality_prints_the_sampling_method(run, net_file):
    result = run("centrality", "--graph", net_file, "--threshold", "3", "--k", "5")
    assert result.output.startswith(
        "# collaboration graph: 9 nodes, 6 links; betweenness and closeness sampled from 5 pivots (seed 42): "
        "9 nodes > 3; --exact computes them exactly; ranked by betweenness\n"
    )


def test_centrality_rdf_out(run, net_file, tmp_path):
    out = tmp_path / "scores.ttl"
    result = run("centrality", "--graph", net_file, "--on", "place", "--rdf-out", str(out), "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert {r["label"] for r in rows} == {"Alpha City", "Beta City"}
    scores = Graph().parse(out)
    assert (GBR["alpha-city"], GBX.degree, None) in scores


def test_communities_table_and_rdf(run, net_file, tmp_path):
    out = tmp_path / "communities.ttl"
    result = run("communities", "--graph", net_file, "--method", "louvain", "--rdf-out", str(out))
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == (
        "# louvain: modularity 0.1224, 6 communities (4 singletons) in the collaboration graph"
    )
    assert "louvain  1          3     Alpha University; Beta Lab; Gamma Firm" in result.output
    found = (
        Graph()
        .parse(out)
        .query("SELECT (COUNT(?m) AS ?n) WHERE { ?c gbx:member ?m ; gbx:method 'louvain' }", initNs={"gbx": GBX})
    )
    assert next(iter(found)).n.toPython() == 9


# Three organisations around a hub (Hub links to A, B and C), a person at the hub, and two cities:
# A and P in Alpha City, B in Beta City; the hub in neither, so it brokers between the two.
HUB = (
    """
gbr:alpha-city a gba:City ; rdfs:label "Alpha City"@en .
gbr:beta-city a gba:City ; rdfs:label "Beta City"@en .
gbr:org-a a gba:Company ; rdfs:label "Org A"@en ; gba:locatedIn gbr:alpha-city .
gbr:org-b a gba:Company ; rdfs:label "Org B"@en ; gba:locatedIn gbr:beta-city .
gbr:org-c a gba:Company ; rdfs:label "Org C"@en .
gbr:hub a gba:ResearchInstitute ; rdfs:label "Hub"@en .
gbr:pat a gba:Person ; rdfs:label "Pat"@en .
gbr:m1 a org:Membership ; rdfs:label "Pat at Hub"@en ; org:member gbr:pat ; org:organization gbr:hub ;
    prov:wasDerivedFrom gbs:tiny ; gba:quote "Alpha University" .
"""
    + statement("gbr:org-a", "gba:collaboratesWith", "gbr:hub", "Alpha University")
    + statement("gbr:org-b", "gba:collaboratesWith", "gbr:hub", "Beta Lab")
    + statement("gbr:hub", "gba:collaboratesWith", "gbr:org-c", "Beta Lab")
)


def test_suggest_justifies_each_pair(run, write_ttl):
    result = run("suggest", "--graph", str(write_ttl(HUB)), "--for", "Org A", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["a_label"], r["b_label"], r["shared"]) for r in rows] == [
        ("Org A", "Org B", ["Hub"]),
        ("Org A", "Org C", ["Hub"]),
    ]
    assert rows[0]["resource_allocation"] == 0.25  # the hub has four partners: A, B, C and Pat


@pytest.mark.parametrize("name", ["Pat One", "gbr:p2"])
def test_suggest_for_a_person_is_refused(run, net_file, name):
    """People are never proposed, so asking for one is an input error, not a list of pairs."""
    result = run("suggest", "--graph", net_file, "--for", name)
    assert result.exit_code == 2
    who = "Pat One" if name == "Pat One" else "Pat Two"
    assert (
        result.output
        == f"Error: {who} is a person: people are not proposed; suggestions are for organisations and places\n"
    )


def test_value_chain_matrix(run, net_file):
    result = run("value-chain", "--graph", net_file)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "place",
        "Research",
        "Application",
        "Commercialisation",
        "Marketing",
        "IP",
        "protection",
        "Manufacturing",
        "Financing",
        "Legal",
        "services",
    ]
    assert lines[2].split() == ["Alpha", "City", "1", "-", "-", "-", "-", "-", "-", "-"]
    assert lines[3].split() == ["Beta", "City", "1", "-", "-", "-", "-", "1", "-", "-"]
    assert "  Beta City · Research (biotech), held by Beta Lab, compared with Alpha University" in lines
    assert lines[-3:] == [
        "  Alpha City",
        "    Manufacturing and mass production: Beta City",
        "  Beta City: no gap that another place covers",
    ]


# ---------------------------------------------------------------- export


def test_export_graphml_round_trip(run, net_file, tmp_path):
    out = tmp_path / "net.graphml"
    result = run("export", "--graph", net_file, "-o", str(out))
    assert result.exit_code == 0 and result.stderr == f"wrote {out} (graphml)\n"
    original = full_graph(load([net_file]))
    raw = nx.read_graphml(out, force_multigraph=True)
    assert set(raw.nodes) == set(original.nodes)
    assert set(raw.edges(keys=True)) == set(original.edges(keys=True))
    assert json.loads(raw.nodes[str(GBR["agr"])]["evidence"]) == original.nodes[str(GBR["agr"])]["evidence"]
    back = read_graphml(out)
    assert dict(back.nodes(data=True)) == dict(original.nodes(data=True))
    assert {e[:3]: e[3] for e in back.edges(keys=True, data=True)} == {
        e[:3]: e[3] for e in original.edges(keys=True, data=True)
    }


@pytest.mark.parametrize("projection", ["collab", "place"])
def test_export_projection_round_trip(run, net_file, tmp_path, projection):
    from gbakg.network.projections import collaboration_graph, place_graph

    out = tmp_path / "p.graphml"
    assert run("export", "--graph", net_file, "-o", str(out), "--projection", projection).exit_code == 0
    collab = collaboration_graph(load([net_file]))
    original = collab if projection == "collab" else place_graph(collab)
    back = read_graphml(out)
    assert dict(back.nodes(data=True)) == dict(original.nodes(data=True))
    assert {frozenset(e[:2]): e[2] for e in back.edges(data=True)} == {
        frozenset(e[:2]): e[2] for e in original.edges(data=True)
    }


def test_export_gexf_and_json(run, net_file, tmp_path):
    gexf, data = tmp_path / "net.gexf", tmp_path / "net.json"
    assert run("export", "--graph", net_file, "-o", str(gexf)).exit_code == 0
    assert run("export", "--graph", net_file, "-o", str(data)).exit_code == 0
    original = full_graph(load([net_file]))
    assert set(nx.read_gexf(gexf).nodes) == set(original.nodes)
    node_link = json.loads(data.read_text())
    assert all({"label", "type"} <= node.keys() for node in node_link["nodes"])
    back = nx.node_link_graph(node_link, edges="edges")
    assert set(back.edges(keys=True)) == set(original.edges(keys=True))


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib's own JSON-LD parser
@pytest.mark.parametrize(("fmt", "rdflib_format"), [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_export_rdf(run, net_file, tmp_path, fmt, rdflib_format):
    out = tmp_path / "net.out"
    assert run("export", "--graph", net_file, "-o", str(out), "--format", fmt).exit_code == 0
    text = out.read_text()
    if fmt == "jsonld":
        assert isinstance(json.loads(text)["@context"], dict)  # inline, nothing fetched
    assert len(Graph().parse(data=text, format=rdflib_format)) == len(load([net_file]))


@pytest.mark.parametrize(("name", "fmt"), [("out.ttl", None), ("out.nt", None), ("out.data", "jsonld"), ("-", "nt")])
@pytest.mark.parametrize("projection", ["place", "collab", "full"])
def test_export_projection_with_an_rdf_format_is_refused(run, net_file, tmp_path, name, fmt, projection):
    """RDF is always the whole graph: a --projection given with it would be silently ignored, so it is an error."""
    out = name if name == "-" else str(tmp_path / name)
    result = run(
        "export", "--graph", net_file, "-o", out, *(["--format", fmt] if fmt else []), "--projection", projection
    )
    assert result.exit_code == 2
    written = fmt or {"out.ttl": "turtle", "out.nt": "nt"}[name]
    assert result.output == (
        f"Error: --projection {projection} applies to graphml, gexf and json; {written} writes the whole RDF graph\n"
    )
    assert not (tmp_path / name).exists()


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld"])
def test_export_rdf_ends_with_a_newline(run, net_file, fmt):
    result = run("export", "--graph", net_file, "-o", "-", "--format", fmt)
    assert result.exit_code == 0 and result.stdout.endswith("\n")


def test_export_needs_a_known_format(run, net_file, tmp_path):
    result = run("export", "--graph", net_file, "-o", str(tmp_path / "net.xyz"))
    assert result.exit_code == 2
    assert "cannot tell the format from the file name" in result.output


def test_export_to_a_missing_folder(run, net_file, tmp_path):
    out = tmp_path / "nope" / "x.graphml"
    result = run("export", "--graph", net_file, "-o", str(out))
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {out}: folder {out.parent} does not exist"


# ---------------------------------------------------------------- the curated graph


@pytest.mark.parametrize(
    "args",
    [
        ("centrality", "--top", "5"),
        ("centrality", "--on", "full", "--measure", "pagerank"),
        ("path", "IDEA", "Hong Kong"),
        ("neighbors", "Hong Kong", "--depth", "2"),
        ("communities",),
        ("value-chain",),
        ("suggest",),
    ],
)
def test_commands_work_on_the_curated_graph(run, args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.output.strip()


def test_curated_path_shows_evidence(run, curated):
    """Every hop of a path on the curated graph is followed by a quote."""
    lines = run("path", "HKUST (GZ)", "Hong Kong").output.splitlines()
    hops = [i for i, line in enumerate(lines) if "]→" in line or "]—" in line]
    assert hops and all(lines[i + 1].startswith("    “") for i in hops)


def test_brokers_between_two_cities(run, net_file):
    """Alpha University and the two Beta City actors are linked directly: nobody brokers between them."""
    result = run("brokers", "Alpha City", "Beta City", "--graph", net_file)
    assert result.exit_code == 0
    assert result.output.splitlines()[:2] == [
        "# Alpha City: 3 actors; Beta City: 3 actors (by home city or region)",
        "# no brokers: every connected pair across the two sides is linked directly",
    ]


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        (
            "Alpha City",
            "alpha city",
            "'Alpha City' and 'alpha city' are the same place; brokers needs two different places",
        ),
        (
            "Alpha City",
            "gbr:alpha-city",
            "'Alpha City' and 'gbr:alpha-city' are the same place; brokers needs two different places",
        ),
        (
            "Alpha City",
            "Beta Lab",
            "Beta Lab is not a place (Beta Lab: gba:ResearchInstitute); brokers takes two places",
        ),
        ("Pat One", "Beta City", "Pat One is not a place (Pat One: gba:Person); brokers takes two places"),
    ],
)
def test_brokers_needs_two_different_places(run, net_file, a, b, message):
    result = run("brokers", a, b, "--graph", net_file)
    assert result.exit_code == 2
    assert result.output == f"Error: {message}\n"


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_brokers_counts_pairs_as_whole_numbers(run, write_ttl, fmt):
    """The hub lies on the one path from Org A (Alpha City) to Org B (Beta City): 1 pair, not 1.0000."""
    result = run("brokers", "Alpha City", "Beta City", "--graph", str(write_ttl(HUB)), "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert [(r["label"], r["pairs"], r["share"]) for r in json.loads(result.stdout)] == [("Hub", 1, 1.0)]
        assert type(json.loads(result.stdout)[0]["pairs"]) is int
    elif fmt == "csv":
        assert result.stdout.splitlines()[-1].startswith("Hub,gba:ResearchInstitute,neither,1,1.0000,")
    else:
        assert result.stdout.splitlines()[-1].split() == ["Hub", "gba:ResearchInstitute", "neither", "1", "1.0000"]


def test_brokers_unknown_place(run, net_file):
    result = run("brokers", "Alpha City", "Gamma City", "--graph", net_file)
    assert result.exit_code == 2
    assert result.output.startswith("Error: unknown entity 'Gamma City'")


ROLE_ONLY = (
    statement("gbr:org-a", "rdf:type", "gba:University", "Alpha University")
    + statement("gbr:org-b", "rdf:type", "gba:University", "Beta Lab")
    + statement("gbr:p1", "rdf:type", "gba:Person", "Alpha University")
    + statement("gbr:p2", "rdf:type", "gba:Person", "Beta Lab")
    + statement("gbr:role-head", "rdf:type", "org:Role", "Alpha University")
    + """
gbr:org-a rdfs:label "Org A"@en . gbr:org-b rdfs:label "Org B"@en .
gbr:p1 rdfs:label "P One"@en . gbr:p2 rdfs:label "P Two"@en . gbr:role-head rdfs:label "Head"@en .
gbr:m1 a org:Membership ; rdfs:label "P One, Head, Org A"@en ; org:member gbr:p1 ; org:organization gbr:org-a ;
    org:role gbr:role-head ; gba:date "2024"^^xsd:gYear ; prov:wasDerivedFrom gbs:tiny ; gba:quote "Alpha University" .
gbr:m2 a org:Membership ; rdfs:label "P Two, Head, Org B"@en ; org:member gbr:p2 ; org:organization gbr:org-b ;
    org:role gbr:role-head ; gba:date "2024"^^xsd:gYear ; prov:wasDerivedFrom gbs:tiny ; gba:quote "Beta Lab" .
"""
)


def test_paths_do_not_pass_through_roles_unless_asked(run, write_ttl):
    """Two heads of two organisations share only their role: that is no path between the organisations."""
    data = str(write_ttl(ROLE_ONLY))
    plain = run("path", "Org A", "Org B", "--graph", data)
    assert plain.exit_code == 1 and "no path between Org A and Org B" in plain.output
    through = run("path", "Org A", "Org B", "--graph", data, "--through-vocabulary")
    assert through.exit_code == 0 and "Head" in through.output
    near = run("neighbors", "P One, Head, Org A", "--graph", data, "--format", "csv")
    assert "role-head" not in near.output
    assert "Head (org:Role)" in run("neighbors", "P One, Head, Org A", "--graph", data, "--through-vocabulary").output


def test_the_place_graph_says_what_it_left_out(run, write_ttl):
    result = run("centrality", "--projection", "place", "--graph", str(write_ttl(TINY_GRAPH)))
    assert result.exit_code == 0, result.output
    assert "left out, having no place: 0 people and 0 other actor(s)" in result.output.splitlines()[0]
