"""Network-analysis commands: centrality, path, neighbors, communities, value-chain, suggest, export.

Each parses its arguments, makes one library call on a projection, and renders the result.
"""

from __future__ import annotations

import json
from typing import Any

import click

from gbakg.cli.kit import (
    format_option,
    graph_options,
    label_lang,
    lang_option,
    load_graph,
    open_projections,
    projection_option,
)
from gbakg.export import FORMATS as EXPORT_FORMATS
from gbakg.network.options import (
    COMMUNITY_METHODS,
    EXACT_THRESHOLD,
    LINK_SCORES,
    MEASURES,
    PROJECTIONS,
    SAMPLE_PIVOTS,
    SEED,
)
from gbakg.progress import Stages

_ON = projection_option(
    "--on",
    "collab",
    ("collab", "place", "full"),
    "The collaboration graph of actors, its aggregation to cities/regions, or the full graph.",
)
_VIA = projection_option(
    "--via", "full", ("full", "collab"), "Walk the full graph (as undirected) or the collaboration graph of actors."
)
_RDF_OUT = click.option(
    "--rdf-out", type=click.Path(dir_okay=False), help="Also write the results as RDF (Turtle; .nt/.jsonld by suffix)."
)


def _project(graphs: tuple[str, ...], with_curated: bool, projection: str) -> tuple[Any, Any, Any]:
    """(the store, the projection asked for, the graph it was made from: itself, or the collaboration
    graph for the place graph)."""
    from gbakg.network.projections import place_graph

    need = ("full",) if projection == "full" else ("collab",)
    store, found = open_projections(graphs, with_curated, label_lang(), need=need)
    if projection == "full":
        return store, found["full"], found["full"]
    collab = found["collab"]
    return store, (collab if projection == "collab" else place_graph(collab)), collab


def _unplaced_note(base: Any, g: Any) -> str:
    """For the place graph: how many actors it could not place (people have no place of their own);
    ``base`` is the collaboration graph it aggregates."""
    unplaced = g.graph.get("unplaced")
    if unplaced is None:
        return ""
    others = len([n for n in unplaced if base.nodes[n].get("type") != "gba:Person"])
    return f"; left out, having no place: {len(unplaced) - others} people and {others} other actor(s)"


def _entity(store: Any, g: Any, name: str, projection: str, hint: str = "; try --projection full") -> str:
    """Resolve a name the user typed and check it is a node of the projection."""
    from gbakg.errors import InputError
    from gbakg.sparql.engine import resolve
    from gbakg.vocabulary import curie

    node = resolve(store, name).value
    if node not in g:
        shown = name if name == curie(node) else f"{name!r} ({curie(node)})"
        raise InputError(f"{shown} is not in the {PROJECTIONS[projection]}{hint}")
    return node


def _write_rdf(rdf: Any, target: str) -> None:
    from gbakg.export import rdf_text, write

    fmt = {".nt": "nt", ".jsonld": "jsonld"}.get(target[target.rfind(".") :].lower(), "turtle")
    write(rdf_text(rdf, fmt), target)
    click.echo(f"wrote {target}", err=True)


def _some(items: list[str], limit: int | None) -> list[str]:
    """The first ``limit`` items, and how many more there are."""
    if limit is None or len(items) <= limit:
        return items
    return [*items[:limit], f"… {len(items) - limit} more"]


def _note(text: str, fmt: str) -> None:
    """A line about how results were computed: above a table, on stderr for machine formats."""
    click.echo(f"# {text}", err=fmt != "table")


@click.command()
@_ON
@click.option(
    "--measure",
    type=click.Choice(MEASURES),
    default="betweenness",
    show_default=True,
    help="Rank by this measure (constraint: lowest first). Ties go to the better broker.",
)
@click.option("--top", type=click.IntRange(min=1), default=None, help="Show only the first N.")
@click.option("--exact", is_flag=True, help="Exact betweenness and closeness even above the size threshold.")
@click.option(
    "--threshold",
    type=click.IntRange(min=1),
    default=EXACT_THRESHOLD,
    show_default=True,
    help="Sample above this many nodes.",
)
@click.option(
    "--k", "pivots", type=click.IntRange(min=1), default=SAMPLE_PIVOTS, show_default=True, help="Pivots when sampling."
)
@click.option("--seed", type=int, default=SEED, show_default=True, help="Seed for sampling.")
@_RDF_OUT
@format_option("table", "csv", "json")
@lang_option
@graph_options
def centrality(
    projection: str,
    measure: str,
    top: int | None,
    exact: bool,
    threshold: int,
    pivots: int,
    seed: int,
    rdf_out: str | None,
    fmt: str,
    graphs: tuple[str, ...],
    with_curated: bool,
) -> None:
    """Degree, betweenness, closeness, eigenvector, PageRank and brokerage (Burt's effective size and
    constraint) of every actor, best broker first.

    Betweenness and closeness count hops; the others weigh each link by its number of ties. Exact up
    to --threshold nodes, estimated from --k seeded pivots above it (the method is printed).
    """
    from gbakg.formats import render
    from gbakg.network.centrality import centrality as run
    from gbakg.network.centrality import rank
    from gbakg.network.projections import analysis_to_rdf

    with Stages("centrality", 3) as stages:
        stages.start("reading and projecting the graph")
        _, g, base = _project(graphs, with_curated, projection)
        stages.start("measuring")
        result = run(g, exact=exact, threshold=threshold, k=pivots, seed=seed)
    rows = rank(result["rows"], measure, top)
    _note(
        f"{PROJECTIONS[projection]}: {result['nodes']} nodes, {result['edges']} links; {result['method']}; "
        f"ranked by {measure}" + _unplaced_note(base, g),
        fmt,
    )
    columns = [
        "rank",
        "label",
        "type",
        "links",
        "degree",
        "betweenness",
        "closeness",
        "eigenvector",
        "pagerank",
        "effective_size",
        "constraint",
    ]
    if fmt != "table":
        columns.insert(1, "iri")
    click.echo(render([{**row, "rank": i} for i, row in enumerate(rows, 1)], fmt, columns))
    if rdf_out:
        rdf = analysis_to_rdf(result["rows"], projection=PROJECTIONS[projection], method=result["method"])
        _write_rdf(rdf, rdf_out)


_THROUGH = click.option(
    "--through-vocabulary",
    is_flag=True,
    help="Also pass through roles, value-chain stages and sources (off: they join whatever uses them).",
)


@click.command()
@click.argument("source")
@click.argument("target")
@click.option("--all", "all_paths", is_flag=True, help="All shortest paths, not just one (at most 100).")
@_VIA
@_THROUGH
@format_option("table", "csv", "json")
@lang_option
@graph_options
def path(
    source: str,
    target: str,
    all_paths: bool,
    projection: str,
    through_vocabulary: bool,
    fmt: str,
    graphs: tuple[str, ...],
    with_curated: bool,
) -> None:
    """Shortest path from SOURCE to TARGET, each hop with its relation, evidence quote and source.

    The full graph is walked as undirected, so a path may use a triple against its direction:
    such a hop prints ←[relation]—. Exit 1 when no path exists.
    """
    from gbakg.formats import render
    from gbakg.network.explain import path_rows, path_text
    from gbakg.network.paths import shortest_paths

    with Stages("path", 3) as stages:
        stages.start("reading and projecting the graph")
        store, g, _ = _project(graphs, with_curated, projection)
        a, b = _entity(store, g, source, projection), _entity(store, g, target, projection)
        stages.start("searching")
        paths = (
            []
            if a == b
            else shortest_paths(
                g, a, b, all_paths=all_paths, graph_name=PROJECTIONS[projection], through_vocabulary=through_vocabulary
            )
        )
    if a == b:
        click.echo(f"{g.nodes[a]['label']} is both ends: a path of no hops.")
        return
    if fmt == "json":
        click.echo(json.dumps(paths, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(render(path_rows(paths), "csv"))
    else:
        click.echo(path_text(paths, PROJECTIONS[projection], directed=projection == "full", numbered=all_paths))


@click.command()
@click.argument("entity")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True, help="Hops from ENTITY.")
@_VIA
@_THROUGH
@format_option("table", "csv", "json")
@lang_option
@graph_options
def neighbors(
    entity: str,
    depth: int,
    projection: str,
    through_vocabulary: bool,
    fmt: str,
    graphs: tuple[str, ...],
    with_curated: bool,
) -> None:
    """The ego network of ENTITY within --depth hops, grouped by relation, each link with its evidence."""
    from gbakg.formats import render
    from gbakg.network.explain import neighbor_rows, neighbors_text
    from gbakg.network.paths import neighbors as run

    with Stages("neighbors", 3) as stages:
        stages.start("reading and projecting the graph")
        store, g, _ = _project(graphs, with_curated, projection)
        node = _entity(store, g, entity, projection)
        stages.start("walking")
        rows = run(g, node, depth, graph_name=PROJECTIONS[projection], through_vocabulary=through_vocabulary)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(render(neighbor_rows(rows), "csv"))
    else:
        click.echo(neighbors_text(rows, g.nodes[node], depth, PROJECTIONS[projection], directed=projection == "full"))


@click.command()
@click.option("--method", type=click.Choice([*COMMUNITY_METHODS, "both"]), default="both", show_default=True)
@click.option("--seed", type=int, default=SEED, show_default=True, help="Seed for Louvain (same seed, same answer).")
@click.option("--resolution", type=float, default=1.0, show_default=True, help="Higher: more, smaller communities.")
@_ON
@_RDF_OUT
@format_option("table", "csv", "json")
@lang_option
@graph_options
def communities(
    method: str,
    seed: int,
    resolution: float,
    projection: str,
    rdf_out: str | None,
    fmt: str,
    graphs: tuple[str, ...],
    with_curated: bool,
) -> None:
    """Communities by Louvain (seeded) and greedy modularity, with each partition's modularity.

    The table lists communities of two or more, and at most eight members of each; csv and json
    list every community and member.
    """
    from gbakg.formats import render
    from gbakg.network.communities import communities as run
    from gbakg.network.projections import analysis_to_rdf

    methods = ("louvain", "greedy") if method == "both" else (method,)
    with Stages("communities", 3) as stages:
        stages.start("reading and projecting the graph")
        _, g, _ = _project(graphs, with_curated, projection)
        stages.start("finding communities")
        result = run(g, methods=methods, seed=seed, resolution=resolution)
    rows = []
    for name, found in result.items():
        shown = [c for c in found["communities"] if fmt != "table" or len(c) > 1]
        singletons = len(found["communities"]) - len([c for c in found["communities"] if len(c) > 1])
        _note(
            f"{name}: modularity {found['modularity']:.4f}, {len(found['communities'])} communities "
            f"({singletons} singletons) in the {PROJECTIONS[projection]}",
            fmt,
        )
        for i, members in enumerate(shown, 1):
            rows.append(
                {
                    "method": name,
                    "community": i,
                    "size": len(members),
                    "modularity": found["modularity"],
                    "members": _some([g.nodes[m].get("label", m) for m in members], 8 if fmt == "table" else None),
                    "iris": members,
                }
            )
    columns = ["method", "community", "size", "members"] + ([] if fmt == "table" else ["modularity", "iris"])
    click.echo(render(rows, fmt, columns))
    if rdf_out:
        _write_rdf(analysis_to_rdf(communities=result, projection=PROJECTIONS[projection], method=method), rdf_out)


@click.command("value-chain")
@format_option("table", "csv", "json")
@lang_option
@graph_options
def value_chain(fmt: str, graphs: tuple[str, ...], with_curated: bool) -> None:
    """The place × value-chain-stage matrix (stages in gba:order), each place's gaps, and for each
    gap the places strong at it (complementary partners), with the evidence for every cell.

    A strength counts for its holder's city or region (gba:locatedIn, then gba:partOf).
    """
    from gbakg.formats import render
    from gbakg.network.explain import value_chain_matrix, value_chain_rows, value_chain_text
    from gbakg.network.valuechain import value_chain as run

    with Stages("value-chain", 2) as stages:
        stages.start("reading and projecting the graph")
        _, _, full = _project(graphs, with_curated, "full")
        stages.start("matching strengths to stages")
        result = run(full)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(render(value_chain_rows(result), "csv"))
    else:
        columns = ["place", *(s["short"] for s in result["stages"])]
        click.echo(value_chain_text(result, render(value_chain_matrix(result), "table", columns)))


@click.command()
@click.option("--for", "entity", metavar="ENTITY", help="Only suggestions that include ENTITY.")
@click.option(
    "--by",
    type=click.Choice(LINK_SCORES),
    default="adamic_adar",
    show_default=True,
    help="Rank by this score.",
)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
@format_option("table", "csv", "json")
@lang_option
@graph_options
def suggest(entity: str | None, by: str, top: int, fmt: str, graphs: tuple[str, ...], with_curated: bool) -> None:
    """Candidate new partnerships: unlinked actors with shared partners, scored by Adamic–Adar,
    Jaccard and resource allocation on the collaboration graph, each with the shared partners."""
    from gbakg.formats import render
    from gbakg.network.linkprediction import suggest as run

    with Stages("suggest", 3) as stages:
        stages.start("reading and projecting the graph")
        store, g, _ = _project(graphs, with_curated, "collab")
        node = _entity(store, g, entity, "collab", ": suggestions are for actors") if entity else None
        stages.start("scoring")
        rows = run(g, top=top, by=by, node=node)
    columns = ["a_label", "b_label", "adamic_adar", "jaccard", "resource_allocation", "shared"]
    if fmt != "table":
        columns += ["a", "b", "shared_iris"]
    if not rows:
        _note("no candidates: no two unlinked actors share a partner", fmt)
    click.echo(render(rows, fmt, columns))


@click.command()
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="File to write ('-' for standard output).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    help="Output format [default: from the file name].",
)
@projection_option(None, "full", ("full", "collab", "place"), "Which projection graphml, gexf and json export.")
@graph_options
def export(output: str, fmt: str | None, projection: str, graphs: tuple[str, ...], with_curated: bool) -> None:
    """Write the graph as Turtle, N-Triples or JSON-LD (the RDF, ontology included), or a projection
    as GraphML, GEXF or NetworkX node-link JSON (nodes with label and type) for Gephi and NetworkX.

    GraphML and GEXF hold no lists, so evidence and other lists are written as JSON strings.
    """
    from gbakg.errors import InputError
    from gbakg.export import RDF_FORMATS, format_for, network_text, rdf_text, write

    if fmt is None:
        fmt = "turtle" if output == "-" else format_for(output)
    source = click.get_current_context().get_parameter_source("projection")
    if fmt in RDF_FORMATS and source not in (None, click.core.ParameterSource.DEFAULT):
        raise InputError(
            f"--projection {projection} applies to graphml, gexf and json; {fmt} writes the whole RDF graph"
        )
    if fmt in RDF_FORMATS:
        text = rdf_text(load_graph(graphs, with_curated), fmt)
    else:
        text = network_text(_project(graphs, with_curated, projection)[1], fmt)
    if output == "-":
        click.echo(text, nl=False)
    else:
        write(text, output)
        click.echo(f"wrote {output} ({fmt})", err=True)


@click.command()
@click.argument("place_a")
@click.argument("place_b")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--exact", is_flag=True, help=f"Count every pair even when both sides have over {SAMPLE_PIVOTS} actors.")
@click.option("--seed", type=int, default=SEED, show_default=True, help="Seed for sampling.")
@format_option("table", "csv", "json")
@lang_option
@graph_options
def brokers(
    place_a: str,
    place_b: str,
    top: int,
    exact: bool,
    seed: int,
    fmt: str,
    graphs: tuple[str, ...],
    with_curated: bool,
) -> None:
    """Who brokers between the actors of PLACE_A and of PLACE_B (each with the places inside it),
    by the share of cross pairs whose shortest paths in the collaboration graph run through them.

    When both sides have more actors than the centrality sample (256), paths are counted from 256
    seeded actors of the smaller side and scaled up (the note says so); --exact counts every pair.
    """
    from gbakg.errors import InputError
    from gbakg.formats import render
    from gbakg.network.brokerage import brokers as run
    from gbakg.network.brokerage import is_sampled, side_of

    with Stages("brokers", 3) as stages:
        stages.start("reading and projecting the graph")
        store, found = open_projections(graphs, with_curated, label_lang(), need=("collab",))
        collab = found["collab"]
        places = [_place(store, collab, name) for name in (place_a, place_b)]
        if places[0] == places[1]:
            raise InputError(f"{place_a!r} and {place_b!r} are the same place; brokers needs two different places")
        sides = [side_of(collab, _within(store, place)) for place in places]
        stages.start("counting shortest paths")
        sample = None if exact else SAMPLE_PIVOTS
        rows = run(collab, sides[0], sides[1], top=top, sample=sample, seed=seed)
    labels = [collab.nodes[place]["label"] for place in places]
    _note(f"{labels[0]}: {len(sides[0])} actors; {labels[1]}: {len(sides[1])} actors (by home city or region)", fmt)
    if is_sampled(sides[0], sides[1], sample):
        _note(f"pairs estimated from {SAMPLE_PIVOTS} actors of the smaller side (seed {seed}); --exact counts all", fmt)
    if not rows:
        _note("no brokers: every connected pair across the two sides is linked directly", fmt)
    for row in rows:
        row["side"] = {"a": labels[0], "b": labels[1]}.get(row["side"], "neither")
    if fmt == "table":  # a pair count is a count: 31, not 31.0000 (a split pair keeps its fraction)
        rows = [{**row, "pairs": f"{row['pairs']:g}"} for row in rows]
    columns = ["label", "type", "side", "pairs", "share"] + (["iri"] if fmt != "table" else [])
    click.echo(render(rows, fmt, columns))


def _place(store: Any, g: Any, name: str) -> str:
    """Resolve a place for ``brokers`` (every place is a node of the collaboration graph); anything
    else (an organisation, a person) is an input error."""
    from gbakg.errors import InputError
    from gbakg.sparql.engine import resolve

    node = resolve(store, name).value
    if node not in g:  # places are all in it: this is something else that took part in nothing
        raise InputError(f"{name} is not a place; brokers takes two places")
    if g.nodes[node].get("type") not in g.graph["classes"]["places"]:
        kind = g.nodes[node].get("type") or "not typed as a place"
        raise InputError(f"{name} is not a place ({g.nodes[node]['label']}: {kind}); brokers takes two places")
    return node


def _within(store: Any, place: str) -> set[str]:
    """``place`` and every place ``gba:partOf`` it, directly or through others (asked of the store)."""
    from gbakg.sparql.engine import select
    from gbakg.vocabulary import GBA

    rows = select(store, f"SELECT DISTINCT ?inner WHERE {{ ?inner <{GBA.partOf}>+ <{place}> }}")
    return {place} | {row["inner"].value for row in rows}


COMMANDS = [centrality, path, neighbors, communities, value_chain, suggest, brokers, export]
