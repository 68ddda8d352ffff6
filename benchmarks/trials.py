"""Measurements behind the explanations in benchmarks/README.md, on the 1M-triple synthetic graph.

    python benchmarks/trials.py loader        # pyoxigraph load vs bulk_load, in memory: time and peak
    python benchmarks/trials.py bindings      # a bound variable as VALUES, as an inlined IRI, as substitutions
    python benchmarks/trials.py projection    # a one-pass projection straight from the Oxigraph store
    python benchmarks/trials.py centrality    # time and peak memory of each measure of analysis.centrality

Each prints one line per case. None of this is a target; it says where the time and memory go.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

import generate  # noqa: E402
import workers  # noqa: E402

GBR = "https://w3id.org/gbakg/id/"


def _files() -> list[Path]:
    from gbakg.sparql import engine

    return engine.source_files([generate.ensure("1m")])


def _median_ms(fn, n: int = 7) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(n):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times), result


_LOAD = """
import sys, time
sys.path.insert(0, sys.argv[1])
import pyoxigraph as ox, workers
method, path, lenient = sys.argv[2], sys.argv[3], sys.argv[4] == "True"
workers.reset_peak()
start = time.perf_counter()
getattr(ox.Store(), method)(path=path, format=ox.RdfFormat.TURTLE, lenient=lenient)
print(f"{method} lenient={lenient}: {time.perf_counter() - start:.2f} s, {workers.peak_mib():,.0f} MiB")
"""


def loader() -> None:
    """Each variant in a fresh process, so each peak is its own."""
    data = generate.ensure("1m")
    for method in ("load", "bulk_load"):
        for lenient in (False, True):
            subprocess.run([sys.executable, "-c", _LOAD, str(HERE), method, str(data), str(lenient)], check=True)


def _count(store, text: str, **options) -> int:  # type: ignore[no-untyped-def]
    from gbakg.sparql.query import PREFIXES

    return len(list(store.query(text, prefixes=PREFIXES, **options)))


def bindings() -> None:
    from functools import partial

    import pyoxigraph as ox

    from gbakg.sparql import engine
    from gbakg.sparql import query as sparql

    store = engine.open_store(_files(), cache=False)
    hub = generate.read_meta(generate.ensure("1m"))["anchors"]["hub"][4:]
    cases = {
        "evidence": ("subject", GBR + "shenzhen"),
        "no-strength-at": ("stage", GBR + "stage-research"),
        "partners-of": ("org", GBR + hub),
        "agreements-involving": ("place", GBR + "shenzhen"),
        "in-city": ("city", GBR + "shenzhen"),
    }
    for name, (var, iri) in cases.items():
        text, node = sparql.named_query(name).text, ox.NamedNode(iri)
        values, rows = _median_ms(partial(_count, store, sparql.with_values(text, {var: node})))
        line = f"{name}: VALUES {values:.1f} ms ({rows} rows)"
        if var in [v.value for v in store.query(text, prefixes=sparql.PREFIXES).variables]:
            ms, _ = _median_ms(partial(_count, store, text, substitutions={ox.Variable(var): node}))
            line += f"; substitutions {ms:.1f} ms"
        try:
            ms, _ = _median_ms(partial(_count, store, _inline(text, var, iri)))
            line += f"; IRI written in {ms:.1f} ms"
        except SyntaxError:
            line += "; IRI written in: not possible (the variable is projected)"
        print(line)


def _inline(text: str, var: str, iri: str) -> str:
    import re

    return re.sub(rf"\?{var}\b", f"<{iri}>", text)


def projection() -> None:
    """Nodes, statement evidence and entity-to-entity links, each one SELECT, into a MultiDiGraph."""
    import networkx as nx

    from gbakg.sparql.query import PREFIXES, engine

    store = engine.open_store(_files(), cache=False)
    nodes = """SELECT ?s ?c ?l WHERE { ?s a ?c FILTER(isIRI(?s) && STRSTARTS(STR(?s), STR(gbr:))
               && ?c NOT IN (rdf:Statement, skos:ConceptScheme)) OPTIONAL { ?s rdfs:label ?l } }"""
    evidence = """SELECT ?s ?p ?o ?q ?src WHERE { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                  gba:quote ?q ; prov:wasDerivedFrom ?src . FILTER(isIRI(?o)) }"""
    links = """SELECT ?s ?p ?o WHERE { ?s ?p ?o . FILTER(isIRI(?o) && STRSTARTS(STR(?o), STR(gbr:))
               && STRSTARTS(STR(?s), STR(gbr:)) && ?p NOT IN (rdf:type, rdf:subject, rdf:object)) }"""
    workers.reset_peak()
    start = time.perf_counter()
    g = nx.MultiDiGraph()
    for s, c, label in store.query(nodes, prefixes=PREFIXES):
        g.add_node(s.value, type=c.value, label=label.value if label is not None else s.value)
    cited: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for s, p, o, q, src in store.query(evidence, prefixes=PREFIXES):
        cited.setdefault((s.value, p.value, o.value), []).append({"quote": q.value, "source": src.value})
    edges = []
    for s, p, o in store.query(links, prefixes=PREFIXES):
        if s.value in g and o.value in g:
            edges.append(
                (
                    s.value,
                    o.value,
                    p.value,
                    {"relation": p.value, "evidence": cited.get((s.value, p.value, o.value), [])},
                )
            )
    g.add_edges_from(edges)
    took = time.perf_counter() - start
    print(
        f"store projection: {took:.2f} s, {g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges, "
        f"{workers.peak_mib():,.0f} MiB"
    )


def centrality() -> None:
    import networkx as nx
    from rdflib import Graph

    from gbakg.network import centrality as analysis
    from gbakg.network import graphs, options
    from gbakg.network import projections as project

    graph = Graph()
    for f in _files():
        graph.parse(str(f), format="turtle")
    collab = project.collaboration_graph(graph)
    del graph
    s = graphs.simple_graph(collab)
    print(
        f"{s.number_of_nodes():,} nodes, {s.number_of_edges():,} edges, highest degree {max(d for _, d in s.degree())}"
    )
    k = options.SAMPLE_PIVOTS
    for name, fn in (
        ("betweenness, sampled", lambda: nx.betweenness_centrality(s, k=k, seed=42)),
        ("closeness, sampled", lambda: analysis._sampled_closeness(s, k, 42)),
        ("eigenvector", lambda: nx.eigenvector_centrality(s, max_iter=1000, weight="weight")),
        ("pagerank", lambda: nx.pagerank(s, weight="weight")),
        ("effective_size", lambda: nx.effective_size(s, weight="weight")),
        ("constraint", lambda: nx.constraint(s, weight="weight")),
    ):
        workers.reset_peak()
        start = time.perf_counter()
        fn()
        print(f"{name}: {time.perf_counter() - start:.1f} s, peak {workers.peak_mib():,.0f} MiB")


TRIALS = {"loader": loader, "bindings": bindings, "projection": projection, "centrality": centrality}

if __name__ == "__main__":
    for name in sys.argv[1:] or list(TRIALS):
        TRIALS[name]()
