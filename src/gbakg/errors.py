"""One exception hierarchy; the CLI turns each into a one-line message and an exit code."""

from __future__ import annotations


class GbakgError(Exception):
    """Base of every error gbakg raises on purpose. ``exit_code`` follows DESIGN.md §4."""

    exit_code = 2


class InputError(GbakgError):
    """The user's input (a file, an option, a value) cannot be used."""


class ParseError(InputError):
    """A data file is not valid RDF; the message names the file and the line."""


class DataNotFoundError(InputError):
    """The curated graph, the ontology or the corpus cannot be found."""


class UnknownEntityError(InputError):
    """A name does not match any entity; the message suggests close matches."""


class OutputError(GbakgError):
    """An output cannot be written (missing folder, no permission)."""


class AnalysisError(GbakgError):
    """An analysis has no answer (for example no path between two entities)."""

    exit_code = 1
