"""Analysis on small graphs whose answers are worked out by hand."""

from __future__ import annotations

import math
import os
import random
import subprocess
import sys

import networkx as nx
import pytest

from conftest import ROOT
from gbakg.errors import AnalysisError, InputError
from gbakg.network.brokerage import brokers
from gbakg.network.centrality import centrality, rank
from gbakg.network.communities import communities
from gbakg.network.graphs import home_places, indexed
from gbakg.network.linkprediction import suggest
from gbakg.network.paths import neighbors, shortest_paths
from gbakg.network.projections import full_graph
from gbakg.network.valuechain import value_chain
from gbakg.rdf.load import load
from gbakg.vocabulary import GBR
from netdata import NET


def _graph(edges: str, **attrs) -> nx.Graph:
    """'a-b b-c' -> an undirected graph labelled with upper-case names."""
    g = nx.Graph()
    for pair in edges.split():
        u, v = pair.split("-")
        g.add_edge(u, v, weight=1, **attrs)
    for node in g:
        g.nodes[node].update(label=node.upper(), type="gba:Thing")
    return g


def _by_node(result: dict) -> dict[str, dict]:
    return {row["iri"]: row for row in result["rows"]}


# ---------------------------------------------------------------- centrality


def test_centrality_of_a_path_by_hand():
    """a-b-c: b is on the only path between a and c."""
    rows = _by_node(centrality(_graph("a-b b-c")))
    b, a = rows["b"], rows["a"]
    assert (b["degree"], b["betweenness"], b["closeness"]) == (1.0, 1.0, 1.0)
    assert (a["degree"], a["betweenness"]) == (0.5, 0.0)
    assert a["closeness"] == pytest.approx(2 / 3)
    assert b["constraint"] == pytest.approx(0.5)  # two independent contacts, each 1/2, squared
    assert a["constraint"] == pytest.approx(1.0)
    assert (b["effective_size"], a["effective_size"]) == (2.0, 1.0)
    assert b["links"] == 2
    assert b["pagerank"] > a["pagerank"] == pytest.approx(rows["c"]["pagerank"])


def test_star_centre_is_the_top_broker():
    g = _graph("h-a h-b h-c h-d a-b")
    ranked = rank(centrality(g)["rows"])
    assert ranked[0]["iri"] == "h"
    assert ranked[0]["betweenness"] == pytest.approx(5 / 6)  # 5 of the 6 leaf pairs pass through h only
    assert rank(centrality(g)["rows"], "constraint")[0]["iri"] == "h"


def test_isolated_node_has_no_constraint():
    g = _graph("a-b")
    g.add_node("z", label="Z", type="gba:Thing")
    z = _by_node(centrality(g))["z"]
    assert z["constraint"] is None and z["effective_size"] is None and z["closeness"] == 0.0


def test_rank_breaks_ties_by_brokerage_then_label():
    rows = [
        {"iri": "x", "label": "X", "betweenness": 0.5, "effective_size": 1.0, "constraint": 0.9},
        {"iri": "y", "label": "Y", "betweenness": 0.5, "effective_size": 3.0, "constraint": 0.4},
        {"iri": "w", "label": "W", "betweenness": 0.5, "effective_size": 3.0, "constraint": 0.4},
        {"iri": "v", "label": "V", "betweenness": 0.9, "effective_size": None, "constraint": None},
    ]
    assert [r["iri"] for r in rank(rows)] == ["v", "w", "y", "x"]
    assert [r["iri"] for r in rank(rows, "constraint", top=2)] == ["w", "y"]


@pytest.mark.parametrize("exact", [False, True])
def test_sampling_above_the_threshold(exact):
    """With every node as a pivot, the sampled estimates equal the exact values."""
    g = nx.relabel_nodes(nx.les_miserables_graph(), str)
    for node in g:
        g.nodes[node].update(label=node, type="gba:Person")
    n = g.number_of_nodes()
    result = centrality(g, threshold=10, k=n, exact=exact)
    assert result["method"].startswith("exact" if exact else f"betweenness and closeness sampled from {n} pivots")
    truth = _by_node(centrality(g))
    for node, row in _by_node(result).items():
        assert row["betweenness"] == pytest.approx(truth[node]["betweenness"])
        assert row["closeness"] == pytest.approx(truth[node]["closeness"])


def test_sampled_closeness_handles_components():
    g = _graph("a-b b-c d-e")
    result = _by_node(centrality(g, threshold=1, k=5, seed=1))
    truth = _by_node(centrality(g))
    for node in "abcde":
        assert result[node]["closeness"] == pytest.approx(truth[node]["closeness"])


def test_empty_graph_is_an_analysis_finding():
    with pytest.raises(AnalysisError, match="the graph has no nodes"):
        centrality(nx.Graph())


# ---------------------------------------------------------------- paths and neighbours


def _multi() -> nx.MultiDiGraph:
    """a -p-> b <-q- c ; b -r-> d -s-> c ; z alone."""
    g = nx.MultiDiGraph()
    for node in "abcdz":
        g.add_node(node, label=node.upper(), type="gba:Thing")
    for u, v, key in [("a", "b", "p"), ("c", "b", "q"), ("b", "d", "r"), ("d", "c", "s")]:
        g.add_edge(u, v, key=key, relation=key, evidence=[{"source": "gbs:x", "title": "X", "quote": f"{u} {key} {v}"}])
    return g


def test_path_walks_edges_against_their_direction():
    (hops,) = shortest_paths(_multi(), "a", "c")
    assert [(h["from"], h["to"]) for h in hops] == [("a", "b"), ("b", "c")]
    assert hops[0]["links"] == [
        {"relation": "p", "forward": True, "evidence": [{"source": "gbs:x", "title": "X", "quote": "a p b"}]}
    ]
    assert hops[1]["links"][0]["relation"] == "q" and hops[1]["links"][0]["forward"] is False
    assert hops[1]["to_label"] == "C"


def test_all_shortest_paths():
    g = _multi()
    g.add_edge("a", "e", key="t", relation="t", evidence=[])
    g.add_edge("e", "d", key="t", relation="t", evidence=[])
    nx.set_node_attributes(g, {"e": "E"}, "label")
    paths = shortest_paths(g, "a", "d", all_paths=True)
    assert sorted([h["to"] for h in p] for p in paths) == [["b", "d"], ["e", "d"]]


def test_no_path_and_missing_node():
    with pytest.raises(AnalysisError, match=r"^no path between A and Z in the graph$"):
        shortest_paths(_multi(), "a", "z")
    with pytest.raises(InputError, match="nope is not in the graph"):
        shortest_paths(_multi(), "a", "nope")


def test_neighbors_by_depth_and_relation():
    rows = neighbors(_multi(), "a", depth=2)
    summary = [(r["depth"], r["relation"], r["forward"], r["from"], r["node"]) for r in rows]
    assert summary == [(1, "p", True, "a", "b"), (2, "q", False, "b", "c"), (2, "r", True, "b", "d")]
    assert rows[0]["evidence"][0]["quote"] == "a p b"
    with pytest.raises(InputError, match="--depth must be at least 1"):
        neighbors(_multi(), "a", depth=0)


def test_neighbors_on_the_collaboration_graph_show_ties():
    g = _graph("a-b")
    g.edges["a", "b"]["ties"] = [{"kind": "agreement", "via": "ag", "via_label": "AG", "evidence": []}]
    (row,) = neighbors(g, "a")
    assert (row["relation"], row["via_label"], row["label"]) == ("agreement", "AG", "B")


# ---------------------------------------------------------------- communities


@pytest.mark.parametrize("method", ["louvain", "greedy"])
def test_two_triangles_joined_by_a_bridge(method):
    g = _graph("a-b b-c a-c c-d d-e e-f d-f")
    result = communities(g, methods=[method])[method]
    assert sorted(map(sorted, result["communities"])) == [["a", "b", "c"], ["d", "e", "f"]]
    # Q = sum over communities of L_c/m - (d_c/2m)^2 = 2 * (3/7 - (7/14)^2)
    assert result["modularity"] == pytest.approx(5 / 14)


def test_louvain_is_deterministic_for_a_seed():
    g = nx.relabel_nodes(nx.les_miserables_graph(), str)
    first = communities(g, methods=["louvain"], seed=7)
    assert communities(g, methods=["louvain"], seed=7) == first


_IN_A_FRESH_PROCESS = """
from gbakg.network.communities import communities
from gbakg.network.projections import collaboration_graph
from gbakg.rdf.load import load
collab = collaboration_graph(load())
print(list(collab.nodes), list(collab.edges(data=True)))
print(communities(collab, methods=["louvain", "greedy"], seed=3))
"""


def test_projection_and_communities_do_not_depend_on_the_hash_seed():
    """rdflib's triple order and networkx's set order change with each process's hash seed; the
    projection and the seeded communities must not (regression: both did)."""
    outputs = set()
    for hash_seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT / "src")}
        done = subprocess.run([sys.executable, "-c", _IN_A_FRESH_PROCESS], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_communities_need_links():
    g = nx.Graph()
    g.add_nodes_from("ab")
    with pytest.raises(AnalysisError, match="the graph has no links, so it has no communities"):
        communities(g)


# ---------------------------------------------------------------- suggestions


def test_link_prediction_by_hand():
    """A square a-b-c-d-a with e hanging off a."""
    rows = suggest(_graph("a-b b-c c-d d-a a-e"), top=None)
    pairs = [(r["a"], r["b"]) for r in rows]
    assert pairs == [("a", "c"), ("b", "d"), ("b", "e"), ("d", "e")]
    ac, bd, be = rows[0], rows[1], rows[2]
    assert ac["adamic_adar"] == pytest.approx(2 / math.log(2))
    assert ac["jaccard"] == pytest.approx(2 / 3) and ac["resource_allocation"] == pytest.approx(1.0)
    assert bd["adamic_adar"] == pytest.approx(1 / math.log(3) + 1 / math.log(2))
    assert bd["jaccard"] == 1.0 and bd["resource_allocation"] == pytest.approx(5 / 6)
    assert be["shared"] == ["A"] and be["jaccard"] == 0.5
    assert ac["shared"] == ["B", "D"] and ac["shared_iris"] == ["b", "d"]


def test_link_scores_match_networkx():
    g = nx.relabel_nodes(nx.gnm_random_graph(40, 90, seed=3), str)
    rows = {(r["a"], r["b"]): r for r in suggest(g, top=None)}
    pairs = list(rows)
    assert len(pairs) > 100
    for name, function in [
        ("adamic_adar", nx.adamic_adar_index),
        ("jaccard", nx.jaccard_coefficient),
        ("resource_allocation", nx.resource_allocation_index),
    ]:
        for a, b, score in function(g, pairs):
            assert rows[(a, b)][name] == pytest.approx(score)
    unlinked_with_shared = {tuple(sorted((a, b))) for a, b in nx.non_edges(g) if set(nx.common_neighbors(g, a, b))}
    assert {tuple(sorted(p)) for p in pairs} == unlinked_with_shared


def test_suggestions_for_one_node_and_by_another_score():
    g = _graph("a-b b-c c-d d-a a-e")
    assert [(r["a"], r["b"]) for r in suggest(g, node="e")] == [("b", "e"), ("d", "e")]
    assert [(r["a"], r["b"]) for r in suggest(g, by="jaccard", top=2)] == [("b", "d"), ("a", "c")]
    with pytest.raises(InputError, match="unknown score 'x'"):
        suggest(g, by="x")


# ---------------------------------------------------------------- places and the value chain


@pytest.fixture
def net_full(write_ttl):
    return full_graph(load([write_ttl(NET, "net.ttl")]))


def test_home_places_climb_located_in_and_part_of():
    g = nx.MultiDiGraph()
    types = {
        "org": "gba:Company",
        "zone": "gba:InnovationZone",
        "dist": "gba:District",
        "city": "gba:City",
        "lost": "gba:District",
        "top": "gba:InnovationZone",
        "fac": "gba:Facility",
    }
    for node, kind in types.items():
        g.add_node(node, type=kind)
    g.add_edge("org", "zone", key="gba:locatedIn")
    g.add_edge("zone", "dist", key="gba:partOf")
    g.add_edge("dist", "city", key="gba:partOf")
    g.add_edge("lost", "top", key="gba:partOf")
    places = {"gba:InnovationZone", "gba:District", "gba:City"}
    homes = home_places(g, places, {"gba:City"})
    assert homes == {"org": "city", "zone": "city", "dist": "city", "city": "city", "lost": "top", "top": "top"}


def test_value_chain_matrix_gaps_and_partners(net_full):
    result = value_chain(net_full)
    orders = [s["order"] for s in result["stages"]]
    assert orders == sorted(orders) and result["stages"][0]["label"] == "Research"
    stage = {s["label"]: s["iri"] for s in result["stages"]}
    alpha, beta = result["places"]
    assert (alpha["label"], beta["label"]) == ("Alpha City", "Beta City")
    assert list(alpha["cells"]) == [stage["Research"]]
    (held,) = alpha["cells"][stage["Research"]]
    assert (held["holder"], held["evidence"][0]["quote"]) == (str(GBR["uni-a"]), "Alpha University excels at research.")
    assert list(beta["cells"]) == [stage["Research"], stage["Manufacturing and mass production"]]
    (lab,) = beta["cells"][stage["Research"]]
    assert lab["sector"] == ["biotech"] and lab["compared_with"] == ["Alpha University"]
    assert stage["Research"] not in alpha["gaps"] and len(alpha["gaps"]) == len(result["stages"]) - 1
    assert alpha["partners"][stage["Manufacturing and mass production"]] == [str(GBR["beta-city"])]
    assert alpha["partners"][stage["Application"]] == []
    assert beta["partners"][stage["Application"]] == []


def test_value_chain_needs_stages(write_ttl):
    g = full_graph(load([write_ttl(NET, "net.ttl")]), include_vocabulary=False)
    with pytest.raises(AnalysisError, match="no value-chain stages"):
        value_chain(g)


def _two_sides() -> nx.Graph:
    """a1 and a2 on one side, b1 on the other; x and y sit between them."""
    g = nx.Graph()
    for node in ("a1", "a2", "b1", "x", "y"):
        g.add_node(node, label=node.upper(), type="gba:Company")
    g.add_edges_from([("a1", "x"), ("x", "b1"), ("a1", "y"), ("y", "b1"), ("a2", "x")])
    return g


def test_brokers_between_two_sides():
    """(a1, b1) has two shortest paths, via x and via y; (a2, b1) only via x: x serves 1.5 pairs, y 0.5."""
    from gbakg.network.brokerage import brokers

    rows = brokers(_two_sides(), {"a1", "a2"}, {"b1"})
    assert [(r["iri"], r["side"], r["pairs"], r["share"]) for r in rows] == [
        ("x", "neither", 1.5, 0.75),
        ("y", "neither", 0.5, 0.25),
    ]


def test_brokers_need_both_sides():
    from gbakg.network.brokerage import brokers

    with pytest.raises(AnalysisError, match="both sides need at least one actor"):
        brokers(_two_sides(), {"a1"}, {"nowhere"})


def test_within_follows_part_of_down():
    from gbakg.network.brokerage import within

    full = nx.MultiDiGraph()
    full.add_edge("district", "city", key="gba:partOf")
    full.add_edge("street", "district", key="gba:partOf")
    full.add_edge("org", "district", key="gba:locatedIn")
    assert within(full, "city") == {"city", "district", "street"}
    assert within(full, "street") == {"street"}


@pytest.mark.parametrize("seed", range(4))
def test_structural_holes_match_burts_definition(seed):
    """Effective size and constraint equal networkx's per-node (reference) computation, weights included."""
    import random

    from gbakg.network.centrality import structural_holes

    g = nx.gnp_random_graph(30, 0.2, seed=seed)
    rnd = random.Random(seed)
    for u, v in g.edges:
        g.edges[u, v]["weight"] = rnd.randint(1, 4)
    g.add_node(99)  # isolated: both undefined
    effective, constraint = structural_holes(g)
    for node in g:
        want_e = nx.effective_size(g, nodes=[node], weight="weight")[node]
        want_c = nx.constraint(g, nodes=[node], weight="weight")[node]
        if math.isnan(want_e):
            assert math.isnan(effective[node]) and math.isnan(constraint[node])
        else:
            assert effective[node] == pytest.approx(want_e)
            assert constraint[node] == pytest.approx(want_c)


@pytest.mark.parametrize("order", [["b", "c"], ["c", "b"]])
def test_a_tied_shortest_path_is_chosen_the_same_way_whatever_the_insertion_order(order):
    """Two equally short paths a–b–d and a–c–d: the one through the first node in IRI order, always."""
    import networkx as nx

    from gbakg.network.paths import shortest_paths

    g = nx.Graph()
    for middle in order:
        g.add_edge("a", middle, evidence=[])
        g.add_edge(middle, "d", evidence=[])
    for n in g:
        g.nodes[n]["label"] = n
    (path,) = shortest_paths(g, "a", "d")
    assert [hop["to"] for hop in path] == ["b", "d"]


def _random_graph(nodes: int, links: int, seed: int) -> nx.Graph:
    """A sparse random graph with a few isolated nodes and several components, named as strings."""
    g = nx.gnm_random_graph(nodes, links, seed=seed)
    g.add_nodes_from(range(nodes, nodes + 3))
    g = nx.relabel_nodes(g, lambda i: f"n{i:05d}")
    for node in g:
        g.nodes[node].update(label=node, type="gba:Company")
    return g


@pytest.mark.parametrize(("nodes", "links", "seed"), [(40, 45, 1), (300, 420, 2), (2000, 3000, 3)])
def test_exact_measures_agree_with_networkx(nodes, links, seed):
    """Betweenness and closeness come from igraph; exact mode must agree with networkx to 1e-9."""
    g = _random_graph(nodes, links, seed)
    rows = _by_node(centrality(g, threshold=len(g)))
    betweenness, closeness = nx.betweenness_centrality(g), nx.closeness_centrality(g)
    for node in g:
        assert rows[node]["betweenness"] == pytest.approx(betweenness[node], abs=1e-9)
        assert rows[node]["closeness"] == pytest.approx(closeness[node], abs=1e-9)


@pytest.mark.parametrize("seed", [4, 5])
def test_sampled_betweenness_is_networkxs_estimate(seed):
    """Sampling draws the pivots networkx draws for the same seed, so the estimate is networkx's own."""
    g = _random_graph(400, 600, seed)
    rows = _by_node(centrality(g, threshold=10, k=50, seed=seed))
    _, by_position = indexed(g)
    names = sorted(g)
    estimate = nx.betweenness_centrality(by_position, k=50, seed=seed)
    for i, node in enumerate(names):
        assert rows[node]["betweenness"] == pytest.approx(estimate[i], abs=1e-9)


def test_greedy_communities_above_the_threshold_come_from_igraph_with_the_same_quality():
    """Above the size threshold greedy modularity runs in igraph: same algorithm, modularity within 1%."""
    g = _random_graph(2500, 3500, 6)
    found = communities(g, methods=("greedy",))["greedy"]
    reference = nx.community.greedy_modularity_communities(g, weight="weight")
    assert sum(len(c) for c in found["communities"]) == g.number_of_nodes()
    assert found["modularity"] == pytest.approx(nx.community.modularity(g, reference), rel=0.01)


@pytest.mark.parametrize("seed", [7, 8])
def test_brokers_count_what_networkx_subset_betweenness_counts(seed):
    g = _random_graph(300, 420, seed)
    rng = random.Random(seed)
    side_a, side_b = set(rng.sample(sorted(g), 40)), set(rng.sample(sorted(g), 50))
    rows = {r["iri"]: r for r in brokers(g, side_a, side_b, top=None)}
    reference = nx.betweenness_centrality_subset(g, sorted(side_a), sorted(side_b), normalized=False)
    assert rows and set(rows) == {n for n, v in reference.items() if v > 0}
    linked = sum(1 for x in side_a for y in side_b if x != y and nx.has_path(g, x, y))
    for node, row in rows.items():
        assert row["pairs"] == pytest.approx(2 * reference[node], abs=5e-5)  # counts are shown to 4 places
        assert row["share"] == round(2 * reference[node] / linked, 4)


def test_brokers_from_a_sample_estimate_the_counts():
    """Both sides over the sample: counts from a seeded sample of the smaller side, scaled up."""
    g = _random_graph(800, 1400, 9)
    names = sorted(g)
    side_a, side_b = set(names[:300]), set(names[300:700])
    exact = brokers(g, side_a, side_b, top=None)
    estimate = brokers(g, side_a, side_b, top=None, sample=120, seed=3)
    assert estimate != exact
    assert exact[0]["iri"] in [r["iri"] for r in estimate[:5]]
    best = {r["iri"]: r["pairs"] for r in estimate}[exact[0]["iri"]]
    assert best == pytest.approx(exact[0]["pairs"], rel=0.3)
    assert brokers(g, side_a, side_b, top=None, sample=300) == exact  # a sample as big as a side is every pair
