"""The innovation value chain: which place is strong at which stage, its gaps, and who complements it.

NetworkX only: it reads ``gba:Strength`` and ``gba:ValueChainStage`` nodes of the full projection.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import networkx as nx

from gbakg.errors import AnalysisError
from gbakg.network.graphs import label


def value_chain(full: nx.MultiDiGraph) -> dict[str, Any]:
    """The place × value-chain-stage matrix from ``gba:Strength`` nodes, with gaps and partners.

    Stages are the ``gba:ValueChainStage`` nodes in ``gba:order``. A strength counts for its
    holder's ``home`` city or region (the holder itself when it has none). For each place, a gap is
    a stage it has no strength at; its partners for that gap are the places that have one.
    """
    stages = [n for n, d in full.nodes(data=True) if d.get("type") == "gba:ValueChainStage"]
    if not stages:
        raise AnalysisError("no value-chain stages in the graph: load the ontology's value-chain scheme")
    stages.sort(key=lambda s: (full.nodes[s].get("gba:order", math.inf), label(full, s)))
    cells: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for node, attrs in full.nodes(data=True):
        if attrs.get("type") != "gba:Strength":
            continue
        out: dict[str, list[str]] = defaultdict(list)
        for _, target, key in full.out_edges(node, keys=True):
            out[key].append(target)
        holders = out["gba:holder"] or [s for s, _, k in full.in_edges(node, keys=True) if k == "gba:hasStrength"]
        sector = attrs.get("gba:sector", [])
        strength = {
            "iri": node,
            "label": label(full, node),
            "sector": sector if isinstance(sector, list) else [sector],
            "compared_with": [label(full, c) for c in sorted(out["gba:comparedWith"])],
            "evidence": attrs.get("evidence", []),
        }
        for holder in sorted(set(holders)):
            place = full.nodes[holder].get("home", holder)
            for stage in out["gba:stage"]:
                cells[place][stage].append({**strength, "holder": holder, "holder_label": label(full, holder)})
    covered = {stage: sorted((p for p in cells if stage in cells[p]), key=lambda p: label(full, p)) for stage in stages}
    places = []
    for place in sorted(cells, key=lambda p: (label(full, p), p)):
        gaps = [s for s in stages if s not in cells[place]]
        places.append(
            {
                "iri": place,
                "label": label(full, place),
                "type": full.nodes[place].get("type", ""),
                "cells": {s: sorted(cells[place][s], key=lambda x: x["label"]) for s in stages if s in cells[place]},
                "gaps": gaps,
                "partners": {s: covered[s] for s in gaps},
            }
        )
    stage_rows = [
        {"iri": s, "label": label(full, s), "short": _short(full, s), "order": full.nodes[s].get("gba:order")}
        for s in stages
    ]
    return {"stages": stage_rows, "places": places}


def _short(g: nx.Graph, node: str) -> str:
    """The shortest of a node's label and aliases: column headings for the matrix."""
    names = [label(g, node), *g.nodes[node].get("aliases", [])]
    return min(names, key=len)
