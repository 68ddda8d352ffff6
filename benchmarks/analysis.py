"""Network analysis at scale (issue 14): whole gbakg processes against today's path, and the graph
libraries side by side on the same collaboration projection.

    python benchmarks/analysis.py --size 1m            # about 10 minutes at 1m
    python benchmarks/analysis.py --size 100k --json /tmp/a.json

Every command runs as its own process (wall time and peak memory from the kernel's rusage of that
child). "Today's path" is what `gbakg centrality --projection collab` did before: rdflib parse,
projection from the rdflib Graph, and the measures in NetworkX (betweenness sampled by
`nx.betweenness_centrality(k=256)`, closeness sampled by breadth-first search from the same
pivots). Ours: `gbakg centrality` on a cold cache (the persistent store is built) and a warm one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/ is not a package)

GBAKG = [sys.executable, "-m", "gbakg"]
TARGETS = {
    "warm": 15.0,  # centrality, warm store, at least this many times faster than today's path
    "warm_memory": 0.40,  # ... at no more than this share of its peak memory
    "first": 4.0,  # first run (cold cache)
    "walk": 3.0,  # path, neighbors, brokers: seconds, warm
    "communities": 20.0,  # seconds, warm
    "projection": 10.0,  # projection from the store against rdflib_to_networkx_multidigraph
}


def measured(cmd: list[str], env: dict[str, str] | None = None, cap: float = 1800) -> dict[str, Any]:
    """Run ``cmd``: its wall and CPU seconds and its own peak resident memory (``os.wait4``), or what
    went wrong; a run over ``cap`` seconds is killed and reported as a timeout."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        deadline = start + cap
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                return {"timeout": cap}
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        code = os.waitstatus_to_exitcode(status)
        result = {
            "seconds": round(seconds, 3),
            "cpu": round(usage.ru_utime + usage.ru_stime, 3),
            "peak_mib": round(usage.ru_maxrss / 1024, 1),
            "returncode": code,
        }
        if code != 0:
            result["error"] = err.read().decode(errors="replace")[-400:]
        result["stdout_head"] = out.read(600).decode(errors="replace")
        return result


def today_worker(data: str) -> None:
    """Today's path, in this process: rdflib parse, projection from rdflib, NetworkX measures."""
    import math
    import random
    from collections import defaultdict

    import networkx as nx
    from rdflib import Graph

    from gbakg.network.centrality import structural_holes
    from gbakg.network.graphs import indexed, simple_graph
    from gbakg.network.projections import collaboration_graph, full_graph
    from gbakg.rdf.load import graph_files

    graph = Graph()
    for f in graph_files([data]):
        graph.parse(str(f), format="turtle", publicID=Path(f).resolve().as_uri())
    simple = simple_graph(collaboration_graph(graph, full_graph(graph)))
    n, k, seed = simple.number_of_nodes(), 256, 42
    _, by_position = indexed(simple)
    nx.betweenness_centrality(by_position, k=min(k, n), seed=seed)
    chosen = random.Random(seed).sample(sorted(simple), min(k, n))
    total: dict[str, int] = defaultdict(int)
    for pivot in chosen:
        for node, dist in nx.single_source_shortest_path_length(simple, pivot).items():
            total[node] += dist
    nx.eigenvector_centrality(simple, max_iter=1000, weight="weight")
    nx.pagerank(simple, weight="weight")
    structural_holes(simple)
    print(n, simple.number_of_edges(), math.fsum(total.values()))


def projection_worker(data: str) -> None:
    """Both projections on the same data in this process, each timed (the parse is not)."""
    import pyoxigraph as ox
    from rdflib import Graph
    from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph

    from gbakg.network.projections import full_graph
    from gbakg.network.triples import read
    from gbakg.rdf.load import graph_files

    files = graph_files([data])
    graph = Graph()
    store = ox.Store()
    for f in files:
        graph.parse(str(f), format="turtle", publicID=Path(f).resolve().as_uri())
        store.bulk_load(path=str(f), format=ox.RdfFormat.TURTLE, base_iri=Path(f).resolve().as_uri())
    out: dict[str, Any] = {}
    start = time.perf_counter()
    g = rdflib_to_networkx_multidigraph(graph)
    out["rdflib_to_networkx"] = {"seconds": time.perf_counter() - start, "nodes": g.number_of_nodes()}
    del g
    start = time.perf_counter()
    triples = read(store)
    out["read"] = {"seconds": time.perf_counter() - start}
    start = time.perf_counter()
    full = full_graph(triples)
    out["full_graph"] = {"seconds": time.perf_counter() - start, "nodes": full.number_of_nodes()}
    out["from_store"] = {"seconds": out["read"]["seconds"] + out["full_graph"]["seconds"]}
    print(json.dumps(out))


def libraries_worker(data: str) -> None:
    """Betweenness, closeness and PageRank on the collaboration projection in each library installed."""
    import importlib.util
    import random

    import networkx as nx

    from gbakg.network.graphs import indexed, simple_graph
    from gbakg.network.projections import collaboration_graph, full_graph
    from gbakg.rdf.load import graph_files
    from gbakg.sparql.engine import open_store

    simple = simple_graph(collaboration_graph(full=full_graph(open_store(graph_files([data]), cache=False))))
    _, h = indexed(simple)
    n, k = h.number_of_nodes(), 256
    pivots = random.Random(42).sample(list(h.nodes()), min(k, n))
    edges = list(h.edges())
    out: dict[str, Any] = {"nodes": n, "edges": len(edges)}

    def timed(name: str, fn: Any) -> None:
        start = time.perf_counter()
        try:
            fn()
            out[name] = round(time.perf_counter() - start, 3)
        except Exception as e:  # a library's failure is a result here, not a crash
            out[name] = f"error: {type(e).__name__}"

    timed("networkx betweenness sampled", lambda: nx.betweenness_centrality(h, k=len(pivots), seed=42))
    timed("networkx pagerank", lambda: nx.pagerank(h))
    if importlib.util.find_spec("igraph"):
        import igraph

        g = igraph.Graph(n=n, edges=edges)
        timed("igraph betweenness sampled", lambda: g.betweenness(directed=False, sources=pivots))
        timed("igraph betweenness exact", lambda: g.betweenness(directed=False))
        timed("igraph closeness sampled", lambda: g.distances(source=pivots))
        timed("igraph closeness exact", lambda: g.closeness())
        timed("igraph pagerank", lambda: g.pagerank())
    if importlib.util.find_spec("rustworkx"):
        import rustworkx as rx

        r = rx.PyGraph()
        r.add_nodes_from(range(n))
        r.add_edges_from_no_data(edges)
        timed("rustworkx betweenness exact", lambda: rx.betweenness_centrality(r, parallel_threshold=50))
        timed("rustworkx closeness exact", lambda: rx.closeness_centrality(r))
    if importlib.util.find_spec("networkit"):
        import networkit as nk

        nkg = nk.Graph(n)
        for a, b in edges:
            nkg.addEdge(a, b)

        def run(algorithm: Any) -> None:
            algorithm.run()

        timed(
            "networkit betweenness sampled",
            lambda: run(nk.centrality.EstimateBetweenness(nkg, len(pivots), True, True)),
        )
        timed("networkit betweenness exact", lambda: run(nk.centrality.Betweenness(nkg, True)))
        timed(
            "networkit closeness exact",
            lambda: run(nk.centrality.Closeness(nkg, True, nk.centrality.ClosenessVariant.Generalized)),
        )
        timed("networkit pagerank", lambda: run(nk.centrality.PageRank(nkg)))
    print(json.dumps(out))


def agreement_worker(data: str) -> None:
    """Top 20 by sampled betweenness (ours, 256 pivots) against exact (igraph): how many agree."""
    from gbakg.network.centrality import centrality, rank
    from gbakg.network.projections import collaboration_graph, full_graph
    from gbakg.rdf.load import graph_files
    from gbakg.sparql.engine import open_store

    collab = collaboration_graph(full=full_graph(open_store(graph_files([data]), cache=False)))
    sampled = rank(centrality(collab, threshold=0)["rows"], "betweenness", 20)
    exact = rank(centrality(collab, exact=True)["rows"], "betweenness", 20)
    overlap = len({r["iri"] for r in sampled} & {r["iri"] for r in exact})
    print(json.dumps({"nodes": collab.number_of_nodes(), "top": 20, "overlap": overlap}))


WORKERS = {
    "today": today_worker,
    "projection": projection_worker,
    "libraries": libraries_worker,
    "agreement": agreement_worker,
}


def worker(name: str, data: Path, cap: float) -> dict[str, Any]:
    result = measured([sys.executable, str(Path(__file__).resolve()), "--worker", name, str(data)], cap=cap)
    if result.get("returncode") == 0 and name != "today":
        result.update(json.loads(result.pop("stdout_head").strip().splitlines()[-1] or "{}"))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["10k", "100k", "1m"], default="100k")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--worker", nargs=2, metavar=("NAME", "DATA"), help=argparse.SUPPRESS)
    parser.add_argument("--skip-today", action="store_true", help="Leave out today's path (the slow baseline).")
    args = parser.parse_args(argv)
    if args.worker:
        WORKERS[args.worker[0]](args.worker[1])
        return 0
    data = generate.ensure(args.size)
    meta = generate.read_meta(data)
    hub, city = meta["anchors"]["hub"], meta["anchors"]["city"]
    cache = Path(tempfile.mkdtemp(prefix="gbakg-analysis-"))
    env = {"GBAKG_CACHE": str(cache)}
    graph = ["--graph", str(data)]
    steps: dict[str, Any] = {"size": args.size, "triples": meta["triples"], "machine": _machine()}
    todo = [
        ("today's path: centrality", lambda: {"skipped": True} if args.skip_today else worker("today", data, 1800)),
        (
            "centrality, first run",
            lambda: measured([*GBAKG, "centrality", "--projection", "collab", "--top", "5", *graph], env),
        ),
        (
            "centrality, warm",
            lambda: measured([*GBAKG, "centrality", "--projection", "collab", "--top", "5", *graph], env),
        ),
        (
            "path, warm",
            lambda: measured([*GBAKG, "path", hub, "gbr:syn-university-000001", "--via", "collab", *graph], env),
        ),
        ("neighbors, warm", lambda: measured([*GBAKG, "neighbors", hub, "--via", "collab", *graph], env)),
        ("brokers, warm", lambda: measured([*GBAKG, "brokers", city, "gbr:hong-kong", "--top", "5", *graph], env)),
        ("communities, warm", lambda: measured([*GBAKG, "communities", "--projection", "collab", *graph], env)),
        ("projection", lambda: worker("projection", data, 900)),
        ("libraries", lambda: worker("libraries", data, 1800)),
        ("agreement", lambda: worker("agreement", data, 900)),
    ]
    for name, run in todo:
        print(f"… {name}", file=sys.stderr, flush=True)
        steps[name] = run()
    steps["verdict"] = verdict(steps)
    print(json.dumps(steps["verdict"], indent=2))
    out = args.json or HERE / "results" / f"analysis-{args.size}.json"
    out.write_text(json.dumps(steps, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


def verdict(steps: dict[str, Any]) -> dict[str, Any]:
    """Each target of issue 14 with the measured value."""

    def secs(name: str) -> float | None:
        step = steps.get(name) or {}
        return step.get("seconds") if step.get("returncode", 0) == 0 else None

    today, first, warm = secs("today's path: centrality"), secs("centrality, first run"), secs("centrality, warm")
    out: dict[str, Any] = {}
    if today and warm:
        share = steps["centrality, warm"]["peak_mib"] / steps["today's path: centrality"]["peak_mib"]
        out["centrality warm: speed-up"] = [round(today / warm, 1), f">= {TARGETS['warm']}"]
        out["centrality warm: memory share"] = [round(share, 2), f"<= {TARGETS['warm_memory']}"]
    if today and first:
        out["centrality first run: speed-up"] = [round(today / first, 1), f">= {TARGETS['first']}"]
    for name in ("path, warm", "neighbors, warm", "brokers, warm"):
        out[name] = [secs(name), f"<= {TARGETS['walk']} s"]
    out["communities, warm"] = [secs("communities, warm"), f"<= {TARGETS['communities']} s"]
    projection = steps.get("projection") or {}
    if "from_store" in projection:
        ratio = projection["rdflib_to_networkx"]["seconds"] / projection["from_store"]["seconds"]
        out["projection from the store: speed-up"] = [round(ratio, 1), f">= {TARGETS['projection']}"]
    agreement = steps.get("agreement") or {}
    if "overlap" in agreement:
        out["sampled top-20 betweenness in exact top 20"] = [agreement["overlap"], ">= 18"]
    return out


def _machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}


if __name__ == "__main__":
    sys.exit(main())
