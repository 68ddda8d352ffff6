"""The HTML explorer: a self-contained, offline vis-network page drawn from a NetworkX graph.

Needs only networkx (and pyvis for its bundled vis-network). Node and edge lists are filled
directly instead of through pyvis's ``add_edge``, whose duplicate scan is quadratic.
"""

from __future__ import annotations

import html
import re
from typing import Any

import networkx as nx

_PALETTE = {
    "gba:City": "#1f77b4",
    "gba:Region": "#aec7e8",
    "gba:District": "#9edae5",
    "gba:InnovationZone": "#17becf",
    "gba:University": "#2ca02c",
    "gba:ResearchInstitute": "#98df8a",
    "gba:GovernmentBody": "#d62728",
    "gba:Company": "#ff9896",
    "gba:Facility": "#9467bd",
    "gba:Agreement": "#ff7f0e",
    "gba:Policy": "#8c564b",
    "gba:Programme": "#c49c94",
    "gba:Person": "#e377c2",
    "gba:Strength": "#bcbd22",
    "gba:ValueChainStage": "#dbdb8d",
}
# pyvis's template links Bootstrap from a CDN and vis.js from ../node_modules; the inlined copy
# of vis-network is all the page needs, so every external reference is dropped.
_EXTERNAL = re.compile(r"<link\b[^>]*\bhref=[^>]*>|<script\b[^>]*\bsrc=[^>]*>\s*</script>", re.IGNORECASE)


def _tooltip(attrs: dict[str, Any]) -> str:
    """Plain text: vis-network shows a string title as text, so nothing in it can run."""
    lines = [str(attrs.get("label", "")), str(attrs.get("type", ""))]
    for ev in attrs.get("evidence", [])[:3]:
        lines.append(f"“{ev['quote']}” — {ev.get('title') or ev['source']}")
    return "\n".join(lines)


def explorer_html(g: nx.MultiDiGraph | nx.Graph, *, title: str = "gbakg explorer") -> str:
    """Render ``g`` as one HTML page that needs no network to open."""
    from pyvis.network import Network

    net = Network(height="800px", width="100%", directed=g.is_directed(), cdn_resources="in_line", heading="")
    for node, attrs in g.nodes(data=True):
        net.nodes.append(
            {
                "id": node,
                "label": str(attrs.get("label", node)),
                "title": _tooltip(attrs),
                "color": _PALETTE.get(str(attrs.get("type")), "#7f7f7f"),
                "shape": "dot",
                "size": 10 + 3 * min(g.degree(node), 10),
            }
        )
        net.node_ids.append(node)
    if g.is_multigraph():
        edges = g.edges(keys=True, data=True)
    else:
        edges = ((u, v, None, d) for u, v, d in g.edges(data=True))
    for u, v, key, attrs in edges:
        net.edges.append(
            {
                "from": u,
                "to": v,
                "label": str(attrs.get("relation", key or "")),
                "title": _tooltip(attrs),
                "arrows": "to",
            }
        )
    net.toggle_physics(True)
    page = net.generate_html(name="explorer.html", local=True, notebook=False)
    page = _EXTERNAL.sub("", page)
    return page.replace("<head>", f"<head>\n<title>{html.escape(title)}</title>", 1)
