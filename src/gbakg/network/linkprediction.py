"""Link prediction: unlinked pairs with shared partners, scored (Adamic-Adar, Jaccard, resource allocation)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection
from itertools import combinations
from typing import Any

import networkx as nx

from gbakg.errors import InputError
from gbakg.network.graphs import check_nodes, label, simple_degree, simple_graph
from gbakg.network.options import LINK_SCORES


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
        check_nodes(simple, (node,), "collaboration graph")
        if simple.nodes[node].get("type") in skip_types:
            kind = simple.nodes[node]["type"]
            what = "a person: people are" if kind == "gba:Person" else f"a {kind}: such nodes are"
            raise InputError(
                f"{label(simple, node)} is {what} not proposed; suggestions are for organisations and places"
            )
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
        union = simple_degree(simple, a) + simple_degree(simple, b) - shared
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
