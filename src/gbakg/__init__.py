"""gbakg: the Greater Bay Area Knowledge Graph.

The public API is plain functions over rdflib and networkx graphs. Names are imported lazily so
that ``import gbakg`` (and the CLI's start-up) stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "load": "gbakg.rdf.load",
    "parse_files": "gbakg.rdf.load",
    "validate": "gbakg.rdf.validate",
    "ValidationReport": "gbakg.rdf.validate",
    "stats": "gbakg.rdf.stats",
    "build": "gbakg.build",
    "GbakgError": "gbakg.errors",
    "facts_from": "gbakg.rdf.provenance",
    "as_of": "gbakg.rdf.asof",
    "milestones": "gbakg.rdf.timeline",
    "resolve": "gbakg.rdf.resolve",
}

__all__ = [*_API, "__version__"]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'gbakg' has no attribute {name!r}")
