"""``gbakg sources``: the web sources the graph cites, checked against their live pages.

``gbakg sources check`` is the one command that goes online, and only when the user runs it.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from gbakg.cli.kit import format_option, graph_options, load_graph
from gbakg.sources import CONCURRENCY, DELAY, RETRIES, TIMEOUT


@click.group()
def sources() -> None:
    """The web sources the graph cites: check that their pages still hold the quoted words."""


@sources.command()
@click.option("--source", "source_id", metavar="ID", help="Check only this source (gbs:ID, its IRI or ID).")
@click.option(
    "--save",
    "save_dir",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Keep each page's extracted text as DIR/ID.txt, for your own archive (never inside the repository).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.01),
    default=TIMEOUT,
    show_default=True,
    help="Seconds per connect or read.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=RETRIES,
    show_default=True,
    help="Retries after a network error, 429 or 5xx (with backoff).",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=DELAY,
    show_default=True,
    help="Seconds between two requests to the same host.",
)
@click.option(
    "--workers", type=click.IntRange(1, 32), default=CONCURRENCY, show_default=True, help="Requests in flight at once."
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Where pages are cached for revalidation [default: $GBAKG_CACHE/sources, else ~/.cache/gbakg/sources].",
)
@format_option("table", "csv", "json")
@graph_options
def check(
    source_id: str | None,
    save_dir: str | None,
    timeout: float,
    retries: int,
    delay: float,
    workers: int,
    cache_dir: str | None,
    fmt: str,
    graphs: tuple[str, ...],
    with_curated: bool,
) -> None:
    """Fetch each web source (schema:url) and look for every quote citing it in the page's text.

    Reports per source: ok, quote missing (which quotes), moved (the final address), gone (404/410)
    or unreachable (the error). For a moved page it prints the Turtle change to review; it never
    edits the graph. Exit 1 when a quote is missing or a page is gone, else 0.
    """
    from gbakg.formats import render
    from gbakg.progress import Bar
    from gbakg.rdf.load import graph_files
    from gbakg.sources import check as checking
    from gbakg.sources.fetch import Cache, Fetcher, default_cache_dir

    if save_dir is not None:
        checking.refuse_data_folder(save_dir, _repository_folders())
    chosen = web = checking.web_sources(load_graph(graphs, with_curated))
    if source_id is not None:
        chosen = checking.select(web, source_id)
    folder = Path(cache_dir) if cache_dir else default_cache_dir()
    cache = Cache(folder) if folder is not None else None
    fetcher = Fetcher(timeout=timeout, retries=retries, delay=delay, concurrency=workers, cache=cache)
    with fetcher, Bar(len({s.url for s in chosen}), "Checking sources") as bar:
        results = checking.check(chosen, fetcher, progress=bar.update)

    rows = [r.row() for r in results]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        widths = {"url": 50, "moved_to": 50, "redirects": 40, "missing": 60, "error": 40} if fmt == "table" else None
        click.echo(render(rows, fmt, checking.COLUMNS, max_widths=widths))
    aside = fmt != "table"  # keep CSV and JSON on stdout parseable: the rest goes to stderr
    click.echo(checking.summary(results), err=aside)
    changes = checking.turtle_changes(results, graph_files(list(graphs) or None, with_curated=with_curated))
    if changes:
        click.echo("\nTurtle changes to review (nothing was edited):\n" + changes, err=aside)
    if save_dir is not None:
        written = checking.save_texts(results, save_dir)
        click.echo(f"saved {len(written)} text(s) in {save_dir}", err=True)
    if checking.failed(results):
        raise SystemExit(1)


def _repository_folders() -> list[Path]:
    """The checkout holding the curated graph (or, in an installed package, its data folders)."""
    from gbakg import paths
    from gbakg.errors import DataNotFoundError

    try:
        graph = paths.graph_dir()
    except DataNotFoundError:
        return []
    if (graph.parent / "pyproject.toml").is_file():
        return [graph.parent]
    return [graph]


COMMANDS = [sources]
