"""Shared pieces of the command line: options, the error boundary, output helpers.

Only the CLI layer imports this module; library modules never do.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from gbakg.errors import GbakgError


def graph_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--graph PATH`` (repeatable) and ``--with-curated``, for every command that loads data."""
    func = click.option(
        "--with-curated",
        is_flag=True,
        help="Add the curated graph to the files given with --graph.",
    )(func)
    func = click.option(
        "--graph",
        "graphs",
        multiple=True,
        type=click.Path(),
        metavar="PATH",
        help="A Turtle file or folder to use instead of the curated graph (repeatable).",
    )(func)
    return func


def format_option(*choices: str, default: str = "table") -> Callable[..., Any]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


def load_graph(graphs: tuple[str, ...], with_curated: bool):  # type: ignore[no-untyped-def]
    """Load what the user asked for; imported lazily so ``--help`` stays fast."""
    from gbakg.store import load

    if with_curated and not graphs:
        raise click.UsageError("--with-curated needs at least one --graph")
    return load(list(graphs) or None, with_curated=with_curated)


class GbakgGroup(click.Group):
    """A group that turns every GbakgError into a one-line message and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GbakgError as e:
            click.echo(f"Error: {e}", err=True)
            ctx.exit(e.exit_code)
        except BrokenPipeError:
            sys.stderr.close()
            ctx.exit(0)
