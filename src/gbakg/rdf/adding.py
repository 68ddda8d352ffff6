"""``gbakg add``: a facts table in, a cited house-style Turtle file out, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from gbakg import paths
from gbakg.fileio import atomic_write
from gbakg.rdf.housestyle import house_turtle
from gbakg.rdf.load import PathLike, load, parse_files
from gbakg.rdf.quotes import Corpus
from gbakg.rdf.tables import TableError, build_facts


@dataclass(frozen=True)
class AddResult:
    """What ``add`` wrote."""

    path: Path
    sources: int
    entities: int
    statements: int
    triples: int


def add_facts(
    facts: PathLike,
    out: PathLike,
    *,
    sources: PathLike | None = None,
    append: bool = False,
    graphs: list[PathLike] | None = None,
    with_curated: bool = False,
    corpus: PathLike | None = None,
) -> AddResult:
    """Check ``facts`` (and ``sources``) and write them to ``out``; raise :class:`TableError` on a bad row.

    Names resolve against the curated graph (or ``graphs``). The result must keep every model
    rule that held before: a rule the new facts break is reported and nothing is written.
    """
    target = Path(out)
    if target.suffix != ".ttl":
        raise TableError(f"{target}: the output must be a .ttl file")
    if target.exists() and not append:
        raise TableError(f"{target}: exists; give --append to add to it, or choose a new file")
    base = load([str(g) for g in graphs] if graphs else None, with_curated=with_curated)
    previous = parse_files([target]) if target.exists() else Graph()
    folder = paths.corpus_dir(str(corpus) if corpus is not None else None)
    added = build_facts(base, facts, sources, Corpus(folder) if folder is not None else None)
    _check_rules(base, added.graph, facts)
    result = previous + added.graph
    atomic_write(target, house_turtle(result, comment=f"Added with `gbakg add` from {Path(facts).name}."))
    return AddResult(target, added.sources, added.entities, added.statements, len(result))


def _check_rules(base: Graph, new: Graph, facts: PathLike) -> None:
    """The model rules on the graph with the new facts: any finding they add fails the whole table."""
    from gbakg.rdf.validate import validate

    before = {str(f) for f in validate(base, quotes=False).findings}
    after = validate(base + new, quotes=False).findings
    fresh = [f for f in after if str(f) not in before]
    if fresh:
        more = f" (and {len(fresh) - 1} more)" if len(fresh) > 1 else ""
        raise TableError(f"{facts}: the new facts break a model rule: {fresh[0]}{more}")
