"""Network analysis on the projections: plain functions over networkx graphs, returning plain data.

No rdflib here: ``gbakg.network.projections`` builds the graphs (nodes carry ``iri``, ``label``, ``type``;
edges carry ``evidence``, or ``ties`` with their evidence on the collaboration graph).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict, deque
from collections.abc import Collection, Iterable
from itertools import combinations, islice, pairwise
from typing import Any

import networkx as nx

from gbakg.errors import AnalysisError, InputError
from gbakg.network.options import EXACT_THRESHOLD, LINK_SCORES, MEASURES, SAMPLE_PIVOTS

# Above this many nodes, betweenness and closeness are sampled unless exact=True: exact betweenness costs
# O(nodes × links), about 20 s at 2,000 nodes on a 2-core machine, minutes at 5,000.
_UP = ("gba:locatedIn", "gba:partOf")


def label(g: nx.Graph, node: str) -> str:
    return str(g.nodes[node].get("label", node)) if node in g else node


def home_places(g: nx.MultiDiGraph, place_types: Collection[str], home_types: Collection[str]) -> dict[str, str]:
    """Each located node's city or region, so actors can be aggregated to places.

    A place starts from itself, anything else from where it is (``gba:locatedIn``); from there
    ``gba:locatedIn``/``gba:partOf`` are followed upwards, breadth first, to the nearest node whose
    type is in ``home_types``. When none is reachable, the topmost place reached stands in.
    """
    up: dict[str, list[str]] = defaultdict(list)
    for s, o, key in g.edges(keys=True):
        if key in _UP:
            up[s].append(o)
    cache: dict[str, str | None] = {}

    def climb(start: str) -> str | None:
        if start not in cache:
            seen, queue, found = {start}, deque([start]), None
            last_place = start if g.nodes[start].get("type") in place_types else None
            while queue and found is None:
                node = queue.popleft()
                if g.nodes[node].get("type") in home_types:
                    found = node
                for parent in sorted(up[node]):
                    if parent not in seen:
                        seen.add(parent)
                        queue.append(parent)
                        if g.nodes[parent].get("type") in place_types:
                            last_place = parent
            cache[start] = found or last_place
        return cache[start]

    homes = {}
    for node in g:
        if g.nodes[node].get("type") in place_types or up[node]:
            home = climb(node)
            if home is not None:
                homes[node] = home
    return homes


def simple_graph(g: nx.Graph) -> nx.Graph:
    """An undirected simple graph; parallel edges of a multigraph become one with ``weight`` = their count."""
    if not g.is_directed() and not g.is_multigraph():
        return g
    simple = nx.Graph()
    simple.add_nodes_from(g.nodes(data=True))
    for u, v in g.edges():
        if u != v:
            w = simple.edges[u, v]["weight"] + 1 if simple.has_edge(u, v) else 1
            simple.add_edge(u, v, weight=w)
    return simple


# ---------------------------------------------------------------- centrality


def centrality(
    g: nx.Graph,
    *,
    exact: bool = False,
    threshold: int = EXACT_THRESHOLD,
    k: int = SAMPLE_PIVOTS,
    seed: int = 42,
) -> dict[str, Any]:
    """Every measure of MEASURES for every node, and how betweenness/closeness were computed.

    Betweenness and closeness count hops (unweighted); eigenvector, PageRank and Burt's
    constraint and effective size use ``weight`` (the number of ties). Above ``threshold``
    nodes, betweenness and closeness are estimated from ``k`` seeded pivots unless ``exact``.
    Undefined values (constraint of an isolated node) are None.
    """
    simple = simple_graph(g)
    n = simple.number_of_nodes()
    if n == 0:
        raise AnalysisError("the graph has no nodes")
    sampled = not exact and n > threshold
    pivots = min(k, n)
    if sampled:
        method = (
            f"betweenness and closeness sampled from {pivots} pivots (seed {seed}): "
            f"{n} nodes > {threshold}; --exact computes them exactly"
        )
        _, indexed = _indexed(simple)  # sample pivots by position in sorted order, whatever the load order
        by_index = nx.betweenness_centrality(indexed, k=pivots, seed=seed)
        betweenness = {name: by_index[i] for i, name in enumerate(sorted(simple))}
        closeness = _sampled_closeness(simple, pivots, seed)
    else:
        method = f"exact ({n} nodes)"
        betweenness = nx.betweenness_centrality(simple)
        closeness = nx.closeness_centrality(simple)
    try:
        eigenvector = nx.eigenvector_centrality(simple, max_iter=1000, weight="weight")
    except nx.PowerIterationFailedConvergence:
        eigenvector = nx.eigenvector_centrality_numpy(simple, weight="weight")
    scores = {
        "degree": nx.degree_centrality(simple) if n > 1 else dict.fromkeys(simple, 0.0),
        "betweenness": betweenness,
        "closeness": closeness,
        "eigenvector": eigenvector,
        "pagerank": nx.pagerank(simple, weight="weight"),
    }
    scores["effective_size"], scores["constraint"] = structural_holes(simple)
    rows = []
    for node, attrs in simple.nodes(data=True):
        row: dict[str, Any] = {"iri": node, "label": attrs.get("label", node), "type": attrs.get("type", "")}
        row["links"] = simple.degree(node)
        for measure in MEASURES:
            value = scores[measure].get(node)
            row[measure] = None if value is None or math.isnan(value) else float(value)
        rows.append(row)
    return {"nodes": n, "edges": simple.number_of_edges(), "method": method, "rows": rows}


def structural_holes(g: nx.Graph, weight: str = "weight") -> tuple[dict[str, float], dict[str, float]]:
    """Burt's effective size and constraint of every node, as networkx defines them (weighted).

    networkx 3.6 computes all nodes at once through a dense n × n matrix (about 20 GiB on a
    35,000-node collaboration graph), and that path also normalises the redundancy by the wrong
    node's strongest tie (its per-node path, Burt's definition, does not). This computes each
    node's terms from its neighbours' weights: time proportional to the sum of squared degrees,
    memory proportional to the edges.
    """
    mutual = {u: {v: 2.0 * d.get(weight, 1) for v, d in g[u].items() if v != u} for u in g}
    total = {u: sum(nbrs.values()) for u, nbrs in mutual.items()}
    top = {u: max(nbrs.values(), default=0.0) for u, nbrs in mutual.items()}
    effective: dict[str, float] = {}
    constraint: dict[str, float] = {}
    for u, nbrs in mutual.items():
        if not nbrs:
            effective[u] = constraint[u] = math.nan
            continue
        p = {w: mw / total[u] for w, mw in nbrs.items()}  # u's share of its ties spent on w
        size, pressure = 0.0, 0.0
        for v in nbrs:
            v_nbrs, v_top = mutual[v], top[v]
            redundancy, indirect = 0.0, 0.0
            for w, p_uw in p.items():
                if w != v and w in v_nbrs:
                    redundancy += p_uw * v_nbrs[w] / v_top
                    indirect += p_uw * mutual[w][v] / total[w]
            size += 1 - redundancy
            pressure += (p[v] + indirect) ** 2
        effective[u] = size
        constraint[u] = pressure
    return effective, constraint


def _sampled_closeness(g: nx.Graph, pivots: int, seed: int) -> dict[str, float | None]:
    """Closeness estimated from BFS distances to ``pivots`` random nodes (Eppstein and Wang).

    Distances are symmetric in an undirected graph, so the mean distance from a node to the pivots
    in its component estimates its mean distance to the whole component; the Wasserman–Faust
    scaling for disconnected graphs, as in networkx, uses the exact component size.
    """
    n = g.number_of_nodes()
    chosen = random.Random(seed).sample(sorted(g), pivots)
    total: dict[str, int] = defaultdict(int)
    count: dict[str, int] = defaultdict(int)
    for pivot in chosen:
        for node, dist in nx.single_source_shortest_path_length(g, pivot).items():
            if node != pivot:
                total[node] += dist
                count[node] += 1
    size = {node: len(component) for component in nx.connected_components(g) for node in component}
    result: dict[str, float | None] = {}
    for node in g:
        reach = size[node] - 1
        if reach == 0 or n == 1:
            result[node] = 0.0
        elif count[node] == 0:
            result[node] = None  # no pivot fell in its component
        else:
            result[node] = (reach / (n - 1)) / (total[node] / count[node])
    return result


def rank(rows: Iterable[dict[str, Any]], measure: str = "betweenness", top: int | None = None) -> list[dict]:
    """Rows best first by ``measure`` (lowest first for constraint), ties broken by brokerage, then label.

    The tie-breaks (betweenness, then effective size, then low constraint) make the default
    ranking a ranking of brokers: who sits on the paths between others and spans structural holes.
    """
    sign = 1 if measure == "constraint" else -1

    def key(row: dict[str, Any]) -> tuple:
        def val(m: str, s: int) -> float:
            v = row.get(m)
            return math.inf if v is None else s * v

        return (
            val(measure, sign),
            val("betweenness", -1),
            val("effective_size", -1),
            val("constraint", 1),
            row["label"],
        )

    ordered = sorted(rows, key=key)
    return ordered[:top] if top else ordered


# ---------------------------------------------------------------- paths and neighbours


def _links(g: nx.Graph, u: str, v: str) -> list[dict[str, Any]]:
    """Every relation between u and v, in either direction, with its evidence."""
    if not g.is_multigraph():
        data = g.get_edge_data(u, v) or {}
        if "ties" in data:
            return [
                {
                    "relation": t["kind"],
                    "forward": True,
                    "via": t.get("via"),
                    "via_label": t.get("via_label"),
                    "evidence": t.get("evidence", []),
                }
                for t in data["ties"]
            ]
        return [{"relation": data.get("relation", ""), "forward": True, "evidence": data.get("evidence", [])}]
    links = []
    for a, b, forward in ((u, v, True), (v, u, False)) if g.is_directed() else ((u, v, True),):
        for key, data in sorted((g.get_edge_data(a, b) or {}).items()):
            links.append(
                {"relation": data.get("relation", key), "forward": forward, "evidence": data.get("evidence", [])}
            )
    return links


def _hop(g: nx.Graph, u: str, v: str) -> dict[str, Any]:
    return {
        "from": u,
        "from_label": label(g, u),
        "to": v,
        "to_label": label(g, v),
        "to_type": g.nodes[v].get("type", ""),
        "links": _links(g, u, v),
    }


def _check_nodes(g: nx.Graph, nodes: Iterable[str], graph_name: str) -> None:
    for node in nodes:
        if node not in g:
            raise InputError(f"{node} is not in the {graph_name}")


def shortest_paths(
    g: nx.Graph, source: str, target: str, *, all_paths: bool = False, limit: int = 100, graph_name: str = "graph"
) -> list[list[dict[str, Any]]]:
    """The shortest path (or all of them, at most ``limit``) from source to target, hop by hop.

    Directed graphs are walked as undirected: a partnership can be read from either end, and
    each hop says which way its triple points (``forward``). Raises AnalysisError when no path exists.
    """
    _check_nodes(g, (source, target), graph_name)
    view = g.to_undirected(as_view=True) if g.is_directed() else g
    distance = nx.single_source_shortest_path_length(view, target)
    if source not in distance:
        raise AnalysisError(f"no path between {label(g, source)} and {label(g, target)} in the {graph_name}")
    if all_paths:
        paths = sorted(islice(nx.all_shortest_paths(view, source, target), limit))
    else:
        # Among equally short paths take the one whose nodes come first in IRI order, so every run
        # (whatever the hash seed) prints the same path.
        path, node = [source], source
        while node != target:
            node = min(n for n in view.neighbors(node) if distance.get(n) == distance[node] - 1)
            path.append(node)
        paths = [path]
    return [[_hop(g, u, v) for u, v in pairwise(path)] for path in paths]


def neighbors(g: nx.Graph, node: str, depth: int = 1, *, graph_name: str = "graph") -> list[dict[str, Any]]:
    """The ego network: each node within ``depth`` hops, reached from the previous ring, by which relation.

    One row per relation linking a node at distance d to one at distance d-1, so a node reached by
    two relations shows both; rows come grouped by depth, then relation, then label.
    """
    if depth < 1:
        raise InputError(f"--depth must be at least 1, not {depth}")
    _check_nodes(g, (node,), graph_name)
    view = g.to_undirected(as_view=True) if g.is_directed() else g
    dist = nx.single_source_shortest_path_length(view, node, cutoff=depth)
    rows = []
    for other, d in dist.items():
        if d == 0:
            continue
        for prev in view.neighbors(other):
            if dist.get(prev) == d - 1:
                hop = _hop(g, prev, other)
                for link in hop["links"]:
                    rows.append(
                        {
                            "depth": d,
                            "from": prev,
                            "from_label": hop["from_label"],
                            "node": other,
                            "label": hop["to_label"],
                            "type": hop["to_type"],
                            **link,
                        }
                    )
    return sorted(rows, key=lambda r: (r["depth"], r["relation"], not r["forward"], r["label"], r["from_label"]))


# ---------------------------------------------------------------- communities


def communities(
    g: nx.Graph, *, methods: Iterable[str] = ("louvain", "greedy"), seed: int = 42, resolution: float = 1.0
) -> dict[str, dict[str, Any]]:
    """Louvain (seeded, so deterministic) and greedy-modularity communities, each with its modularity.

    Communities are lists of node ids, largest first (then by first label); members sorted by label.
    """
    simple = simple_graph(g)
    if simple.number_of_edges() == 0:
        raise AnalysisError("the graph has no links, so it has no communities")
    names, indexed = _indexed(simple)
    results = {}
    for method in methods:
        if method == "louvain":
            found = nx.community.louvain_communities(indexed, weight="weight", resolution=resolution, seed=seed)
        elif method == "greedy":
            found = nx.community.greedy_modularity_communities(indexed, weight="weight", resolution=resolution)
        else:
            raise InputError(f"unknown community method {method!r}; use louvain or greedy")
        found = [{names[i] for i in c} for c in found]
        groups = [sorted(c, key=lambda n: (label(simple, n), n)) for c in found]
        groups.sort(key=lambda c: (-len(c), label(simple, c[0])))
        modularity = nx.community.modularity(simple, found, weight="weight", resolution=resolution)
        results[method] = {"modularity": modularity, "communities": groups}
    return results


def _indexed(g: nx.Graph) -> tuple[list[str], nx.Graph]:
    """The graph with nodes renumbered 0..n-1 in sorted order, and the names back.

    The community algorithms keep nodes in sets; a set of strings iterates in an order that changes
    with each process's hash seed, a set of small integers does not. Renumbering keeps every
    tie-break inside them independent of it, and of the order the data was loaded in.
    """
    names = sorted(g)
    index = {n: i for i, n in enumerate(names)}
    h = nx.Graph()
    h.add_nodes_from(range(len(names)))
    h.add_weighted_edges_from(
        sorted((*sorted((index[u], index[v])), w) for u, v, w in g.edges(data="weight", default=1))
    )
    return names, h


# ---------------------------------------------------------------- link prediction


def suggest(
    g: nx.Graph,
    *,
    top: int | None = 10,
    by: str = "adamic_adar",
    node: str | None = None,
    skip_types: Collection[str] = ("gba:Person",),
) -> list[dict]:
    """Candidate partnerships: unlinked pairs with shared neighbours, scored by link prediction.

    Pairs that include a node of ``skip_types`` (people, by default: a partnership is between
    organisations and places) are not proposed, though such nodes still count as shared partners.

    Adamic–Adar, Jaccard and resource allocation are all zero for pairs with no shared
    neighbour, so only pairs two hops apart are scored, in one pass over each node's pairs of
    neighbours (the same values as networkx's ``adamic_adar_index`` and friends, without a set
    intersection per pair). ``node`` keeps the pairs that include it.
    """
    if by not in LINK_SCORES:
        raise InputError(f"unknown score {by!r}; use one of {', '.join(LINK_SCORES)}")
    simple = simple_graph(g)
    if node is not None:
        _check_nodes(simple, (node,), "collaboration graph")
    key = {n: (label(simple, n), n) for n in simple}
    skipped = {n for n, t in simple.nodes(data="type") if t in skip_types and n != node}
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for middle in simple:
        partners = [n for n in simple[middle] if n != middle]
        degree = len(partners)
        if degree < 2:
            continue
        for a, b in combinations(partners, 2):
            if (node is None or node in (a, b)) and not simple.has_edge(a, b) and a not in skipped and b not in skipped:
                acc = sums[(a, b) if key[a] <= key[b] else (b, a)]
                acc[0] += 1 / math.log(degree)
                acc[1] += 1 / degree
                acc[2] += 1
    rows: list[dict[str, Any]] = []
    for (a, b), (adamic_adar, allocation, shared) in sums.items():
        union = _degree(simple, a) + _degree(simple, b) - shared
        rows.append(
            {
                "a": a,
                "a_label": key[a][0],
                "b": b,
                "b_label": key[b][0],
                "adamic_adar": adamic_adar,
                "jaccard": shared / union,
                "resource_allocation": allocation,
            }
        )
    others = [s for s in LINK_SCORES if s != by]
    rows.sort(
        key=lambda r: (
            -round(float(r[by]), 12),
            *(-round(float(r[s]), 12) for s in others),
            r["a_label"],
            r["b_label"],
            r["a"],
            r["b"],
        )
    )
    chosen = rows[:top] if top else rows
    for row in chosen:
        shared_nodes = sorted(nx.common_neighbors(simple, row["a"], row["b"]), key=lambda n: key[n])
        row["shared"] = [key[n][0] for n in shared_nodes]
        row["shared_iris"] = shared_nodes
    return chosen


def _degree(g: nx.Graph, node: str) -> int:
    """Neighbours other than the node itself."""
    return len(g[node]) - (node in g[node])
