"""Commands about time: the timeline of dated facts (``--as-of`` itself is on every loading command)."""

from __future__ import annotations

import click

from gbakg.cli.kit import format_option, graph_options, load_graph

# The table is for reading on a terminal: long entity lists, quotes and sources are shortened there.
TABLE_WIDTHS = {"event": 24, "entity": 30, "id": 24, "status": 10, "quote": 50, "source": 24}


@click.command()
@click.option("--from", "first", metavar="DATE", help="Only facts dated wholly on or after DATE (YYYY[-MM[-DD]]).")
@click.option("--to", "last", metavar="DATE", help="Only facts dated wholly on or before DATE (YYYY[-MM[-DD]]).")
@format_option("table", "csv", "json")
@graph_options
def timeline(first: str | None, last: str | None, fmt: str, graphs: tuple[str, ...], with_curated: bool) -> None:
    """Dated milestones, signings and posts in time order, each with its source and quote.

    A date given as a year sorts at the year's first day and is shown as written.
    """
    from gbakg.dates import parse_date
    from gbakg.errors import InputError
    from gbakg.formats import render
    from gbakg.rdf.timeline import COLUMNS, milestones

    window = {}
    for option, key, value in (("--from", "start", first), ("--to", "end", last)):
        if value is not None:
            try:
                window[key] = parse_date(value)
            except InputError as e:
                raise InputError(f"{option}: {e}") from e
    if "start" in window and "end" in window and window["start"].start > window["end"].end:
        raise InputError(f"--from {first} is after --to {last}")
    rows = milestones(load_graph(graphs, with_curated), **window)
    if fmt != "table":
        click.echo(render(rows, fmt, columns=COLUMNS))
        return
    text = render(rows, fmt, columns=COLUMNS, max_widths=TABLE_WIDTHS)
    click.echo(text)
    if "…" in text:
        click.echo("(long cells shortened with …; --format csv or json gives the full quotes)")


COMMANDS = [timeline]
