"""Loading the graph: curated Turtle (or the user's own) plus the ontology, in one call."""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from rdflib import Graph, URIRef

from gbakg import paths
from gbakg.errors import InputError, ParseError
from gbakg.fileio import read_text
from gbakg.rdf.evidence import name_blank_evidence
from gbakg.vocabulary import bind_prefixes

PathLike = str | os.PathLike[str]


def turtle_files(sources: Iterable[PathLike]) -> list[Path]:
    """Expand files and folders into the Turtle files they hold, in a stable order."""
    files: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found = sorted(path.glob("*.ttl"))
            if not found:
                raise InputError(f"{path}: folder holds no .ttl files")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return files


def parse_files(files: Iterable[PathLike], graph: Graph | None = None) -> Graph:
    """Parse Turtle files into ``graph``; a syntax error names the file and line."""
    graph = graph if graph is not None else Graph()
    for file in files:
        path = Path(file)
        text = read_text(path, decode_error=ParseError)
        part = Graph()
        try:
            with _quiet_rdflib():
                part.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
        except Exception as e:  # rdflib raises several unrelated types for bad syntax
            raise ParseError(_syntax_message(path, e)) from e
        _check_iris(path, part)
        graph += part
        for prefix, ns in part.namespaces():
            graph.bind(prefix, ns, override=False)
    return graph


@contextlib.contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """rdflib logs a warning per bad IRI; we report the first one as an error instead."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


# Characters RFC 3987 forbids in an IRI; rdflib only warns about them and builds broken terms.
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _check_iris(path: Path, graph: Graph) -> None:
    """Refuse IRIs that rdflib accepted with a mere warning; a strict parser finds the line."""
    if not any(_BAD_IRI.search(str(t)) for triple in graph for t in triple if isinstance(t, URIRef)):
        return
    import pyoxigraph

    try:
        for _ in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE):
            pass
    except SyntaxError as e:
        raise ParseError(f"{path}:{e.lineno}: invalid Turtle: {e.msg.split(': ', 1)[-1]}") from e
    except MemoryError:  # a token over Oxigraph's 16 MiB buffer: no line to give, the message below holds
        pass
    raise ParseError(f"{path}: invalid Turtle: an IRI holds a character that IRIs cannot hold")


def _syntax_message(path: Path, error: Exception) -> str:
    line = getattr(error, "lines", None)
    why = getattr(error, "_why", None) or str(error).splitlines()[0]
    where = f"{path}:{line + 1}" if isinstance(line, int) else str(path)
    return f"{where}: invalid Turtle: {why}"


def graph_files(
    sources: Sequence[PathLike] | None = None, *, with_curated: bool = False, ontology: bool = True
) -> list[Path]:
    """The files a graph is loaded from, in order: the curated ``graph/`` unless ``sources`` are
    given (or ``with_curated``), the sources, then the ontology. Every loader asks this one."""
    files: list[Path] = []
    if not sources or with_curated:
        files.extend(turtle_files([paths.graph_dir()]))
    if sources:
        files.extend(turtle_files(sources))
    if ontology:
        files.extend(paths.ontology_files())
    return list(dict.fromkeys(files))


def load(
    sources: Sequence[PathLike] | None = None,
    *,
    with_curated: bool = False,
    ontology: bool = True,
    reasoning: bool = False,
) -> Graph:
    """Load the knowledge graph: the curated ``graph/`` unless ``sources`` are given.

    ``sources`` are Turtle files or folders (the user's own data); ``with_curated`` adds the
    curated graph to them. The ontology and value-chain scheme are merged in by default, since
    queries and projections need class labels and the stage order. ``reasoning`` adds the
    RDFS/OWL-RL closure (slow on big graphs; off by default).
    """
    graph = parse_files(graph_files(sources, with_curated=with_curated, ontology=ontology))
    name_blank_evidence(graph)
    bind_prefixes(graph)
    if reasoning:
        import owlrl

        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph
