"""The main job: load, validate, and write the merged graph and the explorer."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gbakg.dates import Period
from gbakg.fileio import atomic_write, ensure_dir
from gbakg.rdf.validate import ValidationReport


@dataclass
class BuildResult:
    """What a build did: the validation report, the counts, and the files written (if valid)."""

    report: ValidationReport
    summary: dict[str, Any]
    written: list[Path] = field(default_factory=list)


def build(
    out_dir: str | os.PathLike[str] = "build",
    sources: Sequence[str | os.PathLike[str]] | None = None,
    *,
    with_curated: bool = False,
    corpus: str | os.PathLike[str] | None = None,
    as_of: str | Period | None = None,
) -> BuildResult:
    """Validate the graph and, only if it is valid, write ``gbakg.ttl`` and ``explorer.html``.

    Nothing is written for an invalid graph, and each file is replaced atomically, so an earlier
    good build is never left half-overwritten. ``as_of`` (a date) builds the graph as it stood
    then (see :func:`gbakg.rdf.asof.as_of`).
    """
    from gbakg.explorer.page import explorer_html
    from gbakg.network.projections import full_graph
    from gbakg.rdf.load import load
    from gbakg.rdf.stats import stats
    from gbakg.rdf.validate import validate

    out = ensure_dir(out_dir)
    graph = load(sources, with_curated=with_curated)
    if as_of is not None:
        from gbakg.rdf.asof import as_of as graph_as_of

        graph = graph_as_of(graph, as_of)
    report = validate(graph, corpus=corpus)
    result = BuildResult(report=report, summary=stats(graph))
    if not report.conforms:
        return result
    turtle = graph.serialize(format="turtle")
    page = explorer_html(full_graph(graph), title="Greater Bay Area Knowledge Graph", term_labels=term_labels(graph))
    result.written.append(atomic_write(out / "gbakg.ttl", turtle))
    result.written.append(atomic_write(out / "explorer.html", page))
    return result


def term_labels(graph: Any) -> dict[str, str]:
    """English labels of the ontology's terms (classes, properties, values) by CURIE.

    The explorer's legend and link labels use them, so they read as the ontology names things.
    """
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDFS

    from gbakg.vocabulary import curie

    labels: dict[str, str] = {}
    for term, label in graph.subject_objects(RDFS.label):
        short = curie(str(term))
        if not isinstance(term, URIRef) or not isinstance(label, Literal) or short == str(term):
            continue
        if short.startswith(("gbr:", "gbs:")) or label.language not in (None, "en"):
            continue
        if label.language == "en" or short not in labels:
            labels[short] = str(label)
    return labels
