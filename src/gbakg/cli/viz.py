"""The explorer command: ``gbakg viz`` writes the interactive HTML view of the graph."""

from __future__ import annotations

import click

from gbakg.cli.kit import graph_files, graph_options, label_lang, lang_option, load_graph, open_data
from gbakg.network.options import MEASURES

# Dating every triple for the slider parses the input with rdflib: seconds for the curated graph and
# the 100k synthetic one, minutes and gigabytes at a million triples, where the page goes without it.
SLIDER_MAX_BYTES = 40_000_000


@click.command()
@click.option("--focus", metavar="ENTITY", help="Show only the entities within --depth links of ENTITY.")
@click.option("--depth", type=click.IntRange(min=0), default=2, show_default=True, help="Links from --focus.")
@click.option("--path", "path", nargs=2, metavar="A B", help="Highlight a shortest path from A to B, with evidence.")
@click.option("--communities", is_flag=True, help="Colour nodes by (Louvain) community instead of class.")
@click.option(
    "--size-by",
    type=click.Choice([*MEASURES, "none"]),
    default="degree",
    show_default=True,
    help="Node size: a centrality measure, or none for one size.",
)
@click.option(
    "--layout",
    type=click.Choice(["auto", "anchored", "physics", "precomputed"]),
    default="auto",
    show_default=True,
    help="anchored: each city with its actors around it (auto's choice when the graph has places, "
    "up to 1,000 nodes); physics: a force layout; precomputed: positions computed in Python.",
)
@click.option("--title", default="Greater Bay Area Knowledge Graph", show_default=True, help="Page title.")
@click.option("--out", default="explorer.html", show_default=True, type=click.Path(dir_okay=False), help="HTML file.")
@lang_option
@graph_options
def viz(
    focus: str | None,
    depth: int,
    path: tuple[str, str] | None,
    communities: bool,
    size_by: str,
    layout: str,
    title: str,
    out: str,
    graphs: tuple[str, ...],
    with_curated: bool,
) -> None:
    """Write the explorer: one HTML file that opens offline in any browser.

    Click a node or link for its evidence; search by name or alias; filter by class, place and
    value-chain stage. Entities are named by IRI, CURIE, label or alias.
    """
    from gbakg.explorer.page import explorer_data, explorer_page
    from gbakg.fileio import atomic_write
    from gbakg.network.projections import full_graph
    from gbakg.progress import Stages
    from gbakg.rdf.asof import since
    from gbakg.sparql.engine import resolve

    if focus and path:
        raise click.UsageError("use --focus or --path, not both")
    with Stages("viz", 4) as stages:
        stages.start("reading the graph")
        store, triples = open_data(graphs, with_curated)
        stages.start("projecting")
        full = full_graph(triples, lang=label_lang())
        begins = None
        if sum(f.stat().st_size for f in graph_files(graphs, with_curated)) <= SLIDER_MAX_BYTES:
            stages.start("dating (for the time slider)")
            begins = since(load_graph(graphs, with_curated))  # rdflib: the one as_of rule
        stages.start("laying out")
        data = explorer_data(
            full,
            title=title,
            term_labels=triples.term_labels(),
            size_by=None if size_by == "none" else size_by,
            communities=communities,
            focus=resolve(store, focus).value if focus else None,
            depth=depth,
            path=tuple(resolve(store, name).value for name in path) if path else None,  # type: ignore[arg-type]
            layout=layout,
            since=begins,
            lang=label_lang(),
        )
    written = atomic_write(out, explorer_page(data))
    click.echo(f"wrote {written} ({len(data['nodes'])} nodes, {len(data['edges'])} links)")
    if begins is None:
        click.echo(f"no time slider: the input is over {SLIDER_MAX_BYTES // 1_000_000} MB (see --as-of)", err=True)


COMMANDS = [viz]
