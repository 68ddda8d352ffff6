"""Centrality and brokerage of actors: degree, betweenness, closeness, eigenvector, PageRank, Burt's
structural holes; sampled above a size threshold, exact on request."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from typing import Any

import networkx as nx

from gbakg.errors import AnalysisError
from gbakg.network.graphs import indexed, simple_graph
from gbakg.network.options import EXACT_THRESHOLD, MEASURES, SAMPLE_PIVOTS

# Above this many nodes, betweenness and closeness are sampled unless exact=True: exact betweenness costs
# O(nodes × links), about 20 s at 2,000 nodes on a 2-core machine, minutes at 5,000.


def centrality(
    g: nx.Graph,
    *,
    exact: bool = False,
    threshold: int = EXACT_THRESHOLD,
    k: int = SAMPLE_PIVOTS,
    seed: int = 42,
) -> dict[str, Any]:
    """Every measure of MEASURES for every node, and how betweenness/closeness were computed.

    >>> import networkx as nx
    >>> star = nx.star_graph(3)  # node 0 joins three others
    >>> result = centrality(nx.relabel_nodes(star, str))
    >>> best = rank(result["rows"], "betweenness")[0]
    >>> best["iri"], round(best["betweenness"], 3), result["method"]
    ('0', 1.0, 'exact (4 nodes)')

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
    names, by_position = indexed(simple)  # positions in sorted order, whatever the load order
    if sampled:
        method = (
            f"betweenness and closeness sampled from {pivots} pivots (seed {seed}): "
            f"{n} nodes > {threshold}; --exact computes them exactly"
        )
        # the pivots networkx's betweenness_centrality(k=pivots, seed=seed) draws, so the estimate is its estimate
        chosen = random.Random(seed).sample(list(by_position.nodes()), pivots)
    else:
        method = f"exact ({n} nodes)"
        chosen = None
    betweenness = dict(zip(names, _betweenness(by_position, chosen), strict=True))
    closeness = dict(zip(names, _closeness(by_position, chosen), strict=True))
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


def _igraph(by_position: nx.Graph) -> Any:
    """The same graph in igraph (nodes are already 0..n-1): shortest paths in compiled code."""
    import igraph

    return igraph.Graph(n=by_position.number_of_nodes(), edges=list(by_position.edges()))


def _betweenness(by_position: nx.Graph, pivots: list[int] | None) -> list[float]:
    """Normalised betweenness as networkx 3.6 defines it, exact or from ``pivots`` (its sampling).

    igraph counts each unordered pair once (networkx each ordered pair, then halves); from
    pivots, networkx scales a pivot's own score by k - 1 sources and any other's by k (a node is
    never an endpoint of its own paths). Agreement with networkx is tested to 1e-9.
    """
    n = by_position.number_of_nodes()
    if n < 3:
        return [0.0] * n
    g = _igraph(by_position)
    if pivots is None:
        return [b * 2 / ((n - 1) * (n - 2)) for b in g.betweenness(directed=False)]
    k, chosen = len(pivots), set(pivots)
    raw = g.betweenness(directed=False, sources=pivots)
    own = 2 / ((k - 1) * (n - 2)) if k > 1 else math.nan
    other = 2 / (k * (n - 2))
    return [b * (own if i in chosen else other) for i, b in enumerate(raw)]


def _closeness(by_position: nx.Graph, pivots: list[int] | None) -> list[float | None]:
    """Closeness with the Wasserman–Faust scaling for disconnected graphs, as networkx computes it.

    Exact: igraph's closeness (over the reachable nodes) times (reachable - 1) / (n - 1). From
    pivots (Eppstein and Wang): distances are symmetric, so the mean distance from a node to the
    pivots in its component estimates its mean distance to the whole component; None where no pivot
    fell in the node's component.
    """
    import numpy as np

    n = by_position.number_of_nodes()
    g = _igraph(by_position)
    size = np.array(g.connected_components().sizes())[g.connected_components().membership]
    reach = size - 1
    if n == 1:
        return [0.0]
    if pivots is None:
        raw = np.array(g.closeness(normalized=True), dtype=float)
        values = np.where(reach > 0, np.nan_to_num(raw) * reach / (n - 1), 0.0)
        return [float(v) for v in values]
    distances = np.array(g.distances(source=pivots), dtype=float)  # pivots x n, inf where unreachable
    counted = np.isfinite(distances) & (distances > 0)
    total = np.where(counted, distances, 0.0).sum(axis=0)
    count = counted.sum(axis=0)
    result: list[float | None] = []
    for node in range(n):
        if reach[node] == 0:
            result.append(0.0)
        elif count[node] == 0:
            result.append(None)
        else:
            result.append(float((reach[node] / (n - 1)) / (total[node] / count[node])))
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
