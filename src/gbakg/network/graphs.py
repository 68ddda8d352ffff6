"""Small helpers on the projections: node labels, simple views, checks, and each actor's home place."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Collection, Iterable

import networkx as nx

from gbakg.errors import InputError
from gbakg.vocabulary import THROUGH_NOTHING_CLASSES, curie

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


def check_nodes(g: nx.Graph, nodes: Iterable[str], graph_name: str) -> None:
    for node in nodes:
        if node not in g:
            raise InputError(f"{node} is not in the {graph_name}")


def simple_degree(g: nx.Graph, node: str) -> int:
    """Neighbours other than the node itself."""
    return len(g[node]) - (node in g[node])


def indexed(g: nx.Graph) -> tuple[list[str], nx.Graph]:
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


def without_vocabulary(g: nx.Graph, keep: Iterable[str] = ()) -> nx.Graph:
    """A view of ``g`` without vocabulary nodes (roles, value-chain stages, schemes, sources), but with ``keep``.

    Paths and neighbourhoods walk this by default, so two organisations are not "linked" by a role or
    a stage they share.
    """
    skipped = {curie(str(c)) for c in THROUGH_NOTHING_CLASSES}
    kept = set(keep)
    return nx.subgraph_view(g, filter_node=lambda n: n in kept or g.nodes[n].get("type") not in skipped)
