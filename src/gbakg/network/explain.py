"""Readable text for paths, neighbourhoods and the value chain: every link followed by its evidence.

Plain functions over the plain data that ``analysis`` and ``valuechain`` return, so the CLI and
notebooks print the same thing; ``*_rows`` flatten the same data for CSV.
"""

from __future__ import annotations

from typing import Any

Row = dict[str, Any]


def evidence_lines(evidence: list[dict[str, str]], indent: str = "    ") -> list[str]:
    """One line per piece of evidence: the quote, then the source's title and CURIE."""
    if not evidence:
        return [f"{indent}(no evidence recorded)"]
    return [f"{indent}“{ev['quote']}” — {ev.get('title') or ev['source']} ({ev['source']})" for ev in evidence]


def arrow(link: Row, directed: bool) -> str:
    """``—[rel]→`` along a triple, ``←[rel]—`` against it, ``—[kind: via]—`` on an undirected graph."""
    rel = link["relation"] + (f": {link['via_label']}" if link.get("via_label") else "")
    if not directed:
        return f"—[{rel}]—"
    return f"—[{rel}]→" if link["forward"] else f"←[{rel}]—"


def path_text(paths: list[list[Row]], graph_name: str, *, directed: bool, numbered: bool) -> str:
    """Each path as hop lines, each with its evidence indented under it."""
    walk = "walked as undirected" if directed else "undirected"
    lines: list[str] = []
    for i, hops in enumerate(paths, 1):
        if i > 1:
            lines.append("")
        which = f"Path {i} of {len(paths)}" if numbered else "A shortest path"
        lines.append(f"{which}: {len(hops)} hop(s) in the {graph_name} ({walk})")
        for hop in hops:
            for link in hop["links"]:
                lines.append(f"{hop['from_label']} {arrow(link, directed)} {hop['to_label']}")
                lines.extend(evidence_lines(link["evidence"]))
    return "\n".join(lines)


def path_rows(paths: list[list[Row]]) -> list[Row]:
    """One row per path, hop, relation and piece of evidence."""
    return [
        {
            "path": i,
            "hop": j,
            "from": hop["from_label"],
            "relation": link["relation"],
            "via": link.get("via_label"),
            "direction": "forward" if link["forward"] else "backward",
            "to": hop["to_label"],
            "quote": ev["quote"],
            "source": ev["source"],
        }
        for i, hops in enumerate(paths, 1)
        for j, hop in enumerate(hops, 1)
        for link in hop["links"]
        for ev in (link["evidence"] or [{"quote": "", "source": ""}])
    ]


def neighbors_text(rows: list[Row], centre: Row, depth: int, graph_name: str, *, directed: bool) -> str:
    """The ego network grouped by depth and relation; ``centre`` holds the entity's label and type."""
    reached = len({r["node"] for r in rows})
    lines = [f"{centre['label']} ({centre['type']}): {reached} neighbour(s) within {depth} hop(s) in the {graph_name}"]
    group = None
    for r in rows:
        if (r["depth"], r["relation"], r["forward"]) != group:
            group = (r["depth"], r["relation"], r["forward"])
            heading = arrow({**r, "via_label": None}, directed)
            lines += ["", f"[depth {r['depth']}] {heading}" if depth > 1 else heading]
        via_text = f" (via {r['via_label']})" if r.get("via_label") else ""
        from_text = f" from {r['from_label']}" if r["depth"] > 1 else ""
        lines.append(f"  {r['label']} ({r['type']}){from_text}{via_text}")
        lines.extend(evidence_lines(r["evidence"], "      "))
    return "\n".join(lines)


def neighbor_rows(rows: list[Row]) -> list[Row]:
    return [
        {
            "depth": r["depth"],
            "from": r["from_label"],
            "relation": r["relation"],
            "via": r.get("via_label"),
            "direction": "forward" if r["forward"] else "backward",
            "neighbour": r["label"],
            "type": r["type"],
            "quotes": [ev["quote"] for ev in r["evidence"]],
        }
        for r in rows
    ]


def value_chain_matrix(result: Row) -> list[Row]:
    """The matrix as rows: a place, then the number of its strengths at each stage ("-" for none)."""
    stages = result["stages"]
    return [
        {"place": p["label"], **{s["short"]: len(p["cells"].get(s["iri"], [])) or "-" for s in stages}}
        for p in result["places"]
    ]


def value_chain_text(result: Row, matrix: str) -> str:
    """The rendered ``matrix``, then the evidence for each cell, then each place's gaps and partners."""
    stages, places = result["stages"], result["places"]
    labels = {p["iri"]: p["label"] for p in places}
    stage_label = {s["iri"]: s["label"] for s in stages}
    lines = [matrix, "", "Evidence"]
    for p in places:
        for s in stages:
            for c in p["cells"].get(s["iri"], []):
                sector = f" ({', '.join(c['sector'])})" if c["sector"] else ""
                held = f", held by {c['holder_label']}" if c["holder"] != p["iri"] else ""
                held += f", compared with {', '.join(c['compared_with'])}" if c["compared_with"] else ""
                lines.append(f"  {p['label']} · {s['label']}{sector}{held}")
                lines.extend(evidence_lines(c["evidence"], "      "))
    uncovered = [s["label"] for s in stages if not any(s["iri"] in p["cells"] for p in places)]
    lines += [
        "",
        "Gaps and complementary partners" + (f" (no place covers {', '.join(uncovered)})" if uncovered else ""),
    ]
    for p in places:
        covered_gaps = [gap for gap in p["gaps"] if p["partners"][gap]]
        lines.append(f"  {p['label']}" + ("" if covered_gaps else ": no gap that another place covers"))
        lines += [f"    {stage_label[gap]}: {', '.join(labels[q] for q in p['partners'][gap])}" for gap in covered_gaps]
    return "\n".join(lines)


def value_chain_rows(result: Row) -> list[Row]:
    """One row per place and stage: its strengths, sectors, quotes, and partners where it is a gap."""
    labels = {p["iri"]: p["label"] for p in result["places"]}
    rows = []
    for p in result["places"]:
        for s in result["stages"]:
            cell = p["cells"].get(s["iri"], [])
            rows.append(
                {
                    "place": p["label"],
                    "stage": s["label"],
                    "order": s["order"],
                    "strengths": len(cell),
                    "sectors": sorted({x for c in cell for x in c["sector"]}),
                    "partners": [labels[q] for q in p["partners"].get(s["iri"], [])],
                    "quotes": [ev["quote"] for c in cell for ev in c["evidence"]],
                }
            )
    return rows
