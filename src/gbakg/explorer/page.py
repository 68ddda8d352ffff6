"""The HTML explorer: one self-contained, offline vis-network page drawn from a NetworkX graph.

Only networkx is needed (pyvis merely ships the vis-network script, which is inlined). The node
and edge lists are written as one JSON document that the page's own script hands to vis-network,
so building the page costs time linear in the graph's size; pyvis's ``add_edge`` is quadratic.
Every text from the data reaches the page as escaped JSON and is shown with ``textContent``,
canvas drawing or vis-network's plain-text tooltips, so nothing in the data can run.
"""

from __future__ import annotations

import html
import importlib.util
import json
import math
import re
from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx

from gbakg.errors import InputError, UnknownEntityError
from gbakg.explorer.layout import anchored_positions, layout_positions, memberships, ordered
from gbakg.names import fold_table
from gbakg.names import key as name_key
from gbakg.vocabulary import GBR
from gbakg.vocabulary import curie as to_curie

PHYSICS_LIMIT = 1000  # above this many nodes, positions are computed here and physics starts off
SEED_LIMIT = 50  # above this many nodes, physics starts from the computed positions
EDGE_LABEL_LIMIT = 2000  # above this many edges, relations show in tooltips and the panel only
LAYOUTS = ("auto", "anchored", "physics", "precomputed")
ANCHORED_LIMIT = 5000  # up to this many nodes, auto gathers actors around their cities when it can
# The first view of a big anchored page leaves out detail (events, figures, the roles posts share);
# the legend turns them on. Above FIRST_VIEW_DETAIL nodes only.
FIRST_VIEW_HIDDEN = {"gba:Milestone", "gba:Figure", "org:Role"}
FIRST_VIEW_DETAIL = 200

_CLASS_COLORS = {
    "gba:Region": "#aec7e8",
    "gba:City": "#1f77b4",
    "gba:District": "#9edae5",
    "gba:InnovationZone": "#17becf",
    "gba:Place": "#6baed6",
    "gba:University": "#2ca02c",
    "gba:ResearchInstitute": "#98df8a",
    "gba:GovernmentBody": "#d62728",
    "gba:Company": "#ff9896",
    "gba:Organization": "#74c476",
    "gba:Facility": "#9467bd",
    "gba:Agreement": "#ff7f0e",
    "gba:Policy": "#8c564b",
    "gba:Programme": "#c49c94",
    "gba:Person": "#e377c2",
    "gba:Strength": "#bcbd22",
    "gba:ValueChainStage": "#dbdb8d",
    "gba:Milestone": "#f7b6d2",
    "gba:Figure": "#c7c7c7",
    "org:Membership": "#ffbb78",
    "org:Role": "#c5b0d5",
}
_PALETTE = (  # d3 category20
    *("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"),
    *("#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5"),
)
_NOT_PROPERTIES = {"iri", "label", "label_en", "label_zh", "type", "place", "home", "aliases", "evidence"}
_DATE_VALUE = re.compile(r"^-?\d{4}(-\d\d(-\d\d)?)?(T[\d:.]+Z?)?$")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_PLACEHOLDER = re.compile(r"/\*@(TITLE|CSS|VIS|DATA|APP)@\*/")


def explorer_html(g: nx.Graph, *, title: str = "gbakg explorer", **options: Any) -> str:
    """Render ``g`` (e.g. ``gbakg.network.projections.full_graph(graph)``) as one HTML page that needs no network.

    ``options`` are those of :func:`explorer_data`: ``term_labels``, ``size_by``, ``communities``,
    ``focus`` and ``depth``, ``path``, ``layout``.
    """
    return explorer_page(explorer_data(g, title=title, **options))


def explorer_page(data: Mapping[str, Any]) -> str:
    """The HTML page for a document made by :func:`explorer_data`: template, styles, scripts, data."""
    parts = {
        "TITLE": html.escape(str(data["title"])),
        "CSS": _asset("explorer.css"),
        "VIS": _vis_script(),
        "DATA": to_script_json(data),
        "APP": _asset("explorer.js"),
    }
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], _asset("explorer.html"))


@dataclass(frozen=True)
class ExplorerWidget:
    """The explorer for a notebook: shown inline as an ``<iframe srcdoc>``; writes no files."""

    html: str = field(repr=False)
    height: int = 640

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
            f'style="width:100%;height:{int(self.height)}px;border:1px solid #ddd"></iframe>'
        )


def explorer_widget(g: nx.Graph, *, height: int = 640, **options: Any) -> ExplorerWidget:
    """The explorer of ``g`` as a notebook object; ``options`` are those of :func:`explorer_html`."""
    return ExplorerWidget(explorer_html(g, **options), height=height)


def to_script_json(data: Any) -> str:
    """JSON that is safe inside ``<script>``: no ``</script>``, ``<!--`` or line separators survive."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group()], text)


def explorer_data(
    g: nx.Graph,
    *,
    title: str = "gbakg explorer",
    term_labels: Mapping[str, str] | None = None,
    size_by: str | Mapping[Hashable, float] | None = "degree",
    communities: bool | Iterable[Collection[Hashable]] = False,
    focus: Hashable | None = None,
    depth: int = 2,
    path: tuple[Hashable, Hashable] | None = None,
    layout: str = "auto",
    since: Mapping[tuple[Any, Any, Any], date] | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    """The document the page draws: nodes, edges, legend, filters and evidence (read by explorer.js).

    ``term_labels`` maps class and property CURIEs to their ontology labels (legend, link labels);
    ``size_by`` is ``"degree"``, a measure of :data:`gbakg.network.options.MEASURES`, a ``{node: value}``
    mapping, or None for one size; ``communities`` colours nodes by community (True: Louvain, or
    the node sets themselves); ``focus`` keeps the nodes within ``depth`` links of that node;
    ``path=(a, b)`` highlights a shortest path; ``layout`` is ``"auto"`` (``"anchored"`` when nodes
    have homes to gather around, up to :data:`ANCHORED_LIMIT` nodes; else physics, with positions
    computed here above :data:`PHYSICS_LIMIT` nodes), ``"anchored"`` (each city or region with its actors around it, no
    physics), ``"physics"`` or ``"precomputed"``.
    ``since`` (:func:`gbakg.rdf.asof.since` of the graph ``g`` was projected from) dates each node
    and link for the time slider, by the rule of ``--as-of``; ``lang`` is the labels' language.
    """
    if layout not in LAYOUTS:
        raise InputError(f"unknown layout {layout!r}; use {', '.join(LAYOUTS)}")
    labels = dict(term_labels or {})
    highlight: dict[str, Any] | None = None
    if focus is not None:
        g = ego_subgraph(g, focus, depth)
    if path is not None:
        hops = shortest_path(g, *path)
        highlight = {"kind": "path", "nodes": hops}
    elif focus is not None:
        highlight = {"kind": "focus", "nodes": [focus]}

    nodes = list(g.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    edges = (
        list(g.edges(keys=True, data=True))
        if g.is_multigraph()
        else [(u, v, None, d) for u, v, d in g.edges(data=True)]
    )

    quotes = _QuoteTable()
    classes = _Vocabulary(labels, _CLASS_COLORS, capitalise=True)  # class names read as names
    relations = _Vocabulary(labels, {}, capitalise=False)
    out_nodes = [_node_item(g, node, index, labels, classes, quotes) for node in nodes]
    out_edges = _edge_items(edges, index, relations, quotes)
    _size(g, nodes, out_nodes, size_by)
    groups = _communities(g, communities)
    for number, members in enumerate(groups):
        for node in members:
            out_nodes[index[node]]["m"] = number
    homes = {h for _, h in g.nodes(data="home") if h is not None and h in g}
    if layout == "auto" and len(homes) >= 2 and len(nodes) <= ANCHORED_LIMIT and not groups:
        layout = "anchored"  # places to hold on to: the first view that reads
    physics = layout == "physics" or (layout == "auto" and len(nodes) <= PHYSICS_LIMIT)
    if layout == "anchored":
        found = anchored_positions(g)
    elif not physics or len(nodes) > SEED_LIMIT:  # physics starting from these settles far sooner
        found = layout_positions(_simple(g), groups or None)
    else:
        found = {}
    for node, (x, y) in found.items():
        out_nodes[index[node]].update(x=round(x, 1), y=round(y, 1))
    places, stages = memberships(g)
    for key, found in (("pl", places), ("st", stages)):
        for node, members in found.items():
            if members:
                out_nodes[index[node]][key] = sorted(index[m] for m in members)
    if highlight is not None:
        highlight = _highlight(highlight, index, out_edges)
    years = _years(since, nodes, edges, out_nodes) if since is not None else []
    class_entries = classes.entries()
    return {
        "title": title,
        "nodes": out_nodes,
        "edges": out_edges,
        "classes": class_entries,
        "relations": relations.entries(),
        "quotes": quotes.quotes,
        "sources": quotes.sources,
        "places": [index[n] for n in ordered(g, (n for n in places if n in places[n]))],
        "stages": [index[n] for n in ordered(g, (n for n in stages if n in stages[n]))],
        "communities": [{"color": _PALETTE[i % len(_PALETTE)], "n": len(c)} for i, c in enumerate(groups)],
        "highlight": highlight,
        "edgeYears": years,
        "fold": fold_table(name for item in out_nodes for name in item["n"]),
        "options": {
            "lang": lang,
            "base": str(GBR),
            "physics": physics,
            "edgeLabels": len(out_edges) <= EDGE_LABEL_LIMIT,
            "colorBy": "community" if groups else "class",
            "layout": layout,
            "hidden": sorted(c["id"] for c in class_entries if c["id"] in FIRST_VIEW_HIDDEN)
            if layout == "anchored" and len(nodes) > FIRST_VIEW_DETAIL
            else [],
            "sizeBy": size_by if isinstance(size_by, str) else ("value" if size_by is not None else None),
            "directed": g.is_directed(),
        },
    }


def _node_item(
    g: nx.Graph,
    node: Hashable,
    index: Mapping[Hashable, int],
    labels: Mapping[str, str],
    classes: _Vocabulary,
    quotes: _QuoteTable,
) -> dict[str, Any]:
    """One node as the page reads it: label, key, class, aliases, place, home, dates, properties, evidence."""
    attrs = g.nodes[node]
    item: dict[str, Any] = {"l": str(attrs.get("label", node)), "k": str(attrs.get("iri", node))}
    item["c"] = classes.index(str(attrs.get("type") or ""))
    for short_key, attr in (("e", "label_en"), ("z", "label_zh")):
        if attrs.get(attr):
            item[short_key] = str(attrs[attr])
    if attrs.get("aliases"):
        item["a"] = [str(a) for a in _as_list(attrs["aliases"])]
    item["n"] = sorted({name_key(n) for n in (item["l"], item.get("e"), item.get("z"), *item.get("a", ())) if n})
    if attrs.get("place") in index:
        item["p"] = index[attrs["place"]]
    if attrs.get("home") in index and attrs["home"] not in (node, attrs.get("place")):
        item["h"] = index[attrs["home"]]
    dates, props = _properties(attrs, labels)
    if dates:
        item["d"] = dates
    if props:
        item["o"] = props
    ev = quotes.add_all(attrs.get("evidence") or [])
    if ev:
        item["q"] = ev
    return item


def _edge_items(
    edges: list, index: Mapping[Hashable, int], relations: _Vocabulary, quotes: _QuoteTable
) -> list[list[Any]]:
    """Each link as ``[from, to, relation, quotes(, curve)]``; parallel links curve apart."""
    out: list[list[Any]] = []
    seen_pairs: dict[frozenset, int] = defaultdict(int)
    for u, v, key, attrs in edges:
        rel = str(attrs.get("relation") or key or "")
        pair = frozenset((u, v))
        bend = seen_pairs[pair]
        seen_pairs[pair] += 1
        edge: list[Any] = [index[u], index[v], relations.index(rel), quotes.add_all(attrs.get("evidence") or [])]
        if bend:  # parallel edges get curves of growing roundness, alternating sides
            edge.append(round(0.2 * ((bend + 1) // 2) * (1 if bend % 2 else -1), 2))
        out.append(edge)
    return out


def _size(
    g: nx.Graph, nodes: list[Hashable], items: list[dict[str, Any]], size_by: str | Mapping[Hashable, float] | None
) -> None:
    """Node sizes (and values) from a measure: the square root of the share of the largest."""
    values = node_measure(g, size_by) if size_by is not None else {}
    top = max((abs(v) for v in values.values()), default=0) or 1
    for node, item in zip(nodes, items, strict=True):
        if node in values:
            item["v"] = round(values[node], 6)
            item["s"] = round(8 + 24 * math.sqrt(abs(values[node]) / top), 1)


def _years(since: Mapping[tuple[Any, Any, Any], date], nodes: list, edges: list, items: list[dict]) -> list[int]:
    """Each node's year (``t``) and each link's (returned) from which ``--as-of`` keeps it; 0: always.

    ``--as-of YEAR`` keeps what begins by the year's last day, so a thing dated on any day of a year
    is there from that year on. A node stands while any of its ``rdf:type`` triples does.
    """
    from rdflib.namespace import RDF

    node_day: dict[str, date] = {}
    edge_day: dict[tuple[str, str, str], date] = {}
    for (s, p, o), day in since.items():
        if p == RDF.type:
            node_day[str(s)] = min(node_day.get(str(s), day), day)
        else:
            edge_day[(str(s), to_curie(str(p)), str(o))] = day
    for node, item in zip(nodes, items, strict=True):
        if str(node) in node_day:
            item["t"] = node_day[str(node)].year
    found = (edge_day.get((str(u), str(key), str(v))) for u, v, key, _ in edges)
    return [day.year if day else 0 for day in found]


def _highlight(highlight: dict[str, Any], index: Mapping[Hashable, int], edges: list[list[Any]]) -> dict[str, Any]:
    """A path or focus in node and edge positions."""
    hl_nodes = [index[n] for n in highlight["nodes"]]
    steps = set(pairwise(hl_nodes)) if highlight["kind"] == "path" else set()
    return {
        **highlight,
        "nodes": hl_nodes,
        "edges": [i for i, e in enumerate(edges) if (e[0], e[1]) in steps or (e[1], e[0]) in steps],
    }


def ego_subgraph(g: nx.Graph, center: Hashable, depth: int) -> nx.Graph:
    """The nodes within ``depth`` hops of ``center``, links followed in either direction."""
    if center not in g:
        raise UnknownEntityError(f"{center} is not a node of the graph")
    if depth < 0:
        raise InputError(f"depth must be 0 or more, not {depth}")
    undirected = g.to_undirected(as_view=True) if g.is_directed() else g
    keep = nx.single_source_shortest_path_length(undirected, center, cutoff=depth)
    return g.subgraph(keep).copy()


def shortest_path(g: nx.Graph, source: Hashable, target: Hashable) -> list[Hashable]:
    """The nodes of a shortest path (links followed either way), as ``gbakg path`` finds it."""
    from gbakg.network.paths import shortest_paths

    hops = shortest_paths(g, str(source), str(target))[0]
    return [source, *(hop["to"] for hop in hops)]


def node_measure(g: nx.Graph, measure: str | Mapping[Hashable, float]) -> dict:
    """A centrality by name, from :func:`gbakg.network.centrality.centrality`, or the caller's own mapping.

    Degree (distinct neighbours) is counted here, so the default costs no analysis run.
    """
    if isinstance(measure, Mapping):
        return {n: float(v) for n, v in measure.items() if n in g and v is not None and v == v}  # NaN: none
    if measure == "degree":
        if g.is_directed():
            return {n: float(len((g.succ[n].keys() | g.pred[n].keys()) - {n})) for n in g}
        return {n: float(len(g[n].keys() - {n})) for n in g}
    from gbakg.network.centrality import centrality
    from gbakg.network.options import MEASURES

    if measure not in MEASURES:
        raise InputError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    rows = centrality(g)["rows"]
    return {row["iri"]: row[measure] for row in rows if row[measure] is not None}


def _simple(g: nx.Graph) -> nx.Graph:
    simple = nx.Graph()
    simple.add_nodes_from(g)
    simple.add_edges_from((u, v) for u, v in g.edges() if u != v)
    return simple


def _communities(g: nx.Graph, communities: bool | Iterable[Collection[Hashable]]) -> list[set]:
    """Louvain communities from :func:`gbakg.network.communities.communities`, or the caller's own node sets."""
    if communities is False or g.number_of_nodes() == 0:
        return []
    if communities is True:
        from gbakg.network.communities import communities as find

        found: Iterable[Collection[Hashable]] = find(g, methods=("louvain",))["louvain"]["communities"]
    else:
        found = communities
    groups = [set(c) & set(g) for c in found]
    return sorted((c for c in groups if c), key=lambda c: (-len(c), min(map(str, c))))


def _properties(attrs: Mapping[str, Any], labels: Mapping[str, str]) -> tuple[list, list]:
    """Literal properties as ``[label, text]`` pairs, dates apart from the rest."""
    dates: list[list[str]] = []
    props: list[list[str]] = []
    for key, value in attrs.items():
        if key in _NOT_PROPERTIES or isinstance(value, (dict, tuple)):
            continue
        text = "; ".join(labels.get(str(v)) or str(v) for v in _as_list(value))
        pair = [labels.get(key) or _local_name(key), text]
        is_date = all(_DATE_VALUE.match(str(v)) for v in _as_list(value)) and not isinstance(value, (int, float))
        (dates if is_date or "date" in key.lower() else props).append(pair)
    return dates, props


class _QuoteTable:
    """Quotes and sources stored once each; nodes and edges refer to them by number."""

    def __init__(self) -> None:
        self.quotes: list[list[Any]] = []
        self.sources: list[list[str]] = []
        self._quote_ids: dict[tuple[int, str], int] = {}
        self._source_ids: dict[str, int] = {}

    def add_all(self, evidence: Iterable[Mapping[str, Any]]) -> list[int]:
        ids = []
        for ev in evidence:
            source = str(ev.get("source") or "")
            if source not in self._source_ids:
                self._source_ids[source] = len(self.sources)
                self.sources.append([source, str(ev.get("title") or "")])
            key = (self._source_ids[source], str(ev.get("quote") or ""))
            if key not in self._quote_ids:
                self._quote_ids[key] = len(self.quotes)
                self.quotes.append(list(key))
            if self._quote_ids[key] not in ids:
                ids.append(self._quote_ids[key])
        return ids


class _Vocabulary:
    """Classes or relations in first-seen order, each with its label, colour and count."""

    def __init__(self, labels: Mapping[str, str], colors: Mapping[str, str], *, capitalise: bool) -> None:
        self._labels, self._colors, self._capitalise = labels, colors, capitalise
        self._ids: dict[str, int] = {}
        self._counts: list[int] = []

    def index(self, curie: str) -> int:
        if curie not in self._ids:
            self._ids[curie] = len(self._ids)
            self._counts.append(0)
        self._counts[self._ids[curie]] += 1
        return self._ids[curie]

    def entries(self) -> list[dict[str, Any]]:
        used = set(self._colors.values())
        spare = [c for c in _PALETTE if c not in used] or list(_PALETTE)
        out = []
        for curie, i in self._ids.items():
            color = self._colors.get(curie) or spare[i % len(spare)]
            label = self._labels.get(curie) or (_local_name(curie) if curie else "(no type)")
            label = label[:1].upper() + label[1:] if self._capitalise else label
            out.append({"id": curie, "label": label, "color": color, "n": self._counts[i]})
        return out


def _local_name(curie: str) -> str:
    name = re.split(r"[:#/]", curie)[-1] or curie
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, set, frozenset)) else [value]


def _asset(name: str) -> str:
    return resources.files("gbakg.explorer").joinpath("templates", name).read_text(encoding="utf-8")


def _vis_script() -> str:
    """pyvis's copy of vis-network, read from its package folder (no network, no pyvis template).

    The package is located, not imported: importing pyvis pulls in IPython and costs a second.
    """
    spec = importlib.util.find_spec("pyvis")
    folders = list(spec.submodule_search_locations or []) if spec else []
    candidates = sorted(f for folder in folders for f in Path(folder).glob("**/vis-9.1.2/vis-network.min.js"))
    if not candidates:
        raise InputError("vis-network.min.js not found in the pyvis package; reinstall pyvis")
    script = candidates[0].read_text(encoding="utf-8")
    script = re.sub(r"^//# sourceMappingURL=.*$", "", script, flags=re.MULTILINE)  # a file we do not ship
    return re.sub(r"</(script)", r"<\\/\1", script, flags=re.IGNORECASE)
