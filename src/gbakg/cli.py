"""The ``gbakg`` command: a thin layer over the library, one module per group of commands.

Heavy libraries (rdflib, networkx, pyshacl, pyvis) are imported inside the commands, so
``gbakg --help`` starts fast.
"""

from __future__ import annotations

import click

from gbakg import __version__
from gbakg.clikit import GbakgGroup


@click.group(cls=GbakgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gbakg")
def cli() -> None:
    """The Greater Bay Area Knowledge Graph: build, validate, query, analyse and explore it.

    Exit codes: 0 ok, 1 a validation or analysis finding, 2 a usage or input error.
    """


def _register() -> None:
    from gbakg import cli_analysis, cli_data, cli_query, cli_time, cli_viz

    for command in [
        *cli_data.COMMANDS,
        *cli_time.COMMANDS,
        *cli_analysis.COMMANDS,
        *cli_viz.COMMANDS,
        *cli_query.COMMANDS,
    ]:
        cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="gbakg")
