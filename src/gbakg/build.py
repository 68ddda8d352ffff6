"""The main job: load, validate, and write the merged graph and the explorer."""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gbakg import paths
from gbakg.dates import Period
from gbakg.errors import InputError
from gbakg.fileio import atomic_write_many, check_dir, ensure_dir
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
    endpoint: str | None = None,
) -> BuildResult:
    """Validate the graph and, only if it is valid, write ``gbakg.ttl``, ``explorer.html`` and
    ``void.ttl`` (its VoID/DCAT description, :func:`gbakg.rdf.dataset.describe`; ``endpoint`` is the
    SPARQL endpoint it names).

    Nothing is written for an invalid graph, and both files are replaced together and atomically,
    so an earlier good build is never left half-overwritten (Ctrl-C included). ``out_dir`` is
    created only when there is something to write, and may not lie inside an input folder (the
    next load would read the build back as data). ``as_of`` (a date) builds the graph as it stood
    then (see :func:`gbakg.rdf.asof.as_of`).
    """
    from gbakg import __version__
    from gbakg.explorer.page import explorer_html
    from gbakg.network.projections import full_graph
    from gbakg.rdf.asof import since
    from gbakg.rdf.dataset import describe
    from gbakg.rdf.load import load
    from gbakg.rdf.stats import stats
    from gbakg.rdf.validate import validate

    out = check_dir(out_dir)
    _refuse_inside_inputs(out, sources, with_curated)
    graph = load(sources, with_curated=with_curated)
    if as_of is not None:
        from gbakg.rdf.asof import as_of as graph_as_of

        graph = graph_as_of(graph, as_of)
    report = validate(graph, corpus=corpus)
    result = BuildResult(report=report, summary=stats(graph))
    if not report.conforms:
        return result
    turtle = graph.serialize(format="turtle")
    page = explorer_html(
        full_graph(graph), title="Greater Bay Area Knowledge Graph", term_labels=term_labels(graph), since=since(graph)
    )
    description = describe(graph, version=__version__, endpoint=endpoint, dump_bytes=len(turtle.encode("utf-8")))
    void = description.serialize(format="turtle")
    result.written.extend(_write(out, {"gbakg.ttl": turtle, "explorer.html": page, "void.ttl": void}))
    return result


def _write(out: Path, files: dict[str, str]) -> list[Path]:
    """Write the files into ``out``, creating it now; a folder made here is removed again on failure."""
    created = not out.exists()
    ensure_dir(out)
    try:
        return atomic_write_many({out / name: text for name, text in files.items()})
    except BaseException:
        if created and not any(out.iterdir()):
            out.rmdir()
        raise


def _refuse_inside_inputs(out: Path, sources: Sequence[str | os.PathLike[str]] | None, with_curated: bool) -> None:
    """An output folder inside an input folder (or over an input file) would be read back as data."""
    from gbakg.rdf.load import graph_files

    folders = [Path(s) for s in sources or [] if Path(s).is_dir()]
    if not sources or with_curated:
        folders.append(paths.graph_dir())
    folders.append(paths.ontology_dir())
    where = out.resolve()
    for folder in folders:
        if where == folder.resolve() or folder.resolve() in where.parents:
            raise InputError(
                f"{out}: inside the input folder {folder}; keep the build apart from the data it reads "
                "(choose an --out outside it)"
            )
    inputs = {f.resolve() for f in graph_files(sources, with_curated=with_curated)}
    for name in ("gbakg.ttl", "explorer.html", "void.ttl"):
        if (where / name).resolve() in inputs:
            raise InputError(f"{out / name}: is an input file; choose another --out")


def term_labels(graph: Any) -> dict[str, str]:
    """English labels of the ontology's terms (classes, properties, values) by CURIE.

    The explorer's legend and link labels use them, so they read as the ontology names things.
    ``graph`` is an rdflib Graph or an Oxigraph store.
    """
    from gbakg.network.triples import read

    return read(graph).term_labels()


class _CallableModule(types.ModuleType):
    """``gbakg.build(...)`` is the public API (a lazy name in :mod:`gbakg`), but once this module is
    imported Python binds the package attribute ``gbakg.build`` to the module itself; calling the
    module calls :func:`build`, so the API works whatever was imported first."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return build(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
