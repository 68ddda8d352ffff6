"""Communities: Louvain (seeded, so deterministic) and greedy modularity."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from gbakg.errors import AnalysisError, InputError
from gbakg.network.graphs import indexed, label, simple_graph


def communities(
    g: nx.Graph, *, methods: Iterable[str] = ("louvain", "greedy"), seed: int = 42, resolution: float = 1.0
) -> dict[str, dict[str, Any]]:
    """Louvain (seeded, so deterministic) and greedy-modularity communities, each with its modularity.

    Communities are lists of node ids, largest first (then by first label); members sorted by label.
    """
    simple = simple_graph(g)
    if simple.number_of_edges() == 0:
        raise AnalysisError("the graph has no links, so it has no communities")
    names, by_position = indexed(simple)
    results = {}
    for method in methods:
        if method == "louvain":
            found = nx.community.louvain_communities(by_position, weight="weight", resolution=resolution, seed=seed)
        elif method == "greedy":
            found = nx.community.greedy_modularity_communities(by_position, weight="weight", resolution=resolution)
        else:
            raise InputError(f"unknown community method {method!r}; use louvain or greedy")
        found = [{names[i] for i in c} for c in found]
        groups = [sorted(c, key=lambda n: (label(simple, n), n)) for c in found]
        groups.sort(key=lambda c: (-len(c), label(simple, c[0])))
        modularity = nx.community.modularity(simple, found, weight="weight", resolution=resolution)
        results[method] = {"modularity": modularity, "communities": groups}
    return results
