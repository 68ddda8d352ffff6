"""Where nodes go in the explorer: positions for big graphs, and the places and stages of each node.

Both are computed in time linear in the graph's size, so a 20,000-node page is written in seconds.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Hashable, Iterable

import networkx as nx

from gbakg import vocabulary
from gbakg.vocabulary import curie

PLACE_CLASSES = {curie(str(c)) for c in vocabulary.PLACE_CLASSES}
PLACE_RELATIONS = {curie(str(r)) for r in vocabulary.PLACE_RELATIONS}
STAGE_CLASS, STAGE_RELATION = "gba:ValueChainStage", "gba:stage"


def layout_positions(g: nx.Graph, groups: list[set] | None = None, spacing: float = 28.0) -> dict:
    """Fast positions for big graphs: each community a disc, the discs packed in rows.

    Inside a disc the nodes follow a sunflower spiral in breadth-first order from the best
    connected node, so neighbours sit near each other; the cost is linear in nodes and edges.
    """
    undirected = g.to_undirected(as_view=True) if g.is_directed() else g
    if groups is None:
        groups = [set(c) for c in nx.community.asyn_lpa_communities(undirected, seed=7)]
    groups = sorted(groups, key=lambda c: (-len(c), min(map(str, c))))
    radius = [spacing * 0.6 * math.sqrt(len(c)) + spacing for c in groups]
    width = math.sqrt(sum((2 * r) ** 2 for r in radius)) * 1.1
    positions: dict = {}
    x = y = row_height = 0.0
    golden = math.pi * (3 - math.sqrt(5))
    for members, r in zip(groups, radius, strict=True):
        if x > 0 and x + 2 * r > width:
            x, y, row_height = 0.0, y + row_height, 0.0
        cx, cy = x + r, y + r
        for k, node in enumerate(_bfs_order(undirected, members)):
            dist = spacing * 0.6 * math.sqrt(k)
            positions[node] = (cx + dist * math.cos(k * golden), cy + dist * math.sin(k * golden))
        x += 2 * r
        row_height = max(row_height, 2 * r)
    return positions


def _bfs_order(g: nx.Graph, members: set) -> list:
    order: list = []
    seen: set = set()
    for start in sorted(members, key=lambda n: (-g.degree(n), str(n))):
        if start in seen:
            continue
        seen.add(start)
        queue = deque([start])
        while queue:
            node = queue.popleft()
            order.append(node)
            for nb in g[node]:
                if nb in members and nb not in seen:
                    seen.add(nb)
                    queue.append(nb)
    return order


def memberships(g: nx.Graph) -> tuple[dict[Hashable, set], dict[Hashable, set]]:
    """For the filters: the places each node lies in, and the value-chain stages it is tied to.

    A place lies in itself and in whatever ``gba:locatedIn``/``gba:partOf`` reach from it, and so
    does anything located there; a node with no place of its own (an agreement, a strength) takes
    its neighbours' places. A stage is tied to itself, to each node whose ``gba:stage`` it is,
    and to those nodes' neighbours (a strength's holder). Places and stages map to themselves.
    """
    kind = {n: str(t) for n, t in g.nodes(data="type")}
    place_nodes = {n for n, t in kind.items() if t in PLACE_CLASSES}
    stage_nodes = {n for n, t in kind.items() if t == STAGE_CLASS}
    ups: dict[Hashable, set] = defaultdict(set)
    stage_of: dict[Hashable, set] = defaultdict(set)
    neighbours: dict[Hashable, set] = defaultdict(set)
    edges = (
        g.edges(keys=True, data="relation")
        if g.is_multigraph()
        else ((u, v, r, r) for u, v, r in g.edges(data="relation"))
    )
    for u, v, key, relation in edges:
        rel = str(relation or key or "")
        neighbours[u].add(v)
        neighbours[v].add(u)
        if rel in PLACE_RELATIONS:
            ups[u].add(v)
            place_nodes.add(v)
        elif rel == STAGE_RELATION:
            stage_of[u].add(v)
            stage_nodes.add(v)
    places: dict[Hashable, set] = {}
    for node in g:
        if node in place_nodes or node in ups:
            found = {node} if node in place_nodes else set()
            queue = deque(ups.get(node, ()))
            while queue:
                up = queue.popleft()
                if up not in found:
                    found.add(up)
                    queue.extend(ups.get(up, ()))
            places[node] = found
    for node in g:
        if node not in places and node not in stage_nodes:
            found = {p for nb in neighbours.get(node, ()) for p in places.get(nb, ())}
            if found:
                places[node] = found
    stages: dict[Hashable, set] = {node: {node} for node in stage_nodes}
    for node, tied in stage_of.items():
        for member in (node, *(nb for nb in neighbours[node] if nb not in stage_nodes)):
            stages.setdefault(member, set()).update(tied)
    return places, stages


def ordered(g: nx.Graph, nodes: Iterable[Hashable]) -> list[Hashable]:
    """Nodes by their ``gba:order`` (value-chain stages), then by label."""

    def key(n: Hashable) -> tuple:
        order = g.nodes[n].get("gba:order")
        return (order if isinstance(order, (int, float)) else math.inf, str(g.nodes[n].get("label", n)).lower())

    return sorted(nodes, key=key)


def anchored_positions(g: nx.Graph, spacing: float = 30.0) -> dict:
    """The first view: each city or region an anchor, its actors in a disc around it, the discs in a ring.

    A node belongs to its ``home``; a node without one (a post, an agreement, a milestone) joins the
    home most of its neighbours have, and what is left sits in the middle. Inside a disc the anchor
    is at the centre and the rest spiral out by degree, so each city's hubs sit next to it. Linear in
    nodes and edges, like :func:`layout_positions`.
    """
    undirected = g.to_undirected(as_view=True) if g.is_directed() else g
    group: dict[Hashable, Hashable] = {n: h for n, h in g.nodes(data="home") if h is not None and h in g}
    for _ in range(2):  # neighbours' homes, then neighbours of those
        for node in g:
            if node in group:
                continue
            votes: dict[Hashable, int] = defaultdict(int)
            for nb in undirected[node]:
                if nb in group:
                    votes[group[nb]] += 1
            if votes:
                group[node] = min(votes, key=lambda h: (-votes[h], str(h)))
    members: dict[Hashable, list] = defaultdict(list)
    for node in g:
        members[group.get(node)].append(node)
    anchors = sorted((a for a in members if a is not None), key=lambda a: (-len(members[a]), str(a)))
    radius = {a: _ring(len(members[a]), spacing) + spacing for a in anchors}
    total = sum(2 * r for r in radius.values()) or 1.0
    angles, angle = {}, -math.pi / 2
    for anchor in anchors:  # each disc an arc of the ring as wide as the disc
        share = 2 * math.pi * (2 * radius[anchor]) / total
        angles[anchor] = angle + share / 2
        angle += share
    ring = spacing * 4  # wide enough that no two discs touch, also across the ring
    for i, a in enumerate(anchors):
        for b in anchors[i + 1 :]:
            apart = abs(math.sin((angles[a] - angles[b]) / 2))
            if apart > 1e-9:
                ring = max(ring, (radius[a] + radius[b]) / (2 * apart))
            else:
                ring = max(ring, radius[a] + radius[b])
    if None in members:  # the homeless in the middle, clear of the ring
        ring = max(ring, _ring(len(members[None]), spacing) + spacing + max(radius.values(), default=0.0))
    golden = math.pi * (3 - math.sqrt(5))
    positions: dict = {}

    def spiral(nodes: list, cx: float, cy: float, first: Hashable | None) -> None:
        ordered_nodes = sorted(nodes, key=lambda n: (n != first, -undirected.degree(n), str(n)))
        for k, node in enumerate(ordered_nodes):
            dist = _ring(k, spacing)
            positions[node] = (cx + dist * math.cos(k * golden), cy + dist * math.sin(k * golden))

    for anchor in anchors:
        spiral(members[anchor], ring * math.cos(angles[anchor]), ring * math.sin(angles[anchor]), anchor)
    spiral(members.get(None, []), 0.0, 0.0, None)
    return positions


def _ring(k: int, spacing: float) -> float:
    """How far out the k-th node of a disc sits: clear of the big node at its centre."""
    return 0.0 if k == 0 else spacing * (1.4 + 0.75 * math.sqrt(k))
