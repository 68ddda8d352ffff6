"""The publishing command: ``gbakg site`` writes the static linked-data site."""

from __future__ import annotations

import click

from gbakg.cli.kit import graph_options, load_graph


@click.command()
@click.option("--out", default="site", show_default=True, type=click.Path(file_okay=False), help="Output folder.")
@graph_options
def site(out: str, graphs: tuple[str, ...], with_curated: bool) -> None:
    """Write a static site: a page per entity and per source, the ontology, the dataset.

    Open OUT/index.html from disk or put OUT on any static host: relative links, no request to
    anywhere else. OUT is replaced only if it is new, empty or an earlier site.
    """
    from gbakg.site.write import build_site

    counts = build_site(load_graph(graphs, with_curated), out)
    click.echo(
        f"wrote {out}/ ({counts['entities']} entity pages, {counts['sources']} source pages, {counts['files']} files)"
    )


COMMANDS = [site]
