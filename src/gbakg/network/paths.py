"""Paths and neighbourhoods: each hop with the relations and evidence behind it."""

from __future__ import annotations

from itertools import islice, pairwise
from typing import Any

import networkx as nx

from gbakg.errors import AnalysisError, InputError
from gbakg.network.graphs import check_nodes, label, without_vocabulary


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


def shortest_paths(
    g: nx.Graph,
    source: str,
    target: str,
    *,
    all_paths: bool = False,
    limit: int = 100,
    graph_name: str = "graph",
    through_vocabulary: bool = False,
) -> list[list[dict[str, Any]]]:
    """The shortest path (or all of them, at most ``limit``) from source to target, hop by hop.

    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_edge("a", "b", evidence=[]); g.add_edge("b", "c", evidence=[])
    >>> [hop["to"] for hop in shortest_paths(g, "a", "c")[0]]
    ['b', 'c']


    Directed graphs are walked as undirected: a partnership can be read from either end, and
    each hop says which way its triple points (``forward``). Raises AnalysisError when no path exists.
    """
    check_nodes(g, (source, target), graph_name)
    if not through_vocabulary:  # a shared role or stage is no link between partners
        g = without_vocabulary(g, keep=(source, target))
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


def neighbors(
    g: nx.Graph, node: str, depth: int = 1, *, graph_name: str = "graph", through_vocabulary: bool = False
) -> list[dict[str, Any]]:
    """The ego network: each node within ``depth`` hops, reached from the previous ring, by which relation.

    One row per relation linking a node at distance d to one at distance d-1, so a node reached by
    two relations shows both; rows come grouped by depth, then relation, then label.
    """
    if depth < 1:
        raise InputError(f"--depth must be at least 1, not {depth}")
    check_nodes(g, (node,), graph_name)
    if not through_vocabulary:
        g = without_vocabulary(g, keep=(node,))
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
