"""Commands that judge and describe the data: build, validate, stats."""

from __future__ import annotations

import json

import click

from gbakg.cli.kit import as_of_date, format_option, graph_options, load_graph

_CORPUS_HELP = "Folder of source texts for the quote check [default: $GBAKG_CORPUS, else ../shared/corpus]."


@click.command()
@click.option("--out", "out_dir", default="build", show_default=True, type=click.Path(), help="Output folder.")
@click.option("--corpus", type=click.Path(), help=_CORPUS_HELP)
@click.option(
    "--endpoint",
    metavar="URL",
    help="The SPARQL endpoint to name in OUT/void.ttl (e.g. where `gbakg serve` runs); none by default.",
)
@graph_options
def build(out_dir: str, corpus: str | None, endpoint: str | None, graphs: tuple[str, ...], with_curated: bool) -> None:
    """Load and validate the graph, write OUT/gbakg.ttl, OUT/explorer.html and OUT/void.ttl (the
    dataset's VoID/DCAT description), print a summary.

    OUT is created only when the graph is valid, and may not lie inside an input folder. Ctrl-C
    exits 130 and leaves OUT as it was.
    """
    from gbakg.build import build as run_build

    if with_curated and not graphs:
        raise click.UsageError("--with-curated needs at least one --graph")
    try:
        sources = list(graphs) or None
        result = run_build(
            out_dir, sources, with_curated=with_curated, corpus=corpus, as_of=as_of_date(), endpoint=endpoint
        )
    except KeyboardInterrupt:
        click.echo(f"Interrupted: nothing written to {out_dir}.", err=True)
        raise SystemExit(130) from None
    click.echo(_summary(result.summary))
    click.echo(result.report.text())
    if not result.report.conforms:
        click.echo("Nothing written: fix the violations above.", err=True)
        raise SystemExit(1)
    for path in result.written:
        click.echo(f"wrote {path}")


@click.command()
@click.option("--corpus", type=click.Path(), help=_CORPUS_HELP)
@click.option("--review", is_flag=True, help="Also list the quotes that name neither the subject nor the object.")
@graph_options
def validate(corpus: str | None, review: bool, graphs: tuple[str, ...], with_curated: bool) -> None:
    """Check SHACL shapes, the provenance and model rules and every quote; exit 1 on any violation."""
    from gbakg.rdf.validate import validate as run_validate

    report = run_validate(load_graph(graphs, with_curated), corpus=corpus)
    click.echo(report.text())
    if review:
        click.echo(report.review_text())
    if not report.conforms:
        raise SystemExit(1)


@click.command()
@click.option("--sources", "by_source", is_flag=True, help="Show how many facts each source supports.")
@click.option(
    "--gaps",
    "list_gaps",
    is_flag=True,
    help="List the entities behind the coverage gaps: actors with no place, key entities with no Chinese name.",
)
@format_option("table", "json", "csv", "tsv")
@graph_options
def stats(by_source: bool, list_gaps: bool, fmt: str, graphs: tuple[str, ...], with_curated: bool) -> None:
    """Counts by class and property, sources and coverage."""
    from gbakg.formats import render
    from gbakg.rdf.stats import stats as run_stats

    if by_source and list_gaps:
        raise click.UsageError("give --sources or --gaps, not both")
    graph = load_graph(graphs, with_curated)
    if list_gaps:
        from gbakg.network.coverage import gaps

        rows = gaps(graph)
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False) if fmt == "json" else render(rows, fmt))
        return
    counts = run_stats(graph)
    if not by_source:
        from gbakg.network.coverage import landscape

        counts["landscape"] = landscape(graph)
    if fmt == "json" and not by_source:
        click.echo(json.dumps(counts, indent=2, ensure_ascii=False))
        return
    if by_source:
        rows = [{"source": s, "facts": n} for s, n in counts["facts_by_source"].items()]
    else:
        rows = _stat_rows(counts)
    click.echo(render(rows, fmt))


def _stat_rows(counts: dict) -> list[dict]:
    rows = [{"group": "total", "name": k, "count": counts[k]} for k in _TOTALS]
    rows += [{"group": "class", "name": k, "count": v} for k, v in counts["by_class"].items()]
    rows += [{"group": "property", "name": k, "count": v} for k, v in counts["by_property"].items()]
    rows += [{"group": "coverage", "name": k, "count": v} for k, v in counts["coverage"].items()]
    for key, value in counts["landscape"].items():
        if isinstance(value, dict):
            rows += [{"group": key, "name": k, "count": v} for k, v in value.items()]
        elif isinstance(value, list):
            rows.append({"group": "landscape", "name": key, "count": len(value)})
        else:
            rows.append({"group": "landscape", "name": key, "count": value})
    return rows


_TOTALS = ("entities", "qualified_nodes", "relations", "statements", "quotes", "sources", "triples")


def _summary(counts: dict) -> str:
    classes = ", ".join(f"{n} {c.split(':', 1)[1]}" for c, n in counts["by_class"].items())
    return (
        f"{counts['entities']} entities and {counts['qualified_nodes']} qualified nodes ({classes}); "
        f"{counts['relations']} relations; {counts['quotes']} quotes from {counts['sources']} source(s); "
        f"{counts['triples']} triples."
    )


@click.command()
@click.argument("facts", type=click.Path())
@click.option(
    "--sources", "sources", type=click.Path(), help="A CSV of new sources: id,title,publisher,date,url,language."
)
@click.option(
    "--out", "out", required=True, type=click.Path(), help="The Turtle file to write (in graph/ or your own folder)."
)
@click.option(
    "--append", is_flag=True, help="Add to OUT if it exists (rewriting it in house style) instead of refusing."
)
@click.option("--corpus", type=click.Path(), help=_CORPUS_HELP)
@graph_options
def add(
    facts: str,
    sources: str | None,
    out: str,
    append: bool,
    corpus: str | None,
    graphs: tuple[str, ...],
    with_curated: bool,
) -> None:
    """Check a facts table (CSV) and write it as cited, house-style Turtle.

    FACTS has the columns subject,predicate,object,lang,source,quote,date,id (graph/README.md,
    "Adding facts"). Names resolve against the curated graph (or --graph). A bad row gives
    FILE:ROW: reason and exit 2; nothing is written unless every row passes.
    """
    from gbakg.fileio import output_file
    from gbakg.rdf.adding import add_facts

    output_file(out)  # a folder, device or pipe is refused before anything is read or written
    result = add_facts(
        facts,
        out,
        sources=sources,
        append=append,
        graphs=list(graphs) or None,
        with_curated=with_curated,
        corpus=corpus,
    )
    click.echo(
        f"wrote {result.path}: {result.sources} source(s), {result.entities} new entit(ies), "
        f"{result.statements} cited statement(s), {result.triples} triples"
    )


COMMANDS = [build, validate, stats, add]
