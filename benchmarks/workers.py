"""The measured steps of ``run.py``, each run in its own process for a clean peak memory.

    python benchmarks/workers.py TASK ARGS_JSON     # prints one JSON object on its last line

Peak memory is the process's high-water mark (``VmHWM``), reset before each step through
``/proc/self/clear_refs``, so it includes what the process already held (the loaded graph).
Slow paths that may run away (rdflib queries, exact centrality) run in a forked child that is
killed at its time cap.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import re
import select
import signal
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


# -- measuring -----------------------------------------------------------------------------------


def _status(field: str) -> float:
    match = re.search(rf"{field}:\s+(\d+) kB", Path("/proc/self/status").read_text())
    return int(match.group(1)) / 1024 if match else float("nan")


def reset_peak() -> None:
    with contextlib.suppress(OSError):  # without it, the peak is the process's peak so far
        Path("/proc/self/clear_refs").write_text("5")


def peak_mib() -> float:
    return round(_status("VmHWM"), 1)


def measure(fn: Callable[[], Any], repeats: int = 1, budget: float = 30.0) -> tuple[dict[str, Any], Any]:
    """Run ``fn`` up to ``repeats`` times (fewer once ``budget`` seconds are spent).

    Returns the median wall and CPU seconds (CPU time is what the step costs when other
    processes share the machine) and the peak memory.
    """
    reset_peak()
    times, cpus, result = [], [], None
    for _ in range(max(1, repeats)):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        if sum(times) > budget:
            break
    stats = {"seconds": statistics.median(times), "cpu": statistics.median(cpus), "runs": len(times)}
    return {**stats, "peak_mib": peak_mib()}, result


def forked(fn: Callable[[], dict[str, Any]], cap: float) -> dict[str, Any]:
    """Run ``fn`` in a forked child, killed after ``cap`` seconds; its dict plus the child's peak.

    Only for pure-Python work (rdflib, networkx): a fork copies no other threads.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        try:
            cpu = time.process_time()
            out = fn()
            out["cpu"] = time.process_time() - cpu
            out["peak_mib"] = peak_mib()
        except BaseException as e:  # report every failure, RecursionError included
            out = {"error": f"{type(e).__name__}: {str(e)[:200]}", "peak_mib": peak_mib()}
        with os.fdopen(write_end, "w") as pipe:
            pipe.write(json.dumps(out))
        os._exit(0)
    os.close(write_end)
    start = time.perf_counter()
    chunks: list[bytes] = []
    while True:
        left = cap - (time.perf_counter() - start)
        ready, _, _ = select.select([read_end], [], [], max(0.0, left))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read_end)
            return {"timeout": cap}
        chunk = os.read(read_end, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks) or b'{"error": "no result"}')


def digest(rows: list[tuple[str, ...]]) -> str:
    """An order-free fingerprint of a result, to compare answers across engines."""
    return hashlib.sha256("\n".join(sorted("\t".join(r) for r in rows)).encode()).hexdigest()[:16]


def norm_rdflib(term: Any) -> str:
    from rdflib import BNode, Literal

    if term is None:
        return ""
    if isinstance(term, BNode):
        return "_:"
    if isinstance(term, Literal):
        kind = f"@{term.language}" if term.language else f"^^{term.datatype}" if term.datatype else ""
        kind = "" if kind == "^^http://www.w3.org/2001/XMLSchema#string" else kind
        return f'"{term}"{kind}'
    return f"<{term}>"


def norm_ox(term: Any) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:"
    if isinstance(term, ox.Literal):
        if term.language:
            return f'"{term.value}"@{term.language}'
        dt = term.datatype.value
        return f'"{term.value}"' + ("" if dt == "http://www.w3.org/2001/XMLSchema#string" else f"^^{dt}")
    return f"<{term.value}>"


# -- tasks ---------------------------------------------------------------------------------------


def task_ox_load(args: dict[str, Any]) -> dict[str, Any]:
    """Load the files into a store: through gbakg.sparql.engine, or raw pyoxigraph ``Store().load``."""
    files = [Path(f) for f in args["files"]]
    if args["mode"] == "engine":
        from gbakg.sparql import engine

        def load() -> Any:
            return engine.open_store(files, cache=False)  # a parse into memory; the cache is timed apart
    else:
        import pyoxigraph as ox

        def load() -> Any:
            store = ox.Store()
            for f in files:
                store.load(path=str(f), format=ox.RdfFormat.TURTLE, base_iri=f.resolve().as_uri())
            return store

    stats, _store = measure(load)
    return stats


def task_ox_queries(args: dict[str, Any]) -> dict[str, Any]:
    """Each query through gbakg.sparql.engine (rows as dicts) and through raw ``Store.query``."""
    import pyoxigraph as ox

    from gbakg.sparql.query import PREFIXES, engine, with_values

    store = engine.open_store([Path(f) for f in args["files"]], cache=False)
    out: dict[str, Any] = {}
    for q in args["queries"]:
        bindings = {k: ox.NamedNode(v) for k, v in q["bindings"].items()}
        prepared = with_values(q["text"], bindings)  # the text our engine hands to pyoxigraph

        def ours(text: str = q["text"], bindings: dict = bindings) -> list:
            return list(engine.rows(engine.query(store, text, bindings=bindings, prefixes=PREFIXES)))

        def raw(text: str = prepared) -> list:
            return [tuple(s) for s in store.query(text, prefixes=PREFIXES)]

        # fast queries are repeated up to 15 times (2 s each side), so their medians are stable
        raw_stats, raw_rows = measure(raw, 15, budget=2.0)
        ours_stats, ours_rows = measure(ours, 15, budget=2.0)
        variables = [v.value for v in store.query(prepared, prefixes=PREFIXES).variables]
        rows = [tuple(norm_ox(r.get(v)) for v in variables) for r in ours_rows]
        out[q["name"]] = {"ours": ours_stats, "raw": raw_stats, "rows": len(rows), "digest": digest(rows)}
        assert len(raw_rows) == len(rows)
    if args.get("cache_dir"):  # the same queries on the persistent store a second command opens
        from gbakg.sparql.cache import cached_store

        files = [Path(f) for f in args["files"]]
        out["cache_build"], disk = measure(lambda: cached_store(files, args["cache_dir"]))
        out["cache_open"], _ = measure(lambda: cached_store(files, args["cache_dir"]), args["repeats"])
        for q in args["queries"]:
            bindings = {k: ox.NamedNode(v) for k, v in q["bindings"].items()}

            def on_disk(text: str = q["text"], bindings: dict = bindings) -> list:
                return list(engine.rows(engine.query(disk, text, bindings=bindings, prefixes=PREFIXES)))

            out[q["name"]]["cached"], _ = measure(on_disk, 15, budget=2.0)
    return out


def task_rdflib(args: dict[str, Any]) -> dict[str, Any]:
    """The rdflib Memory path: parse, each query (capped), projections; and our projection on it."""
    from rdflib import Graph, URIRef

    out: dict[str, Any] = {}
    files = [Path(f) for f in args["files"]]

    def parse() -> Graph:
        g = Graph()
        for f in files:
            g.parse(str(f), format="turtle", publicID=f.resolve().as_uri())
        return g

    out["load"], graph = measure(parse)
    out["triples"] = len(graph)
    from gbakg.sparql.query import PREFIXES

    graph.query("ASK { ?s ?p ?o }", initNs=PREFIXES)  # warm up: the first query builds rdflib's parser
    out["queries"] = {}
    for q in args["queries"]:

        def run(q: dict = q) -> dict[str, Any]:
            bindings = {k: URIRef(v) for k, v in q["bindings"].items()}
            start = time.perf_counter()
            result = graph.query(q["text"], initNs=PREFIXES, initBindings=bindings)
            rows = [tuple(norm_rdflib(t) for t in row) for row in result]
            return {"seconds": time.perf_counter() - start, "rows": len(rows), "digest": digest(rows)}

        out["queries"][q["name"]] = forked(run, q["cap"])

    def to_networkx() -> dict[str, Any]:
        from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph

        start = time.perf_counter()
        g = rdflib_to_networkx_multidigraph(graph)
        return {"seconds": time.perf_counter() - start, "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}

    out["rdflib_to_networkx"] = forked(to_networkx, args["projection_cap"])

    from gbakg.network import projections as project

    out["full_graph"], full = measure(lambda: project.full_graph(graph))
    out["full_graph"].update(nodes=full.number_of_nodes(), edges=full.number_of_edges())
    out["collaboration_graph"], collab = measure(lambda: project.collaboration_graph(graph, full))
    out["collaboration_graph"].update(nodes=collab.number_of_nodes(), edges=collab.number_of_edges())
    if args.get("pickle_dir"):
        folder = Path(args["pickle_dir"])
        for name, sizes in (("explorer", args.get("explorer_sizes", [])),):
            for n in sizes:
                sub = full.subgraph(ball(full, n, args.get("hub"))).copy()
                (folder / f"{name}-{n}.pickle").write_bytes(pickle.dumps(sub, protocol=pickle.HIGHEST_PROTOCOL))
        (folder / "collab.pickle").write_bytes(pickle.dumps(collab, protocol=pickle.HIGHEST_PROTOCOL))
    return out


def ball(g: Any, n: int, start: str | None) -> list[str]:
    """``n`` nodes gathered breadth first from ``start`` (then from the next unvisited node)."""
    import networkx as nx

    und = g.to_undirected(as_view=True)
    chosen: dict[str, None] = {}
    starts = [start] if start in g else []
    starts += sorted(g, key=lambda v: -und.degree(v))
    for s in starts:
        if len(chosen) >= n:
            break
        if s in chosen:
            continue
        for v in nx.bfs_tree(und, s):
            chosen.setdefault(v, None)
            if len(chosen) >= n:
                break
    return list(chosen)


def task_centrality(args: dict[str, Any]) -> dict[str, Any]:
    """Our centrality (sampled above the threshold) against exact, with the top-20 betweenness overlap.

    Below the threshold ours is exact, so the sampled estimate is computed too (threshold 0) to
    measure its agreement. Above it, exact runs under a cap, or not at all when the time per
    pivot of the sampled run says it would take longer than ``skip_exact_over`` seconds.
    """
    from gbakg.network import centrality as analysis  # centrality, rank
    from gbakg.network import options

    collab = pickle.loads(Path(args["graph"]).read_bytes())
    n = collab.number_of_nodes()
    top = args.get("top", 20)
    out: dict[str, Any] = {"nodes": n, "threshold": options.EXACT_THRESHOLD, "top": top}

    def top_ids(result: dict[str, Any]) -> list[str]:
        return [row["iri"] for row in analysis.rank(result["rows"], "betweenness", top)]

    out["ours"], ours = measure(lambda: analysis.centrality(collab))
    out["method"] = ours["method"]
    if ours["method"].startswith("exact"):
        out["exact"] = {**out["ours"], "same_as_ours": True}
        out["sampled"], sampled = measure(lambda: analysis.centrality(collab, threshold=0))
        out["sampled_method"] = sampled["method"]
        out["top_overlap"] = len(set(top_ids(ours)) & set(top_ids(sampled)))
        return out
    per_pivot = out["ours"]["seconds"] / max(1, min(options.SAMPLE_PIVOTS, n))
    out["exact_estimate_seconds"] = round(per_pivot * n, 1)
    if args.get("skip_exact_over") and per_pivot * n > args["skip_exact_over"]:
        out["exact"] = {"skipped": f"estimated {per_pivot * n:,.0f} s (> {args['skip_exact_over']} s budget)"}
        return out

    def exact() -> dict[str, Any]:
        start = time.perf_counter()
        result = analysis.centrality(collab, exact=True)
        return {"seconds": time.perf_counter() - start, "top": top_ids(result)}

    out["exact"] = forked(exact, args["cap"])
    if "top" in out["exact"]:
        out["top_overlap"] = len(set(top_ids(ours)) & set(out["exact"].pop("top")))
    return out


def task_explorer(args: dict[str, Any]) -> dict[str, Any]:
    """pyvis ``from_nx`` + ``write_html`` (capped) and our ``viz.explorer_html`` on the same graph."""
    g = pickle.loads(Path(args["graph"]).read_bytes())
    out: dict[str, Any] = {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
    html_path = Path(args["out"])
    from gbakg.explorer import page as viz

    out["ours"], page = measure(lambda: viz.explorer_html(g), repeats=args.get("repeats", 1))
    html_path.write_text(page, encoding="utf-8")
    out["bytes"] = len(page.encode())
    if args.get("pyvis_cap"):

        def pyvis() -> dict[str, Any]:
            from pyvis.network import Network

            os.chdir(html_path.parent)  # pyvis writes a lib/ folder into the working directory
            start = time.perf_counter()
            net = Network()  # the defaults, as most users call it (undirected: add_edge scans for duplicates)
            net.from_nx(g.copy())
            net.write_html(str(html_path.with_name(html_path.stem + "-pyvis.html")))
            return {"seconds": time.perf_counter() - start}

        out["pyvis"] = forked(pyvis, args["pyvis_cap"])
    return out


def task_chromium(args: dict[str, Any]) -> dict[str, Any]:
    """Open the page in Chromium and count the nodes vis-network holds once it has drawn."""
    from playwright.sync_api import sync_playwright

    flags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]
    flags += ["--disable-component-update", "--disable-sync"]
    start = time.perf_counter()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=flags)
        page = browser.new_page()
        page.goto(Path(args["page"]).resolve().as_uri())
        # the page's CSP forbids eval, so wait on the attribute it sets after the first drawing
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=args.get("timeout", 60) * 1000)
        drawn = page.evaluate("() => window.network.body.data.nodes.length")
        browser.close()
    return {"seconds": time.perf_counter() - start, "drawn": drawn}


TASKS = {
    "ox-load": task_ox_load,
    "ox-queries": task_ox_queries,
    "rdflib": task_rdflib,
    "centrality": task_centrality,
    "explorer": task_explorer,
    "chromium": task_chromium,
}

if __name__ == "__main__":
    result = TASKS[sys.argv[1]](json.loads(sys.argv[2]))
    sys.stdout.write("\n" + json.dumps(result) + "\n")
