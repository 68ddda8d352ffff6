"""Drawing the graph from Python: the explorer page, its notebook widget, and a pyvis ``Network``.

The explorer (:mod:`gbakg.explorer.page`) is what ``gbakg viz`` writes. Notebook users who know
pyvis can have the same drawing as a :class:`pyvis.network.Network` to tweak (physics, buttons,
options) with :func:`to_pyvis`: the explorer's colours, sizes, labels, positions and evidence
tooltips, filled straight into the network's lists. pyvis's own ``add_node`` and ``add_edge``
search every node and edge already added, so filling a big graph through them takes minutes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import networkx as nx

from gbakg.explorer.page import explorer_data, explorer_html, explorer_page, explorer_widget

if TYPE_CHECKING:
    from pyvis.network import Network

__all__ = ["explorer_data", "explorer_html", "explorer_page", "explorer_widget", "to_pyvis"]


def to_pyvis(
    g: nx.Graph,
    *,
    height: str = "750px",
    width: str = "100%",
    notebook: bool = False,
    cdn_resources: str = "in_line",
    **options: Any,
) -> Network:
    """A filled pyvis ``Network`` of ``g``, drawn as the explorer draws it; ``options`` are those of
    :func:`gbakg.explorer.page.explorer_data` (``size_by``, ``communities``, ``focus``, ``term_labels``…).

    ``cdn_resources="in_line"`` (the default) puts vis-network inside the page pyvis writes, and the
    template loses the Bootstrap pyvis fetches from a CDN, so the page opens offline. Tooltips are
    plain text, as vis-network shows them; pyvis's ``tooltip_link`` popup would read them as HTML,
    so leave it off for data you did not write.
    """
    from pyvis.network import Network

    data = explorer_data(g, **options)
    net = Network(height=height, width=width, directed=g.is_directed(), notebook=notebook, cdn_resources=cdn_resources)
    nodes, edges = data["nodes"], data["edges"]
    by_community = data["options"]["colorBy"] == "community"
    net.nodes = [_node(data, n, by_community, net.font_color) for n in nodes]
    net.node_ids = [n["k"] for n in nodes]
    net.node_map = {item["id"]: item for item in net.nodes}
    net.edges = [_edge(data, e, g.is_directed()) for e in edges]
    if not data["options"]["physics"]:
        net.toggle_physics(False)
    _offline_template(net)
    return net


def _offline_template(net: Network) -> None:
    """pyvis's page template, less the Bootstrap it fetches from a CDN on every opening (only card
    styling) and a commented-out reference: with vis-network in line, the page needs no network."""
    import re
    from pathlib import Path

    from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader

    folder = Path(net.template_dir)
    text = (folder / net.path).read_text(encoding="utf-8")
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"<link[^>]*bootstrap[^>]*>", "", text, flags=re.S)
    text = re.sub(r"<script[^>]*bootstrap[^>]*>\s*</script>", "", text, flags=re.S)
    own = DictLoader({"gbakg-pyvis.html": text})
    net.templateEnv = Environment(loader=ChoiceLoader([own, FileSystemLoader(folder)]))  # includes: pyvis's lib/
    net.path = "gbakg-pyvis.html"
    net.template = net.templateEnv.get_template(net.path)  # what pyvis renders in a notebook


def _node(data: Mapping[str, Any], n: Mapping[str, Any], by_community: bool, font_color: Any) -> dict[str, Any]:
    cls = data["classes"][n["c"]]
    color = data["communities"][n["m"]]["color"] if by_community and "m" in n else cls["color"]
    item: dict[str, Any] = {"id": n["k"], "label": n["l"], "shape": "dot", "color": color, "size": n.get("s", 12)}
    if font_color:
        item["font"] = {"color": font_color}
    lines = [n["l"], cls["label"] + (" · " + data["nodes"][n["p"]]["l"] if "p" in n else "")]
    if n.get("q"):
        lines.append(_quote_line(data, n["q"][0]))
    item["title"] = "\n".join(lines)
    if "x" in n:
        item.update(x=n["x"], y=n["y"])
    return item


def _edge(data: Mapping[str, Any], e: list[Any], directed: bool) -> dict[str, Any]:
    nodes, relation = data["nodes"], data["relations"][e[2]]
    lines = [f"{nodes[e[0]]['l']} → {relation['label']} → {nodes[e[1]]['l']}"]
    if e[3]:
        lines.append(_quote_line(data, e[3][0]))
    item: dict[str, Any] = {
        "from": nodes[e[0]]["k"],
        "to": nodes[e[1]]["k"],
        "color": relation["color"],
        "title": "\n".join(lines),
    }
    if directed:
        item["arrows"] = "to"
    return item


def _quote_line(data: Mapping[str, Any], q: int) -> str:
    source, text = data["quotes"][q]
    sid, title = data["sources"][source]
    return f"“{text}” — {title or sid}"
