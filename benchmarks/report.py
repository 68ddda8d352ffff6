"""Turn run.py's measurements into table rows (kept in the JSON) and a Markdown table."""

from __future__ import annotations

from typing import Any


def _secs(step: dict[str, Any] | None) -> float | None:
    return step.get("seconds") if isinstance(step, dict) else None


def show(step: dict[str, Any] | None) -> str:
    """Seconds, or "> N s" for a capped run, or what went wrong."""
    if not isinstance(step, dict):
        return "—"
    if "seconds" in step:
        s = step["seconds"]
        if s < 0.01:
            return f"{1000 * s:.2f} ms"
        return f"{1000 * s:.0f} ms" if s < 1 else f"{s:.2f} s" if s < 10 else f"{s:.1f} s"
    if "timeout" in step:
        return f"> {step['timeout']:.0f} s"
    if "skipped" in step:
        return "not run"
    if "error" in step:
        return "error: " + step["error"].split(":")[0]
    return "—"


def ratio(slow: dict[str, Any] | None, fast: dict[str, Any] | None) -> tuple[str, float | None, bool]:
    """(text, value, is_lower_bound) of slow/fast."""
    f = _secs(fast)
    if not f:
        return "—", None, False
    if _secs(slow) is not None:
        value = _secs(slow) / f  # type: ignore[operator]
        return f"{value:,.1f}×" if value < 100 else f"{value:,.0f}×", value, False
    if isinstance(slow, dict) and "timeout" in slow:
        value = slow["timeout"] / f
        return f"> {value:,.0f}×", value, True
    return "—", None, False


def _mem(step: dict[str, Any] | None) -> str:
    return f"{step['peak_mib']:,.0f}" if isinstance(step, dict) and "peak_mib" in step else "—"


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("yes" if ok else "**no**")


def rows(result: dict[str, Any], queries: list[dict[str, Any]]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []

    def add(step: str, slow_name: str, slow: Any, fast: Any, target: str, ok: bool | None, note: str = "") -> None:
        text, _, _ = ratio(slow, fast)
        out.append(
            {
                "step": step,
                "slow path": slow_name,
                "slow": show(slow),
                "ours": show(fast),
                "ours CPU": show({"seconds": fast["cpu"]}) if isinstance(fast, dict) and "cpu" in fast else "—",
                "ratio": text,
                "peak MiB slow / ours": f"{_mem(slow)} / {_mem(fast)}",
                "target": target,
                "met": _verdict(ok),
                "note": note,
            }
        )

    rd = result.get("rdflib Memory path", {})
    ours_load, raw_load = result.get("load (ours)"), result.get("load (raw pyoxigraph)")
    _, r, _ = ratio(rd.get("load"), ours_load)
    mem_ok = None
    if isinstance(ours_load, dict) and "peak_mib" in ours_load and "peak_mib" in rd.get("load", {}):
        mem_share = ours_load["peak_mib"] / rd["load"]["peak_mib"]
        mem_ok = mem_share <= 0.4
    note = f"raw `Store().load` {show(raw_load)}, {_mem(raw_load)} MiB"
    if mem_ok is not None:
        note += f"; memory {100 * mem_share:.0f}% of rdflib's"
    add(
        "load",
        "rdflib `Graph().parse`",
        rd.get("load"),
        ours_load,
        "≥ 10×, ≤ 40% memory",
        None if r is None or mem_ok is None else (r >= 10 and mem_ok),
        note,
    )

    oxq = result.get("queries (ours, raw)", {})
    for q in queries:
        slow, mine = rd.get("queries", {}).get(q["name"]), oxq.get(q["name"], {})
        fast, raw = mine.get("ours"), mine.get("raw")
        _, r, _ = ratio(slow, fast)
        over_raw = _secs(fast) / _secs(raw) if _secs(fast) and _secs(raw) else None
        agree = ""
        if isinstance(slow, dict) and "digest" in slow and "digest" in mine:
            agree = "same answers" if slow["digest"] == mine["digest"] else "**answers differ**"
        note = f"{mine.get('rows', '?')} rows, {agree or 'rdflib gave none'}; raw {show(raw)}"
        if over_raw is not None:
            note += f" (ours/raw {over_raw:.2f})"
        if "cached" in mine:
            note += f"; on the persistent store {show(mine['cached'])}"
        ok = None if r is None or over_raw is None else (r >= 20 and over_raw <= 1.5)
        name = f"query {q['name']}" if q["named"] else f"stress query {q['name']}"
        add(
            name,
            "rdflib Memory",
            slow,
            fast,
            "≥ 20×, ≤ 1.5× raw" if q["named"] else "(not a target)",
            ok if q["named"] else None,
            note,
        )

    build, reopen = oxq.get("cache_build"), oxq.get("cache_open")
    _, r, _ = ratio(build, reopen)
    add(
        "persistent store: open unchanged files again",
        "first open (parse into the store)",
        build,
        reopen,
        "(no target)",
        None,
        "`gbakg.sparql.cache.cached_store`, read-only RocksDB store on disk",
    )

    to_nx, full = rd.get("rdflib_to_networkx"), rd.get("full_graph")
    _, r, _ = ratio(to_nx, full)
    note = ""
    if isinstance(full, dict) and "nodes" in full:
        note = f"ours: {full['nodes']:,} nodes, {full['edges']:,} edges, from an rdflib Graph"
        if isinstance(to_nx, dict) and "nodes" in to_nx:
            note += f"; rdflib's: {to_nx['nodes']:,} nodes (literals included)"
    add(
        "projection to NetworkX",
        "`rdflib_to_networkx_multidigraph`",
        to_nx,
        full,
        "≥ 10×",
        None if r is None else r >= 10,
        note,
    )

    cen = result.get("centrality", {})
    agree = result.get("agreement", {})
    note = f"{cen.get('nodes', '?'):,} nodes; ours: {cen.get('method', '?')}" if cen.get("nodes") else ""
    if cen.get("exact", {}).get("same_as_ours"):
        note += f"; sampled (threshold 0) {show(cen.get('sampled'))}"
    if "top_overlap" in agree:
        note += f"; top-{agree['top']} betweenness overlap {agree['top_overlap']}/{agree['top']}"
        note += f" on the {agree['size']} graph ({agree['nodes']:,} nodes)"
    if "exact_estimate_seconds" in cen and not _secs(cen.get("exact")):
        note += f"; exact estimated {cen['exact_estimate_seconds']:,.0f} s"
    add(
        "centrality (collaboration graph)",
        "exact (`--exact`)",
        cen.get("exact"),
        cen.get("ours"),
        "sampled above threshold, agreement measured",
        None,
        note,
    )

    ex = result.get("explorer", {})
    small, large = ex.get("small", {}), ex.get("large", {})
    _, r, _ = ratio(small.get("pyvis"), small.get("ours"))
    add(
        f"explorer HTML, {small.get('nodes', '?'):,} nodes",
        "pyvis `from_nx` + `write_html`",
        small.get("pyvis"),
        small.get("ours"),
        "≥ 100×",
        None if r is None else r >= 100,
        f"{small.get('edges', '?'):,} edges" if small.get("edges") is not None else "",
    )
    drawn = ex.get("chromium", {}).get("drawn")
    ok = None
    if _secs(large.get("ours")) is not None:
        ok = large["ours"]["seconds"] < 2 and drawn == large.get("nodes")
    add(
        f"explorer HTML, {large.get('nodes', '?'):,} nodes",
        "—",
        None,
        large.get("ours"),
        "< 2 s, drawn",
        ok,
        f"{large.get('edges', '?'):,} edges; Chromium drew {drawn if drawn is not None else '?'} nodes "
        f"in {show(ex.get('chromium'))}",
    )

    st = result.get("start-up", {})
    add(
        "`gbakg --help` start-up",
        "—",
        None,
        st,
        "< 0.3 s",
        None if _secs(st) is None else st["seconds"] < 0.3,
        f"median of {st.get('runs', '?')}; `python -c pass` alone: {st.get('python_floor', 0):.3f} s",
    )

    rq = result.get("repeated gbakg query", {})
    _, r, _ = ratio(rq.get("first"), rq.get("second"))
    note = f"`{rq.get('command', '')}`; {rq.get('second', {}).get('rows', '?')} rows"
    errors = [rq[k]["error"] for k in ("first", "second") if "error" in rq.get(k, {})]
    if errors:
        note += f"; error: {errors[0]}"
    add(
        "second `gbakg query`, unchanged graph",
        "first run",
        rq.get("first"),
        rq.get("second"),
        "≥ 5×",
        None if r is None or errors else r >= 5,
        note,
    )
    return out


def table(rows: list[dict[str, str]], result: dict[str, Any]) -> str:
    """A Markdown table, then the machine."""
    heads = list(rows[0]) if rows else []
    lines = ["| " + " | ".join(heads) + " |", "|" + "|".join(" --- " for _ in heads) + "|"]
    lines += ["| " + " | ".join(r[h] for h in heads) + " |" for r in rows]
    m = result["machine"]
    data = result["data"]
    lines.append("")
    lines.append(
        f"{data['file']}: {data['triples']:,} triples (+ ontology). Machine: {m['nproc']} cores, "
        f"{m['memory_gib']} GiB, {m['cpu']}; Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["libraries"].items())
        + f". Load average {' '.join(m['loadavg_start'])} at start, {' '.join(m.get('loadavg_end', []))} at end;"
        f" {result.get('total_seconds', 0):.0f} s in all."
    )
    return "\n".join(lines)
