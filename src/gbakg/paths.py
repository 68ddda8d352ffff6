"""Where the curated graph, the ontology and the corpus live.

In a checkout (``pip install -e .`` or ``PYTHONPATH=src``) they are the repository's top-level
``graph/`` and ``ontology/`` folders; an installed wheel carries a copy in ``gbakg/_data``.
``GBAKG_HOME`` points at another checkout. The corpus is never shipped: it comes from
``--corpus``, ``GBAKG_CORPUS`` or ``../shared/corpus`` beside the checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

from gbakg.errors import DataNotFoundError

_PACKAGE = Path(__file__).resolve().parent


def _roots() -> list[Path]:
    roots = []
    if home := os.environ.get("GBAKG_HOME"):
        roots.append(Path(home))
    roots.append(_PACKAGE.parents[1])  # src/gbakg -> repository root
    roots.append(_PACKAGE / "_data")  # inside an installed wheel
    return roots


def _find(name: str) -> Path:
    for root in _roots():
        candidate = root / name
        if candidate.is_dir() and any(candidate.glob("*.ttl")):
            return candidate
    tried = ", ".join(str(r / name) for r in _roots())
    raise DataNotFoundError(f"cannot find the {name}/ folder (tried {tried}); set GBAKG_HOME to a gbakg checkout")


def graph_dir() -> Path:
    """The curated data folder."""
    return _find("graph")


def ontology_dir() -> Path:
    """The ontology folder (OWL ontology, SKOS value chain, SHACL shapes)."""
    return _find("ontology")


def ontology_files() -> list[Path]:
    """The ontology's Turtle files, shapes excluded (shapes are not data)."""
    return sorted(p for p in ontology_dir().glob("*.ttl") if p.name != "shapes.ttl")


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def corpus_dir(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The corpus folder: the explicit one, else ``GBAKG_CORPUS``, else ``../shared/corpus``.

    An explicit or environment folder that does not exist is an error; the default is optional.
    """
    chosen = explicit or os.environ.get("GBAKG_CORPUS")
    if chosen:
        path = Path(chosen)
        if not path.is_dir():
            raise DataNotFoundError(f"corpus folder not found: {path}")
        return path
    for root in _roots()[:-1]:
        candidate = root.parent / "shared" / "corpus"
        if candidate.is_dir():
            return candidate
    cwd_candidate = Path.cwd().parent / "shared" / "corpus"
    return cwd_candidate if cwd_candidate.is_dir() else None
