"""Exporting the graph: RDF serialisations of the rdflib graph, and GraphML, GEXF and node-link
JSON of a NetworkX projection that Gephi and ``networkx.read_graphml`` can read back.

GraphML and GEXF hold only scalar attributes, so lists and dicts (evidence, aliases, ties) are
written as JSON strings and listed in graph attributes; ``read_graphml`` decodes them again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gbakg.errors import InputError

if TYPE_CHECKING:
    import networkx as nx
from gbakg.fileio import atomic_write

RDF_FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}
NETWORK_FORMATS = ("graphml", "gexf", "json")
FORMATS = (*RDF_FORMATS, *NETWORK_FORMATS)
_SUFFIXES = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".jsonld": "jsonld",
    ".graphml": "graphml",
    ".gexf": "gexf",
    ".json": "json",
}


def format_for(path: str | Path) -> str:
    """The export format a file name implies (``.ttl``, ``.nt``, ``.jsonld``, ``.graphml``, ``.gexf``, ``.json``)."""
    fmt = _SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: cannot tell the format from the file name; give --format ({', '.join(FORMATS)})")
    return fmt


def rdf_text(graph: Any, fmt: str) -> str:
    """Serialise an rdflib graph; JSON-LD gets an inline context of our prefixes, never a remote one."""
    if fmt not in RDF_FORMATS:
        raise InputError(f"unknown RDF format {fmt!r}; use one of {', '.join(RDF_FORMATS)}")
    if fmt == "jsonld":
        from gbakg.vocabulary import PREFIXES

        context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        text = graph.serialize(format="json-ld", context=context, auto_compact=True)
        return json.dumps(_sorted_json(json.loads(text)), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if fmt == "nt":
        lines = graph.serialize(format="nt").splitlines()
        return "\n".join(sorted(line for line in lines if line.strip())) + "\n"
    return graph.serialize(format=RDF_FORMATS[fmt])


def _sorted_json(value: Any) -> Any:
    """JSON-LD arrays are unordered sets (we write no @list): sort them so the bytes are stable."""
    if isinstance(value, dict):
        return {k: _sorted_json(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


def scalar_graph(g: nx.Graph) -> nx.Graph:
    """A copy whose attributes are all str/int/float/bool, as GraphML and GEXF require.

    A key holding a list or dict anywhere, or values of several types (GraphML gives each key one
    type), is written as JSON for every node (or edge) that has it; these keys are listed in the
    graph attributes ``json_node_attributes`` and ``json_edge_attributes``. None is dropped.
    """
    out = g.__class__()

    def convert(items: list[dict[str, Any]], scope: str) -> list[dict[str, Any]]:
        kinds: dict[str, set[type]] = {}
        for attrs in items:
            for key, value in attrs.items():
                if value is not None:
                    kinds.setdefault(key, set()).add(type(value))
        scalar = {str, int, float, bool}
        as_json = {k for k, types in kinds.items() if len(types) > 1 or not types <= scalar}
        out.graph[f"json_{scope}_attributes"] = " ".join(sorted(as_json))
        return [
            {
                k: json.dumps(v, ensure_ascii=False, sort_keys=True, default=str) if k in as_json else v
                for k, v in attrs.items()
                if v is not None
            }
            for attrs in items
        ]

    nodes = list(g.nodes(data=True))
    for (node, _), attrs in zip(nodes, convert([d for _, d in nodes], "node"), strict=True):
        out.add_node(node, **attrs)
    edges = (
        list(g.edges(keys=True, data=True))
        if g.is_multigraph()
        else [(u, v, None, d) for u, v, d in g.edges(data=True)]
    )
    for (u, v, k, _), attrs in zip(edges, convert([e[3] for e in edges], "edge"), strict=True):
        if g.is_multigraph():
            out.add_edge(u, v, key=k, **attrs)
        else:
            out.add_edge(u, v, **attrs)
    out.graph.update({k: v for k, v in g.graph.items() if type(v) in (str, int, float, bool)})
    out.graph["multigraph"] = g.is_multigraph()  # GraphML cannot say so; read_graphml needs to know
    return out


def network_text(g: nx.Graph, fmt: str) -> str:
    """GraphML, GEXF or node-link JSON (``nodes``/``edges``, each node with ``label`` and ``type``)."""
    import networkx as nx

    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(scalar_graph(g), edge_id_from_attribute=None)) + "\n"
    if fmt == "gexf":
        return "\n".join(nx.generate_gexf(scalar_graph(g))) + "\n"
    if fmt == "json":
        data = nx.node_link_data(g, edges="edges")
        return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    raise InputError(f"unknown network format {fmt!r}; use one of {', '.join(NETWORK_FORMATS)}")


def read_graphml(path: str | Path) -> nx.Graph:
    """Read a GraphML file written by ``export``, decoding the attributes that were stored as JSON."""
    import networkx as nx

    g = nx.read_graphml(path, force_multigraph=True)
    if not g.graph.pop("multigraph", True):
        g = nx.DiGraph(g) if g.is_directed() else nx.Graph(g)
    for default in ("node_default", "edge_default"):
        g.graph.pop(default, None)
    node_keys = set(str(g.graph.pop("json_node_attributes", "")).split())
    edge_keys = set(str(g.graph.pop("json_edge_attributes", "")).split())
    for keys, items in (
        (node_keys, [d for _, d in g.nodes(data=True)]),
        (edge_keys, [e[-1] for e in g.edges(data=True)]),
    ):
        for attrs in items:
            for key in keys & attrs.keys():
                attrs[key] = json.loads(attrs[key])
    return g


def write(text: str, target: str | Path) -> Path:
    """Write an export atomically (a failed run leaves any earlier file as it was)."""
    return atomic_write(target, text)
