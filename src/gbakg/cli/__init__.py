"""The ``gbakg`` command: a thin layer over the library, one module per group of commands.

Heavy libraries (rdflib, networkx, pyshacl, pyvis) are imported inside the commands, so
``gbakg --help`` starts fast.
"""

from __future__ import annotations

import click

from gbakg import __version__
from gbakg.cli.kit import GbakgGroup


@click.group(cls=GbakgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gbakg")
def cli() -> None:
    """The Greater Bay Area Knowledge Graph: build, validate, query, analyse and explore it.

    Exit codes: 0 ok, 1 a validation or analysis finding, 2 a usage or input error.
    """


def _register() -> None:
    from gbakg.cli import analysis as cli_analysis
    from gbakg.cli import data as cli_data
    from gbakg.cli import query as cli_query
    from gbakg.cli import site as cli_site
    from gbakg.cli import sources as cli_sources
    from gbakg.cli import time as cli_time
    from gbakg.cli import viz as cli_viz

    for command in [
        *cli_data.COMMANDS,
        *cli_time.COMMANDS,
        *cli_analysis.COMMANDS,
        *cli_viz.COMMANDS,
        *cli_site.COMMANDS,
        *cli_query.COMMANDS,
        *cli_sources.COMMANDS,
    ]:
        cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="gbakg")
