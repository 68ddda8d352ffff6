"""Brokerage between two groups of actors: who connects Hong Kong with the mainland, say.

The shortest paths are counted by igraph (the same numbers as networkx's subset betweenness).
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Collection

import networkx as nx

from gbakg.errors import AnalysisError
from gbakg.network.graphs import label
from gbakg.network.options import SEED


def within(full: nx.MultiDiGraph, place: str) -> set[str]:
    """``place`` and every place that is ``gba:partOf`` it, directly or through others."""
    inside, queue = {place}, deque([place])
    while queue:
        current = queue.popleft()
        for child, _, key in full.in_edges(current, keys=True):
            if key == "gba:partOf" and child not in inside:
                inside.add(child)
                queue.append(child)
    return inside


def side_of(g: nx.Graph, places: Collection[str]) -> set[str]:
    """The actors of ``g`` whose home city or region is one of ``places``."""
    return {n for n, home in g.nodes(data="home") if home in places}


def brokers(
    g: nx.Graph,
    side_a: Collection[str],
    side_b: Collection[str],
    *,
    top: int | None = 10,
    sample: int | None = None,
    seed: int = SEED,
) -> list[dict]:
    """Who lies on the shortest paths between two groups (Hong Kong and the mainland, say).

    ``pairs`` counts the (a, b) pairs, one actor from each side, whose shortest paths run through
    the broker, each pair split evenly over its shortest paths; ``share`` divides that by the pairs
    that are connected at all. Brokers may belong to either side or to neither. With ``sample``,
    when both sides have more actors than that, paths are counted from ``sample`` actors of the
    smaller side drawn with ``seed`` and scaled up: an estimate (see :func:`is_sampled`).
    """
    a, b = set(side_a) & set(g), set(side_b) & set(g)
    if not a or not b:
        raise AnalysisError("both sides need at least one actor in the graph")
    linked = 0  # ordered (x, y) pairs, x != y, that share a component
    for members in nx.connected_components(g):
        in_a, in_b = len(a & members), len(b & members)
        linked += in_a * in_b - len(a & b & members)
    rows = []
    for node, value in _subset_betweenness(g, a, b, sample, seed).items():
        if value <= 0:
            continue
        pairs = 2 * value  # both orders of each pair, as networkx counts them before halving
        rows.append(
            {
                "iri": node,
                "label": label(g, node),
                "type": g.nodes[node].get("type", ""),
                "side": "a" if node in a else "b" if node in b else "neither",
                "pairs": _count(pairs),
                "share": round(pairs / linked, 4) if linked else 0.0,
            }
        )
    rows.sort(key=lambda r: (-r["pairs"], r["label"]))
    return rows[:top] if top else rows


def is_sampled(side_a: Collection[str], side_b: Collection[str], sample: int | None) -> bool:
    """Whether :func:`brokers` estimates (both sides larger than ``sample``) rather than counts."""
    return sample is not None and min(len(side_a), len(side_b)) > sample


def _subset_betweenness(g: nx.Graph, a: set[str], b: set[str], sample: int | None, seed: int) -> dict[str, float]:
    """``nx.betweenness_centrality_subset(g, a, b, normalized=False)``, computed by igraph: the same
    numbers (tested), in C. Paths are undirected, so they are counted from the smaller side; with
    ``sample``, from that many of its actors (seeded), scaled by the side's size over the sample."""
    import igraph

    names = sorted(g)
    index = {n: i for i, n in enumerate(names)}
    h = igraph.Graph(n=len(names), edges=[(index[u], index[v]) for u, v in g.edges() if u != v])
    if len(b) < len(a):
        a, b = b, a
    sources, scale = sorted(a), 1.0
    if is_sampled(a, b, sample):
        assert sample is not None
        sources, scale = random.Random(seed).sample(sources, sample), len(a) / sample
    values = h.betweenness(
        directed=False, sources=sorted(index[n] for n in sources), targets=sorted(index[n] for n in b)
    )
    return {name: value * scale for name, value in zip(names, values, strict=True)}


def _count(value: float) -> int | float:
    """A pair count: a whole number as an int (``31``, not ``31.0``), a share of split pairs to 4 places."""
    return round(value) if abs(value - round(value)) < 1e-9 else round(value, 4)
