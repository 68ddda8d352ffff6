"""Projections kept on disk, so a second analysis of a big, unchanged graph starts from them.

Building the full and collaboration graphs of a million triples takes about six seconds even from
the triples kept beside the persistent store; reading them back takes about one. The CLI keeps them
beside that store (one file per label language), named by the same fingerprint, so a changed input
is never answered from an old projection. marshal holds only plain values (the graphs' attributes
are strings, numbers, lists, dicts and sets) and runs no code on load; a file that fails to load,
or comes from another format version, is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import marshal
from pathlib import Path
from typing import Any

import networkx as nx

from gbakg.fileio import atomic_write

FORMAT = 2

# The modules whose code decides what a projection holds: a kept file is named by a digest of them,
# so a changed gbakg never answers from a projection its older self made.
_MAKERS = ("projections", "triples", "graphs", "options")


def code_key() -> str:
    """A short digest of the code that builds projections (and of this file's format)."""
    import gbakg.names
    import gbakg.rdf.evidence
    import gbakg.vocabulary

    here = Path(__file__).resolve().parent
    files = [here / f"{name}.py" for name in _MAKERS]
    files += [Path(m.__file__) for m in (gbakg.names, gbakg.rdf.evidence, gbakg.vocabulary) if m.__file__]
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    for file in files:
        digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def save(g: nx.Graph, path: Any) -> None:
    """Keep a projection (any networkx graph) in ``path``, written atomically, for :func:`load`."""
    edges = list(g.edges(keys=True, data=True)) if g.is_multigraph() else list(g.edges(data=True))
    data = (FORMAT, type(g).__name__, dict(g.graph), list(g.nodes(data=True)), edges)
    atomic_write(path, marshal.dumps(data))


_KINDS = {"Graph": nx.Graph, "MultiGraph": nx.MultiGraph, "DiGraph": nx.DiGraph, "MultiDiGraph": nx.MultiDiGraph}


def load(path: Any) -> nx.Graph | None:
    """The graph :func:`save` kept, node for node and edge for edge in the same order, or None."""
    try:
        version, kind, attrs, nodes, edges = marshal.loads(Path(path).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if version != FORMAT or kind not in _KINDS:
        return None
    g = _KINDS[kind](**attrs)
    g.add_nodes_from(nodes)
    g.add_edges_from(edges)
    return g
